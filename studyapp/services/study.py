"""Studying: the review queue, recording answers, undo, practice, mistakes and flashcards.

Modes and the schedule:
- ``study`` (scheduled review) answers move the card's FSRS schedule.
- ``flashcard`` answers (self-rated Again/Hard/Good/Easy) move the schedule only when the card is
  due or has never been studied; rating a card that is not due yet is logged only.
- ``practice`` and ``mistakes`` answers are logged (history, statistics, "my mistakes") but never
  move the schedule: cramming outside the schedule should not distort it.

The queue: cards due now (by due time), then new cards up to the daily limit. A card that shares
any fact with another question answered earlier the same learner day (a sibling) is passed over
while any other card is available. Flashcards are dealt so that siblings stand apart too.
While a quiz of one of the student's classes is
open, its *facts* are brought forward through their other questions (the quiz's own questions
are held back from everyone while it is open, see services.visibility): for each fact, when no
card of the student on it is predicted to be recalled at the close at the student's desired
retention, the most urgent of its cards comes early, or, if none was ever studied, one new
question on it comes before other new cards without counting against the daily limit.

Nothing here shows or grades a held question (services.visibility): every statement that picks
a question to show carries the held-back test, and recording an answer checks it in the same
statement that reads the card.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import and_, bindparam, case, exists, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from studyapp.core import scheduling, spacing
from studyapp.core.grading import Verdict, check
from studyapp.core.questions import Question as CoreQuestion
from studyapp.core.questions import get_kind
from studyapp.core.questions.context import stable_hash
from studyapp.core.scheduling import CardPhase, CardState, LearnerClock, Rating
from studyapp.db import begin_write
from studyapp.extensions import db
from studyapp.models import (
    Assignment,
    AssignmentOverride,
    AssignmentQuestion,
    Attempt,
    Card,
    Enrollment,
    Question,
    QuestionFact,
    Review,
    ReviewMode,
    User,
)
from studyapp.services import ServiceError, practice, visibility
from studyapp.services.bank import core_question, graded_types
from studyapp.services.visibility import held

SCHEDULED_MODES = (ReviewMode.STUDY, ReviewMode.FLASHCARD)
LOGGED_MODES = (ReviewMode.PRACTICE, ReviewMode.MISTAKES)
MISTAKE_DAYS = 30
SELF_RATING_SCORE = {Rating.AGAIN: 0.0, Rating.HARD: 0.5, Rating.GOOD: 1.0, Rating.EASY: 1.0}
ALREADY_ANSWERED = "You already answered this card in another tab (or window)."


class StaleAnswer(ServiceError):
    """The card changed since the page was shown (answered in another tab)."""


def clock_for(user: User) -> LearnerClock:
    """The user's calendar (time zone and rollover hour)."""
    return LearnerClock(user.timezone or "UTC", user.rollover_hour)


HELD_BACK = (
    "This question is part of a quiz that is open, or is on the facts of a closed-book quiz "
    "that someone is taking: its answer comes back here once that is over."
)
FORM_EXPIRED = "This answer form has expired. Reload the page and try again."


class HeldBack(ServiceError):
    """The question's key is held back now (services.visibility): nothing was shown or graded."""


def new_request_id() -> str:
    """A fresh id for one shown card; a resubmission with it is recognised."""
    return secrets.token_urlsafe(16)


def _usable(stmt):  # type: ignore[no-untyped-def]
    return stmt.where(Question.in_bank.is_(True), Question.retired_at.is_(None))


_PRIMARY_FACT = Question.data[("fact_ids", 0)].as_string()


@dataclass(frozen=True)
class CardView:
    """What the review screen shows for one card."""

    item: CoreQuestion  # the question (its id, type, prompt, options, answer, source)
    card_id: int | None  # None: never studied (a new card)
    version: int  # the card version the answer must name
    request_id: str
    due_count: int  # cards due now, this one included when due
    new_left: int  # new cards still allowed today
    exam: str | None = None  # title of the open quiz that brought this card forward
    kind: str = "due"  # "due", "exam", "new", or "later" (flashcards: not due yet)

    @property
    def question_id(self) -> str:
        return self.item.id


@dataclass(frozen=True)
class AnswerResult:
    """The outcome of one answer."""

    review: Review
    verdict: Verdict
    item: CoreQuestion
    repeated: bool = False  # this request id had been answered already: the first result

    @property
    def next_due(self) -> datetime | None:
        """When the card comes back, if this answer moved its schedule (and was not undone)."""
        after = self.review.card_after
        if after is None or self.review.undone_at is not None:
            return None
        return CardState.from_dict(after).due


@dataclass(frozen=True)
class OpenExam:
    """A quiz open now for one student, with the student's own close (extensions included)."""

    assignment_id: int
    title: str
    closes_at: datetime
    fact_ids: tuple[str, ...]  # the facts its questions test, in question order


# --- the queue ----------------------------------------------------------------------------


