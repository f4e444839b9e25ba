"""Mail throughput: how fast ``flask --app wsgi mail-worker --once`` drains the outbox over SMTP.

Then a newsletter to ``subscribers`` confirmed subscribers, queued by ``newsletters.send`` and
drained the same way (target: at least 100 mails/s, each subscriber once).

    .venv/bin/python bench/mail.py           # 2,000 mails, writes its section of BENCHMARKS.md
    .venv/bin/python bench/mail.py --quick   # 200 mails, prints the section only

For SQLite and a throw-away PostgreSQL server this migrates a fresh database (``flask init-db``),
then signs up ``mails`` different people through ``eventreg.services.registrations.register``
(one commit each, as the sign-up view does) for events with one session and no seat limit, so
each queues one real confirmation with its calendar invite (``METHOD:REQUEST``). The outbox is
then delivered to a local aiosmtpd server in its own process (``bench/mailsink.py``) that notes
each message's Message-ID, by 1 and by 4 ``mail-worker --once`` processes started at once.
Between runs the same messages are put back to pending (as a coordinator's "try again" does), so
every run sends the same 2,000 messages.

Each run checks that every queued Message-ID arrived exactly once, with its invite, and that
the outbox says every message was sent at the first attempt. Throughput is given over the whole
wall time (process start-up included) and between the first and the last message received.

Also measured, in one process inside an app context: building one invite
(``eventreg.calendar.attendee_message``), queueing a confirmation (what a sign-up does), writing
it (what the worker does before sending: templates and invite), building the MIME message the
worker sends, and ``register()`` itself.
"""

import cProfile
import json
import os
import pstats
import socket
import statistics as stats
import subprocess
import sys
import tempfile
import time
import timeit
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from datetime import time as clock
from pathlib import Path
from resource import RUSAGE_CHILDREN as CHILDREN

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from pgcluster import PostgresCluster  # noqa: E402
from sqlalchemy import delete, func, insert, select, update  # noqa: E402
from sqlalchemy.orm import selectinload  # noqa: E402

from bench import report  # noqa: E402
from bench.mailsink import Sink  # noqa: E402
from bench.run import VENV_BIN, app_env, run_checked, wait_for_quiet  # noqa: E402
from bench.seed import _details, plan_areas  # noqa: E402
from bench.server import busy_cpu_seconds, children_cpu_seconds, own_cpu_seconds  # noqa: E402
from eventreg import create_app  # noqa: E402
from eventreg.calendar import CalendarItem, attendee_message, session_summary  # noqa: E402
from eventreg.cli import LIBRARIES_CSV  # noqa: E402
from eventreg.extensions import db  # noqa: E402
from eventreg.formatting import STOCKHOLM  # noqa: E402
from eventreg.links import personal_url  # noqa: E402
from eventreg.mail import compose, writing  # noqa: E402
from eventreg.mail.transport import build_message  # noqa: E402
from eventreg.models import (  # noqa: E402
    Event,
    EventSession,
    Library,
    OutboxMessage,
    OutboxStatus,
    Registration,
    Watch,
)
from eventreg.models.base import utcnow  # noqa: E402
from eventreg.services import newsletters  # noqa: E402
from eventreg.services.events import SessionTimes, create_event, publish_event  # noqa: E402
from eventreg.services.places import import_libraries  # noqa: E402
from eventreg.services.registrations import Applicant, register  # noqa: E402

BASE_URL = "https://kalendarium.example.se"
WORKER_TIMEOUT = 300


@dataclass(frozen=True)
class Settings:
    mails: int
    events: int
    workers: tuple[int, ...]
    rounds: int
    micro_calls: int
    subscribers: int


FULL = Settings(
    mails=2_000, events=20, workers=(1, 4), rounds=2, micro_calls=2_000, subscribers=2_000
)
QUICK = Settings(mails=200, events=4, workers=(1, 4), rounds=1, micro_calls=200, subscribers=200)
#: The issue's target for a newsletter to every subscriber.
NEWSLETTER_PER_S = 100


def _median_ms(values: list[float]) -> float:
    return stats.median(values) * 1000


def _p95_ms(values: list[float]) -> float:
    return sorted(values)[max(0, round(0.95 * len(values)) - 1)] * 1000


