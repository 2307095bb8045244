"""Export formats: the question bank as JSON, CSV and an Anki deck; formula-safe CSV.

The JSON export schema is stable (other tools read it):

    {"essay": {"slug", "title", "author"},
     "questions": [{"id", "type", "prompt", "options", "answer", "accept", "explanation",
                    "source": {"section", "quote"}, "fact_ids"}]}

``options`` is the list shown (multiple choice, ordering), {"left": [...], "right": [...]} for
matching, and null or [] otherwise; ``answer`` is text, true/false, the items in order
(ordering) or [left, right] pairs (matching).
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import sqlite3
import tempfile
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from studyapp.core.questions.kinds import KINDS, escape, get_kind, is_text_list

QUESTION_KEYS = (
    "id",
    "type",
    "prompt",
    "options",
    "answer",
    "accept",
    "explanation",
    "source",
    "sources",
    "fact_ids",
)
OPTIONAL_KEYS = frozenset({"sources"})  # exports from before it existed read back with [source]
ESSAY_KEYS = ("slug", "title", "author")
SOURCE_KEYS = ("section", "quote")
# OWASP CSV injection lists = + - @ tab and carriage return; ASVS 1.2.10 adds the null character.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\0")

CSV_HEADER = (
    "id",
    "type",
    "prompt",
    "options",
    "answer",
    "accept",
    "explanation",
    "section",
    "quote",
    "sources",
    "erratum",
    "fact_ids",
)


# --- JSON --------------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """Tuples as lists and string enums as strings, all the way down."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, str):
        return str(value)
    return value


def _export_item(q: Mapping[str, Any]) -> dict[str, Any]:
    """One question with exactly the schema's keys, in the schema's order."""
    source = q["source"]
    return {
        "id": str(q["id"]),
        "type": str(q["type"]),
        "prompt": q["prompt"],
        "options": _plain(q.get("options")),
        "answer": _plain(q["answer"]),
        "accept": _plain(list(q.get("accept") or [])),
        "explanation": q["explanation"],
        "source": {"section": str(source["section"]), "quote": source["quote"]},
        "sources": [
            {"section": str(s["section"]), "quote": s["quote"]}
            for s in q.get("sources") or [source]
        ],
        "fact_ids": _plain(list(q["fact_ids"])),
    }


