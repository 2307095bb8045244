"""Concurrent writers: no answer lost, none doubled, no errors.

Usage: python bench/concurrency.py [--writers 8] [--answers 200] [--workers 4]

Serves the app with gunicorn (4 workers) on loopback over SQLite, then runs --writers client
processes, each logged in as a different student, that each submit --answers answers through the
real review pages (fetch the card, post the answer). One answer in five is sent again with the
same request id, as a double click or a retry after a lost response would. Afterwards the
database is counted: every acknowledged answer must be there exactly once, and each card's
schedule must have moved exactly once per recorded answer.

Last line: {"writers": W, "answers": N, "errors": E, "lost": L, "doubled": D}
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import signal
import sqlite3
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _server import answer_form, build_students, login, serve  # noqa: E402


def writer(args):  # type: ignore[no-untyped-def]
    base, email, answers, seed, queue = args
    import random

    rng = random.Random(seed)
    s = login(base, email)
    acked, errors = [], 0
    for _ in range(answers):
        try:
            page = s.get(base + "/study/", timeout=30).text
            data = answer_form(page)
            sends = 2 if rng.random() < 0.2 else 1
            for _ in range(sends):
                r = s.post(base + "/study/answer", data=data, allow_redirects=False, timeout=30)
                if r.status_code == 302 and "/study/feedback/" in r.headers.get("Location", ""):
                    acked.append(data["request_id"])
                else:
                    errors += 1
        except Exception:  # a failed request is an error, never a crash of the run
            errors += 1
    queue.put((email, acked, errors))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--answers", type=int, default=200)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    path = Path(tempfile.mkdtemp(prefix="studyapp-conc-")) / "c.sqlite"
    emails = build_students(path, args.writers)
    proc, base = serve(path, args.workers)
    try:
        ctx = mp.get_context("spawn")
        queue = ctx.Queue()
        procs = [
            ctx.Process(target=writer, args=((base, e, args.answers, i, queue),))
            for i, e in enumerate(emails)
        ]
        for p in procs:
            p.start()
        results = [queue.get() for _ in procs]
        for p in procs:
            p.join()
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
    errors = sum(e for _, _, e in results)
    acked = {(email, rid) for email, rids, _ in results for rid in rids}
    with sqlite3.connect(path) as conn:
        rows = conn.execute(
            "SELECT u.email, r.request_id FROM review r JOIN user u ON u.id = r.user_id"
        ).fetchall()
        moved = conn.execute("SELECT COALESCE(SUM(reps), 0) FROM card").fetchone()[0]
    stored: dict[tuple[str, str], int] = {}
    for email, rid in rows:
        stored[(email, rid)] = stored.get((email, rid), 0) + 1
    lost = len(acked - set(stored))
    doubled = sum(n - 1 for n in stored.values() if n > 1) + max(moved - len(rows), 0)
    print(f"{len(rows)} answers stored, {len(acked)} distinct acknowledged, {moved} schedule steps")
    print(
        json.dumps(
            {
                "writers": args.writers,
                "answers": args.writers * args.answers,
                "errors": errors,
                "lost": lost,
                "doubled": doubled,
            }
        )
    )


if __name__ == "__main__":
    main()
