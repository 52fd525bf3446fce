"""Dependency aliases shared by the routes."""

from collections.abc import AsyncIterator
from typing import Annotated

import anyio
from fastapi import Depends, Path, Request
from sqlmodel import Session

from app.bank.loader import Bank
from app.errors import N_, AppError
from app.grading.service import Graders
from app.grading.worker import InProcessQueue
from app.models import User
from app.settings import Settings
from app.web.csrf import require_csrf
from app.web.rate_limit import RateLimiter
from app.web.state import app_state

# Ids an INTEGER column cannot hold (PostgreSQL's is 32-bit) name nothing: 404, not a database error.
MAX_ID = 2**31 - 1
BUSY = N_("The server is busy. Please try again in a moment; your saved work is safe.")


class LoginRequired(AppError):
    status_code = 401


class ServerBusy(AppError):
    status_code = 503


async def get_session(request: Request) -> AsyncIterator[Session]:
    """A database session for this request, closed before the response is sent.

    A request waits for one of the app's slots here, on the event loop, never in a worker
    thread: threads waiting for connections held by requests waiting for threads was how the
    server deadlocked. There are as many slots as threads, and fewer than pooled connections.
    """
    state = app_state(request)
    slots = state.db_slots
    with anyio.move_on_after(state.settings.busy_timeout_s) as wait:
        await slots.acquire()
    if wait.cancelled_caught:
        raise ServerBusy(BUSY)
    session = Session(state.engine, expire_on_commit=False)
    try:
        yield session
    finally:
        # Shielded: a request cancelled because its client left still returns its connection.
        with anyio.CancelScope(shield=True):
            try:
                if session.in_transaction():  # closing rolls back on the connection: not on the loop
                    await anyio.to_thread.run_sync(session.close, limiter=state.release_threads)
                else:
                    session.close()
            finally:
                slots.release()


async def app_settings(request: Request) -> Settings:
    """The app's own settings object (tests build their own), never a process-wide one."""
    return app_state(request).settings


async def app_bank(request: Request) -> Bank:
    return app_state(request).bank


async def app_graders(request: Request) -> Graders:
    return app_state(request).graders


async def app_queue(request: Request) -> InProcessQueue:
    return app_state(request).queue


async def app_example_runs(request: Request) -> RateLimiter:
    return app_state(request).example_runs


SessionDep = Annotated[Session, Depends(get_session, scope="function")]
SettingsDep = Annotated[Settings, Depends(app_settings)]
BankDep = Annotated[Bank, Depends(app_bank)]
GradersDep = Annotated[Graders, Depends(app_graders)]
QueueDep = Annotated[InProcessQueue, Depends(app_queue)]
ExampleRunsDep = Annotated[RateLimiter, Depends(app_example_runs)]
DbId = Annotated[int, Path(ge=1, le=MAX_ID)]


def get_current_user(request: Request, session: SessionDep) -> User:
    user_id = request.session.get("user_id")
    user = session.get(User, user_id) if isinstance(user_id, int) else None
    # A cookie from before the last sign-out or password change carries an older version.
    if user is None or request.session.get("session_version") != user.session_version:
        request.session.clear()
        raise LoginRequired("Please sign in.")
    request.state.locale = user.locale
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]
CsrfChecked = Depends(require_csrf)
