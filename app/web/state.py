"""What the app builds once (app/main.py) and the requests share, typed in one place.

Starlette's `app.state` is an untyped bag; every read goes through `app_state`, so a renamed
attribute is a type error rather than an AttributeError at request time.
"""

from typing import Protocol, cast

import anyio
from fastapi import Request
from sqlalchemy import Engine

from app.bank.loader import Bank
from app.grading.service import Graders
from app.grading.worker import InProcessQueue
from app.settings import Settings
from app.web.rate_limit import RateLimiter


class AppState(Protocol):
    settings: Settings
    example_runs: RateLimiter
    engine: Engine
    bank: Bank
    graders: Graders
    queue: InProcessQueue
    db_slots: anyio.Semaphore  # request slots: see app/web/deps.py
    release_threads: anyio.CapacityLimiter


def app_state(request: Request) -> AppState:
    return cast(AppState, request.app.state)
