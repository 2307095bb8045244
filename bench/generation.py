"""Time building the whole seed question bank from the fact base, in-process.

Usage: python bench/generation.py [--runs N]
Prints human lines, then as its last line: {"questions": N, "seconds": S} (best of N runs,
including the item-writing checks). Target: S <= 0.5.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from studyapp.core.essay import load_essay  # noqa: E402
from studyapp.core.facts import load_fact_base  # noqa: E402
from studyapp.core.questions import generate_bank  # noqa: E402
from studyapp.core.text import normalize  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    essay, facts = load_essay(), load_fact_base()
    times = []
    count = 0
    for _ in range(args.runs):
        normalize.cache_clear()  # every run starts cold: no answer normalised in advance
        start = time.perf_counter()
        bank = generate_bank(essay, facts, seed=0)
        times.append(time.perf_counter() - start)
        count = len(bank.questions)
    print(f"facts: {len(facts.facts)}  questions: {count}  rejected: {len(bank.rejected)}")
    per_type = Counter(str(q.type) for q in bank.questions)
    print("per type: " + ", ".join(f"{t} {n}" for t, n in sorted(per_type.items())))
    print("runs (s): " + ", ".join(f"{t:.4f}" for t in times))
    print(json.dumps({"questions": count, "seconds": round(min(times), 4)}))


if __name__ == "__main__":
    main()
