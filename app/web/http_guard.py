"""Pure ASGI middleware: security headers on every response, and every request body checked
(size, form fields, NUL characters, uploads) before any handler or form parser reads it."""

import logging
import time

from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.errors import N_
from app.web.error_pages import error_response
from app.web.i18n import current_locale, gettext
from app.web.templating import request_locale

log = logging.getLogger(__name__)

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # Invite tokens live in the path: never leak them through the Referer header.
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
}
# The largest form the app sends has an answer and a revision per question and a CSRF token.
MAX_FORM_FIELDS = 500
# PostgreSQL cannot store NUL in text, and exports would be cut at it: refused the same way on
# every database. Raw or percent-encoded; a typed "%00" arrives as "%2500".
NUL_MARKS = (b"\x00", b"%00")


class SecurityHeaders:
    """The outermost layer (outside Starlette's error middleware): even a crash's 500 gets them."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 0

        async def send_with_headers(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        finally:
            fields = {
                "method": scope["method"],
                # The route template, not the path: candidate paths carry their invite token.
                "route": getattr(scope.get("route"), "path", "?"),
                "status": status,
                "ms": round(1000 * (time.perf_counter() - started), 1),
            }
            log.info("request", extra={"fields": fields})


class RequestBodyGuard:
    """Reads the whole body first, counting the bytes as they stream in (chunked uploads have no
    Content-Length to trust), and refuses what no page of the app sends: more than max_bytes,
    file uploads, too many fields, NUL characters. The handler then gets the body in one piece,
    so a client that leaves mid-upload never reaches a handler or takes a database connection.
    """

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(request, send, 413, *self._too_large())
            return
        if request.headers.get("content-type", "").lower().startswith("multipart/"):
            await self._refuse(request, send, 415, N_("File uploads are not accepted."))
            return
        body = bytearray()
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return  # the client left mid-upload: nobody to answer
            body += message.get("body", b"")
            if len(body) > self.max_bytes:
                await self._refuse(request, send, 413, *self._too_large())
                return
            if not message.get("more_body", False):
                break
        refusal = self._refusal(request, bytes(body))
        if refusal is not None:
            await self._refuse(request, send, *refusal)
            return
        await self.app(scope, _replay(bytes(body), receive), send)

    def _too_large(self) -> tuple[str, dict[str, str]]:
        template = N_("The request is larger than %(limit)s bytes and was not accepted. Nothing was saved.")
        return template, {"limit": f"{self.max_bytes:,}"}

    @staticmethod
    def _refusal(request: Request, body: bytes) -> tuple[int, str] | None:
        query = request.scope["query_string"]
        if any(mark in part for mark in NUL_MARKS for part in (query, body)):
            return 422, N_("Text cannot contain NUL characters (code 0). Remove them and try again.")
        form = request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded")
        if form and body.count(b"&") >= MAX_FORM_FIELDS:
            return 413, N_("The form has too many fields and was not accepted.")
        return None

    @staticmethod
    async def _refuse(
        request: Request, send: Send, status: int, template: str, params: dict[str, str] | None = None
    ) -> None:
        current_locale.set(request_locale(request))
        message = gettext(template) % params if params else gettext(template)
        response = error_response(request, status, message)
        response.headers["Connection"] = "close"  # the rest of an oversized body is never read
        await response(request.scope, _disconnected, send)


async def _disconnected() -> Message:
    return {"type": "http.disconnect"}


def _replay(body: bytes, receive: Receive) -> Receive:
    """The body already read, in one message; after it, the client's own messages (disconnect)."""
    pending = [{"type": "http.request", "body": body, "more_body": False}]

    async def replayed() -> Message:
        return pending.pop() if pending else await receive()

    return replayed