# The queue's statements are built once: they run on every card shown, and building a select
# costs more than running it. Values come in as bound parameters.
_OPEN_EXAMS = (
    select(
        Assignment.id,
        Assignment.title,
        Assignment.closes_at,
        AssignmentOverride.closes_at.label("extended"),
        QuestionFact.fact_id,
    )
    .join(
        Enrollment,
        and_(Enrollment.course_id == Assignment.course_id, Enrollment.user_id == bindparam("uid")),
    )
    .join(AssignmentQuestion, AssignmentQuestion.assignment_id == Assignment.id)
    .join(QuestionFact, QuestionFact.question_id == AssignmentQuestion.question_id)
    .outerjoin(
        AssignmentOverride,
        and_(
            AssignmentOverride.assignment_id == Assignment.id,
            AssignmentOverride.user_id == bindparam("uid"),
        ),
    )
    .where(
        Assignment.opens_at <= bindparam("now"),
        or_(
            Assignment.closes_at > bindparam("now"), AssignmentOverride.closes_at > bindparam("now")
        ),
    )
    .order_by(Assignment.id, AssignmentQuestion.position, QuestionFact.fact_id)
)
_TODAY = select(Review.question_id, Review.mode, Review.phase).where(
    Review.user_id == bindparam("uid"),
    Review.created_at >= bindparam("start"),
    Review.undone_at.is_(None),
)


def sibling_answered(question_id):  # type: ignore[no-untyped-def]
    """SQL: whether a sibling of the question was answered today (bound list ``answered``).

    Siblings are two questions that share any fact (the question_fact table), not only their
    primary one: an ordering or matching item and a single-fact item on one of its facts are
    siblings. The same rule spaces flashcards (core.spacing.siblings).
    """
    mine, theirs = aliased(QuestionFact), aliased(QuestionFact)
    return exists(
        select(theirs.question_id)
        .join(mine, mine.fact_id == theirs.fact_id)
        .where(
            mine.question_id == question_id,
            theirs.question_id.in_(bindparam("answered", expanding=True)),
            theirs.question_id != question_id,
        )
    )


_BLOCKED = case((sibling_answered(Card.question_id), 1), else_=0)
_DUE = (
    _usable(
        select(
            Card.id,
            Card.question_id,
            Card.version,
            Card.due,
            func.count().over().label("total"),
            _BLOCKED.label("blocked"),
        )
        .join(Question, Question.id == Card.question_id)
        .where(
            Card.user_id == bindparam("uid"),
            Card.due <= bindparam("now"),
            Card.phase != CardPhase.NEW.value,
            ~held(Card.question_id),
        )
    )
    .order_by(_BLOCKED, Card.due, Card.id)
    .limit(1)
)
_ANSWERING = (
    select(
        Question.in_bank,
        Question.retired_at,
        held(Question.id).label("held"),
        Card.id.label("card_id"),
        Card.phase,
        Card.due,
        Card.state,
    )
    .outerjoin(Card, and_(Card.question_id == Question.id, Card.user_id == bindparam("uid")))
    .where(Question.id == bindparam("qid"))
)
_INSERT_CARD = insert(Card.__table__).returning(Card.__table__.c.id)
_INSERT_REVIEW = insert(Review.__table__).returning(Review.__table__.c.id)
# A card still in the "new" phase (its first answer was undone) is a new card again.
_UNSTUDIED = _usable(
    select(
        Question.id,
        func.coalesce(Card.version, 0).label("version"),
        sibling_answered(Question.id).label("blocked"),
    ).outerjoin(Card, and_(Card.question_id == Question.id, Card.user_id == bindparam("uid")))
).where(
    or_(Card.id.is_(None), Card.phase == CardPhase.NEW.value),
    ~held(Question.id),
)


@dataclass(frozen=True)
class Upcoming:
    """Cards of today: due now, due later this learner day, and when the next one is due."""

    due_now: int
    later_today: int
    next_due: datetime | None  # the first card not due yet (any day), None when there is none
    next_today: bool  # whether that card is due within this learner day


_UPCOMING = _usable(
    select(
        func.coalesce(func.sum(case((Card.due <= bindparam("now"), 1), else_=0)), 0),
        func.coalesce(
            func.sum(
                case((and_(Card.due > bindparam("now"), Card.due < bindparam("end")), 1), else_=0)
            ),
            0,
        ),
        func.min(case((Card.due > bindparam("now"), Card.due), else_=None)),
    )
    .select_from(Card)
    .join(Question, Question.id == Card.question_id)
    .where(
        Card.user_id == bindparam("uid"),
        Card.phase != CardPhase.NEW.value,
        ~held(Card.question_id),
    )
)


def upcoming(user: User, now: datetime) -> Upcoming:
    """How many cards are due now and later today, and when the next one comes (one query).

    Learning cards come back minutes after an answer, so "nothing due now" rarely means
    "nothing today". Held questions (services.visibility) are not counted.
    """
    end = clock_for(user).next_day_start(now)
    values = {"uid": user.id, "now": now, "end": end, **visibility.params(now)}
    due_now, later, first = db.session.execute(_UPCOMING, values).one()
    if first is not None and first.tzinfo is None:
        first = first.replace(tzinfo=UTC)
    return Upcoming(int(due_now), int(later), first, first is not None and first < end)


