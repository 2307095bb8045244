"""The failed-login limits hold across gunicorn workers when Redis stores the counters."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import requests

from tests.conftest import PASSWORD, make_app, make_user

REDIS_URL = os.environ.get("STUDYAPP_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def _redis_up() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except Exception:
        return False


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.skipif(not _redis_up(), reason="Redis is not running on 127.0.0.1:6379")
def test_failed_login_limit_is_shared_by_two_workers(template_db, tmp_path: Path):
    app = make_app(template_db, tmp_path)
    with app.app_context():
        user = make_user()
        email = user.email
    db_url = app.config["SQLALCHEMY_DATABASE_URI"]
    port = _free_port()
    env = {
        **os.environ,
        "STUDYAPP_SQLALCHEMY_DATABASE_URI": db_url,
        "STUDYAPP_SECRET_KEY": "gunicorn-test-secret-key-long-enough-1234",
        "STUDYAPP_WTF_CSRF_ENABLED": "false",
        "STUDYAPP_RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        "REDIS_URL": REDIS_URL,
    }
    env.pop("DATABASE_URL", None)
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent))
    server = subprocess.Popen(
        [gunicorn, "--workers", "2", "--bind", f"127.0.0.1:{port}", "studyapp:create_app()"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                requests.get(base + "/healthz", timeout=5).raise_for_status()
                break
            except requests.RequestException:
                # Not listening yet, or a worker still importing the app on a busy machine.
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        owner = requests.Session()  # logs in once: its browser becomes a known device
        first = owner.post(
            base + "/account/login",
            data={"email": email, "password": PASSWORD},
            allow_redirects=False,
            timeout=10,
        )
        assert first.status_code == 302
        owner.post(base + "/account/logout", allow_redirects=False, timeout=10)
        statuses = []
        for _ in range(7):
            # A new connection each time, so both workers take turns answering.
            r = requests.post(
                base + "/account/login",
                data={"email": email, "password": "not the password"},
                headers={"Connection": "close"},
                timeout=10,
            )
            statuses.append(r.status_code)
        assert statuses[:5] == [200] * 5  # the form again, with "not correct"
        assert statuses[5:] == [429, 429]
        again = owner.post(
            base + "/account/login",
            data={"email": email, "password": PASSWORD},
            headers={"Connection": "close"},
            allow_redirects=False,
            timeout=10,
        )
        assert again.status_code == 302  # the owner's known device is not held back
    finally:
        server.terminate()
        server.wait(timeout=10)
