"""Options for select, radio and checkbox fields."""

from __future__ import annotations

from collections.abc import Iterable

from wtforms.fields.choices import SelectChoice


def options(pairs: Iterable[tuple[object, str]]) -> list[SelectChoice]:
    """``SelectChoice`` options from ``(value, label)`` pairs, in order."""
    return [SelectChoice(value, label) for value, label in pairs]  # type: ignore[arg-type]
