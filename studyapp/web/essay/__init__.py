"""The essay reader and the question bank browser."""

from flask import Blueprint

bp = Blueprint("essay", __name__)

from studyapp.web.essay import views  # noqa: E402,F401
