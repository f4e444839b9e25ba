"""Throw-away OpenID Connect provider for the test suite: the Node package ``oidc-provider``
(OpenID Certified), as the region's Entra ID would be met in production::

    with OidcProvider() as op:
        with op.serving(app) as base:   # the app, where the provider sends people back
            ...
        op.sign({...})        # a token signed with the provider's own key, claims of our choice

It runs ``tests/interop/oidc_provider.mjs`` under Node (``setup_system.py`` installs it with
``npm ci``) on 127.0.0.1 on a free port, with a signing key made here, and is stopped
afterwards. Its own login page signs in any login name as the account of that name.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

from helpers import serve
from joserfc import jwt
from joserfc.jwk import RSAKey
from ports import free_port

from eventreg import sso

SCRIPT = Path(__file__).parent / "interop" / "oidc_provider.mjs"

ADMIN_ROLE, COORDINATOR_ROLE = "Kalendarium.Administrator", "Kalendarium.Samordnare"
#: The people the provider knows, by login name (which is their subject claim).
ACCOUNTS = {
    # Karin has an account here already (the ``coordinator`` fixture); the provider's subject
    # is its own, not her address.
    "karin-id": {"email": "karin@region.se", "email_verified": True, "name": "Karin Lindqvist"},
    "anders-id": {"email": "anders.ny@region.se", "name": "Anders Ny", "roles": [ADMIN_ROLE]},
    "okand-id": {"email": "okand@region.se", "email_verified": True, "name": "Okänd Person"},
}


class OidcProvider:
    client_id = "kalendarium"
    client_secret = "en-hemlighet-bara-for-testerna"

    def __init__(self, accounts: dict[str, dict] = ACCOUNTS) -> None:
        """The provider, and the address the app must be served on to be sent back to."""
        if shutil.which("node") is None or not (SCRIPT.parent / "node_modules").exists():
            raise RuntimeError("Node or oidc-provider is missing: `python tests/setup_system.py`.")
        self.app_port = free_port()
        self.app_base = f"http://127.0.0.1:{self.app_port}"
        redirect_uri, post_logout_uri = f"{self.app_base}/logga-in/sso/svar", f"{self.app_base}/"
        self.port = free_port()
        self.issuer = f"http://127.0.0.1:{self.port}"
        self.key = RSAKey.generate_key(2048, parameters={"kid": "test-key", "use": "sig"})
        self.accounts = accounts
        self.clients = [
            {
                "client_id": self.client_id,
                "client_secret": self.client_secret,
                "redirect_uris": [redirect_uri],
                "post_logout_redirect_uris": [post_logout_uri],
                "response_types": ["code"],
                "grant_types": ["authorization_code"],
                "token_endpoint_auth_method": "client_secret_basic",
            }
        ]
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> OidcProvider:
        env = {
            **os.environ,
            "OIDC_PORT": str(self.port),
            "OIDC_ISSUER": self.issuer,
            "OIDC_CLIENTS": json.dumps(self.clients),
            "OIDC_ACCOUNTS": json.dumps(self.accounts),
            "OIDC_JWKS": json.dumps({"keys": [self.key.as_dict(private=True)]}),
            "NODE_NO_WARNINGS": "1",
        }
        self.process = subprocess.Popen(
            ["node", str(SCRIPT)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        deadline = time.monotonic() + 30
        line = ""
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if line.startswith("ready") or self.process.poll() is not None:
                break
        if not line.startswith("ready"):
            self.__exit__()
            raise RuntimeError(f"oidc-provider did not start: {line}")
        return self

    def __exit__(self, *_exc) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process.stdout.close()

    def sign(self, claims: dict) -> str:
        """An ID token with these claims, signed with the provider's own key (its JWKS has it)."""
        return jwt.encode({"alg": "RS256", "kid": "test-key"}, claims, self.key)

    @contextmanager
    def serving(self, app, issuer: str | None = None):
        """The app served where this provider sends people back, signing in with it (or with
        the provider named as ``issuer``); yields the app's base URL."""
        app.config.update(
            EVENTREG_BASE_URL=self.app_base,
            OIDC_ISSUER=issuer or self.issuer,
            OIDC_CLIENT_ID=self.client_id,
            OIDC_CLIENT_SECRET=self.client_secret,
            OIDC_COORDINATOR_ROLE=COORDINATOR_ROLE,
            OIDC_ADMIN_ROLE=ADMIN_ROLE,
        )
        sso.init_app(app)
        with serve(app, self.app_port) as base:
            yield base
