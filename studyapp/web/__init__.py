"""The Flask shell: one blueprint per feature, each with its views and forms."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from importlib import import_module

from flask import Flask
from flask_login import current_user
from markupsafe import Markup, escape

from studyapp.core.questions import KINDS
from studyapp.core.timezones import to_local

FEATURES = ("main", "auth", "essay", "study", "quiz", "instructor", "api")


def register_blueprints(app: Flask) -> None:
    """Import each feature package and register its blueprint ``bp``."""
    for name in FEATURES:
        module = import_module(f"studyapp.web.{name}")
        app.register_blueprint(module.bp)
    app.jinja_env.filters["localtime"] = localtime
    app.jinja_env.filters["percent"] = percent
    app.jinja_env.filters["emphasis"] = emphasis
    # Templates ask a question's kind for its label, its template and whether it is auto-graded.
    app.jinja_env.globals["QUESTION_KINDS"] = KINDS


def localtime(value: datetime | None, fmt: str = "%d %b %Y, %H:%M") -> str:
    """Format an aware UTC datetime in the current user's time zone (in UTC if it cannot be)."""
    if value is None:
        return "—"
    tz = "UTC"
    if getattr(current_user, "is_authenticated", False):
        tz = current_user.timezone or "UTC"
    local = to_local(value, tz)
    if tz == "UTC" or local.tzinfo is UTC:  # UTC chosen, or the zone would leave the calendar
        return local.strftime(fmt) + " UTC"
    return local.strftime(fmt) + f" ({local.tzname()})"


def percent(value: float | None, digits: int = 0) -> str:
    """0.873 -> '87%'; None -> '—'."""
    if value is None:
        return "—"
    return f"{100 * value:.{digits}f}%"


def svg(chart: str) -> Markup:
    """A chart from ``core.charts`` for a template: it escapes every text it writes."""
    return Markup(chart)  # nosec B704  (built by core.charts, which escapes all text)


_EMPHASIS = re.compile(r"\*([^*]+)\*")


def emphasis(markup: str) -> Markup:
    """Render the essay's *emphasis* as <em> after escaping everything else."""
    # Safe: everything is escaped first; only the <em> tags added here are markup.
    return Markup(_EMPHASIS.sub(r"<em>\1</em>", str(escape(markup))))  # nosec B704
