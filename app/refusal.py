"""The base of every refusal, pure: a message in Chinese, its English, and the input it concerns.

Pure rules (`*/rules.py`, `contractors/identity.py`) raise subclasses of `Refusal` and services
raise `app.errors.DomainError`, which is one too: a view reads `message`, `message_en` and `field`
the same way from either. No Flask here, so the pure modules can import it.
"""

from __future__ import annotations


def _restore(cls: type, args: tuple, state: dict) -> Refusal:
    # Rebuilt without calling __init__: subclasses take extra keywords (earliest, year…).
    error = cls.__new__(cls)
    error.args = args
    error.__dict__.update(state)
    return error


class Refusal(Exception):
    """Something was refused. `message` is Chinese (and `str(e)`), `message_en` its English
    (the Chinese when none is given), `field` the form field it belongs to, if any."""

    def __init__(self, message: str, message_en: str | None = None, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.message_en = message_en or message
        self.field = field

    def __str__(self) -> str:
        return self.message

    def __reduce__(self):
        # The default would call cls(message) and lose the English text and the field; rebuild
        # from the state so the error survives pickling (e.g. across a process pool).
        return (_restore, (type(self), self.args, dict(self.__dict__)))
