"""Bank operations for the CLI and the web layer: load from disk, then hand plain data to pure code."""

from pathlib import Path

from app.bank.lint import LintReport, lint
from app.bank.loader import BankError, load_bank


def lint_bank(*, directory: Path) -> LintReport:
    """Load and lint the bank in `directory`; a bank that fails to load reports the load problems."""
    try:
        bank = load_bank(directory)
    except BankError as exc:
        return LintReport(errors=exc.problems)
    return lint(bank, directory=directory)
