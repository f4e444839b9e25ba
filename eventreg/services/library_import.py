"""The municipalities and libraries of a CSV file, previewed and then applied.

The file has the columns of ``data/libraries.csv`` (``kommunkod,kommun,bibliotek,typ``), as
exported by a spreadsheet: comma or semicolon, UTF-8 or Windows-1252. A municipality is known by
its SCB code, so a new name is a rename. A library is known by its name in its municipality;
when a municipality has exactly one library gone and one new of the same kind, that is taken as
a rename (the preview shows it). A library the file no longer has is retired when people have named it (it
stays in the statistics), deleted otherwise.
"""

import csv
import io
import re
from dataclasses import dataclass, field

from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from eventreg import audit
from eventreg.errors import EventRegError
from eventreg.extensions import db
from eventreg.models import Library, Municipality, NetworkMember, Registration, User

COLUMNS = ("kommunkod", "kommun", "bibliotek", "typ")
KINDS = ("huvudbibliotek", "filial", "bokbuss", "annat")
#: SCB municipality codes: the county (01–25) and the municipality within it.
_SCB_CODE = re.compile(r"(0[1-9]|1\d|2[0-5])\d{2}")


@dataclass(frozen=True)
class Row:
    code: str
    municipality: str
    library: str
    kind: str


@dataclass
class Plan:
    """What applying the file would do."""

    new_municipalities: list[Row] = field(default_factory=list)
    renamed_municipalities: list[tuple[Municipality, str]] = field(default_factory=list)
    new_libraries: list[Row] = field(default_factory=list)
    renamed_libraries: list[tuple[Library, Row]] = field(default_factory=list)
    changed_kinds: list[tuple[Library, str]] = field(default_factory=list)
    reopened: list[Library] = field(default_factory=list)
    retired: list[Library] = field(default_factory=list)
    deleted: list[Library] = field(default_factory=list)
    unchanged: int = 0

    @property
    def changes(self) -> int:
        return sum(
            len(items)
            for items in (
                self.new_municipalities,
                self.renamed_municipalities,
                self.new_libraries,
                self.renamed_libraries,
                self.changed_kinds,
                self.reopened,
                self.retired,
                self.deleted,
            )
        )


def decode(data: bytes) -> str:
    """The file's text: UTF-8 (with or without BOM), else Windows-1252 as Excel saves it."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252")


def read_rows(text: str) -> list[Row]:
    """:raise EventRegError: listing every line that is wrong, with its number."""
    delimiter = (
        ";" if text.split("\n", 1)[0].count(";") > text.split("\n", 1)[0].count(",") else ","
    )
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = [name.strip().lower() for name in reader.fieldnames or []]
    missing = [name for name in COLUMNS if name not in header]
    if missing:
        raise EventRegError(
            f"Filen saknar kolumnerna {', '.join(missing)}. Första raden ska vara "
            f"{','.join(COLUMNS)}.",
            field="file",
        )
    reader.fieldnames = header
    rows, problems, names = [], [], {}
    for number, line in enumerate(reader, start=2):
        values = {name: (line.get(name) or "").strip() for name in COLUMNS}
        if not any(values.values()):
            continue
        row = Row(
            values["kommunkod"],
            values["kommun"],
            " ".join(values["bibliotek"].split()),
            values["typ"].lower(),
        )
        if not _SCB_CODE.fullmatch(row.code):
            problems.append(
                f"Rad {number}: kommunkoden ”{row.code}” är inte en kommunkod från SCB (fyra siffror, t.ex. 0685)."
            )
        if not row.municipality or not row.library:
            problems.append(f"Rad {number}: kommun och bibliotek måste vara ifyllda.")
        if row.kind not in KINDS:
            problems.append(f"Rad {number}: typen ”{row.kind}” ska vara en av {', '.join(KINDS)}.")
        if row.library in names:
            problems.append(f"Rad {number}: {row.library} finns redan på rad {names[row.library]}.")
        names.setdefault(row.library, number)
        rows.append(row)
    if not rows and not problems:
        problems.append("Filen har inga bibliotek.")
    if problems:
        raise EventRegError(" ".join(problems), field="file")
    return rows


def _in_use(library: Library) -> bool:
    return db.session.scalar(
        select(
            exists().where(Registration.library_id == library.id)
            | exists().where(NetworkMember.library_id == library.id)
        )
    )


def plan(rows: list[Row]) -> Plan:
    """What the rows would change, against the database now."""
    result = Plan()
    municipalities = {
        m.scb_code: m
        for m in db.session.scalars(
            select(Municipality).options(selectinload(Municipality.libraries))
        )
    }
    seen_codes: dict[str, str] = {}
    for row in rows:
        if row.code in seen_codes:
            continue
        seen_codes[row.code] = row.municipality
        known = municipalities.get(row.code)
        if known is None:
            result.new_municipalities.append(row)
        elif known.name != row.municipality:
            result.renamed_municipalities.append((known, row.municipality))
    for code in seen_codes:
        wanted = [row for row in rows if row.code == code]
        have = {
            library.name: library for library in getattr(municipalities.get(code), "libraries", [])
        }
        new = [row for row in wanted if row.library not in have]
        gone = [lib for name, lib in have.items() if name not in {row.library for row in wanted}]
        if len(new) == 1 and len(gone) == 1 and new[0].kind == gone[0].kind:
            result.renamed_libraries.append((gone[0], new[0]))
            new, gone = [], []
        result.new_libraries.extend(new)
        for row in wanted:
            library = have.get(row.library)
            if library is None:
                continue
            if library.kind != row.kind:
                result.changed_kinds.append((library, row.kind))
            if not library.active:
                result.reopened.append(library)
            elif library.kind == row.kind:
                result.unchanged += 1
        for library in gone:
            if _in_use(library):
                if library.active:
                    result.retired.append(library)
            else:
                result.deleted.append(library)
    for code, municipality in municipalities.items():
        if code not in seen_codes:
            for library in municipality.libraries:
                if _in_use(library):
                    if library.active:
                        result.retired.append(library)
                else:
                    result.deleted.append(library)
    return result


def apply(rows: list[Row], actor: User | None) -> Plan:
    """Make the database what the rows say (``plan``); audited.

    :raise EventRegError: when a new name is another municipality's or library's already.
    """
    changes = plan(rows)
    municipalities = {m.scb_code: m for m in db.session.scalars(select(Municipality))}
    for municipality, name in changes.renamed_municipalities:
        municipality.name = name
    for row in changes.new_municipalities:
        municipalities[row.code] = Municipality(scb_code=row.code, name=row.municipality)
        db.session.add(municipalities[row.code])
    for library in changes.deleted:
        db.session.delete(library)
    for library in changes.retired:
        library.active = False
    db.session.flush()
    for library, row in changes.renamed_libraries:
        library.name, library.kind, library.active = row.library, row.kind, True
    for library, kind in changes.changed_kinds:
        library.kind = kind
    for library in changes.reopened:
        library.active = True
    for row in changes.new_libraries:
        db.session.add(
            Library(municipality=municipalities[row.code], name=row.library, kind=row.kind)
        )
    try:
        db.session.flush()
    except IntegrityError as error:  # a name kept by a library or municipality elsewhere
        raise EventRegError(
            "Ett namn i filen används redan av en annan kommun eller ett annat bibliotek.",
            field="file",
        ) from error
    audit.record(
        actor,
        "läste in bibliotek från fil",
        None,
        f"{len(changes.new_libraries)} nya, {len(changes.renamed_libraries)} nya namn, "
        f"{len(changes.retired)} stängda, {len(changes.deleted)} borttagna",
    )
    return changes
