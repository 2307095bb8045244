"""What a request may carry: ids in URLs, numbers in forms and query strings, JSON bodies.

Numbers are read by ``core.numbers`` (ASCII digits, bounded) whether they come from a URL
(the ``id`` converter), a form field (``WholeNumberField``, ``DecimalNumberField``) or a query
parameter (``query_int``). A JSON body must be an object of text fields, as a form is, and an
address may not hold a NUL character (PostgreSQL cannot store one; form fields refuse it one by
one). Odd input is a 4xx with a message, never a server error.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from flask import Flask, request
from werkzeug.exceptions import BadRequest
from werkzeug.routing import BaseConverter, ValidationError
from wtforms import DecimalField, Field, IntegerField
from wtforms import ValidationError as FieldError

from studyapp.core.numbers import parse_decimal, parse_small_int

MAX_ID = 2**31 - 1  # the largest id an INTEGER column holds on every database
_TOKEN = re.compile(r"[A-Za-z0-9_.:,-]*")  # question ids, request ids, lists of them


class BadInput(BadRequest):
    """A request the app cannot read; its description says why, for the person who sent it."""


class IdConverter(BaseConverter):
    """``<id:name>``: a database id in ASCII digits, 1 to MAX_ID; anything else is a 404."""

    regex = r"[0-9]{1,10}"
    weight = 50

    def to_python(self, value: str) -> int:
        number = parse_small_int(value, 1, MAX_ID)
        if number is None:
            raise ValidationError()
        return number

    def to_url(self, value: Any) -> str:
        return str(int(value))


def query_int(name: str, default: int, lo: int, hi: int) -> int:
    """A whole number from the query string in lo..hi, or ``default`` when it is not one."""
    value = parse_small_int(request.args.get(name), lo, hi)
    return default if value is None else value


class _BoundedNumber:
    """A number field read by one of ``core.numbers``' parsers within lo..hi, else ``message``."""

    parse: Callable[[Any, Any, Any], Any]

    def __init__(
        self,
        label: str | None = None,
        validators: Any = None,
        *,
        lo: Any,
        hi: Any,
        message: str,
        **kwargs: Any,
    ) -> None:
        super().__init__(label, validators, **kwargs)  # type: ignore[call-arg]
        self.lo, self.hi, self.message = lo, hi, message

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist:
            return
        self.data = type(self).parse(valuelist[0], self.lo, self.hi)
        if self.data is None:
            raise ValueError(self.message)


class WholeNumberField(_BoundedNumber, IntegerField):
    """A whole number in ASCII digits within lo..hi; anything else gets ``message``.

    ``IntegerField`` reads with ``int()``, which takes '٣' and '1_000'; this one does not.
    """

    parse = staticmethod(parse_small_int)


class DecimalNumberField(_BoundedNumber, DecimalField):
    """A decimal such as 0.85 within lo..hi (never NaN, sNaN or infinity); else ``message``."""

    parse = staticmethod(parse_decimal)


def is_token(value: object) -> bool:
    """Whether ``value`` looks like an id the app writes (ASCII letters, digits, - _ . : ,)."""
    return isinstance(value, str) and _TOKEN.fullmatch(value) is not None


class Token:
    """A hidden field holding ids the app wrote into the page (one, or a list of them).

    Anything else (a NUL, which PostgreSQL cannot store, or other text) is a forged or damaged
    form: it is refused before it reaches the database.
    """

    def __call__(self, form: object, field: Field) -> None:
        values = field.data if isinstance(field.data, list) else [field.data]
        if not all(value is None or is_token(value) for value in values):
            raise FieldError("This form is damaged: reload the page and try again.")


def _has_nul(values: Any) -> bool:
    return any("\x00" in key or any("\x00" in v for v in vs) for key, vs in values.lists())


def _is_text(value: Any) -> bool:
    return isinstance(value, str) or (
        isinstance(value, list) and all(isinstance(v, str) for v in value)
    )


def check_request() -> None:
    """Refuse, with a message, a request carrying what no form of this app sends."""
    if "\x00" in request.path or _has_nul(request.args):
        raise BadInput("The address contains a NUL character, which this site does not accept.")
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    if request.is_json:
        data = request.get_json(silent=True)
        if not isinstance(data, dict) or not all(_is_text(v) for v in data.values()):
            raise BadInput(
                'Send a JSON object whose fields are text, like {"request_id": "r-1"}; '
                "numbers, true/false, null and nested objects are not read."
            )


def init_app(app: Flask) -> None:
    """Register the ``id`` URL converter and the request check (before any blueprint)."""
    app.url_map.converters["id"] = IdConverter
    app.before_request(check_request)
