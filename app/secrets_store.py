"""The session-signing key: from settings, or generated once and kept in var/ (never in the repo)."""

import secrets
from pathlib import Path


def signing_key(configured: str, var_dir: Path) -> str:
    if configured:
        return configured
    path = var_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.touch(mode=0o600)
    path.write_text(key)
    return key
