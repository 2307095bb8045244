"""A class-sized rush: 300 students take one quiz at once, against a trivial route.

Usage: python bench/quiz_rush.py [--students 300] [--questions 20] [--workers 4] [--ramp 10]

Builds the database directly (the schema through the app's CLI helpers, the bank, one
instructor, a class of --students students inserted with one precomputed argon2 hash of the
production profile, and one quiz of --questions questions open now), on SQLite in a temporary
folder or, with DATABASE_URL set, on PostgreSQL in a fresh schema of that database (dropped
afterwards). Serves it with gunicorn (--workers sync workers) on loopback, with a random secret
key and STUDYAPP_TRUSTED_PROXIES=1: each student sends its own address in X-Forwarded-For, so
the per-address login limits work as in production, unchanged.

Every student is a thread that does what a browser with quiz.js does: starts at a random moment
within --ramp seconds, logs in through the real form, opens the quiz and starts it, then answers
the questions in order, each after 1 to 3 s of thinking, posting the whole form to the autosave
route as the script does (every field, each answer with its number); then submits. One student
in ten submits twice at once (a double click). Once in each think time the student also asks
for the trivial route (GET /healthz, logged in), so the baseline meets the same load as the
saves.

Afterwards the database is checked: every answer the server acknowledged is stored, once, with
the number it was sent with; every attempt is finished, once, by its submission, and its
answers are in the history once each.

Counted: requests (every HTTP request), errors (an answer other than the expected one, an
exception or a timeout), lost (an acknowledged answer missing from the database or stored
twice), graded_once. p95_save_ms and p95_trivial_ms: the 95th percentile of the autosave and
/healthz latencies; ratio_p95 = p95_save_ms / p95_trivial_ms.

Last line: {"students": S, "requests": R, "errors": E, "lost": L, "graded_once": true,
"p95_save_ms": a, "p95_trivial_ms": b, "ratio_p95": a/b}
"""

from __future__ import annotations

import argparse
import contextlib
import html
import json
import os
import random
import re
import resource
import shutil
import signal
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _server import PASSWORD, serve  # noqa: E402

TIMEOUT = 60  # seconds: a request slower than this counts as an error
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
BLOCK = re.compile(r'<li class="question-item" data-question="(\d+)"[^>]*data-seq="(\d+)"')
FIELD = re.compile(r"<(input|select)\b([^>]*)>")
ATTR = re.compile(r'([a-z-]+)="([^"]*)"')
OPTION = re.compile(r'<option value="(\d+)"')


# --- the database -------------------------------------------------------------------------


def database_url(tmp: Path) -> tuple[str, str | None]:
    """The URL to build and serve: SQLite in ``tmp``, or a fresh schema of DATABASE_URL."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp / 'rush.sqlite'}", None
    import sqlalchemy as sa

    from studyapp.app import _normalise_db_url

    url = _normalise_db_url(url)
    schema = f"rush_{uuid.uuid4().hex[:10]}"
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}options=-csearch_path%3D{schema}", schema


def drop_schema(schema: str) -> None:
    import sqlalchemy as sa

    from studyapp.app import _normalise_db_url

    engine = sa.create_engine(_normalise_db_url(os.environ["DATABASE_URL"]))
    with engine.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    engine.dispose()


def build(url: str, students: int, questions: int) -> tuple[list[str], int]:
    """The class and its quiz; returns the students' emails and the quiz's id."""
    from sqlalchemy import insert, select

    from studyapp import create_app
    from studyapp.cli import create_schema
    from studyapp.extensions import db
    from studyapp.models import Enrollment, Role, User
    from studyapp.services import assignments, courses
    from studyapp.services.accounts import hash_password
    from studyapp.services.bank import sync_bank

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "b" * 48})
    emails = [f"student{i}@example.com" for i in range(students)]
    with app.app_context():
        create_schema()
        sync_bank(0)
        hashed = hash_password(PASSWORD)  # the production profile, computed once for everyone
        now = datetime.now(UTC)
        rows = [
            {"email": e, "name": f"Student {i}", "password_hash": hashed, "role": Role.STUDENT}
            for i, e in enumerate(emails)
        ]
        rows.append(
            {
                "email": "teacher@example.com",
                "name": "Teacher",
                "password_hash": hashed,
                "role": Role.INSTRUCTOR,
            }
        )
        db.session.execute(insert(User), rows)
        teacher = db.session.scalar(select(User).where(User.email == "teacher@example.com"))
        course = courses.create_course(teacher, "Rush 101", "Spring")
        ids = db.session.scalars(select(User.id).where(User.role == Role.STUDENT)).all()
        db.session.execute(
            insert(Enrollment), [{"course_id": course.id, "user_id": i} for i in ids]
        )
        db.session.commit()
        chosen = assignments.draw_questions(count=questions, seed=1)
        if len(chosen) < questions:  # a small bank: allow two questions on one fact
            chosen = assignments.draw_questions(count=questions, seed=1, same_fact=True)
        settings = assignments.AssignmentSettings(
            title="Rush quiz",
            opens_at=now - timedelta(hours=1),
            closes_at=now + timedelta(days=1),
        )
        quiz = assignments.create_assignment(course, settings, chosen)
        quiz_id = quiz.id
        db.session.remove()
        db.engine.dispose()
    return emails, quiz_id


# --- one student ---------------------------------------------------------------------------


@dataclass
class Tally:
    """What the students saw, shared by their threads."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    requests: int = 0
    errors: int = 0
    problems: Counter = field(default_factory=Counter)
    latency: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    ended: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))  # when
    # (attempt id, question number) -> the number of the last acknowledged answer
    acked: dict[tuple[int, int], int] = field(default_factory=dict)
    submitted: set[int] = field(default_factory=set)

    def count(self, what: str, seconds: float) -> None:
        with self.lock:
            self.requests += 1
            self.latency[what].append(seconds * 1000)
            self.ended[what].append(time.perf_counter())

    def error(self, what: str) -> None:
        with self.lock:
            self.errors += 1
            self.problems[what] += 1


