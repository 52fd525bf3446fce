"""The sandbox's own errors: the sandbox, not the candidate's program, could not do its job.

Plain exceptions with English messages for logs: the web layer maps them to HTTP in one place
(app/web/error_pages.py) and grading maps them to job states (app/grading/service.py).
"""


class SandboxError(Exception):
    @property
    def message(self) -> str:
        return str(self)


class SandboxUnavailable(SandboxError):
    """Code cannot be run safely here (no bubblewrap, no user namespaces, not root)."""


class SandboxFailure(SandboxError):
    """The sandbox itself failed while running a program; the run may be retried."""


class SandboxBusy(SandboxError):
    """No slot came free for an example run in time; grading itself always waits for one."""
