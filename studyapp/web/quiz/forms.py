"""Student-side class and quiz forms."""

from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField
from wtforms.validators import DataRequired, Length, Optional

from studyapp.web.validators import PlainText


class JoinForm(FlaskForm):
    code = StringField(
        "Join code",
        validators=[
            DataRequired("Enter the join code your instructor gave you."),
            Length(max=20, message="A join code is shorter than that."),
            PlainText(),
        ],
        description="The code your instructor gave you, like K7QP-M3XA.",
    )


class StartForm(FlaskForm):
    """Start or resume an attempt (CSRF only)."""


class AttemptForm(FlaskForm):
    """A page of an attempt; the answer fields are read by read_response."""

    go = HiddenField(validators=[Optional(), Length(max=10)])
