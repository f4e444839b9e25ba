"""Text as eventreg keeps it, whoever typed it."""

import re

#: Unicode's control characters (category Cc) but tab and line breaks.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def given(values) -> list[str]:
    """The values a form posted for one field, each trimmed and without control characters,
    the empty ones left out (for what a service reads from the post itself)."""
    return [clean for value in values if (clean := without_control_characters(value).strip())]


def without_control_characters(value):
    """Invisible control characters (NUL, BEL, ESC …) have no place in any text we keep; tabs
    and line breaks stay for the fields that refuse or keep them."""
    if not isinstance(value, str):
        return value
    return _CONTROL.sub("", value)
