"""Configuration read from the environment when the app is built, never at import time."""

import os
from pathlib import Path


def _flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def from_environment(instance_path: str) -> dict:
    """Settings for a deployed or development app; ``instance/config.py`` may override them."""
    database_url = os.environ.get("DATABASE_URL") or "sqlite:///" + str(
        Path(instance_path) / "eventreg.sqlite"
    )
    # Heroku-style URLs name the driver "postgres"; SQLAlchemy needs the psycopg 3 dialect.
    for prefix in ("postgres://", "postgresql://"):
        if database_url.startswith(prefix):
            database_url = "postgresql+psycopg://" + database_url.removeprefix(prefix)
    mail_server = os.environ.get("MAIL_SERVER")
    base_url = os.environ.get("EVENTREG_BASE_URL", "http://127.0.0.1:5000")
    https = base_url.startswith("https://")
    return {
        "SECRET_KEY": os.environ.get("SECRET_KEY"),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "EVENTREG_BASE_URL": base_url,
        # Served over https: the session cookie never travels in clear, and browsers are told
        # to use https only (HSTS), for a year.
        "SESSION_COOKIE_SECURE": _flag("SESSION_COOKIE_SECURE", https),
        "HSTS_SECONDS": int(os.environ.get("HSTS_SECONDS", 365 * 24 * 3600 if https else 0)),
        # Reverse proxies in front of the app whose X-Forwarded-For/-Proto are believed.
        "TRUSTED_PROXIES": int(os.environ.get("TRUSTED_PROXIES", "0")),
        # Without an SMTP server the outbox is delivered to .eml files a newcomer can open.
        "MAIL_BACKEND": "smtp" if mail_server else "file",
        "MAIL_SERVER": mail_server or "localhost",
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", "25")),
        "MAIL_USE_TLS": _flag("MAIL_USE_TLS"),
        "MAIL_USE_SSL": _flag("MAIL_USE_SSL"),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME"),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD"),
        "MAIL_DEFAULT_SENDER": (
            "Kalendarium",  # the organisation profile's sender name replaces it on every mail
            os.environ.get("MAIL_DEFAULT_SENDER", "kalendarium@localhost"),
        ),
        "MAIL_FILE_DIR": str(Path(instance_path) / "mail"),
        #: Where uploaded course materials are kept (served only through the app's links).
        "MATERIALS_DIR": str(Path(instance_path) / "materials"),
        "MATERIAL_MAX_MB": int(os.environ.get("MATERIAL_MAX_MB", "20")),
        # The Kalendarium's own mailbox (MAIL_DEFAULT_SENDER), read for answers from calendars.
        "IMAP_SERVER": os.environ.get("IMAP_SERVER", ""),
        "IMAP_PORT": int(os.environ.get("IMAP_PORT", "993")),
        "IMAP_SECURITY": os.environ.get("IMAP_SECURITY", "ssl"),
        "IMAP_USERNAME": os.environ.get("IMAP_USERNAME", ""),
        "IMAP_PASSWORD": os.environ.get("IMAP_PASSWORD", ""),
        "IMAP_OAUTH2_TOKEN_URL": os.environ.get("IMAP_OAUTH2_TOKEN_URL", ""),
        "IMAP_OAUTH2_CLIENT_ID": os.environ.get("IMAP_OAUTH2_CLIENT_ID", ""),
        "IMAP_OAUTH2_CLIENT_SECRET": os.environ.get("IMAP_OAUTH2_CLIENT_SECRET", ""),
        # Single sign-on with the region's identity provider (OpenID Connect; Entra ID):
        # the issuer URL (its discovery document is read from it) and this app's registration.
        "OIDC_ISSUER": os.environ.get("OIDC_ISSUER", "").rstrip("/"),
        "OIDC_CLIENT_ID": os.environ.get("OIDC_CLIENT_ID", ""),
        "OIDC_CLIENT_SECRET": os.environ.get("OIDC_CLIENT_SECRET", ""),
        # The claim that lists a person's roles (Entra ID's app roles are in "roles"), and the
        # values that make someone a coordinator or an administrator at their first sign-in.
        "OIDC_ROLE_CLAIM": os.environ.get("OIDC_ROLE_CLAIM", "roles"),
        "OIDC_COORDINATOR_ROLE": os.environ.get("OIDC_COORDINATOR_ROLE", "Kalendarium.Samordnare"),
        "OIDC_ADMIN_ROLE": os.environ.get("OIDC_ADMIN_ROLE", "Kalendarium.Administrator"),
        "IMAP_FOLDER": os.environ.get("IMAP_FOLDER", "INBOX"),
        "IMAP_DONE_FOLDER": os.environ.get("IMAP_DONE_FOLDER", "eventreg-behandlat"),
    }


