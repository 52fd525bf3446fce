"""A sliding-window rate limit kept in memory (one app process; a shared store can replace it)."""

import threading
import time
from collections import defaultdict, deque
from collections.abc import Mapping

from app.errors import N_, AppError

MAX_KEYS = 10_000


class RateLimited(AppError):
    status_code = 429


class RateLimiter:
    def __init__(self, *, window_s: float) -> None:
        self._window_s = window_s
        self._hits: defaultdict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def check(self, *, limits: Mapping[str, int]) -> None:
        """Counts one hit against every key, or none when any key is over its limit."""
        now = time.monotonic()
        with self._lock:
            if len(self._hits) > MAX_KEYS:
                self._forget_idle(now)
            for key, limit in limits.items():
                hits = self._hits[key]
                while hits and hits[0] <= now - self._window_s:
                    hits.popleft()
                if len(hits) >= limit:
                    wait = int(hits[0] + self._window_s - now) + 1
                    raise RateLimited(N_("Too many runs. Try again in %(seconds)s seconds."), seconds=wait)
            for key in limits:
                self._hits[key].append(now)

    def _forget_idle(self, now: float) -> None:
        # Keys are client addresses too: without this, passers-by would grow the table forever.
        for key in [k for k, hits in self._hits.items() if not hits or hits[-1] <= now - self._window_s]:
            del self._hits[key]
