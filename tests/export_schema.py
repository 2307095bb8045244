"""The export schema as the foundation issue states it, written out once for the tests.

Kept apart from ``studyapp.core.formats`` on purpose: a test that read the keys from the code
under test would pass whatever the code did.
"""

QUESTION_KEYS = frozenset(
    {
        "id", "type", "prompt", "options", "answer", "accept", "explanation", "source", "sources",
        "fact_ids",
    }
)  # fmt: skip
ESSAY_KEYS = frozenset({"slug", "title", "author"})
SOURCE_KEYS = frozenset({"section", "quote"})
TYPES = (
    "multiple_choice",
    "cloze",
    "true_false",
    "short_answer",
    "ordering",
    "matching",
    "explain",
)