# --- Queueing ------------------------------------------------------------------------------------


def queue_mails(settings: Settings) -> dict:
    """Events, then one sign-up per person through ``register``; what was queued."""
    import_libraries(LIBRARIES_CSV)
    areas = plan_areas()
    today = datetime.now(STOCKHOLM).date()
    event_ids = []
    for number in range(settings.events):
        day = today + timedelta(days=40 + number)
        details = {
            **_details(number, day, areas),
            "capacity": None,
            "registration_deadline": day - timedelta(days=5),
        }
        event = create_event(
            [SessionTimes(
                datetime.combine(day, clock(9), tzinfo=STOCKHOLM),
                datetime.combine(day, clock(12), tzinfo=STOCKHOLM),
            )],
            **details,
        )  # fmt: skip
        publish_event(event.id)
        event_ids.append(event.id)
    db.session.commit()
    library_ids = list(db.session.scalars(select(Library.id).order_by(Library.id)))
    took = []
    for person in range(settings.mails):
        began = time.perf_counter()
        register(
            event_ids[person % len(event_ids)],
            Applicant(
                name=f"Deltagare {person} Lindgren",
                email=f"deltagare{person}@example.se",
                library_id=library_ids[person % len(library_ids)],
            ),
        )
        db.session.commit()
        took.append(time.perf_counter() - began)
    rows = db.session.execute(
        select(OutboxMessage.message_id, OutboxMessage.kind, OutboxMessage.context)
    ).all()
    problems = []
    if len(rows) != settings.mails:
        problems.append(f"{len(rows)} messages queued, expected {settings.mails}")
    if any(kind != "confirmation" for _, kind, _ in rows):
        problems.append("not all queued messages are confirmations")
    if any(json.loads(context).get("item", {}).get("method") != "REQUEST" for *_, context in rows):
        problems.append("not every confirmation is queued with its invite")
    db.session.rollback()  # on SQLite an open transaction would hold the write lock
    return {
        "expected": [message_id for message_id, _, _ in rows],
        "register_median_ms": _median_ms(took),
        "register_p95_ms": _p95_ms(took),
        "register_total_s": sum(took),
        "problems": problems,
    }


def reset_outbox(rewrite: bool = False) -> None:
    """Every message back to pending and due, as after a coordinator's "try again"; with
    ``rewrite``, unwritten too, so that the worker writes each again as on its first send."""
    values = {
        "status": OutboxStatus.PENDING,
        "attempts": 0,
        "sent_at": None,
        "last_error": "",
        "next_attempt_at": utcnow() - timedelta(minutes=1),
    }
    if rewrite:
        values["written_at"] = None
    db.session.execute(update(OutboxMessage).values(**values))
    db.session.commit()


def queue_newsletter(settings: Settings) -> dict:
    """The outbox emptied, ``subscribers`` confirmed subscribers, and a newsletter presenting
    five events sent to them through ``newsletters.send``, as the coordinator's button does."""
    db.session.execute(delete(OutboxMessage))
    now = utcnow()
    db.session.execute(
        insert(Watch),
        [
            {
                "email": f"prenumerant{number}@example.se",
                "language": "en" if number % 10 == 0 else "sv",
                "newsletter": True,
                "requested_at": now,
                "confirmed_at": now,
                "told_through": now,
            }
            for number in range(settings.subscribers)
        ],
    )
    events = [event.id for event in newsletters.coming_events()][:5]
    intro = "Hej alla!\n\nHär är **vårens kurser**, och [mer i kalendariet](https://example.se)."
    newsletter = newsletters.save(
        None, newsletters.Draft("Vårens kurser", intro, tuple(events)), None
    )
    db.session.commit()
    began = time.perf_counter()
    newsletters.send(newsletter.id, None)
    db.session.commit()
    took = time.perf_counter() - began
    expected = list(db.session.scalars(select(OutboxMessage.message_id)))
    db.session.rollback()
    return {"expected": expected, "send_s": took}


def outbox_state() -> dict:
    db.session.rollback()  # see what the workers wrote
    by_status = dict(
        db.session.execute(
            select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
        ).all()
    )
    retried = db.session.scalar(select(func.count()).where(OutboxMessage.attempts != 1))
    db.session.rollback()
    return {"by_status": {str(k): v for k, v in by_status.items()}, "not_first_attempt": retried}


