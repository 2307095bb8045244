"""Instructor views."""

from flask import render_template
from flask_login import login_required

from studyapp.web.instructor import bp


@bp.get("/")
@login_required
def courses():
    return render_template("error.html", code=200, title="Teaching", message="Coming up.")
