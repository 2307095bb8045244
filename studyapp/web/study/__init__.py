"""Spaced-repetition study, practice quizzes and the progress dashboard."""

from flask import Blueprint

bp = Blueprint("study", __name__, url_prefix="/study")

from studyapp.web.study import views  # noqa: E402,F401
