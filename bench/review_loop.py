"""Throughput of the study loop under gunicorn, against a trivial route of the same app.

Usage: python bench/review_loop.py [--seconds 6] [--clients 4] [--students 8] [--workers 4]

Builds a SQLite database with 10k review-log rows (20 learners) and then one with 1M rows
(2,000 learners), 500 answers and about 100 cards per learner (the whole bank but ten questions
when it is smaller), with bulk inserts; serves each with gunicorn on loopback; and logs in
--clients client processes with --students students each (keep-alive sessions through the real
login form). Measured, each as a logged-in student:
- baseline: GET /healthz (a trivial route through the same app and middleware),
- next: GET /study/ (the review page: picks and renders the next card),
- answer: POST /study/answer (grades, records and reschedules; the redirect is not followed).
Next and baseline: requests per second over --seconds, each client cycling through its students.
Answers come in rounds: every client fetches a card for each of its students (not timed), all
clients wait at a barrier, then all post their answers back to back; answer_rps is the answers
posted divided by the time from the barrier until the last client is done, summed over rounds.
Growth compares the latency of "next" at 1M rows with 10k: both servers run side by side and
take turns, one request at a time, and the median of the rounds' means is compared.

The last line is one JSON object: {"baseline_rps", "next_rps", "answer_rps", "ratio_next",
"ratio_answer", "growth_10k_to_1m"}; the throughputs are those measured on the 1M-row database.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import random
import shutil
import signal
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _server import PASSWORD, answer_form, login, serve  # noqa: E402


def build_database(path: Path, learners: int, reviews: int) -> list[str]:
    """A database with the seed bank, ``learners`` students and ``reviews`` review rows."""
    import sqlalchemy as sa

    from studyapp import create_app
    from studyapp.cli import create_schema
    from studyapp.core.scheduling import CardState, LearnerClock, Rating, new_card, review
    from studyapp.extensions import db
    from studyapp.services.accounts import hash_password
    from studyapp.services.bank import sync_bank

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "SECRET_KEY": "b" * 40})
    rng = random.Random(7)
    with app.app_context():
        create_schema()
        sync_bank(0)
        questions = db.session.execute(sa.text("SELECT id, data FROM question")).all()
        hashed = hash_password(PASSWORD)
        now = datetime.now(UTC)
        clock = LearnerClock()
        emails = [f"learner{i}@example.com" for i in range(learners)]
        conn = db.session.connection()
        conn.execute(
            sa.text(
                "INSERT INTO user (email, name, password_hash, role, session_version, active,"
                " timezone, rollover_hour, desired_retention, new_cards_per_day, demo,"
                " created_at) VALUES (:e, :n, :h, 'student', 1, 1, 'UTC', 4, 0.9, 100000, 0,"
                " :c)"
            ),
            [{"e": e, "n": e, "h": hashed, "c": now.replace(tzinfo=None)} for e in emails],
        )
        user_ids = [r[0] for r in conn.execute(sa.text("SELECT id FROM user ORDER BY id"))]
        per_learner = reviews // learners
        # About 100 cards each; a smaller bank is studied all but ten questions, kept new.
        cards_per_learner = max(min(per_learner // 5, len(questions) - 10), 10)
        card_rows, review_rows = [], []
        states: dict[tuple[int, str], CardState] = {}
        for uid in user_ids:
            chosen = rng.sample(questions, cards_per_learner)
            start = now - timedelta(days=120)
            step = timedelta(days=120) / per_learner  # the history spreads over four months
            for k in range(per_learner):
                qid, data = chosen[k % cards_per_learner]
                when = start + k * step
                state = states.get((uid, qid)) or new_card(when)
                rating = Rating(rng.choice([1, 3, 3, 3, 4]))
                after = review(state, rating, when, clock=clock)
                states[(uid, qid)] = after
                review_rows.append(
                    {
                        "u": uid,
                        "q": qid,
                        "m": "study",
                        "r": '"x"',
                        "c": rating > 1,
                        "s": 1.0 if rating > 1 else 0.0,
                        "ra": int(rating),
                        "p": state.phase.value,
                        "rid": f"b{uid}-{k}",
                        "t": when.replace(tzinfo=None),
                    }
                )
        for (uid, qid), state in states.items():
            data = next(d for q, d in questions if q == qid)
            facts = json.loads(data)["fact_ids"] if isinstance(data, str) else data["fact_ids"]
            card_rows.append(
                {
                    "u": uid,
                    "q": qid,
                    "f": facts[0],
                    "ph": state.phase.value,
                    "due": state.due.replace(tzinfo=None),
                    "lr": state.last_review.replace(tzinfo=None),
                    "reps": state.reps,
                    "laps": state.lapses,
                    "st": json.dumps(state.to_dict()),
                    "c": now.replace(tzinfo=None),
                }
            )
        conn.execute(
            sa.text(
                "INSERT INTO card (user_id, question_id, fact_id, phase, due, last_review, reps,"
                " lapses, state, version, created_at) VALUES (:u, :q, :f, :ph, :due, :lr, :reps,"
                " :laps, :st, 1, :c)"
            ),
            card_rows,
        )
        card_ids = {
            (u, q): i
            for i, u, q in conn.execute(sa.text("SELECT id, user_id, question_id FROM card"))
        }
        for row in review_rows:
            row["cid"] = card_ids[(row["u"], row["q"])]
        conn.execute(
            sa.text(
                "INSERT INTO review (user_id, question_id, card_id, mode, response, correct,"
                " score, rating, phase, request_id, created_at) VALUES (:u, :q, :cid, :m, :r,"
                " :c, :s, :ra, :p, :rid, :t)"
            ),
            review_rows,
        )
        db.session.commit()
        db.engine.dispose()
    with sa.create_engine(f"sqlite:///{path}").connect() as c:
        c.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    return emails


def _sessions(base: str, emails: list[str]):  # type: ignore[no-untyped-def]
    return [login(base, email) for email in emails]


def client_loop(args):  # type: ignore[no-untyped-def]
    """Requests per second of one route, cycling through this client's logged-in students."""
    base, emails, path, seconds, ready, queue = args
    sessions = _sessions(base, emails)
    for s in sessions:
        s.get(base + path)  # warm the connection
    ready.wait()
    count = 0
    start = time.perf_counter()
    end = start + seconds
    while time.perf_counter() < end:
        r = sessions[count % len(sessions)].get(base + path)
        assert r.status_code == 200, r.status_code
        count += 1
    queue.put((count, time.perf_counter() - start))


