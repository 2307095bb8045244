"""Shared by the benchmarks that talk to a real server: build a database, serve it, log in."""

from __future__ import annotations

import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PASSWORD = "bench password 1"
HIDDEN = re.compile(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"')


def build_students(path: Path, count: int) -> list[str]:
    """A SQLite database with the schema, the question bank and ``count`` students."""
    from studyapp import create_app
    from studyapp.cli import create_schema
    from studyapp.extensions import db
    from studyapp.services.accounts import create_user, set_hash_profile
    from studyapp.services.bank import sync_bank

    set_hash_profile("CHEAPEST")
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "SECRET_KEY": "s" * 40})
    emails = [f"writer{i}@example.com" for i in range(count)]
    with app.app_context():
        create_schema()
        sync_bank(0)
        for email in emails:
            user = create_user(email, email, PASSWORD)
            user.new_cards_per_day = 100_000
        db.session.commit()
        db.engine.dispose()
    return emails


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(
    database: Path | str,
    workers: int,
    port: int | None = None,
    *,
    env: dict[str, str] | None = None,
    log: Path | None = None,
) -> tuple[subprocess.Popen, str]:
    """Start gunicorn on loopback and wait until it answers.

    ``database`` is a SQLite file (a path) or a database URL (PostgreSQL, say). The server gets a
    random secret key of its own; ``env`` adds settings, ``log`` receives gunicorn's errors.
    """
    import requests

    port = port or free_port()
    url = f"sqlite:///{database}" if isinstance(database, Path) else database
    server_env = {
        **os.environ,
        "STUDYAPP_SQLALCHEMY_DATABASE_URI": url,
        "STUDYAPP_SECRET_KEY": secrets.token_urlsafe(36),  # 48 characters
        **(env or {}),
    }
    server_env.pop("DATABASE_URL", None)  # the URL above is the one to serve
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
    errors = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115  (the child keeps it)
    proc = subprocess.Popen(
        [
            gunicorn,
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "studyapp:create_app()",
        ],
        env=server_env,
        cwd=str(ROOT),
        stdout=subprocess.DEVNULL,
        stderr=errors,
        start_new_session=True,  # its own process group, so a crash test can kill it whole
    )
    if log:
        errors.close()
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            requests.get(base + "/healthz", timeout=2)
            return proc, base
        except requests.RequestException:  # not listening yet, or still booting workers
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("gunicorn did not start")


def login(base: str, email: str):  # type: ignore[no-untyped-def]
    """A requests session logged in as ``email`` through the real form (CSRF included)."""
    import requests

    s = requests.Session()
    page = s.get(base + "/account/login", timeout=10).text
    fields = dict(HIDDEN.findall(page))
    r = s.post(
        base + "/account/login",
        data={"csrf_token": fields.get("csrf_token", ""), "email": email, "password": PASSWORD},
        allow_redirects=False,
        timeout=10,
    )
    if r.status_code != 302:
        raise RuntimeError(f"login failed: {r.status_code}")
    return s


def answer_form(page: str) -> dict[str, str]:
    """Form data answering the card on a review page (the answer itself does not matter)."""
    fields = dict(HIDDEN.findall(page))
    data = {
        k: fields[k]
        for k in ("csrf_token", "question_id", "card_version", "request_id", "shown_at", "mode")
        if k in fields
    }
    kind = re.search(r'data-type="([a-z_]+)"', page)
    choice = "true" if kind and kind.group(1) == "true_false" else "0"
    data.update({"choice": choice, "text": "an answer", "rating": "3"})
    for i in range(6):
        data[f"pos-{i}"] = str(i + 1)
        data[f"match-{i}"] = str(i)
    return data
