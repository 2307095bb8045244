"""One module per question kind: its ``generate(ctx)``, then its ``QuestionKind`` class.

Importing this package registers every kind in ``kinds.KINDS``, in the order imported here: the
order the bank is generated in and kinds are listed.
"""

from studyapp.core.questions.types import (  # noqa: I001  (the order is the listing order)
    multiple_choice,
    cloze,
    true_false,
    short_answer,
    ordering,
    matching,
    explain,
)

__all__ = [
    "cloze",
    "explain",
    "matching",
    "multiple_choice",
    "ordering",
    "short_answer",
    "true_false",
]
