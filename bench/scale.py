"""Scale: do the busiest pages stay fast as events and registrations pile up?

    .venv/bin/python bench/scale.py           # 100 / 1,000 / 10,000 events (about 5 minutes),
                                              # writes its section of BENCHMARKS.md
    .venv/bin/python bench/scale.py --quick   # 100 / 1,000 events, prints the section only

The target (issue): with 10,000 events and 500,000 registrations, the calendar (also filtered),
the public API (also filtered), an event page, a coordinator's attendee list of a 300-person
event with its CSV and XLSX exports, and the statistics stay within 2× of their time at 100
events.

For SQLite and a throw-away PostgreSQL server (``tests/pgcluster.py``) this migrates a fresh
database, then grows it to each number of events in turn with bulk inserts (``executemany`` on
SQLite, ``COPY`` on PostgreSQL, followed there by ``VACUUM ANALYZE`` as autovacuum would do):

- events spread evenly from 200 days ago to 18 months ahead (so even 100 events fill the
  calendar's first page of 50, also when filtered to courses), 1–3 sessions each, one in five a
  network meeting without a seat limit, 2 % drafts and 2 % cancelled;
- about 50 registrations per event (31–71, mostly seated, waiting lists where the seats run out,
  every 20th cancelled), by 30,000 people spread over the county's libraries, so 10,000 events
  make about 500,000 registrations;
- attendance marked for the past events' seated people (90 % came);
- one event, 30 days ahead, with 300 registrations: the attendee list and exports measured;
- the statistics' pre-counted tables filled by ``counting.refresh`` for the new events, as
  for data changed by hand (the app keeps them in step on every commit, and counts new sign-ups
  in the worker).

Pages are requested in-process with Flask's test client (no HTTP, no gunicorn: the figure is the
app's own time for one request, one at a time), as an anonymous visitor or as a coordinator
signed in through ``/logga-in``. Each page gets one warm-up request, then up to ``requests``
timed ones (at least ``min_requests``, at most ``budget`` seconds beyond that); the median is
reported. The calendar and event pages are measured both as page-cache hits (the same URL again)
and misses (a query string never seen before, ``?n=<i>``, so the page is rendered anew).

At the largest size every SELECT of one request of each page is run again, timed alone, and
planned with ``EXPLAIN (ANALYZE, BUFFERS, TIMING OFF)`` on PostgreSQL and ``EXPLAIN QUERY PLAN``
on SQLite; full scans of a large table (10,000 rows or more), correlated subqueries run once per
row, and pages whose number of queries grows with the data (N+1) are listed.
"""

import enum
import json
import os
import re
import statistics as stats
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from flask_migrate import upgrade  # noqa: E402
from pgcluster import PostgresCluster  # noqa: E402
from sqlalchemy import event as sa_event  # noqa: E402
from sqlalchemy import select, text  # noqa: E402

from bench import report  # noqa: E402
from bench.run import run_checked, wait_for_quiet  # noqa: E402
from bench.seed import _details, list_audiences, plan_areas  # noqa: E402
from bench.server import busy_cpu_seconds, children_cpu_seconds, own_cpu_seconds  # noqa: E402
from eventreg import create_app  # noqa: E402
from eventreg.cli import LIBRARIES_CSV  # noqa: E402
from eventreg.extensions import db  # noqa: E402
from eventreg.formatting import STOCKHOLM  # noqa: E402
from eventreg.forms.statistics import current_term  # noqa: E402
from eventreg.models import Event, Library, Role  # noqa: E402
from eventreg.services.accounts import create_user  # noqa: E402
from eventreg.services.places import import_libraries  # noqa: E402
from eventreg.statistics import counting  # noqa: E402

