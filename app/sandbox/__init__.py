"""Running untrusted Python: bubblewrap, seccomp, rlimits and a subreaper per worker slot.

A standalone library: it imports the standard library only (the worker processes start fast and
know nothing of the app), and the caller builds its RunLimits and maps its errors.
"""

from app.sandbox.errors import SandboxBusy, SandboxError, SandboxFailure, SandboxUnavailable
from app.sandbox.limits import RunLimits
from app.sandbox.pool import Sandbox
from app.sandbox.result import Isolation, RunResult, Verdict

__all__ = [
    "Isolation",
    "RunLimits",
    "RunResult",
    "Sandbox",
    "SandboxBusy",
    "SandboxError",
    "SandboxFailure",
    "SandboxUnavailable",
    "Verdict",
]
