"""No input gives a server error: every route, URL parameter, query parameter and form field.

The sweeps walk ``app.url_map`` as a visitor, a student and an instructor (26 hours apart in
time zones). Every URL parameter takes each odd value (superscript and Arabic-Indic digits,
10^20, -1, '', control characters, very long strings, NaN and the like); every form that the
pages show (found by reading them) is posted with one field odd at a time. Hypothesis then draws
combinations: odd query parameters, several odd fields, JSON bodies of any type. Any 5xx, or
exception, fails. The app runs with CSRF off (another suite keeps it on).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, update

import studyapp.web
from studyapp.extensions import db
from studyapp.models import (
    Assignment,
    AssignmentOverride,
    Attempt,
    AttemptState,
    Course,
    Enrollment,
    Question,
    Review,
    ReviewMode,
    User,
)
from studyapp.services import assignments as quiz
from studyapp.services import courses, study
from studyapp.services.bank import questions_by_ids
from tests.conftest import make_app, make_user
from tests.web.helpers import answer_shown

NOW = datetime.now(UTC).replace(microsecond=0)
ODD = [
    "²",
    "٣",
    "١٠",
    "Ⅻ",
    str(10**20),
    "-1",
    "0",
    "",
    " ",
    "\x00",
    "a\x00b",
    "\x1b[2J",
    "\u202eevil",
    "\ufeff1",
    "NaN",
    "sNaN",
    "-inf",
    "Infinity",
    "1e999",
    "1_000",
    "0x10",
    " 7 ",
    "1" * 5000,
    "x" * 3000,
    "../../etc/passwd",
    "%00",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "9999-12-31T23:59",
    "0001-01-01T00:00",
    "2030-02-30T25:61",
    "true",
    "null",
    "[]",
    "😀",
]
odd_text = st.one_of(st.sampled_from(ODD), st.text(max_size=12))
odd_json = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.none(),
    st.booleans(),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    odd_text,
)
ROLES = ("visitor", "student", "instructor")


def _query_names() -> list[str]:
    """Every query parameter a view reads, from the source of the web package."""
    names: set[str] = set()
    for path in Path(studyapp.web.__file__).parent.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        names |= set(re.findall(r'(?:args\.get|args\.getlist|query_int)\(\s*"(\w+)"', text))
    return sorted(names)


QUERY_NAMES = _query_names()


# --- the world the sweep runs in -----------------------------------------------------------


@dataclass
class World:
    app: Any
    client: Any
    users: dict[str, User | None]
    values: dict[str, list[str]]  # URL parameter -> real values
    forms: dict[str, list[Form]] = field(default_factory=dict)  # role -> forms seen

    @property
    def rules(self) -> list[Any]:
        """Every route of the app, in a fixed order."""
        rules = self.app.url_map.iter_rules()
        return sorted(rules, key=lambda r: (r.rule, sorted(r.methods or ())))


@dataclass
class Form:
    action: str
    method: str
    fields: dict[str, list[str]]  # name -> the values the page offers
    shown: bool = True  # on a page this role sees (not only another role's form)


class _Forms(HTMLParser):
    """The forms of a page: action, method and every named field with its values."""

    def __init__(self, page_url: str) -> None:
        super().__init__()
        self.page_url = page_url
        self.forms: list[Form] = []
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            action = a.get("action") or self.page_url
            self.forms.append(Form(action, (a.get("method") or "get").upper(), {}))
            if a.get("data-autosave"):  # quiz.js posts the same fields there
                self.forms.append(Form(a["data-autosave"], "POST", self.forms[-1].fields))
            return
        if not self.forms:
            return
        fields = self.forms[-1].fields
        name = a.get("name")
        if tag in ("input", "button") and name:
            fields.setdefault(name, []).append(a.get("value", ""))
            if a.get("formaction"):
                self.forms.append(Form(a["formaction"], "POST", fields))
        elif tag == "select" and name:
            self._select = name
            fields.setdefault(name, [])
        elif tag == "option" and self._select:
            fields[self._select].append(a.get("value", ""))
        elif tag == "textarea" and name:
            fields.setdefault(name, []).append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None


def _login(world: World, role: str) -> None:
    """Make the client's session that of ``role`` (no login form: no login limits)."""
    with world.client.session_transaction() as session:
        session.clear()
        user = world.users[role]
        if user is not None:
            db.session.refresh(user)
            session["_user_id"] = user.get_id()
            session["_fresh"] = True


