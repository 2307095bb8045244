"""Study says what it does: undo of a new card, when the next card is due, flashcard order and
ends, practice draws across kinds, progress that moves, the rating an answer was given."""

from __future__ import annotations

import re
from collections import Counter
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from markupsafe import escape
from sqlalchemy import select

from studyapp.core.questions import get_kind
from studyapp.db import utcnow
from studyapp.extensions import db
from studyapp.models import Card, Question, Review, ReviewMode
from studyapp.services import ServiceError, progress, study
from studyapp.services.bank import core_question, graded_types
from tests.conftest import make_user
from tests.web.bankkit import add_questions, twin_of
from tests.web.helpers import answer_shown, hidden
from tests.web.test_study import NOW, answer, make_card


def test_undoing_a_new_cards_answer_makes_it_new_again(app, student):
    view = study.next_card(student, NOW)
    assert view.kind == "new" and view.new_left == student.new_cards_per_day
    answer(student, view, NOW)
    assert study.undo_last(student, NOW + timedelta(minutes=1)) is not None
    again = study.next_card(student, NOW + timedelta(minutes=2))
    assert again.question_id == view.question_id
    assert again.kind == "new" and again.due_count == 0
    assert again.new_left == student.new_cards_per_day  # it counts once, when answered
    dash = progress.dashboard(student, NOW + timedelta(minutes=2))
    assert dash.due_today == 0 and dash.cards == 0
    # answered again, it is a new card starting today, and an old tab's form is refused
    answer(student, again, NOW + timedelta(minutes=3))
    card = db.session.scalar(select(Card).where(Card.question_id == view.question_id))
    assert card.reps == 1 and card.phase != "new"
    assert study.next_card(student, NOW + timedelta(minutes=4)).new_left == (
        student.new_cards_per_day - 1
    )


# --- when the next card is due ------------------------------------------------------------------


def _learn_everything_new(student, now):  # type: ignore[no-untyped-def]
    """Answer new cards until none is left for today; returns the time after the last."""
    student.new_cards_per_day = 2
    db.session.commit()
    for _ in range(2):
        view = study.next_card(student, now)
        answer(student, view, now, right=False)  # Again: a learning step of minutes
        now += timedelta(seconds=10)
    return now


def test_the_done_page_says_when_the_next_card_is_due(app, client, auth, student):
    student.timezone = "Europe/Berlin"
    db.session.commit()
    now = _learn_everything_new(student, utcnow())
    upcoming = study.upcoming(student, now)
    assert upcoming.due_now == 0 and upcoming.later_today == 2 and upcoming.next_today
    auth.login(student.email)
    html = client.get("/study/").get_data(as_text=True)
    local = upcoming.next_due.astimezone(ZoneInfo("Europe/Berlin")).strftime("%H:%M")
    assert "All done for now" in html and f"Next card at {local}" in html
    assert "2 cards later today" in html and "Come back tomorrow" not in html
    dash = client.get("/study/progress").get_data(as_text=True)
    assert 'data-testid="due-now">0<' in dash and 'data-testid="due-later-today">2<' in dash
    assert f"next at {local}" in dash


def test_due_now_and_later_today_are_counted_apart(app, student):
    now = _learn_everything_new(student, NOW)
    assert study.upcoming(student, now) == study.Upcoming(
        0, 2, study.upcoming(student, now).next_due, True
    )
    later = study.upcoming(student, now + timedelta(hours=1))
    assert (later.due_now, later.later_today, later.next_due) == (2, 0, None)
    assert not later.next_today


def test_with_nothing_today_the_done_page_says_come_back_tomorrow(app, client, auth, student):
    student.new_cards_per_day = 0
    db.session.commit()
    auth.login(student.email)
    html = client.get("/study/").get_data(as_text=True)
    assert "Come back tomorrow" in html and "Next card at" not in html


# --- siblings: questions sharing any fact ------------------------------------------------------


def _multi_and_single() -> tuple[Question, Question]:
    """A usable question on several facts and a usable single-fact question on one of its
    facts other than its primary one."""
    questions = [q for q in db.session.scalars(select(Question).order_by(Question.id)) if q.usable]
    for multi in questions:
        for single in questions:
            if (
                len(multi.fact_ids) > 1
                and single.fact_ids == [single.fact_ids[0]]
                and single.fact_ids[0] in multi.fact_ids[1:]
            ):
                return multi, single
    pytest.skip("the bank has no question sharing a secondary fact with another")


