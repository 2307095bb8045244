"""Export formats."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import tempfile
import zipfile
from pathlib import Path

import pytest

from studyapp.core.formats import (
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


def test_json_round_trip_and_schema():
    text = questions_json(META, ITEMS)
    meta, items = parse_questions_json(text)
    assert meta == META and len(items) == len(ITEMS)
    assert list(items[0])[:9] == [
        "id",
        "type",
        "prompt",
        "options",
        "answer",
        "accept",
        "explanation",
        "source",
        "fact_ids",
    ]
    matching = next(i for i in items if i["type"] == "matching")
    assert set(matching["options"]) == {"left", "right"}
    assert all(isinstance(p, list) and len(p) == 2 for p in matching["answer"])
    assert "Dubček" in text  # UTF-8, not \\u escapes


def test_json_parser_names_problems():
    with pytest.raises(ValueError, match="missing"):
        parse_questions_json(json.dumps({"essay": META, "questions": [{"id": "x"}]}))
    with pytest.raises(ValueError, match="not JSON"):
        parse_questions_json("{")


@pytest.mark.parametrize("cell", ["=cmd|' /C calc'!A0", "+1", "-1", "@SUM(1)", "\tx", "\rx"])
def test_formula_cells_are_escaped(cell):
    assert safe_cell(cell) == "'" + cell


def test_plain_cells_are_unchanged():
    assert (
        safe_cell("Kim Il Sung") == "Kim Il Sung" and safe_cell(None) == "" and safe_cell(3) == "3"
    )


def test_csv_round_trip_is_safe():
    text = csv_text(["name", "score"], [['=HYPERLINK("x")', 5], ['Ana, "the" best', -2]])
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows == [["name", "score"], ['\'=HYPERLINK("x")', "5"], ['Ana, "the" best', "'-2"]]


def test_questions_csv_has_a_row_per_question():
    rows = list(csv.reader(io.StringIO(questions_csv(ITEMS).lstrip("\ufeff"))))
    assert rows[0][:3] == ["id", "type", "prompt"] and len(rows) == len(ITEMS) + 1


def test_anki_package_holds_every_note():
    data = anki_package(META, ITEMS[:20], deck_id=1234)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert "collection.anki2" in z.namelist()
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "c.anki2"
            path.write_bytes(z.read("collection.anki2"))
            with sqlite3.connect(path) as conn:
                assert conn.execute("select count(*) from notes").fetchone()[0] == 20
