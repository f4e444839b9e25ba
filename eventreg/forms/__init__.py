"""Flask-WTF forms. They check shape; the rules live in the services."""

from flask_wtf import FlaskForm
from wtforms import Form, StringField

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


class BaseSubForm(Form):
    """For rows inside a form (FormField); the CSRF token is on the enclosing form."""

    class Meta(CleanTextMeta, SwedishMeta):
        pass
