"""Text as eventreg keeps it, whoever typed it."""

import re

#: Unicode's control characters (category Cc) but tab and line breaks.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def without_control_characters(value):
    """Invisible control characters (NUL, BEL, ESC …) have no place in any text we keep; tabs
    and line breaks stay for the fields that refuse or keep them."""
    if not isinstance(value, str):
        return value
    return _CONTROL.sub("", value)
