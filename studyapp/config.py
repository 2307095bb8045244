"""Default settings; `instance/config.py` and `STUDYAPP_*` environment variables override them."""

from __future__ import annotations

from datetime import timedelta

# The public key earlier versions used for development; a served app refuses to start with it.
DEV_SECRET_KEY = "dev-only-not-secret"


class Defaults:
    """Settings every environment starts from."""

    ENV_NAME = "development"  # STUDYAPP_ENV_NAME=production turns on the production checks
    # STUDYAPP_SECRET_KEY or instance/config.py. Unset in development (`make run`, `flask`): a
    # random key made once in instance/secret_key. Unset when served: the app refuses to start.
    SECRET_KEY: str | None = None
    # Served for real: refuse a missing, short or public secret key. `make serve` sets it, and
    # it holds whenever gunicorn serves the app, whatever else is set.
    REQUIRE_SECRET = False
    # How many proxies in front of the app set X-Forwarded-For and X-Forwarded-Proto (werkzeug's
    # ProxyFix). 0: the headers are ignored and the client is the connection's address.
    TRUSTED_PROXIES = 0
    SQLALCHEMY_DATABASE_URI: str | None = None  # filled from DATABASE_URL or instance/
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None  # tokens live as long as the session
    MAX_CONTENT_LENGTH = 512 * 1024
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    SESSION_COOKIE_NAME = "studyapp_session"
    PERMANENT_SESSION_LIFETIME = timedelta(days=14)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_DURATION = timedelta(days=14)
    # Login and sign-up limits: Redis when REDIS_URL is set (shared by all workers), else per
    # process.
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = False
    # Failed logins back off exponentially: [failures allowed, first wait (s), longest wait (s)].
    # Per account and client (the address, or the device's cookie once it has logged in there).
    LOGIN_BACKOFF_PER_CLIENT = [5, 60, 3600]
    # Per account, counting only clients that have never logged in to it (a known device is
    # never held back by strangers' failures).
    LOGIN_BACKOFF_PER_ACCOUNT = [20, 60, 3600]
    # Per address, for clients unknown to the account tried: high enough for a school's NAT.
    LOGIN_BACKOFF_PER_ADDRESS = [100, 5, 300]
    LOGIN_FAILURES_KEPT = 24 * 3600  # seconds a count of failures is remembered
    KNOWN_DEVICE_DAYS = 365  # lifetime of the signed cookie that marks a known device
    SIGNUP_LIMIT_PER_ADDRESS = "20 per minute; 200 per hour"  # each sign-up hashes a password
    HSTS = False  # send Strict-Transport-Security (set when served over HTTPS)
    # Where users reach the app: the start of the links `flask reset-link` prints.
    BASE_URL = "http://127.0.0.1:5000"
    SEED_DIR: str | None = None  # defaults to the repository's seed/
    BANK_SEED = 0  # the generator's seed for the question bank


class Production(Defaults):
    """What STUDYAPP_ENV_NAME=production changes."""

    REQUIRE_SECRET = True
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    HSTS = True
