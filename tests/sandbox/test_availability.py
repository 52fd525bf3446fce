"""Where the sandbox cannot isolate (here: not started as root) it refuses, unless the unsafe
development mode is explicitly allowed, which is then loudly labelled."""

import json
import subprocess
import sys

from app.errors import AppError
from app.sandbox import Isolation, SandboxUnavailable
from app.settings import PROJECT_ROOT

NOBODY = 65534
# The virtualenv's interpreter lives under /root; Debian's python3 runs the same code as nobody.
SITE_PACKAGES = next(path for path in sys.path if path.endswith("site-packages"))
SCRIPT = """
import json, logging
from app.sandbox import RunLimits, Sandbox, SandboxUnavailable
logging.basicConfig()
try:
    with Sandbox(limits=RunLimits(), workers=1, uid_base=64300, allow_unsafe={allow}) as sandbox:
        result = sandbox.run_python("print(6 * 7)")
        print(json.dumps({{"isolation": result.isolation.value, "stdout": result.stdout}}))
except SandboxUnavailable as error:
    print(json.dumps({{"refused": error.message, "status": error.status_code}}))
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
            "PYTHONPATH": f"{PROJECT_ROOT}:{SITE_PACKAGES}",
        },
    )
    return json.loads(completed.stdout.splitlines()[-1]), completed.stderr


def test_the_unavailable_error_is_an_app_error_with_503() -> None:
    assert issubclass(SandboxUnavailable, AppError)
    assert SandboxUnavailable("x").status_code == 503


def test_refuses_without_root() -> None:
    outcome, _ = _run_as_nobody(allow_unsafe=False)
    assert outcome["status"] == 503
    assert "root" in str(outcome["refused"])


def test_unsafe_mode_runs_only_when_allowed_and_says_so() -> None:
    outcome, stderr = _run_as_nobody(allow_unsafe=True)
    assert outcome == {"isolation": Isolation.unsafe.value, "stdout": "42\n"}
    assert "UNSAFE" in stderr
