"""Export formats: JSON schema round trip, formula-safe CSV, Anki packages."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import tempfile
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import genanki
import pytest

from studyapp.core.formats import (
    ANKI_MODEL_ID,
    CSV_HEADER,
    QUESTION_KEYS,
    anki_package,
    csv_text,
    parse_questions_json,
    questions_csv,
    questions_json,
    safe_cell,
)
from studyapp.core.questions import seed_bank

ITEMS = [q.to_dict() for q in seed_bank().questions]
META = {"slug": "s", "title": "T", "author": "A"}
NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


def make_item(**changes) -> dict:
    """A small valid multiple-choice item, changed as given."""
    item = {
        "id": "mc-1",
        "type": "multiple_choice",
        "prompt": "In which year were the Peace of Westphalia treaties signed?",
        "options": ["1618", "1648", "1659", "1713"],
        "answer": "1648",
        "accept": [],
        "explanation": "The treaties ended the Thirty Years' War in 1648.",
        "source": {"section": "1", "quote": "Peace came in 1648."},
        "fact_ids": ["westphalia"],
    }
    item.update(changes)
    return item


def first_of(qtype: str) -> dict:
    return next(i for i in ITEMS if i["type"] == qtype)


def export(*items: dict) -> str:
    return json.dumps({"essay": META, "questions": list(items)})


# --- JSON --------------------------------------------------------------------------------------


def test_json_round_trip_and_schema():
    text = questions_json(META, ITEMS)
    meta, items = parse_questions_json(text)
    assert meta == META and len(items) == len(ITEMS)
    data = json.loads(text)
    assert list(data) == ["essay", "questions"] and list(data["essay"]) == list(META)
    for item in data["questions"]:
        assert tuple(item) == QUESTION_KEYS
        assert list(item["source"]) == ["section", "quote"]
    matching = next(i for i in items if i["type"] == "matching")
    assert set(matching["options"]) == {"left", "right"}
    assert all(isinstance(p, list) and len(p) == 2 for p in matching["answer"])
    assert isinstance(first_of("true_false")["answer"], bool)
    assert "’" in text and "\\u2019" not in text  # UTF-8, not \\u escapes


def test_json_export_is_deterministic_and_a_fixed_point():
    text = questions_json(META, ITEMS)
    assert questions_json(META, ITEMS) == text
    assert questions_json(*parse_questions_json(text)) == text


def test_json_export_writes_plain_lists_and_only_schema_keys():
    item = make_item(options=("1618", "1648"), fact_ids=("westphalia",), extra="dropped")
    item["source"] = {"section": "1", "quote": "Peace came in 1648.", "sentence_id": "1.2.3"}
    data = json.loads(questions_json({**META, "year": 2020}, [item]))
    assert data["essay"] == META
    (out,) = data["questions"]
    assert out["options"] == ["1618", "1648"] and out["fact_ids"] == ["westphalia"]
    assert "extra" not in out and out["source"] == {"section": "1", "quote": "Peace came in 1648."}


def test_json_parser_drops_keys_outside_the_schema():
    _, (item,) = parse_questions_json(export(make_item(note="x")))
    assert tuple(item) == QUESTION_KEYS


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("{", "not JSON"),
        ("[]", "expected an object with 'essay' and 'questions'"),
        (json.dumps({"essay": {"slug": "s", "title": "T"}, "questions": []}), "essay: author"),
        (json.dumps({"essay": META, "questions": {}}), "questions: expected a list"),
        (export("not an object"), "question 0: expected an object"),
        (export({"id": "x"}), "question 0 \\(x\\): missing type, prompt"),
        (export(make_item(type="essay")), "unknown type 'essay'"),
        (export(make_item(prompt=" ")), "prompt must be non-empty"),
        (export(make_item(accept="1648")), "accept must be a list"),
        (export(make_item(source={"section": "1"})), "source needs section and quote"),
        (export(make_item(answer="1650")), "answer must be one of the options"),
        (export(make_item(options=["1648"])), "at least two"),
        (export(make_item(), make_item()), "question 1 \\(mc-1\\): duplicate id"),
        (
            export(make_item(type="true_false", options=None, answer="true")),
            "answer must be true or false",
        ),
        (
            export(make_item(type="cloze", answer="1648")),
            "a cloze question has no options",
        ),
        (
            export(make_item(type="ordering", options=["a", "b"], answer=["a", "c"])),
            "same items",
        ),
        (
            export(
                make_item(
                    type="matching",
                    options={"left": ["a", "b"], "right": ["x", "y"]},
                    answer=[["a", "x"], ["a", "y"]],
                )
            ),
            "every left item once",
        ),
        (
            export(make_item(type="matching", options=["a"], answer=[["a", "x"]])),
            "options must be",
        ),
    ],
)
def test_json_parser_names_problems(text, problem):
    with pytest.raises(ValueError, match=problem):
        parse_questions_json(text)


# --- CSV ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "cell", ["=cmd|' /C calc'!A0", "+1", "-1", "@SUM(1)", "\tx", "\rx", "\0x", "=1+1", "-5"]
)
def test_formula_cells_are_escaped(cell):
    assert safe_cell(cell) == "'" + cell


def test_negative_numbers_are_prefixed_too():
    # OWASP: prefix every cell that starts with a formula character, legitimate data included.
    assert safe_cell(-5) == "'-5" and safe_cell(-0.5) == "'-0.5"


def test_plain_cells_are_unchanged():
    assert safe_cell("Kim Il Sung") == "Kim Il Sung"
    assert safe_cell(None) == "" and safe_cell(3) == "3" and safe_cell("a=b") == "a=b"


def read_csv(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))


def test_csv_round_trip_is_safe():
    text = csv_text(["name", "score"], [['=HYPERLINK("x")', 5], ['Ana, "the" best', -2]])
    assert text.startswith("\ufeff") and text.endswith("\r\n")
    rows = read_csv(text)
    assert rows == [["name", "score"], ['\'=HYPERLINK("x")', "5"], ['Ana, "the" best', "'-2"]]


def test_csv_without_bom():
    assert csv_text(["a"], [["b"]], bom=False) == "a\r\nb\r\n"


def test_questions_csv_has_a_row_per_question():
    rows = read_csv(questions_csv(ITEMS))
    assert tuple(rows[0]) == CSV_HEADER and len(rows) == len(ITEMS) + 1
    assert all(len(row) == len(CSV_HEADER) for row in rows)


def test_questions_csv_flattens_each_type():
    items = [first_of(t) for t in ("multiple_choice", "true_false", "ordering", "matching")]
    items.append(first_of("explain"))
    mc, tf, order, match, explain = (
        dict(zip(CSV_HEADER, r, strict=True)) for r in read_csv(questions_csv(items))[1:]
    )
    assert mc["options"] == " | ".join(items[0]["options"]) and mc["answer"] == items[0]["answer"]
    assert tf["answer"] in {"true", "false"} and tf["options"] == ""
    assert order["answer"] == " | ".join(items[2]["answer"])
    left, right = items[3]["answer"][0]
    assert match["answer"].startswith(f"{left} -> {right} | ")
    assert match["options"].count(" || ") == 1
    assert explain["answer"] == items[4]["answer"]  # line breaks survive quoting
    assert mc["fact_ids"] == " | ".join(items[0]["fact_ids"])


TWO_SOURCES = [
    {"section": "1", "quote": "Peace came in 1648.", "sentence_id": "1.1.1"},
    {"section": "2", "quote": "War had begun in 1618.", "sentence_id": "2.1.3"},
    {"section": "1", "quote": "Peace came in 1648.", "sentence_id": "1.1.1"},
]
ERRATUM = "The essay dates the war's start to 1619; it began in 1618."


def test_questions_csv_lists_every_source_and_the_erratum():
    cited = make_item(sources=TWO_SOURCES, erratum=ERRATUM)
    older = make_item(id="mc-2")  # from before items had sources and errata
    new, old = (
        dict(zip(CSV_HEADER, r, strict=True)) for r in read_csv(questions_csv([cited, older]))[1:]
    )
    assert (new["section"], new["quote"]) == ("1", "Peace came in 1648.")  # the main source
    assert new["sources"] == "1: Peace came in 1648. | 2: War had begun in 1618."
    assert new["erratum"] == ERRATUM
    assert old["sources"] == "1: Peace came in 1648." and old["erratum"] == ""


@pytest.mark.parametrize("evil", ["=cmd|' /C calc'!A0", "+1", "-1", "@SUM(1)", "-5"])
def test_questions_csv_is_formula_safe(evil):
    item = make_item(prompt=evil, explanation=evil, answer=evil, options=[evil, "x"])
    item["source"] = {"section": evil, "quote": evil}
    item["sources"] = [item["source"], {"section": "2", "quote": evil}]
    item["erratum"] = evil
    row = dict(zip(CSV_HEADER, read_csv(questions_csv([item]))[1], strict=True))
    columns = ("prompt", "answer", "explanation", "section", "quote", "options", "sources")
    for column in (*columns, "erratum"):
        assert row[column].startswith("'" + evil), column


# --- Anki --------------------------------------------------------------------------------------


def open_collection(data: bytes, tmp: Path) -> sqlite3.Connection:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert {"collection.anki2", "media"} <= set(z.namelist())
        path = tmp / "c.anki2"
        path.write_bytes(z.read("collection.anki2"))
    return sqlite3.connect(path)


def test_anki_package_holds_every_note(tmp_path):
    data = anki_package(META, ITEMS[:20], deck_id=1234, now=NOW)
    conn = open_collection(data, tmp_path)
    try:
        assert conn.execute("select count(*) from notes").fetchone()[0] == 20
        guids = {g for (g,) in conn.execute("select guid from notes")}
        assert guids == {genanki.guid_for(i["id"]) for i in ITEMS[:20]}
        assert {m for (m,) in conn.execute("select mid from notes")} == {ANKI_MODEL_ID}
        assert {m for (m,) in conn.execute("select mod from notes")} == {int(NOW.timestamp())}
    finally:
        conn.close()


def test_anki_package_covers_every_type_and_escapes_text(tmp_path):
    items = [first_of(t) for t in sorted({i["type"] for i in ITEMS})]
    evil = make_item(prompt="<script>alert(1)</script> & co", options=["<b>1648</b>", "1713"])
    evil.update(answer="<b>1648</b>", source={"section": "part two", "quote": "<i>q</i>"})
    data = anki_package(META, [*items, evil], deck_id=1234, now=NOW)
    conn = open_collection(data, tmp_path)
    try:
        notes = conn.execute("select flds, tags from notes").fetchall()
    finally:
        conn.close()
    assert len(notes) == len(items) + 1
    fields, tags = next((f, t) for f, t in notes if "alert" in f)
    assert "<script>" not in fields and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in fields
    assert "&lt;b&gt;1648&lt;/b&gt;" in fields and "<blockquote>&lt;i&gt;q&lt;/i&gt;" in fields
    assert "section::part_two" in tags.split()
    ordering = next(f for f, _ in notes if first_of("ordering")["prompt"] in f)
    assert "<ol><li>" in ordering.split("\x1f")[1]  # the order on the back, as a list


def test_anki_back_shows_every_source_and_the_erratum_by_the_key(tmp_path):
    item = make_item(sources=TWO_SOURCES, erratum=ERRATUM + " <i>")
    conn = open_collection(anki_package(META, [item], deck_id=1234, now=NOW), tmp_path)
    try:
        (fields,) = conn.execute("select flds from notes").fetchone()
    finally:
        conn.close()
    back = fields.split("\x1f")[1]
    assert back.startswith(
        "<p><b>1648</b></p><p><b>Note on the record:</b> "
        "The essay dates the war&#x27;s start to 1619; it began in 1618. &lt;i&gt;</p>"
    )
    assert back.endswith(
        "<blockquote>Peace came in 1648.</blockquote>"
        "<blockquote>War had begun in 1618.</blockquote>"
    )


def test_anki_package_leaves_no_temporary_files(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    anki_package(META, ITEMS[:3], deck_id=1234, now=NOW)
    assert list(tmp_path.iterdir()) == []
