"""Throughput of the study loop under gunicorn, against a trivial route of the same app.

Usage: python bench/review_loop.py [--seconds 6] [--clients 4] [--workers 4]

Builds a SQLite database with 10k review-log rows (20 learners) and then one with 1M rows
(2,000 learners), with cards in proportion; serves each with gunicorn on loopback; logs in
students; and measures, each as a logged-in student:
- baseline: GET /healthz (a trivial route through the same app and middleware),
- next: GET /study/ (the review page: picks and renders the next card),
- answer: POST /study/answer (grades, records and reschedules; the redirect is not followed).
Throughput is requests per second with --clients concurrent client processes for --seconds each
(for answers, each client fetches a card, then its POST is timed: rps = clients / mean POST time).
Growth compares the mean latency of "next" at 1M rows with 10k, one client at a time.

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
        cards_per_learner = max(min(per_learner // 5, len(questions) - 50), 10)
        card_rows, review_rows = [], []
        states: dict[tuple[int, str], CardState] = {}
        for uid in user_ids:
            chosen = rng.sample(questions, cards_per_learner)
            start = now - timedelta(days=120)
            for k in range(per_learner):
                qid, data = chosen[k % cards_per_learner]
                when = start + timedelta(minutes=k * 20)
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


def client_loop(args):  # type: ignore[no-untyped-def]
    base, email, what, seconds, queue = args
    s = login(base, email)
    count, busy = 0, 0.0
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        if what == "baseline":
            t = time.perf_counter()
            s.get(base + "/healthz")
            busy += time.perf_counter() - t
        elif what == "next":
            t = time.perf_counter()
            s.get(base + "/study/")
            busy += time.perf_counter() - t
        else:
            page = s.get(base + "/study/").text
            data = answer_form(page)
            t = time.perf_counter()
            r = s.post(base + "/study/answer", data=data, allow_redirects=False)
            busy += time.perf_counter() - t
            assert r.status_code in (302, 400), r.status_code
        count += 1
    queue.put((count, busy))


def throughput(base: str, emails: list[str], what: str, clients: int, seconds: float) -> float:
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    procs = [
        ctx.Process(target=client_loop, args=((base, emails[i], what, seconds, queue),))
        for i in range(clients)
    ]
    for p in procs:
        p.start()
    results = [queue.get() for _ in procs]
    for p in procs:
        p.join()
    total = sum(c for c, _ in results)
    if what == "answer":
        mean = sum(b for _, b in results) / total
        return clients / mean
    return total / seconds


def latency(base: str, email: str, n: int = 150) -> float:
    s = login(base, email)
    s.get(base + "/study/")
    start = time.perf_counter()
    for _ in range(n):
        s.get(base + "/study/")
    return (time.perf_counter() - start) / n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=6.0)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=1_000_000)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="studyapp-bench-"))
    results = {}
    try:
        for label, reviews, learners in (
            ("10k", args.small, 20),
            ("1m", args.large, max(args.large // 500, 20)),
        ):
            started = time.perf_counter()
            path = tmp / f"{label}.sqlite"
            emails = build_database(path, learners, reviews)
            print(
                f"{label}: built {reviews} reviews for {learners} learners "
                f"in {time.perf_counter() - started:.1f} s",
                flush=True,
            )
            proc, base = serve(path, args.workers)
            try:
                lat = latency(base, emails[-1])
                row = {"next_latency_ms": lat * 1000}
                if label == "1m":
                    for what in ("baseline", "next", "answer"):
                        row[what] = throughput(base, emails, what, args.clients, args.seconds)
                results[label] = row
                print(f"{label}: " + ", ".join(f"{k} {v:.1f}" for k, v in row.items()), flush=True)
            finally:
                proc.send_signal(signal.SIGTERM)
                proc.wait(timeout=20)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    big = results["1m"]
    out = {
        "baseline_rps": round(big["baseline"], 1),
        "next_rps": round(big["next"], 1),
        "answer_rps": round(big["answer"], 1),
        "ratio_next": round(big["next"] / big["baseline"], 3),
        "ratio_answer": round(big["answer"] / big["baseline"], 3),
        "growth_10k_to_1m": round(
            results["1m"]["next_latency_ms"] / results["10k"]["next_latency_ms"], 3
        ),
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
