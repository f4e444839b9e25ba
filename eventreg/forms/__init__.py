"""Flask-WTF forms. They check shape; the rules live in the services."""

from flask_wtf import FlaskForm
from wtforms import Form


class SwedishMeta:
    """WTForms' own messages (e.g. for a date it cannot read) in Swedish, from its catalogue."""

    locales = ("sv_SE", "sv")


class BaseForm(FlaskForm):
    class Meta(SwedishMeta):
        pass


class BaseSubForm(Form):
    """For rows inside a form (FormField); the CSRF token is on the enclosing form."""

    class Meta(SwedishMeta):
        pass
