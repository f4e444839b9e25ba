"""Flask-WTF forms. They check shape; the rules live in the services."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import FieldList, Form, StringField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from eventreg.i18n import current_language
from eventreg.text import without_control_characters


class SwedishMeta:
    """WTForms' own messages (e.g. for a date it cannot read) in Swedish, from its catalogue."""

    locales = ("sv_SE", "sv")


class LocalisedMeta(SwedishMeta):
    """WTForms' own messages in the page's language (its source English needs no catalogue)."""

    @property
    def locales(self):
        return SwedishMeta.locales if current_language() == "sv" else (current_language(),)


class CleanTextMeta:
    """Every text field of every form gets :func:`without_control_characters` as a filter."""

    def bind_field(self, form, unbound_field, options):
        if issubclass(unbound_field.field_class, StringField):
            filters = [*unbound_field.kwargs.get("filters", ()), without_control_characters]
            return unbound_field.bind(form=form, filters=filters, **options)
        return unbound_field.bind(form=form, **options)


class BaseForm(FlaskForm):
    class Meta(CleanTextMeta, LocalisedMeta):
        pass

    def errors_from(self, other: "BaseForm") -> "BaseForm":
        """Show the errors another form found in the same post (a form built anew to show it)."""
        self.form_errors = list(other.form_errors)
        for field in other:
            if field.name in self:
                self[field.name].errors = list(field.errors)
        return self


class BaseSubForm(Form):
    """For rows inside a form (FormField); the CSRF token is on the enclosing form."""

    class Meta(CleanTextMeta, SwedishMeta):
        pass


class Rows(FieldList):
    """A table of sub-forms whose rows are named in messages: "Datum (tillfälle 2): …"."""

    def __init__(self, *args, row_name: str = "rad", **kwargs):
        super().__init__(*args, **kwargs)
        self.row_name = row_name


def strip(value):
    return value.strip() if isinstance(value, str) else value


def single_line(form, field) -> None:
    """Names go into mail headers and lists: no line breaks (the form's filter has already
    taken out every other control character)."""
    if field.data and any(ch in field.data for ch in "\r\n\t"):
        raise ValidationError(_l("Texten får inte innehålla radbrytningar eller kontrolltecken."))


def text_field(label: str, maximum: int, required: str | None = None, **kwargs) -> StringField:
    """A one-line text, trimmed; ``required`` is the message when it is left empty."""
    validators = [DataRequired(required)] if required else [Optional()]
    validators += [Length(max=maximum, message=f"Högst {maximum} tecken."), single_line]
    return StringField(label, filters=[strip], validators=validators, default="", **kwargs)
