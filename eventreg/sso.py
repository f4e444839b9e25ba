"""The region's identity provider as this app's OpenID Connect client (Authlib).

Authorization code flow with PKCE (S256), a nonce and a state per sign-in (kept in the session
until the answer comes back, and used once), the provider's settings and keys read from its
discovery document (OpenID Connect Discovery 1.0), and the ID token checked against them
(Core 1.0 §3.1.3.7): signature, issuer, audience, expiry, nonce. Each app has its own client,
made from OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET; without OIDC_ISSUER there is no
single sign-on.
"""

from authlib.integrations.flask_client import OAuth
from flask import Flask, current_app

SCOPE = "openid email profile"


class Misconfigured(Exception):
    """What the provider says of itself does not match what this app was told of it."""


def init_app(app: Flask) -> None:
    issuer = app.config.get("OIDC_ISSUER")
    if not issuer:
        return
    oauth = OAuth(app)
    app.extensions["eventreg_sso"] = oauth.register(
        "region",
        client_id=app.config["OIDC_CLIENT_ID"],
        client_secret=app.config["OIDC_CLIENT_SECRET"],
        server_metadata_url=f"{issuer}/.well-known/openid-configuration",
        client_kwargs={"scope": SCOPE, "code_challenge_method": "S256", "timeout": 10},
    )


def enabled() -> bool:
    return "eventreg_sso" in current_app.extensions


def client():
    """The provider, its discovery document read (once per process) and checked: the issuer it
    names must be the one configured (Discovery 1.0 §4.3), or its tokens are nobody's."""
    provider = current_app.extensions["eventreg_sso"]
    metadata = provider.load_server_metadata()
    if metadata.get("issuer") != current_app.config["OIDC_ISSUER"]:
        raise Misconfigured(f"the provider calls itself {metadata.get('issuer')!r}")
    return provider


def claims_options() -> dict:
    """What an ID token must say to be ours: this issuer, for this client, with a subject and
    the nonce of this sign-in (Authlib compares its value)."""
    config = current_app.config
    return {
        "iss": {"essential": True, "values": [config["OIDC_ISSUER"]]},
        "aud": {"essential": True, "values": [config["OIDC_CLIENT_ID"]]},
        "sub": {"essential": True},
        "nonce": {"essential": True},
    }
