"""A worker slot's process: runs one job at a time for the app, as a child subreaper.

Started by the pool with `python -m app.sandbox.worker`; jobs and outcomes are pickled over
its stdin and stdout (both ends are our own code; the program's output travels as bytes).
Keeping the runner out of the app process means `wait4(-1)` can never steal another
subprocess's exit status there.
"""

import os
from multiprocessing.connection import Connection

from app.sandbox.runner import Job, Outcome, become_subreaper, run_job


def serve(requests: Connection, replies: Connection) -> None:
    while True:
        try:
            job: Job = requests.recv()
        except EOFError:  # the app closed the pipe: it is shutting down
            return
        try:
            outcome = run_job(job)
        except Exception as error:  # a broken run must not take the slot down
            outcome = Outcome(error=f"sandbox runner failed: {type(error).__name__}: {error}")
        replies.send(outcome)


def main() -> None:
    become_subreaper()
    requests = Connection(os.dup(0), writable=False)
    replies = Connection(os.dup(1), readable=False)
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 0)
    os.dup2(null, 1)  # a stray print must not corrupt the reply stream
    os.close(null)
    serve(requests, replies)


if __name__ == "__main__":
    main()