def open_exams(user: User, now: datetime) -> list[OpenExam]:
    """Quizzes of the user's classes open now, soonest close first, with their facts."""
    rows = db.session.execute(_OPEN_EXAMS, {"uid": user.id, "now": now}).all()
    exams: dict[int, tuple[str, datetime, list[str]]] = {}
    for assignment_id, title, closes_at, later, fact_id in rows:
        close = max(closes_at, later) if later is not None else closes_at
        exams.setdefault(assignment_id, (title, close, []))[2].append(fact_id)
    out = [OpenExam(aid, t, c, tuple(dict.fromkeys(f))) for aid, (t, c, f) in exams.items()]
    return sorted(out, key=lambda e: (e.closes_at, e.assignment_id))


@dataclass
class _Today:
    """What the user answered this learner day (undone answers excluded)."""

    answered: set[str]  # questions answered
    new_started: list[str]  # questions first studied today (scheduled modes), one per answer

    def sql_params(self) -> dict[str, list[str]]:
        """Parameters of the sibling rule in SQL (sibling_answered)."""
        return {"answered": sorted(self.answered)}


def _today(user: User, start: datetime) -> _Today:
    rows = db.session.execute(_TODAY, {"uid": user.id, "start": start}).all()
    answered: set[str] = set()
    new_started = []
    for question_id, mode, phase in rows:
        answered.add(question_id)
        if mode in SCHEDULED_MODES and phase == CardPhase.NEW.value:
            new_started.append(question_id)
    return _Today(answered, new_started)


# Question id -> primary fact, and the fixed rank of each question among new cards. Both follow
# from the question's content, which its id is derived from, so they never change for an id.
_FACT_OF: dict[str, str] = {}
_NEW_RANK: dict[str, int] = {}


def fact_of(question_id: str) -> str:
    """The primary fact of a question, from a per-process table of the bank."""
    fact = _FACT_OF.get(question_id)
    if fact is None:
        for qid, primary in db.session.execute(select(Question.id, _PRIMARY_FACT)):
            _FACT_OF[qid] = primary or ""
        fact = _FACT_OF.setdefault(question_id, "")
    return fact


def _new_rank(question_id: str) -> int:
    rank = _NEW_RANK.get(question_id)
    if rank is None:
        rank = _NEW_RANK[question_id] = stable_hash("new", question_id)
    return rank


def new_cards_today(user: User, now: datetime) -> int:
    """New cards the user started this learner day; those on the facts of open quizzes are
    not counted."""
    clock = clock_for(user)
    today = _today(user, clock.day_start(clock.day(now)))
    on_exam = {row.id for row in _exam_rows(user, now, open_exams(user, now), today)}
    return sum(1 for q in today.new_started if q not in on_exam)


def next_card(user: User, now: datetime) -> CardView | None:
    """The next card to study, or None when nothing is due and today's new cards are done.

    Order: due cards (by effective due time, quiz deadlines included), then never-studied
    questions on the facts of open quizzes, then new cards up to the daily limit; within that
    order a card whose sibling was answered today comes only when nothing else is left. Held
    questions (services.visibility) are never chosen.
    """
    clock = clock_for(user)
    today = _today(user, clock.day_start(clock.day(now)))
    exams = open_exams(user, now)
    exam_rows = _exam_rows(user, now, exams, today)
    on_exam = {row.id for row in exam_rows}
    new_left = max(
        user.new_cards_per_day - sum(1 for q in today.new_started if q not in on_exam), 0
    )
    params = {"uid": user.id, "now": now, **today.sql_params(), **visibility.params(now)}
    row = db.session.execute(_DUE, params).first()
    due_total = row.total if row else 0
    # (blocked, effective due, question id, card id, version, exam title) per due candidate
    due: list[tuple[bool, datetime, str, int, int, str | None]] = []
    if row:
        due.append((bool(row.blocked), row.due, row.question_id, row.id, row.version, None))
    exam_new: list[tuple[bool, int, str, int, str]] = []
    if exam_rows:
        exam_due, exam_new = _exam_candidates(user, now, clock, exams, exam_rows, today)
        due.extend(exam_due)
        due_total += len(exam_due)
    due.sort(key=lambda c: (c[0], c[1], c[3]))
    exam_new.sort(key=lambda c: (c[0], c[1]))

    def view(question_id, card_id, version, exam, kind):  # type: ignore[no-untyped-def]
        return CardView(
            item=shown_item(question_id),
            card_id=card_id,
            version=version,
            request_id=new_request_id(),
            due_count=due_total,
            new_left=new_left,
            exam=exam,
            kind=kind,
        )

    unstudied: list[tuple[str, int, bool]] | None = None
    for allow_blocked in (False, True):
        if due and (allow_blocked or not due[0][0]):
            _, _, question_id, card_id, version, exam = due[0]
            return view(question_id, card_id, version, exam, "exam" if exam else "due")
        if exam_new and (allow_blocked or not exam_new[0][0]):
            _, _, question_id, version, title = exam_new[0]
            return view(question_id, None, version, title, "exam")
        if new_left > 0:
            if unstudied is None:
                unstudied = _unstudied_cards(user, now, today)
            for question_id, version, blocked in unstudied:
                if allow_blocked or not blocked:
                    return view(question_id, None, version, None, "new")
    return None


