"""Failed-login limits that slow a guesser down without locking the owner out.

Failures are counted in three scopes, each with exponential back-off (after ``allowed``
failures every further one doubles the wait, up to a longest wait; waiting attempts are refused
unchecked and do not count):

- **client**: the account together with the device's known-device cookie when it has logged in
  to that account before, else the account together with the address;
- **account**: the account, counting only clients that have never logged in to it, so a
  stranger's failures never hold back the owner's known device;
- **address**: the address, for clients unknown to the account tried, with a high allowance so
  that a school behind one NAT address can still log in.

A known device passes only its own client scope. The counters live in the rate-limit storage
(Redis when REDIS_URL is set, shared by every worker), under RATELIMIT_KEY_PREFIX.
"""

from __future__ import annotations

import hashlib
import ipaddress
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass

from flask import Flask, current_app, request
from limits.storage import Storage, storage_from_string


@dataclass(frozen=True)
class Backoff:
    """After ``allowed`` failures wait ``first_wait`` seconds, doubling up to ``max_wait``."""

    allowed: int
    first_wait: int
    max_wait: int

    def wait_after(self, failures: int) -> int:
        """Seconds to wait after the ``failures``-th failure in a row."""
        if failures < self.allowed:
            return 0
        return min(self.max_wait, self.first_wait * 2 ** min(failures - self.allowed, 32))


@dataclass(frozen=True)
class Scope:
    """One counter of failures and its back-off."""

    key: str
    backoff: Backoff


class LoginLimits:
    """Counts failures per scope and tells how long a login attempt has to wait."""

    def __init__(self, storage: Storage, prefix: str, kept: int) -> None:
        self.storage = storage
        self.prefix = prefix
        self.kept = int(kept)

    def _keys(self, scope: Scope) -> tuple[str, str]:
        base = f"{self.prefix}studyapp-login/{scope.key}"
        return base + "/failures", base + "/wait"

    def wait(self, scopes: Sequence[Scope]) -> int:
        """Whole seconds until an attempt may be checked (0: now)."""
        now = time.time()
        longest = 0.0
        for scope in scopes:
            _, wait_key = self._keys(scope)
            if self.storage.get(wait_key) > 0:
                longest = max(longest, self.storage.get_expiry(wait_key) - now, 1.0)
        return math.ceil(longest)

    def failed(self, scopes: Sequence[Scope]) -> None:
        """Count a failure in every scope; start the waits that are due."""
        for scope in scopes:
            count_key, wait_key = self._keys(scope)
            failures = self.storage.incr(count_key, self.kept)
            wait = scope.backoff.wait_after(failures)
            if wait:
                self.storage.incr(wait_key, wait)

    def succeeded(self, scope: Scope) -> None:
        """The right password: the client's own count starts again (the others stay)."""
        for key in self._keys(scope):
            self.storage.clear(key)


def init_app(app: Flask) -> None:
    """Give the app its login limits on the rate-limit storage."""
    app.extensions["login_limits"] = LoginLimits(
        storage_from_string(app.config["RATELIMIT_STORAGE_URI"]),
        app.config.get("RATELIMIT_KEY_PREFIX") or "",
        app.config["LOGIN_FAILURES_KEPT"],
    )


def login_limits() -> LoginLimits:
    return current_app.extensions["login_limits"]


def client_address() -> str:
    """The client's address (after any trusted proxies); an IPv6 client counts by its /64."""
    raw = request.remote_addr or "unknown"
    try:
        ip = ipaddress.ip_address(raw)
    except ValueError:
        return raw
    if ip.version == 6:
        if ip.ipv4_mapped:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def _account(email: str) -> str:
    """A short stable name for an email, to keep addresses out of the storage's keys."""
    return hashlib.sha256(email.encode("utf-8")).hexdigest()[:32]


def _backoff(name: str) -> Backoff:
    allowed, first_wait, max_wait = current_app.config[name]
    return Backoff(int(allowed), int(first_wait), int(max_wait))


def login_scopes(email: str, known_device: str | None) -> list[Scope]:
    """The scopes a login attempt for ``email`` from this request is counted in."""
    account = _account(email)
    client = _backoff("LOGIN_BACKOFF_PER_CLIENT")
    if known_device is not None:
        return [Scope(f"device/{account}/{known_device}", client)]
    address = client_address()
    return [
        Scope(f"pair/{account}/{address}", client),
        Scope(f"account/{account}", _backoff("LOGIN_BACKOFF_PER_ACCOUNT")),
        Scope(f"address/{address}", _backoff("LOGIN_BACKOFF_PER_ADDRESS")),
    ]


def describe_wait(seconds: int) -> str:
    """'40 seconds', '1 minute', '15 minutes'."""
    if seconds < 60:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = math.ceil(seconds / 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"
