"""How well the project's scheduler predicts recall on a real review log, against SM-2.

Usage: python bench/scheduler_accuracy.py PATH.csv [--timezone UTC] [--rollover 4]

The log has columns card_id, review_rating (1=Again..4=Easy), review_time (ISO 8601, UTC),
review_duration (ms). Every review is replayed through studyapp.core.scheduling in time order.
Before each card's first review of a learner day (not its first review ever) the predicted recall
is recorded against the outcome (rating > 1). SM-2 runs over the same reviews in the same run
(intervals and ease from the SuperMemo-2 rules, recall predicted as 0.9 ** (elapsed / interval)).

Metrics: log loss; RMSE over 20 equal-width bins of predicted recall (each bin's mean prediction
against its observed recall, weighted by the bin's count); AUC. The last line is one JSON object:
{"reviews": N, "logloss": x, "rmse_bins": y, "auc": z, "sm2_logloss": .., "sm2_rmse_bins": ..,
"sm2_auc": ..}.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import sys
import time
from collections import defaultdict
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fsrs import Card as FsrsCard  # noqa: E402
from fsrs import Rating as FsrsRating  # noqa: E402

from studyapp.core.scheduling import (  # noqa: E402
    LearnerClock,
    Rating,
    new_card,
    retrievability,
    review,
    scheduler,
)


def read_log(path: Path) -> dict[str, list[tuple[datetime, int, int]]]:
    """Reviews per card, in time order."""
    cards: dict[str, list[tuple[datetime, int, int]]] = defaultdict(list)
    with path.open(newline="") as f:
        for row in csv.DictReader(f):
            when = datetime.fromisoformat(row["review_time"].replace("Z", "+00:00"))
            cards[row["card_id"]].append(
                (when, int(row["review_rating"]), int(float(row["review_duration"] or 0)))
            )
    for reviews in cards.values():
        reviews.sort(key=lambda r: r[0])
    return cards


def logloss(pairs: list[tuple[float, int]]) -> float:
    eps = 1e-6
    return -sum(
        y * math.log(min(max(p, eps), 1 - eps)) + (1 - y) * math.log(1 - min(max(p, eps), 1 - eps))
        for p, y in pairs
    ) / len(pairs)


def rmse_bins(pairs: list[tuple[float, int]], bins: int = 20) -> float:
    groups: dict[int, list[tuple[float, int]]] = defaultdict(list)
    for p, y in pairs:
        groups[min(int(p * bins), bins - 1)].append((p, y))
    total = sum(
        len(g) * (sum(p for p, _ in g) / len(g) - sum(y for _, y in g) / len(g)) ** 2
        for g in groups.values()
    )
    return math.sqrt(total / len(pairs))


def auc(pairs: list[tuple[float, int]]) -> float:
    """Probability that a remembered review got a higher prediction than a forgotten one."""
    ranked = sorted(pairs, key=lambda t: t[0])
    ranks = [0.0] * len(ranked)
    i = 0
    while i < len(ranked):
        j = i
        while j + 1 < len(ranked) and ranked[j + 1][0] == ranked[i][0]:
            j += 1
        for k in range(i, j + 1):
            ranks[k] = (i + j) / 2 + 1
        i = j + 1
    positives = sum(y for _, y in ranked)
    negatives = len(ranked) - positives
    if not positives or not negatives:
        return float("nan")
    rank_sum = sum(r for r, (_, y) in zip(ranks, ranked, strict=True) if y)
    return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives)


SM2_GRADE = {1: 1, 2: 3, 3: 4, 4: 5}


def replay(cards, clock: LearnerClock):
    """Predictions from the project scheduler, from plain 24-hour fsrs, and from SM-2."""
    ours: list[tuple[float, int]] = []
    plain: list[tuple[float, int]] = []
    sm2: list[tuple[float, int]] = []
    fsrs = scheduler(0.9)
    for reviews in cards.values():
        state = None
        plain_card = None
        last_day = None
        interval, ease, reps, last_sm2 = 0.0, 2.5, 0, None
        for when, rating, duration in reviews:
            day = clock.day(when)
            first_of_day = day != last_day
            outcome = 1 if rating > 1 else 0
            if state is not None and first_of_day:
                ours.append((retrievability(state, when, clock=clock), outcome))
                plain.append((fsrs.get_card_retrievability(plain_card, when), outcome))
                elapsed = clock.days_between(last_sm2, when)
                sm2.append((0.9 ** (elapsed / max(interval, 1)), outcome))
            state = review(
                state or new_card(when), Rating(rating), when, clock=clock, duration_ms=duration
            )
            plain_card, _ = fsrs.review_card(
                plain_card or FsrsCard(), FsrsRating(rating), when, duration
            )
            if first_of_day:
                q = SM2_GRADE[rating]
                if q < 3:
                    reps, interval = 0, 1.0
                else:
                    interval = 1.0 if reps == 0 else 6.0 if reps == 1 else interval * ease
                    reps += 1
                ease = max(1.3, ease + 0.1 - (5 - q) * (0.08 + (5 - q) * 0.02))
                last_sm2 = when
            last_day = day
    return ours, plain, sm2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("log", type=Path)
    parser.add_argument("--timezone", default="UTC")
    parser.add_argument("--rollover", type=int, default=4)
    args = parser.parse_args()
    started = time.perf_counter()
    cards = read_log(args.log)
    clock = LearnerClock(args.timezone, args.rollover)
    ours, plain, sm2 = replay(cards, clock)
    total = sum(len(r) for r in cards.values())
    print(f"{total} reviews of {len(cards)} cards; {len(ours)} first-of-day predictions scored")
    print(
        f"fsrs counting whole 24-hour periods (the library's default): "
        f"logloss {logloss(plain):.4f}, rmse_bins {rmse_bins(plain):.4f}, auc {auc(plain):.4f}"
    )
    print(f"replayed in {time.perf_counter() - started:.1f} s")
    result = {
        "reviews": len(ours),
        "logloss": round(logloss(ours), 4),
        "rmse_bins": round(rmse_bins(ours), 4),
        "auc": round(auc(ours), 4),
        "sm2_logloss": round(logloss(sm2), 4),
        "sm2_rmse_bins": round(rmse_bins(sm2), 4),
        "sm2_auc": round(auc(sm2), 4),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
