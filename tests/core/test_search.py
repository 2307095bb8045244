"""Free-text search over a question: what it reads, with the key and without."""

from __future__ import annotations

from studyapp.core.questions import Question, QuestionType, Source
from studyapp.core.search import fold, matches, query_words, searchable_text

ITEM = Question(
    id="sa-test",
    type=QuestionType.SHORT_ANSWER,
    prompt="Who led the Czechoslovak reform movement of 1968?",
    options=None,
    answer="Alexander Dubček",
    accept=("Dubcek",),
    explanation="He headed the Prague Spring.",
    sources=(Source("3", "Dubček's reforms alarmed Moscow.", "3.1.6"),),
    fact_ids=("prague-spring",),
    erratum="The essay misdates the invasion.",
)
CHOICES = Question(
    id="mc-test",
    type=QuestionType.MULTIPLE_CHOICE,
    prompt="Which city?",
    options=("Pyongyang", "Beijing", "Moscow", "Seoul"),
    answer="Beijing",
    accept=(),
    explanation="The capital.",
    sources=(Source("1", "Beijing answered.", "1.1.1"),),
    fact_ids=("city",),
)


def test_words_are_folded_and_counted_once():
    assert query_words("  Dubček, DUBCEK  reform’s ") == ["dubcek", "reforms"]
    assert query_words("") == [] and query_words(" ,.; ") == []
    assert query_words("x" * 300) == ["x" * 200]
    assert fold("Kim Il-sung’s") == " kim il sungs "


def test_the_key_is_read_only_when_it_is_shown():
    for word in ("alexander", "dubcek", "prague", "alarmed", "misdates"):
        assert matches(ITEM, [word], with_key=True), word
        assert not matches(ITEM, [word], with_key=False), word
    assert matches(ITEM, ["czechoslovak", "1968"], with_key=False)
    assert "dubcek" not in searchable_text(ITEM, with_key=False)


def test_choices_are_read_with_the_prompt():
    assert matches(CHOICES, ["seoul"], with_key=False)  # the options are on the page anyway
    assert not matches(CHOICES, ["capital"], with_key=False)


def test_every_word_must_start_a_word_of_the_text():
    assert matches(ITEM, ["reform", "czech"], with_key=False)
    assert not matches(ITEM, ["reform", "tokyo"], with_key=False)
    assert not matches(ITEM, ["eform"], with_key=False)
