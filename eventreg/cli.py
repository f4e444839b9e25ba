"""Commands for `flask --app wsgi …`: the database, demo data, the mail worker and the mailbox,
accounts, personal data, reminders and statistics (``init_app`` lists them all)."""

import signal
import sys
import threading
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from flask_migrate import upgrade

from eventreg import demo
from eventreg.calendar import replies_are_read
from eventreg.errors import EventRegError
from eventreg.extensions import db
from eventreg.mail.outbox import run_worker
from eventreg.models import Role
from eventreg.services import accounts, calendar_replies, personal_data, region, reminders
from eventreg.statistics import counting

#: The demo region's libraries, which the tests and benchmarks use too.
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
@click.option(
    "--region",
    type=click.Choice(sorted(path.stem for path in demo.REGIONS.glob("*.toml"))),
    default=demo.DEMO_REGION,
    help="The demo region to load (events are added for the first only).",
)
def seed_demo_command(force: bool, region: str):
    """Load a demo region (profile, plans, libraries) and, on an empty database, demo events."""
    click.echo(_loading(demo.REGIONS / f"{region}.toml", lambda: demo.seed(region, force=force)))


@click.command("load-region")
@with_appcontext
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def load_region_command(path: Path):
    """Set up the organisation profile, library plans, audiences and libraries from a file."""
    click.echo(_loading(path, lambda: region.load_region(path)))


def _loading(path: Path, load) -> str:
    """Run ``load`` in one transaction: a region file that breaks a rule or lacks a key is
    told in a line, and nothing of it is saved."""
    try:
        with db.session.begin():
            return load()
    except EventRegError as error:
        raise click.ClickException(f"{path}: {error.message}") from error
    except KeyError as error:
        raise click.ClickException(f"{path}: {error.args[0]} saknas.") from error
    except (TypeError, ValueError) as error:  # a wrong type, a bad date, or not TOML
        raise click.ClickException(f"{path}: {error}") from error


@click.command("mail-worker")
@with_appcontext
@click.option("--once", is_flag=True, help="Deliver what is due, then exit.")
def mail_worker_command(once: bool):
    """Deliver the outbox over SMTP (or to instance/mail/*.eml without MAIL_SERVER).

    While it runs it also queues due reminders every REMINDER_CHECK_SECONDS, counts new sign-ups
    into the statistics every STATISTICS_CATCH_UP_SECONDS, and reads the mailbox every
    REPLY_CHECK_SECONDS when IMAP_SERVER is set. SIGTERM (or Ctrl-C) lets it
    finish the message it is sending and give the rest back at once.
    """
    config = current_app.config
    stop = threading.Event()
    for number in (signal.SIGTERM, signal.SIGINT):  # systemd stops a service with SIGTERM
        signal.signal(number, lambda *_: stop.set())
    run_worker(
        once=once,
        schedule=[
            (config["REMINDER_CHECK_SECONDS"], _queue_reminders),
            (config["STATISTICS_CATCH_UP_SECONDS"], _count_statistics),
            (
                config["REPLY_CHECK_SECONDS"] if replies_are_read() else 0,
                calendar_replies.read_mailbox,
            ),
        ],
        stop=stop,
    )
    if stop.is_set():
        click.echo("Postutdelaren stannade; det som inte hann skickas väntar på nästa.")


def _queue_reminders() -> None:
    with db.session.begin():
        reminders.send_reminders()


def _count_statistics() -> None:
    """Count in batches, a transaction each, so that no event stays locked for long."""
    while True:
        with db.session.begin():
            if counting.catch_up(db.session()) < counting.BATCH:
                return


@click.command("count-statistics")
@with_appcontext
def count_statistics_command():
    """Count new sign-ups into the statistics (the mail worker does it every half minute)."""
    _count_statistics()
    click.echo("Nya anmälningar är inräknade i statistiken.")


@click.command("read-replies")
@with_appcontext
def read_replies_command():
    """Read the Kalendarium's mailbox: act on answers from calendars, forward the rest."""
    if not replies_are_read():
        raise click.ClickException("IMAP_SERVER är inte satt: det finns ingen brevlåda att läsa.")
    click.echo(f"{calendar_replies.read_mailbox()} mejl lästa.")


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


@click.command("send-reminders")
@with_appcontext
def send_reminders_command():
    """Queue due reminders (before events, and to members who have not answered), and pass
    expired offers of a seat on to the next in line; idempotent."""
    with db.session.begin():
        sent = reminders.send_reminders()
    click.echo(
        f"{sent.events} påminnelser om evenemang och {sent.invitations} om inbjudningar köade; "
        f"{sent.offers_passed_on} erbjudna platser gick vidare; "
        f"{sent.follow_ups} mejl efter kursen, {sent.evaluations} påminnelser om "
        f"utvärderingar och {sent.watches} mejl till bevakningar köade."
    )


@click.command("purge-personal-data")
@with_appcontext
def purge_personal_data_command():
    """Erase personal data past its retention period (safe to run often, e.g. nightly from cron)."""
    with db.session.begin():
        report = personal_data.purge()
    click.echo(
        f"Behov raderade för {report.needs_erased} anmälningar, "
        f"{report.calendar_entries_deleted} kalenderposter, {report.anonymised} anmälningar "
        f"anonymiserade, {report.mails_deleted} gamla mejl, "
        f"{report.login_attempts_deleted} inloggningsförsök och "
        f"{report.rate_limit_counts_deleted} gamla räknare för för många försök borttagna."
    )


@click.command("rebuild-statistics")
@with_appcontext
def rebuild_statistics_command():
    """Count the statistics again from the registrations, e.g. after data was changed by hand."""
    with db.session.begin():
        counting.rebuild(db.session)
    click.echo("Statistiken är räknad på nytt.")


def init_app(app: Flask) -> None:
    for command in (
        init_db_command,
        seed_demo_command,
        load_region_command,
        mail_worker_command,
        create_coordinator_command,
        purge_personal_data_command,
        send_reminders_command,
        rebuild_statistics_command,
        count_statistics_command,
        read_replies_command,
    ):
        app.cli.add_command(command)