def answer_loop(args):  # type: ignore[no-untyped-def]
    """Rounds: fetch a card per student, wait for every client, post the answers back to back."""
    base, emails, seconds, barrier, stop, queue = args
    sessions = _sessions(base, emails)
    lead = barrier.wait() == 0  # one client keeps the clock
    posted, recorded, busy = 0, 0, 0.0
    end = time.monotonic() + seconds
    while not stop.is_set():
        forms = [answer_form(s.get(base + "/study/").text) for s in sessions]
        barrier.wait()
        start = time.monotonic()
        for s, data in zip(sessions, forms, strict=True):
            r = s.post(base + "/study/answer", data=data, allow_redirects=False)
            posted += 1
            recorded += "/study/feedback/" in r.headers.get("Location", "")
        barrier.wait()  # every client has posted this round
        if lead:
            busy += time.monotonic() - start
            if time.monotonic() > end:
                stop.set()
        barrier.wait()  # everyone sees the same decision to stop
    queue.put((posted, recorded, busy if lead else None))


def throughput(base: str, groups: list[list[str]], what: str, seconds: float) -> float:
    """Requests (or answers) per second of all clients together."""
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    if what == "answer":
        barrier, stop = ctx.Barrier(len(groups)), ctx.Event()
        args = [(base, g, seconds, barrier, stop, queue) for g in groups]
        target = answer_loop
    else:
        ready = ctx.Barrier(len(groups))
        path = "/healthz" if what == "baseline" else "/study/"
        args = [(base, g, path, seconds, ready, queue) for g in groups]
        target = client_loop
    procs = [ctx.Process(target=target, args=(a,)) for a in args]
    for p in procs:
        p.start()
    results = [queue.get(timeout=seconds + 120) for _ in procs]
    for p in procs:
        p.join()
    if what == "answer":
        posted = sum(r[0] for r in results)
        recorded = sum(r[1] for r in results)
        busy = next(r[2] for r in results if r[2] is not None)
        print(f"1m: {posted} answers posted, {recorded} recorded", flush=True)
        if recorded != posted:
            raise SystemExit("some answers were not recorded: the measurement would flatter")
        return posted / busy
    return sum(n / t for n, t in results)


