"""Flask CLI commands: init-db, seed, export-questions, create-instructor, set-active,
reset-link."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask, current_app
from sqlalchemy import select

from studyapp.extensions import db


def init_app(app: Flask) -> None:
    """Register the commands on the app."""
    for command in (init_db, seed, export_questions, create_instructor, set_active, reset_link):
        app.cli.add_command(command)


def create_schema() -> None:
    """Create or upgrade the schema to the newest migration (idempotent)."""
    from flask_migrate import upgrade

    upgrade(directory=current_app.extensions["migrate"].directory)


@click.command("init-db")
def init_db() -> None:
    """Create the database schema, or upgrade it to the newest version."""
    create_schema()
    click.echo(f"Database ready: {_where()}")


@click.command("seed")
@click.option("--demo/--no-demo", default=True, help="Also create the demo accounts and class.")
def seed(demo: bool) -> None:
    """Load the question bank from seed/ and (by default) the demo data. Safe to run again."""
    from studyapp.services.bank import sync_bank

    create_schema()
    result = sync_bank(current_app.config["BANK_SEED"])
    click.echo(
        f"Question bank: {result.total} questions "
        f"({result.added} new, {result.updated} updated, {result.dropped} left the bank)."
    )
    if demo:
        from studyapp.services.demo import seed_demo

        for line in seed_demo():
            click.echo(line)


@click.command("export-questions")
@click.option("--format", "fmt", type=click.Choice(["json", "csv"]), default="json")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None)
@click.option("--include-retired", is_flag=True, help="Also export retired questions.")
def export_questions(fmt: str, output: Path | None, include_retired: bool) -> None:
    """Write the question bank as JSON (the stable export schema) or CSV."""
    from sqlalchemy import inspect

    from studyapp.core.formats import questions_csv, questions_json
    from studyapp.core.questions import seed_bank
    from studyapp.services.bank import essay, filter_questions

    if inspect(db.engine).has_table("question"):
        rows = db.session.scalars(filter_questions(include_retired=include_retired)).all()
        items = [row.data for row in rows]
    else:  # a fresh checkout: the bank as the fact base generates it
        click.echo("No database yet: exporting the bank generated from the fact base.", err=True)
        items = [q.to_dict() for q in seed_bank(current_app.config["BANK_SEED"]).questions]
    e = essay()
    meta = {"slug": e.slug, "title": e.title, "author": e.author}
    text = questions_json(meta, items) if fmt == "json" else questions_csv(items)
    if output is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(f"Wrote {len(items)} questions to {output}", err=True)


@click.command("create-instructor")
@click.option("--email", prompt=True)
@click.option("--name", prompt=True)
@click.password_option()
def create_instructor(email: str, name: str, password: str) -> None:
    """Create an instructor account."""
    from studyapp.models import Role, User
    from studyapp.services import ServiceError
    from studyapp.services.accounts import create_user, normalise_email

    existing = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    if existing is not None:
        raise click.ClickException(f"{existing.email} already exists ({existing.role}).")
    try:
        user = create_user(email, name, password, role=Role.INSTRUCTOR)
    except ServiceError as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"Instructor {user.email} created.")


def _where() -> str:
    url = db.engine.url
    return url.database if url.get_backend_name() == "sqlite" else url.render_as_string(True)


@click.command("set-active")
@click.argument("email")
@click.option("--active/--inactive", default=False, help="Reactivate instead of deactivating.")
def set_active(email: str, active: bool) -> None:
    """Deactivate (or reactivate) an account; a deactivated user is logged out at once."""
    from studyapp.models import User
    from studyapp.services.accounts import normalise_email
    from studyapp.services.accounts import set_active as set_user_active

    user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None:
        raise click.ClickException(f"No account with email {email}.")
    set_user_active(user, active)
    db.session.commit()
    click.echo(f"{user.email} is now {'active' if active else 'deactivated'}.")


@click.command("reset-link")
@click.argument("email")
@click.option(
    "--base-url",
    default=None,
    help="Where users reach the app (default: the BASE_URL setting).",
)
def reset_link(email: str, base_url: str | None) -> None:
    """Print a one-time link that sets a new password for EMAIL (valid for 30 minutes)."""
    from flask import url_for

    from studyapp.db import utcnow
    from studyapp.models import User
    from studyapp.services import ServiceError
    from studyapp.services.accounts import RESET_LINK_LIFETIME, normalise_email, reset_token

    user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None:
        raise click.ClickException(f"No account with email {email}.")
    try:
        token = reset_token(user, secret_key=current_app.config["SECRET_KEY"], now=utcnow())
    except ServiceError as exc:
        raise click.ClickException(str(exc)) from exc
    base = (base_url or current_app.config["BASE_URL"]).rstrip("/")
    if not base.startswith(("http://", "https://")):
        raise click.ClickException("The base URL must start with http:// or https://.")
    with current_app.test_request_context(base_url=base):
        url = url_for("auth.reset_password", token=token, _external=True)
    minutes = int(RESET_LINK_LIFETIME.total_seconds() // 60)
    click.echo(
        f"A link that sets a new password for {user.email} (works once, for {minutes} "
        "minutes; using it logs the account out everywhere):",
        err=True,
    )
    click.echo(url)
