"""Small request-safety helpers shared by the blueprints."""

from __future__ import annotations

from urllib.parse import urlsplit


def safe_next(target: str | None) -> str | None:
    """A local path to continue to after login, or None: never another site."""
    if not target:
        return None
    target = target.strip()
    # Browsers treat backslashes as slashes and ignore tabs/newlines: reject them outright.
    if "\\" in target or any(c in target for c in "\t\r\n") or not target.startswith("/"):
        return None
    if target.startswith("//"):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target
