"""Students' classes and assigned quizzes (and the close-overdue command)."""

from flask import Blueprint

# cli_group=None: the blueprint's commands sit at the top level (flask close-overdue).
bp = Blueprint("quiz", __name__, url_prefix="/classes", cli_group=None)

from studyapp.web.quiz import commands, views  # noqa: E402,F401
