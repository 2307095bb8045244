"""Students' classes and assigned quizzes."""

from flask import Blueprint

bp = Blueprint("quiz", __name__, url_prefix="/classes")

from studyapp.web.quiz import views  # noqa: E402,F401