# Every usable question on the given facts, with the student's card on it if any and whether
# it is held now (held ones are counted as the quiz's, but never shown).
_EXAM_CARDS = _usable(
    select(
        Question.id,
        QuestionFact.fact_id,
        Card.id.label("card_id"),
        Card.version,
        Card.due,
        Card.state,
        Card.phase,
        held(Question.id).label("held"),
        sibling_answered(Question.id).label("blocked"),
    )
    .join(QuestionFact, QuestionFact.question_id == Question.id)
    .outerjoin(Card, and_(Card.question_id == Question.id, Card.user_id == bindparam("uid")))
    .where(QuestionFact.fact_id.in_(bindparam("facts", expanding=True)))
)


def _exam_rows(user: User, now: datetime, exams: list[OpenExam], today: _Today) -> list[Any]:
    """The questions on the facts of these open quizzes (one row per question and fact)."""
    facts = list(dict.fromkeys(f for exam in exams for f in exam.fact_ids))
    if not facts:
        return []
    values = {"uid": user.id, "facts": facts, **today.sql_params(), **visibility.params(now)}
    return list(db.session.execute(_EXAM_CARDS, values).all())


def _exam_candidates(user, now, clock, exams, rows, today):  # type: ignore[no-untyped-def]
    """Per fact of the open quizzes, what brings it forward for the close.

    Nothing when a card of the student on the fact is predicted to be recalled at the close
    (or is due anyway); otherwise the most urgent of its cards that may be shown, or, when the
    student has none, one never-studied question on it. Returns (due, fresh) candidates.
    """
    exam_of_fact: dict[str, OpenExam] = {}
    for exam in exams:
        for fact in exam.fact_ids:
            exam_of_fact.setdefault(fact, exam)
    by_fact: dict[str, list[Any]] = {}
    for row in rows:
        by_fact.setdefault(row.fact_id, []).append(row)
    due, fresh, chosen = [], [], set()
    for fact, fact_rows in by_fact.items():
        exam = exam_of_fact[fact]
        studied = [r for r in fact_rows if r.card_id is not None and r.phase != CardPhase.NEW]
        if any(r.id in chosen or (r.due <= now and not r.held) for r in studied):
            continue  # reviewed through another fact's pick, or in the ordinary due list
        when = {
            r.id: scheduling.due_for_exam(
                CardState.from_dict(r.state),
                exam.closes_at,
                clock=clock,
                desired_retention=user.desired_retention,
            )
            for r in studied
        }
        studied_ids = {r.id for r in studied}
        if any(w > now for w in when.values()):
            continue  # recalled well enough at the close for now
        shown = [r for r in studied if not r.held]
        if shown:
            r = min(shown, key=lambda r: (when[r.id], r.card_id))
            blocked = bool(r.blocked)
            due.append((blocked, when[r.id], r.id, r.card_id, r.version, exam.title))
            chosen.add(r.id)
            continue
        new = [
            r for r in fact_rows if r.id not in studied_ids and not r.held and r.id not in chosen
        ]
        if new:
            r = min(new, key=lambda r: _new_rank(r.id))
            fresh.append(
                (
                    bool(r.blocked),
                    _new_rank(r.id),
                    r.id,
                    r.version or 0,
                    exam.title,
                )
            )
            chosen.add(r.id)
    return due, fresh


def _unstudied_cards(
    user: User, now: datetime, today: _Today | None = None
) -> list[tuple[str, int, bool]]:
    """Usable questions the user never studied (no card, or one back to new by an undo) that
    are not held, in the fixed shuffled order of new cards: (question id, card version,
    whether a sibling was answered today)."""
    answered = today.sql_params() if today is not None else {"answered": []}
    values = {"uid": user.id, **answered, **visibility.params(now)}
    rows = db.session.execute(_UNSTUDIED, values).all()
    out = [(qid, version, bool(blocked)) for qid, version, blocked in rows]
    return sorted(out, key=lambda r: _new_rank(r[0]))


def _unstudied(user: User, now: datetime) -> list[str]:
    """The ids of _unstudied_cards, in the same order."""
    return [qid for qid, _, _ in _unstudied_cards(user, now)]


_CHOSEN = select(Question, held(Question.id).label("held")).where(Question.id == bindparam("qid"))


def card_view_for(user: User, question_id: str, now: datetime) -> CardView | None:
    """A view of one chosen question (flashcards): kind "later" when its card is not due.

    None when the question is not usable or is held now (its back shows the key).
    """
    row = db.session.execute(_CHOSEN, {"qid": question_id, **visibility.params(now)}).first()
    if row is None or not row.Question.usable or row.held:
        return None
    question = row.Question
    card = db.session.scalar(
        select(Card).where(Card.user_id == user.id, Card.question_id == question_id)
    )
    return CardView(
        item=core_question(question),
        card_id=card.id if card is not None else None,
        version=card.version if card is not None else 0,
        request_id=new_request_id(),
        due_count=0,
        new_left=0,
        kind="due" if card is None or card.due <= now else "later",
    )


# --- answering ------------------------------------------------------------------------------


def shown_item(question_id: str) -> CoreQuestion | None:
    """The question an answer form names, to read the response by its type.

    Read from its row each time, never from a per-process copy: an id stays when a reseed edits
    an item's key or accepted answers, and a copy kept by one worker would grade against the old
    key. Whether it may still be answered (retired, left the bank) is checked when the answer is
    recorded.
    """
    row = db.session.get(Question, question_id) if question_id else None
    return core_question(row) if row is not None else None


