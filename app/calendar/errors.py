"""Errors of the working-day calendar."""

from app import i18n
from app.errors import DomainError, Forbidden


class CalendarError(DomainError):
    """An arrangement could not be confirmed."""


class CalendarForbidden(CalendarError, Forbidden):
    """Only a district office's staff or the deployment's administrator confirm a year."""


class ArrangementRefused(CalendarError):
    """An entry does not look like the State Council's arrangement: every problem, each on its
    field (the first one is the error's own message)."""

    def __init__(self, problems):
        first = problems[0]
        super().__init__(first.message, first.message_en, field=first.field)
        self.problems = list(problems)

    def each(self):
        """(field, message in the request's language) for every problem."""
        for p in self.problems:
            yield p.field, i18n.loc(p.message, p.message_en)
