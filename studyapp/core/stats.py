"""Descriptive statistics and item analysis, following Moodle's quiz statistics definitions.

See https://docs.moodle.org/dev/Quiz_statistics_calculations. For question i over the attempts
that include it, with x the mark on the question and X the total mark of the attempt:

- Facility index F: mean of x / max mark, as a percentage.
- Standard deviation: sample SD of x / max mark, as a percentage.
- Discrimination index D: 100 x the Pearson correlation of x with the rest of the test (X - x),
  so the item is not correlated with itself.
- Discriminative efficiency E: 100 x Cov(x, X - x) / Cov_max, where Cov_max pairs both sets of
  marks sorted in the same order: the largest covariance those marks could have. It does not
  penalise very easy or very hard items the way D does, and it can fall below -100.
- Test level: coefficient of internal consistency (Cronbach's alpha x 100),
  CIC = 100 * p / (p - 1) * (1 - sum of item mark variances / variance of total marks),
  with the error ratio 100 * sqrt(1 - CIC / 100) and standard error = error ratio x SD / 100.

A statistic that is undefined (fewer than two attempts, or a set of marks with no spread) is None.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

TOO_HARD_AT_MOST = 5.0
TOO_EASY_AT_LEAST = 95.0
LOW_EFFICIENCY_BELOW = 15.0
WEAK_DISTRACTOR_SHARE_BELOW = 0.05
MIN_ATTEMPTS_FOR_DISTRACTORS = 20


@dataclass(frozen=True)
class Summary:
    """Count, mean, median, sample SD, min and max of a set of scores (None when empty)."""

    count: int
    mean: float | None
    median: float | None
    sd: float | None
    minimum: float | None
    maximum: float | None


def describe(scores: Sequence[float]) -> Summary:
    """Count, mean, median, sample standard deviation (None below two scores), min and max."""
    values = [float(v) for v in scores]
    if not values:
        return Summary(0, None, None, None, None, None)
    return Summary(
        len(values),
        statistics.fmean(values),
        statistics.median(values),
        _sample_sd(values),
        min(values),
        max(values),
    )


@dataclass(frozen=True)
class Bin:
    """Values v with lo <= v < hi (the last bin also holds v == hi)."""

    lo: float
    hi: float
    count: int


def histogram(
    values: Sequence[float], *, lo: float = 0.0, hi: float = 100.0, bins: int = 10
) -> list[Bin]:
    """Equal-width bins from lo to hi; values outside lo..hi (and NaN) are not counted."""
    if bins < 1:
        raise ValueError("bins must be at least 1")
    if not hi > lo:
        raise ValueError("hi must be greater than lo")
    span = hi - lo
    counts = [0] * bins
    for v in values:
        if lo <= v <= hi:
            # Multiply before dividing so 0.3 of 0..1 lands in bin 3, not 2.
            counts[min(int((v - lo) * bins / span), bins - 1)] += 1
    edges = [lo + span * i / bins for i in range(bins)] + [float(hi)]
    return [Bin(edges[i], edges[i + 1], c) for i, c in enumerate(counts)]


@dataclass(frozen=True)
class AttemptMarks:
    """One finished attempt: marks per question (0..max), and the option chosen where any."""

    attempt_id: int
    marks: Mapping[str, float]
    max_marks: Mapping[str, float]
    choices: Mapping[str, str | None] = field(default_factory=dict)


@dataclass(frozen=True)
class ItemStats:
    """Moodle-style statistics for one question (percentages; None where undefined)."""

    question_id: str
    attempts: int
    facility: float | None
    sd: float | None
    discrimination_index: float | None
    discriminative_efficiency: float | None
    option_counts: dict[str, int]
    flags: tuple[str, ...]


def _constant(xs: Sequence[float]) -> bool:
    # Compared exactly: a float variance of equal values can come out as a tiny non-zero.
    return max(xs) == min(xs)


def _sample_sd(xs: Sequence[float]) -> float | None:
    if len(xs) < 2:
        return None
    return 0.0 if _constant(xs) else statistics.stdev(xs)


def _centred_products(xs: Sequence[float], ys: Sequence[float]) -> float:
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    return math.fsum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))


def _pearson(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    if len(xs) < 2 or _constant(xs) or _constant(ys):
        return None
    sxy = _centred_products(xs, ys)
    scale = math.sqrt(_centred_products(xs, xs)) * math.sqrt(_centred_products(ys, ys))
    if not scale > 0:  # spreads so small that they underflow
        return None
    return max(-1.0, min(1.0, sxy / scale))


def _efficiency(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    if len(xs) < 2 or _constant(xs) or _constant(ys):
        return None
    best = _centred_products(sorted(xs), sorted(ys))
    if best <= 0:
        return None
    return 100.0 * _centred_products(xs, ys) / best


def _total(attempt: AttemptMarks) -> float:
    return math.fsum(attempt.marks.get(q, 0.0) for q in attempt.max_marks)


def _flags(
    facility: float | None,
    efficiency: float | None,
    attempts: int,
    counts: Mapping[str, int],
    options: Sequence[str],
    key: str | None,
) -> tuple[str, ...]:
    flags = []
    if facility is not None and facility <= TOO_HARD_AT_MOST:
        flags.append("too_hard")
    if facility is not None and facility >= TOO_EASY_AT_LEAST:
        flags.append("too_easy")
    if efficiency is not None and efficiency < LOW_EFFICIENCY_BELOW:
        flags.append("low_discrimination")
    if attempts >= MIN_ATTEMPTS_FOR_DISTRACTORS:
        for option in options:
            share = counts.get(option, 0) / attempts
            if option != key and share < WEAK_DISTRACTOR_SHARE_BELOW:
                flags.append(f"weak_distractor:{option}")
    return tuple(flags)


def item_analysis(
    attempts: Sequence[AttemptMarks],
    keys: Mapping[str, tuple[Sequence[str], str]] | None = None,
) -> list[ItemStats]:
    """Statistics per question (sorted by id); ``keys`` maps a question id to (options, key)."""
    keys = keys or {}
    question_ids = sorted({q for a in attempts for q in a.max_marks})
    totals = [_total(a) for a in attempts]
    out = []
    for qid in question_ids:
        rows = [(a, t) for a, t in zip(attempts, totals, strict=True) if qid in a.max_marks]
        n = len(rows)
        marks = [float(a.marks.get(qid, 0.0)) for a, _ in rows]
        rest = [t - m for (_, t), m in zip(rows, marks, strict=True)]
        fractions = [
            m / a.max_marks[qid]
            for (a, _), m in zip(rows, marks, strict=True)
            if a.max_marks[qid] > 0
        ]
        facility = 100.0 * statistics.fmean(fractions) if fractions else None
        spread = _sample_sd(fractions)
        sd = 100.0 * spread if spread is not None else None
        r = _pearson(marks, rest)
        discrimination = 100.0 * r if r is not None else None
        # Both need spread in both sets of marks; one check keeps them None together.
        efficiency = _efficiency(marks, rest) if r is not None else None
        counts: Counter[str] = Counter(
            str(chosen) for a, _ in rows if (chosen := a.choices.get(qid)) is not None
        )
        options, key = keys.get(qid, ((), None))
        names = [str(o) for o in options]
        option_counts = (
            {o: counts.get(o, 0) for o in names} if names else dict(sorted(counts.items()))
        )
        flags = _flags(facility, efficiency, n, counts, names, None if key is None else str(key))
        out.append(
            ItemStats(qid, n, facility, sd, discrimination, efficiency, option_counts, flags)
        )
    return out


@dataclass(frozen=True)
class ResponseGroup:
    """Typed answers that read the same once normalised: how often, and how they were marked."""

    text: str  # the most frequent spelling in the group (of those as frequent: the first)
    count: int
    right: int  # how many of them were marked right

    @property
    def marked(self) -> str:
        """How the group was marked: right, wrong, or mixed (the same answer marked both ways)."""
        if self.right == self.count:
            return "right"
        return "wrong" if self.right == 0 else "mixed"


def response_analysis(answers: Iterable[tuple[str, str, bool]]) -> list[ResponseGroup]:
    """Group typed answers, given as (key, text as typed, marked right), by key.

    Most frequent first (ties: alphabetical), as Moodle's response analysis lists them, so a
    teacher can spot a right answer the key missed among the wrong ones.
    """
    spellings: dict[str, Counter[str]] = {}
    rights: Counter[str] = Counter()
    for key, text, right in answers:
        spellings.setdefault(key, Counter())[text.strip()] += 1
        rights[key] += bool(right)
    groups = [
        ResponseGroup(max(texts, key=texts.__getitem__), sum(texts.values()), rights[key])
        for key, texts in spellings.items()
    ]
    return sorted(groups, key=lambda g: (-g.count, g.text.casefold(), g.text))


@dataclass(frozen=True)
class QuizSummary(Summary):
    """A Summary of attempt percentages plus internal consistency (percentages; None if unknown)."""

    cic: float | None
    error_ratio: float | None
    standard_error: float | None


def test_stats(attempts: Sequence[AttemptMarks]) -> QuizSummary:
    """Summary of each attempt's total as a percentage, with Moodle's CIC, error ratio and SE."""
    percents = []
    for a in attempts:
        top = math.fsum(a.max_marks.values())
        if top > 0:
            percents.append(100.0 * _total(a) / top)
    base = describe(percents)
    question_ids = sorted({q for a in attempts for q in a.max_marks})
    cic = error_ratio = standard_error = None
    totals = [_total(a) for a in attempts]
    p = len(question_ids)
    if len(attempts) >= 2 and p >= 2 and not _constant(totals):
        item_variance = 0.0
        for qid in question_ids:
            marks = [float(a.marks.get(qid, 0.0)) for a in attempts if qid in a.max_marks]
            if len(marks) >= 2 and not _constant(marks):
                item_variance += statistics.variance(marks)
        cic = 100.0 * p / (p - 1) * (1.0 - item_variance / statistics.variance(totals))
        error_ratio = 100.0 * math.sqrt(max(0.0, 1.0 - cic / 100.0))
        if base.sd is not None:
            standard_error = error_ratio * base.sd / 100.0
    return QuizSummary(
        base.count,
        base.mean,
        base.median,
        base.sd,
        base.minimum,
        base.maximum,
        cic,
        error_ratio,
        standard_error,
    )


# A function named test_* is not a pytest test when a test module imports it.
test_stats.__test__ = False  # type: ignore[attr-defined]


FLAG_TEXT = {
    "too_hard": "Too hard: almost nobody gets it right (facility 5% or less).",
    "too_easy": "Too easy: almost everybody gets it right (facility 95% or more).",
    "low_discrimination": "Does not separate strong from weak students (efficiency below 15%).",
}


def describe_flag(flag: str) -> str:
    """The sentence an instructor reads for a flag name."""
    if flag.startswith("weak_distractor:"):
        option = flag.split(":", 1)[1]
        return f"Distractor \u201c{option}\u201d is chosen by fewer than 5% of students."
    return FLAG_TEXT.get(flag, flag)
