"""Engine and sessions; DATABASE_URL picks SQLite (default) or PostgreSQL."""

import threading
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.exc import OperationalError
from sqlmodel import create_engine

from app.settings import Settings

# Connections beyond one per request slot: grading workers, streamed exports, start-up work.
POOL_HEADROOM = 4
# How long a SQLite writer waits for the database's one write lock (in this process or another).
SQLITE_BUSY_S = 30.0


def engine_from_settings(settings: Settings) -> Engine:
    """The server's engine: every request slot (app/web/deps.py) always finds a connection free."""
    return make_engine(
        settings.database_url,
        connections=settings.request_concurrency + settings.grading_workers + POOL_HEADROOM,
        timeout_s=settings.busy_timeout_s,
    )


def make_engine(url: str, *, connections: int = 15, timeout_s: float = 30.0) -> Engine:
    # A fixed pool (no overflow) opened lazily; waiting for it longer than timeout_s is a 503.
    pool = {"pool_size": connections, "max_overflow": 0, "pool_timeout": timeout_s}
    if url.startswith("sqlite"):
        # A file database in WAL mode: connections are cheap and kept, readers never block, and
        # writers queue on the file lock (each write transaction is short) rather than fail.
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_S}, **pool
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):  # type: ignore[no-untyped-def]
            cursor = dbapi_connection.cursor()
            # WAL lets the grading worker write while requests read; foreign keys are off by default.
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        _queue_sqlite_writers(engine, timeout_s=SQLITE_BUSY_S)
        return engine
    return create_engine(url, pool_pre_ping=True, **pool)


_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLAC")
_HOLDS_WRITE_LOCK = "holds_write_lock"


def _queue_sqlite_writers(engine: Engine, *, timeout_s: float) -> None:
    """SQLite has one writer at a time, and its busy handler waits for the lock by sleeping with
    back-off: under load a waiting writer sleeps on long after the lock is free, which made
    autosave's slowest percent take a second. This process's writers queue on a lock instead and
    go in as soon as it frees; other processes still meet SQLite's own busy timeout.
    """
    lock = threading.Lock()

    @event.listens_for(engine, "before_cursor_execute")
    def _take(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if not conn.info.get(_HOLDS_WRITE_LOCK) and statement.lstrip()[:6].upper() in _WRITES:
            if not lock.acquire(timeout=timeout_s):
                raise OperationalError(statement, parameters, Exception("database is locked"))
            conn.info[_HOLDS_WRITE_LOCK] = True

    def _release(info: dict[str, Any]) -> None:
        if info.pop(_HOLDS_WRITE_LOCK, False):
            lock.release()

    event.listen(engine, "commit", lambda conn: _release(conn.info))
    event.listen(engine, "rollback", lambda conn: _release(conn.info))
    # A connection handed back without commit or rollback (an error, a closed session) frees it too.
    event.listen(engine.pool, "reset", lambda dbapi_connection, record, reset_state: _release(record.info))
