"""Passwords: a length range, not a common password, not the email address."""

from __future__ import annotations

import pytest

from studyapp.core.passwords import common_passwords, password_problem


def test_the_common_password_list_ships_with_the_package():
    common = common_passwords()
    assert len(common) > 10_000
    assert {"password", "12345678", "qwertyuiop", "iloveyou", "studyapp"} <= common


@pytest.mark.parametrize(
    ("password", "email", "problem"),
    [
        ("1234567", "", "at least 8"),
        ("PASSWORD", "", "common passwords"),
        ("IloveYou", "", "common passwords"),
        (" qwertyuiop ", "", "common passwords"),
        ("StudyApp", "", "common passwords"),
        ("Ana.Kim.77", "ana.kim.77@example.com", "email address"),
        ("ana.kim.77@EXAMPLE.com", "ana.kim.77@example.com", "email address"),
    ],
)
def test_weak_passwords_are_refused(password, email, problem):
    assert problem in password_problem(password, email)


@pytest.mark.parametrize(
    "password", ["correct horse battery", "ana.kim.77 is my name", "12345678 and more"]
)
def test_other_passwords_pass(password):
    assert password_problem(password, "ana.kim.77@example.com") is None
