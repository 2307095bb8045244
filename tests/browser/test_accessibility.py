"""axe-core on every page each role reaches: WCAG 2.0-2.2 A and AA plus best practice.

Each page state is scanned at 1280 and 390 px wide, in the light and the dark colour scheme.
Any violation, whatever its impact, fails the test; the message lists each one with the page,
the width, the scheme, the rule, the elements and axe's explanation.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from axe_playwright_python.base import AXE_SCRIPT
from sqlalchemy import select

from studyapp.db import utcnow
from studyapp.extensions import db
from studyapp.models import Assignment, Attempt, Question, User
from studyapp.services import accounts
from studyapp.services.demo import DEMO_PASSWORD, DEMO_QUIZ, seed_demo
from tests.browser.test_student_flow import _answer_with_keys

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": TAGS}, "resultTypes": ["violations"]}
VIEWPORTS = ({"width": 1280, "height": 900}, {"width": 390, "height": 844})
SCHEMES = ("light", "dark")


@dataclass
class Scanner:
    """Runs axe on the page in the browser in every viewport and colour scheme."""

    page: object
    base: str
    scanned: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def visit(self, path: str, name: str | None = None) -> None:
        """Open a path of the app and scan it."""
        self.page.goto(self.base + path)
        self.scan(name or path)

    def scan(self, name: str) -> None:
        """Scan the page as it stands (injecting axe-core once per document)."""
        page = self.page
        if not page.evaluate("typeof window.axe === 'object'"):
            page.evaluate(AXE_SCRIPT)  # axe-core as bundled: nothing is fetched
        found: dict[tuple[str, str], list[str]] = {}
        for viewport in VIEWPORTS:
            page.set_viewport_size(viewport)
            for scheme in SCHEMES:
                page.emulate_media(color_scheme=scheme)
                results = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
                for violation in results["violations"]:
                    key = (violation["id"], _describe(violation))
                    found.setdefault(key, []).append(f"{viewport['width']}px {scheme}")
        page.set_viewport_size(VIEWPORTS[0])
        page.emulate_media(color_scheme="light")
        self.scanned.append(name)
        path = page.url.removeprefix(self.base)
        for (rule, text), where in found.items():
            self.failures.append(f"{name} ({path}), {', '.join(where)}: {rule} {text}")

    def check(self, role: str) -> None:
        """Fail with every violation found, or report how many page states passed."""
        states = len(self.scanned) * len(VIEWPORTS) * len(SCHEMES)
        print(f"\naxe: {role}: {len(self.scanned)} pages, {states} page states scanned")
        if self.failures:
            pytest.fail(f"{len(self.failures)} axe violations:\n\n" + "\n\n".join(self.failures))
        assert self.page.js_errors == []


def _describe(violation: dict) -> str:
    """One violation in words: impact, rule, and each element with axe's messages."""
    lines = [f"({violation['impact']}): {violation['help']}"]
    for node in violation["nodes"]:
        checks = node.get("any", []) + node.get("all", []) + node.get("none", [])
        messages = "; ".join(dict.fromkeys(c["message"] for c in checks))
        lines.append(f"    {', '.join(map(str, node['target']))}: {messages}")
        lines.append(f"      {node['html'][:200]}")
    return "\n".join(lines)


