"""Feedback in a real browser: every sentence the key rests on links into the essay."""

from __future__ import annotations

from studyapp.db import utcnow
from studyapp.extensions import db
from studyapp.models import Question, ReviewMode
from studyapp.services import study
from studyapp.services.bank import core_question
from tests.conftest import PASSWORD
from tests.web.quizkit import right
from tests.web.sourcekit import ERRATUM, cite_two_sentences


def test_feedback_links_every_source_sentence(page, server_url, artifacts, student, monkeypatch):
    cited = cite_two_sentences(monkeypatch)
    item = core_question(db.session.get(Question, cited.question_id))
    review = study.record_answer(
        student,
        question_id=item.id,
        card_version=0,
        request_id="browser-1",
        response=right(item),
        duration_ms=None,
        now=utcnow(),
        mode=ReviewMode.PRACTICE,
    ).review
    page.goto(server_url + "/account/login")
    page.fill("#email", student.email)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/study/**")
    feedback = server_url + f"/study/feedback/{review.id}"
    page.goto(feedback)
    note = page.get_by_test_id("erratum")
    assert note.is_visible() and note.inner_text() == f"Note on the record: {ERRATUM}"
    links = page.locator(".source-list").get_by_role("link", name="Read it in the essay")
    assert links.count() == 2
    page.screenshot(path=str(artifacts / "sources.png"), full_page=True)
    for k, sentence in enumerate((cited.main, cited.extra)):
        page.goto(feedback)
        link = links.nth(k)
        assert link.is_visible()
        link.click()
        page.wait_for_url(f"**/essay#s-{sentence.id}")
        target = page.locator(f"[id='s-{sentence.id}']")
        assert target.is_visible() and target.inner_text() == sentence.text
        assert target.evaluate("el => el.matches(':target')")
        box = target.bounding_box()
        assert box is not None and -2 <= box["y"] < page.viewport_size["height"]
    assert page.js_errors == []
