"""Engine and sessions; DATABASE_URL picks SQLite (default) or PostgreSQL."""

from collections.abc import Iterator

from sqlalchemy import Engine, event
from sqlmodel import Session, create_engine

from app.settings import Settings

# Connections beyond one per request slot: grading workers, streamed exports, start-up work.
POOL_HEADROOM = 4


def engine_from_settings(settings: Settings) -> Engine:
    """The server's engine: every request slot (app/deps.py) always finds a connection free."""
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
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, **pool)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):  # type: ignore[no-untyped-def]
            cursor = dbapi_connection.cursor()
            # WAL lets the grading worker write while requests read; foreign keys are off by default.
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True, **pool)


def session_scope(engine: Engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as session:
        yield session
