"""Business failures: what a rule refused, in Swedish, and the form field it concerns."""


class EventRegError(Exception):
    """A rule said no. ``field`` names the form field to show the message beside, if any."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class RegistrationClosed(EventRegError):
    """Sign-up is not possible now: not yet open, past the deadline, started or cancelled."""


class InvalidLink(EventRegError):
    """A personal link that was not made by us, or names nothing that exists."""


class InvalidEvent(EventRegError):
    """Event details that break a rule, e.g. a deadline after the first session."""
