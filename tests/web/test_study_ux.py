"""Study says what it does: undo of a new card, when the next card is due, flashcard order and
ends, practice draws across kinds, progress that moves, the rating an answer was given."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

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
