"""Many candidates autosaving at once against the real server process, on SQLite and PostgreSQL.

    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/load.py [--candidates 200] [--seconds 60] [--json]

For each database it creates a fresh one (a temporary SQLite file; a new schema in --postgres),
seeds the candidates through the app's services, starts `uvicorn --factory app.main:create_app`
on a free loopback port, and then: every candidate opens its page at the same moment (a burst),
autosaves like htmx every 1-3 s (seeded) for --seconds, and finally a second burst of page opens
is fired with half the clients hanging up mid-request. Recovery is the time from the end of that
burst until /healthz answers 200 within 1 s. Only 127.0.0.1 is contacted; every loop is bounded.
"""

import argparse
import asyncio
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import quote

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, text
from sqlmodel import Session, SQLModel

import app.models  # noqa: F401  (registers the tables)
from app.assessments.service import create_candidate, issue_invite
from app.auth.service import create_user
from app.bank.loader import load_bank
from app.bank.sync import sync_rubric_versions
from app.settings import PROJECT_ROOT

HOST = "127.0.0.1"
REQUEST_TIMEOUT_S = 10.0
RECOVERY_LIMIT_S = 60.0


class Client:
    """One keep-alive HTTP/1.1 connection: a few hundred of these cost little client CPU."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def request(
        self, method: str, path: str, headers: dict[str, str], body: bytes = b""
    ) -> tuple[int, str, str]:
        if self.streams is None:
            self.streams = await asyncio.open_connection(HOST, self.port)
        reader, writer = self.streams
        lines = [f"{method} {path} HTTP/1.1", f"Host: {HOST}:{self.port}", f"Content-Length: {len(body)}"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
        status = int(head.split(" ", 2)[1])
        length = re.search(r"(?im)^content-length: *(\d+)", head)
        payload = await reader.readexactly(int(length.group(1))) if length else b""
        if re.search(r"(?im)^connection: *close", head):
            self.close()
        return status, head, payload.decode("utf-8", "replace")

    def close(self) -> None:
        if self.streams is not None:
            self.streams[1].close()
            self.streams = None


class Candidate:
    def __init__(self, port: int, token: str, rng: random.Random) -> None:
        self.client = Client(port)
        self.token = token
        self.rng = rng
        self.headers: dict[str, str] = {}
        self.field = ""

    async def open_page(self) -> tuple[int, float]:
        started = time.perf_counter()
        status, head, page = await self.client.request("GET", f"/a/{self.token}", {})
        cookie = re.search(r"(?im)^set-cookie: *grader_session=([^;]+)", head)
        csrf = re.search(r'"X-CSRF-Token": "([^"]+)"', page)
        field = re.search(r'name="(answer-\d+)"', page)
        if status == 200 and cookie and csrf and field:
            self.headers = {
                "Cookie": f"grader_session={cookie.group(1)}",
                "X-CSRF-Token": csrf.group(1),
                "HX-Request": "true",
                "Content-Type": "application/x-www-form-urlencoded",
            }
            self.field = field.group(1)
        return status, time.perf_counter() - started

    async def autosave(self, until: float, latencies: list[float], errors: list[str]) -> None:
        revision = 0
        while time.monotonic() < until and self.field:
            await asyncio.sleep(self.rng.uniform(1.0, 3.0))
            revision += 1
            body = f"{self.field}={quote(f'Regularisation, draft {revision}: dropout and weight decay.')}"
            started = time.perf_counter()
            try:
                status, _, _ = await asyncio.wait_for(
                    self.client.request("POST", f"/a/{self.token}/save", self.headers, body.encode()),
                    REQUEST_TIMEOUT_S,
                )
            except (TimeoutError, OSError, asyncio.IncompleteReadError) as error:
                errors.append(type(error).__name__)
                self.client.close()
                continue
            latencies.append(time.perf_counter() - started)
            if status != 200:
                errors.append(str(status))


async def burst(candidates: list[Candidate], errors: list[str], *, hang_up_every: int = 0) -> list[float]:
    """Every candidate opens its page at once; with hang_up_every=n, every n-th leaves mid-request."""

    async def one(number: int, candidate: Candidate) -> float | None:
        if hang_up_every and number % hang_up_every == 0:
            client = Client(candidate.client.port)
            task = asyncio.ensure_future(client.request("GET", f"/a/{candidate.token}", {}))
            await asyncio.sleep(0.01)
            task.cancel()
            client.close()
            return None
        try:
            status, seconds = await asyncio.wait_for(candidate.open_page(), REQUEST_TIMEOUT_S)
        except (TimeoutError, OSError, asyncio.IncompleteReadError) as error:
            errors.append(type(error).__name__)
            candidate.client.close()
            return None
        if status != 200:
            errors.append(str(status))
        return seconds

    timings = await asyncio.gather(*(one(n, c) for n, c in enumerate(candidates)))
    return [t for t in timings if t is not None]


async def recovery_seconds(port: int) -> float:
    started = time.monotonic()
    while time.monotonic() - started < RECOVERY_LIMIT_S:
        client = Client(port)
        try:
            status, _, _ = await asyncio.wait_for(client.request("GET", "/healthz", {}), 1.0)
            if status == 200:
                return round(time.monotonic() - started, 2)
        except (TimeoutError, OSError, asyncio.IncompleteReadError):
            pass
        finally:
            client.close()
        await asyncio.sleep(0.1)
    return RECOVERY_LIMIT_S


async def run_load(port: int, tokens: list[str], seconds: float, seed: int) -> dict[str, float | int]:
    candidates = [Candidate(port, token, random.Random(seed + n)) for n, token in enumerate(tokens)]
    errors: list[str] = []
    opens = await burst(candidates, errors)
    saves: list[float] = []
    until = time.monotonic() + seconds
    await asyncio.gather(*(c.autosave(until, saves, errors) for c in candidates))
    reopens = await burst(candidates, errors, hang_up_every=2)
    recovery = await recovery_seconds(port)
    for candidate in candidates:
        candidate.client.close()
    cuts = statistics.quantiles(saves, n=100) if len(saves) > 1 else [0.0] * 99
    return {
        "errors": len(errors),
        "requests": len(opens) + len(saves) + len(reopens),
        "saves": len(saves),
        "p50_ms": round(1000 * cuts[49], 1),
        "p99_ms": round(1000 * cuts[98], 1),
        "burst_max_ms": round(1000 * max(opens + reopens, default=0.0), 1),
        "recovery_s": recovery,
    }


def seed_database(url: str, connect_args: dict[str, str], count: int) -> list[str]:
    engine = create_engine(url, connect_args=connect_args)
    SQLModel.metadata.create_all(engine)
    bank = load_bank(PROJECT_ROOT / "rubrics")
    with Session(engine, expire_on_commit=False) as session:
        owner = create_user(session=session, email="load@example.com", name="Load", password="load-test-pw-1")
        sync_rubric_versions(session=session, bank=bank)
        tokens = []
        for number in range(count):
            assessment = create_candidate(
                session=session,
                bank=bank,
                owner=owner,
                name=f"Candidate {number}",
                email=f"c{number}@example.com",
                profile_id="junior-ml-engineer",
                locale="en",
            )
            tokens.append(issue_invite(session=session, assessment=assessment, ttl_hours=2))
    engine.dispose()
    return tokens


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def measure(
    database_url: str, tokens: list[str], args: argparse.Namespace, var_dir: Path
) -> dict[str, float | int]:
    port = free_port()
    env = os.environ | {
        "DATABASE_URL": database_url,
        "GRADER_VAR_DIR": str(var_dir),
        "GRADER_SECRET_KEY": "load-benchmark-key",
        "GRADER_SANDBOX_WORKERS": "1",
        "GRADER_SANDBOX_UID_BASE": str(args.sandbox_uid_base),
    }
    command = [sys.executable, "-m", "uvicorn", "--factory", "app.main:create_app", "--host", HOST]
    command += ["--port", str(port), "--no-access-log", "--log-level", "warning"]
    with (var_dir / "server.log").open("wb") as log:
        server = subprocess.Popen(command, env=env, cwd=PROJECT_ROOT, stdout=log, stderr=log)
        try:
            if asyncio.run(recovery_seconds(port)) >= RECOVERY_LIMIT_S:
                raise SystemExit(f"the server did not start; see {var_dir / 'server.log'}")
            return asyncio.run(run_load(port, tokens, args.seconds, args.seed))
        finally:
            server.terminate()
            server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--candidates", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    parser.add_argument("--sandbox-uid-base", type=int, default=64200, help="uids nothing else uses")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    results: dict[str, dict[str, float | int]] = {}
    with tempfile.TemporaryDirectory(prefix="grader-load-") as directory:
        var_dir = Path(directory)
        if args.only in (None, "sqlite"):
            url = f"sqlite:///{var_dir / 'load.db'}"
            results["sqlite"] = measure(url, seed_database(url, {}, args.candidates), args, var_dir)
        if args.only in (None, "postgresql"):
            schema = "load_" + uuid.uuid4().hex[:10]
            admin = create_engine(args.postgres)
            with admin.begin() as connection:
                connection.execute(text(f'CREATE SCHEMA "{schema}"'))
            try:
                tokens = seed_database(args.postgres, {"options": f"-csearch_path={schema}"}, args.candidates)
                url = f"{args.postgres}?options=-csearch_path%3D{schema}"
                results["postgresql"] = measure(url, tokens, args, var_dir)
            finally:
                with admin.begin() as connection:
                    connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
                admin.dispose()
    print(
        f"{'database':<12}{'requests':>9}{'errors':>8}{'save p50 ms':>13}{'save p99 ms':>13}"
        f"{'burst max ms':>14}{'recovery s':>12}"
    )
    for name, row in results.items():
        print(
            f"{name:<12}{row['requests']:>9}{row['errors']:>8}{row['p50_ms']:>13}{row['p99_ms']:>13}"
            f"{row['burst_max_ms']:>14}{row['recovery_s']:>12}"
        )
    if args.json:
        print(json.dumps(results))


if __name__ == "__main__":
    main()
