"""Flask-WTF forms. They check shape; the rules live in the services."""

from flask_wtf import FlaskForm
from wtforms import Form

from eventreg.i18n import current_language


class SwedishMeta:
    """WTForms' own messages (e.g. for a date it cannot read) in Swedish, from its catalogue."""

    locales = ("sv_SE", "sv")


class LocalisedMeta(SwedishMeta):
    """WTForms' own messages in the page's language (its source English needs no catalogue)."""

    @property
    def locales(self):
        return SwedishMeta.locales if current_language() == "sv" else (current_language(),)


class BaseForm(FlaskForm):
    class Meta(LocalisedMeta):
        pass


class BaseSubForm(Form):
    """For rows inside a form (FormField); the CSRF token is on the enclosing form."""

    class Meta(SwedishMeta):
        pass
