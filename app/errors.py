"""The one error type services raise; it carries the HTTP status the web layer answers with.

Messages are English gettext msgids with %(name)s placeholders, so the web layer can show
them in the reader's language: `AppError("The limit is %(limit)s.", limit=1000)`.
"""

from typing import Any


def N_(message: str) -> str:
    return message


class AppError(Exception):
    status_code = 400

    def __init__(self, template: str, *, status_code: int | None = None, **params: Any) -> None:
        self.template = template
        self.params = params
        super().__init__(self.message)
        if status_code is not None:
            self.status_code = status_code

    @property
    def message(self) -> str:
        return self.template % self.params if self.params else self.template

    def translated(self, gettext: Any) -> str:
        text: str = gettext(self.template)
        return text % self.params if self.params else text


class NotFound(AppError):
    status_code = 404


class Forbidden(AppError):
    status_code = 403


class Conflict(AppError):
    status_code = 409


class TooLarge(AppError):
    status_code = 413


class Invalid(AppError):
    status_code = 422
