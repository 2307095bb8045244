"""Text helpers shared by question generation and answer checking."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from functools import lru_cache

_QUOTES = str.maketrans(
    {
        "‘": "'", "’": "'", "‚": "'", "′": "'", "“": '"', "”": '"', "„": '"', "″": '"',
        "‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "―": "-", "−": "-",
    }
)  # fmt: skip
_ARTICLES = ("the ", "a ", "an ")
_NON_WORD = re.compile(r"[^\w\s]", re.UNICODE)
_SPACES = re.compile(r"\s+")

STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "in",
        "on",
        "at",
        "to",
        "for",
        "from",
        "by",
        "with",
        "and",
        "or",
        "but",
        "as",
        "is",
        "was",
        "were",
        "be",
        "been",
        "being",
        "did",
        "do",
        "does",
        "which",
        "what",
        "who",
        "whom",
        "whose",
        "when",
        "where",
        "why",
        "how",
        "that",
        "this",
        "these",
        "those",
        "it",
        "its",
        "his",
        "her",
        "their",
        "its",
        "into",
        "than",
        "then",
        "there",
        "after",
        "before",
        "during",
        "about",
        "against",
        "between",
        "under",
        "over",
        "up",
        "down",
        "out",
        "off",
        "again",
        "further",
        "once",
        "not",
        "no",
        "nor",
        "only",
        "own",
        "same",
        "so",
        "too",
        "very",
        "can",
        "will",
        "just",
        "should",
        "now",
        "our",
        "two",
        "one",
        "has",
        "had",
        "have",
        "having",
        "i",
        "me",
        "my",
        "we",
        "you",
        "your",
        "they",
        "them",
        "he",
        "she",
        "him",
        "s",
    ]
)


def unify(text: str) -> str:
    """Curly quotes and dashes to their plain forms, whitespace collapsed."""
    return _SPACES.sub(" ", text.translate(_QUOTES)).strip()


def strip_accents(text: str) -> str:
    """Dubček -> Dubcek."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=65536)
def normalize(text: str) -> str:
    """Fold an answer for comparison: accents, case, quotes, hyphens, punctuation, articles.

    Idempotent: ``normalize(normalize(x)) == normalize(x)``.
    """
    folded = strip_accents(unify(strip_accents(text)).casefold())
    folded = folded.replace("-", " ").replace("'", "").replace("&", " and ")
    folded = _NON_WORD.sub(" ", folded).replace("_", " ")
    folded = _SPACES.sub(" ", folded).strip()
    changed = True
    while changed:
        changed = False
        for article in _ARTICLES:
            if folded.startswith(article) and len(folded) > len(article):
                folded = folded[len(article) :]
                changed = True
    return folded


def content_words(text: str) -> set[str]:
    """The words of a text that carry meaning (stopwords, short words and possessives dropped)."""
    text = re.sub(r"['’]s\b", "", text)
    return {w for w in normalize(text).split() if w not in STOPWORDS and len(w) > 2}


# Number words up to twenty, as the essay writes small counts; index = value.
WORD_NUMBERS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
]
ORDINAL = re.compile(r"^(\d+)(st|nd|rd|th)$")
MILLION = re.compile(r"^(\w+) million$")


def number_value(value: str) -> float | None:
    """The number a key stands for ("five", "23rd", "1,000", "two million"), if any."""
    text = value.strip().casefold()
    if text in WORD_NUMBERS:
        return float(WORD_NUMBERS.index(text))
    m = ORDINAL.match(text)
    if m:
        return float(m.group(1))
    if text.replace(",", "").isdigit():
        return float(text.replace(",", ""))
    m = MILLION.match(text)
    if m:
        word = m.group(1)
        if word in WORD_NUMBERS:
            return WORD_NUMBERS.index(word) * 1e6
    if text == "half a million":
        return 5e5
    return None


