"""One settings object for the whole app, read once from the environment (prefix GRADER_)."""

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="GRADER_", env_file=".env", extra="ignore")

    # DATABASE_URL is the conventional name; GRADER_DATABASE_URL works too.
    database_url: str = Field(
        default=f"sqlite:///{PROJECT_ROOT / 'var' / 'grader.db'}",
        validation_alias="DATABASE_URL",
    )
    secret_key: str = ""  # empty: a random key is generated and kept in var/secret_key
    rubrics_dir: Path = PROJECT_ROOT / "rubrics"
    var_dir: Path = PROJECT_ROOT / "var"

    # Embedding model: a sentence-transformers name or path; "bundled" is the packaged MiniLM.
    embedding_model: str = "bundled"
    # Japanese answers: MiniLM is English-only; "use-multilingual" is the bundled USE multilingual v3.
    multilingual_embedding_model: str = "use-multilingual"
    # Two, so one candidate's looping code (one worker in the sandbox) never stalls everyone's grading.
    grading_workers: int = 2
    grading_max_attempts: int = 3
    # The verifier (entails / contradicts / neither) over the spans similarity picks; its trained
    # files ship in models/verifier (`grader model train-verifier` makes them). Off by default for
    # now: it halves wrong claims' pass rate on the adversarial set but lowers agreement with human
    # graders on Mohler (Pearson 0.588 -> 0.494), which the default must not do (benchmarks/README.md).
    verifier: bool = False
    verifier_dir: Path = PROJECT_ROOT / "models" / "verifier"

    # Requests served at once: sizes the worker threads and the database pool together (app/db.py).
    # Few: the work is CPU-bound under one GIL, and more threads only queue behind each other
    # (benchmarks/load.py: save p99 on SQLite 53 ms with 8, 55-420 ms with 40).
    request_concurrency: int = 8
    # A request that waits longer than this for a database connection gets 503 "busy, try again".
    busy_timeout_s: float = 10.0

    invite_ttl_hours: int = 72
    session_max_age_s: int = 12 * 3600
    secure_cookies: bool = False  # set true behind HTTPS so the session cookie is never sent in clear
    default_locale: str = "en"

    # Input limits (bytes of UTF-8 text)
    max_text_answer_bytes: int = 20_000
    max_code_answer_bytes: int = 50_000
    max_request_bytes: int = 1_000_000

    # Sandbox defaults; a code question may override them in its rubric.
    sandbox_cpu_seconds: float = 2.0
    sandbox_wall_seconds: float = 5.0
    sandbox_memory_mb: int = 512
    sandbox_max_processes: int = 32
    sandbox_output_bytes: int = 64 * 1024
    sandbox_file_size_mb: int = 8
    sandbox_open_files: int = 64
    sandbox_scratch_mb: int = 16  # each tmpfs inside: /tmp and /box
    sandbox_workers: int = 2
    # Worker slot N runs code as uid (and gid) sandbox_uid_base + N; no account is needed, but
    # nothing else may use these uids (RLIMIT_NPROC counts every process of the uid).
    sandbox_uid_base: int = 64100
    sandbox_allow_unsafe: bool = False  # development only: run code without isolation
    examples_runs_per_minute: int = 10  # per invite
    examples_runs_per_address_per_minute: int = 30  # per client address, across invites
    examples_wait_s: float = 3.0  # an example run waits this long for a free slot, then 503

    first_user_email: str = ""
    first_user_password: str = ""


@lru_cache
def get_settings() -> Settings:
    return Settings()
