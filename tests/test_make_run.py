"""`make run`, as the README gives it to a newcomer: the calendar with demo data, on the port
asked for (the default 5000 may be taken), with its mail worker beside it."""

import os
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

from conftest import free_port

PROJECT = Path(__file__).resolve().parent.parent


def test_make_run_serves_the_demo_calendar_on_the_port_asked_for(tmp_path):
    port = free_port()
    env = {**os.environ, "EVENTREG_INSTANCE_PATH": str(tmp_path)}
    env.pop("SECRET_KEY", None)
    server = subprocess.Popen(
        ["make", "run", f"PORT={port}"],
        cwd=PROJECT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # so that the server, its reloader and the worker all stop
    )
    try:
        deadline, page = time.monotonic() + 120, ""
        while time.monotonic() < deadline and not page:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as answer:
                    page = answer.read().decode()
            except OSError:
                time.sleep(0.5)
        assert "Prenumerera på kalendariet" in page  # the calendar page, with demo events:
        assert "Nätverksträff" in page
        assert f"webcal://127.0.0.1:{port}/kalender.ics" in page
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
