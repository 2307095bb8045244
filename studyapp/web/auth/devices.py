"""Known devices: a signed, long-lived cookie set at a successful login.

It names the device (a random id) and the accounts that have logged in on it. A login attempt
from a device known to the account is counted on its own (see ``limits``), so strangers'
failures elsewhere never lock the owner out. The cookie proves only that someone once logged in
to the account on this browser; it grants no access by itself.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import timedelta

from flask import Response, current_app, request
from itsdangerous import BadData, URLSafeTimedSerializer

COOKIE = "studyapp_device"
MAX_ACCOUNTS = 10  # a shared computer remembers this many accounts, the latest first


@dataclass
class Device:
    """This browser's known-device id and the accounts that logged in on it."""

    id: str
    accounts: list[int] = field(default_factory=list)

    def knows(self, user_id: int | None) -> bool:
        return user_id is not None and user_id in self.accounts


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="studyapp.known-device")


def _lifetime() -> timedelta:
    return timedelta(days=current_app.config["KNOWN_DEVICE_DAYS"])


def current_device() -> Device | None:
    """The device named by a valid cookie on this request, or None."""
    raw = request.cookies.get(COOKIE)
    if not raw:
        return None
    try:
        data = _serializer().loads(raw, max_age=int(_lifetime().total_seconds()))
    except BadData:
        return None
    if not isinstance(data, dict):
        return None
    device_id, accounts = data.get("d"), data.get("u")
    if not isinstance(device_id, str) or not isinstance(accounts, list):
        return None
    return Device(device_id, [a for a in accounts if isinstance(a, int)][:MAX_ACCOUNTS])


def remember_device(response: Response, device: Device | None, user_id: int) -> None:
    """Mark this browser as a known device of ``user_id`` (a fresh id if it had none)."""
    device = device or Device(secrets.token_urlsafe(16))
    accounts = [user_id, *(a for a in device.accounts if a != user_id)][:MAX_ACCOUNTS]
    value = _serializer().dumps({"d": device.id, "u": accounts})
    config = current_app.config
    response.set_cookie(
        COOKIE,
        value,
        max_age=_lifetime(),
        path="/account/",
        secure=config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Lax",
    )
