"""Signing up, and the personal page a registrant reaches through the signed link in their mail."""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _

from eventreg import formatting, links, pagecache
from eventreg.certificate_pdf import pdf_response
from eventreg.forms.common import ButtonForm
from eventreg.forms.questions import answers_posted, sign_up_form
from eventreg.forms.registration import OTHER_WORKPLACE, LinkAgainForm, RegistrationForm
from eventreg.i18n import current_language
from eventreg.models import AttendanceMode, QuestionKind, Registration, RegistrationStatus
from eventreg.services import (
    certificates,
    evaluations,
    handovers,
    listings,
    materials,
    offers,
    questions,
    registrations,
)
from eventreg.services.places import library_options
from eventreg.services.registrations import Applicant, SignUpState
from eventreg.views.downloads import send_material
from eventreg.views.forms import run, status
from eventreg.views.personal_links import no_store, opened
from eventreg.views.public import get_visible_event

bp = Blueprint("registration", __name__)

ACCEPTING = (SignUpState.OPEN, SignUpState.WAITING_LIST)


@bp.route("/evenemang/<int:event_id>/anmalan", methods=["GET", "POST"])
def sign_up(event_id: int):
    """The sign-up form; the service decides whether the event takes sign-ups now.

    When a popular course opens, everyone asks for the form and posts it at once. A post goes
    straight to the service (which locks the event and says why not, if not); the form is
    served from memory while nothing about the event has changed, and what decides which form
    (seats taken, open or closed) is read at most once a second per worker
    (SIGN_UP_FRESH_SECONDS): a form a second old costs nobody anything, as the post decides.
    """
    form = None
    if request.method == "POST":
        # The form of an event with questions says so, and which version of them it asks.
        version = request.form.get("questions", "")[:40]
        posted = _posted_form(event_id, version, current_language()) if version else None
        form = (posted or RegistrationForm)(  # it may post them empty
            serves_meal=True, choose_mode="modes" in request.form
        )
        if form.validate_on_submit() and run(
            lambda: registrations.sign_up(event_id, applicant_from(form)),
            form=form,
            limit="sign-up",
        ):
            session["signed_up"] = {"event_id": event_id, "email": form.email.data}
            return redirect(url_for(".thanks", event_id=event_id))
    if form is None:  # what the form says: read at most once a second per worker
        facts = pagecache.recently(
            "sign_up_facts",
            event_id,
            current_app.config["SIGN_UP_FRESH_SECONDS"],
            lambda: listings.sign_up_facts(event_id),
        )
    else:
        facts = listings.sign_up_facts(event_id)
    if facts is None:
        abort(404)
    taken = listings.taken(facts)
    state = registrations.sign_up_state(facts, taken)
    full = registrations.full_modes(facts, taken)

    def render() -> str:
        event = get_visible_event(event_id)
        asked = questions.asked(event_id)
        shown = sign_up_form(asked, current_language())(
            serves_meal=event.serves_meal, choose_mode=event.choose_mode
        )
        if form is not None:  # a post with something to correct: what was typed, and why
            shown.errors_from(form)
        if event.choose_mode:
            shown.offer_modes(full)
        shown.offer_libraries(library_options())
        return render_template(
            "registration/sign_up.html", event=event, form=shown, state=state, asked=asked
        )

    if form is not None:
        return render(), status(form)
    if not pagecache.may_store():
        return render()
    return pagecache.remember(
        (
            request.full_path,
            facts.updated_at,
            state,
            facts.active,
            tuple(full.items()),
            pagecache.minute(),
        ),
        render,
        with_form=True,
    )


#: Sign-up form classes of events with questions, by event, version and language.
_POSTED_FORMS: dict[tuple[int, str, str], type[RegistrationForm]] = {}


def _posted_form(event_id: int, version: str, language: str) -> type[RegistrationForm]:
    """The form class of an event's questions as of ``version`` (when the event last changed,
    as the form page says), kept per process: when a course opens, every post would otherwise
    read the questions to build the same form. Only a version that is the event's own is kept;
    the service checks the answers against the questions as they are now in any case."""
    key = (event_id, version, language)
    form = _POSTED_FORMS.get(key)
    if form is None:
        form = sign_up_form(questions.asked(event_id), language)
        changed = listings.last_changed(event_id)
        if changed is not None and changed.isoformat() == version:
            if len(_POSTED_FORMS) >= 256:  # versions come from posts: keep it bounded
                _POSTED_FORMS.clear()
            _POSTED_FORMS[key] = form
    return form


