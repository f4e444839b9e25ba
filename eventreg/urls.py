"""Absolute links for mail and calendars, built from EVENTREG_BASE_URL.

Links in mail are made outside any request (or in one whose Host header a client chose), so
they never depend on the request: always on the configured public address.
"""

from urllib.parse import urlsplit

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
