"""The question-kind registry: one object per kind, and the app asks it."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from studyapp.core.formats import parse_questions_json
from studyapp.core.grading import check
from studyapp.core.questions import (
    KINDS,
    Question,
    QuestionKind,
    QuestionType,
    all_kinds,
    get_kind,
    graded_kinds,
    make_id,
    seed_bank,
)
from studyapp.core.questions.kinds import ResponseError, register
from tests.conftest import RIDDLE

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "studyapp" / "templates"
BANK = seed_bank()
ONE_OF_EACH = {q.type: q for q in reversed(BANK.questions)}


def test_every_question_type_has_exactly_one_kind_with_every_attribute():
    assert list(KINDS) == list(QuestionType)  # once each, in the listing order
    for qtype in QuestionType:
        kind = get_kind(qtype)
        assert isinstance(kind, QuestionKind) and kind.id == qtype
        assert kind.label and kind.label[0].isupper()
        assert re.fullmatch(r"[a-z]{2}", kind.prefix)
        assert isinstance(kind.auto_graded, bool)
        assert 0 < kind.expected_seconds <= 120
        assert (TEMPLATES / kind.template).is_file(), kind.template
        for method in ("generate", "checks", "grade", "parse_form"):
            assert getattr(type(kind), method) is not getattr(QuestionKind, method), (qtype, method)
    assert len({k.label for k in all_kinds()}) == len(KINDS)
    assert len({k.prefix for k in all_kinds()}) == len(KINDS)
    assert [k.id for k in graded_kinds()] == [t for t in QuestionType if t != "explain"]


def test_a_kind_is_registered_once_and_needs_a_label_and_its_own_prefix():
    with pytest.raises(ValueError, match="registered twice"):
        register(type(get_kind("cloze")))

    class NoLabel(QuestionKind):
        id = "no-label"
        prefix = "nl"

    class SamePrefix(QuestionKind):
        id = "same-prefix"
        label = "Same prefix"
        prefix = "mc"

    with pytest.raises(ValueError, match="needs a label"):
        register(NoLabel)
    with pytest.raises(ValueError, match="reuses the id prefix of 'multiple_choice'"):
        register(SamePrefix)
    assert list(KINDS) == list(QuestionType)
    with pytest.raises(KeyError, match="unknown question kind 'riddle'"):
        get_kind("riddle")


def test_ids_carry_their_kinds_prefix_and_every_item_its_kinds_checks():
    for q in BANK.questions:
        assert q.id.startswith(get_kind(q.type).prefix + "-")
    assert make_id(QuestionType.CLOZE, ("a",)).startswith("cz-")


@pytest.mark.parametrize("qtype", list(QuestionType))
def test_the_key_reads_the_same_as_a_response_giving_it(qtype):
    q = ONE_OF_EACH[qtype]
    kind = get_kind(qtype)
    key = q.to_dict()["answer"]
    assert kind.response_text(q, key) == kind.answer_text(q) == check(q, key).expected
    assert kind.response_text(q, None) == "" and kind.response_text(q, []) == ""
    assert Question.from_dict(q.to_dict()) == q


@pytest.mark.parametrize("qtype", [k.id for k in graded_kinds()])
def test_an_empty_form_is_refused_with_a_message_and_saves_nothing(qtype):
    q = ONE_OF_EACH[qtype]
    kind = get_kind(qtype)
    with pytest.raises(ResponseError, match=r"^[A-Z].+\.$"):
        kind.parse_form({}, q, prefix="q-1-")
    present, _ = kind.parse_draft({}, q, prefix="q-1-")
    assert present == (qtype in ("ordering", "matching"))  # an empty order or match is saved


def test_explain_takes_an_empty_answer_and_refuses_a_too_long_one():
    q, kind = ONE_OF_EACH["explain"], get_kind("explain")
    assert kind.parse_form({}, q) == ""
    with pytest.raises(ResponseError, match="too long"):
        kind.parse_form({"text": "x" * 2001}, q)
    assert not kind.auto_graded and check(q, "anything").self_graded


def test_a_partial_quiz_draft_keeps_what_was_given():
    order = ONE_OF_EACH["ordering"]
    first = {"q-pos-0": "2"}
    present, slots = get_kind("ordering").parse_draft(first, order, "q-")
    assert present and slots[1] == order.options[0] and slots.count(None) == len(slots) - 1
    match = ONE_OF_EACH["matching"]
    present, pairs = get_kind("matching").parse_draft({"q-match-1": "0"}, match, "q-")
    assert present and pairs == [[match.options["left"][1], match.options["right"][0]]]
    typed = ONE_OF_EACH["short_answer"]
    assert get_kind("short_answer").parse_draft({"q-text": "  "}, typed, "q-") == (True, "")


def test_a_quiz_draft_with_two_events_at_one_position_is_refused():
    """Saving 1, 1, 2 would drop one of the two events without a word: it is refused."""
    order = ONE_OF_EACH["ordering"]
    twice = {"q-pos-0": "1", "q-pos-1": "1", "q-pos-2": "2"}
    with pytest.raises(ResponseError, match=r"^Two events are at position 1: .+\.$"):
        get_kind("ordering").parse_draft(twice, order, "q-")


def test_a_registered_kind_is_picked_up_by_the_export_and_the_model(riddle_kind):
    assert riddle_kind in all_kinds() and riddle_kind in graded_kinds()
    assert make_id("riddle", ("f",)).startswith("rd-")  # type: ignore[arg-type]
    _, items = parse_questions_json(json.dumps({"essay": _META, "questions": [RIDDLE]}))
    assert items[0]["type"] == "riddle"
    q = Question.from_dict(RIDDLE)
    assert check(q, "piano").correct and not check(q, "a harp").correct


def test_an_unknown_or_malformed_type_is_refused_by_the_export_reader():
    for bad in ("riddle", ["multiple_choice"], None):
        item = {**BANK.questions[0].to_dict(), "type": bad}
        with pytest.raises(ValueError, match="unknown type"):
            parse_questions_json(json.dumps({"essay": _META, "questions": [item]}))


_META = {"slug": "s", "title": "T", "author": "A"}


# --- no type-keyed table outside the kinds --------------------------------------------------

# Where a kind's id may be written out: its own module and templates, the enum of ids, the
# demo data (which picks four kinds for the demo quiz), and the fact base's schema, whose field
# and table names (a `cloze` sentence, `[[ordering]]` and `[[matching]]` sets) name material
# in the seed files, not a branch on kinds.
ALLOWED = (
    "studyapp/core/questions/types/",
    "studyapp/templates/kinds/",
    "studyapp/core/questions/model.py",
    "studyapp/services/demo.py",
    "studyapp/core/facts.py",
)


def test_no_table_or_branch_on_question_types_remains_outside_the_kinds():
    ids = "|".join(re.escape(t) for t in QuestionType)
    written = re.compile(rf"""["']({ids})["']|QuestionType\.[A-Z_]+""")
    found = []
    for path in sorted((ROOT / "studyapp").rglob("*")):
        rel = path.relative_to(ROOT).as_posix()
        if path.suffix not in (".py", ".html", ".js") or rel.startswith(ALLOWED):
            continue
        if "/migrations/" in rel:
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if written.search(line):
                found.append(f"{rel}:{n}: {line.strip()}")
    assert found == []


# --- every entry point loads the whole registry ----------------------------------------------


@pytest.mark.parametrize(
    "module",
    [
        "studyapp.core.grading",
        "studyapp.core.formats",
        "studyapp.core.questions.kinds",
        "studyapp.core.questions.model",
        "studyapp.core.questions.types.matching",
    ],
)
def test_importing_any_core_module_first_registers_every_kind_in_order(module):
    code = (
        f"import {module}\n"
        "from studyapp.core.questions.kinds import KINDS\n"
        "print(','.join(KINDS))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == ",".join(QuestionType)


def test_typed_kinds_group_answers_as_grading_reads_them():
    typed = [k for k in all_kinds() if k.typed_answers]
    assert typed and all(k.auto_graded for k in typed)
    for kind in typed:
        q = ONE_OF_EACH[kind.id]
        key = str(q.answer)
        variants = [key, key.upper(), f"  the {key.lower()}. ", key.replace(" ", "-")]
        keys = {kind.response_key(q, v) for v in variants}
        assert len(keys) == 1 and None not in keys  # one group for one answer
        assert all(check(q, v).correct for v in variants)
        assert kind.response_key(q, "something else") not in keys
        assert kind.response_key(q, "  ") is None and kind.response_key(q, None) is None
    for kind in all_kinds():
        if not kind.typed_answers:
            q = ONE_OF_EACH[kind.id]
            assert kind.response_key(q, q.to_dict()["answer"]) is None
