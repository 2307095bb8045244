"""Failed-login limits slow a guesser down without letting strangers lock the owner out."""

from __future__ import annotations

import time

import pytest

from studyapp.security import ProductionConfigError
from tests.conftest import PASSWORD, make_app, make_user

WRONG = "not the password"
DEVICE_COOKIE = "studyapp_device"


@pytest.fixture
def clock(monkeypatch):  # type: ignore[no-untyped-def]
    """Time that moves only when the test says (the counters' expiry follows it)."""
    now = [time.time()]
    monkeypatch.setattr(time, "time", lambda: now[0])

    def advance(seconds: float) -> None:
        now[0] += seconds

    return advance


def _client(app, address: str = "127.0.0.1"):  # type: ignore[no-untyped-def]
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def _login(client, email: str, password: str = PASSWORD, **headers):  # type: ignore[no-untyped-def]
    return client.post(
        "/account/login", data={"email": email, "password": password}, headers=headers
    )


def _known_device(app, email: str, address: str = "127.0.0.1"):  # type: ignore[no-untyped-def]
    """A client that has logged in to the account before, then logged out."""
    owner = _client(app, address)
    assert _login(owner, email).status_code == 302
    assert owner.get_cookie(DEVICE_COOKIE, path="/account/") is not None
    owner.post("/account/logout")
    return owner


def test_backoff_doubles_after_the_allowed_failures():
    from studyapp.web.auth.limits import Backoff

    backoff = Backoff(allowed=5, first_wait=60, max_wait=3600)
    waits = [backoff.wait_after(n) for n in range(1, 13)]
    assert waits == [0, 0, 0, 0, 60, 120, 240, 480, 960, 1920, 3600, 3600]
    assert backoff.wait_after(10**6) == 3600


def test_owner_on_a_known_device_is_not_locked_out_by_strangers(app, student):
    owner = _known_device(app, student.email)
    # A stranger behind the owner's own address, then strangers from many addresses, fail.
    neighbour = _client(app, "127.0.0.1")
    codes = [_login(neighbour, student.email, WRONG).status_code for _ in range(8)]
    assert codes == [200] * 5 + [429] * 3
    codes = [
        _login(_client(app, f"203.0.113.{n}"), student.email, WRONG).status_code for n in range(40)
    ]
    assert codes == [200] * 15 + [429] * 25  # the account's allowance for strangers is spent
    # The owner's known device still gets in with the right password ...
    assert _login(owner, student.email).status_code == 302
    # ... while a device that never logged in to the account waits, even with the password.
    new_device = _client(app, "198.51.100.7")
    refused = _login(new_device, student.email)
    assert refused.status_code == 429
    assert "Too many failed attempts. Please wait" in refused.get_data(as_text=True)
    assert int(refused.headers["Retry-After"]) > 0


def test_a_known_device_of_another_account_is_a_stranger(app, student):
    other = make_user()
    device = _known_device(app, other.email)
    codes = [_login(device, student.email, WRONG).status_code for _ in range(6)]
    assert codes == [200] * 5 + [429]


def test_a_known_device_backs_off_too(app, student):
    owner = _known_device(app, student.email)
    codes = [_login(owner, student.email, WRONG).status_code for _ in range(6)]
    assert codes == [200] * 5 + [429]
    assert _login(owner, student.email).status_code == 429  # waits like anyone else
    assert _login(_client(app, "192.0.2.9"), student.email).status_code == 302  # elsewhere: in


def test_a_guesser_backs_off_exponentially(app, student, clock):
    guesser = _client(app, "203.0.113.5")
    for _ in range(5):
        assert _login(guesser, student.email, WRONG).status_code == 200
    waits = []
    for _ in range(4):
        refused = _login(guesser, student.email, WRONG)
        assert refused.status_code == 429
        waits.append(int(refused.headers["Retry-After"]))
        clock(30)
        assert _login(guesser, student.email, WRONG).status_code == 429  # waiting: not counted
        clock(waits[-1])
        assert _login(guesser, student.email, WRONG).status_code == 200  # one more guess
    assert waits == [60, 120, 240, 480]
    clock(3600)
    assert _login(guesser, student.email).status_code == 302  # the right password, later


def test_a_success_starts_the_count_again(app, student):
    client = _client(app)
    for _ in range(4):
        assert _login(client, student.email, WRONG).status_code == 200
    assert _login(client, student.email).status_code == 302
    client.post("/account/logout")
    for _ in range(4):
        assert _login(client, student.email, WRONG).status_code == 200
    assert _login(client, student.email).status_code == 302


def test_unknown_emails_are_counted_like_accounts(app):
    client = _client(app)
    codes = [_login(client, "nobody@example.com", WRONG).status_code for _ in range(6)]
    assert codes == [200] * 5 + [429]


def test_an_address_backs_off_instead_of_locking_everyone_out(template_db, tmp_path, clock):
    app = make_app(template_db, tmp_path, LOGIN_BACKOFF_PER_ADDRESS=[3, 5, 300])
    with app.app_context():
        emails = [make_user().email for _ in range(5)]
        owner = _known_device(app, emails[4], "192.0.2.1")
    school = _client(app, "192.0.2.1")
    codes = [_login(school, email, WRONG).status_code for email in emails[:4]]
    assert codes == [200, 200, 200, 429]  # the fourth account from that address waits ...
    refused = _login(school, emails[3], WRONG)
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "5"
    assert _login(owner, emails[4]).status_code == 302  # ... but not a known device there
    clock(6)
    assert _login(school, emails[3]).status_code == 302  # seconds later, not 15 minutes


# --- trusted proxies ------------------------------------------------------------------------


def test_forwarded_for_is_ignored_without_the_proxy_setting(template_db, tmp_path):
    app = make_app(template_db, tmp_path, LOGIN_BACKOFF_PER_ADDRESS=[2, 60, 60])
    with app.app_context():
        emails = [make_user().email for _ in range(3)]
    client = _client(app)
    codes = [
        _login(client, email, WRONG, **{"X-Forwarded-For": f"198.51.100.{n}"}).status_code
        for n, email in enumerate(emails)
    ]
    assert codes == [200, 200, 429]  # a forged header does not make a new address


def test_trusted_proxy_gives_the_client_address_and_scheme(template_db, tmp_path):
    app = make_app(
        template_db, tmp_path, TRUSTED_PROXIES=1, HSTS=True, LOGIN_BACKOFF_PER_ADDRESS=[2, 60, 60]
    )
    with app.app_context():
        emails = [make_user().email for _ in range(3)]
    proxy = _client(app, "10.0.0.2")  # every request arrives from the proxy
    codes = [
        _login(proxy, email, WRONG, **{"X-Forwarded-For": f"198.51.100.{n}"}).status_code
        for n, email in enumerate(emails)
    ]
    assert codes == [200, 200, 200]  # three clients behind the proxy, one failure each
    same = [
        _login(proxy, email, WRONG, **{"X-Forwarded-For": "198.51.100.77"}).status_code
        for email in emails
    ]
    assert same == [200, 200, 429]  # one client behind the proxy: its own address backs off
    secure = proxy.get("/healthz", headers={"X-Forwarded-Proto": "https"})
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=")
    assert "Strict-Transport-Security" not in proxy.get("/healthz").headers


@pytest.mark.parametrize("value", [-1, "two", 1.5, True, 99])
def test_trusted_proxies_must_be_a_small_whole_number(template_db, tmp_path, value):
    with pytest.raises(ProductionConfigError, match="TRUSTED_PROXIES"):
        make_app(template_db, tmp_path, TRUSTED_PROXIES=value)
