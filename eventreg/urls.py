"""Absolute links for mail and calendars, built from EVENTREG_BASE_URL.

Links in mail are made outside any request (or in one whose Host header a client chose), so
they never depend on the request: always on the configured public address.
"""

from urllib.parse import urlsplit, urlunsplit

from flask import current_app


def external_url(endpoint: str, **values) -> str:
    base = urlsplit(current_app.config["EVENTREG_BASE_URL"])
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "https"
    )
    return adapter.build(endpoint, values, force_external=True)


def webcal_url(endpoint: str, **values) -> str:
    """A feed's subscribe link: the same resource as ``external_url``, in the webcal scheme that
    makes a calendar app offer to subscribe."""
    _scheme, _, rest = external_url(endpoint, **values).partition("://")
    return f"webcal://{rest}"


def local_path(target: str | None) -> str | None:
    """``target`` when it is a path on this site that is safe to redirect to, else None.

    Not another site ("//evil.example", "/\\\\evil.example", "https://…"), and nothing that would
    break the Location header (a line break from "%0D%0A", or any other control character).
    """
    if not target or any(ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    if parts.path.startswith(("//", "/\\")):
        return None
    return urlunsplit(("", "", parts.path, parts.query, ""))