def test_a_question_sharing_a_secondary_fact_is_a_sibling(app, student):
    multi, single = _multi_and_single()
    other = next(
        q
        for q in db.session.scalars(select(Question).order_by(Question.id))
        if q.usable
        and not set(q.fact_ids) & (set(multi.fact_ids) | set(single.fact_ids))
        and q.type != "explain"
    )
    make_card(student, multi, due=NOW - timedelta(days=2))
    make_card(student, other, due=NOW - timedelta(days=1))
    study.record_answer(
        student,
        question_id=single.id,
        card_version=0,
        request_id="single",
        response=None,
        duration_ms=None,
        now=NOW,
        mode=ReviewMode.PRACTICE,
    )
    assert study.next_card(student, NOW + timedelta(minutes=1)).question_id == other.id
    student.new_cards_per_day = 0
    db.session.commit()
    card = db.session.scalar(select(Card).where(Card.question_id == other.id))
    card.due = NOW + timedelta(days=5)
    db.session.commit()
    # nothing else left: the sibling comes after all
    assert study.next_card(student, NOW + timedelta(minutes=2)).question_id == multi.id


# --- flashcards: spaced and bounded -------------------------------------------------------------


def test_the_flashcard_deck_keeps_siblings_apart(app, student, request):
    # three twins of one question: in essay order the four would come back to back
    first = next(q for q in db.session.scalars(select(Question).order_by(Question.id)) if q.usable)
    add_questions(request, [twin_of(core_question(first), f"again-{i}") for i in range(3)])
    deck = study.flashcard_deck(now=NOW, section=first.section)
    facts = {q.id: set(q.fact_ids) for q in db.session.scalars(select(Question))}
    assert len(deck) == len(set(deck)) >= 8
    for one, two in zip(deck, deck[1:], strict=False):
        assert not facts[one] & facts[two], (one, two)


def test_flashcards_stop_at_both_ends(client, auth, student):
    auth.login(student.email)
    total = len(study.flashcard_deck(now=utcnow()))
    first = client.get("/study/flashcards").get_data(as_text=True)
    assert f"Card 1 of {total}" in first and "← Previous" not in first
    assert 'data-testid="deck-first"' in first
    before = client.get("/study/flashcards?i=-1").get_data(as_text=True)
    assert f"Card 1 of {total}" in before  # not the last card
    last = client.get(f"/study/flashcards?i={total - 1}").get_data(as_text=True)
    assert f"Card {total} of {total}" in last and "Finish →" in last
    end = client.get(f"/study/flashcards?i={total}").get_data(as_text=True)
    assert 'data-testid="deck-end"' in end and "Card 1 of" not in end
    assert f"/study/flashcards?i={total - 1}" in end and "Start again" in end


# --- practice: kinds share the draw; partly-right answers show their wrong parts -----------------


def test_practice_shares_the_draw_across_the_chosen_kinds(app):
    usable = [q for q in db.session.scalars(select(Question)) if q.usable]
    counts = Counter(q.type for q in usable if q.type in graded_types())
    kinds = [t for t, n in counts.most_common() if n >= 2][:4]
    assert len(kinds) >= 2
    for seed in range(5):
        drawn = study.practice_questions(now=NOW, types=kinds, count=2 * len(kinds), seed=seed)
        assert Counter(q.type for q in drawn) == {t: 2 for t in kinds}, seed


def test_a_partly_right_practice_answer_shows_which_parts_were_wrong(client, auth, student):
    item = next(
        core_question(q)
        for q in db.session.scalars(select(Question).order_by(Question.id))
        if q.usable and q.type in ("ordering", "matching")
    )
    auth.login(student.email)
    if item.type == "ordering":
        order = list(item.answer)
        order[0], order[1] = order[1], order[0]  # two events swapped, the rest in place
        fields = {
            f"q-{item.id}-pos-{i}": str(order.index(o) + 1) for i, o in enumerate(item.options)
        }
        wrong = {f"1. {order[0]}", f"2. {order[1]}"}
    else:
        key, right_col = dict(item.answer), list(item.options["right"])
        lefts = list(item.options["left"])
        fields = {
            f"q-{item.id}-match-{i}": str(right_col.index(key[left]))
            for i, left in enumerate(lefts)
        }
        fields[f"q-{item.id}-match-0"] = str(right_col.index(key[lefts[1]]))
        wrong = {f"{lefts[0]} → {key[lefts[1]]}"}
    page = client.get(f"/study/practice/fact/{item.fact_ids[0]}", follow_redirects=True).get_data(
        as_text=True
    )
    data = {
        "batch_id": hidden(page, "batch_id"),
        "question_ids": item.id,
        "mode": "practice",
        "csrf_token": hidden(page, "csrf_token"),
        **fields,
    }
    done = client.post("/study/practice", data=data)
    html = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "Partly right" in html and 'data-testid="response-parts"' in html
    shown_wrong = set(re.findall(r'class="is-wrong">.*?</span> ([^<]+)</li>', html))
    assert {str(escape(w)) for w in wrong} == shown_wrong


# --- progress that moves ----------------------------------------------------------------------


