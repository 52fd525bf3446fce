"""The import contract (pyproject.toml, [tool.importlinter]) holds on the real tree and fails on each
kind of edge that once tied the packages into one knot. Runs import-linter itself, on a copy of
`app/` with one bad import added."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from app.settings import PROJECT_ROOT

LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
# (module that gets the line, the bad import): every one an edge the layering forbids.
BAD_EDGES = {
    "grading imports a domain": ("app/grading/jobs.py", "from app.answers.service import SheetItem"),
    "grading imports calibration": ("app/grading/service.py", "import app.calibration.service"),
    "grading imports the web layer": ("app/grading/code.py", "from app.web.templating import render"),
    "web imports a domain": ("app/web/templating.py", "import app.reports.routes"),
    "web imports auth": ("app/web/deps.py", "import app.auth.service"),
    "a domain imports one above it": ("app/results/loading.py", "import app.reports.service"),
    "the sandbox imports the app": ("app/sandbox/pool.py", "from app.errors import AppError"),
    "the sandbox imports pydantic": ("app/sandbox/result.py", "import pydantic"),
    "core imports a layer above": ("app/models.py", "import app.bank.schema"),
}


def lint(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(PROJECT_ROOT / "pyproject.toml"), "--no-cache"],
        cwd=root,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_tree_keeps_the_contract() -> None:
    result = lint(PROJECT_ROOT)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "Contracts: 2 kept, 0 broken." in result.stdout


@pytest.mark.parametrize("edge", sorted(BAD_EDGES))
def test_a_forbidden_import_breaks_it(edge: str, tmp_path: Path) -> None:
    shutil.copytree(PROJECT_ROOT / "app", tmp_path / "app", ignore=shutil.ignore_patterns("__pycache__"))
    module, line = BAD_EDGES[edge]
    path = tmp_path / module
    path.write_text(path.read_text(encoding="utf-8") + f"\n{line}  # noqa\n", encoding="utf-8")
    result = lint(tmp_path)
    assert result.returncode != 0, f"{edge}: the contract did not notice"
    assert "BROKEN" in result.stdout or "broken" in result.stdout
