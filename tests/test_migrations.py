"""The Alembic migrations build the same schema as the models, on the test database."""

import os
import uuid
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text
from sqlmodel import SQLModel

import app.models  # noqa: F401
from app.settings import PROJECT_ROOT


def _upgrade(url: str) -> None:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))  # configparser interpolates %
    command.upgrade(config, "head")


def test_upgrade_head_on_an_empty_database_has_no_drift(tmp_path: Path) -> None:
    postgres = os.environ.get("TEST_DATABASE_URL", "")
    schema = "m_" + uuid.uuid4().hex[:10]
    if postgres:
        admin = create_engine(postgres)
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = postgres + ("&" if "?" in postgres else "?") + f"options=-csearch_path%3D{schema}"
    else:
        url = f"sqlite:///{tmp_path / 'migrated.db'}"
    try:
        _upgrade(url)
        engine = create_engine(url)
        with engine.connect() as connection:
            tables = set(inspect(connection).get_table_names())
            assert set(SQLModel.metadata.tables) <= tables
            diff = compare_metadata(
                MigrationContext.configure(connection, opts={"compare_type": True}), SQLModel.metadata
            )
        engine.dispose()
        assert diff == [], f"models and migrations differ: {diff}"
    finally:
        if postgres:
            with admin.begin() as connection:
                connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()
