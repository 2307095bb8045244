"""Accounts: sign up, log in, log out, settings."""

from flask import Blueprint

bp = Blueprint("auth", __name__, url_prefix="/account")

from studyapp.web.auth import views  # noqa: E402,F401
