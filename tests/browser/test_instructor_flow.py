"""Instructor and student in a real browser: class, quiz, join, take (with a reload), grade."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from studyapp.extensions import db
from studyapp.models import Question
from studyapp.services.bank import core_question
from tests.conftest import PASSWORD, make_user


def _login(page, base, email, password=PASSWORD):
    page.goto(base + "/account/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("button[type=submit]")


def _answer(page, qid: str) -> None:
    item = core_question(db.session.get(Question, qid))
    block = page.locator(f"[data-question='{qid}']")
    if item.type == "multiple_choice":
        block.locator("label.choice", has_text=item.answer).first.click()
    else:
        block.locator("label.choice", has_text="True" if item.answer else "False").click()


def test_instructor_assigns_student_takes_instructor_grades(page, server_url, artifacts, app):
    teacher = make_user("prof@example.com", name="Prof Lee", role="instructor")
    assert teacher.is_instructor
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
    page.fill("#draw_count", "4")
    page.check("input[name=draw_types][value=multiple_choice]")
    page.check("input[name=draw_types][value=true_false]")
    page.click("text=Create quiz")
    page.wait_for_selector("text=created with 4 questions")
    page.click("text=Log out")

    page.goto(server_url + "/account/signup")
    page.fill("#name", "Mina Student")
    page.fill("#email", "mina@example.com")
    page.fill("#password", "mina passphrase 1")
    page.fill("#confirm", "mina passphrase 1")
    page.click("button[type=submit]")
    page.goto(server_url + "/classes/")
    page.fill("#code", code)
    page.click("button:has-text('Join')")
    page.wait_for_selector("text=You are in Korean Politics")
    page.click("text=Quick check")
    page.click("text=Start the quiz")
    page.wait_for_selector("#attempt-form")
    qids = page.locator("[data-question]").evaluate_all(
        "els => els.map(e => e.getAttribute('data-question'))"
    )
    assert len(qids) == 4
    _answer(page, qids[0])
    _answer(page, qids[1])
    page.wait_for_selector("[data-save-state].saved")
    page.reload()  # nothing typed so far is lost
    for qid in qids[:2]:
        assert page.locator(f"[data-question='{qid}'] input:checked").count() == 1
    _answer(page, qids[2])
    _answer(page, qids[3])
    page.screenshot(path=str(artifacts / "quiz.png"), full_page=True)
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("text=Submit the quiz")
    page.wait_for_selector("[data-testid=mark]")
    assert page.locator("[data-testid=mark]").inner_text().startswith("4")
    page.click("text=Log out")

    _login(page, server_url, "prof@example.com")
    page.click("text=Korean Politics")
    page.click("text=Gradebook")
    row = page.locator("[data-testid=gradebook] tr", has_text="Mina Student")
    assert "100.0%" in row.inner_text()
    page.screenshot(path=str(artifacts / "gradebook.png"), full_page=True)
    page.click("[data-testid=gradebook] th a")
    assert page.locator("[data-testid=item-table] tbody tr").count() == 4
    assert "100%" in page.locator("[data-testid=item-table]").inner_text()
    page.screenshot(path=str(artifacts / "item-analysis.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(artifacts / "item-analysis-phone.png"))
    assert page.js_errors == []
