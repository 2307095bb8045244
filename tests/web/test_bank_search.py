"""The bank's free-text search: prompts, answers and sources, never a key the page hides."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

from sqlalchemy import select

from studyapp.core.questions import Question as CoreQuestion
from studyapp.core.search import fold
from studyapp.extensions import db
from studyapp.models import Question
from studyapp.services import assignments as quiz
from studyapp.services.bank import core_question, facts_by_id
from tests.conftest import make_user
from tests.web.bankkit import add_questions, sibling_on
from tests.web.quizkit import NOW, make_course


def _bank() -> list[CoreQuestion]:
    rows = db.session.scalars(
        select(Question).where(Question.in_bank.is_(True)).order_by(Question.id)
    )
    return [core_question(row) for row in rows]


def _found(client, **params) -> list[str]:  # type: ignore[no-untyped-def]
    """The ids of every question the bank lists for a search, over all its pages."""
    by_prompt = {q.prompt: q.id for q in _bank()}  # each prompt is one question's
    ids, page = [], 1
    while True:
        html = client.get("/questions", query_string={**params, "page": page}).get_data(
            as_text=True
        )
        prompts = re.findall(
            r'<li class="question-item">.*?<p class="prompt">(.*?)</p>', html, re.S
        )
        ids += [by_prompt[unescape(p)] for p in prompts]
        if 'rel="next"' not in html:
            return ids
        page += 1


def _words(text: str) -> set[str]:
    return {w for w in fold(text).split() if len(w) > 4}


def _open_text(q: CoreQuestion) -> str:
    options = q.options.values() if isinstance(q.options, dict) else [q.options or ()]
    return " ".join([q.prompt, *(o for group in options for o in group)])


def _only_in(q: CoreQuestion, text: str) -> str:
    """A word of ``text`` that the question's prompt and choices do not have."""
    words = sorted(_words(text) - _words(_open_text(q)), key=lambda w: (-len(w), w))
    assert words, (q.id, text)
    return words[0]


def _with_answer_word(bank: list[CoreQuestion]) -> tuple[CoreQuestion, str]:
    for q in bank:
        if q.type in ("short_answer", "cloze") and _words(q.answer) - _words(_open_text(q)):
            return q, _only_in(q, q.answer)
    raise AssertionError("no typed question with an answer word outside its prompt")


def test_search_reads_prompts_answers_accepted_answers_and_sources(client):
    bank = _bank()
    by_prompt = bank[0]
    word = sorted(_words(by_prompt.prompt), key=len)[-1]
    assert by_prompt.id in _found(client, q=word)

    q, word = _with_answer_word(bank)
    assert q.id in _found(client, q=word)

    accepted = next(q for q in bank if any(_words(a) - _words(_open_text(q)) for a in q.accept))
    alias = next(a for a in accepted.accept if _words(a) - _words(_open_text(accepted)))
    assert accepted.id in _found(client, q=_only_in(accepted, alias))

    sourced = next(
        q for q in bank if _words(q.sources[-1].quote) - _words(_open_text(q) + " " + str(q.answer))
    )
    word = _only_in(sourced, sourced.sources[-1].quote)
    assert sourced.id in _found(client, q=word)


def test_every_word_must_match_in_any_case_and_accent(client):
    bank = _bank()
    q = next(q for q in bank if len(_words(q.prompt)) >= 2)
    one, two = sorted(_words(q.prompt))[:2]
    both = _found(client, q=f"{one.upper()}  {two}")
    assert q.id in both
    assert set(both) <= set(_found(client, q=one)) & set(_found(client, q=two))
    assert _found(client, q=f"{one} zzqqxx") == []
    accented = "".join({"e": "é", "a": "à"}.get(c, c) for c in one)
    assert q.id in _found(client, q=accented)
    assert "No questions match this search." in client.get("/questions?q=zzqqxx").get_data(
        as_text=True
    )


def test_search_combines_with_the_filters(client):
    bank = _bank()
    q, word = _with_answer_word(bank)
    found = _found(client, q=word, type=str(q.type))
    assert q.id in found
    types = {str(item.type) for item in bank if item.id in found}
    assert types == {str(q.type)}
    other = next(t for t in ("multiple_choice", "true_false") if t != q.type)
    assert q.id not in _found(client, q=word, type=other)


