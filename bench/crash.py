"""Crash safety: kill the server at random moments; no acknowledged answer may be lost.

Usage: python bench/crash.py [--kills 12] [--clients 3] [--workers 2]

Serves the app with gunicorn on loopback over SQLite and drives a steady answer load from
--clients students. At random moments the whole server (master and workers) is killed with
SIGKILL, then restarted on the same port. Clients keep going, resending an answer whose response
was lost (with the same request id). Every answer that got a success response is recorded as
acknowledged; afterwards each must be in the database, and PRAGMA integrity_check must say ok.

Last line: {"kills": K, "acked": A, "lost": L, "integrity": "ok"}
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import random
import signal
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _server import answer_form, build_students, free_port, login, serve  # noqa: E402


def client(args):  # type: ignore[no-untyped-def]
    base, email, stop, queue = args
    import requests

    session = None
    acked = []
    pending = None  # an answer whose response was lost: sent again with the same request id
    while not stop.is_set():
        try:
            if session is None:
                session = login(base, email)
            if pending is None:
                pending = answer_form(session.get(base + "/study/", timeout=5).text)
            r = session.post(base + "/study/answer", data=pending, allow_redirects=False, timeout=5)
            if r.status_code == 302 and "/study/feedback/" in r.headers.get("Location", ""):
                acked.append(pending["request_id"])
                pending = None
            elif r.status_code in (400, 409):
                pending = None  # refused cleanly (form expired): fetch a fresh card
        except (requests.RequestException, RuntimeError, KeyError):
            time.sleep(0.05)  # the server is down: try again shortly
    queue.put((email, acked))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=12)
    parser.add_argument("--clients", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    path = Path(tempfile.mkdtemp(prefix="studyapp-crash-")) / "c.sqlite"
    emails = build_students(path, args.clients)
    port = free_port()
    proc, base = serve(path, args.workers, port)
    ctx = mp.get_context("spawn")
    stop, queue = ctx.Event(), ctx.Queue()
    procs = [ctx.Process(target=client, args=((base, e, stop, queue),)) for e in emails]
    for p in procs:
        p.start()
    kills = 0
    try:
        while kills < args.kills:
            time.sleep(rng.uniform(0.3, 1.5))
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            kills += 1
            proc, _ = serve(path, args.workers, port)
        time.sleep(1.0)
    finally:
        stop.set()
        results = [queue.get() for _ in procs]
        for p in procs:
            p.join()
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
    acked = {(email, rid) for email, rids in results for rid in rids}
    with sqlite3.connect(path) as conn:
        stored = set(
            conn.execute(
                "SELECT u.email, r.request_id FROM review r JOIN user u ON u.id = r.user_id"
            ).fetchall()
        )
        integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
    lost = len(acked - stored)
    print(f"{kills} kills; {len(acked)} acknowledged answers; {len(stored)} stored")
    print(json.dumps({"kills": kills, "acked": len(acked), "lost": lost, "integrity": integrity}))


if __name__ == "__main__":
    main()
