"""Errors become a page, or for htmx requests a fragment swapped into the page's message area."""

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import RedirectResponse, Response

from app.errors import N_, AppError
from app.sandbox import SandboxBusy, SandboxError, SandboxFailure, SandboxUnavailable
from app.web.deps import BUSY, LoginRequired
from app.web.i18n import gettext
from app.web.templating import is_htmx, render

log = logging.getLogger(__name__)


def error_response(request: Request, status_code: int, message: str) -> Response:
    if is_htmx(request):
        response = render(
            request, "errors/partials/error.html", {"message": message}, status_code=status_code
        )
        response.headers["HX-Retarget"] = "#messages"
        response.headers["HX-Reswap"] = "innerHTML"
        return response
    return render(
        request,
        "errors/error.html",
        {"message": message, "status_code": status_code},
        status_code=status_code,
    )


# The one place the sandbox's errors become words for a candidate (they carry no status of their own).
SANDBOX_MESSAGES: dict[type[SandboxError], str] = {
    SandboxBusy: N_("The code runner is busy, try again in a moment; your answer is saved."),
    SandboxUnavailable: N_("Running code is not available on this server right now; your answer is saved."),
    SandboxFailure: N_("The code runner failed. Try again in a moment; your answer is saved."),
}


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, exc: LoginRequired) -> Response:
        if is_htmx(request):
            return Response(status_code=401, headers={"HX-Redirect": "/login"})
        return RedirectResponse("/login", status_code=303)

    @app.exception_handler(AppError)
    async def app_error(request: Request, exc: AppError) -> Response:
        response = error_response(request, exc.status_code, exc.translated(gettext))
        if exc.status_code == 503:
            response.headers["Retry-After"] = "2"
        return response

    @app.exception_handler(PoolTimeout)
    async def pool_exhausted(request: Request, exc: PoolTimeout) -> Response:
        # Only work outside the request slots (exports, health checks) can wait this long.
        response = error_response(request, 503, gettext(BUSY))
        response.headers["Retry-After"] = "2"
        return response

    @app.exception_handler(SandboxError)
    async def sandbox_error(request: Request, exc: SandboxError) -> Response:
        log.warning("sandbox: %s", exc.message)
        message = SANDBOX_MESSAGES.get(type(exc), SANDBOX_MESSAGES[SandboxFailure])
        response = error_response(request, 503, gettext(message))
        response.headers["Retry-After"] = "5"
        return response

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        if all(err["loc"][0] == "path" for err in exc.errors()):
            # An id out of range (or not a number) names nothing, like any id that does not exist.
            return error_response(request, 404, gettext(N_("There is no such page.")))
        fields = ", ".join(str(err["loc"][-1]) for err in exc.errors())
        return error_response(
            request, 422, gettext("Some fields are missing or invalid: %(fields)s") % {"fields": fields}
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        return error_response(request, exc.status_code, gettext(str(exc.detail)))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        # The route template, not the path: candidate paths carry their invite token.
        route = getattr(request.scope.get("route"), "path", "?")
        log.exception("unhandled error on %s %s", request.method, route)
        return error_response(
            request, 500, gettext("Something went wrong on our side. Your saved work is safe.")
        )
