"""Quiz answers in a real browser: the newest answer survives a reload at any moment of a save,
ordering uses the up/down buttons, and the submit warning counts the whole attempt."""

from __future__ import annotations

from sqlalchemy import delete, select

from studyapp.core.questions import get_kind
from studyapp.extensions import db
from studyapp.models import Attempt
from studyapp.services import assignments as quiz
from tests.conftest import PASSWORD, make_user
from tests.web.quizkit import item, make_course, make_quiz_of


def _login(page, base, email):  # type: ignore[no-untyped-def]
    page.goto(base + "/account/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/study/progress")


def _quiz(page, server_url, *, multiple_choice: int, ordering: int = 0):  # type: ignore[no-untyped-def]
    """A one-question-per-page quiz, started in the browser; returns its bank ids in order."""
    teacher = make_user(name="Prof", role="instructor")
    student = make_user(name="Mina")
    ids = quiz.draw_questions(count=multiple_choice, types=["multiple_choice"], seed=5)
    ids += quiz.draw_questions(count=ordering, types=["ordering"], seed=5) if ordering else []
    a = make_quiz_of(make_course(teacher, [student]), ids, one_per_page=True)
    _login(page, server_url, student.email)
    page.goto(f"{server_url}/classes/assignments/{a.id}")
    page.click("text=Start the quiz")
    page.wait_for_selector("#attempt-form")
    return ids


def _stored(qid: str):  # type: ignore[no-untyped-def]
    db.session.rollback()  # a fresh read: the server wrote from its own threads
    attempt = db.session.scalars(select(Attempt)).one()
    return quiz.saved_answers(attempt).get(qid)


def _choose(page, n: int, option: int) -> None:  # type: ignore[no-untyped-def]
    page.check(f"input[name='q-{n}-choice'][value='{option}']")


def _shown(page, n: int, option: int) -> bool:  # type: ignore[no-untyped-def]
    return page.locator(f"input[name='q-{n}-choice'][value='{option}']").is_checked()


def _option(qid: str, option: int) -> str:
    q = item(qid)
    return get_kind(q.type).parse_form({"choice": str(option)}, q)


def _until(page, condition, what: str) -> None:  # type: ignore[no-untyped-def]
    for _ in range(100):
        if condition():
            return
        page.wait_for_timeout(50)
    raise AssertionError(f"timed out waiting for {what}")


def _save_and_next(page, n: int) -> None:  # type: ignore[no-untyped-def]
    page.click("text=Save and next")
    page.wait_for_selector(f"#q{n + 1}")


def test_the_newest_answer_survives_a_reload_at_any_moment_of_a_save(
    page, server_url, app, artifacts
):
    ids = _quiz(page, server_url, multiple_choice=4, ordering=1)
    state = {"mode": "pass"}
    held, delayed = [], []

    def autosave(route):  # type: ignore[no-untyped-def]
        if state["mode"] == "drop":  # the request never leaves the page
            route.abort()
        elif state["mode"] == "hold":  # the request is on its way, and will arrive late
            held.append(route)
        elif state["mode"] == "delay":  # the server has it; its reply is on its way
            delayed.append((route, route.fetch()))
        else:
            route.continue_()

    page.route("**/autosave", autosave)

    def settle(n: int, option: int) -> None:
        _choose(page, n, option)
        page.wait_for_selector("[data-save-state].saved")
        assert _stored(ids[n - 1]) == _option(ids[n - 1], option)

    # 1. Reloaded before the save was sent: the page puts back the change, and sends it.
    settle(1, 0)
    state["mode"] = "drop"
    _choose(page, 1, 1)
    page.reload()
    state["mode"] = "pass"
    assert _shown(page, 1, 1)
    _save_and_next(page, 1)
    assert _stored(ids[0]) == _option(ids[0], 1)

    # 2. Reloaded while a save was in flight, with a newer change waiting behind it; the old
    #    save then arrives after everything else.
    settle(2, 0)
    state["mode"] = "hold"
    _choose(page, 2, 1)
    _until(page, lambda: held, "the save to be sent")
    _choose(page, 2, 2)  # the student's last word
    state["mode"] = "pass"
    page.reload()
    assert _shown(page, 2, 2)
    page.wait_for_selector("[data-save-state].saved")
    late = page.context.request.fetch(held[0].request)  # the save of option 1 lands last
    assert late.ok and late.json()["kept"] == [2]
    _save_and_next(page, 2)
    assert _stored(ids[1]) == _option(ids[1], 2)

    # 3. Reloaded after the server saved, before its reply came back.
    settle(3, 0)
    state["mode"] = "delay"
    _choose(page, 3, 3)
    _until(page, lambda: delayed, "the save to reach the server")
    state["mode"] = "pass"
    page.reload()
    assert _shown(page, 3, 3)
    _save_and_next(page, 3)
    assert _stored(ids[2]) == _option(ids[2], 3)

    # 4. Reloaded after the save was confirmed.
    settle(4, 2)
    page.reload()
    assert _shown(page, 4, 2)
    _save_and_next(page, 4)
    assert _stored(ids[3]) == _option(ids[3], 2)

    # 5. Ordering: up/down buttons, no number until the student moves an event.
    order = item(ids[4])
    assert page.locator("#q5 [data-move]").count() == 2 * len(order.options)
    assert not page.locator("#q5 select").first.is_visible()
    page.screenshot(path=str(artifacts / "quiz-ordering.png"), full_page=True)
    assert page.locator("[data-answered-count]").inner_text() == "4"
    page.click("#q5 [data-move=down] >> nth=0")
    page.wait_for_selector("[data-save-state].saved")
    assert page.locator("[data-answered-count]").inner_text() == "5"
    moved = [order.options[1], order.options[0], *order.options[2:]]
    assert _stored(ids[4]) == moved
    page.reload()  # the saved order comes back in place
    assert page.locator("#q5 .order-text").all_inner_texts() == moved
    assert page.js_errors == []


