"""Everyday comforts in a real browser, on a 390 px touch phone and on a desktop.

The header folds into one row with a menu; the study tabs keep one row; touch screens show no
keyboard hints; matching choices are shown in full; tables fit or scroll in their frame with
the last column reachable; a quiz's clock stays in view while the page scrolls; the practice
page's boxes sit beside their labels; the reader marks cited sentences only when asked; sign-up
takes the browser's time zone. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from studyapp.extensions import db
from studyapp.models import Assignment, Question, User
from studyapp.services.bank import core_question
from studyapp.services.demo import DEMO_PASSWORD, DEMO_QUIZ, seed_demo

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

# Where each element is, measured in the page: its box, and whether its text is cut short.
BOXES = """selector => [...document.querySelectorAll(selector)].map(el => {
  const r = el.getBoundingClientRect();
  return {left: r.left, right: r.right, top: r.top, bottom: r.bottom, width: r.width,
          height: r.height, cut: el.scrollWidth > el.clientWidth + 1, text: el.innerText};
})"""


@pytest.fixture
def phone(browser) -> Iterator[object]:  # type: ignore[no-untyped-def]
    """A page in a touch phone's browser (no hover, coarse pointer), 390 px wide."""
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.js_errors = errors  # type: ignore[attr-defined]
    yield page
    context.close()


def _demo() -> Assignment:
    list(seed_demo())
    return db.session.scalar(select(Assignment).where(Assignment.title == DEMO_QUIZ))


def _login(page, base: str, email: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(base + "/account/login")
    page.fill("#email", email)
    page.fill("#password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/account/login" not in url)


def _boxes(page, selector: str) -> list[dict]:  # type: ignore[no-untyped-def]
    return page.evaluate(BOXES, selector)


def _within_width(page, selector: str) -> None:  # type: ignore[no-untyped-def]
    width = page.viewport_size["width"]
    boxes = [b for b in _boxes(page, selector) if b["width"] > 0]
    assert boxes, f"nothing visible matches {selector}"
    outside = [b for b in boxes if b["left"] < -0.5 or b["right"] > width + 0.5]
    assert not outside, f"{selector} reaches past the {width} px screen: {outside}"


def _page_fits(page) -> None:  # type: ignore[no-untyped-def]
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} scrolls sideways ({width} px)"


def test_the_header_is_one_row_with_a_menu_and_the_study_tabs_one_row(phone, server_url, artifacts):
    _demo()
    _login(phone, server_url, "student@example.com")
    phone.goto(server_url + "/study/")
    header = _boxes(phone, ".topbar")[0]
    toggle = _boxes(phone, "[data-menu-toggle]")[0]
    brand = _boxes(phone, ".nav .brand")[0]
    assert header["height"] < 60, header
    assert abs(toggle["top"] - brand["top"]) < 12  # the brand and the menu share the row
    assert not phone.locator("#nav-links a", has_text="Settings").is_visible()
    tabs = _boxes(phone, ".study-nav a")
    assert len(tabs) == 5 and len({round(t["top"]) for t in tabs}) == 1, tabs
    _within_width(phone, ".study-nav a")
    _page_fits(phone)
    phone.screenshot(path=str(artifacts / "phone-study.png"), full_page=True)

    phone.click("[data-menu-toggle]")
    assert phone.get_attribute("[data-menu-toggle]", "aria-expanded") == "true"
    for name in ("Essay", "Questions", "Study", "Progress", "Classes", "Settings"):
        assert phone.locator("#nav-links a", has_text=name).first.is_visible(), name
    assert phone.locator("#nav-links button", has_text="Log out").is_visible()
    _within_width(phone, "#nav-links > *")
    phone.screenshot(path=str(artifacts / "phone-menu.png"))
    phone.keyboard.press("Escape")
    assert not phone.locator("#nav-links a", has_text="Settings").is_visible()
    phone.click("[data-menu-toggle]")
    phone.locator("#nav-links a", has_text="Settings").click()
    phone.wait_for_url("**/account/settings")
    assert phone.js_errors == []