def _build_world(app: Any) -> World:
    """A class with an open quiz (matching, ordering, choice and typed items) and a closed one.

    The student has a study answer, a practice quiz and an attempt in progress; another
    student has a finished attempt and an extension; the two users sit 26 hours apart.
    """
    instructor = make_user(name="Ines", role="instructor")
    student = make_user(name="Sam")
    other = make_user(name="Olu")
    instructor.timezone = "Pacific/Kiritimati"  # UTC+14
    student.timezone = "Etc/GMT+12"  # UTC-12
    db.session.commit()
    client = app.test_client()
    world = World(app, client, {"visitor": None, "student": student, "instructor": instructor}, {})

    _login(world, "student")
    response, _, _ = answer_shown(client, client.get("/study/").get_data(as_text=True))
    review_id = response.headers["Location"].rsplit("/", 1)[-1]
    practice = list(questions_by_ids(quiz.draw_questions(count=5, seed=8)).values())
    study.grade_practice(
        student, practice, {}, batch_id="batch-1", mode=ReviewMode.PRACTICE, now=NOW
    )

    course = courses.create_course(instructor, "History", "Spring")
    for s in (student, other):
        courses.join_course(s, course.join_code)
    ids = quiz.draw_questions(
        count=6, types=["multiple_choice", "matching", "ordering", "cloze"], seed=4, same_fact=True
    )
    open_quiz = quiz.create_assignment(
        course,
        quiz.AssignmentSettings("Open quiz", NOW - timedelta(hours=1), NOW + timedelta(days=3)),
        ids,
    )
    done_quiz = quiz.create_assignment(
        course,
        quiz.AssignmentSettings("Done quiz", NOW - timedelta(days=2), NOW + timedelta(days=1)),
        quiz.draw_questions(count=3, types=["true_false"], seed=2),
    )
    finished = quiz.start_attempt(done_quiz, other, NOW - timedelta(hours=1))
    quiz.finish_attempt(finished.id, NOW - timedelta(minutes=30))
    attempt = quiz.start_attempt(open_quiz, student, NOW)
    quiz.set_override(open_quiz, other.id, extra_minutes=5, closes_at=NOW + timedelta(days=4))
    world.values = {
        "course_id": [str(course.id)],
        "assignment_id": [str(open_quiz.id), str(done_quiz.id)],
        "attempt_id": [str(attempt.id), str(finished.id)],
        "user_id": [str(other.id), str(student.id)],
        "review_id": [review_id],
        "qid": [ids[0], practice[0].id],
        "fact_id": [practice[0].fact_ids[0]],
        "batch_id": ["batch-1"],
        "filename": ["css/app.css"],
        "token": ["not-a-reset-token"],
    }
    return world


def _reset(world: World) -> None:
    """Put back what earlier requests may have ended or moved: the attempt in progress and its
    quiz, the roster, the bank and the users' far time zones (so each request finds them)."""
    db.session.rollback()
    course = db.session.get(Course, int(world.values["course_id"][0]))
    course.join_open = True
    a = db.session.get(Assignment, int(world.values["assignment_id"][0]))
    a.opens_at, a.closes_at = NOW - timedelta(hours=1), NOW + timedelta(days=3)
    a.time_limit_minutes, a.attempts_allowed = None, 1
    attempt_id = int(world.values["attempt_id"][0])
    db.session.execute(delete(Review).where(Review.attempt_id == attempt_id))
    db.session.execute(delete(AssignmentOverride).where(AssignmentOverride.assignment_id == a.id))
    attempt = db.session.get(Attempt, attempt_id)
    attempt.state, attempt.deadline = AttemptState.OPEN, a.closes_at
    attempt.finished_at = attempt.finished_by = attempt.marks = attempt.max_marks = None
    for user_id in world.values["user_id"]:
        if not courses.is_enrolled(db.session.get(User, int(user_id)), course.id):
            db.session.add(Enrollment(course_id=course.id, user_id=int(user_id)))
    db.session.execute(update(Question).values(retired_at=None))
    world.users["instructor"].timezone = "Pacific/Kiritimati"  # UTC+14
    world.users["student"].timezone = "Etc/GMT+12"  # UTC-12
    db.session.commit()


def _path(rule: Any, values: dict[str, str]) -> str:
    return re.sub(
        r"<(?:[^:<>]+:)?([^<>]+)>", lambda m: quote(values[m.group(1)], safe=""), rule.rule
    )


def _pages(world: World) -> Iterator[str]:
    """Every GET route filled with real values, and a few pages that show more forms."""
    for rule in world.rules:
        if "GET" not in (rule.methods or ()) or rule.endpoint == "static":
            continue
        yield _path(rule, {k: v[0] for k, v in world.values.items()})
    yield "/study/practice?count=20&types=matching&types=ordering&types=multiple_choice"
    yield "/study/flashcards?i=1&show=1"
    yield f"/teach/assignments/{world.values['assignment_id'][0]}?attempts=all"