def test_the_submit_warning_counts_the_whole_attempt(page, server_url, app):
    _quiz(page, server_url, multiple_choice=3, ordering=1)
    _choose(page, 1, 0)
    _save_and_next(page, 1)  # question 2 left unanswered
    _save_and_next(page, 2)
    _choose(page, 3, 0)
    _save_and_next(page, 3)  # the ordering item, untouched, is unanswered too
    messages = []

    def answer(dialog):  # type: ignore[no-untyped-def]
        messages.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", answer)
    page.click("text=Submit the quiz")
    _until(page, lambda: messages, "the warning")
    assert messages[-1].startswith("2 of 4 questions are unanswered. Submit your answers?")
    page.click("#q4 .order-keep")  # the order shown is the student's answer
    page.wait_for_selector("[data-save-state].saved")
    assert not page.locator("#q4 .order-keep").is_visible()
    page.click("text=Submit the quiz")
    _until(page, lambda: len(messages) == 2, "the second warning")
    assert messages[-1].startswith("1 of 4 questions is unanswered.")
    assert page.js_errors == []


def test_a_practice_quiz_keeps_its_set_and_answers_on_reload(page, server_url, app):
    student = make_user(name="Pat")
    _login(page, server_url, student.email)
    page.goto(server_url + "/study/practice?types=multiple_choice&count=5")
    page.wait_for_selector("#practice-form")
    dealt = page.locator("input[name=question_ids]").input_value()
    one, two = (page.locator(f"[data-question='{n}']").get_attribute("data-prefix") for n in (1, 2))
    page.check(f"input[name='{one}choice'][value='2']")
    page.wait_for_selector("[data-save-state].saved")
    page.route("**/autosave", lambda route: route.abort())  # the next change never leaves the page
    page.check(f"input[name='{two}choice'][value='1']")
    page.reload()
    page.unroute("**/autosave")
    assert page.locator("input[name=question_ids]").input_value() == dealt  # the same set
    assert page.locator(f"input[name='{one}choice'][value='2']").is_checked()
    assert page.locator(f"input[name='{two}choice'][value='1']").is_checked()
    page.click("text=Submit answers")
    page.wait_for_selector("[data-testid=score]")
    assert page.locator(".question-item").count() == 5
    page.goto(server_url + "/study/practice")
    assert page.locator("#practice-form").count() == 0  # finished: the setup page again
    assert page.js_errors == []


def test_a_quiz_page_whose_attempt_was_removed_says_so_and_stops_saving(
    page, server_url, app, artifacts
):
    """The autosave's 404 for a removed attempt is shown as its message, not retried."""
    _quiz(page, server_url, multiple_choice=2)
    _choose(page, 1, 1)
    page.wait_for_selector("[data-save-state].saved")
    with db.engine.begin() as conn:  # removed elsewhere (the student left the class, say)
        conn.execute(delete(Attempt))
    sent = []
    page.on("request", lambda r: sent.append(r.url) if r.url.endswith("/autosave") else None)
    _choose(page, 1, 2)
    state = page.locator("[data-save-state]")
    _until(page, lambda: quiz.GONE in state.inner_text(), "the removed-attempt message")
    assert state.inner_text() == "Not saved: " + quiz.GONE
    page.screenshot(path=str(artifacts / "quiz-attempt-removed.png"))
    page.wait_for_timeout(3000)  # no retries: saving again cannot help
    assert len(sent) == 1
    # The browser logs the 404 itself; the page's script raised nothing.
    assert [e for e in page.js_errors if "status of 404" not in e] == []
