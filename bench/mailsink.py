"""An SMTP server that counts what it receives, run by ``bench/mail.py`` in its own process.

It listens on 127.0.0.1 (a free port, printed first as ``{"port": n}``), accepts every message and
notes, per message, when it arrived, its Message-ID and whether it carries an inline
``text/calendar`` part with ``method=REQUEST`` (the invite). Commands, one per line on stdin:

``dump``   print one JSON line ``{"received": [[unix time, message-id, has invite], ...]}``
``reset``  forget what was received; prints ``{"reset": true}``

It stops at the end of stdin, or by itself after ``--max-seconds`` whatever happens. With
``--delay`` it answers each message's DATA that many seconds late: a slow relay.

:class:`Sink` runs it from a benchmark and speaks to it.
"""

import argparse
import asyncio
import json
import os
import re
import select
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from aiosmtpd.controller import Controller

MESSAGE_ID = re.compile(rb"^Message-ID:[ \t]*(\S+)", re.I | re.M)
INVITE = re.compile(rb'^Content-Type:[ \t]*text/calendar;[^\r\n]*method="?REQUEST', re.I | re.M)


class Counter:
    def __init__(self, delay: float = 0.0):
        self.lock = threading.Lock()
        self.delay = delay
        self.received: list[tuple[float, str, bool]] = []

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        content = envelope.original_content
        head = content.split(b"\r\n\r\n", 1)[0]
        found = MESSAGE_ID.search(head)
        record = (
            time.time(),
            found.group(1).decode("ascii", "replace") if found else "",
            bool(INVITE.search(content)),
        )
        with self.lock:
            self.received.append(record)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-seconds", type=float, default=1800)
    parser.add_argument("--delay", type=float, default=0.0, help="seconds to answer each DATA")
    args = parser.parse_args()
    # A watchdog: never outlive a benchmark that forgot us.
    threading.Timer(args.max_seconds, lambda: os._exit(3)).start()
    counter = Counter(args.delay)
    port = free_port()
    controller = Controller(counter, hostname="127.0.0.1", port=port)
    controller.start()
    print(json.dumps({"port": port}), flush=True)
    try:
        for line in sys.stdin:
            command = line.strip()
            with counter.lock:
                if command == "dump":
                    print(json.dumps({"received": counter.received}), flush=True)
                elif command == "reset":
                    counter.received = []
                    print(json.dumps({"reset": True}), flush=True)
    finally:
        controller.stop()
    os._exit(0)


class Sink:
    """This server in its own process, spoken to over its stdin and stdout."""

    def __init__(self, delay: float = 0.0):
        self.delay = delay

    def __enter__(self) -> "Sink":
        self.process = subprocess.Popen(
            [
                sys.executable,
                str(Path(__file__)),
                "--max-seconds",
                "1800",
                "--delay",
                str(self.delay),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.port = self._answer()["port"]
        return self

    def _answer(self, timeout: float = 60) -> dict:
        ready, _, _ = select.select([self.process.stdout], [], [], timeout)
        if not ready:
            raise RuntimeError("the SMTP sink did not answer")
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError("the SMTP sink stopped")
        return json.loads(line)

    def command(self, command: str) -> dict:
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        return self._answer()

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def __exit__(self, *_exc) -> None:
        self.process.stdin.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


if __name__ == "__main__":
    main()
