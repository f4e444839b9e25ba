"""One's own second factor: set up the authenticator app, new recovery codes, turn it off; and
an administrator's way out for someone who lost both phone and codes."""

import segno
from flask import make_response, redirect, render_template, url_for
from flask_login import current_user

from eventreg.extensions import db
from eventreg.forms.auth import CodeForm
from eventreg.forms.common import ButtonForm
from eventreg.models import Role, User
from eventreg.services import second_factor
from eventreg.views.admin import bp
from eventreg.views.admin.access import requires
from eventreg.views.forms import run, status
from eventreg.views.personal_links import no_store


@bp.get("/tvastegsverifiering")
@requires(Role.COORDINATOR)
def second_factor_page():
    return render_template(
        "admin/second_factor.html",
        button=ButtonForm(),
        remaining=second_factor.remaining_recovery_codes(current_user),
    )


@bp.post("/tvastegsverifiering/borja")
@requires(Role.COORDINATOR)
def second_factor_begin():
    if ButtonForm().validate_on_submit():
        run(lambda: second_factor.begin(current_user))
    return redirect(url_for(".second_factor_setup"))


@bp.route("/tvastegsverifiering/ny", methods=["GET", "POST"])
@requires(Role.COORDINATOR)
def second_factor_setup():
    """The QR code and the secret written out, and the code that proves the app has it.
    Neither page is kept by any cache: they hold the secret and the recovery codes."""
    if current_user.has_second_factor or current_user.totp_secret is None:
        return redirect(url_for(".second_factor_page"))
    form = CodeForm()
    if form.validate_on_submit():
        codes = run(lambda: second_factor.turn_on(current_user, form.code.data), form=form)
        if codes:
            return _recovery_codes(codes, first=True)
    uri = second_factor.setup_uri(current_user)
    secret = current_user.totp_secret
    page = render_template(
        "admin/second_factor_setup.html",
        form=form,
        qr=segno.make(uri, error="m").svg_data_uri(scale=5, dark="#1a1a1a"),
        secret=" ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
    )
    return no_store(make_response(page, status(form)))


@bp.post("/tvastegsverifiering/reservkoder")
@requires(Role.COORDINATOR)
def second_factor_new_codes():
    codes = ButtonForm().validate_on_submit() and run(
        lambda: second_factor.new_recovery_codes(current_user)
    )
    return (
        _recovery_codes(codes, first=False) if codes else redirect(url_for(".second_factor_page"))
    )


def _recovery_codes(codes: list[str], first: bool):
    """Shown once, and never stored by a cache: only their digests are kept."""
    return no_store(
        make_response(render_template("admin/recovery_codes.html", codes=codes, first=first))
    )


@bp.post("/tvastegsverifiering/stang-av")
@requires(Role.COORDINATOR)
def second_factor_off():
    if ButtonForm().validate_on_submit():
        run(
            lambda: second_factor.turn_off(current_user, current_user),
            success="Tvåstegsverifieringen är avstängd.",
        )
    return redirect(url_for(".second_factor_page"))


@bp.post("/konton/<int:user_id>/tvastegsverifiering")
@requires(Role.ADMIN)
def reset_second_factor(user_id: int):
    user = db.get_or_404(User, user_id)
    if ButtonForm().validate_on_submit():
        run(
            lambda: second_factor.turn_off(user, current_user),
            success=f"Tvåstegsverifieringen för {user.name} är avstängd. Be personen slå på den "
            "igen när hen har loggat in.",
        )
    return redirect(url_for(".accounts_page"))
