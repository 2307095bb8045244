"""The reader in a real browser: from a question to the sentence it cites."""

from __future__ import annotations


def test_follow_a_question_to_its_sentence(page, server_url, artifacts):
    page.goto(server_url + "/questions?type=multiple_choice")
    first = page.locator(".question-item").first
    first.locator("summary").click()
    first.get_by_role("link", name="Read it in the essay").first.click()
    page.wait_for_url("**/essay#s-*")
    anchor = page.url.split("#", 1)[1]
    target = page.locator(f"[id='{anchor}']")
    assert target.is_visible()
    # The :target highlight is applied and the sentence is scrolled into view.
    assert target.evaluate("el => el.matches(':target')")
    box = target.bounding_box()
    assert box is not None and -2 <= box["y"] < page.viewport_size["height"]
    page.screenshot(path=str(artifacts / "reader.png"))
    assert page.js_errors == []


def test_reader_lists_questions_of_a_cited_sentence(page, server_url, artifacts):
    page.goto(server_url + "/essay")
    page.click("text=Show cited sentences")
    page.locator("a.cite").first.click()
    page.wait_for_url("**/questions?sentence=*")
    assert page.locator("figure.source blockquote").first.is_visible()  # the sentence itself
    item = page.locator(".question-item").first
    item.locator("summary").click()
    item.get_by_role("link", name="Question page").click()
    page.wait_for_url("**/questions/*")
    assert page.locator(".question-page .answer").is_visible()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(server_url + "/essay")
    page.screenshot(path=str(artifacts / "reader-phone.png"))
