"""A sweep over the URL map: no page, download or JSON response gives anybody a key or a mark
that the held-back rule or the quiz's review options keep back.

Every GET route is requested with every question id, review id, fact id, batch id, attempt,
quiz, class and user the scene holds (and the parameter-free ones with the quiz's facts in the
query string), as HTML and as JSON, by four people: a visitor who is not logged in, a fresh
account in no class, a classmate, and the student in the middle of an attempt. Then each of
them posts practice quizzes and study answers for the held questions, reveals an explain item
and replays an earlier answer's request id. A held question's explanation (shown only beside
its key) and the grader's "The answer is ..." must appear in no response, a quiz answer's mark
in no response about it, and no answer to a held question may be recorded.
"""

from __future__ import annotations

import itertools
import json
import re
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from markupsafe import escape
from sqlalchemy import func, select

from studyapp.core.grading import check
from studyapp.db import utcnow
from studyapp.extensions import db
from studyapp.models import Question, QuestionFact, Review, ReviewMode
from studyapp.services import assignments as quiz
from studyapp.services import bank, study
from studyapp.services.bank import core_question, essay
from tests.conftest import PASSWORD, make_user
from tests.web.bankkit import add_questions, sibling_on
from tests.web.helpers import answer_fields
from tests.web.quizkit import item, make_course, make_quiz_of, right, siblings_of, wrong

# Marks of a single answer as the pages write them.
ACCEPTS = ("text/html", "application/json")
MARKS = (
    'data-testid="verdict"',
    'data-testid="mark"',
    'class="badge ok"',
    'class="badge bad"',
    "Partly right",
    '"correct":',
    '"score":',
)


@dataclass
class Scene:
    """Who and what the sweep works with."""

    quiz_ids: list[str]
    held: set[str]  # held from everyone but instructors at the time of the sweep
    viewers: dict[str, object]  # name -> user (None: not logged in)
    params: dict[str, list[object]]  # URL parameter -> values to try
    quiz_reviews: dict[int, str] = field(default_factory=dict)  # review id -> question id
    # viewer -> (request id, question) of the answers they gave before the quiz opened
    old_answers: dict[str, list[tuple[str, str]]] = field(default_factory=dict)


def _public_text() -> str:
    """What pages show of every question whatever the rule: prompts and options, and the
    essay (a true-or-false prompt, or a sentence of the essay, may state another item's key)."""
    parts = [s.text for s in essay().sentences()]
    for (data,) in db.session.execute(select(Question.data)):
        parts.append(data["prompt"])
        options = data.get("options") or []
        parts += [*options["left"], *options["right"]] if isinstance(options, dict) else options
    return "\n".join(parts)


def _key_html(qid: str) -> str:
    """The start of the key as the answer macro writes it (_macros/questions.html)."""
    q = item(qid)
    if q.type == "true_false":
        return "True" if q.answer else "False"
    if q.type == "ordering":
        return f'<ol class="answer-list"><li>{escape(q.answer[0])}'
    if q.type == "matching":
        left, right_ = q.answer[0]
        return f'<ul class="answer-list"><li>{escape(left)} → {escape(right_)}'
    if q.type == "explain":
        first = next(line for line in q.answer.split("\n") if line.strip())
        return f'<div class="model-answer"><p>{escape(first)}'
    return str(escape(q.answer))


def _needles(
    qid: str, public: str, shown_keys: frozenset[str] = frozenset()
) -> list[re.Pattern[str]]:
    """What only a response giving this question's key contains, in HTML or in JSON: the key
    under an answer heading, the grader's remark or expected key, the explanation. Left out:
    an explanation the public text states anyway, and a key that questions which may be shown
    have too (``shown_keys``: a sibling may share the key, and may be studied)."""
    q = item(qid)
    expected = check(q, None).expected
    patterns = [
        re.escape(str(escape(q.why))),
        re.escape(json.dumps(q.why)[:-1]),
    ]  # open-ended: a note may follow
    if q.why in public:
        patterns = []
    if expected not in shown_keys:
        patterns += [
            r"(?<!your )answer(?::</strong>|</h2>)\s*" + re.escape(_key_html(qid)),
            r'"expected":\s*' + re.escape(json.dumps(expected)),
            re.escape(f"the answer is {escape(q.answer)}") if isinstance(q.answer, str) else "",
            re.escape(f"Correct order: {escape(expected)}") if q.type == "ordering" else "",
            re.escape(f"Correct pairs: {escape(expected)}") if q.type == "matching" else "",
        ]
    return [re.compile(p, re.IGNORECASE) for p in patterns if p]


