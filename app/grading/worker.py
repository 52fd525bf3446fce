"""Grading off the request path: worker threads in the server process.

Jobs live in the database; the queue only wakes the workers up.
"""

import logging
import threading

from sqlalchemy import Engine
from sqlmodel import Session

from app.grading import jobs
from app.grading.service import Graders, run_job

log = logging.getLogger(__name__)
IDLE_POLL_SECONDS = 2.0


class InProcessQueue:
    def __init__(self, *, engine: Engine, graders: Graders, workers: int = 1) -> None:
        self._engine = engine
        self._graders = graders
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._threads = [
            threading.Thread(target=self._loop, name=f"grader-{i}", daemon=True) for i in range(workers)
        ]

    def start(self) -> None:
        with Session(self._engine) as session:
            recovered = jobs.recover_interrupted(session=session, max_attempts=self._graders.max_attempts)
            if self._graders.sandbox is not None:
                recovered += jobs.requeue_awaiting_sandbox(session=session)
        if recovered:
            log.info("requeued %d grading jobs left from an earlier run", recovered)
        for thread in self._threads:
            thread.start()

    def notify(self) -> None:
        self._wake.set()

    def stop(self) -> None:
        self._stopping.set()
        self._wake.set()
        for thread in self._threads:
            thread.join(timeout=30)

    def drain(self) -> None:
        """Grade everything queued, in the caller's thread (the command line and tests use this)."""
        while self._run_one():
            pass

    def _loop(self) -> None:
        while not self._stopping.is_set():
            try:
                worked = self._run_one()
            except Exception:  # a database hiccup must not kill the worker
                log.exception("grading worker error")
                worked = False
            if not worked:
                self._wake.wait(IDLE_POLL_SECONDS)
                self._wake.clear()

    def _run_one(self) -> bool:
        with Session(self._engine, expire_on_commit=False) as session:
            job = jobs.claim_next(session=session)
            if job is None:
                return False
            log.info("grading job %s (attempt %d)", job.id, job.attempts)
            run_job(session=session, graders=self._graders, job=job)
            return True
