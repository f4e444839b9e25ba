"""What a watch list asks: what to be told of (and, to ask for one, the address); and the
newsletter's own sign-up, which asks only the address."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectMultipleField
from wtforms.widgets import CheckboxInput, ListWidget

from eventreg.forms import BaseForm
from eventreg.forms.registration import email_field
from eventreg.services.watches import Choices


class Checkboxes(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class WatchChoicesForm(BaseForm):
    newsletter = BooleanField(_l("Nyhetsbrevet, några gånger per termin"))
    everything = BooleanField(_l("Allt som publiceras"))
    focus_areas = Checkboxes(_l("Fokusområden"), coerce=int, validate_choice=False)
    audiences = Checkboxes(_l("Målgrupper"), coerce=int, validate_choice=False)
    networks = Checkboxes(_l("Nätverk"), coerce=int, validate_choice=False)

    def offer(self, areas, audiences, networks) -> "WatchChoicesForm":
        self.focus_areas.choices = [(a.id, a.name) for a in areas]
        self.audiences.choices = [(a.id, a.name) for a in audiences]
        self.networks.choices = [(n.id, n.name) for n in networks]
        return self

    def choices(self) -> Choices:
        return Choices(
            everything=self.everything.data,
            focus_areas=tuple(self.focus_areas.data or ()),
            audiences=tuple(self.audiences.data or ()),
            networks=tuple(self.networks.data or ()),
            newsletter=self.newsletter.data,
        )

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if valid and self.choices().empty:
            self.form_errors.append(
                _l("Välj vad du vill få: nyhetsbrevet, allt som publiceras, eller något nedan.")
            )
            return False
        return valid


class AddressForm(BaseForm):
    email = email_field(
        _l("E-postadress"), _l("Fyll i din e-postadress."), render_kw={"autocomplete": "email"}
    )


class WatchRequestForm(WatchChoicesForm, AddressForm):
    pass
