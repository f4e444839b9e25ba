"""Tables as files: CSV that Excel opens with Swedish letters intact, and XLSX."""

import csv
import io
from collections import Counter

from flask import Response
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from eventreg import formatting
from eventreg.models import Registration
from eventreg.templating import MODE_LABELS, REGISTRATION_STATUS_LABELS

HEADINGS = [
    "Namn",
    "E-post",
    "Arbetsplats",
    "Kommun",
    "Kommunkod",
    "Roll",
    "Status",
    "Deltar",
    "Plats på reservlistan",
    "Specialkost",
    "Behov för att delta",
    "Meddelande",
    "Anmäld",
]


def _rows(registrations: list[Registration]) -> list[list]:
    """One row each, in sign-up order; on site and online have waiting lists of their own."""
    rows, positions = [], Counter()
    for r in registrations:
        municipality = r.library.municipality if r.library else None
        if r.status == "waitlisted":
            positions[r.mode] += 1
        rows.append(
            [
                r.name,
                r.email,
                r.workplace,
                municipality.name if municipality else "",
                municipality.scb_code if municipality else "",
                r.role_title,
                REGISTRATION_STATUS_LABELS[r.status],
                str(MODE_LABELS[r.mode]) if r.mode else "",
                positions[r.mode] if r.status == "waitlisted" else "",
                r.dietary_needs,
                r.accessibility_needs,
                r.message,
                formatting.local(r.created_at).strftime("%Y-%m-%d %H.%M"),
            ]
        )
    return rows


def _safe(value):
    """A cell starting with = + - @ would run as a formula in Excel: make it plain text.

    Control characters (none should be stored, but an export must never fail on what is) are
    left out: XLSX cannot hold them at all.
    """
    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def csv_bytes(headings: list[str], rows: list[list]) -> bytes:
    """UTF-8 with a byte-order mark and semicolons, which Swedish Excel opens as columns."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(headings)
    writer.writerows([[_safe(cell) for cell in row] for row in rows])
    return "\ufeff".encode() + buffer.getvalue().encode("utf-8")


def xlsx_bytes(
    headings: list[str], rows: list[list], title: str, widths: list[int] | None = None
) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append(headings)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_safe(cell) for cell in row])
    sheet.freeze_panes = "A2"
    for index, width in enumerate(widths or [], start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


MIMETYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def download(
    kind: str, name: str, headings: list[str], rows: list[list], sheet: str, widths: list[int]
) -> Response:
    """A table as a CSV or XLSX file to save, named ``<name>.<kind>``."""
    body = csv_bytes(headings, rows) if kind == "csv" else xlsx_bytes(headings, rows, sheet, widths)
    return Response(
        body,
        mimetype=MIMETYPES[kind],
        headers={"Content-Disposition": f'attachment; filename="{name}.{kind}"'},
    )


def attendees(
    kind: str,
    name: str,
    registrations: list[Registration],
    answer_headings: list[str],
    answers: list[list[str]],
) -> Response:
    """The attendee list, and a column per question of the event with each person's answers."""
    rows = [[*row, *cells] for row, cells in zip(_rows(registrations), answers, strict=True)]
    return download(
        kind,
        name,
        HEADINGS + answer_headings,
        rows,
        "Deltagare",
        [28, 32, 30, 16, 10, 22, 12, 10, 10, 24, 24, 40, 16] + [30] * len(answer_headings),
    )
