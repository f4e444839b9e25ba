"""Throw-away IMAP server for the test suite: Debian's Dovecot, with one mailbox.

The reply reader is tested against a real IMAP server, as it meets Exchange or Dovecot in
production::

    with DovecotServer() as imap:
        imap.append(raw_message)         # as if it had arrived by mail
        imap.port, imap.user, imap.password

The server runs from its own configuration in a temporary directory, listens on 127.0.0.1 on
a free port with plain-text login (loopback only), and is stopped afterwards. As root, Dovecot
refuses to run its login process as root, so it uses the users the package creates; as anyone
else, it runs as that user.
"""

from __future__ import annotations

import imaplib
import os
import pwd
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from ports import free_port

DOVECOT = "/usr/sbin/dovecot"


class DovecotServer:
    user = "kalendarium"
    password = "imap-test-password"

    def __init__(self, introspection_url: str = "") -> None:
        """``introspection_url``: also accept OAuth 2.0 bearer tokens (XOAUTH2, as Microsoft 365
        takes them), checked at that token introspection endpoint (RFC 7662)."""
        self.introspection_url = introspection_url
        if not Path(DOVECOT).exists():
            raise RuntimeError("Dovecot is missing: `python tests/setup_system.py` installs it.")
        self.root = Path(tempfile.mkdtemp(prefix="eventreg-imap-"))
        self.root.chmod(0o755)
        self.port = free_port()
        self.config = self.root / "dovecot.conf"

    def _accounts(self) -> tuple[str, str, pwd.struct_passwd]:
        """Login user, internal user, and the account that owns the mail."""
        if os.geteuid() == 0:
            return "dovenull", "dovecot", pwd.getpwnam("dovecot")
        me = pwd.getpwuid(os.geteuid())
        return me.pw_name, me.pw_name, me

    def start(self) -> DovecotServer:
        login_user, internal_user, owner = self._accounts()
        mail = self.root / "mail"
        for folder in ("base", "state", "mail"):
            (self.root / folder).mkdir(mode=0o755)
        os.chown(mail, owner.pw_uid, owner.pw_gid)
        (self.root / "users").write_text(
            f"{self.user}:{{PLAIN}}{self.password}:{owner.pw_uid}:{owner.pw_gid}::{mail}\n"
        )
        mechanisms, oauth2 = "plain login", ""
        if self.introspection_url:
            mechanisms += " xoauth2 oauthbearer"
            (self.root / "oauth2.conf").write_text(
                "introspection_mode = post\n"
                f"introspection_url = {self.introspection_url}\n"
                "username_attribute = username\n"
                "active_attribute = active\n"
                "active_value = true\n"
            )
            oauth2 = f"""
passdb {{
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = {self.root}/oauth2.conf
}}"""
        self.config.write_text(
            f"""
protocols = imap
listen = 127.0.0.1
base_dir = {self.root}/base
state_dir = {self.root}/state
log_path = {self.root}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = {mechanisms}
default_login_user = {login_user}
default_internal_user = {internal_user}
first_valid_uid = {min(owner.pw_uid, 100)}
first_valid_gid = 0
mail_location = maildir:{mail}/%u
{oauth2}
passdb {{
  mechanisms = plain login
  driver = passwd-file
  args = {self.root}/users
}}
userdb {{
  driver = passwd-file
  args = {self.root}/users
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {self.port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service stats {{
  unix_listener stats-reader {{
    mode = 0666
  }}
  unix_listener stats-writer {{
    mode = 0666
  }}
}}
"""
        )
        # Dovecot daemonises: no pipes, or the caller would wait for them to close.
        subprocess.run(
            [DOVECOT, "-c", str(self.config)],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 20
        while True:
            try:
                with self.connect():
                    return self
            except (OSError, imaplib.IMAP4.error):
                if time.monotonic() > deadline:
                    raise RuntimeError(self.log()) from None
                time.sleep(0.1)

    def log(self) -> str:
        path = self.root / "dovecot.log"
        return path.read_text() if path.exists() else "(no log)"

    def connect(self) -> imaplib.IMAP4:
        client = imaplib.IMAP4("127.0.0.1", self.port, timeout=10)
        client.login(self.user, self.password)
        return client

    def append(self, raw: bytes, folder: str = "INBOX") -> None:
        """Deliver a message to a folder, as the mail server does when it arrives."""
        with self.connect() as client:
            client.append(folder, None, None, raw)

    def messages(self, folder: str = "INBOX") -> list[bytes]:
        """The raw messages in a folder (none if it does not exist)."""
        with self.connect() as client:
            status, _ = client.select(f'"{folder}"', readonly=True)
            if status != "OK":
                return []
            _, found = client.uid("SEARCH", None, "ALL")
            raws = []
            for uid in found[0].split():
                _, data = client.uid("FETCH", uid, "(BODY.PEEK[])")
                raws.append(data[0][1])
            return raws

    def clear(self) -> None:
        """Empty every folder between tests."""
        with self.connect() as client:
            _, folders = client.list()
            for line in folders or []:
                name = re.match(r'\(.*?\) (?:"."|NIL) (.*)', line.decode()).group(1).strip('"')
                client.select(f'"{name}"')
                _, found = client.search(None, "ALL")
                if found[0]:
                    client.store(b",".join(found[0].split()).decode(), "+FLAGS", r"(\Deleted)")
                    client.expunge()

    def stop(self) -> None:
        subprocess.run(
            [DOVECOT, "-c", str(self.config), "stop"],
            check=False,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> DovecotServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
