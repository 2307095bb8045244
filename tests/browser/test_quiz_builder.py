"""The new-quiz page in a real browser: a short page when drawing, the pick list with its search
only when picking, at 1280 and 390 px, with and without JavaScript."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from studyapp.extensions import db
from studyapp.models import Assignment, Question
from tests.conftest import PASSWORD, make_user
from tests.web.quizkit import make_course

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def _login(page, base: str, email: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(base + "/account/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("text=Log out")


def _in_first_screen(page, selector: str) -> bool:  # type: ignore[no-untyped-def]
    """Whether the element is wholly inside the viewport, the page scrolled to the top."""
    page.evaluate("window.scrollTo(0, 0)")
    box = page.locator(selector).bounding_box()
    size = page.viewport_size
    return (
        box is not None
        and box["y"] >= 0
        and box["y"] + box["height"] <= size["height"]
        and box["x"] + box["width"] <= size["width"]
    )


def _no_sideways_scroll(page) -> bool:  # type: ignore[no-untyped-def]
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def _fill_settings(page) -> None:  # type: ignore[no-untyped-def]
    now = datetime.now(UTC)
    page.fill("#title", "Picked by hand")
    page.fill("#opens_at", (now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
    page.fill("#closes_at", (now + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"))


def test_drawing_keeps_the_page_short_and_picking_shows_a_searchable_list(
    page, server_url, artifacts
):
    teacher = make_user("prof@example.com", name="Prof Lee", role="instructor")
    course = make_course(teacher)
    target = db.session.scalars(
        select(Question).where(Question.type == "multiple_choice").order_by(Question.id)
    ).first()
    word = max(target.prompt.split(), key=len).strip(".,;:?!'\"“”’()")
    _login(page, server_url, "prof@example.com")
    url = f"{server_url}/teach/courses/{course.id}/assignments/new"
    for viewport, name in ((DESKTOP, "desktop"), (PHONE, "phone")):
        page.set_viewport_size(viewport)
        page.goto(url)
        assert page.is_checked("input[name=source][value=draw]")
        assert not page.locator("#pick").is_visible()  # no pick list while drawing
        assert not page.locator("text=Show this choice").is_visible()  # the script switches
        assert page.locator("#draw_count").is_visible()
        assert _in_first_screen(page, "#create-quiz"), name
        assert _no_sideways_scroll(page), name
        if viewport is DESKTOP:  # the whole page is a few screens, not the bank
            assert page.evaluate("document.documentElement.scrollHeight") < 2 * viewport["height"]
        page.screenshot(path=str(artifacts / f"new-quiz-draw-{name}.png"), full_page=True)

        page.check("input[name=source][value=pick]")
        assert page.locator("#pick").is_visible() and page.locator("#pick_q").is_visible()
        assert not page.locator("#draw_count").is_visible()
        assert _in_first_screen(page, "#create-quiz"), name  # still in reach above the list
        assert _no_sideways_scroll(page), name

    # Search (Enter in the box searches, never creates), tick, create.
    page.set_viewport_size(DESKTOP)
    _fill_settings(page)
    page.fill("#pick_q", word)
    page.press("#pick_q", "Enter")
    page.wait_for_selector("[data-testid=pick-count]")
    assert db.session.scalars(select(Assignment)).all() == []
    assert page.input_value("#pick_q") == word and page.input_value("#title") == "Picked by hand"
    assert page.is_checked("input[name=source][value=pick]") and page.locator("#pick").is_visible()
    listed = page.locator("#pick input[name=question_ids]")
    assert 0 < listed.count() < 60
    prompts = page.locator("#pick .pick-choice").all_inner_texts()
    assert all(word.casefold() in p.casefold() for p in prompts)
    page.check(f"#pick input[value='{target.id}']")
    assert page.locator("[data-ticked]").inner_text() == "1"
    page.screenshot(path=str(artifacts / "new-quiz-pick.png"), full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(artifacts / "new-quiz-pick-phone.png"), full_page=True)
    page.set_viewport_size(DESKTOP)
    page.click("#create-quiz")
    page.wait_for_selector("text=created with 1 question.")
    db.session.rollback()  # end this session's read snapshot to see the server's write
    a = db.session.scalars(select(Assignment)).one()
    assert [i.question_id for i in a.items] == [target.id]
    # Its questions can still change: the quiz page links there.
    page.click("text=Change the questions")
    page.wait_for_selector("[data-testid=current-questions]")
    assert page.locator("[data-testid=current-questions] li").count() == 1
    assert page.js_errors == []


def test_without_javascript_the_choice_is_shown_by_the_server(browser, server_url, app):
    teacher = make_user("prof@example.com", name="Prof Lee", role="instructor")
    course = make_course(teacher)
    context = browser.new_context(viewport=DESKTOP, java_script_enabled=False)
    try:
        page = context.new_page()
        _login(page, server_url, "prof@example.com")
        page.goto(f"{server_url}/teach/courses/{course.id}/assignments/new")
        assert not page.locator("#pick").is_visible()
        page.check("input[name=source][value=pick]")
        page.click("text=Show this choice")
        page.wait_for_selector("#pick_q")
        assert page.locator("#pick").is_visible()
        assert not page.locator("#draw_count").is_visible()
        page.fill("#pick_q", "zzqqxx")
        page.click("#pick button:has-text('Search')")
        page.wait_for_selector("text=No questions match this search")
        assert db.session.scalars(select(Assignment)).all() == []
    finally:
        context.close()


def test_the_pages_for_picking_changing_and_upcoming_quizzes_have_no_axe_violations(
    page, server_url
):
    from studyapp.db import utcnow
    from studyapp.services import assignments as quiz
    from studyapp.services.demo import DEMO_PASSWORD
    from tests.browser.test_accessibility import Scanner, _demo, _login

    demo = _demo()
    ids = quiz.draw_questions(count=3, seed=7)
    settings = quiz.AssignmentSettings(
        title="Next week",
        opens_at=utcnow() + timedelta(days=1),
        closes_at=utcnow() + timedelta(days=8),
    )
    fresh = quiz.create_assignment(demo.course, settings, ids)
    scan = Scanner(page, server_url)
    _login(page, server_url, "teacher@example.com", DEMO_PASSWORD)
    scan.visit(f"/teach/courses/{demo.course_id}/assignments/new?source=pick", "new quiz, picking")
    page.fill("#pick_q", "zzqqxx")
    page.press("#pick_q", "Enter")
    page.wait_for_selector("text=No questions match this search")
    scan.scan("new quiz, nothing found")
    scan.visit(f"/teach/assignments/{fresh.id}/questions", "a quiz's questions, open to change")
    scan.visit(f"/teach/assignments/{demo.id}/questions", "a quiz's questions, fixed")
    page.click("text=Log out")
    _login(page, server_url, "student@example.com", DEMO_PASSWORD)
    scan.visit("/classes/", "classes, with a quiz not open yet")
    scan.visit(f"/classes/assignments/{fresh.id}", "a quiz not open yet")
    scan.check("instructor and student")
