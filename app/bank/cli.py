"""`grader bank ...`: lint the question bank, import HumanEval problems into it."""

import argparse
import json
from collections.abc import Callable
from pathlib import Path

from app.bank.lint import LintReport
from app.bank.service import lint_bank
from app.settings import get_settings


def register(
    subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]",
    *,
    import_humaneval: Callable[[argparse.Namespace], int],
) -> None:
    """`import_humaneval` is the caller's: recording check calls needs the sandbox, above the bank."""
    bank = subparsers.add_parser("bank", help="check or extend the question bank in rubrics/")
    commands = bank.add_subparsers(dest="bank_command", required=True)

    lint = commands.add_parser("lint", help="validate the whole bank; exits non-zero on any error")
    lint.add_argument(
        "--dir", type=Path, default=None, help="bank directory (default: the configured rubrics/)"
    )
    lint.add_argument(
        "--json", action="store_true", help="end with one JSON object of the counts and problems"
    )
    lint.set_defaults(handler=lint_command)

    humaneval = commands.add_parser("import-humaneval", help="turn HumanEval problems into code questions")
    humaneval.add_argument("path", type=Path, help="HumanEval.jsonl or HumanEval.jsonl.gz")
    humaneval.add_argument(
        "--out", type=Path, required=True, help="directory to write one YAML file per problem"
    )
    humaneval.set_defaults(handler=import_humaneval)


def lint_command(args: argparse.Namespace) -> int:
    directory: Path = args.dir or get_settings().rubrics_dir
    report = lint_bank(directory=directory)
    print(render(report, directory=directory))
    if args.json:
        print(json.dumps(report.summary(), ensure_ascii=False, sort_keys=True))
    return 0 if report.ok else 1


def render(report: LintReport, *, directory: Path) -> str:
    """The human-readable lint report: counts first, then warnings, then errors (last, where eyes land)."""
    lines = []
    if report.kinds:
        summary = report.summary()
        lines.append(
            f"{directory}: {report.questions} questions ({summary['text']} text, {summary['code']} code); "
            f"complete in: {', '.join(report.languages) or 'none'}"
        )
        lines.append(
            "topics:       " + ", ".join(f"{topic} {count}" for topic, count in report.topics.items())
        )
        lines.append(
            "difficulty:   " + ", ".join(f"{level}: {n}" for level, n in report.difficulties.items())
        )
        for name, counts in report.profiles.items():
            lines.append(
                f"profile {name}: {counts.text} text / {counts.code} code eligible "
                f"(a set needs {counts.text_needed} / {counts.code_needed})"
            )
    lines += [f"warning: {problem}" for problem in report.warnings]
    lines += [f"error: {problem}" for problem in report.errors]
    verdict = "ok" if report.ok else f"{len(report.errors)} error(s)"
    lines.append(f"bank lint: {verdict}, {len(report.warnings)} warning(s)")
    return "\n".join(lines)
