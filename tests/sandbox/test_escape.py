"""Design cases D, F and G (escape, host confidentiality and integrity, network, leaks):
sandbox-cases.md #25 and #34-#41."""

import ast
import socket
from pathlib import Path

from app.sandbox import Verdict
from app.settings import PROJECT_ROOT

from .conftest import RunCase

TRY_EACH = """
import os
def attempt(label, action):
    try:
        action()
        print(label, 'ALLOWED')
    except OSError as error:
        print(label, 'blocked', type(error).__name__)
"""


def _outcomes(stdout: str) -> dict[str, str]:
    return {line.split()[0]: line.split()[1] for line in stdout.splitlines()}


def test_killing_the_parent_is_contained(run_case: RunCase) -> None:  # case 25
    result = run_case("import os, signal; os.kill(os.getppid(), signal.SIGKILL); print('still here')")
    assert result.verdict is Verdict.ok
    assert result.stdout == "still here\n"


def test_host_secrets_and_sources_are_not_visible(run_case: RunCase) -> None:  # cases 34, 35
    code = TRY_EACH + (
        "attempt('shadow', lambda: open('/etc/shadow', 'rb').read())\n"
        "attempt('passwd', lambda: open('/etc/passwd').read())\n"
        f"attempt('workdir', lambda: os.listdir({str(PROJECT_ROOT)!r}))\n"
        f"attempt('source', lambda: open({str(PROJECT_ROOT / 'app' / 'sandbox' / 'runner.py')!r}).read())\n"
        "attempt('root', lambda: os.listdir('/root'))\n"
    )
    result = run_case(code)
    assert result.verdict is Verdict.ok
    assert _outcomes(result.stdout) == dict.fromkeys(
        ["shadow", "passwd", "workdir", "source", "root"], "blocked"
    )


def test_host_paths_cannot_be_written(run_case: RunCase) -> None:  # case 36
    targets = {
        "grader": PROJECT_ROOT / "ESCAPED",
        "usr": Path("/usr/ESCAPED"),
        "main": Path("/box/main.py"),
        "root": Path("/root/ESCAPED"),
        "top": Path("/ESCAPED"),
    }
    code = TRY_EACH + "".join(
        f"attempt({label!r}, lambda: open({str(path)!r}, 'w').write('x'))\n"
        for label, path in targets.items()
    )
    result = run_case(code)
    assert result.verdict is Verdict.ok
    assert _outcomes(result.stdout) == dict.fromkeys(targets, "blocked")
    assert not any(path.exists() for label, path in targets.items() if label != "main")


def test_no_network_even_to_loopback(run_case: RunCase) -> None:  # case 38
    with socket.create_server(("127.0.0.1", 0)) as listener:
        port = listener.getsockname()[1]
        listener.settimeout(0)
        code = TRY_EACH + (
            "import socket\n"
            "attempt('ssh', lambda: socket.create_connection(('127.0.0.1', 22), timeout=2))\n"
            f"attempt('host', lambda: socket.create_connection(('127.0.0.1', {port}), timeout=2))\n"
        )
        result = run_case(code)
        assert _outcomes(result.stdout) == {"ssh": "blocked", "host": "blocked"}
        try:
            listener.accept()
            accepted = True
        except BlockingIOError:
            accepted = False
        assert not accepted


def test_no_dns_and_only_loopback(run_case: RunCase) -> None:  # case 40
    code = TRY_EACH + (
        "import socket\n"
        "attempt('dns', lambda: socket.getaddrinfo('pypi.org', 443))\n"
        "print('interfaces', socket.if_nameindex())\n"
    )
    result = run_case(code)
    assert result.stdout.splitlines()[0].startswith("dns blocked")
    assert result.stdout.splitlines()[1] == "interfaces [(1, 'lo')]"


def test_no_host_processes_environment_or_hostname(run_case: RunCase) -> None:  # case 41
    code = (
        "import os\n"
        "print(sorted(int(p) for p in os.listdir('/proc') if p.isdigit()))\n"
        "print(sorted(os.environ))\n"
        "print(os.uname().nodename, os.getuid())\n"
    )
    result = run_case(code)
    pids, environment, identity = result.stdout.splitlines()
    assert pids == "[1, 2]"
    assert set(ast.literal_eval(environment)) <= {
        "HOME",
        "LANG",
        "PATH",
        "PWD",
        "OPENBLAS_NUM_THREADS",
        "OMP_NUM_THREADS",
    }
    hostname, uid = identity.split()
    assert hostname == "sandbox"
    assert int(uid) != 0
