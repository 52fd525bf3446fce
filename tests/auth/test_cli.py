"""`grader create-user` and `grader set-password` apply the password policy and end old sessions."""

import os
import subprocess
import sys
from pathlib import Path

from sqlmodel import Session, select

from app.db import make_engine
from app.models import User
from app.settings import PROJECT_ROOT


def _grader(database: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = os.environ | {"DATABASE_URL": f"sqlite:///{database}"}
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        env=env,
        timeout=120,
        check=False,
    )


def test_create_user_refuses_a_common_password_and_set_password_ends_sessions(tmp_path: Path) -> None:
    database = tmp_path / "cli.db"
    assert _grader(database, "migrate").returncode == 0
    weak = _grader(database, "create-user", "lin@example.com", stdin="password2024\n")
    assert weak.returncode == 2 and "too common" in weak.stderr
    assert (
        _grader(database, "create-user", "lin@example.com", stdin="a quiet harbour at dawn\n").returncode == 0
    )
    changed = _grader(database, "set-password", "lin@example.com", stdin="another quiet harbour\n")
    assert changed.returncode == 0, changed.stderr
    assert (
        _grader(database, "set-password", "nobody@example.com", stdin="another quiet harbour\n").returncode
        == 2
    )
    engine = make_engine(f"sqlite:///{database}")
    with Session(engine) as session:
        assert session.exec(select(User.session_version)).one() == 1
    engine.dispose()