def questions_json(essay_meta: Mapping[str, str], questions: Sequence[Mapping[str, Any]]) -> str:
    """The bank in the stable export schema, pretty-printed UTF-8 (not \\u escapes)."""
    data = {
        "essay": {k: essay_meta[k] for k in ESSAY_KEYS},
        "questions": [_export_item(q) for q in questions],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _check_answer(q: Mapping[str, Any]) -> str | None:
    """What is wrong with a question's options and answer for its kind, or None."""
    return get_kind(q["type"]).export_problem(q["options"], q["answer"])


def _check_question(q: Any, where: str) -> dict[str, Any]:
    """The question with exactly the schema's keys, or ValueError naming the problem."""
    if not isinstance(q, dict):
        raise ValueError(f"{where}: expected an object")
    missing = [k for k in QUESTION_KEYS if k not in q and k not in OPTIONAL_KEYS]
    if missing:
        raise ValueError(f"{where}: missing {', '.join(missing)}")
    for key in ("id", "prompt"):
        if not isinstance(q[key], str) or not q[key].strip():
            raise ValueError(f"{where}: {key} must be non-empty text")
    if not isinstance(q["type"], str) or q["type"] not in KINDS:
        raise ValueError(f"{where}: unknown type {q['type']!r}")
    if not isinstance(q["explanation"], str):
        raise ValueError(f"{where}: explanation must be text")
    for key in ("accept", "fact_ids"):
        if not is_text_list(q[key]):
            raise ValueError(f"{where}: {key} must be a list of texts")
    source = q["source"]
    if not isinstance(source, dict) or not all(isinstance(source.get(k), str) for k in SOURCE_KEYS):
        raise ValueError(f"{where}: source needs section and quote as text")
    problem = _check_answer(q)
    if problem:
        raise ValueError(f"{where}: {problem}")
    sources = q.get("sources") or [source]
    if not isinstance(sources, list) or not all(
        isinstance(s, dict) and all(isinstance(s.get(k), str) for k in SOURCE_KEYS) for s in sources
    ):
        raise ValueError(f"{where}: sources must be a list of section and quote")
    item = {k: q.get(k) for k in QUESTION_KEYS}
    item["source"] = {k: source[k] for k in SOURCE_KEYS}
    item["sources"] = [{k: s[k] for k in SOURCE_KEYS} for s in sources]
    return item


def parse_questions_json(text: str | bytes) -> tuple[dict[str, str], list[dict[str, Any]]]:
    """Read an export back, checking its shape (ValueError names the problem).

    Keys outside the schema are dropped, so what comes back is what ``questions_json`` writes.
    """
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ValueError(f"not JSON: {exc}") from exc
    if not isinstance(data, dict) or not {"essay", "questions"} <= set(data):
        raise ValueError("expected an object with 'essay' and 'questions'")
    essay = data["essay"]
    if not isinstance(essay, dict):
        raise ValueError("essay: expected an object")
    for key in ESSAY_KEYS:
        if not isinstance(essay.get(key), str):
            raise ValueError(f"essay: {key} must be text")
    if not isinstance(data["questions"], list):
        raise ValueError("questions: expected a list")
    items = []
    seen: set[str] = set()
    for i, q in enumerate(data["questions"]):
        name = q.get("id") if isinstance(q, dict) else None
        where = f"question {i}" + (f" ({name})" if isinstance(name, str) else "")
        item = _check_question(q, where)
        if item["id"] in seen:
            raise ValueError(f"{where}: duplicate id")
        seen.add(item["id"])
        items.append(item)
    return {k: essay[k] for k in ESSAY_KEYS}, items


# --- CSV ---------------------------------------------------------------------------------------


def safe_cell(value: Any) -> str:
    """A spreadsheet cell that cannot run as a formula (OWASP CSV injection).

    Text starting with = + - @, a tab, a carriage return or a null gets a leading apostrophe. That
    includes legitimate negative numbers such as "-5": OWASP recommends prefixing every such
    cell rather than guessing which ones are safe, and a spreadsheet shows the text unchanged.
    """
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]], *, bom: bool = True) -> str:
    """CSV (``\\r\\n`` rows) with every cell made formula-safe; a BOM lets Excel read UTF-8."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return ("\ufeff" if bom else "") + buffer.getvalue()


def _joined(values: Any) -> str:
    return " | ".join(str(v) for v in values or ())


def _options_cell(options: Any) -> str:
    """Choices joined by " | "; matching shows its two lists, left || right, as displayed."""
    if isinstance(options, Mapping):
        return f"{_joined(options.get('left'))} || {_joined(options.get('right'))}"
    return _joined(options)


def _answer_cell(answer: Any) -> str:
    """Text as is, booleans as true/false, orders joined by " | ", pairs as "left -> right"."""
    if isinstance(answer, bool):
        return "true" if answer else "false"
    if isinstance(answer, list | tuple):
        return " | ".join(
            f"{a[0]} -> {a[1]}" if isinstance(a, list | tuple) else str(a) for a in answer
        )
    return "" if answer is None else str(answer)


def _sources(q: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """Every sentence the key rests on, each once (older items have only their main source)."""
    unique: dict[str, Mapping[str, Any]] = {}
    for source in q.get("sources") or [q["source"]]:
        unique.setdefault(source["quote"], source)
    return list(unique.values())


def _sources_cell(q: Mapping[str, Any]) -> str:
    """Every cited sentence as "section: quote", joined by " | "."""
    return _joined(f"{s['section']}: {s['quote']}" for s in _sources(q))


def questions_csv(questions: Sequence[Mapping[str, Any]]) -> str:
    """The bank as one formula-safe CSV row per question.

    ``section`` and ``quote`` give the main source; ``sources`` every cited sentence, and
    ``erratum`` the note where the essay departs from the historical record (empty if none).
    """
    rows = (
        [
            q["id"],
            str(q["type"]),
            q["prompt"],
            _options_cell(q.get("options")),
            _answer_cell(q["answer"]),
            _joined(q.get("accept")),
            q["explanation"],
            q["source"]["section"],
            q["source"]["quote"],
            _sources_cell(q),
            q.get("erratum") or "",
            _joined(q["fact_ids"]),
        ]
        for q in questions
    )
    return csv_text(CSV_HEADER, rows)


# --- Anki --------------------------------------------------------------------------------------

# Fixed so that a re-imported deck updates the same note type instead of adding another.
ANKI_MODEL_ID = 1_519_333_905
_CARD_CSS = (
    ".card { font-family: Georgia, serif; font-size: 20px; text-align: left; "
    "color: black; background-color: white; }\n"
    "blockquote { color: #555; border-left: 3px solid #ccc; margin-left: 0; padding-left: 1em; }"
)


def _front(q: Mapping[str, Any]) -> str:
    return f"<p>{escape(q['prompt'])}</p>" + get_kind(q["type"]).anki_options(q.get("options"))


def _back(q: Mapping[str, Any]) -> str:
    parts = [get_kind(q["type"]).anki_answer(q["answer"])]
    if q.get("erratum"):
        parts.append(f"<p><b>Note on the record:</b> {escape(q['erratum'])}</p>")
    if q.get("accept"):
        parts.append(f"<p>Also accepted: {escape('; '.join(map(str, q['accept'])))}</p>")
    if q.get("explanation"):
        parts.append(f"<p>{escape(q['explanation'])}</p>")
    parts.extend(f"<blockquote>{escape(s['quote'])}</blockquote>" for s in _sources(q))
    return "".join(parts)


def _tag(text: Any) -> str:
    """An Anki tag: no spaces allowed."""
    return "_".join(str(text).split()) or "none"


def anki_package(
    essay_meta: Mapping[str, str],
    questions: Sequence[Mapping[str, Any]],
    *,
    deck_id: int,
    now: datetime | None = None,
) -> bytes:
    """An Anki .apkg deck: one note per question, with a stable GUID from the question id.

    ``now`` stamps the notes' modification time (Anki updates a re-imported note only when the
    file's copy is newer); without it the current time is used.
    """
    import genanki

    model = genanki.Model(
        ANKI_MODEL_ID,
        "studyapp question",
        fields=[{"name": "Front"}, {"name": "Back"}],
        templates=[
            {
                "name": "Card 1",
                "qfmt": "{{Front}}",
                "afmt": '{{FrontSide}}<hr id="answer">{{Back}}',
            }
        ],
        css=_CARD_CSS,
    )
    title, author = essay_meta["title"], essay_meta.get("author", "")
    description = f"Questions on {title}" + (f" by {author}" if author else "")
    deck = genanki.Deck(deck_id, title, description=escape(description))
    for q in questions:
        deck.add_note(
            genanki.Note(
                model=model,
                fields=[_front(q), _back(q)],
                guid=genanki.guid_for(q["id"]),
                tags=[_tag(q["type"]), "section::" + _tag(q["source"]["section"])],
            )
        )
    timestamp = (now or datetime.now(UTC)).timestamp()
    # Package.write_to_file leaves its temporary database behind in the system temp folder on
    # every call, so the collection is written here into a folder that is removed afterwards.
    with tempfile.TemporaryDirectory() as tmp:
        db_path = Path(tmp) / "collection.anki2"
        conn = sqlite3.connect(db_path)
        try:
            genanki.Package(deck).write_to_db(
                conn.cursor(), timestamp, itertools.count(int(timestamp * 1000))
            )
            conn.commit()
        finally:
            conn.close()
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.write(db_path, "collection.anki2")
            archive.writestr("media", "{}")
        return buffer.getvalue()
