"""Account forms."""

from decimal import Decimal
from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    Field,
    HiddenField,
    PasswordField,
    StringField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    EqualTo,
    Length,
    Optional,
    StopValidation,
    ValidationError,
)

from studyapp.core.passwords import MAX_LENGTH as MAX_PASSWORD
from studyapp.core.passwords import MIN_LENGTH as MIN_PASSWORD
from studyapp.core.passwords import password_problem
from studyapp.core.timezones import DEFAULT_ZONE, canonical_zone, zones
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


class ResetPasswordForm(FlaskForm):
    new = PasswordField(
        "New password",
        validators=[DataRequired(), _UsablePassword()],
        description=(
            f"At least {MIN_PASSWORD} characters, not a common password. "
            "A passphrase of several words is best."
        ),
    )
    confirm = PasswordField(
        "Repeat new password", validators=[DataRequired(), EqualTo("new", "Passwords differ.")]
    )

    def __init__(self, *args: Any, account_email: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.account_email = account_email  # the new password may not be the address


def _zone_name(value: str | None) -> str | None:
    """A typed zone in its proper spelling ("asia/seoul" -> "Asia/Seoul"); other text as typed."""
    if isinstance(value, str):
        return canonical_zone(value) or value.strip()
    return value


def _known_zone(form: object, field: Field) -> None:
    if field.data not in zones():
        raise ValidationError(
            "Choose a time zone from the list: a region and a city, such as Europe/Berlin."
        )


class TimeZoneField(StringField):
    """A time zone, typed with the browser's suggestions (the field macro adds a datalist)."""

    def __init__(self, label: str, *, detect: bool = False, **kwargs: Any) -> None:
        # app.js fills an empty field with the browser's zone (detect), or offers it.
        render_kw = {"autocomplete": "off", "spellcheck": "false"}
        render_kw["data-detect-timezone" if detect else "data-offer-timezone"] = ""
        validators = [*kwargs.pop("validators", []), Length(max=64), PlainText(), _known_zone]
        super().__init__(
            label, filters=[_zone_name], validators=validators, render_kw=render_kw, **kwargs
        )
        self.suggestions = zones()


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
    timezone = TimeZoneField(
        "Time zone",
        detect=True,
        validators=[Optional()],
        description=f"Taken from your browser; change it if it is wrong (left empty: "
        f"{DEFAULT_ZONE}). Due dates and your study days follow it.",
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


class SettingsForm(FlaskForm):
    timezone = TimeZoneField(
        "Time zone",
        validators=[DataRequired("Choose a time zone.")],
        description="Type part of the name to search, such as Seoul or Berlin.",
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
