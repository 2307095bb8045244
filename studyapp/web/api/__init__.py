"""Downloads of the question bank for instructors: JSON (the export schema), CSV, Anki.

Instructors only: the files carry every answer, including those of quizzes that are open.
"""

from __future__ import annotations

from functools import wraps

from flask import Blueprint, Response, abort
from flask_login import current_user, login_required

from studyapp.core.formats import anki_package, questions_csv, questions_json
from studyapp.db import utcnow
from studyapp.extensions import db
from studyapp.services.bank import essay, filter_questions

bp = Blueprint("api", __name__, url_prefix="/api")

ANKI_DECK_ID = 1_736_402_117  # fixed so re-imports update the same deck


def instructor_only(view):  # type: ignore[no-untyped-def]
    """Refuse anyone but a logged-in instructor."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):  # type: ignore[no-untyped-def]
        if not current_user.is_instructor:
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def _bank() -> tuple[dict[str, str], list[dict]]:
    e = essay()
    rows = db.session.scalars(filter_questions()).all()
    return {"slug": e.slug, "title": e.title, "author": e.author}, [r.data for r in rows]


def _download(body: str | bytes, mimetype: str, filename: str) -> Response:
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.get("/questions.json")
@instructor_only
def questions_json_download():
    meta, items = _bank()
    return _download(questions_json(meta, items), "application/json", f"{meta['slug']}.json")


@bp.get("/questions.csv")
@instructor_only
def questions_csv_download():
    meta, items = _bank()
    return _download(questions_csv(items), "text/csv; charset=utf-8", f"{meta['slug']}.csv")


@bp.get("/questions.apkg")
@instructor_only
def questions_anki_download():
    meta, items = _bank()
    package = anki_package(meta, items, deck_id=ANKI_DECK_ID, now=utcnow())
    return _download(package, "application/octet-stream", f"{meta['slug']}.apkg")
