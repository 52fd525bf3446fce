"""The `grader` command line: serve, migrate, users, grading, and the bank subcommands."""

import argparse
import getpass
import logging
import sys
from collections.abc import Callable, Sequence

from sqlmodel import Session

from app.bank.schema import LOCALES
from app.settings import PROJECT_ROOT, get_settings

Handler = Callable[[argparse.Namespace], int]


def migrate(_: argparse.Namespace | None = None) -> int:
    from alembic import command
    from alembic.config import Config

    settings = get_settings()
    if settings.database_url.startswith("sqlite:///"):
        from pathlib import Path

        Path(settings.database_url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    config.set_main_option("sqlalchemy.url", settings.database_url.replace("%", "%%"))
    command.upgrade(config, "head")
    return 0


def _first_user() -> None:
    from app.auth.service import ensure_first_user
    from app.db import make_engine

    settings = get_settings()
    with Session(make_engine(settings.database_url)) as session:
        created = ensure_first_user(
            session=session, email=settings.first_user_email, password=settings.first_user_password
        )
    if created is None:
        return
    user, generated = created
    print(f"First interviewer account: {user.email}", flush=True)
    if generated:
        print(f"Password (shown once; set GRADER_FIRST_USER_PASSWORD to choose it): {generated}", flush=True)


def serve(args: argparse.Namespace) -> int:
    import uvicorn

    from app.logging_setup import configure_logging
    from app.main import create_app

    configure_logging()
    migrate()
    _first_user()
    uvicorn.run(create_app(), host=args.host, port=args.port, log_config=None, proxy_headers=False)
    return 0


def _read_password() -> str:
    return getpass.getpass("Password: ") if sys.stdin.isatty() else sys.stdin.readline().rstrip("\n")


def create_user(args: argparse.Namespace) -> int:
    from app.auth.service import create_user as create
    from app.db import make_engine

    password = _read_password()
    with Session(make_engine(get_settings().database_url)) as session:
        user = create(
            session=session,
            email=args.email,
            name=args.name or args.email,
            password=password,
            locale=args.locale,
        )
    print(f"created {user.email}")
    return 0


def set_password(args: argparse.Namespace) -> int:
    """A new password for an interviewer (e.g. one who lost theirs); their open sessions end."""
    from sqlmodel import select

    from app.auth.service import change_password
    from app.db import make_engine
    from app.errors import N_, NotFound
    from app.models import User

    password = _read_password()
    with Session(make_engine(get_settings().database_url)) as session:
        user = session.exec(select(User).where(User.email == args.email.strip().lower())).first()
        if user is None:
            raise NotFound(N_("No interviewer has the email %(email)s."), email=args.email)
        change_password(session=session, user=user, password=password)
    print(f"changed the password of {user.email}; their sessions have ended")
    return 0


def grade_pending(_: argparse.Namespace) -> int:
    """Grade every queued job now, without a server (e.g. after a crash, or from cron)."""
    from app.db import make_engine
    from app.grading.worker import InProcessQueue
    from app.main import build_services

    settings = get_settings()
    services = build_services(settings)
    queue = InProcessQueue(engine=make_engine(settings.database_url), graders=services.graders)
    queue.drain()
    return 0


def import_humaneval(args: argparse.Namespace) -> int:
    """Convert, record each check test's calls against the reference solution, write YAML."""
    from app.bank.humaneval import import_humaneval as convert
    from app.bank.humaneval import write_questions
    from app.grading.checks import record_check_calls
    from app.grading.sandboxing import build_sandbox

    with build_sandbox(get_settings()) as sandbox:
        questions = [record_check_calls(question=q, sandbox=sandbox) for q in convert(args.path)]
    write_questions(questions, args.out)
    print(f"wrote {len(questions)} question(s) to {args.out}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="grader", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve_parser = commands.add_parser("serve", help="migrate, create the first account, serve the app")
    serve_parser.add_argument("--host", default="127.0.0.1")
    serve_parser.add_argument("--port", type=int, default=8000)
    serve_parser.set_defaults(handler=serve)
    commands.add_parser("migrate", help="upgrade the database to the newest schema").set_defaults(
        handler=migrate
    )
    user_parser = commands.add_parser("create-user", help="add an interviewer (password on stdin)")
    user_parser.add_argument("email")
    user_parser.add_argument("--name", default="")
    user_parser.add_argument("--locale", default="en", choices=list(LOCALES))
    user_parser.set_defaults(handler=create_user)
    password_parser = commands.add_parser(
        "set-password", help="set an interviewer's password (on stdin) and end their sessions"
    )
    password_parser.add_argument("email")
    password_parser.set_defaults(handler=set_password)
    commands.add_parser("grade-pending", help="grade queued answers in this process").set_defaults(
        handler=grade_pending
    )
    from app.bank.cli import register

    register(commands, import_humaneval=import_humaneval)
    from app.grading.verifier.cli import register as register_model

    register_model(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING)
    args = build_parser().parse_args(argv)
    handler: Handler = args.handler
    try:
        return handler(args)
    except Exception as exc:
        from app.errors import AppError

        if isinstance(exc, AppError):
            print(f"error: {exc.message}", file=sys.stderr)
            return 2
        raise


if __name__ == "__main__":
    sys.exit(main())
