"""The yardstick: what plain Flask does on this machine with the same pages and the same database.

Served by gunicorn with exactly the settings used for eventreg
(``gunicorn -w 4 -b 127.0.0.1:<port> 'bench.baseline_app:create_app()'``), so the ratio
eventreg/baseline shows what eventreg's own work costs, not what Flask, gunicorn or the machine
cost.

- ``/`` and ``/evenemang/<id>`` render the HTML that eventreg itself served for those pages,
  captured once, as a template from memory: the same bytes on the wire, no queries.
- ``/api/v1/events`` answers the JSON that eventreg's public API gave, from memory.
- ``/evenemang/<id>/anmalan`` is a form like eventreg's: GET renders eventreg's captured sign-up
  page with a fresh CSRF token kept in the session; POST checks that token, inserts one row and
  redirects. That is the least a sign-up can do.

Environment: ``BASELINE_PAGES_DIR`` (calendar.html, event.html, sign_up.html, api.json from
``bench/run.py``), ``BASELINE_DATABASE_URL``, ``SECRET_KEY``.
"""

import os
import secrets
from datetime import UTC, datetime
from pathlib import Path

from flask import Flask, Response, abort, redirect, render_template_string, request, session
from sqlalchemy import (
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    event,
    insert,
)

#: Where the captured sign-up page has its CSRF token; ``bench/run.py`` puts it there.
TOKEN_PLACEHOLDER = "{{ csrf_token }}"

metadata = MetaData()
signups = Table(
    "baseline_signup",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("event_id", Integer, nullable=False),
    Column("name", String(200), nullable=False),
    Column("email", String(254), nullable=False),
    Column("library_id", Integer),
    Column("created_at", DateTime(timezone=True), nullable=False),
)


def make_engine(url: str):
    """An engine with the SQLite settings eventreg uses (WAL, busy timeout), so only logic differs."""
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA busy_timeout = 30000")
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
            cursor.close()

    return engine


def create_schema(url: str) -> None:
    engine = make_engine(url)
    metadata.create_all(engine)
    engine.dispose()


def create_app() -> Flask:
    pages_dir = Path(os.environ["BASELINE_PAGES_DIR"])
    pages = {
        name: (pages_dir / f"{name}.html").read_text() for name in ("calendar", "event", "sign_up")
    }
    api = (pages_dir / "api.json").read_bytes()
    engine = make_engine(os.environ["BASELINE_DATABASE_URL"])
    app = Flask(__name__)
    app.config["SECRET_KEY"] = os.environ["SECRET_KEY"]

    @app.get("/")
    def calendar():
        return render_template_string(pages["calendar"])

    @app.get("/api/v1/events")
    def api_events():
        return Response(api, mimetype="application/json")

    @app.get("/evenemang/<int:event_id>")
    def event_page(event_id: int):
        return render_template_string(pages["event"])

    @app.route("/evenemang/<int:event_id>/anmalan", methods=["GET", "POST"])
    def sign_up(event_id: int):
        if request.method == "GET":
            session.setdefault("csrf", secrets.token_urlsafe(32))
            return render_template_string(pages["sign_up"], csrf_token=session["csrf"])
        if not secrets.compare_digest(request.form.get("csrf_token", ""), session.get("csrf", "")):
            abort(400)
        with engine.begin() as conn:
            conn.execute(
                insert(signups).values(
                    event_id=event_id,
                    name=request.form["name"],
                    email=request.form["email"].lower(),
                    library_id=int(request.form["library"]),
                    created_at=datetime.now(UTC),
                )
            )
        return redirect(f"/evenemang/{event_id}/anmalan/tack")

    return app