# --- Delivering ----------------------------------------------------------------------------------


def run_workers(count: int, env: dict, log: Path) -> float:
    """``count`` × ``flask --app wsgi mail-worker --once``, started together; the wall time."""
    command = [str(VENV_BIN / "flask"), "--app", "wsgi", "mail-worker", "--once"]
    started = time.monotonic()
    with log.open("ab") as output:
        processes = [
            subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
            for _ in range(count)
        ]
        try:
            for process in processes:
                process.wait(timeout=max(1, WORKER_TIMEOUT - (time.monotonic() - started)))
        finally:
            for process in processes:
                if process.poll() is None:
                    process.kill()
                    process.wait()
    wall = time.monotonic() - started
    failed = [process.returncode for process in processes if process.returncode != 0]
    if failed:
        raise RuntimeError(f"mail-worker exited with {failed}; see {log}")
    return wall


def check_delivery(received: list, expected: list[str]) -> dict:
    ids = Counter(message_id for _, message_id, _ in received)
    wanted = set(expected)
    duplicates = sum(1 for message_id, n in ids.items() if n > 1)
    missing = len(wanted - set(ids))
    unexpected = len(set(ids) - wanted)
    without_invite = sum(1 for _, _, invite in received if not invite)
    exactly_once = (
        len(received) == len(wanted) and not duplicates and not missing and not unexpected
    )
    return {
        "received": len(received),
        "distinct": len(ids),
        "duplicates": duplicates,
        "missing": missing,
        "unexpected": unexpected,
        "without_invite": without_invite,
        "exactly_once": exactly_once,
    }


def deliver(
    workers: int, env: dict, log: Path, sink: Sink, expected: list[str], database_pid
) -> dict:
    def database_cpu() -> float:
        return sum(children_cpu_seconds(database_pid).values()) if database_pid else 0.0

    sink.command("reset")
    wait_for_quiet()
    busy, own, children = busy_cpu_seconds(), own_cpu_seconds(), own_cpu_seconds(CHILDREN)
    sink_before, database_before = sink.cpu_seconds(), database_cpu()
    wall = run_workers(workers, env, log)
    worker_cpu = own_cpu_seconds(CHILDREN) - children
    sink_cpu = sink.cpu_seconds() - sink_before
    database = database_cpu() - database_before
    other = busy_cpu_seconds() - busy - worker_cpu - sink_cpu - database - (own_cpu_seconds() - own)
    received = sink.command("dump")["received"]
    times = sorted(at for at, _, _ in received)
    span = times[-1] - times[0] if len(times) > 1 else 0.0
    result = {
        "workers": workers,
        "wall_s": wall,
        "per_s_wall": len(received) / wall,
        "span_s": span,
        "per_s_delivery": (len(received) - 1) / span if span else None,
        "worker_cpu_ms_per_message": worker_cpu * 1000 / max(len(received), 1),
        "worker_cpu_s": worker_cpu,
        "sink_cpu_s": sink_cpu,
        "database_cpu_s": database,
        "other_cpus": max(other, 0.0) / wall,
        **check_delivery(received, expected),
    }
    return result


# --- Microbenchmarks -----------------------------------------------------------------------------


