"""English and Japanese for every user-facing string (gettext catalogues in locale/)."""

import io
from contextvars import ContextVar
from functools import cache

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from app.bank.schema import LOCALES
from app.settings import PROJECT_ROOT

LOCALE_DIR = PROJECT_ROOT / "locale"
current_locale: ContextVar[str] = ContextVar("current_locale", default="en")


@cache
def translations(locale: str) -> NullTranslations:
    po_path = LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po"
    if locale == "en" or not po_path.exists():
        return NullTranslations()
    # Compile the .po in memory: no build step, no generated files in the repo.
    with po_path.open("rb") as po_file:
        catalog = read_po(po_file, locale=locale)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer)


def gettext(message: str) -> str:
    return translations(current_locale.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(current_locale.get()).ngettext(singular, plural, n)


def locale_from_header(accept_language: str | None, default: str = "en") -> str:
    for part in (accept_language or "").split(","):
        tag = part.split(";")[0].strip().lower()[:2]
        if tag in LOCALES:
            return tag
    return default


def _mark(message: str) -> str:
    return message


# Codes stored in the database or returned by graders, as readers should see them.
LABELS = {
    "draft": _mark("draft"),
    "invited": _mark("invited"),
    "in_progress": _mark("in progress"),
    "submitted": _mark("submitted, grading"),
    "graded": _mark("graded"),
    "queued": _mark("queued"),
    "running": _mark("grading"),
    "done": _mark("graded"),
    "failed": _mark("grading failed"),
    "awaiting_sandbox": _mark("awaiting sandbox"),
    "not_submitted": _mark("not submitted"),
    "full": _mark("full credit"),
    "partial": _mark("partial credit"),
    "none": _mark("no credit"),
    "passed": _mark("passed"),
    "wrong_answer": _mark("wrong answer"),
    "error": _mark("error"),
    "ok": _mark("ok"),
    "runtime_error": _mark("runtime error"),
    "time_limit": _mark("time limit exceeded"),
    "memory_limit": _mark("memory limit exceeded"),
    "output_limit": _mark("output limit exceeded"),
    "entails": _mark("says it"),
    "contradicts": _mark("contradicts it"),
    "neither": _mark("does not say it"),
}


def label(code: object) -> str:
    """A stored code (state, decision, verdict) in the reader's language."""
    text = str(getattr(code, "value", code))
    return gettext(LABELS.get(text, text))