def _existing(user: User, request_id: str) -> Review | None:
    return db.session.scalar(
        select(Review).where(Review.user_id == user.id, Review.request_id == request_id)
    )


def reveal(question_id: str, now: datetime) -> CoreQuestion:
    """The question with its model answer, for the reveal step of an explain item.

    Raises HeldBack when its key is held now, and ServiceError when it left the bank.
    """
    row = db.session.execute(_CHOSEN, {"qid": question_id, **visibility.params(now)}).first()
    if row is None or not row.Question.usable:
        raise ServiceError("This question is no longer in the bank.")
    if row.held:
        raise HeldBack(HELD_BACK)
    return core_question(row.Question)


def result_of(review: Review, *, repeated: bool = False) -> AnswerResult:
    """The result of a stored answer, as it was first shown."""
    item = core_question(review.question)
    verdict = check(item, review.response)
    if verdict.self_graded or review.mode == ReviewMode.FLASHCARD:
        verdict = Verdict(
            review.correct, review.score, verdict.expected, verdict.feedback, verdict.self_graded
        )
    return AnswerResult(review, verdict, item, repeated)


@dataclass(frozen=True)
class Feedback:
    """One answer as its feedback page may show it now."""

    result: AnswerResult
    show_mark: bool  # right or wrong, the score and the rating
    show_key: bool  # the key, the explanation, the source and the grader's remark
    attempt: Attempt | None = None  # the quiz attempt the answer belongs to, if any


def feedback(user: User, review_id: int, now: datetime) -> Feedback | None:
    """One of the user's own answers for its feedback page (None if not theirs).

    A quiz answer shows its mark and key as its quiz's review options allow now, like the
    attempt's result page. Any other answer shows both, unless its question is held now: then
    HeldBack is raised and nothing is shown.
    """
    review = db.session.get(Review, review_id)
    if review is None or review.user_id != user.id:
        return None
    shown = visibility.release(review, now)
    if shown.attempt is None and not visibility.key_visible(user, review.question_id, now):
        raise HeldBack(HELD_BACK)
    return Feedback(result_of(review), shown.marks, shown.answers, shown.attempt)


def rate(
    item: CoreQuestion,
    verdict: Verdict,
    mode: ReviewMode,
    self_rating: int | None,
    duration_ms: int | None,
) -> tuple[Rating, bool, float]:
    """The rating, correctness and score of an answer.

    Auto-graded kinds rate themselves (scheduling.rating_for: wrong is Again). Self-graded kinds and
    flashcards take the student's own Again/Hard/Good/Easy; Hard or better counts as recalled.
    """
    kind = get_kind(item.type)
    if not kind.auto_graded or mode == ReviewMode.FLASHCARD:
        if self_rating is None:
            raise ServiceError("Rate how well you recalled it: Again, Hard, Good or Easy.")
        if not 1 <= int(self_rating) <= 4:
            raise ServiceError("Choose Again, Hard, Good or Easy.")
        rating = Rating(int(self_rating))
        return rating, rating >= Rating.HARD, SELF_RATING_SCORE[rating]
    expected_ms = kind.expected_seconds * 1000
    rating = scheduling.rating_for(verdict.correct, verdict.score, duration_ms, expected_ms)
    return rating, verdict.correct, verdict.score


def record_answer(
    user: User,
    *,
    question_id: str,
    card_version: int,
    request_id: str,
    response: Any,
    duration_ms: int | None,
    now: datetime,
    mode: ReviewMode = ReviewMode.STUDY,
    self_rating: int | None = None,
) -> AnswerResult:
    """Grade and store one answer, moving the schedule when the mode does; exactly once.

    One write transaction: the Review row and the card's conditional update commit together.
    The same request id returns the first result (``repeated``); a card changed since it was
    shown (``card_version`` stale) raises StaleAnswer and records nothing.

    A resubmitted request id is caught where it collides, without a lookup on the common path:
    a schedule-moving answer finds the card's version already moved on, and any other answer
    hits the unique (user, request id) constraint. Either way the transaction is rolled back and
    the stored first answer is returned.
    """
    if not request_id or len(request_id) > 64:
        raise ServiceError("This answer form is incomplete. Reload the page and try again.")
    if mode not in SCHEDULED_MODES + LOGGED_MODES:
        raise ServiceError("Unknown answer mode.")
    begin_write(db.session)
    try:
        return _record(
            user,
            question_id=question_id,
            card_version=card_version,
            request_id=request_id,
            response=response,
            duration_ms=duration_ms,
            now=now,
            mode=mode,
            self_rating=self_rating,
        )
    except (ServiceError, IntegrityError) as exc:
        # Sent before (double submit, resend, a second worker): the first answer's result, but
        # only for the same question in the same mode, and only while its key may be shown.
        db.session.rollback()
        if isinstance(exc, HeldBack):
            raise
        previous = _existing(user, request_id)
        if previous is None:
            raise
        if previous.question_id != question_id or previous.mode != mode:
            raise ServiceError(FORM_EXPIRED) from None
        if not visibility.key_visible(user, previous.question_id, now):
            raise HeldBack(HELD_BACK) from None
        return result_of(previous, repeated=True)


