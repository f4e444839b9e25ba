"""eventreg: the Kalendarium of a regional library-development unit: courses, network meetings,
sign-up and calendar invites."""

import logging
import os
from pathlib import Path

from flask import Flask, current_app, render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_mail import Mail
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from eventreg import config, i18n
from eventreg.database import configure
from eventreg.extensions import babel, csrf, db, login_manager, migrate
from eventreg.ids import IdConverter

PROJECT_ROOT = Path(__file__).resolve().parent.parent

#: Only for `make run` and tests; a deployed app without SECRET_KEY refuses to start.
DEVELOPMENT_SECRET_KEY = "development-only-not-secret"


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=os.environ.get("EVENTREG_INSTANCE_PATH") or str(PROJECT_ROOT / "instance"),
        instance_relative_config=True,
        template_folder=str(PROJECT_ROOT / "templates"),
    )
    app.url_map.converters["int"] = IdConverter
    app.config.from_mapping(config.DEFAULTS)
    app.config.from_mapping(config.from_environment(app.instance_path))
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
    else:
        app.config.from_mapping(test_config)
    _require_secret_key(app)
    if app.config["TRUSTED_PROXIES"]:
        # Only the proxies we run may say who the client is; anyone else could write anything.
        proxies = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    csrf.init_app(app)
    login_manager.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale, default_timezone="Europe/Stockholm")
    Mail(app)
    with app.app_context():
        configure(app, db.engine)

    from eventreg import cli, sso, templating
    from eventreg.statistics import counting
    from eventreg.views import (
        admin,
        api,
        auth,
        manager,
        my_courses,
        networks,
        newsletters,
        public,
        registration,
        watches,
    )
    from eventreg.views import sso as sso_views

    templating.init_app(app)
    sso.init_app(app)
    i18n.init_app(app)
    counting.watch(db.session)
    for blueprint in (
        public.bp,
        registration.bp,
        my_courses.bp,
        watches.bp,
        newsletters.bp,
        networks.bp,
        auth.bp,
        sso_views.bp,
        admin.bp,
        manager.bp,
        api.bp,
    ):
        app.register_blueprint(blueprint)
    cli.init_app(app)
    _register_error_pages(app)
    app.after_request(_security_headers)
    return app


def _security_headers(response):
    """Personal links carry their secret in the URL: never leak it to another site as a Referer.

    Served over https, browsers are told to come back over https only (HSTS).
    """
    if current_app.config["HSTS_SECONDS"]:
        response.headers.setdefault(
            "Strict-Transport-Security", f"max-age={current_app.config['HSTS_SECONDS']}"
        )
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    if "Content-Security-Policy" not in response.headers:  # a view that sets one decides framing
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Content-Security-Policy"] = (
            "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'"
        )
    return response


def _require_secret_key(app: Flask) -> None:
    """Personal links are signed with SECRET_KEY: a guessable default would let anyone forge them."""
    if app.config.get("SECRET_KEY"):
        return
    if app.debug or app.testing or os.environ.get("EVENTREG_DEVELOPMENT") == "1":
        app.config["SECRET_KEY"] = DEVELOPMENT_SECRET_KEY
        app.config["DEVELOPMENT"] = True
        return
    raise RuntimeError(
        "SECRET_KEY is not set. Set the environment variable SECRET_KEY (or put it in "
        "instance/config.py) to a long random value, e.g. from "
        "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`."
    )


#: Title and explanation of each error page, in the visitor's language.
ERROR_PAGES = {
    400: (_l("Något gick fel med förfrågan"), _l("Gå tillbaka och försök igen.")),
    403: (
        _l("Du har inte behörighet"),
        _l("Sidan är bara för administratörer. Be en administratör om hjälp."),
    ),
    404: (_l("Sidan finns inte"), _l("Kontrollera adressen, eller börja om från kalendariet.")),
    405: (_l("Det går inte att göra så här"), _l("Gå tillbaka och använd knapparna på sidan.")),
    413: (_l("För mycket text"), _l("Korta ner texten och försök igen.")),
    429: (
        _l("För många försök på kort tid"),
        _l(
            "Det har kommit väldigt många formulär från din adress. Vänta en minut och skicka "
            "igen; går du tillbaka finns det du skrev kvar."
        ),
    ),
    500: (
        _l("Ett fel uppstod hos oss"),
        _l("Försök igen om en stund. Kvarstår felet, kontakta arrangören."),
    ),
}


def _register_error_pages(app: Flask) -> None:
    def render_error(code: int, title: str, text: str):
        return render_template("errors/error.html", code=code, title=title, text=text), code

    def handler(code: int, title: str, text: str):
        def handle(error: HTTPException):
            # A view may say more precisely what went wrong: abort(404, description="…").
            custom = error.description != type(error).description
            return render_error(code, title, error.description if custom else text)

        return handle

    for code, (title, text) in ERROR_PAGES.items():
        app.register_error_handler(code, handler(code, title, text))

    @app.errorhandler(CSRFError)
    def csrf_error(_error):
        return render_error(
            400,
            _("Formuläret hann bli för gammalt"),
            _(
                "Av säkerhetsskäl behöver sidan laddas om. Gå tillbaka, ladda om sidan och "
                "skicka igen."
            ),
        )
