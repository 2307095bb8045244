"""Instructors: classes, assignments, gradebook, item analysis."""

from flask import Blueprint

bp = Blueprint("instructor", __name__, url_prefix="/teach")

from studyapp.web.instructor import views  # noqa: E402,F401