def _record(
    user: User,
    *,
    question_id: str,
    card_version: int,
    request_id: str,
    response: Any,
    duration_ms: int | None,
    now: datetime,
    mode: ReviewMode,
    self_rating: int | None,
) -> AnswerResult:
    # Core statements on the session's connection (same transaction): this runs for every
    # answer, and plain rows cost less than loading ORM objects that are thrown away.
    conn = db.session.connection()
    row = conn.execute(
        _ANSWERING, {"uid": user.id, "qid": question_id, **visibility.params(now)}
    ).first()
    item = shown_item(question_id) if row is not None else None
    if row is None or item is None or not row.in_bank or row.retired_at is not None:
        raise ServiceError("This question is no longer in the bank.")
    if row.held:
        raise HeldBack(HELD_BACK)
    card = row if row.card_id is not None else None
    verdict = check(item, response)
    rating, correct, score = rate(item, verdict, mode, self_rating, duration_ms)
    phase = card.phase if card is not None else CardPhase.NEW.value
    moves = mode == ReviewMode.STUDY or (
        mode == ReviewMode.FLASHCARD and (card is None or card.due <= now)
    )
    card_id = card.card_id if card is not None else None
    before = after = None
    if moves:
        card_id, before, after = _move(
            conn, user, question_id, card, card_version, rating, now, duration_ms
        )
    # The card states are left out, not set to None, when nothing moved: the JSON column would
    # store a JSON null, which SQL's IS NULL does not see.
    moved = {"card_before": before, "card_after": after} if moves else {}
    values = {
        "user_id": user.id,
        "question_id": question_id,
        "card_id": card_id,
        "mode": mode,
        "response": response,
        "correct": bool(correct),
        "score": float(score),
        "rating": int(rating) if moves else None,
        "phase": phase,
        "duration_ms": duration_ms,
        "request_id": request_id,
        "created_at": now,
        **moved,
    }
    # IntegrityError here: the same request id was recorded meanwhile (see record_answer).
    review_id = conn.execute(_INSERT_REVIEW, values).scalar_one()
    db.session.commit()
    review = Review(id=review_id, **values)  # the stored row, for the caller (not in the session)
    final = verdict
    if verdict.self_graded or mode == ReviewMode.FLASHCARD:
        final = Verdict(correct, score, verdict.expected, verdict.feedback, verdict.self_graded)
    return AnswerResult(review, final, item)


def _move(conn, user, question_id, card, seen_version, rating, now, duration_ms):  # type: ignore[no-untyped-def]
    """Apply one schedule step; returns (card id, state before, state after).

    A card seen at version 0 that does not exist yet is inserted already reviewed (the unique
    (user, question) constraint stops a second tab); an existing card takes a conditional
    update on the version the answer saw. Either way a stale answer changes nothing.
    """
    before = CardState.from_dict(card.state) if card is not None else scheduling.new_card(now)
    after = scheduling.review(
        before,
        rating,
        now,
        clock=clock_for(user),
        desired_retention=user.desired_retention,
        duration_ms=duration_ms,
    )
    after_dict = after.to_dict()
    if card is None:
        if seen_version != 0:
            raise StaleAnswer(ALREADY_ANSWERED)
        values = {
            **_columns(after, after_dict),
            "user_id": user.id,
            "question_id": question_id,
            "fact_id": fact_of(question_id),
            "version": 1,
            "created_at": now,
        }
        try:
            card_id = conn.execute(_INSERT_CARD, values).scalar_one()
        except IntegrityError:  # created by another tab meanwhile
            raise StaleAnswer(ALREADY_ANSWERED) from None
    else:
        card_id = card.card_id
        values = {**_columns(after, after_dict), "card_id": card_id, "seen": seen_version}
        if conn.execute(_ADVANCE, values).rowcount != 1:
            raise StaleAnswer(ALREADY_ANSWERED)
    before_dict = card.state if card is not None else before.to_dict()
    return card_id, before_dict, after_dict


def _columns(state: CardState, as_dict: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "state": as_dict if as_dict is not None else state.to_dict(),
        "phase": state.phase.value,
        "due": state.due,
        "last_review": state.last_review,
        "reps": state.reps,
        "lapses": state.lapses,
    }


# One schedule step on an existing card, only if it is still at the version the answer saw.
_ADVANCE = (
    update(Card)
    .where(Card.id == bindparam("card_id"), Card.version == bindparam("seen"))
    .values(
        state=bindparam("state"),
        phase=bindparam("phase"),
        due=bindparam("due"),
        last_review=bindparam("last_review"),
        reps=bindparam("reps"),
        lapses=bindparam("lapses"),
        version=Card.version + 1,
    )
    .execution_options(synchronize_session=False)
)


