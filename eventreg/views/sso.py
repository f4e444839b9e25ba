"""Signing in with the region's identity provider (OpenID Connect): off to it, and back.

No transaction is open while the provider is spoken to: the way there only redirects, and the
way back asks for the tokens (and the provider's keys) before the database is touched.
"""

import secrets

from authlib.integrations.base_client import OAuthError
from flask import Blueprint, abort, render_template, request, session
from joserfc.errors import JoseError

from eventreg import sso
from eventreg.database import writes
from eventreg.services import single_sign_on
from eventreg.urls import external_url, local_path
from eventreg.views.auth import start_session
from eventreg.views.forms import run

bp = Blueprint("sso", __name__)

#: Where to go once signed in, kept in the session while the person is at the provider.
NEXT = "sso_next"

#: What a refused sign-in says, by what went wrong; the audit log gets the reason too.
REFUSED = {
    "state": "Inloggningen har redan använts eller tagit för lång tid. Försök igen.",
    "token": "Svaret från regionens inloggning gick inte att lita på, så du är inte inloggad.",
    "provider": "Regionens inloggning avbröt inloggningen.",
    "setup": "Inloggningen med regionens konto är felinställd. Kontakta en administratör.",
    "unknown": "Ditt konto i regionens inloggning har inte tillgång till kalendariet. Be en "
    "administratör om ett konto.",
}


@bp.get("/logga-in/sso")
@writes  # only a refusal, to the audit log, after the provider has been asked
def start():
    if not sso.enabled():
        abort(404)
    try:
        provider = sso.client()
    except (sso.Misconfigured, OSError, ValueError):
        return _refused("setup", "utfärdaren stämmer inte eller svarar inte")
    session[NEXT] = local_path(request.args.get("next")) or ""
    return provider.authorize_redirect(external_url("sso.answer"), nonce=secrets.token_urlsafe(24))


@bp.get("/logga-in/sso/svar")
@writes
def answer():
    if not sso.enabled():
        abort(404)
    try:
        token = sso.client().authorize_access_token(claims_options=sso.claims_options())
    except OAuthError as error:
        if error.error == "mismatching_state":
            return _refused("state", "okänd eller redan använd state")
        return _refused("provider", f"{error.error}: {error.description or ''}"[:200])
    except JoseError as error:  # a claim that is wrong or missing, or a bad signature
        return _refused("token", f"ID-token: {error.error} {error.description or ''}"[:200])
    except (sso.Misconfigured, OSError, ValueError) as error:
        return _refused("setup", str(error)[:200])
    if "userinfo" not in token:
        return _refused("token", "inget ID-token")
    identity = single_sign_on.Identity.from_claims(token["userinfo"])
    user = run(lambda: single_sign_on.sign_in(identity))
    if user is None:
        return render_template("auth/sso_refused.html", message=REFUSED["unknown"]), 403
    target = session.pop(NEXT, "")
    return start_session(user, target or None, via="sso")


def _refused(kind: str, reason: str):
    run(lambda: single_sign_on.refused(reason) or True)
    return render_template("auth/sso_refused.html", message=REFUSED[kind]), 403
