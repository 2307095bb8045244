"""Account forms."""

from decimal import Decimal
from typing import Any
from zoneinfo import available_timezones

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    Field,
    HiddenField,
    PasswordField,
    SelectField,
    StringField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    EqualTo,
    Length,
    StopValidation,
    ValidationError,
)

from studyapp.core.passwords import MAX_LENGTH as MAX_PASSWORD
from studyapp.core.passwords import MIN_LENGTH as MIN_PASSWORD
from studyapp.core.passwords import password_problem
from studyapp.web.choices import options
from studyapp.web.inputs import DecimalNumberField, WholeNumberField
from studyapp.web.validators import PlainText


class _UsablePassword:
    """Length, not a common password, not the email address (NIST SP 800-63B)."""

    def __init__(self, email_field: str | None = None):
        self.email_field = email_field

    def __call__(self, form: Any, field: Field) -> None:
        email = getattr(form, "account_email", "")
        if self.email_field:
            email = form[self.email_field].data or ""
        problem = password_problem(field.data or "", email)
        if problem:
            raise StopValidation(problem)


def _strip(value: str | None) -> str | None:
    """Surrounding spaces (a pasted address) are not part of an email."""
    return value.strip() if isinstance(value, str) else value


class SignupForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=80), PlainText()])
    email = EmailField(
        "Email",
        filters=[_strip],
        validators=[DataRequired(), Length(max=254), PlainText(), Email()],
    )
    password = PasswordField(
        "Password",
        validators=[DataRequired(), _UsablePassword("email")],
        description=(
            f"At least {MIN_PASSWORD} characters, not a common password. "
            "A passphrase of several words is best."
        ),
    )
    confirm = PasswordField(
        "Repeat password", validators=[DataRequired(), EqualTo("password", "Passwords differ.")]
    )


class LoginForm(FlaskForm):
    email = EmailField(
        "Email", filters=[_strip], validators=[DataRequired(), Length(max=254), PlainText()]
    )
    password = PasswordField("Password", validators=[DataRequired(), Length(max=MAX_PASSWORD)])
    remember = BooleanField("Keep me logged in on this device")
    next = HiddenField()


class PasswordForm(FlaskForm):
    current = PasswordField("Current password", validators=[DataRequired()])
    new = PasswordField("New password", validators=[DataRequired(), _UsablePassword()])
    confirm = PasswordField(
        "Repeat new password", validators=[DataRequired(), EqualTo("new", "Passwords differ.")]
    )

    def __init__(self, *args: Any, account_email: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.account_email = account_email  # the new password may not be the address


_ZONES = sorted(available_timezones())


def _valid_zone(form: object, field: SelectField) -> None:
    if field.data not in _ZONES:
        raise ValidationError("Choose a time zone from the list.")


class SettingsForm(FlaskForm):
    timezone = SelectField(
        "Time zone", choices=options((z, z) for z in _ZONES), validators=[_valid_zone]
    )
    rollover_hour = WholeNumberField(
        "New day starts at (hour)",
        lo=0,
        hi=23,
        message="Choose an hour between 0 and 23.",
        description="Reviews done before this hour count for the previous day.",
    )
    desired_retention = DecimalNumberField(
        "Desired retention",
        places=2,
        # Decimal bounds: the float 0.97 is a hair below Decimal("0.97") and would refuse it.
        lo=Decimal("0.70"),
        hi=Decimal("0.97"),
        message="Choose between 0.70 and 0.97.",
        description="How likely you want to be to remember a card when it is due (0.70–0.97).",
    )
    new_cards_per_day = WholeNumberField(
        "New cards per day", lo=0, hi=500, message="Choose between 0 and 500."
    )
