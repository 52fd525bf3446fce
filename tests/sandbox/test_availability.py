"""Where the sandbox cannot isolate (here: not started as root) it refuses, unless the unsafe
development mode is explicitly allowed, which is then loudly labelled."""

import json
import subprocess

from app.sandbox import Isolation, SandboxError, SandboxUnavailable
from app.settings import PROJECT_ROOT

NOBODY = 65534
SCRIPT = """
import json, logging
from app.sandbox import RunLimits, Sandbox, SandboxUnavailable
logging.basicConfig()
try:
    with Sandbox(limits=RunLimits(), workers=1, uid_base=64300, allow_unsafe={allow}) as sandbox:
        result = sandbox.run_python("print(6 * 7)")
        print(json.dumps({{"isolation": result.isolation.value, "stdout": result.stdout}}))
except SandboxUnavailable as error:
    print(json.dumps({{"refused": error.message}}))
"""


def _run_as_nobody(allow_unsafe: bool) -> tuple[dict[str, object], str]:
    completed = subprocess.run(
        ["/usr/bin/python3", "-c", SCRIPT.format(allow=allow_unsafe)],
        cwd=PROJECT_ROOT,
        user=NOBODY,
        group=NOBODY,
        extra_groups=[],
        capture_output=True,
        text=True,
        timeout=60,
        env={
            "PATH": "/usr/bin:/bin",
            "HOME": "/tmp",
            "PYTHONDONTWRITEBYTECODE": "1",
            # Debian's python3 with the project alone, no virtualenv: the sandbox needs nothing else.
            "PYTHONPATH": str(PROJECT_ROOT),
        },
    )
    return json.loads(completed.stdout.splitlines()[-1]), completed.stderr


def test_the_unavailable_error_is_the_sandbox_s_own() -> None:
    assert issubclass(SandboxUnavailable, SandboxError)
    assert SandboxUnavailable("no bwrap").message == "no bwrap"


def test_refuses_without_root() -> None:
    outcome, _ = _run_as_nobody(allow_unsafe=False)
    assert "root" in str(outcome["refused"])


def test_unsafe_mode_runs_only_when_allowed_and_says_so() -> None:
    outcome, stderr = _run_as_nobody(allow_unsafe=True)
    assert outcome == {"isolation": Isolation.unsafe.value, "stdout": "42\n"}
    assert "UNSAFE" in stderr
