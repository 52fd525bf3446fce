"""The Jinja2 environment shared by every route."""

from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape
from jinja2.runtime import Context
from starlette.responses import HTMLResponse, RedirectResponse

from app.settings import PROJECT_ROOT
from app.web.blind import candidate_label
from app.web.csrf import csrf_token
from app.web.i18n import current_locale, gettext, label, locale_from_header, ngettext

_env = Environment(
    loader=FileSystemLoader(PROJECT_ROOT / "templates"),
    autoescape=select_autoescape(["html"]),
    extensions=["jinja2.ext.i18n"],
)
_env.install_gettext_callables(gettext, ngettext, newstyle=True)  # type: ignore[attr-defined]
templates = Jinja2Templates(env=_env)
templates.env.globals["csrf_token"] = csrf_token
templates.env.globals["current_locale"] = current_locale.get
templates.env.globals["label"] = label
templates.env.globals["candidate_label"] = candidate_label


@pass_context
def topic_name(context: Context, topic_id: str) -> str:
    """A topic's name in the page's language (a report may fix `locale`), from the context's bank."""
    bank = context.get("bank")
    topic = bank.topics.get(topic_id) if bank is not None else None
    return str(topic.name.get(context.get("locale") or current_locale.get())) if topic else topic_id


templates.env.globals["topic_name"] = topic_name


def is_htmx(request: Request) -> bool:
    return request.headers.get("HX-Request") == "true"


def request_locale(request: Request) -> str:
    """The user's or candidate's language when a dependency set it, else the browser's."""
    locale = getattr(request.state, "locale", None)
    return locale if isinstance(locale, str) else locale_from_header(request.headers.get("accept-language"))


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, *, status_code: int = 200
) -> HTMLResponse:
    # Templates render right here, in this thread's context, so the contextvar reaches gettext.
    current_locale.set(request_locale(request))
    return templates.TemplateResponse(request, name, context or {}, status_code=status_code)


def local_redirect(next_path: str, *, default: str) -> RedirectResponse:
    """Redirect only to a path on this site: never an open redirect."""
    local = next_path.startswith("/") and not next_path.startswith("//") and "\\" not in next_path
    return RedirectResponse(next_path if local else default, status_code=303)