#: The issue's target: time at the largest size at most this many times the time at 100 events.
TARGET_RATIO = 2.0
#: Registrations of the event whose attendee list is measured.
BIG_EVENT_REGISTRATIONS = 300
BIG_EVENT_CAPACITY = 270
#: People who sign up, again and again; their addresses repeat across events as in real life.
PEOPLE = 30_000
PAST_DAYS = 200
FUTURE_DAYS = 545
#: Events written per transaction while seeding.
CHUNK = 500
#: A table with at least this many rows is large: a full scan of it is a finding.
LARGE_TABLE = 10_000
SCANNED_TABLES = ("event", "event_session", "registration", "attendance")
#: Filled from those by counting, as the app does it: large tables too, if they grow.
COUNTED_TABLES = ("event_participation", "monthly_participation")
PASSWORD = "skala-lösenord-för-mätning"
CSRF_INPUT = re.compile(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"')


@dataclass(frozen=True)
class Settings:
    levels: tuple[int, ...]
    requests: int
    min_requests: int
    budget: float


FULL = Settings(levels=(100, 1_000, 10_000), requests=51, min_requests=5, budget=2.0)
QUICK = Settings(levels=(100, 1_000), requests=5, min_requests=3, budget=0.5)


# --- Seeding -------------------------------------------------------------------------------------


def _plain(value):
    """Enums as their value, so both drivers get a plain str."""
    return value.value if isinstance(value, enum.Enum) else value


def _for_sqlite(value):
    """What SQLAlchemy itself would store in SQLite: naive UTC text, dates as text, 0/1."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    return value


class Seeder:
    """Grows the database to a number of events with bulk inserts, chunk by chunk.

    Rows are built with every column of the model's table: a column given no value takes the
    model's scalar default, else NULL if it may, else seeding stops and says which column.
    """

    def __init__(self, library_ids: list[int]):
        self.engine = db.engine
        self.sqlite = self.engine.dialect.name == "sqlite"
        self.library_ids = library_ids
        self.now = datetime.now(UTC).replace(microsecond=0)
        self.today = datetime.now(STOCKHOLM).date()
        self.events = 0
        self.rounds = 0
        self.big_event_id: int | None = None
        self.tables = db.metadata.tables
        self.checked: set[str] = set()
        self.areas = plan_areas()
        self.audiences = list_audiences()
        db.session.commit()

    # Rows

    def _row(self, table: str, **values) -> dict:
        row = {}
        for column in self.tables[table].columns:
            if column.key in values:
                row[column.key] = _plain(values[column.key])
            elif column.default is not None and column.default.is_scalar:
                row[column.key] = _plain(column.default.arg)
            elif column.default is not None and column.default.is_callable:
                row[column.key] = self.now  # utcnow
            elif column.nullable:
                row[column.key] = None
            else:
                raise RuntimeError(f"scale seeding gives no value for {table}.{column.key}")
        if table not in self.checked:
            unknown = set(values) - set(self.tables[table].columns.keys())
            if unknown:
                raise RuntimeError(f"{table} has no columns {sorted(unknown)}")
            self.checked.add(table)
        return row

    def _at(self, day: date, hour: int) -> datetime:
        return datetime.combine(day, clock(hour), tzinfo=STOCKHOLM)

    def _event(self, ids: dict, number: int, first_day: date, big: bool = False) -> dict:
        """Rows for one event: the event, its sessions, registrations and attendance."""
        event_id = ids["event"]
        ids["event"] += 1
        details = _details(number, first_day, self.areas)
        details.update(audience_id=self.audiences[details["audience"]], audience="")
        if big:
            details.update(
                title="Länsdagen för folkbibliotek (300 anmälda)",
                capacity=BIG_EVENT_CAPACITY,
                kind="course",
            )
        else:
            meeting = number % 5 == 4
            details["kind"] = "network_meeting" if meeting else "course"
            details["capacity"] = None if meeting else 30 + number % 50
        parts = 1 if big else 1 + number % 3
        sessions = []
        for part in range(parts):
            day = first_day + timedelta(days=7 * part)
            sessions.append(
                self._row(
                    "event_session",
                    id=ids["event_session"],
                    event_id=event_id,
                    starts_at=self._at(day, 9),
                    ends_at=self._at(day, 12),
                    label=f"Del {part + 1}" if parts > 1 else "",
                    sequence=0,
                )
            )
            ids["event_session"] += 1
        first_start, last_end = sessions[0]["starts_at"], sessions[-1]["ends_at"]
        status = "published"
        if not big and number % 50 == 13:
            status = "draft"
        elif not big and number % 50 == 37:
            status = "cancelled"
        created = min(first_start, self.now) - timedelta(days=60)
        event = self._row(
            "event",
            id=event_id,
            status=status,
            first_start=first_start,
            last_end=last_end,
            created_at=created,
            updated_at=created,
            **details,
        )
        registrations, attendance = [], []
        if status != "draft":
            count = BIG_EVENT_REGISTRATIONS if big else 31 + (number * 7919) % 41
            base = (number * 104_729) % PEOPLE
            past = last_end < self.now and status == "published"
            seated = 0
            for index in range(count):
                person = (base + index) % PEOPLE
                if index % 20 == 19:
                    state = "cancelled"
                elif details["capacity"] is None or seated < details["capacity"]:
                    state, seated = "confirmed", seated + 1
                else:
                    state = "waitlisted"
                library = (
                    None if person % 15 == 0 else self.library_ids[person % len(self.library_ids)]
                )
                at = created + timedelta(minutes=index)
                registration_id = ids["registration"]
                ids["registration"] += 1
                registrations.append(
                    self._row(
                        "registration",
                        id=registration_id,
                        event_id=event_id,
                        status=state,
                        name=f"Person {person} Svensson",
                        email=f"person{person}@example.se",
                        library_id=library,
                        other_workplace="" if library else "Skolbiblioteket, Gymnasiet",
                        role_title="Bibliotekarie" if person % 3 else "",
                        dietary_needs="Vegetarisk"
                        if person % 7 == 0 and event["serves_meal"]
                        else "",
                        message="",
                        consented_at=at,
                        created_at=at,
                        updated_at=at,
                        confirmed_at=at if state == "confirmed" else None,
                        cancelled_at=at + timedelta(days=1) if state == "cancelled" else None,
                        link_sent_at=at,
                        counted=True,  # by counting.refresh, once seeded
                    )
                )
                if past and state == "confirmed":
                    attendance.append(
                        self._row(
                            "attendance",
                            id=ids["attendance"],
                            registration_id=registration_id,
                            session_id=sessions[0]["id"],
                            present=registration_id % 10 != 0,
                            marked_at=first_start,
                            marked_by_id=None,
                        )
                    )
                    ids["attendance"] += 1
        return {
            "event": [event],
            "event_session": sessions,
            "registration": registrations,
            "attendance": attendance,
        }

    # Writing

    def _next_ids(self) -> dict[str, int]:
        with self.engine.connect() as conn:
            return {
                table: conn.scalar(text(f"SELECT coalesce(max(id), 0) + 1 FROM {table}"))
                for table in SCANNED_TABLES
            }

    def _insert(self, raw, table: str, rows: list[dict]) -> None:
        if not rows:
            return
        columns = list(rows[0])
        names = ", ".join(f'"{c}"' for c in columns)
        if self.sqlite:
            raw.executemany(
                f'INSERT INTO "{table}" ({names}) VALUES ({", ".join("?" * len(columns))})',
                [tuple(_for_sqlite(row[c]) for c in columns) for row in rows],
            )
            return
        with raw.cursor() as cursor, cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row([row[c] for c in columns])

    def grow_to(self, total: int) -> float:
        """Add events until there are ``total``; the seconds it took."""
        started = time.monotonic()
        ids = self._next_ids()
        first_event_id = ids["event"]
        new = total - self.events
        phase = (0.5 + 0.618 * self.rounds) % 1
        span = PAST_DAYS + FUTURE_DAYS
        plan = []
        if self.big_event_id is None:
            self.big_event_id = ids["event"]
            plan.append((self.events, self.today + timedelta(days=30), True))
            new -= 1
        for index in range(new):
            offset = -PAST_DAYS + span * (index + phase) / new
            plan.append((self.events + len(plan), self.today + timedelta(days=int(offset)), False))
        pool = self.engine.raw_connection()
        raw = pool.driver_connection
        try:
            for start in range(0, len(plan), CHUNK):
                rows: dict[str, list[dict]] = {table: [] for table in SCANNED_TABLES}
                for number, first_day, big in plan[start : start + CHUNK]:
                    for table, made in self._event(ids, number, first_day, big).items():
                        rows[table] += made
                if self.sqlite:
                    raw.execute("BEGIN")
                for table in SCANNED_TABLES:  # parents first
                    self._insert(raw, table, rows[table])
                if self.sqlite:
                    raw.execute("COMMIT")
                else:
                    raw.commit()
        finally:
            pool.close()
        self.events = total
        self.rounds += 1
        # Rows written past the ORM, like data changed by hand: count them for the statistics.
        counting.refresh(
            db.session, db.session.scalars(select(Event.id).where(Event.id >= first_event_id))
        )
        db.session.commit()
        if not self.sqlite:
            with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                for table in SCANNED_TABLES:
                    conn.execute(
                        text(
                            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                            f"(SELECT max(id) FROM {table}))"
                        )
                    )
                conn.execute(text("VACUUM ANALYZE"))
        return time.monotonic() - started

    def counts(self) -> dict[str, int]:
        with self.engine.connect() as conn:
            return {
                table: conn.scalar(text(f"SELECT count(*) FROM {table}"))
                for table in (*SCANNED_TABLES, *COUNTED_TABLES)
            }


# --- Measuring -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    key: str
    label: str
    coordinator: bool
    #: The path of request ``i`` (a new query string for a cache miss).
    path: object
    #: Whether the answer is right: None, or what is wrong.
    check: object = None


def _pages(big: int, period: tuple[date, date]) -> list[Page]:
    fran, till = period

    def listed(html: str) -> str | None:
        found = html.count('<h3><a href="/evenemang/')
        return None if found == 50 else f"{found} events listed, expected 50"

    def some_listed(html: str) -> str | None:
        return None if '<h3><a href="/evenemang/' in html else "no event listed"

    def api_listed(body: str) -> str | None:
        found = len(json.loads(body)["events"])
        return None if found == 50 else f"{found} events in the answer, expected 50"

    def attendees(html: str) -> str | None:
        want = f"Bekräftade deltagare ({BIG_EVENT_CAPACITY})"
        return None if want in html else f"no '{want}'"

    def csv_rows(body: str) -> str | None:
        lines = body.count("\r\n")
        return None if lines == BIG_EVENT_REGISTRATIONS + 1 else f"{lines} CSV lines"

    admin = f"/samordnare/evenemang/{big}"
    return [
        Page("calendar_hit", "Calendar `/`, page cache hit", False, lambda i: "/", listed),
        Page("calendar_miss", "Calendar `/?n=<i>`, cache miss", False, lambda i: f"/?n={i}", listed),
        Page("calendar_kind_miss", "Calendar `/?typ=kurs&n=<i>`, cache miss", False,
             lambda i: f"/?typ=kurs&n={i}", listed),
        Page("calendar_filtered_miss",
             "Calendar filtered `/?typ=kurs&satt=plats&lediga=1&n=<i>`, cache miss", False,
             lambda i: f"/?typ=kurs&satt=plats&lediga=1&n={i}", some_listed),
        Page("api", "API `/api/v1/events?n=<i>`", False,
             lambda i: f"/api/v1/events?n={i}", api_listed),
        Page("api_filtered", "API filtered `/api/v1/events?typ=kurs&satt=plats&lediga=1&n=<i>`",
             False, lambda i: f"/api/v1/events?typ=kurs&satt=plats&lediga=1&n={i}"),
        Page("event_hit", "Event page, page cache hit", False, lambda i: f"/evenemang/{big}"),
        Page("event_miss", "Event page `?n=<i>`, cache miss", False,
             lambda i: f"/evenemang/{big}?n={i}"),
        Page("attendees", "Attendee list, 300 registrations", True,
             lambda i: f"{admin}/deltagare", attendees),
        Page("attendees_csv", "Attendee list CSV", True, lambda i: f"{admin}/deltagare.csv", csv_rows),
        Page("attendees_xlsx", "Attendee list XLSX", True, lambda i: f"{admin}/deltagare.xlsx"),
        Page("statistics_all", "Statistics, period covering all events", True,
             lambda i: f"/samordnare/statistik?fran={fran}&till={till}"),
        Page("statistics_term", "Statistics, current term (the default view)", True,
             lambda i: "/samordnare/statistik"),
    ]  # fmt: skip


class Recorder:
    """Every SQL statement the app sends while recording (bulk seeding bypasses it)."""

    def __init__(self, engine):
        self.statements: list[tuple[str, object]] = []
        sa_event.listen(engine, "before_cursor_execute", self._record)

    def _record(self, _conn, _cursor, statement, parameters, _context, _executemany):
        if statement.lstrip().split(None, 1)[0].upper() in (
            "SELECT",
            "WITH",
            "INSERT",
            "UPDATE",
            "DELETE",
        ):
            self.statements.append((statement, parameters))


class Meter:
    """Times pages; says how busy the machine was with other processes meanwhile."""

    def __init__(self, settings: Settings, recorder: Recorder, database_pid: int | None):
        self.settings = settings
        self.recorder = recorder
        self.database_pid = database_pid
        self.counter = 0

    def _database_cpu(self) -> float:
        if not self.database_pid:
            return 0.0
        return sum(children_cpu_seconds(self.database_pid).values())

    def _get(self, client, page: Page):
        self.counter += 1
        path = page.path(self.counter)
        self.recorder.statements.clear()
        began = time.perf_counter()
        response = client.get(path)
        took = time.perf_counter() - began
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code}")
        return took, response

    def measure(self, client, page: Page) -> dict:
        wait_for_quiet()
        busy, own, database = busy_cpu_seconds(), own_cpu_seconds(), self._database_cpu()
        started = time.monotonic()
        warm, response = self._get(client, page)
        minimum = self.settings.min_requests if warm < 1.0 else 3
        times = []
        deadline = time.monotonic() + self.settings.budget
        while len(times) < self.settings.requests and (
            len(times) < minimum or time.monotonic() < deadline
        ):
            took, response = self._get(client, page)
            times.append(took)
        wall = time.monotonic() - started
        ours = (own_cpu_seconds() - own) + (self._database_cpu() - database)
        problem = None
        if page.check:
            body = response.get_data(as_text=not page.key.endswith("xlsx"))
            problem = page.check(body)
        return {
            "median_ms": stats.median(times) * 1000,
            "min_ms": min(times) * 1000,
            "requests": len(times),
            "queries": len(self.recorder.statements),
            "bytes": len(response.get_data()),
            "problem": problem,
            "other_cpus": max(busy_cpu_seconds() - busy - ours, 0.0) / wall,
            "statements": list(self.recorder.statements),
        }


def login(client, email: str) -> None:
    page = client.get("/logga-in").get_data(as_text=True)
    token = CSRF_INPUT.search(page).group(1)
    response = client.post(
        "/logga-in", data={"csrf_token": token, "email": email, "password": PASSWORD}
    )
    if response.status_code != 302:
        raise RuntimeError(f"signing in answered {response.status_code}")


# --- Query plans ---------------------------------------------------------------------------------


def _pg_nodes(node: dict, depth: int = 0, in_subplan: bool = False):
    """Every node with its depth, and whether it is part of a subplan (a correlated subquery)."""
    in_subplan = in_subplan or node.get("Parent Relationship") == "SubPlan"
    yield depth, node, in_subplan
    for child in node.get("Plans", []):
        yield from _pg_nodes(child, depth + 1, in_subplan)


def _pg_line(node: dict) -> str:
    what = node["Node Type"]
    if "Relation Name" in node:
        what += f" on {node['Relation Name']}"
    if "Index Name" in node:
        what += f" using {node['Index Name']}"
    for key in ("Subplan Name", "Index Cond", "Filter", "Hash Cond", "Join Filter"):
        if key in node:
            what += f" [{key}: {node[key]}]"
    extra = ""
    if node.get("Rows Removed by Filter"):
        extra = f" removed={node['Rows Removed by Filter']:,}"
    return (
        f"{what} (rows={node.get('Actual Rows', 0):,} loops={node.get('Actual Loops', 1):,}{extra})"
    )


#: A subplan node on a large table run this often is a query run once per row of another.
MANY_LOOPS = 1_000


def _pg_flags(node: dict, large: set[str], in_subplan: bool) -> str | None:
    relation = node.get("Relation Name")
    if relation not in large:
        return None
    loops = node.get("Actual Loops", 1)
    rows = node.get("Actual Rows", 0) * loops
    removed = node.get("Rows Removed by Filter", 0) * loops
    if node["Node Type"] == "Seq Scan":
        return f"Seq Scan on {relation} ({rows + removed:,} rows read, {rows:,} kept)"
    if node["Node Type"] in ("Index Scan", "Index Only Scan") and "Index Cond" not in node:
        return f"full {node['Node Type']} of {relation} using {node['Index Name']} ({rows:,} rows)"
    if in_subplan and loops >= MANY_LOOPS:
        return (
            f"{node['Node Type']} on {relation} using {node.get('Index Name', '–')} run "
            f"{loops:,} times (correlated subquery: once per row of the outer query)"
        )
    return None


def _sqlite_flag(detail: str, ancestors: list[str], large: set[str]) -> str | None:
    words = detail.split()
    if len(words) < 2 or words[1] not in large:
        return None
    if words[0] == "SCAN":
        return f"{detail} (full scan)"
    if any(ancestor.startswith("CORRELATED") for ancestor in ancestors):
        return f"{detail}, once per row of the outer query (correlated subquery)"
    return None


def explain(statements: list[tuple[str, object]], large: set[str], sqlite: bool) -> list[dict]:
    """Each distinct SELECT of one request again: its time alone, its plan and the findings.

    The time is of the statement itself; on PostgreSQL the plan then comes from
    ``EXPLAIN (ANALYZE, BUFFERS, TIMING OFF)``, whose actual rows and loops are exact but whose
    per-node timing would inflate per-row work (correlated subqueries) many times over.
    """
    seen, plans = set(), []
    with db.engine.connect() as conn:
        for statement, parameters in statements:
            if not statement.lstrip().upper().startswith("SELECT") or statement in seen:
                continue
            seen.add(statement)
            began = time.perf_counter()
            conn.exec_driver_sql(statement, parameters).fetchall()
            took = (time.perf_counter() - began) * 1000
            lines, flags = [], []
            if sqlite:
                rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
                parents: dict[int, tuple[int, str]] = {}
                for node_id, parent, _unused, detail in rows:
                    ancestors, up = [], parent
                    while up in parents:
                        ancestors.append(parents[up][1])
                        up = parents[up][0]
                    parents[node_id] = (parent, detail)
                    lines.append("  " * len(ancestors) + detail)
                    if flag := _sqlite_flag(detail, ancestors, large):
                        flags.append(flag)
            else:
                plan = conn.exec_driver_sql(
                    "EXPLAIN (ANALYZE, BUFFERS, TIMING OFF, FORMAT JSON) " + statement, parameters
                ).scalar()[0]
                for depth, node, in_subplan in _pg_nodes(plan["Plan"]):
                    lines.append("  " * depth + _pg_line(node))
                    if flag := _pg_flags(node, large, in_subplan):
                        flags.append(flag)
            counted = {flag: flags.count(flag) for flag in flags}
            flags = [f"{flag} (×{n})" if n > 1 else flag for flag, n in counted.items()]
            plans.append({"sql": statement, "ms": took, "plan": lines, "flags": flags})
        conn.rollback()
    return plans


# --- One database --------------------------------------------------------------------------------


def bench_database(kind: str, url: str, instance: Path, settings: Settings, database_pid) -> dict:
    print(f"== scale: {kind}", file=sys.stderr)
    app = create_app(
        {
            "SECRET_KEY": "scale-benchmark-secret-key",
            "SQLALCHEMY_DATABASE_URI": url,
            "EVENTREG_BASE_URL": "https://kalendarium.example.se",
            "MAIL_FILE_DIR": str(instance / "mail"),
        }
    )
    email = "samordnare@region.example.se"
    with app.app_context():
        upgrade()
        import_libraries(LIBRARIES_CSV)
        create_user(email, "Sara Samordnare", PASSWORD, Role.COORDINATOR)
        db.session.commit()
        library_ids = list(db.session.scalars(select(Library.id).order_by(Library.id)))
        seeder = Seeder(library_ids)
        recorder = Recorder(db.engine)
    public, coordinator = app.test_client(), app.test_client()
    login(coordinator, email)
    meter = Meter(settings, recorder, database_pid)
    period = (
        seeder.today - timedelta(days=PAST_DAYS + 30),
        seeder.today + timedelta(days=FUTURE_DAYS + 60),
    )
    levels = []
    for level in settings.levels:
        with app.app_context():
            seconds = seeder.grow_to(level)
            counts = seeder.counts()
        print(f"   {level:,} events: seeded in {seconds:.1f} s, {counts}", file=sys.stderr)
        pages = {}
        for page in _pages(seeder.big_event_id, period):
            result = meter.measure(coordinator if page.coordinator else public, page)
            print(
                f"   {level:,} events: {page.key} {result['median_ms']:.1f} ms "
                f"({result['queries']} queries)",
                file=sys.stderr,
            )
            pages[page.key] = result
        levels.append({"events": level, "seed_seconds": seconds, "counts": counts, "pages": pages})
    top = levels[-1]
    large = {table for table, rows in top["counts"].items() if rows >= LARGE_TABLE}
    with app.app_context():
        for result in top["pages"].values():
            result["plans"] = explain(result["statements"], large, kind == "SQLite")
        db.engine.dispose()
    for level in levels:
        for result in level["pages"].values():
            del result["statements"]
    return {
        "database": kind,
        "levels": levels,
        "large_tables": sorted(large),
        "labels": {page.key: page.label for page in _pages(0, period)},
        "period": [d.isoformat() for d in period],
        "term": [d.isoformat() for d in current_term(date.today())],
    }


# --- Report --------------------------------------------------------------------------------------


def _clip(line: str, width: int = 240) -> str:
    """Long lines (50 ids in an IN list) cut short: the plans are for reading."""
    return line if len(line) <= width else line[: width - 1] + "…"


def _ms(value: float) -> str:
    return f"{value:,.1f}" if value < 100 else f"{value:,.0f}"


def _diagnosis(result: dict, key: str) -> list[str]:
    """Why a page grows: more queries, full scans of large tables, or time outside the database."""
    levels = result["levels"]
    first, top = levels[0]["pages"][key], levels[-1]["pages"][key]
    reasons = []
    if top["queries"] > first["queries"]:
        reasons.append(
            f"queries per request grow from {first['queries']} to {top['queries']} (N+1)"
        )
    for number, plan in enumerate(top["plans"], start=1):
        if plan["flags"]:
            reasons.append(f"statement {number} ({plan['ms']:,.1f} ms): {'; '.join(plan['flags'])}")
    sql_ms = sum(plan["ms"] for plan in top["plans"])
    reasons.append(
        f"its SELECTs take {sql_ms:,.1f} ms of the {top['median_ms']:,.1f} ms request when run "
        "alone (the rest is Python: ORM objects, templates, export)"
    )
    return reasons


def _database_section(result: dict) -> list[str]:
    levels = result["levels"]
    first, top = levels[0], levels[-1]
    sizes = " | ".join(f"{level['events']:,} events" for level in levels)
    lines = [
        f"### {result['database']}",
        "",
        "| Data | " + sizes + " |",
        "| --- |" + " ---: |" * len(levels),
        "| registrations | "
        + " | ".join(f"{level['counts']['registration']:,}" for level in levels) + " |",
        "| sessions | " + " | ".join(f"{level['counts']['event_session']:,}" for level in levels) + " |",
        "| attendance marks | "
        + " | ".join(f"{level['counts']['attendance']:,}" for level in levels) + " |",
        "| statistics' pre-counted rows (per event and workplace / per month) | "
        + " | ".join(
            f"{level['counts']['event_participation']:,} / "
            f"{level['counts']['monthly_participation']:,}"
            for level in levels
        )
        + " |",
        "| seconds to add them, and count them for the statistics | "
        + " | ".join(f"{level['seed_seconds']:.1f}" for level in levels) + " |",
        "| CPUs busy with other processes (most in any page) | "
        + " | ".join(f"{max(p['other_cpus'] for p in level['pages'].values()):.2f}" for level in levels)
        + " |",
        "",
        f"Median ms per request (requests timed at {top['events']:,}); queries per request; "
        f"ratio to {first['events']:,} events.",
        "",
        "| Page | " + sizes + f" | ÷ {first['events']:,} | within {TARGET_RATIO:g}× | queries |",
        "| --- |" + " ---: |" * len(levels) + " ---: | --- | ---: |",
    ]  # fmt: skip
    failing = []
    for key, label in result["labels"].items():
        cells = [_ms(level["pages"][key]["median_ms"]) for level in levels]
        ratio = top["pages"][key]["median_ms"] / first["pages"][key]["median_ms"]
        ok = ratio <= TARGET_RATIO
        if not ok:
            failing.append(key)
        queries = " / ".join(str(level["pages"][key]["queries"]) for level in levels)
        problems = [
            f"{level['events']:,}: {level['pages'][key]['problem']}"
            for level in levels
            if level["pages"][key]["problem"]
        ]
        note = f" **wrong answer:** {'; '.join(problems)}" if problems else ""
        lines.append(
            f"| {label}{note} | {' | '.join(cells)} | {ratio:.2f} | {'✅' if ok else '❌'} "
            f"| {queries} |"
        )
    lines += [
        "",
        f"Requests timed per page at {top['events']:,} events: "
        + ", ".join(f"{key} {top['pages'][key]['requests']}" for key in result["labels"])
        + ".",
        "",
        f"#### Why pages grow ({top['events']:,} events, large tables: "
        f"{', '.join(result['large_tables']) or 'none'})",
        "",
    ]
    for key in failing or []:
        lines.append(f"- **{result['labels'][key]}** (❌):")
        lines += [f"  - {reason}" for reason in _diagnosis(result, key)]
    scans = [
        (key, number, plan)
        for key in result["labels"]
        if key not in failing
        for number, plan in enumerate(top["pages"][key]["plans"], start=1)
        if plan["flags"]
    ]
    for key, number, plan in scans:
        lines.append(
            f"- {result['labels'][key]} (within target), statement {number} "
            f"({plan['ms']:,.1f} ms): {'; '.join(plan['flags'])}"
        )
    if not failing and not scans:
        lines.append("- Every page is within the target and no plan scans a large table.")
    flagged = [
        key
        for key in result["labels"]
        if key in failing or any(key == scanned for scanned, _number, _plan in scans)
    ]
    if not flagged:
        return [*lines, ""]
    lines += ["", "<details><summary>Query plans of those pages at "
              f"{top['events']:,} events ({result['database']})</summary>", ""]  # fmt: skip
    for key in flagged:
        plans = top["pages"][key]["plans"]
        lines += [f"**{result['labels'][key]}**: {len(plans)} distinct SELECT(s)", ""]
        for number, plan in enumerate(plans, start=1):
            lines += [
                f"{number}. {plan['ms']:,.2f} ms"
                + (f" — {'; '.join(plan['flags'])}" if plan["flags"] else ""),
                "",
                "   ```sql",
                *("   " + _clip(line) for line in plan["sql"].strip().splitlines()),
                "   ```",
                "   ```",
                *("   " + _clip(line) for line in plan["plan"]),
                "   ```",
                "",
            ]
    return [*lines, "</details>", ""]


def render(results: list[dict], settings: Settings, command: str, host: dict, code: str) -> str:
    levels = " / ".join(f"{n:,}" for n in settings.levels)
    lines = [
        f"## Scale: {levels} events",
        "",
        "Written by `bench/scale.py` (see its docstring and `bench/README.md`); the rest of this "
        "file comes from `bench/run.py`.",
        "",
        *report.section_header(command, host, code),
        f"- **Target:** at {settings.levels[-1]:,} events each page within "
        f"{TARGET_RATIO:g}× its time at {settings.levels[0]:,} events.",
        f"- **Data:** events from {PAST_DAYS} days ago to {FUTURE_DAYS} days ahead, 1–3 sessions, "
        "one in five a network meeting without a seat limit, "
        "about 50 registrations each (31–71; every 20th cancelled; waiting lists where seats run "
        f"out) by {PEOPLE:,} people of the county's libraries; attendance marked for past events; "
        f"one event with {BIG_EVENT_REGISTRATIONS} registrations ({BIG_EVENT_CAPACITY} seated). "
        "Bulk inserts (executemany on SQLite, COPY then VACUUM ANALYZE on PostgreSQL); SQLite is "
        "not ANALYZEd, as eventreg never does it. The statistics' pre-counted tables are then "
        "filled by `counting.refresh`, as for data changed by hand.",
        f"- **Method:** Flask test client in one process, one request at a time; one warm-up, then "
        f"up to {settings.requests} timed requests (at least {settings.min_requests}, or 3 when one "
        f"takes over a second); the median. Statistics periods: all = "
        f"{results[0]['period'][0]} to {results[0]['period'][1]}; default = current term "
        f"{results[0]['term'][0]} to {results[0]['term'][1]}.",
        "- **Plans:** at the largest size, each distinct SELECT of one request is run and timed "
        "alone, then planned with `EXPLAIN (ANALYZE, BUFFERS, TIMING OFF)` (PostgreSQL: actual "
        "rows and loops) or `EXPLAIN QUERY PLAN` (SQLite); the plans are shown for pages that "
        "miss the target or scan a large table.",
        "",
        "| Target | " + " | ".join(r["database"] for r in results) + " |",
        "| --- |" + " --- |" * len(results),
    ]
    labels = results[0]["labels"]
    for key, label in labels.items():
        cells = []
        for result in results:
            first, top = result["levels"][0]["pages"][key], result["levels"][-1]["pages"][key]
            ratio = top["median_ms"] / first["median_ms"]
            cells.append(
                f"{'✅' if ratio <= TARGET_RATIO else '❌'} {ratio:.2f}× "
                f"({_ms(first['median_ms'])} → {_ms(top['median_ms'])} ms)"
            )
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    lines.append("")
    for result in results:
        lines += _database_section(result)
    return "\n".join(lines) + "\n"


def main() -> None:
    run = report.section_run("scale", __doc__.splitlines()[0], "100 and 1,000 events only")
    settings = QUICK if run.quick else FULL
    with tempfile.TemporaryDirectory(prefix="eventreg-scale-") as tmp, PostgresCluster() as pg:
        work = Path(tmp)
        os.environ["EVENTREG_INSTANCE_PATH"] = str(work / "instance")
        database_pid = report.postgres_pid(pg)
        results = [
            bench_database("SQLite", f"sqlite:///{work / 'scale.sqlite'}", work, settings, None),
            bench_database(
                "PostgreSQL", pg.create_database("eventreg_scale"), work, settings, database_pid
            ),
        ]
        postgres_version = run_checked([str(pg.bin_dir / "postgres"), "--version"], os.environ)
    host = report.machine(postgres_version.strip())
    report.finish_section(run, lambda code: render(results, settings, run.command, host, code))


if __name__ == "__main__":
    main()
