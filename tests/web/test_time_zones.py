"""Time zones: taken from the browser at sign-up, typed with suggestions, checked by name."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from studyapp.extensions import db
from studyapp.models import User
from studyapp.services import ServiceError, accounts

SIGNUP = {
    "name": "Min-ji",
    "email": "minji@example.com",
    "password": "a long passphrase",
    "confirm": "a long passphrase",
}
SETTINGS = {"rollover_hour": "4", "desired_retention": "0.90", "new_cards_per_day": "20"}


def _user(email: str = "minji@example.com") -> User | None:
    return db.session.scalar(select(User).where(User.email == email))


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("Asia/Seoul", "Asia/Seoul"),
        ("asia/seoul", "Asia/Seoul"),
        ("  America/New York ", "America/New_York"),
        ("", "UTC"),  # no script to fill it in
    ],
)
def test_signup_keeps_the_time_zone_the_browser_sent(client, sent, kept):
    response = client.post("/account/signup", data={**SIGNUP, "timezone": sent})
    assert response.status_code == 302
    assert _user().timezone == kept


@pytest.mark.parametrize("zone", ["Mars/Olympus", "localtime", "Asia/" + "x" * 80, "UTC\x00"])
def test_signup_refuses_an_unknown_time_zone_and_creates_nothing(client, zone):
    page = client.post("/account/signup", data={**SIGNUP, "timezone": zone})
    assert page.status_code == 200
    assert _user() is None
    html = page.get_data(as_text=True)
    assert re.search(r'<p class="error" id="timezone-error-1" role="alert">', html)


def test_the_service_checks_the_zone_too(app):
    with pytest.raises(ServiceError, match="time zone"):
        accounts.sign_up("zone@example.com", "Zed", "a long passphrase", "Nowhere/Atlantis")
    assert _user("zone@example.com") is None


def test_signup_and_settings_offer_a_searchable_list_not_a_select(client, auth, student):
    for path in ("/account/signup", "/account/settings"):
        if path == "/account/settings":
            auth.login(student.email)
        html = client.get(path).get_data(as_text=True)
        assert '<select id="timezone"' not in html
        field = re.search(r'<input[^>]*id="timezone"[^>]*>', html).group(0)
        assert 'list="timezone-list"' in field
        datalist = re.search(r'<datalist id="timezone-list">(.*?)</datalist>', html, re.S)
        options = re.findall(r'<option value="([^"]+)">', datalist.group(1))
        assert "Asia/Seoul" in options and "UTC" in options and len(options) > 400
        marker = "data-detect-timezone" if path == "/account/signup" else "data-offer-timezone"
        assert marker in field


def test_settings_take_a_typed_zone_in_its_proper_spelling(client, auth, student):
    auth.login(student.email)
    data = {**SETTINGS, "timezone": "europe/berlin"}
    assert client.post("/account/settings", data=data).status_code == 302
    db.session.refresh(student)
    assert student.timezone == "Europe/Berlin"
    page = client.post("/account/settings", data={**SETTINGS, "timezone": ""})
    assert "Choose a time zone." in page.get_data(as_text=True)
    db.session.refresh(student)
    assert student.timezone == "Europe/Berlin"


def test_the_header_links_to_settings(client, auth, student):
    assert ">Settings</a>" not in client.get("/essay").get_data(as_text=True)
    auth.login(student.email)
    html = client.get("/essay").get_data(as_text=True)
    assert re.search(r'<a href="/account/settings"\s*>Settings</a>', html)
    settings = client.get("/account/settings").get_data(as_text=True)
    assert re.search(r'<a href="/account/settings"\s*aria-current="page">Settings</a>', settings)