def _usable() -> list[Question]:
    return list(db.session.scalars(bank.usable_questions_query().order_by(Question.id)))


def _siblings_added(request, quiz_ids: list[str], explain: Question) -> None:  # type: ignore[no-untyped-def]
    """Questions on the quiz's facts, added for the test (the bank may have few or none): one of
    every gradable kind, in turn on each quiz question's facts, each with a key and explanation
    no other question shows (so a leak of either is found on any page)."""
    models = {q.type: q for q in reversed(_usable())}  # the first of each kind
    kinds = [kind for kind in bank.graded_types() if kind in models]
    added = [
        sibling_on(core_question(models[kind]), item(quiz_ids[k % 4]).fact_ids, f"sweep-{kind}")
        for k, kind in enumerate(kinds)
    ]
    add_questions(request, added)
    assert len(kinds) > 1 and {explain.id, *(q.id for q in added)} <= set(siblings_of(quiz_ids))


def _login(app, user):  # type: ignore[no-untyped-def]
    client = app.test_client()
    if user is not None:
        response = client.post("/account/login", data={"email": user.email, "password": PASSWORD})
        assert response.status_code == 302, user.email
    return client


@pytest.fixture
def scene(app, request, instructor):  # type: ignore[no-untyped-def]
    """A closed-book quiz (marks and answers: never, two attempts) that opened an hour ago.

    Yesterday, before it opened, the student and a classmate studied and practised its
    questions and their siblings; the student has submitted attempt 1 and is taking attempt 2.
    """
    now = utcnow()
    student = make_user(name="Taking It")
    classmate = make_user(name="Classmate")
    fresh = make_user(name="Fresh Account")
    course = make_course(instructor, [student, classmate])
    drawn = quiz.draw_questions(count=6, types=["short_answer", "cloze", "true_false"], seed=11)
    # An explain item and a gradable question on its fact, which the quiz holds.
    explain = next(q for q in _usable() if q.type == "explain")
    model = next(q for q in _usable() if q.type in bank.graded_types())
    (quizzed,) = add_questions(
        request, [sibling_on(core_question(model), explain.fact_ids, "beside-explain")]
    )
    facts_of = {q: set(item(q).fact_ids) for q in [quizzed.id, *drawn]}
    quiz_ids = [quizzed.id]
    for q in drawn:
        if len(quiz_ids) < 4 and not any(facts_of[q] & facts_of[o] for o in quiz_ids):
            quiz_ids.append(q)
    assert len(quiz_ids) == 4
    _siblings_added(request, quiz_ids, explain)
    siblings = siblings_of(quiz_ids)
    yesterday = now - timedelta(days=1)
    old_answers: dict[str, list[tuple[str, str]]] = {"student": [], "classmate": []}
    for name, who in (("student", student), ("classmate", classmate)):
        for k, qid in enumerate([*quiz_ids, *siblings]):
            # Every other one a practice answer of the batch "before" (it has a results page).
            rid = f"before:{qid}" if k % 2 else f"studied-{k}"
            old_answers[name].append((rid, qid))
            study.record_answer(
                who,
                question_id=qid,
                card_version=0,
                request_id=rid,
                response=None if item(qid).type == "explain" else right(item(qid)),
                duration_ms=4000,
                now=yesterday,
                mode=ReviewMode.PRACTICE if k % 2 else ReviewMode.STUDY,
                self_rating=3,
            )
    a = make_quiz_of(
        course,
        quiz_ids,
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(days=2),
        attempts_allowed=2,
        show_marks="never",
        show_answers="never",
    )
    first = quiz.start_attempt(a, student, now - timedelta(minutes=30))
    responses = {q: right(item(q)) if k < 2 else wrong(item(q)) for k, q in enumerate(quiz_ids)}
    quiz.save_answers(first, responses, now - timedelta(minutes=29))
    assert quiz.finish_attempt(first.id, now - timedelta(minutes=28))
    second = quiz.start_attempt(a, student, now - timedelta(minutes=5))
    quiz_reviews = dict(
        db.session.execute(
            select(Review.id, Review.question_id).where(Review.mode == ReviewMode.QUIZ)
        ).all()
    )
    assert len(quiz_reviews) == 4
    reviews = list(db.session.scalars(select(Review.id)))
    facts = list(
        db.session.scalars(
            select(QuestionFact.fact_id).where(QuestionFact.question_id.in_(quiz_ids)).distinct()
        )
    )
    return Scene(
        quiz_ids=quiz_ids,
        held={*quiz_ids, *siblings},
        viewers={"visitor": None, "fresh": fresh, "classmate": classmate, "student": student},
        params={
            "qid": [*quiz_ids, *siblings],
            "review_id": reviews,
            "fact_id": facts,
            "batch_id": ["before", "no-such-batch"],
            "attempt_id": [first.id, second.id],
            "assignment_id": [a.id],
            "course_id": [course.id],
            "user_id": [student.id],
            "token": ["not-a-reset-token"],
        },
        quiz_reviews=quiz_reviews,
        old_answers=old_answers,
    )