DEFAULTS = {
    #: True only for `make run` and tests (no SECRET_KEY given): allows the demo sign-in.
    "DEVELOPMENT": False,
    #: Pooled connections that lay idle are tried before use (see eventreg.database).
    "SQLALCHEMY_ENGINE_OPTIONS": {},
    #: Days after the last session that a course's evaluation stays open.
    "EVALUATION_DAYS": 21,
    #: Days a watch-list request waits for its confirmation before it is erased.
    "WATCH_CONFIRM_DAYS": 7,
    #: Days after the evaluation opens that those who have not answered are reminded, once.
    "EVALUATION_REMINDER_DAYS": 7,
    #: Where DejaVu Sans is (Debian's fonts-dejavu-core): course certificates embed it.
    "CERTIFICATE_FONT_DIR": "/usr/share/fonts/truetype/dejavu",
    #: A form left open over lunch must still submit.
    "WTF_CSRF_TIME_LIMIT": None,
    #: Forms take WTForms' Swedish messages from their Meta (see eventreg.forms), not Flask-Babel.
    "WTF_I18N_ENABLED": False,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    #: A coordinator's sign-in lasts a working day.
    "PERMANENT_SESSION_LIFETIME": 8 * 3600,
    "MAX_CONTENT_LENGTH": 1024 * 1024,
    #: Seconds an SQLite writer waits for the write lock before giving up.
    "SQLITE_BUSY_TIMEOUT": 30,
    #: How long a duplicate sign-up waits before the personal link is mailed again.
    "LINK_RESEND_INTERVAL_MINUTES": 10,
    #: The mail worker gives a message up (and shows it as failed) after this many tries:
    #: with the back-off below, about two days.
    "MAIL_MAX_ATTEMPTS": 300,
    #: Back-off between delivery attempts, capped so mail flows soon after an outage.
    "MAIL_RETRY_MAX_SECONDS": 600,
    "MAIL_BATCH_SIZE": 20,
    #: Seconds the SMTP connection waits for the relay before the attempt counts as failed.
    "MAIL_TIMEOUT": 20,
    #: Seconds a claimed message waits for its worker before another may take it.
    "MAIL_CLAIM_SECONDS": 15,
    #: Days before the first session when seated attendees get a reminder.
    "REMINDER_DAYS_BEFORE": 2,
    #: Days before the last day to sign up when members who have not answered are reminded.
    "INVITATION_REMINDER_DAYS": 3,
    #: How often the mail worker looks for reminders to send (0: leave it to cron).
    "REMINDER_CHECK_SECONDS": 300,
    #: How often the mail worker counts new sign-ups into the statistics' pre-counted tables
    #: (0: leave it to cron and ``flask count-statistics``). The statistics are exact either
    #: way; the fewer left uncounted, the less the statistics page counts as it is shown.
    "STATISTICS_CATCH_UP_SECONDS": 30,
    #: Days after an event's last session when dietary and accessibility needs are erased.
    "ERASE_NEEDS_AFTER_DAYS": 30,
    #: Days after an event's last session when registrations lose names and addresses
    #: (library and municipality stay, for statistics).
    "ANONYMISE_AFTER_DAYS": 730,
    #: Days a delivered (or failed) mail is kept, for the coordinators' delivery status page.
    "OUTBOX_RETENTION_DAYS": 90,
    #: Seconds a process keeps its copy of the organisation profile (eventreg.organisation).
    "PROFILE_SECONDS": 10,
    #: Seconds a worker answers the public API from the answer it keeps without asking the
    #: database whether anything changed (clients may keep answers for minutes anyway).
    "API_FRESH_SECONDS": 1.0,
    #: Seconds a worker serves the sign-up form from what it read of the event's seats and
    #: state, when everyone asks for the form at once; the post decides on the seat, always
    #: from the database.
    "SIGN_UP_FRESH_SECONDS": 1.0,
    #: The largest logo an administrator may upload.
    "LOGO_MAX_BYTES": 200_000,
    "MAIL_POLL_SECONDS": 1.0,
    #: Posts per client address to the public forms (eventreg.ratelimits). Sign-up leaves room
    #: for thirty colleagues behind one library's NAT in the same minute.
    "RATELIMIT_SIGN_UP": "40 per minute;200 per hour",
    "RATELIMIT_NETWORK_JOIN": "10 per minute;50 per hour",
    "RATELIMIT_LINK": "5 per minute;30 per hour",
    #: How often the mail worker reads the mailbox for answers (0: leave it to cron).
    "REPLY_CHECK_SECONDS": 60,
    #: A message larger than this is not downloaded: its sender and subject are forwarded.
    "REPLY_MAX_BYTES": 10 * 1024 * 1024,
    #: Messages read from the mailbox in one go.
    "REPLY_BATCH_SIZE": 50,
    #: Seconds to wait for the IMAP server (or its token endpoint) before giving up for now.
    "IMAP_TIMEOUT": 30,
    #: The scope of the token for Microsoft 365's IMAP (OAuth 2.0 client credentials).
    "IMAP_OAUTH2_SCOPE": "https://outlook.office365.com/.default",
}
