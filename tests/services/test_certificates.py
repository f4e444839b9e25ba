"""Course certificates follow attendance: issued to those who came to the sessions asked for,
revoked when the marks change, issued anew (with a new code) when they change back."""

import io

import pytest
from helpers import held_course, mark
from pypdf import PdfReader
from sqlalchemy import select

from eventreg.certificate_pdf import certificate_pdf, verification_url
from eventreg.extensions import db
from eventreg.models import AuditEntry, Certificate, User
from eventreg.services import certificates

pytestmark = pytest.mark.usefixtures("ctx")


def valid(event) -> dict[int, str]:
    return {r: c.code for r, c in certificates.certificates_of(event.id).items()}


@pytest.fixture
def actor(coordinator):
    return coordinator


def test_those_at_every_session_get_a_certificate_and_it_follows_the_marks(actor):
    event, (asa, bo, cia) = held_course()
    mark(event, {0: {asa, bo}, 1: {asa, bo}, 2: {asa}})
    assert set(valid(event)) == {asa.id}  # Bo missed the third
    first_code = valid(event)[asa.id]
    mark(event, {0: {asa, bo}, 1: {asa, bo}, 2: {bo}})  # corrected: Bo came, Åsa did not
    assert set(valid(event)) == {bo.id}
    revoked = certificates.by_code(first_code)
    assert revoked is not None and not revoked.valid
    mark(event, {0: {asa, bo}, 1: {asa, bo}, 2: {asa, bo}})
    assert set(valid(event)) == {asa.id, bo.id}
    assert valid(event)[asa.id] != first_code  # a new code; the revoked one stays invalid
    assert not certificates.by_code(first_code).valid
    assert (
        "kursintyg: 1 utfärdade, 0 återkallade"
        in db.session.scalars(
            select(AuditEntry.detail).where(AuditEntry.action == "markerade närvaro")
        ).all()[-1]
    )
    assert cia.id not in valid(event)


def test_at_least_n_of_m_sessions(actor):
    event, (asa, bo, cia) = held_course(certificate_sessions=2)
    mark(event, {0: {asa, bo, cia}, 1: {asa, bo}, 2: {asa}})
    assert set(valid(event)) == {asa.id, bo.id}


def test_the_pdf_says_who_what_when_how_long_and_where_to_check_it(actor):
    event, (asa, _bo, _cia) = held_course(contact_title="Utvecklare, biblioteksutveckling")
    mark(event, {0: {asa}, 1: {asa}, 2: {asa}})
    certificate = db.session.scalar(select(Certificate))
    text = PdfReader(io.BytesIO(certificate_pdf(certificate))).pages[0].extract_text()
    for expected in (
        "Kursintyg",
        "Åsa Öberg",
        "Läsfrämjande för små och stora",
        "Närvaro: 3 av 3 tillfällen, sammanlagt 9 timmar.",
        "Arrangör: Biblioteksutveckling",
        "Karin Lindqvist",
        "Utvecklare, biblioteksutveckling",
        f"Kod: {certificate.code}",
        verification_url(certificate),
    ):
        assert expected in text, expected


def test_codes_are_read_as_typed():
    assert certificates.normalised(" k7qm 9xd4-tpaw ") == "K7QM-9XD4-TPAW"
    assert len({certificates.new_code() for _ in range(200)}) == 200


def test_a_certificate_goes_with_its_holders_name(actor, app):
    from eventreg.services import personal_data

    event, (asa, _bo, _cia) = held_course()
    mark(event, {0: {asa}, 1: {asa}, 2: {asa}})
    code = valid(event)[asa.id]
    personal_data.erase_person(asa.email, actor=db.session.scalars(select(User)).first())
    db.session.commit()
    assert certificates.by_code(code) is None