def applicant_from(form: RegistrationForm) -> Applicant:
    """The service's view of a filled-in sign-up form (fields a page left out count as empty)."""

    def text(name: str) -> str:
        return form[name].data if name in form else ""

    return Applicant(
        name=form.name.data,
        email=text("email"),
        library_id=form.library_id,
        other_workplace=text("other_workplace"),
        role_title=text("role_title"),
        dietary_needs=text("dietary_needs"),
        accessibility_needs=text("accessibility_needs"),
        message=text("message"),
        language=current_language(),
        answers=answers_posted(request.form),
        mode=form.chosen_mode,
    )


@bp.get("/evenemang/<int:event_id>/anmalan/tack")
def thanks(event_id: int):
    """The same page whether the address was new or already registered (no one can probe)."""
    event = get_visible_event(event_id, with_sessions=False)
    signed_up = session.get("signed_up") or {}
    if signed_up.get("event_id") != event.id:
        return redirect(url_for("public.event", event_id=event.id))
    return render_template("registration/thanks.html", event=event, email=signed_up["email"])


@bp.route("/evenemang/<int:event_id>/min-lank", methods=["GET", "POST"])
def link_again(event_id: int):
    """A lost personal link, mailed again; the answer is the same for any address."""
    event = get_visible_event(event_id)
    form = LinkAgainForm()
    if form.validate_on_submit() and run(
        lambda: registrations.send_link_again(event.id, form.email.data), form=form, limit="link"
    ):
        flash(
            _(
                "Är %(email)s anmäld till %(title)s har vi skickat din personliga länk dit. "
                "Den kommer inom några minuter.",
                email=form.email.data,
                title=event.title,
            ),
            "success",
        )
        return redirect(url_for("public.event", event_id=event.id))
    return render_template("registration/link_again.html", event=event, form=form), status(form)


def _registration_from_link(token: str) -> Registration:
    return opened(links.registration_from_token, token)


bp.after_request(no_store)  # pages reached by a personal link hold personal data


@bp.get("/anmalan/<token>")
def manage(token: str):
    registration = _registration_from_link(token)
    event = registration.event
    switch_to = registrations.other_mode(registration)
    return render_template(
        "registration/manage.html",
        registration=registration,
        event=registration.event,
        position=registrations.waitlist_position(registration),
        can_cancel=registrations.can_cancel(registration),
        can_change=registrations.can_change(registration),
        can_hand_over=handovers.can_hand_over(registration),
        certificate=certificates.valid_certificate(registration.id),
        can_evaluate=evaluations.can_answer(registration),
        materials=materials.materials_of(registration.event_id)
        if registration.status == RegistrationStatus.CONFIRMED
        else [],
        can_switch=registrations.can_switch_mode(registration),
        switch_to=switch_to,
        switch_is_full=switch_to is not None
        and registrations.full_modes(event, registrations.taken_seats(event.id))[switch_to],
        asked=questions.all_questions(registration.event_id),
        answer_cells=questions.answer_cells,
        token=token,
    )


@bp.get("/anmalan/<token>/kursintyg.pdf")
def certificate(token: str):
    """The person's course certificate, once attendance qualifies them."""
    registration = _registration_from_link(token)
    found = certificates.valid_certificate(registration.id)
    if found is None:
        abort(404, description=_("Det finns inget kursintyg för den här anmälan."))
    return pdf_response(found)


@bp.get("/anmalan/<token>/material/<int:material_id>")
def material(token: str, material_id: int):
    """The course's materials, for those who had a seat."""
    registration = _registration_from_link(token)
    if registration.status != RegistrationStatus.CONFIRMED:
        abort(404)
    return send_material(materials.get(registration.event_id, material_id))


@bp.route("/anmalan/<token>/utvardering", methods=["GET", "POST"])
def evaluation(token: str):
    """The course's evaluation, for those who came: answered once, changed until it closes."""
    registration = _registration_from_link(token)
    event = registration.event
    form = ButtonForm()
    if not evaluations.can_answer(registration):
        return render_template(
            "registration/evaluation.html", event=event, open=False, token=token, form=form
        )
    given = evaluations.answers_by_question(evaluations.response_of(registration.id))
    closes_at = evaluations.closes_at(event)
    if form.validate_on_submit():
        given = answers_posted(request.form, "e")
        if run(
            lambda: evaluations.save_response(registration.id, given),
            form=form,
            success=_(
                "Tack för dina svar! Du kan ändra dem till och med %(day)s.",
                day=formatting.long_date(closes_at, weekday=False),
            ),
        ):
            return redirect(url_for(".manage", token=token))
    return render_template(
        "registration/evaluation.html",
        event=event,
        open=True,
        questions=evaluations.questions_of(event.id),
        given=given,
        closes_at=closes_at,
        token=token,
        form=form,
    ), status(form)


@bp.post("/anmalan/<token>/ta-platsen")
def accept_offer(token: str):
    """The seat offered near the start, taken (CSRF is checked before any view)."""
    registration = _registration_from_link(token)
    run(
        lambda: offers.accept(registration.id),
        success=_("Platsen är din. Vi har skickat en bekräftelse med kalenderinbjudan."),
    )
    return redirect(url_for(".manage", token=token))