def test_the_settings_link_is_in_the_header_on_a_desktop(page, server_url):
    _demo()
    page.set_viewport_size(DESKTOP)
    _login(page, server_url, "student@example.com")
    assert not page.locator("[data-menu-toggle]").is_visible()
    link = page.locator(".topbar a", has_text="Settings")
    assert link.is_visible()
    link.click()
    page.wait_for_url("**/account/settings")
    assert page.locator(".topbar a[aria-current=page]").inner_text() == "Settings"


def test_keyboard_hints_only_where_there_is_a_keyboard(phone, page, server_url):
    _demo()
    for p in (phone, page):
        _login(p, server_url, "student@example.com")
        p.goto(server_url + "/study/")
        p.wait_for_selector("[data-study=question]")
    assert phone.locator("kbd").count() > 0
    assert all(not k.is_visible() for k in phone.locator("kbd").all())
    assert not phone.locator(".keys").is_visible()
    assert page.locator("button[data-submit] kbd").first.is_visible()  # a desktop has keys


def test_matching_choices_are_shown_in_full(phone, server_url, artifacts):
    _demo()
    _login(phone, server_url, "student@example.com")
    phone.goto(server_url + "/study/practice?types=matching&count=5")
    phone.wait_for_selector(".match-choices")
    for block in phone.locator(".question-item").all():
        choices = block.locator(".match-choices li").all_inner_texts()
        options = block.locator("select").first.locator("option").all_inner_texts()[1:]
        assert len(choices) == len(options) >= 3
        for n, (choice, option) in enumerate(zip(choices, options, strict=True)):
            letter = "ABCDEFGH"[n]
            assert choice.split(maxsplit=1)[0] == letter
            assert option == f"{letter} · {choice.split(maxsplit=1)[1]}"
    rights = {
        r
        for q in db.session.scalars(select(Question).where(Question.type == "matching"))
        for r in core_question(q).options["right"]
    }
    shown = [b for b in _boxes(phone, ".match-choices li") if b["width"]]
    assert shown and all(not b["cut"] for b in shown)
    assert {b["text"].split(maxsplit=1)[1] for b in shown} <= rights  # every text in full
    _within_width(phone, ".match-choices li")
    _within_width(phone, ".matching select")
    _page_fits(phone)
    phone.screenshot(path=str(artifacts / "phone-matching.png"), full_page=True)


def test_tables_fit_or_scroll_with_their_last_column_in_reach(phone, server_url, artifacts):
    quiz = _demo()
    _login(phone, server_url, "teacher@example.com")
    checked = 0
    for path, name in [
        (f"/teach/courses/{quiz.course_id}", "roster"),
        (f"/teach/courses/{quiz.course_id}/gradebook", "gradebook"),
        (f"/teach/assignments/{quiz.id}", "item-analysis"),
    ]:
        phone.goto(server_url + path)
        _page_fits(phone)
        for wrap in phone.locator(".table-wrap").all():
            fits = wrap.evaluate("el => el.scrollWidth <= el.clientWidth")
            if not fits:  # a wide table scrolls: its last column comes into view
                wrap.evaluate("el => { el.scrollLeft = el.scrollWidth; }")
            last = wrap.locator("thead th").last.bounding_box()
            frame = wrap.bounding_box()
            assert last["x"] + last["width"] <= frame["x"] + frame["width"] + 1, (name, last)
            assert last["x"] >= frame["x"] - 1, (name, last)
            checked += 1
        if name in ("roster", "gradebook"):  # these fit a phone without scrolling
            assert phone.locator(".table-wrap").first.evaluate(
                "el => el.scrollWidth <= el.clientWidth"
            ), name
        phone.screenshot(path=str(artifacts / f"phone-{name}.png"), full_page=True)
    assert checked >= 3


