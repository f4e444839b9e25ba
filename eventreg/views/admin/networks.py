"""Networks in the workspace: details, members (one by one, pasted, approved), series of meetings."""

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from eventreg.extensions import db
from eventreg.forms.common import ButtonForm
from eventreg.forms.networks import NetworkForm, PasteMembersForm, SeriesForm
from eventreg.forms.registration import RegistrationForm
from eventreg.models import Event, JoinPolicy, MemberStatus, Network, NetworkMember, Role
from eventreg.services import invitations, networks
from eventreg.services.places import library_options
from eventreg.views.admin import bp
from eventreg.views.admin.access import requires
from eventreg.views.admin.events import get_event
from eventreg.views.forms import run, status
from eventreg.views.registration import applicant_from


def _member_form() -> RegistrationForm:
    """The sign-up form's fields for name, address and workplace, to add one member."""
    form = RegistrationForm(serves_meal=False).offer_libraries(library_options())
    for field in ("role_title", "accessibility_needs", "message", "consent"):
        delattr(form, field)
    return form


def _details(form: NetworkForm) -> dict:
    return {
        "name": form.name.data.strip(),
        "description": form.description.data,
        "contact_name": form.contact_name.data.strip(),
        "contact_email": form.contact_email.data.strip().lower(),
        "join_policy": JoinPolicy(form.join_policy.data),
    }


@bp.route("/natverk", methods=["GET", "POST"])
@requires(Role.COORDINATOR)
def networks_page():
    form = NetworkForm()
    if form.validate_on_submit() and (
        network := run(lambda: networks.create_network(current_user, **_details(form)), form=form)
    ):
        flash(f"Nätverket {network.name} är skapat. Lägg till medlemmar.", "success")
        return redirect(url_for(".network_page", network_id=network.id))
    elif not form.is_submitted():
        form.contact_name.data, form.contact_email.data = current_user.name, current_user.email
    all_networks = db.session.scalars(
        select(Network).options(selectinload(Network.members)).order_by(Network.name)
    ).all()
    return render_template("admin/networks.html", networks=all_networks, form=form), status(form)


@bp.route("/natverk/<int:network_id>", methods=["GET", "POST"])
@requires(Role.COORDINATOR)
def network_page(network_id: int):
    network = db.get_or_404(Network, network_id)
    form = NetworkForm(obj=network)
    if form.validate_on_submit() and run(
        lambda: networks.update_network(network, current_user, **_details(form)),
        form=form,
        success="Nätverket är sparat.",
    ):
        return redirect(url_for(".network_page", network_id=network.id))
    return _render_network(network, form=form)


def _render_network(network: Network, **forms):
    forms.setdefault("form", NetworkForm(obj=network))
    forms.setdefault("member_form", _member_form())
    forms.setdefault("paste_form", PasteMembersForm())
    meetings = db.session.scalars(
        select(Event)
        .where(Event.network_id == network.id)
        .order_by(Event.first_start.desc())
        .limit(50)
    ).all()
    members = sorted(
        network.members, key=lambda m: (m.status != MemberStatus.PENDING, m.name.lower())
    )
    return render_template(
        "admin/network.html",
        network=network,
        members=members,
        meetings=meetings,
        button=ButtonForm(),
        **forms,
    ), status(*forms.values())


@bp.post("/natverk/<int:network_id>/medlemmar")
@requires(Role.COORDINATOR)
def add_network_member(network_id: int):
    network = db.get_or_404(Network, network_id)
    member_form = _member_form()
    member = member_form.validate_on_submit() and run(
        lambda: networks.add_member(network, applicant_from(member_form), actor=current_user),
        form=member_form,
    )
    if not member:
        return _render_network(network, member_form=member_form)
    flash(f"{member.name} är medlem.", "success")
    return redirect(url_for(".network_page", network_id=network.id))


@bp.post("/natverk/<int:network_id>/klistra-in")
@requires(Role.COORDINATOR)
def paste_network_members(network_id: int):
    network = db.get_or_404(Network, network_id)
    paste_form = PasteMembersForm()
    if not paste_form.validate_on_submit():
        return _render_network(network, paste_form=paste_form)
    result = run(
        lambda: networks.add_members_from_text(network, paste_form.members.data, current_user),
        form=paste_form,
    )
    if result is None:
        return _render_network(network, paste_form=paste_form)
    flash(f"{result.added} nya medlemmar.", "success")
    if result.skipped:
        flash("Rader utan e-postadress hoppades över: " + "; ".join(result.skipped[:20]), "error")
    return redirect(url_for(".network_page", network_id=network.id))


@bp.post("/natverk/<int:network_id>/medlemmar/<int:member_id>/<any(godkann, 'ta-bort'):change>")
@requires(Role.COORDINATOR)
def change_network_member(network_id: int, member_id: int, change: str):
    member = db.get_or_404(NetworkMember, member_id)
    if member.network_id != network_id:
        abort(404)
    if change == "godkann":
        run(
            lambda: networks.approve_member(member, current_user),
            success=f"{member.name} är godkänd och får ett välkomstmejl.",
        )
    else:
        run(
            lambda: networks.remove_member(member, current_user),
            success=f"{member.name} är borttagen ur nätverket.",
        )
    return redirect(url_for(".network_page", network_id=network_id))


def _plan(network: Network, form: SeriesForm) -> list[Event]:
    return networks.plan_series(
        network,
        form.session_times(),
        form.deadline_days.data,
        current_user,
        publish=form.publish.data,
        title=form.title.data.strip(),
        summary=form.summary.data,
        venue=form.venue.data,
        address=form.address.data,
        online_url=form.online_url.data,
        online_note=form.online_note.data,
        capacity=form.capacity.data,
        invited_only=form.invited_only.data,
    )


@bp.route("/natverk/<int:network_id>/traffar", methods=["GET", "POST"])
@requires(Role.COORDINATOR)
def plan_meetings(network_id: int):
    network = db.get_or_404(Network, network_id)
    form = SeriesForm()
    if form.validate_on_submit() and (planned := run(lambda: _plan(network, form), form=form)):
        what = "publicerade och medlemmarna inbjudna" if form.publish.data else "sparade som utkast"
        flash(f"{len(planned)} träffar är {what}.", "success")
        return redirect(url_for(".network_page", network_id=network.id))
    elif not form.is_submitted():
        form.title.data = f"Nätverksträff: {network.name}"
    return render_template("admin/network_series.html", network=network, form=form), status(form)


@bp.post("/evenemang/<int:event_id>/bjud-in")
@requires(Role.COORDINATOR)
def invite(event_id: int):
    event = get_event(event_id)
    run(
        lambda: invitations.invite_members(event, current_user),
        success="Inbjudningar är skickade till de medlemmar som inte redan var inbjudna.",
    )
    return redirect(url_for(".event", event_id=event.id))
