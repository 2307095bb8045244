"""Study views."""

from flask import render_template
from flask_login import login_required

from studyapp.web.study import bp


@bp.get("/")
@login_required
def review():
    return render_template("error.html", code=200, title="Study", message="Coming up.")


@bp.get("/progress")
@login_required
def dashboard():
    return render_template("error.html", code=200, title="Progress", message="Coming up.")