def test_the_quiz_clock_stays_in_view_while_scrolling(phone, page, server_url, artifacts):
    quiz = _demo()
    quiz.one_per_page = False
    db.session.commit()
    _login(phone, server_url, "student@example.com")
    phone.goto(server_url + f"/classes/assignments/{quiz.id}")
    phone.click("text=Start the quiz")
    phone.wait_for_selector("[data-timer]")
    for p, where in ((phone, "phone"), (page, "desktop")):
        if p is page:
            page.set_viewport_size(DESKTOP)
            _login(page, server_url, "student@example.com")
            page.goto(phone.url)
        height = p.viewport_size["height"]
        assert p.evaluate("document.documentElement.scrollHeight") > 2 * height
        p.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
        p.wait_for_function("window.scrollY > 0")
        timer = p.locator(".timer").bounding_box()
        assert timer is not None and timer["y"] >= 0 and timer["y"] + timer["height"] <= height
        assert p.locator("[data-save-state]").is_visible()
        p.screenshot(path=str(artifacts / f"{where}-quiz-scrolled.png"))


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_practice_boxes_sit_beside_their_labels(page, server_url, artifacts, viewport):
    _demo()
    page.set_viewport_size(viewport)
    _login(page, server_url, "student@example.com")
    page.goto(server_url + "/study/practice")
    boxes = page.locator("form input[type=checkbox]").all()
    assert len(boxes) >= 8
    for box in boxes:
        label = page.locator(f"label[for='{box.get_attribute('id')}']")
        b, lb = box.bounding_box(), label.bounding_box()
        assert lb["x"] >= b["x"] + b["width"], label.inner_text()  # to the right of the box
        middle = b["y"] + b["height"] / 2
        assert lb["y"] <= middle <= lb["y"] + lb["height"], label.inner_text()  # same line
    page.screenshot(path=str(artifacts / f"practice-setup-{viewport['width']}.png"), full_page=True)


def test_the_reader_marks_cited_sentences_only_when_asked(page, server_url, artifacts):
    page.goto(server_url + "/essay")
    cited = page.locator(".para .sentence.cited").first
    decoration = "el => getComputedStyle(el).textDecorationLine"
    assert cited.evaluate(decoration) == "none"
    assert not page.locator(".para a.cite").first.is_visible()
    page.screenshot(path=str(artifacts / "reader-quiet.png"))

    page.click("text=Show cited sentences")
    page.wait_for_url("**/essay?cited=show")
    assert page.locator(".para .sentence.cited").first.evaluate(decoration) == "underline"
    assert page.locator(".para a.cite").first.is_visible()
    page.goto(server_url + "/essay")  # remembered in this browser
    assert page.locator(".para a.cite").first.is_visible()
    page.screenshot(path=str(artifacts / "reader-cited.png"))

    page.click("text=Hide cited sentences")
    page.goto(server_url + "/essay")
    assert not page.locator(".para a.cite").first.is_visible()
    assert page.js_errors == []


def test_sign_up_takes_the_browsers_time_zone(browser, server_url):
    context = browser.new_context(viewport=PHONE, timezone_id="Asia/Seoul")
    page = context.new_page()
    try:
        page.goto(server_url + "/account/signup")
        field = page.locator("#timezone")
        assert field.input_value() == "Asia/Seoul"
        suggestions = page.locator(f"datalist#{field.get_attribute('list')} option")
        assert suggestions.count() > 400
        page.fill("#name", "Min-ji")
        page.fill("#email", "minji@example.com")
        page.fill("#password", "a long enough passphrase")
        page.fill("#confirm", "a long enough passphrase")
        page.click("button[type=submit]")
        page.wait_for_url("**/account/login")
        user = db.session.scalar(select(User).where(User.email == "minji@example.com"))
        assert user.timezone == "Asia/Seoul"

        page.fill("#password", "a long enough passphrase")
        page.click("button[type=submit]")
        page.wait_for_url(lambda url: "/account/login" not in url)
        user.timezone = "UTC"
        db.session.commit()
        page.goto(server_url + "/account/settings")  # another zone is set: the device's is offered
        page.click("text=Use Asia/Seoul")
        assert page.locator("#timezone").input_value() == "Asia/Seoul"
        page.click("text=Save settings")
        page.wait_for_selector("text=Settings saved")
        db.session.refresh(user)
        assert user.timezone == "Asia/Seoul"
    finally:
        context.close()