class Fail(Exception):
    """A response other than the one expected (already counted as an error)."""


class Student:
    """One student's browser: a session with its own address, and the quiz page's form."""

    def __init__(self, base: str, email: str, address: str, tally: Tally, rng: random.Random):
        import requests

        self.base, self.email, self.tally, self.rng = base, email, tally, rng
        self.http = requests.Session()
        self.http.headers["X-Forwarded-For"] = address
        self.form: dict[str, str] = {}  # what FormData(form) sends: field -> value
        self.fields: dict[int, list[tuple[str, str, list[str]]]] = {}  # number -> fields
        self.last_seq = 0
        self.skew = 0.0

    def call(self, what: str, method: str, path: str, expect, http=None, **kwargs):  # type: ignore[no-untyped-def]
        """One request, timed and counted; ``expect(response)`` says whether it did its job."""
        start = time.perf_counter()
        try:
            r = (http or self.http).request(
                method, self.base + path, timeout=TIMEOUT, allow_redirects=False, **kwargs
            )
        except Exception as exc:  # a timeout or a dropped connection is an error, not a crash
            self.tally.count(what, time.perf_counter() - start)
            self.tally.error(f"{what}: {type(exc).__name__}")
            raise Fail from exc
        self.tally.count(what, time.perf_counter() - start)
        if not expect(r):
            self.tally.error(f"{what}: {r.status_code}")
            raise Fail
        return r

    def run(self, quiz_id: int, ramp: float, double_submit: bool) -> None:
        time.sleep(self.rng.uniform(0, ramp))
        try:
            self.log_in()
            attempt = self.start(quiz_id)
            self.open_page(attempt)
            for n in sorted(self.fields):
                self.think_and_ping()
                self.answer(attempt, n)
            self.submit(attempt, double_submit)
        except Fail:
            pass  # counted; this student stops here as a real one would reload and wonder

    def log_in(self) -> None:
        page = self.call("login", "GET", "/account/login", ok(200)).text
        data = {"csrf_token": csrf(page), "email": self.email, "password": PASSWORD}
        self.call("login", "POST", "/account/login", redirect_to("/"), data=data)

    def start(self, quiz_id: int) -> int:
        info = f"/classes/assignments/{quiz_id}"
        page = self.call("start", "GET", info, ok(200)).text
        r = self.call(
            "start",
            "POST",
            info + "/start",
            redirect_to("/classes/attempts/"),
            data={"csrf_token": csrf(page)},
        )
        return int(r.headers["Location"].rstrip("/").rsplit("/", 1)[1])

    def open_page(self, attempt: int) -> None:
        """Read the attempt's form as the page holds it (quiz.js adds a number per question)."""
        page = self.call("take", "GET", f"/classes/attempts/{attempt}", ok(200)).text
        now = re.search(r'data-now="([^"]+)"', page)
        if now:
            self.skew = (
                time.time() - datetime.fromisoformat(html.unescape(now.group(1))).timestamp()
            )
        self.form = {"csrf_token": csrf(page)}
        starts = [(m.start(), int(m.group(1)), int(m.group(2))) for m in BLOCK.finditer(page)]
        for i, (at, n, seq) in enumerate(starts):
            end = starts[i + 1][0] if i + 1 < len(starts) else len(page)
            block = page[at:end]
            fields = []
            for m in FIELD.finditer(block):
                attrs = dict(ATTR.findall(m.group(2)))
                name = attrs.get("name", "")
                if not name.startswith(f"q-{n}-"):
                    continue
                if m.group(1) == "select":
                    options = OPTION.findall(block[m.end() : block.index("</select>", m.end())])
                    fields.append((name, "select", options))
                    self.form[name] = ""
                elif attrs.get("type") == "radio":
                    fields.append((name, "radio", [attrs["value"]]))
                else:
                    fields.append((name, "text", []))
                    self.form[name] = attrs.get("value", "")
            self.fields[n] = fields
            self.form[f"q-{n}-seq"] = str(seq)

    def think_and_ping(self) -> None:
        """Think for 1-3 s; somewhere in that time, ask for the trivial route."""
        think = self.rng.uniform(1, 3)
        before = self.rng.uniform(0, think)
        time.sleep(before)
        with contextlib.suppress(Fail):
            self.call("trivial", "GET", "/healthz", ok(200))
        time.sleep(think - before)

    def answer(self, attempt: int, n: int) -> None:
        """Change question ``n`` as a student would, number it and autosave the form."""
        radios: dict[str, list[str]] = defaultdict(list)
        for name, kind, values in self.fields[n]:
            if kind == "radio":
                radios[name] += values
            elif kind == "text":
                self.form[name] = self.rng.choice(["Mao Zedong", "1961", "the treaty"])
        for name, values in radios.items():
            self.form[name] = self.rng.choice(values)
        selects = [(name, values) for name, kind, values in self.fields[n] if kind == "select"]
        if selects:
            values = list(selects[0][1])
            self.rng.shuffle(values)  # a position or a partner each, never one twice
            for (name, _), value in zip(selects, values, strict=False):
                self.form[name] = value
        seq = max(round((time.time() - self.skew) * 1000), self.last_seq + 1)
        self.last_seq = seq
        self.form[f"q-{n}-seq"] = str(seq)

        def saved(r) -> bool:  # type: ignore[no-untyped-def]
            if r.status_code != 200 or "json" not in r.headers.get("Content-Type", ""):
                return False
            body = r.json()
            return n not in body.get("kept", []) and not body.get("refused")

        self.call(
            "save",
            "POST",
            f"/classes/attempts/{attempt}/autosave",
            saved,
            data=self.form,
            headers={"X-CSRFToken": self.form["csrf_token"], "Accept": "application/json"},
        )
        with self.tally.lock:
            self.tally.acked[(attempt, n)] = seq

    def submit(self, attempt: int, twice: bool) -> None:
        path = f"/classes/attempts/{attempt}/submit"
        data = {**self.form, "go": "finish"}
        if twice:  # a double click: two submissions in flight at once
            import requests

            second = requests.Session()
            second.headers.update(self.http.headers)
            second.cookies.update(self.http.cookies)
            other = threading.Thread(target=self._submit, args=(path, data, second), daemon=True)
            other.start()
            self._submit(path, data, self.http)
            other.join()
        else:
            self._submit(path, data, self.http)
        with self.tally.lock:
            self.tally.submitted.add(attempt)

    def _submit(self, path: str, data: dict[str, str], http) -> None:  # type: ignore[no-untyped-def]
        with contextlib.suppress(Fail):
            self.call("submit", "POST", path, redirect_to("/result"), data=data, http=http)


