"""The declarative base: stable constraint names for Alembic and UTC-aware timestamps."""

import enum
from datetime import UTC, datetime

from sqlalchemy import ColumnElement, DateTime, Enum, MetaData, TypeDecorator, or_
from sqlalchemy.orm import DeclarativeBase, registry

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator):
    """A point in time, stored as UTC and always returned timezone-aware.

    SQLite has no time zones, so a naive value there means UTC; PostgreSQL keeps ``timestamptz``.
    Naive datetimes are refused: their meaning would depend on the server's clock settings.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: give it a time zone")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime()},
    )


def utcnow() -> datetime:
    return datetime.now(UTC)


def str_enum(cls: type[enum.StrEnum]) -> Enum:
    """A column type storing a StrEnum's values as VARCHAR with a CHECK, portable to SQLite."""
    return Enum(
        cls,
        native_enum=False,
        create_constraint=True,
        length=20,
        values_callable=lambda members: [m.value for m in members],
        name=cls.__name__.lower(),
    )


def one_of(column, values) -> ColumnElement[bool]:
    """``column IN values`` for a few constant values, as plain parameters: SQLAlchemy renders an
    IN list into the SQL again on every execution, and statements built with this run on every
    sign-up."""
    return or_(*(column == value for value in values))


def in_language(swedish: str, english: str, language: str) -> str:
    """Wording kept in both languages: the English on English pages when there is one."""
    return english if language == "en" and english else swedish
