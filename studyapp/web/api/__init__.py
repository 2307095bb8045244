"""JSON endpoints used by the study and quiz pages' scripts."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api")
