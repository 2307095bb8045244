"""Account views."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from studyapp.extensions import db, limiter
from studyapp.services import ServiceError, accounts
from studyapp.web.auth import bp
from studyapp.web.auth.forms import LoginForm, PasswordForm, SettingsForm, SignupForm
from studyapp.web.safety import safe_next


def _login_account_key() -> str:
    return "login-account:" + accounts.normalise_email(request.form.get("email", ""))


def _failed(response) -> bool:  # type: ignore[no-untyped-def]
    """Only failed logins count towards the limits (a failure re-renders the form)."""
    return response.status_code == 200


def _start_session(user) -> None:  # type: ignore[no-untyped-def]
    session.clear()  # a fresh session at login: no fixation
    login_user(user, remember=False)
    session.permanent = True


@bp.route("/signup", methods=["GET", "POST"])
def signup():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = SignupForm()
    if form.validate_on_submit():
        try:
            user = accounts.create_user(form.email.data, form.name.data, form.password.data)
        except ServiceError as exc:
            form.email.errors = [*form.email.errors, str(exc)]
        else:
            db.session.commit()
            _start_session(user)
            flash(f"Welcome, {user.name}! Your account is ready.", "success")
            return redirect(url_for("main.home"))
    return render_template("auth/signup.html", form=form)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"],
    key_func=_login_account_key,
    methods=["POST"],
    deduct_when=_failed,
)
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"], methods=["POST"], deduct_when=_failed
)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data, form.password.data)
        if user is None:
            form.password.errors = ["Email or password is not correct."]
        else:
            db.session.commit()  # a rehashed password, if any
            _start_session(user)
            if form.remember.data:
                login_user(user, remember=True)
            return redirect(safe_next(form.next.data) or url_for("main.home"))
    return render_template("auth/login.html", form=form)


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
@login_required
def change_password():
    user = current_user._get_current_object()
    password_form = PasswordForm(prefix="pw")
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
