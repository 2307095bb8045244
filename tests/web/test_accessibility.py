"""Markup rules on every page each role reaches (the browser tests run axe-core on top).

Each HTML page of a sweep must have exactly one <h1>, no id reference (aria-describedby,
aria-labelledby, label for=) to an element that is not there, no duplicate id, and no
aria-label on a <p>, <span> or <div> without a role (where screen readers ignore it).
"""

from __future__ import annotations

import re
from collections import Counter
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from studyapp.extensions import db
from studyapp.models import Assignment, Attempt, Question, User
from studyapp.services.demo import DEMO_PASSWORD, DEMO_QUIZ, seed_demo
from tests.web.helpers import answer_shown

ID_REFERENCES = ("aria-describedby", "aria-labelledby", "aria-controls", "for")
NAMELESS = {"p", "span", "div"}


class Markup(HTMLParser):
    """The facts about one page that the rules need."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: Counter[str] = Counter()
        self.references: list[tuple[str, str, str]] = []  # (tag, attribute, id)
        self.labelled: list[str] = []
        self.h1 = 0
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if "id" in a:
            self.ids[a["id"]] += 1
        for name in ID_REFERENCES:
            for ref in a.get(name, "").split():
                self.references.append((tag, name, ref))
        if tag == "h1":
            self.h1 += 1
        if tag in NAMELESS and "aria-label" in a and "role" not in a:
            self.labelled.append(f"<{tag} aria-label={a['aria-label']!r}>")

    def problems(self) -> list[str]:
        found = [f"{self.h1} <h1> elements (want exactly one)"] if self.h1 != 1 else []
        found += [
            f'<{tag} {name}="{ref}"> names no element'
            for tag, name, ref in self.references
            if ref not in self.ids
        ]
        found += [f'id "{i}" is used {n} times' for i, n in self.ids.items() if n > 1]
        found += [f"{e} on an element without a role" for e in self.labelled]
        return found


class Sweep:
    """Fetches pages with a client and collects every markup problem."""

    def __init__(self, client) -> None:  # type: ignore[no-untyped-def]
        self.client = client
        self.pages: list[str] = []
        self.problems: list[str] = []

    def check(self, response, where: str) -> str:  # type: ignore[no-untyped-def]
        assert response.mimetype == "text/html", (where, response.status_code)
        html = response.get_data(as_text=True)
        self.pages.append(where)
        self.problems += [f"{where}: {p}" for p in Markup(html).problems()]
        return html

    def get(self, path: str) -> str:
        return self.check(self.client.get(path, follow_redirects=True), f"GET {path}")

    def post(self, path: str, data: dict | None = None) -> str:
        response = self.client.post(path, data=data or {}, follow_redirects=True)
        return self.check(response, f"POST {path}")

    def assert_clean(self, minimum_pages: int) -> None:
        assert len(self.pages) >= minimum_pages, self.pages
        assert not self.problems, "\n".join(self.problems)


@pytest.fixture
def demo(app) -> Assignment:
    list(seed_demo())
    return db.session.scalar(select(Assignment).where(Assignment.title == DEMO_QUIZ))


def _login(client, email: str) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/account/login", data={"email": email, "password": DEMO_PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)


def _field_tag(html: str, field_id: str) -> str:
    match = re.search(rf'<(?:input|select|textarea)\b[^>]*\bid="{field_id}"[^>]*>', html)
    assert match, field_id
    return match.group(0)


def test_markup_checker_finds_each_problem():
    html = (
        '<p aria-label="Queue">1 due</p><span role="img" aria-label="ok">✓</span>'
        '<input id="a" aria-describedby="a-help"><label for="b">B</label><i id="c"></i><i id="c">'
    )
    assert Markup(html).problems() == [
        "0 <h1> elements (want exactly one)",
        '<input aria-describedby="a-help"> names no element',
        '<label for="b"> names no element',
        'id "c" is used 2 times',
        "<p aria-label='Queue'> on an element without a role",
    ]
    assert Markup("<h1>One</h1><h1>Two</h1>").problems() == ["2 <h1> elements (want exactly one)"]


def test_fields_are_described_only_by_help_and_errors_that_exist(client):
    login = client.get("/account/login").get_data(as_text=True)
    assert "aria-describedby" not in _field_tag(login, "email")
    assert "aria-describedby" not in _field_tag(login, "password")

    signup = client.get("/account/signup").get_data(as_text=True)
    assert 'aria-describedby="password-help"' in _field_tag(signup, "password")
    assert 'id="password-help"' in signup
    assert "aria-describedby" not in _field_tag(signup, "name")

    refused = client.post(
        "/account/signup",
        data={"name": "Kim", "email": "not an email", "password": "short", "confirm": "x"},
    ).get_data(as_text=True)
    email = _field_tag(refused, "email")
    assert 'aria-describedby="email-error-1"' in email and 'aria-invalid="true"' in email
    assert re.search(r'<p class="error" id="email-error-1" role="alert">', refused)
    password = _field_tag(refused, "password")
    assert re.search(r'aria-describedby="password-help password-error-\d"', password)
    assert "aria-invalid" not in _field_tag(refused, "name")
    assert Markup(refused).problems() == []


def test_new_quiz_marks_a_wrong_mix_count_at_its_field(client, demo):
    _login(client, "teacher@example.com")
    html = client.post(
        f"/teach/courses/{demo.course_id}/assignments/new",
        data={"title": "Mix", "mix_ordering": "200"},
    ).get_data(as_text=True)
    field = _field_tag(html, "mix_ordering")
    assert 'aria-describedby="mix_ordering-error"' in field and 'aria-invalid="true"' in field
    assert re.search(r'<p class="error" id="mix_ordering-error" role="alert">Ordering: ', html)
    assert Markup(html).problems() == []


def test_visitor_pages(client, demo):
    sweep = Sweep(client)
    sweep.get("/")
    sweep.get("/account/login")
    sweep.post("/account/login", {"email": "nobody@example.com", "password": "wrong"})
    sweep.post("/account/login", {})
    sweep.get("/account/signup")
    sweep.post("/account/signup", {"email": "x"})
    sweep.get("/essay")
    sweep.get("/questions")
    sweep.get("/questions?type=ordering&page=2")
    quiz_ids = [i.question_id for i in demo.items]
    free = db.session.scalar(select(Question.id).where(Question.id.not_in(quiz_ids)))
    sweep.get(f"/questions/{free}")
    sweep.get(f"/questions/{quiz_ids[0]}")
    sweep.check(client.get("/no-such-page"), "not found")
    sweep.assert_clean(minimum_pages=12)


def test_student_pages(client, demo):
    sweep = Sweep(client)
    _login(client, "student@example.com")
    sweep.get("/study/progress")
    sweep.get("/study/mistakes")
    types = set()
    for n in range(12):
        html = sweep.get("/study/")
        if 'data-study="question"' not in html:
            break
        assert '<p class="counts"><span class="visually-hidden">Queue:</span>' in html
        response, item, _ = answer_shown(client, html, right=n % 2 == 1)
        types.add(str(item.type))
        if str(item.type) == "explain":
            continue
        sweep.check(client.get(response.headers["Location"]), f"feedback ({item.type})")
    assert len(types) >= 4, types
    sweep.get("/study/practice")
    sweep.get("/study/practice?count=0")
    practice = sweep.get("/study/practice?count=20")
    fields = {
        name: re.search(rf'name="{name}"[^>]*value="([^"]*)"', practice).group(1)
        for name in ("batch_id", "question_ids", "mode")
    }
    sweep.post("/study/practice", fields)
    sweep.get("/study/mistakes")
    sweep.get("/study/flashcards")
    sweep.get("/study/flashcards?show=1")
    sweep.get("/study/progress")
    sweep.get("/account/settings")
    sweep.post("/account/settings", {"desired_retention": "2", "rollover_hour": "x"})
    sweep.post("/account/password", {"current": "x"})
    sweep.get("/questions")
    sweep.get(f"/questions/{demo.items[0].question_id}")
    sweep.get("/classes/")
    sweep.post("/classes/join", {"code": "nope"})
    sweep.get(f"/classes/assignments/{demo.id}")
    sweep.post(f"/classes/assignments/{demo.id}/start")
    attempt = db.session.scalar(
        select(Attempt).where(Attempt.assignment_id == demo.id, Attempt.state == "open")
    )
    sweep.post(f"/classes/attempts/{attempt.id}/submit")
    sweep.get(f"/classes/assignments/{demo.id}")
    sweep.assert_clean(minimum_pages=30)


def test_instructor_pages(client, demo):
    sweep = Sweep(client)
    _login(client, "teacher@example.com")
    course = demo.course_id
    attempt = db.session.scalar(
        select(Attempt.id)
        .join(User, User.id == Attempt.user_id)
        .where(Attempt.assignment_id == demo.id, User.email == "ana@example.com")
    )
    sweep.get("/teach/")
    sweep.post("/teach/courses", {"name": ""})
    sweep.get(f"/teach/courses/{course}")
    sweep.get(f"/teach/courses/{course}/assignments/new")
    sweep.post(f"/teach/courses/{course}/assignments/new", {"title": "", "draw_count": "x"})
    sweep.post(
        f"/teach/courses/{course}/assignments/new", {"action": "filter", "pick_type": "ordering"}
    )
    item_analysis = sweep.get(f"/teach/assignments/{demo.id}")
    assert '<span aria-hidden="true">✓</span><span class="visually-hidden">' in item_analysis
    sweep.get(f"/teach/assignments/{demo.id}?attempts=all")
    sweep.get(f"/teach/assignments/{demo.id}/edit")
    sweep.post(f"/teach/assignments/{demo.id}/edit", {"title": ""})
    sweep.post(f"/teach/assignments/{demo.id}/overrides", {"extra_minutes": "x"})
    sweep.get(f"/teach/courses/{course}/gradebook")
    sweep.get(f"/teach/attempts/{attempt}")
    sweep.get(f"/questions/{demo.items[0].question_id}")
    sweep.get("/account/settings")
    sweep.assert_clean(minimum_pages=15)
