"""The home page."""

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user

bp = Blueprint("main", __name__)


@bp.get("/")
def home():
    if current_user.is_authenticated:
        if current_user.is_instructor:
            return redirect(url_for("instructor.courses"))
        return redirect(url_for("study.dashboard"))
    from studyapp.services.bank import essay

    return render_template("main/home.html", essay=essay())


@bp.get("/healthz")
def healthz():
    """A trivial route through the whole app and its middleware (used as a benchmark baseline)."""
    return {"ok": True}