def test_progress_counts_new_learning_young_and_mature(client, auth, student):
    questions = [
        q
        for q in db.session.scalars(select(Question).order_by(Question.id))
        if q.usable and q.type != "explain"
    ]
    total = sum(1 for q in db.session.scalars(select(Question)) if q.usable)
    before = progress.stages(student)
    assert (before.new, before.learning, before.young, before.mature) == (total, 0, 0, 0)
    make_card(student, questions[0], due=NOW + timedelta(days=3), stability=5.0)
    make_card(student, questions[1], due=NOW + timedelta(days=30), stability=40.0)
    make_card(student, questions[2], due=NOW + timedelta(minutes=5), phase="learning")
    view = study.next_card(student, NOW)
    answer(student, view, NOW)  # a new card's first answer: into learning
    after = progress.stages(student)
    assert (after.new, after.learning, after.young, after.mature) == (total - 4, 2, 1, 1)
    auth.login(student.email)
    html = client.get("/study/progress").get_data(as_text=True)
    assert 'data-testid="stage-learning">2<' in html and 'data-testid="stage-young">1<' in html
    assert f'data-testid="stage-new">{total - 4}<' in html


# --- the rating an answer was given, and rating it again ---------------------------------------


def _objective_new_card(student):  # type: ignore[no-untyped-def]
    """The first objective new card in the queue (explain items rate themselves by hand)."""
    for minute in range(200):
        view = study.next_card(student, NOW + timedelta(seconds=minute))
        if get_kind(view.item.type).auto_graded:
            return view
        answer(student, view, NOW + timedelta(seconds=minute))
    pytest.fail("no objective question in the queue")


def test_a_quick_right_answer_can_be_rated_again_from_the_state_before(app, student):
    view = _objective_new_card(student)
    quick = answer(student, view, NOW, duration_ms=500)  # right and quick: Easy
    assert quick.review.rating == 4
    easy_due = quick.next_due
    options = dict(study.rerate_options(student, quick.review))
    assert options[4] == easy_due and options[1] < options[3] < easy_due
    card = db.session.scalar(select(Card).where(Card.question_id == view.question_id))
    version = card.version
    study.rerate(student, quick.review.id, 1, NOW + timedelta(seconds=20))  # "I guessed"
    again = db.session.get(Review, quick.review.id)
    card = db.session.get(Card, card.id)
    assert again.rating == 1 and card.due == options[1] and card.version == version + 1
    assert card.reps == 1 and card.phase == "learning"
    study.rerate(student, quick.review.id, 3, NOW + timedelta(seconds=30))  # replaces it
    card = db.session.get(Card, card.id)
    assert db.session.get(Review, quick.review.id).rating == 3 and card.due == options[3]
    assert card.reps == 1
    # the tab that showed the card before cannot answer it again
    with pytest.raises(study.StaleAnswer):
        answer(student, view, NOW + timedelta(minutes=1), request_id="again")
    # once the card moved on (undone here), the answer keeps its rating
    study.undo_last(student, NOW + timedelta(minutes=2))
    with pytest.raises(ServiceError):
        study.rerate(student, quick.review.id, 4, NOW + timedelta(minutes=3))


def test_feedback_names_the_rating_and_rerates_with_a_form(app, client, auth, student):
    auth.login(student.email)
    for _ in range(50):
        page = client.get("/study/").get_data(as_text=True)
        response, item, _ = answer_shown(client, page)
        if get_kind(item.type).auto_graded:
            break
    feedback_url = response.headers["Location"]
    html = client.get(feedback_url).get_data(as_text=True)
    review = db.session.scalar(select(Review).order_by(Review.id.desc()))
    label = ["Again", "Hard", "Good", "Easy"][review.rating - 1]
    assert re.search(
        rf"Rated <strong>{label}</strong>: Next review of this card in <strong>\d+ \w+", html
    )
    assert f'action="/study/rerate/{review.id}"' in html
    assert html.count('data-key="1"') == 1 and 'aria-pressed="true"' in html
    no_csrf = client.post(f"/study/rerate/{review.id}", data={"rating": "1"})
    assert no_csrf.status_code == 302
    assert db.session.get(Review, review.id).rating == review.rating
    done = client.post(
        f"/study/rerate/{review.id}",
        data={"rating": "1", "csrf_token": hidden(html, "csrf_token")},
    )
    assert done.headers["Location"].endswith(feedback_url)
    db.session.expire_all()
    assert db.session.get(Review, review.id).rating == 1
    assert "Rated <strong>Again</strong>: Next review of this card in" in client.get(
        feedback_url
    ).get_data(as_text=True)


def test_someone_elses_answer_cannot_be_rerated(app, student):
    view = _objective_new_card(student)
    result = answer(student, view, NOW)
    other = make_user()
    with pytest.raises(ServiceError):
        study.rerate(other, result.review.id, 1, NOW)
    with pytest.raises(ServiceError):
        study.rerate(student, result.review.id, 7, NOW)
