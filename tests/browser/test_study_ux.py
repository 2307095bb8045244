"""In a real browser: keys 1-4 rate an answer again on its feedback, and flashcards stop at
their ends."""

from __future__ import annotations

from studyapp.core.questions import get_kind
from studyapp.db import utcnow
from studyapp.services import study
from tests.browser.test_student_flow import _answer_with_keys
from tests.conftest import PASSWORD


def _login(page, base, email):  # type: ignore[no-untyped-def]
    page.goto(base + "/account/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(base + "/study/progress")


def test_keys_rate_an_answer_again(page, server_url, student):
    _login(page, server_url, student.email)
    page.goto(server_url + "/study/")
    for _ in range(20):
        page.wait_for_selector("[data-study=question]")
        kind = _answer_with_keys(page, right=True)
        if get_kind(kind).auto_graded:
            break
        page.keyboard.press("Space")
    applied = page.locator("[data-testid=applied-rating]")
    assert "Next review of this card in" in applied.inner_text()
    page.keyboard.press("1")  # I guessed
    page.wait_for_selector("[data-testid=applied-rating] >> text=Rated Again")
    again = applied.inner_text()
    assert "minute" in again, again  # a learning step, minutes away
    assert page.locator("button[data-key='1'][aria-pressed=true]").count() == 1
    page.keyboard.press("3")  # on second thoughts: Good
    page.wait_for_selector("[data-testid=applied-rating] >> text=Rated Good")
    page.keyboard.press("Space")  # on to the next card
    page.wait_for_selector("[data-study=question]")
    assert page.js_errors == []


def test_flashcards_stop_at_both_ends(page, server_url, student):
    _login(page, server_url, student.email)
    total = len(study.flashcard_deck(now=utcnow()))
    page.goto(server_url + "/study/flashcards")
    assert page.locator("text=Card 1 of").count() == 1
    assert page.locator("a", has_text="Previous").count() == 0
    page.goto(server_url + f"/study/flashcards?i={total - 1}")
    page.click("text=Finish")
    page.wait_for_selector("[data-testid=deck-end]")
    page.click("text=Previous")
    page.wait_for_selector(f"text=Card {total} of {total}")
    assert page.js_errors == []
