"""A sliding-window rate limit kept in memory (one app process; a shared store can replace it)."""

import threading
import time
from collections import defaultdict, deque

from app.errors import N_, AppError


class RateLimited(AppError):
    status_code = 429


class RateLimiter:
    def __init__(self, *, window_s: float) -> None:
        self._window_s = window_s
        self._hits: defaultdict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def check(self, *, key: str, limit: int) -> None:
        now = time.monotonic()
        with self._lock:
            hits = self._hits[key]
            while hits and hits[0] <= now - self._window_s:
                hits.popleft()
            if len(hits) >= limit:
                wait = int(hits[0] + self._window_s - now) + 1
                raise RateLimited(N_("Too many runs. Try again in %(seconds)s seconds."), seconds=wait)
            hits.append(now)