def date_span(iso: str) -> tuple[date, date]:
    """The days an ISO key covers: "1966" is the whole year, "1966-05" the whole month."""
    parts = [int(p) for p in iso.split("-")]
    year = parts[0]
    if len(parts) == 1:
        return date(year, 1, 1), date(year, 12, 31)
    month = parts[1]
    if len(parts) == 2:
        end = date(year + (month == 12), month % 12 + 1, 1)
        return date(year, month, 1), date.fromordinal(end.toordinal() - 1)
    return date(year, month, parts[2]), date(year, month, parts[2])


_TENS_AND_UP = ("thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety", "hundred")
_LARGE = ("thousand", "million", "billion", "half", "dozen")
_ORDINAL_WORDS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth")
_MORE_ORDINALS = ("ninth", "tenth", "eleventh", "twelfth", "twentieth", "thirtieth")
NUMBER_WORDS = frozenset(
    [*WORD_NUMBERS, *_TENS_AND_UP, *_LARGE, *_ORDINAL_WORDS, *_MORE_ORDINALS]
)  # fmt: skip


def _number_word(word: str) -> bool:
    return word in NUMBER_WORDS or word.removesuffix("th") in NUMBER_WORDS  # "thirteenth"


def is_numeric_phrase(text: str) -> bool:
    """Whether an answer is a number in words ("five", "one million", "twenty-third")."""
    words = normalize(text).split()
    return any(_number_word(w) for w in words) and all(
        _number_word(w) or w in ("a", "and") for w in words
    )


def has_digit(text: str) -> bool:
    """Whether the text holds a number (such answers are never matched fuzzily)."""
    return any(c.isdigit() for c in text)


MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
            ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
            ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}  # fmt: skip
MONTH_NAMES = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]

DateParts = tuple[int, int | None, int | None]


def parse_date(text: str) -> DateParts | None:
    """Read a date written as the essay does or in common numeric forms.

    "1969" -> (1969, None, None); "March 1969", "Mar. 1969", "1969-03", "03/1969" ->
    (1969, 3, None); "September 30, 1969", "30 September 1969", "1969-09-30" -> (1969, 9, 30).
    Anything else (including "late 1964" or "the 1960s") -> None.
    """
    t = unify(text).casefold().replace(",", " ").replace(".", " ")
    t = _SPACES.sub(" ", t).strip()
    if re.fullmatch(r"\d{4}", t):
        return (int(t), None, None)
    m = re.fullmatch(r"(\d{4})-(\d{1,2})(?:-(\d{1,2}))?", t)
    if m:
        return _checked(int(m.group(1)), int(m.group(2)), int(m.group(3)) if m.group(3) else None)
    m = re.fullmatch(r"(\d{1,2})/(\d{4})", t)
    if m:
        return _checked(int(m.group(2)), int(m.group(1)), None)
    words = t.split()
    if len(words) == 2 and words[0] in MONTHS and re.fullmatch(r"\d{4}", words[1]):
        return _checked(int(words[1]), MONTHS[words[0]], None)
    if len(words) == 3:
        if words[0] in MONTHS and words[1].isdigit() and re.fullmatch(r"\d{4}", words[2]):
            return _checked(int(words[2]), MONTHS[words[0]], int(words[1]))
        if words[1] in MONTHS and words[0].isdigit() and re.fullmatch(r"\d{4}", words[2]):
            return _checked(int(words[2]), MONTHS[words[1]], int(words[0]))
    return None


def _checked(year: int, month: int | None, day: int | None) -> DateParts | None:
    if month is not None and not 1 <= month <= 12:
        return None
    if day is not None:
        try:
            date(year, month or 1, day)
        except ValueError:
            return None  # "February 30"
    return (year, month, day)


def format_date(parts: DateParts) -> str:
    """(1969, 3, None) -> "March 1969", in the essay's style."""
    year, month, day = parts
    if month is None:
        return str(year)
    if day is None:
        return f"{MONTH_NAMES[month - 1]} {year}"
    return f"{MONTH_NAMES[month - 1]} {day}, {year}"
