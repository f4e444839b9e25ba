"""Commands for `flask --app wsgi …`: init-db, seed-demo, mail-worker."""

from pathlib import Path

import click
from flask import Flask
from flask.cli import with_appcontext
from flask_migrate import upgrade

from eventreg import demo
from eventreg.extensions import db
from eventreg.mail.outbox import run_worker

LIBRARIES_CSV = Path(__file__).parent / "data" / "libraries.csv"


@click.command("init-db")
@with_appcontext
def init_db_command():
    """Create or upgrade the database to the newest migration (never drops data)."""
    upgrade()
    click.echo("Databasen är uppdaterad.")


@click.command("seed-demo")
@with_appcontext
@click.option("--force", is_flag=True, help="Add demo events even if there are events already.")
def seed_demo_command(force: bool):
    """Add the county's libraries and, on an empty database, realistic demo events."""
    with db.session.begin():
        added = demo.seed(LIBRARIES_CSV, force=force)
    click.echo(added)


@click.command("mail-worker")
@with_appcontext
@click.option("--once", is_flag=True, help="Deliver what is due, then exit.")
def mail_worker_command(once: bool):
    """Deliver the outbox over SMTP (or to instance/mail/*.eml without MAIL_SERVER)."""
    run_worker(once=once)


def init_app(app: Flask) -> None:
    for command in (init_db_command, seed_demo_command, mail_worker_command):
        app.cli.add_command(command)