def latencies(bases: dict[str, str], emails: dict[str, str], rounds: int = 12, n: int = 25):
    """Median over rounds of the mean review-page latency, per server, one request at a time.

    The servers take turns within every round, so a slower moment of the machine (other
    processes) weighs on both sides alike instead of on whichever ran second.
    """
    sessions = {label: login(base, emails[label]) for label, base in bases.items()}
    for label, s in sessions.items():
        for _ in range(10):
            s.get(bases[label] + "/study/")  # warm up
    samples: dict[str, list[float]] = {label: [] for label in bases}
    for _ in range(rounds):
        for label, s in sessions.items():
            start = time.perf_counter()
            for _ in range(n):
                s.get(bases[label] + "/study/")
            samples[label].append((time.perf_counter() - start) / n)
    return {label: statistics.median(v) for label, v in samples.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=6.0)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--students", type=int, default=8, help="logged-in students per client")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=1_000_000)
    args = parser.parse_args()
    if args.clients * args.students >= args.large // 500:
        parser.error("--clients x --students must be fewer than the learners (--large / 500)")
    began = time.perf_counter()
    tmp = Path(tempfile.mkdtemp(prefix="studyapp-bench-"))
    emails: dict[str, list[str]] = {}
    servers: dict[str, tuple] = {}
    try:
        for label, reviews in (("10k", args.small), ("1m", args.large)):
            started = time.perf_counter()
            learners = max(reviews // 500, 20)
            emails[label] = build_database(tmp / f"{label}.sqlite", learners, reviews)
            print(
                f"{label}: built {reviews} reviews for {learners} learners "
                f"in {time.perf_counter() - started:.1f} s",
                flush=True,
            )
        for label in ("10k", "1m"):
            servers[label] = serve(tmp / f"{label}.sqlite", args.workers)
        bases = {label: base for label, (_, base) in servers.items()}
        lat = latencies(bases, {label: e[-1] for label, e in emails.items()})
        for label in ("10k", "1m"):
            print(f"{label}: next card {lat[label] * 1000:.2f} ms (one student, median)")
        _stop(servers.pop("10k")[0])
        k = args.students
        groups = [emails["1m"][i * k : (i + 1) * k] for i in range(args.clients)]
        rps = {what: throughput(bases["1m"], groups, what, args.seconds) for what in WHAT}
        print(
            f"1m: {args.clients} clients x {k} students, {args.workers} workers: "
            + ", ".join(f"{what} {rps[what]:.1f}/s" for what in WHAT),
            flush=True,
        )
    finally:
        for proc, _ in servers.values():
            _stop(proc)
        shutil.rmtree(tmp, ignore_errors=True)
    out = {
        "baseline_rps": round(rps["baseline"], 1),
        "next_rps": round(rps["next"], 1),
        "answer_rps": round(rps["answer"], 1),
        "ratio_next": round(rps["next"] / rps["baseline"], 3),
        "ratio_answer": round(rps["answer"] / rps["baseline"], 3),
        "growth_10k_to_1m": round(lat["1m"] / lat["10k"], 3),
    }
    print(f"total {time.perf_counter() - began:.0f} s", flush=True)
    print(json.dumps(out))


WHAT = ("baseline", "next", "answer")


def _stop(proc) -> None:  # type: ignore[no-untyped-def]
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=20)


if __name__ == "__main__":
    main()