def ok(status: int):  # type: ignore[no-untyped-def]
    return lambda r: r.status_code == status


def redirect_to(part: str):  # type: ignore[no-untyped-def]
    return lambda r: r.status_code == 302 and part in r.headers.get("Location", "")


def csrf(page: str) -> str:
    m = CSRF.search(page)
    return m.group(1) if m else ""


# --- after the run -------------------------------------------------------------------------


def check(url: str, tally: Tally, quiz_id: int, students: int) -> tuple[int, bool]:
    """Lost answers, and whether every attempt was graded once; read from the database."""
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    with engine.connect() as conn:
        attempts = {
            row.id: row
            for row in conn.execute(
                sa.text(
                    "SELECT id, user_id, number, state, finished_by, marks, layout FROM attempt"
                    " WHERE assignment_id = :a"
                ),
                {"a": quiz_id},
            )
        }
        stored: dict[tuple[int, str], list[int]] = defaultdict(list)
        for attempt_id, qid, seq in conn.execute(
            sa.text("SELECT attempt_id, question_id, seq FROM attempt_answer")
        ):
            stored[(attempt_id, qid)].append(seq)
        history = Counter(
            (attempt_id, qid)
            for attempt_id, qid in conn.execute(
                sa.text("SELECT attempt_id, question_id FROM review WHERE attempt_id IS NOT NULL")
            )
        )
    engine.dispose()
    layouts = {
        a.id: (json.loads(a.layout) if isinstance(a.layout, str) else a.layout)["questions"]
        for a in attempts.values()
    }
    lost, acked = 0, []
    for (attempt_id, n), seq in tally.acked.items():
        qid = layouts[attempt_id][n - 1] if attempt_id in layouts else None
        acked.append((attempt_id, qid))
        if stored.get((attempt_id, qid)) != [seq]:
            lost += 1
    one_each = len({a.user_id for a in attempts.values()}) == len(attempts)
    graded_once = (
        one_each
        and len(attempts) == students
        and set(attempts) == tally.submitted
        and all(
            a.state == "finished" and a.finished_by == "submitted" and a.marks is not None
            for a in attempts.values()
        )
        and all(n == 1 for n in history.values())
        and all(history[key] == 1 for key in acked)  # each answer in the history, once
    )
    return lost, graded_once


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) > 1 else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=300)
    parser.add_argument("--questions", type=int, default=20)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--ramp", type=float, default=10.0, help="seconds over which they start")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="studyapp-rush-"))
    url, schema = database_url(tmp)
    where = "PostgreSQL" if schema else "SQLite"
    try:
        started = time.perf_counter()
        emails, quiz_id = build(url, args.students, args.questions)
        print(
            f"built on {where}: {args.students} students, quiz {quiz_id} "
            f"in {time.perf_counter() - started:.1f} s",
            flush=True,
        )
        log = tmp / "gunicorn.log"
        proc, base = serve(url, args.workers, env={"STUDYAPP_TRUSTED_PROXIES": "1"}, log=log)
        tally = Tally()
        try:
            rng = random.Random(12)
            threads = []
            for i, email in enumerate(emails):
                student = Student(
                    base, email, f"10.{i // 250}.{i % 250}.{1 + i % 7}", tally, random.Random(i)
                )
                t = threading.Thread(
                    target=student.run,
                    args=(quiz_id, args.ramp, rng.random() < 0.1),
                    daemon=True,
                )
                threads.append(t)
            load0 = os.getloadavg()[0]
            started = time.perf_counter()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            wall = time.perf_counter() - started
            load1 = os.getloadavg()[0]
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=30)
        lost, graded_once = check(url, tally, quiz_id, args.students)
        failures = log.read_text(errors="replace").count("Traceback") if log.exists() else 0
    finally:
        if schema:
            drop_schema(schema)
        shutil.rmtree(tmp, ignore_errors=True)

    print(
        f"run: {wall:.1f} s, load average {load0:.1f} before, {load1:.1f} after, "
        f"{args.workers} workers, {os.cpu_count()} cores"
    )
    me, server = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    print(
        f"CPU: students {me.ru_utime + me.ru_stime:.1f} s, "
        f"server {server.ru_utime + server.ru_stime:.1f} s"
    )
    for what in ("login", "start", "take", "save", "submit", "trivial"):
        values = tally.latency.get(what, [])
        if values:
            print(
                f"  {what:8} {len(values):6} requests  median {statistics.median(values):8.1f} ms"
                f"  p95 {p95(values):8.1f} ms  max {max(values):8.1f} ms"
            )
    logged_in = max(tally.ended["login"], default=0.0)
    for what in ("save", "trivial"):
        pairs = list(zip(tally.ended[what], tally.latency[what], strict=True))
        during = [ms for at, ms in pairs if at <= logged_in]
        after = [ms for at, ms in pairs if at > logged_in]
        print(
            f"  {what:8} p95 while students log in {p95(during):8.1f} ms ({len(during)}),"
            f" after {p95(after):8.1f} ms ({len(after)})"
        )
    for problem, count in tally.problems.most_common(10):
        print(f"  error: {problem} x{count}")
    if failures:
        print(f"  server tracebacks: {failures}")
    save, trivial = p95(tally.latency["save"]), p95(tally.latency["trivial"])
    result = {
        "students": args.students,
        "requests": tally.requests,
        "errors": tally.errors,
        "lost": lost,
        "graded_once": graded_once,
        "p95_save_ms": round(save, 1),
        "p95_trivial_ms": round(trivial, 1),
        "ratio_p95": round(save / trivial, 2),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
