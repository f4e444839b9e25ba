"""A course certificate as a PDF: one A4 page in the attendee's language, with its code and a QR
code of the page where anyone can check it.

The text is set in DejaVu Sans, embedded (a subset), so that å, ä and ö print everywhere and
the text can be copied and searched. Debian's fonts-dejavu-core provides it
(``CERTIFICATE_FONT_DIR``).
"""

import io
from pathlib import Path

import segno
from babel.numbers import format_decimal
from flask import Response, current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from fpdf import FPDF

from eventreg import formatting, organisation
from eventreg.models import Certificate
from eventreg.services.certificates import attended
from eventreg.urls import external_url


def pdf_response(certificate: Certificate) -> Response:
    """The certificate to save; never kept by a shared cache (it names a person)."""
    response = Response(certificate_pdf(certificate), mimetype="application/pdf")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="kursintyg-{certificate.code}.pdf"'
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def verification_url(certificate: Certificate) -> str:
    return external_url("public.certificate", code=certificate.code)


def _hours(total_seconds: float, language: str) -> str:
    return format_decimal(total_seconds / 3600, format="#,##0.#", locale=language)


def certificate_pdf(certificate: Certificate) -> bytes:
    registration = certificate.registration
    event = registration.event
    with force_locale(registration.language):
        return _render(certificate, registration, event)


def _render(certificate, registration, event) -> bytes:
    shown = attended(certificate)
    fonts = Path(current_app.config["CERTIFICATE_FONT_DIR"])
    pdf = FPDF(format="A4")
    pdf.set_title(_("Kursintyg: %(title)s", title=event.title))
    pdf.set_author(organisation.current().owner)
    pdf.add_font("DejaVu", "", str(fonts / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(fonts / "DejaVuSans-Bold.ttf"))
    pdf.set_margins(25, 25, 25)
    pdf.add_page()

    def line(text: str, size: int = 12, style: str = "", space: float = 3) -> None:
        pdf.set_font("DejaVu", style, size)
        pdf.multi_cell(0, size * 0.55, text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(space)

    line(organisation.current().owner, 11)
    line(_("Kursintyg"), 28, "B", 10)
    line(_("Härmed intygas att"))
    line(registration.name, 20, "B")
    line(_("har deltagit i"))
    line(event.title, 16, "B", 6)
    for session in shown.sessions:
        line(formatting.time_span(session.starts_at, session.ends_at), 11, space=1)
    pdf.ln(4)
    total = len(event.sessions)
    line(
        _(
            "Närvaro: %(came)s av %(total)s tillfällen, sammanlagt %(hours)s timmar.",
            came=len(shown.sessions),
            total=total,
            hours=_hours(shown.total.total_seconds(), registration.language),
        )
    )
    if event.focus_area:
        area = event.focus_area.name_in(registration.language)
        line(_("Fokusområde i biblioteksplanen: %(area)s", area=area))
    line(_("Arrangör: %(organiser)s", organiser=event.organiser), space=14)
    line(event.contact_name, 12, "B", 1)
    if event.contact_title:
        line(event.contact_title, 11, space=1)
    line(formatting.long_date(certificate.issued_at, weekday=False), 11, space=14)

    url = verification_url(certificate)
    qr = io.BytesIO()
    segno.make(url, error="m").save(qr, kind="png", scale=4, border=2)
    top = pdf.get_y()
    pdf.image(qr, x=pdf.l_margin, y=top, w=32)
    pdf.set_xy(pdf.l_margin + 38, top + 4)
    pdf.set_font("DejaVu", "", 10)
    pdf.multi_cell(
        0,
        5.5,
        "\n".join(
            (
                _("Kontrollera att intyget är äkta:"),
                url,
                _("Kod: %(code)s", code=certificate.code),
            )
        ),
    )
    return bytes(pdf.output())
