"""Numbers typed by people: ASCII digits only, within the bounds the caller names.

Python's ``int`` and ``str.isdigit`` take far more than a form should: ``'²'.isdigit()`` is
true yet ``int('²')`` fails, ``int('٣')`` is 3, ``int('1_000')`` is 1000, and
``Decimal('sNaN')`` is a number that raises when compared. Every number read from a form field,
a query parameter or a URL goes through here, so it is plain digits of a sensible size or None.
"""

from __future__ import annotations

import re
from decimal import Decimal

# Surrounding spaces are forgiven (a pasted value); line breaks and other spacing are not.
_INT = re.compile(r" *(-?[0-9]{1,18}) *")
_DECIMAL = re.compile(r" *(-?(?:[0-9]{1,18}(?:\.[0-9]*)?|\.[0-9]+)) *")
MAX_TEXT = 64  # characters worth looking at; anything longer is not a small number


def parse_small_int(text: object, lo: int, hi: int) -> int | None:
    """The whole number ``text`` spells in ASCII digits if it lies in lo..hi, else None."""
    if not isinstance(text, str) or len(text) > MAX_TEXT:
        return None
    match = _INT.fullmatch(text)
    if match is None:
        return None
    value = int(match.group(1))
    return value if lo <= value <= hi else None


def parse_decimal(text: object, lo: Decimal, hi: Decimal) -> Decimal | None:
    """The decimal ``text`` spells (like ``0.85`` or ``.9``) if it lies in lo..hi, else None.

    Only digits, one point and a minus sign are read, so NaN, sNaN, infinities and exponents
    never get through.
    """
    if not isinstance(text, str) or len(text) > MAX_TEXT:
        return None
    match = _DECIMAL.fullmatch(text)
    if match is None:
        return None
    value = Decimal(match.group(1))
    return value if lo <= value <= hi else None
