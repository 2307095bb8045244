"""Account views."""

from __future__ import annotations

from flask import (
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user

from studyapp.core.timezones import DEFAULT_ZONE
from studyapp.db import utcnow, writes_late
from studyapp.extensions import db, limiter
from studyapp.services import ServiceError, accounts
from studyapp.web.auth import bp
from studyapp.web.auth.devices import current_device, remember_device
from studyapp.web.auth.forms import (
    LoginForm,
    PasswordForm,
    ResetPasswordForm,
    SettingsForm,
    SignupForm,
)
from studyapp.web.auth.limits import client_address, describe_wait, login_limits, login_scopes
from studyapp.web.safety import safe_next

# The answer to every accepted sign-up, new email or taken: it never tells which.
SIGNED_UP = (
    "Thank you. If that email was not registered yet, your student account is ready. "
    "Log in now with your email and password (if you had an account already, use the "
    "password you chose then)."
)


def _signup_key() -> str:
    return "signup/" + client_address()


def _hashed(response) -> bool:  # type: ignore[no-untyped-def]
    """Only sign-ups that reached the password hash count towards the limit."""
    return bool(g.get("signup_hashed"))


def _start_session(user) -> None:  # type: ignore[no-untyped-def]
    session.clear()  # a fresh session at login: no fixation
    login_user(user, remember=False)
    session.permanent = True


@bp.route("/signup", methods=["GET", "POST"])
@writes_late  # the password is hashed before the write lock is taken
@limiter.limit(
    lambda: current_app.config["SIGNUP_LIMIT_PER_ADDRESS"],
    key_func=_signup_key,
    methods=["POST"],
    deduct_when=_hashed,
)
def signup():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = SignupForm()
    if form.validate_on_submit():
        try:
            g.signup_hashed = True
            accounts.sign_up(
                form.email.data,
                form.name.data,
                form.password.data,
                form.timezone.data or DEFAULT_ZONE,
            )
        except ServiceError as exc:
            form.email.errors = [*form.email.errors, str(exc)]
        else:
            db.session.commit()
            session["login_email"] = accounts.normalise_email(form.email.data)
            flash(SIGNED_UP, "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/signup.html", form=form)


@bp.route("/login", methods=["GET", "POST"])
@writes_late  # checking a password takes a while; it writes only to rehash
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm(next=request.args.get("next", ""))
    if request.method == "GET" and not form.email.data:
        form.email.data = session.pop("login_email", None)
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form)
    email = accounts.normalise_email(form.email.data)
    device = current_device()
    known = device is not None and device.knows(accounts.account_id(email))
    scopes = login_scopes(email, device.id if known else None)
    wait = login_limits().wait(scopes)
    if wait:
        message = f"Too many failed attempts. Please wait {describe_wait(wait)} and try again."
        page = render_template("auth/login.html", form=form, wait_message=message)
        return page, 429, {"Retry-After": str(wait)}
    user = accounts.authenticate(email, form.password.data)
    if user is None:
        login_limits().failed(scopes)
        form.password.errors = ["Email or password is not correct."]
        return render_template("auth/login.html", form=form)
    login_limits().succeeded(scopes[0])
    db.session.commit()  # a rehashed password, if any
    _start_session(user)
    if form.remember.data:
        login_user(user, remember=True)
    response = redirect(safe_next(form.next.data) or url_for("main.home"))
    remember_device(response, device, user.id)
    return response


@bp.post("/logout")
@login_required
def logout():
    accounts.end_sessions(current_user._get_current_object())
    db.session.commit()
    logout_user()
    session.clear()
    flash("You are logged out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings():
    user = current_user._get_current_object()
    form = SettingsForm(obj=user)
    password_form = PasswordForm(prefix="pw")
    if form.validate_on_submit():
        user.timezone = form.timezone.data
        user.rollover_hour = form.rollover_hour.data
        user.desired_retention = float(form.desired_retention.data)
        user.new_cards_per_day = form.new_cards_per_day.data
        db.session.commit()
        flash("Settings saved.", "success")
        return redirect(url_for("auth.settings"))
    return render_template("auth/settings.html", form=form, password_form=password_form)


@bp.post("/password")
@writes_late
@login_required
def change_password():
    user = current_user._get_current_object()
    password_form = PasswordForm(prefix="pw", account_email=user.email)
    if password_form.validate_on_submit():
        try:
            accounts.change_password(user, password_form.current.data, password_form.new.data)
        except ServiceError as exc:
            password_form.current.errors = [str(exc)]
        else:
            db.session.commit()
            _start_session(user)  # this session carries the new version; all others end
            flash("Password changed. Other devices have been logged out.", "success")
            return redirect(url_for("auth.settings"))
    return render_template(
        "auth/settings.html", form=SettingsForm(obj=user), password_form=password_form
    ), 200


@bp.route("/reset/<token>", methods=["GET", "POST"])
@writes_late
def reset_password(token: str):
    """Set a new password with a one-time link from an instructor or the command line."""
    secret_key = current_app.config["SECRET_KEY"]
    try:
        user = accounts.account_for_reset(token, secret_key=secret_key, now=utcnow())
    except ServiceError as exc:
        return render_template("auth/reset.html", form=None, problem=str(exc)), 400
    form = ResetPasswordForm(account_email=user.email)
    if form.validate_on_submit():
        try:
            accounts.reset_password(token, form.new.data, secret_key=secret_key, now=utcnow())
        except ServiceError as exc:
            form.new.errors = [str(exc)]
        else:
            db.session.commit()
            login_limits().succeeded(login_scopes(user.email, None)[0])
            logout_user()
            session.clear()
            session["login_email"] = user.email
            flash(
                "Your new password is set, and every session of this account has ended. "
                "Log in with the new password.",
                "success",
            )
            return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", form=form, user=user)
