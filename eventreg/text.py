"""Text as eventreg keeps it, whoever typed it."""

import unicodedata


def without_control_characters(value):
    """Invisible control characters (NUL, BEL, ESC …) have no place in any text we keep; tabs
    and line breaks stay for the fields that refuse or keep them."""
    if not isinstance(value, str):
        return value
    return "".join(ch for ch in value if ch in "\t\n\r" or unicodedata.category(ch) != "Cc")
