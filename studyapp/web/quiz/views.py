"""Quiz-taking views."""

from flask import render_template
from flask_login import login_required

from studyapp.web.quiz import bp


@bp.get("/")
@login_required
def assignments():
    return render_template("error.html", code=200, title="Classes", message="Coming up.")
