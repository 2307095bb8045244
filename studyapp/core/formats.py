"""Export formats: the question bank as JSON, CSV and an Anki deck; formula-safe CSV."""

from __future__ import annotations

import csv
import html
import io
import json
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

QUESTION_KEYS = (
    "id",
    "type",
    "prompt",
    "options",
    "answer",
    "accept",
    "explanation",
    "source",
    "fact_ids",
)
TYPES = frozenset(
    {"multiple_choice", "cloze", "true_false", "short_answer", "ordering", "matching", "explain"}
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _export_item(q: Mapping[str, Any]) -> dict[str, Any]:
    item = {key: q[key] for key in QUESTION_KEYS}
    item["source"] = {k: v for k, v in q["source"].items() if v is not None}
    return item


def questions_json(essay_meta: Mapping[str, str], questions: Sequence[Mapping[str, Any]]) -> str:
    """The bank in the stable export schema, pretty-printed UTF-8."""
    data = {
        "essay": {k: essay_meta[k] for k in ("slug", "title", "author")},
        "questions": [_export_item(q) for q in questions],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def parse_questions_json(text: str) -> tuple[dict[str, str], list[dict[str, Any]]]:
    """Read an export back, checking its shape (ValueError names the problem)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not JSON: {exc}") from exc
    if not isinstance(data, dict) or not {"essay", "questions"} <= set(data):
        raise ValueError("expected an object with 'essay' and 'questions'")
    for i, q in enumerate(data["questions"]):
        missing = [k for k in QUESTION_KEYS if k not in q]
        if missing:
            raise ValueError(f"question {i}: missing {', '.join(missing)}")
        if q["type"] not in TYPES:
            raise ValueError(f"question {i}: unknown type {q['type']!r}")
        if not isinstance(q["source"], dict) or not {"section", "quote"} <= set(q["source"]):
            raise ValueError(f"question {i}: source needs section and quote")
    return data["essay"], data["questions"]


def safe_cell(value: Any) -> str:
    """A spreadsheet cell that cannot run as a formula (OWASP CSV injection).

    Text starting with = + - @, a tab or a carriage return gets a leading apostrophe; so do
    negative numbers written as text, as OWASP recommends (a spreadsheet shows them unchanged).
    """
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]], *, bom: bool = True) -> str:
    """CSV with every cell made formula-safe; a BOM lets spreadsheet programs read UTF-8."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return ("\ufeff" if bom else "") + buffer.getvalue()


def _flat(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return " | ".join(value.get("left", [])) + " || " + " | ".join(value.get("right", []))
    if isinstance(value, list | tuple):
        return " | ".join(
            f"{v[0]} -> {v[1]}" if isinstance(v, list | tuple) else str(v) for v in value
        )
    return "" if value is None else str(value)


def questions_csv(questions: Sequence[Mapping[str, Any]]) -> str:
    """The bank as one CSV row per question."""
    header = [
        "id",
        "type",
        "prompt",
        "options",
        "answer",
        "accept",
        "explanation",
        "section",
        "quote",
        "fact_ids",
    ]
    rows = (
        [
            q["id"],
            q["type"],
            q["prompt"],
            _flat(q.get("options")),
            _flat(q["answer"]),
            _flat(q.get("accept")),
            q["explanation"],
            q["source"]["section"],
            q["source"]["quote"],
            _flat(q["fact_ids"]),
        ]
        for q in questions
    )
    return csv_text(header, rows)


ANKI_MODEL_ID = 1_607_392_319
_CARD_CSS = ".card { font-family: Georgia, serif; font-size: 20px; text-align: left; }"


def _front(q: Mapping[str, Any]) -> str:
    parts = [f"<p>{html.escape(q['prompt'])}</p>"]
    options = q.get("options")
    if isinstance(options, dict):
        left = "".join(f"<li>{html.escape(o)}</li>" for o in options["left"])
        right = "".join(f"<li>{html.escape(o)}</li>" for o in options["right"])
        parts.append(f"<ul>{left}</ul><p>with</p><ul>{right}</ul>")
    elif options:
        parts.append("<ol type='A'>" + "".join(f"<li>{html.escape(o)}</li>" for o in options))
        parts.append("</ol>")
    return "".join(parts)


def _back(q: Mapping[str, Any]) -> str:
    answer = q["answer"]
    if isinstance(answer, bool):
        shown = "True" if answer else "False"
    elif isinstance(answer, list):
        shown = "<br>".join(
            html.escape(f"{a[0]} → {a[1]}" if isinstance(a, list | tuple) else str(a))
            for a in answer
        )
    else:
        shown = "<br>".join(html.escape(line) for line in str(answer).split("\n"))
    return (
        f"<p><b>{shown if isinstance(answer, list | bool) else shown}</b></p>"
        f"<p>{html.escape(q['explanation'])}</p>"
        f"<blockquote>{html.escape(q['source']['quote'])}</blockquote>"
    )


def anki_package(
    essay_meta: Mapping[str, str], questions: Sequence[Mapping[str, Any]], *, deck_id: int
) -> bytes:
    """An Anki .apkg deck: one note per question, with a stable GUID from the question id."""
    import genanki

    model = genanki.Model(
        ANKI_MODEL_ID,
        "studyapp question",
        fields=[{"name": "Front"}, {"name": "Back"}],
        templates=[
            {
                "name": "Card 1",
                "qfmt": "{{Front}}",
                "afmt": "{{FrontSide}}<hr id=answer>{{Back}}",
            }
        ],
        css=_CARD_CSS,
    )
    deck = genanki.Deck(deck_id, essay_meta["title"])
    for q in questions:
        deck.add_note(
            genanki.Note(
                model=model,
                fields=[_front(q), _back(q)],
                guid=genanki.guid_for(q["id"]),
                tags=[q["type"], f"section-{q['source']['section']}"],
            )
        )
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "deck.apkg"
        genanki.Package(deck).write_to_file(str(path))
        return path.read_bytes()
