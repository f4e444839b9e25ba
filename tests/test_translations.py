"""The English catalogue covers every marked string, keeps its placeholders, and is compiled.

Swedish is the source language: a string marked with ``_()`` in code or templates is its own
Swedish text, and ``eventreg/translations/en`` holds the English (``make translations``).
"""

import io
import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "eventreg" / "translations" / "en" / "LC_MESSAGES"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def english():
    with open(CATALOGUE / "messages.po", "rb") as po:
        return read_po(po)


def marked_strings() -> set:
    with open(ROOT / "babel.cfg") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    return {
        message
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT,
            method_map,
            options_map,
            keywords={
                "_": None,
                "_l": None,
                "gettext": None,
                "ngettext": (1, 2),
                "lazy_gettext": None,
            },
        )
    }


def test_every_marked_string_has_an_english_translation():
    catalogue = english()
    translated = {m.id for m in catalogue if m.id and m.string and "fuzzy" not in m.flags}
    missing = {
        message
        for message in marked_strings()
        if (message if isinstance(message, str) else message[0]) and message not in translated
    }
    assert missing == set(), "run `make translations` and translate these"


def test_translations_keep_every_placeholder():
    for message in english():
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for source, target in zip(ids, strings, strict=False):
            assert sorted(PLACEHOLDER.findall(source)) == sorted(PLACEHOLDER.findall(target)), (
                source
            )


def test_the_compiled_catalogue_is_up_to_date():
    compiled = io.BytesIO()
    write_mo(compiled, english())
    assert (CATALOGUE / "messages.mo").read_bytes() == compiled.getvalue(), (
        "run `make translations` to compile the catalogue"
    )
