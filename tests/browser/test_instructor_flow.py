"""Instructor and student in a real browser: class, quiz, join, take (with a reload), grade."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from studyapp.extensions import db
from studyapp.models import Attempt, Question
from studyapp.services.bank import core_question
from tests.conftest import PASSWORD, make_user


def _login(page, base, email, password=PASSWORD):  # type: ignore[no-untyped-def]
    page.goto(base + "/account/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("button[type=submit]")


def _bank_id(number: str) -> str:
    """The bank id behind a question number of the attempt (the page shows numbers only)."""
    db.session.expire_all()
    attempt = db.session.scalars(select(Attempt).order_by(Attempt.id.desc())).first()
    return attempt.layout["questions"][int(number) - 1]


def _answer(page, number: str) -> None:  # type: ignore[no-untyped-def]
    """Choose the right option of a multiple-choice or true/false question on the page."""
    item = core_question(db.session.get(Question, _bank_id(number)))
    if item.type == "multiple_choice":
        value = str(item.options.index(item.answer))
    else:
        value = "true" if item.answer else "false"
    page.check(f"input[name='q-{number}-choice'][value='{value}']")


def _shown_question(page) -> str:  # type: ignore[no-untyped-def]
    return page.locator("[data-question]").first.get_attribute("data-question")


def test_instructor_assigns_student_takes_instructor_grades(page, server_url, artifacts, app):
    make_user("prof@example.com", name="Prof Lee", role="instructor")
    _login(page, server_url, "prof@example.com")
    page.fill("#name", "Korean Politics")
    page.fill("#term", "Spring")
    page.click("text=Create class")
    code = page.locator("[data-testid=join-code]").inner_text()
    page.click("text=New quiz")
    page.fill("#title", "Quick check")
    now = datetime.now(UTC)
    page.fill("#opens_at", (now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
    page.fill("#closes_at", (now + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"))
    page.fill("#time_limit_minutes", "20")
    page.check("#one_per_page")
    page.fill("#mix_multiple_choice", "3")
    page.fill("#mix_true_false", "2")
    page.click("#create-quiz")
    page.wait_for_selector("text=created with 5 questions")
    page.click("text=Log out")

    page.goto(server_url + "/account/signup")
    page.fill("#name", "Mina Student")
    page.fill("#email", "mina@example.com")
    page.fill("#password", "mina passphrase 1")
    page.fill("#confirm", "mina passphrase 1")
    page.click("button[type=submit]")
    page.wait_for_url(server_url + "/account/login")
    page.fill("#password", "mina passphrase 1")
    page.click("button[type=submit]")
    page.goto(server_url + "/classes/")
    page.fill("#code", code.lower())  # typed as it was heard
    page.click("button:has-text('Join')")
    page.wait_for_selector("text=You are in Korean Politics")
    page.click("text=Quick check")
    page.click("text=Start the quiz")
    page.wait_for_selector("#attempt-form")
    assert page.locator("[data-timer]").inner_text().startswith(("19:", "20:"))
    seen = []
    for number in range(1, 6):
        shown = _shown_question(page)
        assert shown == str(number)
        qid = _bank_id(shown)
        assert qid not in page.content()  # the page names no bank id
        seen.append(qid)
        _answer(page, shown)
        page.wait_for_selector("[data-save-state].saved")  # autosaved by the script
        if number == 3:
            page.reload()  # midway: nothing is lost
            assert page.locator(f"[data-question='{shown}'] input:checked").count() == 1
            assert page.locator("button.qnav-item.answered").count() == 3
            # A second tab during the attempt: the bank keeps this question's answer back.
            tab = page.context.new_page()
            tab.goto(f"{server_url}/questions/{qid}")
            assert tab.locator("[data-testid=open-quiz]").is_visible()
            assert tab.locator(".answer").count() == 0
            tab.screenshot(path=str(artifacts / "held-back.png"), full_page=True)
            tab.close()
        if number == 5:
            break
        page.click("text=Save and next")
        page.wait_for_selector(f"#q{number + 1}")
    assert len(set(seen)) == 5
    page.screenshot(path=str(artifacts / "quiz.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(artifacts / "quiz-phone.png"), full_page=True)
    page.set_viewport_size({"width": 1100, "height": 900})
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("text=Submit the quiz")
    page.wait_for_selector("[data-testid=mark]")
    assert page.locator("[data-testid=mark]").inner_text().startswith("5")
    page.click("text=Log out")

    _login(page, server_url, "prof@example.com")
    page.click("text=Korean Politics")
    page.click("text=Gradebook")
    row = page.locator("[data-testid=gradebook] tbody tr", has_text="Mina Student")
    assert "100.0%" in row.inner_text()
    page.screenshot(path=str(artifacts / "gradebook.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(artifacts / "gradebook-phone.png"), full_page=True)
    page.set_viewport_size({"width": 1100, "height": 900})
    page.click("[data-testid=gradebook] thead a")
    assert page.locator("[data-testid=item-table] tbody tr").count() == 5
    assert "100%" in page.locator("[data-testid=item-table]").inner_text()
    assert "Based on 1 attempt" in page.locator("[data-testid=few-attempts]").inner_text()
    retire = page.locator("[data-testid=item-table] button", has_text="Retire").first.bounding_box()
    assert retire["x"] + retire["width"] <= 1100  # in view without scrolling the table
    page.screenshot(path=str(artifacts / "item-analysis.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(artifacts / "item-analysis-phone.png"), full_page=True)
    assert page.js_errors == []
