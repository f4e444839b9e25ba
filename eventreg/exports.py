"""Attendee lists as files: CSV that Excel opens with Swedish letters intact, and XLSX."""

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Font

from eventreg import formatting
from eventreg.models import Registration
from eventreg.templating import REGISTRATION_STATUS_LABELS

HEADINGS = [
    "Namn",
    "E-post",
    "Arbetsplats",
    "Kommun",
    "Kommunkod",
    "Roll",
    "Status",
    "Plats på reservlistan",
    "Specialkost",
    "Behov för att delta",
    "Meddelande",
    "Anmäld",
]


def _rows(registrations: list[Registration]) -> list[list]:
    rows, position = [], 0
    for r in registrations:
        municipality = r.library.municipality if r.library else None
        if r.status == "waitlisted":
            position += 1
        rows.append(
            [
                r.name,
                r.email,
                r.workplace,
                municipality.name if municipality else "",
                municipality.scb_code if municipality else "",
                r.role_title,
                REGISTRATION_STATUS_LABELS[r.status],
                position if r.status == "waitlisted" else "",
                r.dietary_needs,
                r.accessibility_needs,
                r.message,
                formatting.local(r.created_at).strftime("%Y-%m-%d %H.%M"),
            ]
        )
    return rows


def _safe(value):
    """A cell starting with = + - @ would run as a formula in Excel: make it plain text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def attendees_csv(registrations: list[Registration]) -> bytes:
    """UTF-8 with a byte-order mark and semicolons, which Swedish Excel opens as columns."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADINGS)
    writer.writerows([[_safe(cell) for cell in row] for row in _rows(registrations)])
    return "\ufeff".encode() + buffer.getvalue().encode("utf-8")


def attendees_xlsx(registrations: list[Registration], title: str) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Deltagare"
    sheet.append(HEADINGS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in _rows(registrations):
        sheet.append([_safe(cell) for cell in row])
    sheet.freeze_panes = "A2"
    for column, width in zip(
        "ABCDEFGHIJKL", (28, 32, 30, 16, 10, 22, 12, 10, 24, 24, 40, 16), strict=True
    ):
        sheet.column_dimensions[column].width = width
    workbook.properties.title = title
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