@bp.post("/anmalan/<token>/byt-satt")
def switch_mode(token: str):
    """On site to online or back (CSRF is checked before any view)."""
    registration = _registration_from_link(token)
    if switched := run(lambda: registrations.switch_mode(registration.id)):
        online = switched.mode == AttendanceMode.ONLINE
        if switched.status == RegistrationStatus.PENDING:
            flash(
                _("Ändrat: du vill delta digitalt.")
                if online
                else _("Ändrat: du vill delta på plats."),
                "success",
            )
        else:
            flash(
                (_("Du deltar nu digitalt.") if online else _("Du deltar nu på plats."))
                + " "
                + _("Vi har skickat en ny kalenderinbjudan till din e-post."),
                "success",
            )
    return redirect(url_for(".manage", token=token))


@bp.route("/anmalan/<token>/andra", methods=["GET", "POST"])
def change(token: str):
    """The person's own details and answers, editable until sign-up closes."""
    registration = _registration_from_link(token)
    event = registration.event
    if not registrations.can_change(registration):
        return redirect(url_for(".manage", token=token))
    asked, form = _form_for(registration, filled_in=request.method == "GET")
    del form.email  # the address is the link's
    if form.validate_on_submit() and run(
        lambda: registrations.change_details(registration.id, applicant_from(form)),
        form=form,
        success=_("Dina ändringar är sparade."),
    ):
        return redirect(url_for(".manage", token=token))
    return render_template(
        "registration/change.html", event=event, form=form, asked=asked, token=token
    ), status(form)


@bp.route("/anmalan/<token>/lamna-over", methods=["GET", "POST"])
def hand_over(token: str):
    """Give one's seat to a colleague, who fills in nothing: the giver gives their details."""
    registration = _registration_from_link(token)
    event = registration.event
    if not handovers.can_hand_over(registration):
        return redirect(url_for(".manage", token=token))
    asked, form = _form_for(registration)
    if form.validate_on_submit() and (
        colleague := run(
            lambda: handovers.hand_over(registration.id, applicant_from(form)), form=form
        )
    ):
        flash(
            _(
                "Din plats är överlämnad till %(name)s, som får ett mejl med kalenderinbjudan.",
                name=colleague.name,
            ),
            "success",
        )
        return redirect(url_for(".manage", token=token))
    return render_template(
        "registration/hand_over.html", event=event, form=form, asked=asked, token=token
    ), status(form)


def _form_for(registration: Registration, filled_in: bool = False):
    """The event's sign-up form for someone already registered (who changes their sign-up or
    hands it on): its questions with the places of the registration's own choices counted
    free, no consent box (given at sign-up; a colleague is told in their mail), and
    ``filled_in`` with what is saved. Returns the questions and the form."""
    asked = questions.asked(registration.event_id, excluding=registration.id)
    form = sign_up_form(asked, current_language())(
        data=_as_filled_in(registration, asked) if filled_in else None,
        serves_meal=registration.event.serves_meal,
    )
    del form.consent
    form.offer_libraries(library_options())
    return asked, form


def _as_filled_in(registration: Registration, asked: questions.Asked) -> dict:
    """The form's data for a saved registration, each answer as its field posts it."""
    data = {
        name: getattr(registration, name)
        for name in (
            "name",
            "other_workplace",
            "role_title",
            "dietary_needs",
            "accessibility_needs",
            "message",
        )
    }
    data["library"] = str(registration.library_id) if registration.library_id else OTHER_WORKPLACE
    kinds = {question.id: question.kind for question in asked.questions}
    for answer in registration.answers:
        kind, key = kinds.get(answer.question_id), f"q{answer.question_id}"
        if kind == QuestionKind.MULTIPLE_CHOICE:
            data.setdefault(key, []).append(str(answer.choice_id))
        elif kind is not None:  # not a removed question's
            data[key] = str(answer.choice_id) if answer.choice_id else answer.text
    return data


@bp.route("/anmalan/<token>/avboka", methods=["GET", "POST"])
def cancel(token: str):
    registration = _registration_from_link(token)
    form = ButtonForm()
    if form.validate_on_submit() and run(
        lambda: registrations.cancel_registration(registration.id),
        form=form,
        success=_("Vi har skickat en bekräftelse på avbokningen till din e-post."),
    ):
        return redirect(url_for(".manage", token=token))
    if not form.form_errors and not registrations.can_cancel(registration):
        return redirect(url_for(".manage", token=token))
    return render_template(
        "registration/cancel.html",
        registration=registration,
        event=registration.event,
        form=form,
        token=token,
    ), status(form)
