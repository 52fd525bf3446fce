"""Running untrusted Python: bubblewrap, rlimits and a subreaper per worker slot."""

from app.sandbox.limits import RunLimits
from app.sandbox.pool import Sandbox, SandboxFailure, default_sandbox, run_python
from app.sandbox.result import Isolation, RunResult, SandboxUnavailable, Verdict

__all__ = [
    "Isolation",
    "RunLimits",
    "RunResult",
    "Sandbox",
    "SandboxFailure",
    "SandboxUnavailable",
    "Verdict",
    "default_sandbox",
    "run_python",
]