def _visible(held: set[str]) -> list[str]:
    return [q for q in db.session.scalars(select(Question.id)) if q not in held]


def _get_urls(app, scene: Scene):  # type: ignore[no-untyped-def]
    """(url, question ids it is about, quiz-review question or None) for every GET route."""
    adapter = app.url_map.bind("localhost")
    facts = scene.params["fact_id"]
    queries = ["", *(f"?fact={f}&show=1" for f in facts)]
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        names = sorted(rule.arguments)
        if not names:
            for query in queries:
                yield adapter.build(rule.endpoint) + query, set(), None
            continue
        for values in itertools.product(*(scene.params[n] for n in names)):
            args = dict(zip(names, values, strict=True))
            about = {args["qid"]} if "qid" in args else set()
            quiz_answer = scene.quiz_reviews.get(args.get("review_id"))  # type: ignore[arg-type]
            if quiz_answer:
                about.add(quiz_answer)
            yield adapter.build(rule.endpoint, args), about, quiz_answer


def _leaks(body: str, needles: dict[str, list[re.Pattern[str]]]) -> list[str]:
    return [qid for qid, patterns in needles.items() if any(p.search(body) for p in patterns)]


def _needle_sets(held: set[str]):  # type: ignore[no-untyped-def]
    """Needles for any response, and for a response about one held question.

    A question that may be shown can share a held one's explanation or key (siblings often
    do): those are needles only on a response about the held question itself.
    """
    public = _public_text()
    visible = _visible(held)
    shared = public + "\n".join(item(q).why for q in visible)
    shown_keys = frozenset(check(item(q), None).expected for q in visible)
    everywhere = {q: _needles(q, shared, shown_keys) for q in held}
    about_one = {q: _needles(q, public) for q in held}
    return everywhere, about_one, public


def _sweep(app, scene: Scene, held: set[str], viewers=None, accepts=ACCEPTS):  # type: ignore[no-untyped-def]
    """Every GET route for the viewers; returns (viewer, url, what leaked)."""
    everywhere, about_one, public = _needle_sets(held)
    found = []
    for name in viewers or scene.viewers:
        client = _login(app, scene.viewers[name])
        for url, about, quiz_answer in _get_urls(app, scene):
            for accept in accepts:
                response = client.get(url, headers={"Accept": accept}, follow_redirects=True)
                body = response.get_data().decode("utf-8", "replace")
                assert response.status_code < 500, (name, url)
                needles = {**everywhere, **{q: about_one[q] for q in about & held}}
                if quiz_answer:  # answers and marks 'never': nothing of it, even after close
                    needles[quiz_answer] = about_one.get(quiz_answer) or _needles(
                        quiz_answer, public
                    )
                for qid in _leaks(body, needles):
                    found.append((name, url, f"key of {qid}"))
                if quiz_answer and any(m in body for m in MARKS):
                    found.append((name, url, f"mark of quiz answer to {quiz_answer}"))
    return found


def _post(client, name, url, data, needles, found, accepts=ACCEPTS):  # type: ignore[no-untyped-def]
    for accept in accepts:
        response = client.post(url, data=data, headers={"Accept": accept}, follow_redirects=True)
        assert response.status_code < 500, (name, url)
        body = response.get_data().decode("utf-8", "replace")
        found.extend((name, url, f"key of {q}") for q in _leaks(body, needles))