def _quiz_of(question_ids: list[str], instructor, students):  # type: ignore[no-untyped-def]
    course = make_course(instructor, students)
    settings = quiz.AssignmentSettings(
        title="Open quiz", opens_at=NOW - timedelta(hours=1), closes_at=NOW + timedelta(days=1)
    )
    return quiz.create_assignment(course, settings, question_ids)


def test_a_key_hidden_by_an_open_quiz_is_not_searched(app, client, auth, instructor):
    q, word = _with_answer_word(_bank())
    prompt_word = sorted(_words(q.prompt), key=len)[-1]
    _quiz_of([q.id], instructor, [])

    html = client.get("/questions", query_string={"q": prompt_word}).get_data(as_text=True)
    assert q.id in _found(client, q=prompt_word)  # found by its prompt, key still hidden
    assert "Answer hidden while a quiz" in html
    assert q.id not in _found(client, q=word)  # not by its answer

    student = make_user("reader@example.com")
    auth.login(student.email)
    assert q.id not in _found(client, q=word)
    auth.logout()
    auth.login(instructor.email)
    assert q.id in _found(client, q=word)  # instructors see every key


def _siblings(request) -> tuple[CoreQuestion, CoreQuestion, str]:  # type: ignore[no-untyped-def]
    """A gradable question, a typed sibling added on its facts, and a word of the sibling's key
    that its prompt does not have."""
    bank = _bank()
    in_quiz = next(q for q in bank if q.type not in ("explain", "short_answer", "cloze"))
    typed = next(
        q
        for q in bank
        if q.type in ("short_answer", "cloze") and _words(q.answer) - _words(_open_text(q))
    )
    sibling = sibling_on(typed, in_quiz.fact_ids, "sib")
    add_questions(request, [sibling])
    return in_quiz, sibling, _only_in(sibling, sibling.answer)


def test_a_key_held_back_during_an_attempt_is_not_searched(app, client, auth, instructor, request):
    in_quiz, sibling, word = _siblings(request)
    taker, classmate = make_user("taker@example.com"), make_user("classmate@example.com")
    a = _quiz_of([in_quiz.id], instructor, [taker, classmate])
    quiz.start_attempt(a, taker, NOW)
    db.session.commit()

    auth.login(classmate.email)
    # Closed book (the default): while anybody takes the quiz, its facts' keys are held for all.
    assert sibling.id not in _found(client, q=word)
    auth.logout()
    auth.login(taker.email)
    assert sibling.id not in _found(client, q=word)  # on the fact of the attempt: held back
    prompt_word = sorted(_words(sibling.prompt), key=len)[-1]
    assert sibling.id in _found(client, q=prompt_word)


def test_a_search_with_hidden_characters_is_refused_clearly(client):
    page = client.get("/questions", query_string={"q": "\u202eevil"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert re.search(r'<p class="error" id="q-error" role="alert">The search contains', html)
    # A NUL anywhere in an address is refused before any page is made, with a message.
    nul = client.get("/questions", query_string={"q": "nul\x00l"})
    assert nul.status_code == 400 and "contains a NUL character" in nul.get_data(as_text=True)


def test_a_long_search_is_cut_to_its_first_200_characters(client):
    bank = _bank()
    word = sorted(_words(bank[0].prompt), key=len)[-1]
    query = (word + " ") * (1 + 200 // len(word)) + "zzqqxx"  # past 200 characters: left out
    assert len(query) > 200 and bank[0].id in _found(client, q=query)
    assert 'maxlength="200"' in client.get("/questions").get_data(as_text=True)


def test_the_fact_filter_takes_a_typed_or_picked_topic(client):
    fact = next(iter(facts_by_id().values()))
    by_id = _found(client, fact=fact.id)
    assert by_id
    assert _found(client, fact=fact.topic) == by_id
    assert _found(client, fact="  " + fact.topic.upper() + " ") == by_id
    html = client.get("/questions", query_string={"fact": fact.id}).get_data(as_text=True)
    assert f'value="{fact.topic}"' in html.replace("&#39;", "'")  # the box shows the topic
    assert re.search(r'<input type="search" name="fact"[^>]*list="fact-list"', html)
    options = re.search(r'<datalist id="fact-list">(.*?)</datalist>', html, re.S).group(1)
    assert options.count("<option ") == len(facts_by_id())


def test_an_unknown_fact_is_named_and_every_fact_shown(client):
    html = client.get("/questions", query_string={"fact": "Martian diplomacy"}).get_data(
        as_text=True
    )
    assert "No fact is called “Martian diplomacy”" in html
    assert len(_found(client, fact="Martian diplomacy")) == len(_found(client))
