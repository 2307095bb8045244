"""A student in a real browser: sign up, study ten cards with the keyboard, undo, progress."""

from __future__ import annotations

from studyapp.extensions import db
from studyapp.models import Question
from studyapp.services.bank import core_question


def _answer_with_keys(page, right: bool) -> str:
    """Answer the card on screen using only the keyboard; returns its type."""
    qid = page.locator("input[name=question_id]").input_value()
    item = core_question(db.session.get(Question, qid))
    kind = item.type
    keyboard = page.keyboard
    if kind == "multiple_choice":
        index = item.options.index(item.answer)
        keyboard.press(str((index if right else (index + 1) % 4) + 1))
    elif kind == "true_false":
        keyboard.press("t" if (item.answer if right else not item.answer) else "f")
    elif kind in ("cloze", "short_answer"):
        keyboard.type(item.answer if right else "no idea")
        keyboard.press("Enter")
    elif kind == "ordering":
        for option in item.options:
            keyboard.press(str(list(item.answer).index(option) + 1))
            keyboard.press("Tab")
        keyboard.press("Enter")
    elif kind == "matching":
        key = dict(item.answer)
        for left in item.options["left"]:
            keyboard.type(key[left])
            keyboard.press("Tab")
        keyboard.press("Enter")
    else:  # explain: recall, reveal, rate
        keyboard.type("Soviet pressure and China's weakness")
        keyboard.press("Enter")
        page.wait_for_selector("[data-revealed]")
        keyboard.press("3" if right else "1")
    try:
        page.wait_for_selector("[data-study=feedback]", timeout=5000)
    except Exception as exc:
        page.screenshot(path="test-artifacts/stuck.png")
        raise AssertionError(f"stuck on a {kind} card") from exc
    return kind


def test_student_studies_with_the_keyboard(page, server_url, artifacts):
    page.goto(server_url + "/account/signup")
    page.fill("#name", "Keyboard Student")
    page.fill("#email", "keys@example.com")
    page.fill("#password", "a long enough passphrase")
    page.fill("#confirm", "a long enough passphrase")
    page.click("button[type=submit]")
    page.goto(server_url + "/study/")
    page.screenshot(path=str(artifacts / "review.png"))

    wrong_done = False
    for n in range(10):
        page.wait_for_selector("[data-study=question]")
        kind = page.locator("[data-study=question]").get_attribute("data-type")
        answer_wrong = not wrong_done and kind in (
            "multiple_choice",
            "true_false",
            "cloze",
            "short_answer",
        )
        _answer_with_keys(page, right=not answer_wrong)
        verdict = page.locator("[data-testid=verdict]").inner_text()
        if answer_wrong:
            wrong_done = True
            assert "Not quite" in verdict
            assert page.locator("figure.source blockquote").is_visible()
            assert page.locator("figure.source a", has_text="Read it in the essay").count() == 1
            page.screenshot(path=str(artifacts / "feedback.png"))
        elif kind != "explain":
            assert "Correct" in verdict, (n, kind, verdict)
        if n < 9:
            page.keyboard.press("Space")
    assert wrong_done

    page.keyboard.press("u")  # undo the tenth answer
    page.wait_for_selector("text=Your last answer was undone")

    page.goto(server_url + "/study/progress")
    assert page.locator("[data-testid=answers-total]").inner_text() == "9"
    assert page.locator("[data-testid=cards]").inner_text() == "10"
    page.screenshot(path=str(artifacts / "dashboard.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(server_url + "/study/")
    page.screenshot(path=str(artifacts / "review-phone.png"))
    assert page.js_errors == []
