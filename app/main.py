"""The application factory: heavy things (bank, model, sandbox, workers) are built once here."""

import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from fastapi import FastAPI, Request, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine, text
from sqlmodel import Session
from starlette.middleware.sessions import SessionMiddleware

from app.answers.rate_limit import RateLimiter
from app.answers.routes import router as answers_router
from app.assessments.routes import router as assessments_router
from app.auth.routes import router as auth_router
from app.bank.loader import Bank, load_bank
from app.bank.sync import sync_rubric_versions
from app.calibration.routes import router as calibration_router
from app.db import make_engine
from app.error_pages import install_error_handlers
from app.grading.routes import router as grading_router
from app.grading.service import Graders
from app.grading.worker import InProcessQueue
from app.reports.routes import router as reports_router
from app.secrets_store import signing_key
from app.settings import PROJECT_ROOT, Settings, get_settings

log = logging.getLogger(__name__)


@dataclass
class Services:
    """What the lifespan builds; tests pass their own (the model is loaded once per session)."""

    bank: Bank
    graders: Graders


def build_services(settings: Settings) -> Services:
    from app.grading.freetext import FreeTextGrader
    from app.sandbox import Sandbox, SandboxUnavailable

    bank = load_bank(settings.rubrics_dir)
    free_text = FreeTextGrader.from_settings(settings)
    try:
        sandbox: Sandbox | None = Sandbox.from_settings(settings)
    except SandboxUnavailable as exc:
        log.warning("code answers will wait for a sandbox: %s", exc.message)
        sandbox = None
    return Services(bank, Graders(free_text, sandbox, max_attempts=settings.grading_max_attempts))


def create_app(
    settings: Settings | None = None, *, services: Services | None = None, engine: Engine | None = None
) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        built = services or build_services(settings)
        app.state.engine = engine or make_engine(settings.database_url)
        app.state.bank = built.bank
        with Session(app.state.engine) as session:
            sync_rubric_versions(session=session, bank=built.bank)
        app.state.graders = built.graders
        app.state.queue = InProcessQueue(
            engine=app.state.engine, graders=built.graders, workers=settings.grading_workers
        )
        app.state.queue.start()
        try:
            yield
        finally:
            app.state.queue.stop()

    app = FastAPI(title="Interview grader", lifespan=lifespan, docs_url=None, redoc_url=None)
    app.state.settings = settings
    app.state.example_runs = RateLimiter(window_s=60)  # per process; a shared store can replace it
    install_error_handlers(app)
    _install_middleware(app, settings)
    app.mount("/static", StaticFiles(directory=PROJECT_ROOT / "static"), name="static")
    app.mount("/vendor", StaticFiles(directory=PROJECT_ROOT / "node_modules", check_dir=False), name="vendor")
    for router in (
        auth_router,
        assessments_router,
        answers_router,
        grading_router,
        calibration_router,
        reports_router,
    ):
        app.include_router(router)

    @app.get("/healthz")
    def healthz(request: Request) -> dict[str, object]:
        with Session(request.app.state.engine) as session:
            session.execute(text("SELECT 1"))
        return {
            "status": "ok",
            "questions": len(request.app.state.bank.questions),
            "sandbox": request.app.state.graders.sandbox is not None,
        }

    return app


def _install_middleware(app: FastAPI, settings: Settings) -> None:
    @app.middleware("http")
    async def guard(request: Request, call_next):  # type: ignore[no-untyped-def]
        length = request.headers.get("content-length")
        if length and length.isdigit() and int(length) > settings.max_request_bytes:
            return Response("Request too large.", status_code=413)
        started = time.perf_counter()
        response: Response = await call_next(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        # Invite tokens live in the path: never leak them through the Referer header.
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault(
            "Content-Security-Policy", "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'"
        )
        route = request.scope.get("route")
        log.info(
            "request",
            extra={
                "fields": {
                    "method": request.method,
                    "route": getattr(route, "path", "?"),
                    "status": response.status_code,
                    "ms": round(1000 * (time.perf_counter() - started), 1),
                }
            },
        )
        return response

    app.add_middleware(
        SessionMiddleware,
        secret_key=signing_key(settings.secret_key, settings.var_dir),
        session_cookie="grader_session",
        max_age=settings.session_max_age_s,
        same_site="lax",
        https_only=settings.secure_cookies,
    )
