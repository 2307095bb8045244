"""Study says what it does: undo of a new card, when the next card is due, flashcard order and
ends, practice draws across kinds, progress that moves, the rating an answer was given."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from studyapp.db import utcnow
from studyapp.extensions import db
from studyapp.models import Card
from studyapp.services import progress, study
from tests.web.test_study import NOW, answer


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