def _per_call_ms(function, calls: int) -> tuple[float, float]:
    """Median and best of ``repeat`` timings of ``number`` calls, per call in ms."""
    number = max(1, calls // 40)
    runs = timeit.repeat(function, number=number, repeat=40)
    return stats.median(runs) / number * 1000, min(runs) / number * 1000


def _profile(function, calls: int) -> list[dict]:
    """The ten functions with the most self time over ``calls`` calls, per call."""
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(calls):
        function()
    profile.disable()
    rows = [
        (tottime, count, f"{Path(filename).name}:{name}")
        for (filename, _line, name), (_cc, count, tottime, _cum, _callers) in pstats.Stats(
            profile
        ).stats.items()
    ]
    rows.sort(reverse=True)
    return [
        {"function": where, "self_ms": tottime * 1000 / calls, "calls": count / calls}
        for tottime, count, where in rows[:10]
    ]


def microbenchmarks(settings: Settings) -> dict:
    registration = db.session.scalars(
        select(Registration)
        .options(selectinload(Registration.event).selectinload(Event.sessions))
        .order_by(Registration.id)
    ).first()
    session: EventSession = registration.event.sessions[0]
    url = personal_url(registration)
    footer = f"Din anmälan (se eller avboka): {url}"
    attendee = (registration.name, registration.email)

    item = CalendarItem(session, "REQUEST", session.sequence, session_summary(session))

    def invite():
        return attendee_message(registration.event, attendee, item, footer)

    def confirmation():
        compose.queue_confirmation(registration, [item])

    outbox = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).first()

    def write():
        return writing.write(outbox)

    def mime():
        return build_message(outbox).as_bytes()

    results = {}
    results["attendee_message"] = _per_call_ms(invite, settings.micro_calls)
    results["build_message"] = _per_call_ms(mime, settings.micro_calls // 4)
    results["getfqdn"] = _per_call_ms(socket.getfqdn, 40)
    results["profile"] = _profile(invite, 500)
    results["mime_profile"] = _profile(mime, 200)
    results["invite_bytes"] = len(invite().encode())
    results["write"] = _per_call_ms(write, settings.micro_calls // 4)
    results["queue_confirmation"] = _per_call_ms(confirmation, settings.micro_calls // 4)
    db.session.rollback()  # the confirmations queued above
    return results


# --- One database --------------------------------------------------------------------------------


def bench_database(
    kind: str, url: str, work: Path, settings: Settings, sink: Sink, database_pid, micro: bool
) -> dict:
    print(f"== mail: {kind}", file=sys.stderr)
    work.mkdir()
    env = {
        **app_env(url, work / "instance"),
        "EVENTREG_BASE_URL": BASE_URL,
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(sink.port),
        "MAIL_DEFAULT_SENDER": "kalendarium@kalendarium.example.se",
    }
    run_checked([str(VENV_BIN / "flask"), "--app", "wsgi", "init-db"], env)
    log = work / "mail-worker.log"
    sink.command("reset")
    startup = run_workers(1, env, log)  # nothing to send yet: start-up and one empty claim
    os.environ.update(env)
    app = create_app()
    result = {"database": kind, "startup_s": startup, "runs": []}
    with app.app_context():
        print(f"   signing up {settings.mails} people", file=sys.stderr)
        queued = queue_mails(settings)
        expected = queued.pop("expected")
        result["queue"] = queued
        first = True
        for round_ in range(settings.rounds):
            for workers in settings.workers:
                if not first:
                    reset_outbox()
                first = False
                run = deliver(workers, env, log, sink, expected, database_pid)
                run["round"] = round_ + 1
                run["outbox"] = outbox_state()
                print(
                    f"   {workers} worker(s): {run['received']} received in {run['wall_s']:.1f} s"
                    f", {run['per_s_wall']:.0f}/s; exactly once: {run['exactly_once']}",
                    file=sys.stderr,
                )
                result["runs"].append(run)
        print(f"   a newsletter to {settings.subscribers} subscribers", file=sys.stderr)
        queued = queue_newsletter(settings)
        expected = queued.pop("expected")
        result["newsletter"] = {**queued, "runs": []}
        for workers in settings.workers:
            reset_outbox(rewrite=True)
            run = deliver(workers, env, log, sink, expected, database_pid)
            run["outbox"] = outbox_state()
            print(
                f"   newsletter, {workers} worker(s): {run['received']} in {run['wall_s']:.1f} s"
                f", {run['per_s_wall']:.0f}/s; exactly once: {run['exactly_once']}",
                file=sys.stderr,
            )
            result["newsletter"]["runs"].append(run)
        if micro:
            print("   microbenchmarks", file=sys.stderr)
            result["micro"] = microbenchmarks(settings)
        db.session.remove()
        db.engine.dispose()
    return result


# --- Report --------------------------------------------------------------------------------------


def _verdict(run: dict, mails: int) -> str:
    outbox = run["outbox"]
    sent = outbox["by_status"].get("sent", 0)
    problems = []
    if not run["exactly_once"]:
        problems.append(
            f"{run['received']} received, {run['distinct']} distinct, "
            f"{run['duplicates']} duplicated, {run['missing']} missing, "
            f"{run['unexpected']} unknown"
        )
    if run["without_invite"]:
        problems.append(f"{run['without_invite']} without invite")
    if sent != mails or outbox["not_first_attempt"]:
        problems.append(
            f"outbox: {outbox['by_status']}, {outbox['not_first_attempt']} not at first attempt"
        )
    return "❌ " + "; ".join(problems) if problems else "✅ each once, with invite; outbox all sent"


def _profile_table(what: str, rows: list[dict], calls: int) -> list[str]:
    return [
        f"<details><summary>Where <code>{what}</code> spends its time (cProfile, {calls} calls, "
        "self time)</summary>",
        "",
        "| Function | self ms per call | calls per call |",
        "| --- | ---: | ---: |",
        *(f"| `{row['function']}` | {row['self_ms']:.3f} | {row['calls']:.0f} |" for row in rows),
        "",
        "cProfile slows every call down: compare the rows with each other.",
        "</details>",
        "",
    ]


def render(results: list[dict], settings: Settings, command: str, host: dict, code: str) -> str:
    lines = [
        f"## Mail: {settings.mails:,} confirmations through `mail-worker --once`",
        "",
        "Written by `bench/mail.py` (see its docstring and `bench/README.md`).",
        "",
        *report.section_header(command, host, code),
        f"- **Mail:** {settings.mails:,} people signed up through `register()` for "
        f"{settings.events} one-session events without a seat limit: {settings.mails:,} "
        "confirmations, each with its `METHOD:REQUEST` invite. Batches of `MAIL_BATCH_SIZE` "
        "(20) per SMTP connection, as configured by default.",
        "- **Delivery:** `flask --app wsgi mail-worker --once` processes (1, or 4 started at "
        "once) to an aiosmtpd server in its own process on 127.0.0.1 that notes each "
        "Message-ID; between runs the same messages are set back to pending. "
        f"{settings.rounds} round(s) of each.",
        "- **msgs/s (wall)** counts from starting the processes to the last one exiting, "
        "start-up included; **msgs/s (delivery)** from the first message received to the last. "
        "Worker CPU is the user + system time of the worker processes; the SMTP sink, "
        "PostgreSQL and the workers share the machine's CPUs.",
        "",
        "| Database, workers | msgs/s (wall) | msgs/s (delivery) | wall s | worker CPU ms/msg "
        "| sink CPU s | DB server CPU s | other CPUs | delivery check |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for result in results:
        for run in result["runs"]:
            delivery = run["per_s_delivery"]
            lines.append(
                f"| {result['database']}, {run['workers']} (round {run['round']}) "
                f"| {run['per_s_wall']:.0f} | {'–' if delivery is None else f'{delivery:.0f}'} "
                f"| {run['wall_s']:.1f} | {run['worker_cpu_ms_per_message']:.2f} "
                f"| {run['sink_cpu_s']:.1f} | {run['database_cpu_s']:.1f} "
                f"| {run['other_cpus']:.2f} | {_verdict(run, settings.mails)} |"
            )
    lines += [
        "",
        "| Best round | " + " | ".join(r["database"] for r in results) + " |",
        "| --- |" + " ---: |" * len(results),
    ]
    for workers in settings.workers:
        cells = []
        for result in results:
            runs = [run for run in result["runs"] if run["workers"] == workers]
            best = max(runs, key=lambda run: run["per_s_wall"])
            cells.append(
                f"{best['per_s_wall']:.0f} msgs/s wall, "
                f"{best['per_s_delivery'] or 0:.0f} msgs/s delivery"
            )
        lines.append(f"| {workers} worker(s) | " + " | ".join(cells) + " |")
    lines.append(
        "| start-up of one `mail-worker --once` with an empty outbox, s | "
        + " | ".join(f"{r['startup_s']:.2f}" for r in results)
        + " |"
    )
    lines.append(
        "| `register()` + commit per sign-up, median / p95 ms | "
        + " | ".join(
            f"{r['queue']['register_median_ms']:.1f} / {r['queue']['register_p95_ms']:.1f}"
            for r in results
        )
        + " |"
    )
    problems = [f"{r['database']}: {p}" for r in results for p in r["queue"]["problems"]]
    if problems:
        lines += ["", "**Queueing problems:** " + "; ".join(problems)]
    lines += _newsletter_table(results, settings)
    micro = next(r["micro"] for r in results if "micro" in r)
    database = next(r["database"] for r in results if "micro" in r)
    lines += [
        "",
        f"### Building mail, one process ({database} app context)",
        "",
        "| Per call | median ms | best ms |",
        "| --- | ---: | ---: |",
        f"| `attendee_message` (one session's REQUEST, {micro['invite_bytes']:,} bytes of "
        f"iCalendar) | {micro['attendee_message'][0]:.3f} | {micro['attendee_message'][1]:.3f} |",
        f"| `compose.queue_confirmation` (what a sign-up does: decide and insert; no commit) "
        f"| {micro['queue_confirmation'][0]:.3f} | {micro['queue_confirmation'][1]:.3f} |",
        f"| `writing.write` (what the worker does first: text + HTML templates + invite) "
        f"| {micro['write'][0]:.3f} | {micro['write'][1]:.3f} |",
        f"| `build_message(outbox).as_bytes()` (the worker's MIME message) "
        f"| {micro['build_message'][0]:.3f} | {micro['build_message'][1]:.3f} |",
        f"| `socket.getfqdn()` (Flask-Mail's `make_msgid()` calls it per `Message`) "
        f"| {micro['getfqdn'][0]:.3f} | {micro['getfqdn'][1]:.3f} |",
        "",
        *_profile_table("attendee_message", micro["profile"], 500),
        *_profile_table("build_message(outbox).as_bytes()", micro["mime_profile"], 200),
    ]
    return "\n".join(lines) + "\n"


def _newsletter_table(results: list[dict], settings: Settings) -> list[str]:
    """The newsletter's drain rate against the target, each subscriber once."""
    lines = [
        "",
        f"### A newsletter to {settings.subscribers:,} subscribers",
        "",
        f"`newsletters.send` queues one message per confirmed subscriber in one transaction; the "
        "workers write each (text and HTML, with the subscriber's own links and one-click "
        "unsubscribe) just before sending it. Each run starts from unwritten messages. Target: "
        f"≥ {NEWSLETTER_PER_S} mails/s (wall, start-up included), each subscriber exactly once.",
        "",
        "| Database, workers | mails/s (wall) | mails/s (delivery) | wall s "
        "| worker CPU ms/mail | check |",
        "| --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for result in results:
        for run in result["newsletter"]["runs"]:
            state = run["outbox"]["by_status"]
            once = run["exactly_once"] and state.get("sent", 0) == settings.subscribers
            fast = run["per_s_wall"] >= NEWSLETTER_PER_S
            lines.append(
                f"| {result['database']}, {run['workers']} | {run['per_s_wall']:.0f} "
                f"| {run['per_s_delivery'] or 0:.0f} | {run['wall_s']:.1f} "
                f"| {run['worker_cpu_ms_per_message']:.2f} "
                f"| {'✅' if once and fast else '❌'} {'each once' if once else state}"
                f"{'' if fast else f', under {NEWSLETTER_PER_S}/s'} |"
            )
    lines.append(
        "| `newsletters.send` + commit (queueing for every subscriber), s | "
        + " / ".join(f"{r['newsletter']['send_s']:.2f} ({r['database']})" for r in results)
        + " | | | | |"
    )
    return lines


def main() -> None:
    run = report.section_run("mail", __doc__.splitlines()[0], "200 mails, one round")
    settings = QUICK if run.quick else FULL
    with (
        tempfile.TemporaryDirectory(prefix="eventreg-mail-") as tmp,
        PostgresCluster() as pg,
        Sink() as sink,
    ):
        work = Path(tmp)
        database_pid = report.postgres_pid(pg)
        results = [
            bench_database(
                "SQLite", f"sqlite:///{work / 'mail.sqlite'}", work / "sqlite",
                settings, sink, None, micro=True,
            ),
            bench_database(
                "PostgreSQL", pg.create_database("eventreg_mail"), work / "postgresql",
                settings, sink, database_pid, micro=False,
            ),
        ]  # fmt: skip
        postgres_version = run_checked([str(pg.bin_dir / "postgres"), "--version"], os.environ)
    host = report.machine(postgres_version.strip())
    report.finish_section(run, lambda code: render(results, settings, run.command, host, code))


if __name__ == "__main__":
    main()
