"""Networks for the public: their pages, joining, answering invitations, leaving, and feeds."""

import hashlib
from dataclasses import replace

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from eventreg import feeds, links, organisation
from eventreg.calendar import feed
from eventreg.extensions import db
from eventreg.forms.common import ButtonForm
from eventreg.forms.networks import AnswerForm
from eventreg.forms.registration import RegistrationForm
from eventreg.models import Event, MemberStatus, Network, Registration
from eventreg.models.base import utcnow
from eventreg.services import invitations, listings, networks, registrations, search
from eventreg.services.places import library_options
from eventreg.views.forms import run, status
from eventreg.views.personal_links import opened
from eventreg.views.registration import applicant_from

bp = Blueprint("networks", __name__)


def _meetings(network_id: int, upcoming: bool) -> list[Event]:
    """The network's visible meetings ahead (soonest first), or behind (latest first)."""
    now = utcnow()
    query = listings.visible_events().where(Event.network_id == network_id)
    if upcoming:
        query = query.where(Event.last_end >= now)
    else:
        query = query.where(Event.last_end < now).order_by(None).order_by(Event.first_start.desc())
    return list(db.session.scalars(query.limit(100)))


@bp.get("/natverk")
def network_list():
    return render_template(
        "networks/list.html",
        networks=db.session.scalars(select(Network).order_by(Network.name)).all(),
    )


@bp.route("/natverk/<int:network_id>", methods=["GET", "POST"])
def network(network_id: int):
    network = db.get_or_404(Network, network_id)
    form = RegistrationForm(serves_meal=False).offer_libraries(library_options())
    for field in ("role_title", "accessibility_needs", "message"):
        delattr(form, field)
    if form.validate_on_submit() and run(
        lambda: networks.request_membership(network.id, applicant_from(form)),
        form=form,
        limit="network-join",
    ):
        flash(
            _(
                "Tack! Vi har skickat ett mejl till %(email)s om ditt medlemskap i %(network)s.",
                email=form.email.data,
                network=network.name,
            ),
            "success",
        )
        return redirect(url_for(".network", network_id=network.id))
    return render_template(
        "networks/network.html",
        network=network,
        form=form,
        upcoming=_meetings(network.id, upcoming=True),
        past=_meetings(network.id, upcoming=False)[:10],
        members=sum(1 for m in network.members if m.status == MemberStatus.ACTIVE),
    ), status(form)


@bp.route("/inbjudan/<token>/<any(kommer, 'kommer-inte'):answer>", methods=["GET", "POST"])
def answer(token: str, answer: str):
    """The answer is confirmed with a button: mail scanners that follow links must not answer."""
    invitation = opened(links.invitation_from_token, token)
    event = db.session.get(Event, invitation.event_id)
    accept = answer == "kommer"
    form = AnswerForm(choose_mode=accept and event.choose_mode)
    if "mode" in form:
        form.offer_modes(registrations.full_modes(event, registrations.taken_seats(event.id)))
    form.dietary_needs.description = " ".join(
        (event.meal_note or _("Förtäring serveras."), _("Lämna tomt om du inte har några behov."))
    )
    if form.validate_on_submit() and (
        answered := run(
            lambda: invitations.answer(
                invitation.id, accept, form.dietary_needs.data, mode=form.chosen_mode
            ),
            form=form,
        )
    ):
        if accept and answered.registration_id:
            registration = db.session.get(Registration, answered.registration_id)
            flash(
                _("Tack! Du är anmäld. Vi har skickat en bekräftelse till din e-post."), "success"
            )
            return redirect(
                url_for("registration.manage", token=links.registration_token(registration))
            )
        flash(_("Tack för ditt svar. Du har tackat nej."), "success")
        return redirect(url_for(".network", network_id=event.network_id))
    return render_template(
        "networks/answer.html", invitation=invitation, event=event, accept=accept, form=form
    ), status(form)


@bp.route("/natverk/lamna/<token>", methods=["GET", "POST"])
def leave(token: str):
    member = opened(links.member_from_token, token)
    form = ButtonForm()
    if form.validate_on_submit() and run(
        lambda: networks.remove_member(member),
        success=_(
            "Du har lämnat %(network)s och får inga fler inbjudningar därifrån.",
            network=member.network.name,
        ),
    ):
        return redirect(url_for(".network", network_id=member.network_id))
    return render_template("networks/leave.html", member=member, form=form)


def _feed_response(events: list[Event], name: str) -> Response:
    """The feed with honest validators, so that polling subscribers cost almost nothing."""
    body = feed(events, name)
    response = Response(body, mimetype="text/calendar")
    response.set_etag(hashlib.sha256(body.encode()).hexdigest()[:32])
    response.last_modified = feeds.last_modified()
    response.cache_control.public = True
    response.cache_control.max_age = 900
    return response.make_conditional(request)


@bp.get("/kalender.ics")
def calendar_feed():
    """The whole calendar, or the selection a search made (``services.search``, bar free seats)."""
    # Free seats change with every sign-up; a feed's validators follow the events themselves.
    chosen = replace(search.Filters.from_args(request.args), lediga=False)
    return _feed_response(feeds.feed_events(None, chosen.apply), organisation.current().site_name)


@bp.get("/natverk/<int:network_id>/kalender.ics")
def network_feed(network_id: int):
    network = db.get_or_404(Network, network_id)
    return _feed_response(feeds.feed_events(network.id), network.name)
