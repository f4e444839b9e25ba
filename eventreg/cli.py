"""Commands for `flask --app wsgi …`: init-db, seed-demo, mail-worker, create-coordinator."""

import sys
from pathlib import Path

import click
from flask import Flask
from flask.cli import with_appcontext
from flask_migrate import upgrade

from eventreg import demo
from eventreg.extensions import db
from eventreg.mail.outbox import run_worker
from eventreg.models import Role
from eventreg.services import accounts
from eventreg.services.errors import EventRegError

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


@click.command("create-coordinator")
@click.argument("email")
@click.option("--name", required=True, help="The person's full name.")
@click.option("--admin", is_flag=True, help="Also manages accounts, libraries and municipalities.")
@with_appcontext
def create_coordinator_command(email: str, name: str, admin: bool):
    """Create a coordinator account; the password is asked for, or read from standard input."""
    if sys.stdin.isatty():
        password = click.prompt(
            "Lösenord", hide_input=True, confirmation_prompt="Upprepa lösenordet"
        )
    else:
        password = sys.stdin.readline().rstrip("\n")
    try:
        with db.session.begin():
            user = accounts.create_user(
                email, name, password, Role.ADMIN if admin else Role.COORDINATOR
            )
    except EventRegError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"Kontot {user.email} ({'administratör' if admin else 'samordnare'}) är skapat.")


def init_app(app: Flask) -> None:
    for command in (
        init_db_command,
        seed_demo_command,
        mail_worker_command,
        create_coordinator_command,
    ):
        app.cli.add_command(command)