def _collect_forms(world: World, role: str) -> list[Form]:
    """The forms on every page ``role`` reaches, one per method and action."""
    _login(world, role)
    forms: dict[tuple[str, str], Form] = {}
    for url in _pages(world):
        response = world.client.get(url)
        assert response.status_code < 500, url
        if "text/html" not in response.content_type:
            continue
        parser = _Forms(urlsplit(url).path)
        parser.feed(response.get_data(as_text=True))
        for form in parser.forms:  # the mistakes and practice pages post different fields
            action = form.action.split("#")[0]
            key = (form.method, action, tuple(sorted(form.fields)))
            known = forms.setdefault(key, Form(action, form.method, {}))
            for name, values in form.fields.items():
                offered = known.fields.setdefault(name, [])
                offered.extend(v for v in values if v not in offered)
    return list(forms.values())


def _posts_everywhere(world: World) -> None:
    """Each role also posts to every POST route, with the fields another role's page has."""
    fields: dict[str, dict[str, list[str]]] = {}
    for forms in world.forms.values():
        for form in forms:
            if form.method == "POST":
                fields.setdefault(urlsplit(form.action).path, {}).update(form.fields)
    real = {k: v[0] for k, v in world.values.items()}
    for forms in world.forms.values():
        seen = {urlsplit(f.action).path for f in forms if f.method == "POST"}
        for rule in world.rules:
            path = _path(rule, real)
            if "POST" in (rule.methods or ()) and path not in seen:
                forms.append(Form(path, "POST", fields.get(path, {}), shown=False))


@pytest.fixture(scope="module")
def world(template_db: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    app = make_app(template_db, tmp_path_factory.mktemp("fuzz"))
    with app.app_context():
        world = _build_world(app)
        for role in ROLES:
            world.forms[role] = _collect_forms(world, role)
        _posts_everywhere(world)
        yield world
        db.session.remove()
        db.engine.dispose()


def _check(response: Any, what: str) -> None:
    assert response.status_code < 500, (what, response.status_code)


class Failures(list):
    """Every request of a sweep that failed (an exception or a 5xx), reported together."""

    def request(self, what: str, send: Any) -> None:
        try:
            status = send().status_code
        except Exception as exc:  # the app propagates errors in testing: record, go on
            db.session.rollback()
            self.append(f"{what}: {type(exc).__name__}: {str(exc)[:120]}")
        else:
            if status >= 500:
                self.append(f"{what}: {status}")


def _methods(rule: Any) -> list[str]:
    return sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})


def _shape(name: str) -> str:
    """Fields that differ only by question or number (match-0, match-1…) are read alike."""
    return re.sub(r"\d+", "N", re.sub(r"^q-(?:[a-z]+-[0-9a-f]+|\d+)-", "q-", name))


def _post(world: World, form: Form, data: dict[str, str]) -> Any:
    # Following the redirect shows what was saved, in the role's own time zone.
    if form.method == "GET":
        return world.client.get(form.action, query_string=data, follow_redirects=True)
    return world.client.post(form.action, data=data, follow_redirects=True)


def _dated_pages(world: World) -> dict[str, list[str]]:
    """Pages that show the quiz's times, for the users 26 hours apart."""
    course, quiz_id = world.values["course_id"][0], world.values["assignment_id"][0]
    return {
        "student": ["/classes/", f"/classes/assignments/{quiz_id}", "/study/"],
        "instructor": [f"/teach/courses/{course}"],
    }


def _post_and_look(world: World, role: str, form: Form, data: dict[str, str]) -> Any:
    """Send the form; when the instructor saved something, let both users see it (in their own
    time zones, 26 hours apart)."""
    response = _post(world, form, data)
    if role == "instructor" and response.history and form.method == "POST":
        for viewer, pages in _dated_pages(world).items():
            _login(world, viewer)
            for page in pages:
                _check(world.client.get(page), f"{viewer} GET {page} after {role}'s form")
        _login(world, role)
    return response


# --- sweeps: every parameter and field, each odd value ---------------------------------------


def test_the_sweep_reaches_every_kind_of_form(world):
    """The crawl found the forms that matter, so the fuzzing below reaches them."""
    posted = {(role, urlsplit(f.action).path) for role in ROLES for f in world.forms[role]}
    attempt = world.values["attempt_id"][0]
    assert ("student", f"/classes/attempts/{attempt}/save") in posted
    assert ("student", f"/classes/attempts/{attempt}/autosave") in posted
    assert ("student", "/study/practice") in posted
    assert ("instructor", "/account/settings") in posted
    fields = {_shape(n) for f in world.forms["student"] for n in f.fields}
    assert {"q-match-N", "q-pos-N", "q-choice", "q-text", "go"} <= fields
    assert {"card_version", "request_id", "desired_retention", "batch_id"} <= fields
    fields = {n for f in world.forms["instructor"] for n in f.fields}
    assert {"opens_at", "closes_at", "student_id", "extra_minutes", "seed"} <= fields