def _posts(app, scene: Scene, held: set[str], viewers=None) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    """Practice, study answers, explain reveals and replays of held questions."""
    everywhere, about_one, _ = _needle_sets(held)
    found: list[tuple[str, str, str]] = []
    ids = sorted(held)
    for name in viewers or scene.viewers:
        client = _login(app, scene.viewers[name])
        gradable = [q for q in ids if item(q).type != "explain"]  # as a practice page has
        for mode in ("practice", "mistakes"):
            data = {"batch_id": f"sweep-{name}-{mode}", "question_ids": ",".join(gradable)}
            data["mode"] = mode
            for qid in gradable:
                data.update(answer_fields(item(qid), True, prefix=f"q-{qid}-"))
            needles = {**everywhere, **about_one}  # about every question it names
            _post(client, name, "/study/practice", data, needles, found, ("text/html",))
        for k, qid in enumerate(ids):
            base = {
                "question_id": qid,
                "card_version": "0",
                "shown_at": utcnow().isoformat(),
                **answer_fields(item(qid), True),
            }
            needles = {**everywhere, qid: about_one[qid]}
            if item(qid).type == "explain":  # the reveal step: no rating yet
                reveal = {key: v for key, v in base.items() if key != "rating"}
                _post(
                    client,
                    name,
                    "/study/answer",
                    {**reveal, "request_id": f"r-{k}"},
                    needles,
                    found,
                )
            for mode in ("study", "flashcard"):
                data = {**base, "mode": mode, "request_id": f"sweep-{mode}-{k}", "rating": "3"}
                _post(client, name, "/study/answer", data, needles, found)
        for rid, qid in scene.old_answers.get(name, []):  # an earlier answer, replayed
            for target, mode in ((qid, "study"), (ids[0], "flashcard")):
                data = {
                    "question_id": target,
                    "card_version": "0",
                    "shown_at": utcnow().isoformat(),
                    "request_id": rid,
                    "mode": mode,
                    **answer_fields(item(target), False),
                }
                needles = {**everywhere, **{q: about_one[q] for q in {target} & held}}
                _post(client, name, "/study/answer", data, needles, found)
    return found


def _recorded_since(scene: Scene, held: set[str], since) -> int:  # type: ignore[no-untyped-def]
    return db.session.scalar(
        select(func.count())
        .select_from(Review)
        .where(Review.question_id.in_(held), Review.created_at >= since)
    )


def test_nothing_gives_a_held_key_or_a_withheld_mark_to_anybody(app, scene):
    start = utcnow()
    assert not _sweep(app, scene, scene.held)
    assert not _posts(app, scene, scene.held)
    db.session.expire_all()
    assert _recorded_since(scene, scene.held, start) == 0


def test_after_the_attempt_the_quiz_still_holds_its_own_questions(app, scene):
    """The student submits attempt 2; the quiz stays open: its own questions stay held for
    everybody, and the student's quiz answers keep their marks and keys ('never')."""
    open_attempt = max(scene.params["attempt_id"])
    assert quiz.finish_attempt(open_attempt, utcnow())
    start = utcnow()
    held = set(scene.quiz_ids)
    # The rule names nobody, so two viewers suffice here: the student (with the quiz answers)
    # and a visitor; the full sweep above runs all four.
    viewers = ("visitor", "student")
    assert not _sweep(app, scene, held, viewers, accepts=("text/html",))
    assert not _posts(app, scene, held, viewers)
    db.session.expire_all()
    assert _recorded_since(scene, held, start) == 0


def test_the_sweep_reaches_every_route_that_names_a_question_review_or_fact(app, scene):
    endpoints = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.arguments & {"qid", "review_id", "fact_id", "batch_id"} and "GET" in rule.methods
    }
    assert {"essay.question", "study.feedback", "study.practice_fact"} <= endpoints
    urls = [url for url, _, _ in _get_urls(app, scene)]
    for endpoint in endpoints:
        rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
        prefix = rule.rule.split("<")[0]
        assert any(url.startswith(prefix) for url in urls), endpoint
    assert any(url.startswith("/api/") for url in urls)
    assert any("/study/flashcards?fact=" in url for url in urls)


def test_quiz_pages_name_no_bank_id(app, scene):
    """The attempt's pages and responses address questions by position: nothing on them is an
    id that another route accepts."""
    client = _login(app, scene.viewers["student"])
    attempt = max(scene.params["attempt_id"])
    first = min(scene.params["attempt_id"])
    bodies = [
        client.get(f"/classes/attempts/{attempt}").get_data(as_text=True),
        client.get(f"/classes/attempts/{first}/result").get_data(as_text=True),
        client.post(f"/classes/attempts/{attempt}/autosave", data={"q-1-text": "x"}).get_data(
            as_text=True
        ),
    ]
    assert 'name="q-1-' in bodies[0]
    for qid in scene.quiz_ids:
        assert not any(qid in body for body in bodies), qid
