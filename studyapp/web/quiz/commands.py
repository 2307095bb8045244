"""The close-overdue command: finish attempts whose deadline has passed (for cron)."""

from __future__ import annotations

import click

from studyapp.web.quiz import bp


@bp.cli.command("close-overdue")
def close_overdue() -> None:
    """Finish every quiz attempt whose deadline has passed (safe to run from cron)."""
    from studyapp.db import utcnow
    from studyapp.services.assignments import finish_overdue

    click.echo(f"Finished {finish_overdue(utcnow())} overdue attempt(s).")