def undo_last(user: User, now: datetime) -> Review | None:
    """Undo the user's last schedule-moving answer of this learner day, once.

    The card gets back the state it had before that answer (and a new version, so a tab still
    showing the answered card cannot answer it again); the answer stays in the log marked
    undone and leaves every statistic. Only the very last such answer can be undone: after an
    undo, or once it is from an earlier day, there is nothing to undo. Returns the review.
    """
    begin_write(db.session)
    clock = clock_for(user)
    start = clock.day_start(clock.day(now))
    review = db.session.scalar(
        select(Review)
        .where(
            Review.user_id == user.id,
            Review.mode.in_(SCHEDULED_MODES),
            Review.card_after.is_not(None),
            Review.created_at >= start,
        )
        .order_by(Review.created_at.desc(), Review.id.desc())
        .limit(1)
    )
    if review is None or review.undone_at is not None or review.card_id is None:
        db.session.rollback()
        return None
    card = db.session.get(Card, review.card_id)
    if card is None or card.state != review.card_after:
        db.session.rollback()
        return None
    before = CardState.from_dict(review.card_before)
    changed = db.session.execute(
        update(Card)
        .where(Card.id == card.id, Card.version == card.version)
        .values(**_columns(before), version=Card.version + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    marked = db.session.execute(
        update(Review)
        .where(Review.id == review.id, Review.undone_at.is_(None))
        .values(undone_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed != 1 or marked != 1:
        db.session.rollback()
        return None
    db.session.commit()
    db.session.expire_all()
    return review


def rerate_options(user: User, review: Review) -> list[tuple[Rating, datetime]] | None:
    """For an objective review answer that may still be re-rated, when the card would come
    back after each rating (recomputed from the card as it was before the answer); else None.

    Only the card's latest change qualifies: once the card moved on (another answer, an undo),
    its answer keeps its rating.
    """
    if (
        review.mode != ReviewMode.STUDY
        or review.card_before is None
        or review.card_after is None
        or review.undone_at is not None
        or review.card_id is None
    ):
        return None
    item = shown_item(review.question_id)
    if item is None or not get_kind(item.type).auto_graded:
        return None
    card = db.session.get(Card, review.card_id)
    if card is None or card.state != review.card_after:
        return None
    before = CardState.from_dict(review.card_before)
    return [(r, _rescheduled(user, before, r, review).due) for r in Rating]


def _rescheduled(user: User, before: CardState, rating: Rating, review: Review) -> CardState:
    return scheduling.review(
        before,
        rating,
        review.created_at,
        clock=clock_for(user),
        desired_retention=user.desired_retention,
        duration_ms=review.duration_ms,
    )


def rerate(user: User, review_id: int, rating: int, now: datetime) -> Review:
    """Give an objective review answer another rating ("I guessed": Again or Hard; "easy").

    The card's schedule is recomputed from its state before that answer, as if it had been
    rated so then; a second re-rate replaces the first. One transaction, on the card's version:
    a tab that still shows the card cannot answer it again, and once the card moved on (another
    answer, an undo) nothing changes and ServiceError says so.
    """
    if rating not in (1, 2, 3, 4):
        raise ServiceError("Choose Again, Hard, Good or Easy.")
    begin_write(db.session)
    review = db.session.get(Review, review_id)
    if review is None or review.user_id != user.id:
        db.session.rollback()
        raise ServiceError("That answer is not yours to rate.")
    if not visibility.key_visible(user, review.question_id, now):
        db.session.rollback()
        raise HeldBack(HELD_BACK)
    if rerate_options(user, review) is None:
        db.session.rollback()
        raise ServiceError("This answer can no longer be rated again: its card has moved on since.")
    card = db.session.get(Card, review.card_id)
    before = CardState.from_dict(review.card_before)
    after = _rescheduled(user, before, Rating(rating), review)
    after_dict = after.to_dict()
    changed = db.session.execute(
        update(Card)
        .where(Card.id == card.id, Card.version == card.version)
        .values(**_columns(after, after_dict), version=Card.version + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed != 1:
        db.session.rollback()
        raise ServiceError(ALREADY_ANSWERED)
    db.session.execute(
        update(Review)
        .where(Review.id == review.id)
        .values(rating=rating, card_after=after_dict)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    db.session.expire_all()
    return db.session.get(Review, review_id)


# --- practice, mistakes, flashcards ---------------------------------------------------------


def practice_questions(
    *,
    now: datetime,
    sections: Iterable[str] = (),
    types: Iterable[str] = (),
    count: int = 10,
    seed: int = 0,
    fact_id: str | None = None,
) -> list[Question]:
    """Questions for a practice quiz: chosen sections and types, the kinds taking turns, one per
    fact before repeats.

    Held questions (services.visibility) are never chosen.
    """
    stmt = _usable(select(Question)).where(Question.type.in_(graded_types()), ~held(Question.id))
    sections, types = list(sections), list(types)
    if sections:
        stmt = stmt.where(Question.section.in_(sections))
    if types:
        stmt = stmt.where(Question.type.in_(types))
    if fact_id:
        stmt = stmt.where(
            Question.id.in_(select(QuestionFact.question_id).where(QuestionFact.fact_id == fact_id))
        )
    rows = list(db.session.scalars(stmt, visibility.params(now)))
    rows.sort(key=lambda q: stable_hash("practice", seed, q.id))
    by_type: dict[str, list[Question]] = {}
    for q in rows:
        by_type.setdefault(q.type, []).append(q)
    # The kinds take turns, so the draw is shared across them as evenly as the bank allows.
    turns = sorted(by_type, key=lambda t: stable_hash("practice-kind", seed, t))
    chosen: list[Question] = []
    used: set[str] = set()
    for new_facts_only in (True, False):  # first one question per fact, then fill up
        taken = True
        while taken and len(chosen) < count:
            taken = False
            for qtype in turns:
                if len(chosen) >= count:
                    break
                for q in by_type[qtype]:
                    if q in chosen or (new_facts_only and set(q.fact_ids) & used):
                        continue
                    chosen.append(q)
                    used.update(q.fact_ids)
                    taken = True
                    break
    return chosen


def practice_batch(ids: Iterable[str], now: datetime) -> tuple[list[Question], int]:
    """The questions a submitted practice form names that may be graded now, in its order,
    and how many usable ones were left out because they are held."""
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return [], 0
    rows = {
        q.id: (q, bool(is_held))
        for q, is_held in db.session.execute(
            select(Question, held(Question.id)).where(Question.id.in_(wanted)),
            visibility.params(now),
        )
    }
    usable = [rows[i] for i in wanted if i in rows and rows[i][0].usable]
    return [q for q, is_held in usable if not is_held], sum(1 for _, h in usable if h)


def mistake_questions(user: User, now: datetime, limit: int = 20) -> list[Question]:
    """Questions answered wrong in the last 30 days and not answered right since, latest first.

    Explain items are left out: they are self-rated, so they come back through the schedule.
    Held questions are left out, and a quiz answer counts (wrong, or right since) only once its
    quiz shows both its mark and its key.
    """
    since = now - timedelta(days=MISTAKE_DAYS)
    shown = visibility.released(now, answers=True)
    wrong = (
        select(Review.question_id, func.max(Review.created_at).label("last_wrong"))
        .where(
            Review.user_id == user.id,
            Review.created_at >= since,
            Review.correct.is_(False),
            Review.undone_at.is_(None),
            shown,
        )
        .group_by(Review.question_id)
        .subquery()
    )
    right_since = (
        select(Review.id)
        .where(
            Review.user_id == user.id,
            Review.question_id == wrong.c.question_id,
            Review.correct.is_(True),
            Review.undone_at.is_(None),
            Review.created_at >= wrong.c.last_wrong,
            shown,
        )
        .exists()
    )
    stmt = (
        _usable(select(Question).join(wrong, wrong.c.question_id == Question.id))
        .where(~right_since, Question.type.in_(graded_types()), ~held(Question.id))
        .order_by(wrong.c.last_wrong.desc(), Question.id)
        .limit(limit)
    )
    return list(db.session.scalars(stmt, visibility.params(now)))


def grade_practice(
    user: User,
    questions: list[Question],
    responses: dict[str, Any],
    *,
    batch_id: str,
    mode: ReviewMode,
    now: datetime,
) -> list[AnswerResult]:
    """Grade a finished practice quiz and log every answer once (resubmitting changes nothing).

    A question that became held since the form was shown is left out, ungraded. The round in
    progress (services.practice) ends with it.
    """
    if mode not in LOGGED_MODES:
        raise ServiceError("Unknown practice mode.")
    results = []
    for q in questions:
        try:
            results.append(
                record_answer(
                    user,
                    question_id=q.id,
                    card_version=0,
                    request_id=f"{batch_id}:{q.id}"[:64],
                    response=responses.get(q.id),
                    duration_ms=None,
                    now=now,
                    mode=mode,
                )
            )
        except HeldBack:
            continue
    practice.end(user, batch_id)  # the round in progress, if it was one, is over
    return results


def practice_results(user: User, batch_id: str, now: datetime) -> tuple[list[AnswerResult], int]:
    """The graded answers of one submitted practice quiz, in question order, but those whose
    question is held now; and how many were left out for that."""
    rows = list(
        db.session.scalars(
            select(Review)
            .where(
                Review.user_id == user.id,
                Review.mode.in_(LOGGED_MODES),
                Review.request_id.startswith(f"{batch_id}:", autoescape=True),
            )
            .order_by(Review.id)
        )
    )
    hidden = visibility.held_among([r.question_id for r in rows], now, user)
    shown = [result_of(r) for r in rows if r.question_id not in hidden]
    return shown, len(rows) - len(shown)


def flashcard_deck(
    *,
    now: datetime,
    section: str | None = None,
    fact_id: str | None = None,
) -> list[str]:
    """Ids of the questions to browse as flashcards, but held ones: in essay order, dealt so
    that siblings (questions sharing a fact, core.spacing) do not follow one another."""
    stmt = _usable(select(Question.id, QuestionFact.fact_id)).outerjoin(
        QuestionFact, QuestionFact.question_id == Question.id
    )
    stmt = stmt.where(~held(Question.id))
    if section:
        stmt = stmt.where(Question.section == section)
    if fact_id:
        stmt = stmt.where(
            Question.id.in_(select(QuestionFact.question_id).where(QuestionFact.fact_id == fact_id))
        )
    ordered = stmt.order_by(Question.section, Question.sentence_id, Question.id)
    facts: dict[str, set[str]] = {}
    for qid, fact in db.session.execute(ordered, visibility.params(now)):
        facts.setdefault(qid, set()).update([fact] if fact else [])
    return spacing.spaced(list(facts.items()))