def _login(page, base: str, email: str, password: str = DEMO_PASSWORD) -> None:  # type: ignore[no-untyped-def]
    page.goto(base + "/account/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("button[type=submit]")
    page.wait_for_selector("text=Log out")


def _secret_key() -> str:
    """The secret key of the app under test (reset links are signed with it)."""
    from flask import current_app

    return current_app.config["SECRET_KEY"]


def _demo() -> Assignment:
    """Seed the demo class: a teacher, three students and an open quiz with two attempts."""
    list(seed_demo())
    return db.session.scalar(select(Assignment).where(Assignment.title == DEMO_QUIZ))


def test_visitor_pages_have_no_axe_violations(page, server_url):
    quiz = _demo()
    scan = Scanner(page, server_url)
    scan.visit("/", "home")
    scan.visit("/account/login", "log in")
    page.fill("#email", "nobody@example.com")
    page.fill("#password", "wrong password")
    page.click("button[type=submit]")
    scan.scan("log in, refused")
    scan.visit("/account/signup", "sign up")
    page.fill("#email", "not an email")
    page.click("button[type=submit]")
    scan.scan("sign up, with errors")
    scan.visit("/essay", "essay")
    scan.visit("/essay?cited=show", "essay, cited sentences marked")
    scan.visit("/questions", "question bank")
    scan.visit("/questions?page=2&type=matching", "question bank, filtered, page 2")
    scan.visit("/questions?q=sanctions", "question bank, searched")
    scan.visit("/questions?fact=no+such+fact&q=%E2%80%AEevil", "question bank, refused search")
    student = db.session.scalar(select(User).where(User.email == "ben@example.com"))
    token = accounts.reset_token(student, secret_key=_secret_key(), now=utcnow())
    scan.visit(f"/account/reset/{token}", "password reset")
    errors = len(page.js_errors)  # a refused form and a spent link answer 400: the browser logs it
    page.fill("#new", "short")
    page.click("button[type=submit]")
    scan.scan("password reset, with errors")
    scan.visit("/account/reset/spent", "password reset, link refused")
    assert [e for e in page.js_errors[errors:] if "400" not in e] == []
    del page.js_errors[errors:]  # the browser logs the page's own 400 status
    free = db.session.scalar(
        select(Question.id).where(Question.id.not_in([i.question_id for i in quiz.items]))
    )
    scan.visit(f"/questions/{free}", "question page")
    scan.visit(f"/questions/{quiz.items[0].question_id}", "question page, in an open quiz")
    errors = len(page.js_errors)
    scan.visit("/no-such-page", "not found")
    assert [e for e in page.js_errors[errors:] if "404" not in e] == []
    del page.js_errors[errors:]  # the browser logs the page's own 404 status
    scan.check("visitor")


def test_student_pages_have_no_axe_violations(page, server_url):
    quiz = _demo()
    quiz.one_per_page = True  # so the quiz page has its question navigation
    db.session.commit()
    scan = Scanner(page, server_url)
    _login(page, server_url, "student@example.com")
    scan.visit("/study/progress", "progress, empty")
    page.set_viewport_size(VIEWPORTS[1])
    page.click("[data-menu-toggle]")
    scan.scan("progress, main menu open (on a phone)")
    scan.visit("/study/mistakes", "my mistakes, none")

    seen: set[str] = set()
    wrong_done = False
    for _ in range(14):
        page.goto(server_url + "/study/")
        card = page.locator("[data-study=question]")
        if card.count() == 0:
            break
        kind = card.get_attribute("data-type")
        if kind not in seen:
            scan.scan(f"study question ({kind})")
        if kind == "explain" and "explain" not in seen:
            page.keyboard.type("From memory")
            page.keyboard.press("Enter")
            page.wait_for_selector("[data-revealed]")
            scan.scan("study question (explain), answer revealed")
            page.keyboard.press("3")
            page.wait_for_selector("[data-study=feedback]")
        else:
            right = wrong_done or kind not in ("multiple_choice", "true_false", "cloze")
            _answer_with_keys(page, right=right)
            if not right:
                wrong_done = True
                scan.scan("feedback, wrong")
            elif kind not in seen:
                scan.scan(f"feedback ({kind})")
        seen.add(kind)
    assert wrong_done and len(seen) >= 4, seen

    scan.visit("/study/practice", "practice setup")
    scan.visit("/study/practice?count=0", "practice setup, with errors")
    scan.visit("/study/practice?count=20", "practice quiz")
    page.click("text=Submit answers")
    page.wait_for_selector("[data-testid=score]")
    scan.scan("practice results")
    scan.visit("/study/mistakes", "my mistakes")
    scan.visit("/study/flashcards", "flashcards")
    page.click("text=Show answer")
    page.wait_for_selector("[data-study=flashcard-back]")
    scan.scan("flashcard, answer shown")
    scan.visit("/study/progress", "progress")
    scan.visit("/account/settings", "settings")
    page.fill("#desired_retention", "2")
    page.click("text=Save settings")
    scan.scan("settings, with errors")
    scan.visit("/questions", "question bank")
    scan.visit(f"/questions/{quiz.items[0].question_id}", "question page, in an open quiz")

    scan.visit("/classes/", "classes")
    scan.visit(f"/classes/assignments/{quiz.id}", "a quiz")
    page.click("text=Start the quiz")
    page.wait_for_selector("#attempt-form .qnav")
    scan.scan("taking the quiz")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#submit-quiz")
    page.wait_for_url("**/result")
    scan.scan("quiz result")
    scan.visit(f"/classes/assignments/{quiz.id}", "a quiz, after an attempt")
    scan.check("student")


def test_instructor_pages_have_no_axe_violations(page, server_url):
    quiz = _demo()
    attempt = db.session.scalar(
        select(Attempt.id)
        .join(User, User.id == Attempt.user_id)
        .where(Attempt.assignment_id == quiz.id, User.email == "ana@example.com")
    )
    course = quiz.course_id
    scan = Scanner(page, server_url)
    _login(page, server_url, "teacher@example.com")
    scan.visit("/teach/", "classes")
    scan.visit(f"/teach/courses/{course}", "class page")
    page.locator("button", has_text="Password reset link").first.click()
    page.wait_for_selector("[data-testid=reset-url]")
    scan.scan("password reset link")
    scan.visit(f"/teach/courses/{course}/assignments/new", "new quiz")
    page.fill("#title", "")
    page.click("#create-quiz")
    page.wait_for_selector(".has-error")
    scan.scan("new quiz, with errors")
    scan.visit(f"/teach/assignments/{quiz.id}", "quiz page and item analysis")
    scan.visit(f"/teach/assignments/{quiz.id}/edit", "quiz settings")
    scan.visit(f"/teach/courses/{course}/gradebook", "gradebook")
    scan.visit(f"/teach/attempts/{attempt}", "attempt")
    scan.visit(f"/questions/{quiz.items[0].question_id}", "question page, in an open quiz")
    scan.visit("/account/settings", "settings")
    scan.check("instructor")
