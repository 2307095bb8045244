"""Form validators shared by every blueprint."""

from __future__ import annotations

from wtforms import Field
from wtforms.validators import ValidationError

from studyapp.core.plain_text import plain_text_problem


class PlainText:
    """Refuse control characters and invisible formatting in a free-text field.

    Every free-text field (names, class names, terms, titles, codes, filters) carries it; a
    test walks all forms to keep it so.
    """

    def __call__(self, form: object, field: Field) -> None:
        data = field.data
        if isinstance(data, str):
            problem = plain_text_problem(data, field.label.text or "This field")
            if problem:
                raise ValidationError(problem)
