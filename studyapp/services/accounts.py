"""Accounts: sign-up, password checks, session versions, password reset links."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from functools import lru_cache

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from itsdangerous import BadData, URLSafeSerializer
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from studyapp.core.passwords import password_problem
from studyapp.core.plain_text import plain_text_problem
from studyapp.core.timezones import DEFAULT_ZONE, canonical_zone
from studyapp.db import begin_write
from studyapp.extensions import db
from studyapp.models import Role, User
from studyapp.services import ServiceError

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@lru_cache(maxsize=4)
def hasher(profile: str = "RFC_9106_LOW_MEMORY") -> PasswordHasher:
    """An argon2id hasher. The default profile (64 MiB, t=3, p=4) exceeds OWASP's minimum."""
    return PasswordHasher.from_parameters(getattr(profiles, profile))


_profile = "RFC_9106_LOW_MEMORY"


def set_hash_profile(profile: str) -> None:
    """Choose the argon2 profile (tests use a cheap one; production keeps the default)."""
    global _profile
    _profile = profile


def hash_password(password: str) -> str:
    """Hash a password with argon2id."""
    return hasher(_profile).hash(password)


def check_password_rules(password: str, email: str = "") -> None:
    """Length, not a common password, not the email address; no composition rules."""
    problem = password_problem(password, email)
    if problem:
        raise ServiceError(problem)


def normalise_email(email: str) -> str:
    """Emails compare case-insensitively and without surrounding spaces."""
    return email.strip().lower()


def _checked(email: str, name: str, password: str) -> tuple[str, str]:
    """The normalised email and name of a new account; refuses bad input."""
    email = normalise_email(email)
    if not EMAIL_RE.match(email) or plain_text_problem(email):
        raise ServiceError("Enter a valid email address.")
    problem = plain_text_problem(name, "The name")
    if problem:
        raise ServiceError(problem)
    name = " ".join(name.split())
    if not name:
        raise ServiceError("Enter your name.")
    check_password_rules(password, email)
    return email, name


def _email_taken(email: str) -> bool:
    return db.session.scalar(select(User.id).where(User.email == email)) is not None


def create_user(
    email: str, name: str, password: str, *, role: Role = Role.STUDENT, demo: bool = False
) -> User:
    """Create an account (command line, demo data); refuses a taken email or a weak password."""
    email, name = _checked(email, name, password)
    if _email_taken(email):
        raise ServiceError("An account with that email already exists.")
    user = User(email=email, name=name, password_hash=hash_password(password), role=role, demo=demo)
    db.session.add(user)
    db.session.flush()
    return user


def checked_zone(name: str) -> str:
    """The proper name of a time zone, or ServiceError saying how to choose one."""
    zone = canonical_zone(name)
    if zone is None:
        raise ServiceError(
            "Choose a time zone from the list: a region and a city, such as Europe/Berlin."
        )
    return zone


def sign_up(email: str, name: str, password: str, timezone: str = DEFAULT_ZONE) -> User | None:
    """A new student account, or None when the email already has one.

    Both outcomes cost one password hash, so the caller can answer them alike without the
    timing telling them apart. Refuses bad input with ServiceError.
    """
    email, name = _checked(email, name, password)
    timezone = checked_zone(timezone)
    password_hash = hash_password(password)  # before the write lock: it takes a while
    begin_write(db.session)
    if _email_taken(email):
        return None
    user = User(
        email=email, name=name, password_hash=password_hash, role=Role.STUDENT, timezone=timezone
    )
    try:
        with db.session.begin_nested():  # a sign-up for the same email at the same moment
            db.session.add(user)
    except IntegrityError:
        return None
    return user


def account_id(email: str) -> int | None:
    """The id of the account with this email, if any."""
    return db.session.scalar(select(User.id).where(User.email == normalise_email(email)))