def test_every_url_parameter_takes_each_odd_value(world):
    """Each odd value in each URL parameter of each route, for each role: never a 5xx."""
    real = {k: v[0] for k, v in world.values.items()}
    failures = Failures()
    for role in ROLES:
        _reset(world)
        _login(world, role)
        for rule in world.rules:
            for name in rule.arguments:
                for odd in ODD:
                    url = _path(rule, real | {name: odd})
                    for method in _methods(rule):
                        failures.request(
                            f"{role} {method} {url[:80]}",
                            lambda url=url, method=method: world.client.open(url, method=method),
                        )
    assert not failures, "\n".join(failures)


FIELD_ODD = ["²", "sNaN", "\x00", "0001-01-01T00:00", "9999-12-31T23:59"]


def _endpoint(world: World, form: Form) -> str:
    adapter = world.app.url_map.bind("localhost")
    return adapter.match(urlsplit(form.action).path, method=form.method)[0]


def test_every_form_field_takes_each_odd_value(world):
    """Each form a role's pages show, filled as the page fills it, with one field odd at a time.

    One form per route and set of fields (the six retire buttons read alike), one field per
    shape (match-0 and match-1 read alike).
    """
    failures = Failures()
    for role in ROLES:
        forms = {
            (_endpoint(world, f), frozenset(map(_shape, f.fields))): f
            for f in reversed(world.forms[role])
            if f.shown
        }
        for form in forms.values():
            base = {name: offered[0] if offered else "" for name, offered in form.fields.items()}
            shapes = {_shape(name): name for name in sorted(form.fields, reverse=True)}
            for name in shapes.values():
                for odd in FIELD_ODD:
                    _reset(world)
                    _login(world, role)
                    data = base | {name: odd}
                    failures.request(
                        f"{role} {form.method} {form.action} {name}={odd[:20]!r}",
                        lambda role=role, form=form, data=data: _post_and_look(
                            world, role, form, data
                        ),
                    )
    assert not failures, "\n".join(failures)


# --- fuzzing: Hypothesis draws the combinations ----------------------------------------------

FUZZ = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(data=st.data())
def test_no_route_fails_on_odd_url_and_query_values(world, data):
    rule = data.draw(st.sampled_from(world.rules), label="route")
    role = data.draw(st.sampled_from(ROLES), label="role")
    values = {
        name: data.draw(st.sampled_from(world.values[name]) | odd_text, label=name)
        for name in rule.arguments
    }
    query = data.draw(
        st.dictionaries(st.sampled_from(QUERY_NAMES), odd_text, max_size=3), label="query"
    )
    url = _path(rule, values) + ("?" + urlencode(query) if query else "")
    _reset(world)
    _login(world, role)
    for method in _methods(rule):
        _check(world.client.open(url, method=method), f"{role} {method} {url}")


@pytest.mark.parametrize("role", ROLES)
@FUZZ
@given(data=st.data())
def test_no_form_fails_on_odd_field_values(world, role, data):
    """A form as its page offers it, with one to three fields odd."""
    form = data.draw(st.sampled_from(world.forms[role]), label="form")
    names = sorted(form.fields)
    odd = set()
    if names:
        odd = data.draw(st.sets(st.sampled_from(names), min_size=1, max_size=3), label="odd")
    filled = {
        name: data.draw(
            odd_text if name in odd else st.sampled_from(form.fields[name] or [""]), label=name
        )
        for name in names
    }
    _reset(world)
    _login(world, role)
    _check(
        _post_and_look(world, role, form, filled),
        f"{role} {form.method} {form.action} {filled!r}",
    )


@pytest.mark.parametrize("role", ROLES)
@FUZZ
@given(data=st.data())
def test_no_form_fails_on_json_of_any_type(world, role, data):
    """The same forms sent as JSON whose fields (or whole body) are numbers, null, lists…"""
    form = data.draw(
        st.sampled_from([f for f in world.forms[role] if f.method == "POST"]), label="form"
    )
    body: Any = {
        name: data.draw(odd_json | st.sampled_from(offered or [""]), label=name)
        for name, offered in form.fields.items()
    }
    body = data.draw(st.sampled_from([body, [body], 7, "text", None]), label="body")
    _reset(world)
    _login(world, role)
    response = world.client.post(
        form.action,
        data=json.dumps(body),
        content_type="application/json",
        headers={"Accept": "application/json"},
    )
    _check(response, f"{role} JSON {form.action} {body!r}")
