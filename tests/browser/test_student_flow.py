"""A student in a real browser: sign up, study ten cards with the keyboard only, undo, progress."""

from __future__ import annotations

from studyapp.extensions import db
from studyapp.models import Question
from studyapp.services.bank import core_question

WRONG_TYPES = ("multiple_choice", "true_false", "cloze", "short_answer")


def _order_with_keys(page, item) -> None:  # type: ignore[no-untyped-def]
    """Put ordering items in place with the up/down buttons, by keyboard only.

    Focus starts on the first item's up button; the focusable buttons run item by item (up,
    down). ArrowUp on a focused button moves its item up and keeps the focus on it (on its
    down button once it reaches the top).
    """
    keyboard = page.keyboard
    current = list(item.options)
    focus = 0
    for k, wanted in enumerate(item.answer):
        j = current.index(wanted)
        if j == k:
            continue
        target = 2 * j
        for _ in range(abs(target - focus)):
            keyboard.press("Tab" if target > focus else "Shift+Tab")
        for _ in range(j - k):
            keyboard.press("ArrowUp")
        current.insert(k, current.pop(j))
        focus = 2 * k + (1 if k == 0 else 0)
    shown = page.locator("[data-ordering] .order-text").all_inner_texts()
    assert shown == list(item.answer)
    for _ in range(2 * len(current) - focus):  # on to the Check button
        keyboard.press("Tab")
    keyboard.press("Enter")


def _answer_with_keys(page, right: bool) -> str:
    """Answer the card on screen using only the keyboard; returns its type."""
    page.wait_for_load_state("load")  # keys work once the page's scripts are attached
    qid = page.locator("input[name=question_id]").input_value()
    item = core_question(db.session.get(Question, qid))
    kind = str(item.type)
    keyboard = page.keyboard
    if kind == "multiple_choice":
        index = item.options.index(item.answer)
        keyboard.press(str((index if right else (index + 1) % len(item.options)) + 1))
    elif kind == "true_false":
        keyboard.press("t" if (item.answer if right else not item.answer) else "f")
    elif kind in ("cloze", "short_answer"):
        keyboard.type(item.answer if right else "no idea")
        keyboard.press("Enter")
    elif kind == "ordering":
        _order_with_keys(page, item)
    elif kind == "matching":
        key = dict(item.answer)
        for left in item.options["left"]:
            letter = "ABCDEFGH"[item.options["right"].index(key[left])]
            keyboard.type(letter)  # type-ahead picks the option in a focused select
            keyboard.press("Tab")
        keyboard.press("Shift+Tab")
        keyboard.press("Enter")
    else:  # explain: recall, reveal, compare, rate
        keyboard.type("Soviet pressure and China's weakness")
        keyboard.press("Enter")
        page.wait_for_selector("[data-revealed]")
        keyboard.press("3" if right else "1")
    page.wait_for_selector("[data-study=feedback]", timeout=15000)
    page.wait_for_load_state("load")  # the page's key handlers are attached on load
    return kind


def test_student_studies_with_the_keyboard(page, server_url, artifacts):
    page.goto(server_url + "/account/signup")
    page.fill("#name", "Keyboard Student")
    page.fill("#email", "keys@example.com")
    page.fill("#password", "a long enough passphrase")
    page.fill("#confirm", "a long enough passphrase")
    page.keyboard.press("Enter")
    page.wait_for_url(server_url + "/account/login")  # the email is filled in
    page.keyboard.type("a long enough passphrase")  # the password field has the focus
    page.keyboard.press("Enter")
    page.wait_for_url(server_url + "/study/progress")
    assert page.locator("[data-testid=answers-total]").inner_text() == "0"
    assert page.locator("[data-testid=cards]").inner_text() == "0"

    page.goto(server_url + "/study/")
    page.wait_for_selector("[data-study=question]")
    page.screenshot(path=str(artifacts / "review.png"), full_page=True)

    kinds, wrong_done = [], False
    for n in range(10):
        page.wait_for_selector("[data-study=question]")
        kind = page.locator("[data-study=question]").get_attribute("data-type")
        answer_wrong = not wrong_done and kind in WRONG_TYPES
        kinds.append(_answer_with_keys(page, right=not answer_wrong))
        verdict = page.locator("[data-testid=verdict]").inner_text()
        if answer_wrong:
            wrong_done = True
            assert "Not quite" in verdict
            sources = page.locator("figure.source")  # one per sentence the key rests on
            assert sources.count() >= 1
            for i in range(sources.count()):
                source = sources.nth(i)
                assert source.locator("blockquote").is_visible()
                link = source.locator("a", has_text="Read it in the essay")
                assert link.count() == 1 and "/essay#s-" in link.get_attribute("href")
            page.screenshot(path=str(artifacts / "feedback.png"), full_page=True)
        elif kind != "explain":
            assert "Correct" in verdict, (n, kind, verdict)
        if n < 9:
            page.keyboard.press("Space")  # Next card
    assert wrong_done and len(set(kinds)) >= 3, kinds

    page.wait_for_load_state("load")
    page.keyboard.press("u")  # undo the tenth answer
    page.wait_for_selector("text=Your last answer was undone")
    page.wait_for_selector("[data-study=question]")

    page.goto(server_url + "/study/progress")
    assert page.locator("[data-testid=answers-total]").inner_text() == "9"
    assert page.locator("[data-testid=cards]").inner_text() == "9"  # the tenth is new again
    assert int(page.locator("[data-testid=due-today]").inner_text()) >= 1
    assert page.locator("[data-testid=streak]").inner_text() == "1"
    page.screenshot(path=str(artifacts / "dashboard.png"), full_page=True)

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(server_url + "/study/")
    page.screenshot(path=str(artifacts / "review-phone.png"), full_page=True)
    page.goto(server_url + "/study/progress")
    page.screenshot(path=str(artifacts / "dashboard-phone.png"), full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the dashboard scrolls sideways on a phone ({width}px)"
    assert page.js_errors == []