# A real hash to verify against when the email is unknown, so both paths cost the same.
_DUMMY_HASH: str | None = None


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, else None.

    The password is checked without the write lock; only a hash made with older parameters is
    rewritten (under the lock, and only if nobody changed it meanwhile).
    """
    global _DUMMY_HASH
    user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None:
        if _DUMMY_HASH is None:
            _DUMMY_HASH = hash_password("not a real password")
        _verify(_DUMMY_HASH, password)
        return None
    if not _verify(user.password_hash, password) or not user.active:
        return None
    if hasher(_profile).check_needs_rehash(user.password_hash):
        user_id, old, new = user.id, user.password_hash, hash_password(password)
        begin_write(db.session)
        db.session.execute(
            update(User)
            .where(User.id == user_id, User.password_hash == old)
            .values(password_hash=new)
            .execution_options(synchronize_session=False)
        )
    return user


def _verify(stored: str, password: str) -> bool:
    try:
        return hasher(_profile).verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def end_sessions(user: User) -> None:
    """Invalidate every session of this user (logout, password change)."""
    db.session.execute(
        update(User).where(User.id == user.id).values(session_version=User.session_version + 1)
    )
    db.session.refresh(user)


def change_password(user: User, current: str, new: str) -> None:
    """Change the password after checking the current one; ends every other session.

    Both hashes are computed before the write lock is taken; the change is made only if the
    password is still the one just checked (of two changes at once, one wins).
    """
    old = user.password_hash
    if not _verify(old, current):
        raise ServiceError("Your current password is not correct.")
    check_password_rules(new, user.email)
    if not _replace_password(user, old, hash_password(new)):
        raise ServiceError("Your current password is not correct.")


def _replace_password(user: User, old: str, new_hash: str) -> bool:
    """Store a new hash and end every session, if the stored hash is still ``old``.

    The hash is made by the caller before this takes the write lock (hashing takes a while);
    of two changes made at once from the same old password, one wins. False if it lost.
    """
    user_id = user.id
    begin_write(db.session)
    changed = db.session.execute(
        update(User)
        .where(User.id == user_id, User.password_hash == old)
        .values(password_hash=new_hash, session_version=User.session_version + 1)
        .execution_options(synchronize_session=False)
    )
    if changed.rowcount != 1:
        db.session.rollback()
        return False
    db.session.refresh(user)
    return True


def set_active(user: User, active: bool) -> None:
    """Deactivate or reactivate an account.

    Deactivation ends every session for good: reactivating later does not revive a cookie from
    before (each carries the session version, which either change moves on; moving it on at
    reactivation too covers accounts deactivated before this rule).
    """
    if user.active != active:
        end_sessions(user)
    user.active = active


# --- password reset links -------------------------------------------------------------------

RESET_LINK_LIFETIME = timedelta(minutes=30)
_RESET_SALT = "studyapp.password-reset"
_LINK_SPENT = (
    "This reset link does not work any more: it has been used, or the password has been "
    "changed since it was made. Ask for a new link."
)


def _reset_signer(secret_key: str | bytes, user: User) -> URLSafeSerializer:
    """Signs reset links for this account as it stands.

    The account's password hash is part of the key, so a link dies once it has been used (or the
    password changed some other way): no table of tokens to keep or clean up.
    """
    return URLSafeSerializer(secret_key, salt=f"{_RESET_SALT}:{user.id}:{user.password_hash}")


def reset_token(user: User, *, secret_key: str | bytes, now: datetime) -> str:
    """A token for a one-time link that sets a new password (valid RESET_LINK_LIFETIME)."""
    if not user.active:
        raise ServiceError("This account is deactivated: reactivate it before resetting it.")
    return str(_reset_signer(secret_key, user).dumps([user.id, int(now.timestamp())]))


def account_for_reset(
    token: str,
    *,
    secret_key: str | bytes,
    now: datetime,
    lifetime: timedelta = RESET_LINK_LIFETIME,
) -> User:
    """The account a reset link is for; ServiceError when it is expired, used or not ours."""
    unusable = ServiceError(_LINK_SPENT)
    try:
        _, payload = URLSafeSerializer(secret_key).loads_unsafe(token)
    except BadData:
        raise unusable from None
    if not (
        isinstance(payload, list)
        and len(payload) == 2
        and all(isinstance(v, int) and not isinstance(v, bool) for v in payload)
    ):
        raise unusable
    user = db.session.get(User, payload[0])
    if user is None or not user.active:
        raise unusable
    try:
        _reset_signer(secret_key, user).loads(token)
    except BadData:
        raise unusable from None
    age = now.timestamp() - payload[1]
    if not -60 <= age <= lifetime.total_seconds():
        minutes = int(lifetime.total_seconds() // 60)
        raise ServiceError(
            f"This reset link has expired: links work for {minutes} minutes. Ask for a new link."
        )
    return user


def reset_password(
    token: str,
    new: str,
    *,
    secret_key: str | bytes,
    now: datetime,
    lifetime: timedelta = RESET_LINK_LIFETIME,
) -> User:
    """Set a new password with a reset link, once, and end every session of the account."""
    user = account_for_reset(token, secret_key=secret_key, now=now, lifetime=lifetime)
    check_password_rules(new, user.email)
    # Only if the password is still the one the link was made for: of two uses at the same
    # moment, one wins and the other is refused.
    if not _replace_password(user, user.password_hash, hash_password(new)):
        raise ServiceError(_LINK_SPENT)
    return user
