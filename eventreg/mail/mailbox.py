"""Reading the Kalendarium's own mailbox over IMAP: each message handled once, then moved aside.

Answers pressed in Outlook, Gmail or Apple Calendar go to the ORGANIZER of the invite, which is
this mailbox. :func:`open_mailbox` gives what is new and moves a message to IMAP_DONE_FOLDER when
told it is done; ``services.calendar_replies.read_mailbox`` acts on each one.
Works with Dovecot and other IMAP4rev1 servers with a password, and with Microsoft 365 /
Exchange Online through OAuth 2.0 (XOAUTH2, RFC 7628), where basic authentication is off.
"""

import imaplib
import json
import logging
import re
import ssl
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from urllib.parse import urlencode
from urllib.request import urlopen

from flask import current_app

log = logging.getLogger(__name__)


class MailboxError(Exception):
    """The IMAP server refused something: the reader tries again at its next run."""


@dataclass(frozen=True)
class Fetched:
    uid: bytes
    #: The whole message, or only its header when it is larger than REPLY_MAX_BYTES.
    raw: bytes
    complete: bool


def _quoted(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _ok(response: tuple, what: str) -> list:
    status, data = response
    if status != "OK":
        raise MailboxError(f"{what}: {status} {data!r}")
    return data


class Mailbox:
    """An open, selected mailbox."""

    def __init__(self, client: imaplib.IMAP4, done_folder: str):
        self.client = client
        self.done_folder = done_folder
        # Asked after signing in: servers list more then than in their greeting.
        capabilities = _ok(client.capability(), "CAPABILITY")[0].upper().split()
        self.can_move = b"MOVE" in capabilities

    def new_messages(self, limit: int, max_bytes: int) -> Iterator[Fetched]:
        """What is in the folder (handled messages are moved out), oldest first."""
        uids = _ok(self.client.uid("SEARCH", None, "ALL"), "SEARCH")[0].split()[:limit]
        for uid in uids:
            data = _ok(self.client.uid("FETCH", uid, "(RFC822.SIZE)"), "FETCH")
            size = re.search(rb"RFC822\.SIZE (\d+)", data[0] or b"")
            complete = size is not None and int(size.group(1)) <= max_bytes
            part = "BODY.PEEK[]" if complete else "BODY.PEEK[HEADER]"
            data = _ok(self.client.uid("FETCH", uid, f"({part})"), "FETCH")
            raw = next((item[1] for item in data if isinstance(item, tuple)), None)
            if raw is not None:  # gone meanwhile: another reader moved it
                yield Fetched(uid, raw, complete)

    def done(self, uid: bytes) -> None:
        """Move a handled message to the done folder (if another reader has not already)."""
        command = ("MOVE",) if self.can_move else ("COPY",)
        status, data = self.client.uid(*command, uid, _quoted(self.done_folder))
        if status != "OK":
            log.info("message %s not moved (another reader did?): %s %r", uid, status, data)
            return
        if not self.can_move:
            _ok(self.client.uid("STORE", uid, "+FLAGS", r"(\Deleted)"), "STORE")
            _ok(self.client.expunge(), "EXPUNGE")


def _access_token(config) -> str:
    """An app-only token for Microsoft 365 (OAuth 2.0 client credentials grant)."""
    body = urlencode(
        {
            "grant_type": "client_credentials",
            "client_id": config["IMAP_OAUTH2_CLIENT_ID"],
            "client_secret": config["IMAP_OAUTH2_CLIENT_SECRET"],
            "scope": config["IMAP_OAUTH2_SCOPE"],
        }
    ).encode()
    with urlopen(config["IMAP_OAUTH2_TOKEN_URL"], body, timeout=config["IMAP_TIMEOUT"]) as answer:
        return json.load(answer)["access_token"]


def _connect(config) -> imaplib.IMAP4:
    host, port, timeout = config["IMAP_SERVER"], config["IMAP_PORT"], config["IMAP_TIMEOUT"]
    security = config["IMAP_SECURITY"]
    if security == "ssl":
        return imaplib.IMAP4_SSL(
            host, port, ssl_context=ssl.create_default_context(), timeout=timeout
        )
    client = imaplib.IMAP4(host, port, timeout=timeout)
    if security == "starttls":
        client.starttls(ssl.create_default_context())
    return client


@contextmanager
def open_mailbox() -> Iterator[Mailbox]:
    """The configured mailbox, signed in and selected; the done folder is made if missing."""
    config = current_app.config
    client = _connect(config)
    try:
        if config["IMAP_OAUTH2_TOKEN_URL"]:
            token = _access_token(config)
            auth = f"user={config['IMAP_USERNAME']}\x01auth=Bearer {token}\x01\x01"
            _ok(client.authenticate("XOAUTH2", lambda _challenge: auth.encode()), "AUTHENTICATE")
        else:
            _ok(client.login(config["IMAP_USERNAME"], config["IMAP_PASSWORD"]), "LOGIN")
        done = config["IMAP_DONE_FOLDER"]
        client.create(_quoted(done))  # "already exists" is fine
        _ok(client.select(_quoted(config["IMAP_FOLDER"])), "SELECT")
        yield Mailbox(client, done)
    finally:
        with suppress(OSError, imaplib.IMAP4.error):
            client.logout()
