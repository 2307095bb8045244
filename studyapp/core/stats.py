"""Descriptive statistics and item analysis, following Moodle's quiz statistics definitions.

Facility index: mean mark on the item as a percentage of its maximum.
Discrimination index: 100 x the correlation between the item's mark and the rest of the test
(the total minus this item), across attempts.
Discriminative efficiency: 100 x the covariance of item and rest-of-test marks divided by the
largest covariance those marks could have (both sorted in the same order), so it does not
penalise items that are very easy or very hard.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

MIN_ATTEMPTS_FOR_DISTRACTORS = 20


@dataclass(frozen=True)
class Summary:
    count: int
    mean: float | None
    median: float | None
    sd: float | None
    minimum: float | None
    maximum: float | None


def describe(scores: Sequence[float]) -> Summary:
    """Count, mean, median, sample standard deviation, min and max."""
    values = list(scores)
    if not values:
        return Summary(0, None, None, None, None, None)
    sd = statistics.stdev(values) if len(values) > 1 else None
    return Summary(
        len(values),
        statistics.fmean(values),
        statistics.median(values),
        sd,
        min(values),
        max(values),
    )


@dataclass(frozen=True)
class Bin:
    lo: float
    hi: float
    count: int


def histogram(values: Sequence[float], *, lo: float = 0.0, hi: float = 100.0, bins: int = 10):
    """Equal-width bins from lo to hi; the top edge belongs to the last bin."""
    width = (hi - lo) / bins
    counts = [0] * bins
    for v in values:
        if lo <= v <= hi:
            counts[min(int((v - lo) / width), bins - 1)] += 1
    return [Bin(lo + i * width, lo + (i + 1) * width, c) for i, c in enumerate(counts)]


@dataclass(frozen=True)
class AttemptMarks:
    """One finished attempt: marks per question (0..max), and the option chosen where any."""

    attempt_id: int
    marks: Mapping[str, float]
    max_marks: Mapping[str, float]
    choices: Mapping[str, str | None] = field(default_factory=dict)


@dataclass(frozen=True)
class ItemStats:
    question_id: str
    attempts: int
    facility: float | None
    sd: float | None
    discrimination_index: float | None
    discriminative_efficiency: float | None
    option_counts: dict[str, int]
    flags: tuple[str, ...]


def _pearson(xs: list[float], ys: list[float]) -> float | None:
    if len(xs) < 2:
        return None
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx == 0 or syy == 0:
        return None
    return sxy / math.sqrt(sxx * syy)


def _efficiency(xs: list[float], ys: list[float]) -> float | None:
    if len(xs) < 2:
        return None
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    cov = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    best = sum((x - mx) * (y - my) for x, y in zip(sorted(xs), sorted(ys), strict=True))
    if best <= 0:
        return None
    return 100.0 * cov / best


def item_analysis(
    attempts: Sequence[AttemptMarks],
    keys: Mapping[str, tuple[Sequence[str], str]] | None = None,
) -> list[ItemStats]:
    """Statistics per question over the attempts; ``keys`` gives (options, key) for choices."""
    keys = keys or {}
    question_ids = sorted({q for a in attempts for q in a.max_marks})
    totals = {a.attempt_id: sum(a.marks.get(q, 0.0) for q in a.max_marks) for a in attempts}
    out = []
    for qid in question_ids:
        taking = [a for a in attempts if qid in a.max_marks]
        n = len(taking)
        top = taking[0].max_marks[qid] if taking else 1.0
        marks = [a.marks.get(qid, 0.0) for a in taking]
        rest = [totals[a.attempt_id] - a.marks.get(qid, 0.0) for a in taking]
        facility = 100.0 * statistics.fmean(marks) / top if n and top else None
        sd = statistics.stdev([m / top for m in marks]) * 100 if n > 1 and top else None
        r = _pearson(marks, rest)
        di = 100.0 * r if r is not None else None
        de = _efficiency(marks, rest)
        counts: Counter[str] = Counter()
        for a in taking:
            chosen = a.choices.get(qid)
            if chosen is not None:
                counts[str(chosen)] += 1
        options, key = keys.get(qid, ((), None))
        option_counts = {str(o): counts.get(str(o), 0) for o in options} or dict(counts)
        flags = []
        if facility is not None and facility <= 5:
            flags.append("too_hard")
        if facility is not None and facility >= 95:
            flags.append("too_easy")
        if de is not None and de < 15:
            flags.append("low_discrimination")
        if n >= MIN_ATTEMPTS_FOR_DISTRACTORS and options:
            for option in options:
                if str(option) != str(key) and counts.get(str(option), 0) < 0.05 * n:
                    flags.append(f"weak_distractor:{option}")
        out.append(ItemStats(qid, n, facility, sd, di, de, option_counts, tuple(flags)))
    return out


FLAG_TEXT = {
    "too_hard": "Too hard: almost nobody gets it right (facility 5% or less).",
    "too_easy": "Too easy: almost everybody gets it right (facility 95% or more).",
    "low_discrimination": "Does not separate strong from weak students (efficiency below 15%).",
}


def describe_flag(flag: str) -> str:
    """A sentence for an instructor."""
    if flag.startswith("weak_distractor:"):
        option = flag.split(":", 1)[1]
        return f"Distractor \u201c{option}\u201d is chosen by fewer than 5% of students."
    return FLAG_TEXT.get(flag, flag)
