"""An SMTP server that counts what it receives, run by ``bench/mail.py`` in its own process.

It listens on 127.0.0.1 (a free port, printed first as ``{"port": n}``), accepts every message and
notes, per message, when it arrived, its Message-ID and whether it carries an inline
``text/calendar`` part with ``method=REQUEST`` (the invite). Commands, one per line on stdin:

``dump``   print one JSON line ``{"received": [[unix time, message-id, has invite], ...]}``
``reset``  forget what was received; prints ``{"reset": true}``

It stops at the end of stdin, or by itself after ``--max-seconds`` whatever happens.
"""

import argparse
import json
import os
import re
import socket
import sys
import threading
import time

from aiosmtpd.controller import Controller

MESSAGE_ID = re.compile(rb"^Message-ID:[ \t]*(\S+)", re.I | re.M)
INVITE = re.compile(rb'^Content-Type:[ \t]*text/calendar;[^\r\n]*method="?REQUEST', re.I | re.M)


class Counter:
    def __init__(self):
        self.lock = threading.Lock()
        self.received: list[tuple[float, str, bool]] = []

    async def handle_DATA(self, server, session, envelope):
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
    args = parser.parse_args()
    # A watchdog: never outlive a benchmark that forgot us.
    threading.Timer(args.max_seconds, lambda: os._exit(3)).start()
    counter = Counter()
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


if __name__ == "__main__":
    main()
