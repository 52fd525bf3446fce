"""The application factory: heavy things (bank, model, sandbox, workers) are built once here."""

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import anyio
from fastapi import FastAPI, Request
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine, text
from sqlmodel import Session
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp

from app.answers.routes import router as answers_router
from app.assessments.routes import router as assessments_router
from app.auth.routes import router as auth_router
from app.bank.loader import Bank, load_bank
from app.bank.sync import sync_rubric_versions
from app.calibration.routes import router as calibration_router
from app.db import engine_from_settings
from app.grading.service import Graders
from app.grading.worker import InProcessQueue
from app.reports.routes import router as reports_router
from app.results.routes import router as grading_router
from app.secrets_store import signing_key
from app.settings import PROJECT_ROOT, Settings, get_settings
from app.web.deps import SessionDep
from app.web.error_pages import install_error_handlers
from app.web.http_guard import RequestBodyGuard, SecurityHeaders
from app.web.rate_limit import RateLimiter
from app.web.state import app_state

log = logging.getLogger(__name__)
# The only files of node_modules the pages load (templates/base.html); nothing else is served.
VENDOR_FILES = frozenset({"htmx.org/dist/htmx.min.js"})


@dataclass
class Services:
    """What the lifespan builds; tests pass their own (the model is loaded once per session)."""

    bank: Bank
    graders: Graders


def build_services(settings: Settings) -> Services:
    from app.grading.freetext import FreeTextGrader
    from app.grading.sandboxing import build_sandbox
    from app.sandbox import Sandbox, SandboxUnavailable

    bank = load_bank(settings.rubrics_dir)
    free_text = FreeTextGrader.from_settings(settings)
    try:
        sandbox: Sandbox | None = build_sandbox(settings)
    except SandboxUnavailable as exc:
        log.warning("code answers will wait for a sandbox: %s", exc.message)
        sandbox = None
    return Services(bank, Graders(free_text, sandbox, max_attempts=settings.grading_max_attempts))


class GraderApp(FastAPI):
    def build_middleware_stack(self) -> ASGIApp:
        # Outside Starlette's error middleware, so an unhandled exception's 500 gets the headers too.
        return SecurityHeaders(super().build_middleware_stack())


def create_app(
    settings: Settings | None = None, *, services: Services | None = None, engine: Engine | None = None
) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # One figure sizes the worker threads, the request slots (app/web/deps.py) and the pool.
        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.request_concurrency
        app.state.db_slots = anyio.Semaphore(settings.request_concurrency)
        # Sessions are closed on threads of their own: releasing never queues behind requests.
        app.state.release_threads = anyio.CapacityLimiter(settings.request_concurrency)
        built = services or build_services(settings)
        app.state.engine = engine or engine_from_settings(settings)
        app.state.bank = built.bank
        with Session(app.state.engine) as session:
            sync_rubric_versions(session=session, bank=built.bank)
        app.state.graders = built.graders
        app.state.queue = InProcessQueue(
            engine=app.state.engine, graders=built.graders, workers=settings.grading_workers
        )
        app.state.queue.start()
        # The models and the bank are millions of long-lived objects: kept out of the collector's
        # full passes, which otherwise stall every request for a few hundred milliseconds.
        gc.freeze()
        try:
            yield
        finally:
            app.state.queue.stop()

    app = GraderApp(title="Interview grader", lifespan=lifespan, docs_url=None, redoc_url=None)
    app.state.settings = settings
    app.state.example_runs = RateLimiter(window_s=60)  # per process; a shared store can replace it
    install_error_handlers(app)
    _install_middleware(app, settings)
    app.mount("/static", StaticFiles(directory=PROJECT_ROOT / "static"), name="static")
    for router in (
        auth_router,
        assessments_router,
        answers_router,
        grading_router,
        calibration_router,
        reports_router,
    ):
        app.include_router(router)

    @app.get("/vendor/{name:path}")
    def vendor(name: str) -> FileResponse:
        if name not in VENDOR_FILES:
            raise StarletteHTTPException(404, "Not Found")
        return FileResponse(PROJECT_ROOT / "node_modules" / name)

    @app.get("/healthz")
    def healthz(request: Request, session: SessionDep) -> dict[str, object]:
        session.execute(text("SELECT 1"))
        return {
            "status": "ok",
            "questions": len(app_state(request).bank.questions),
            "sandbox": app_state(request).graders.sandbox is not None,
        }

    return app


def _install_middleware(app: FastAPI, settings: Settings) -> None:
    # Inside the session layer, so a refused request still gets a full error page in its language.
    app.add_middleware(RequestBodyGuard, max_bytes=settings.max_request_bytes)
    app.add_middleware(
        SessionMiddleware,
        secret_key=signing_key(settings.secret_key, settings.var_dir),
        session_cookie="grader_session",
        max_age=settings.session_max_age_s,
        same_site="lax",
        https_only=settings.secure_cookies,
    )
