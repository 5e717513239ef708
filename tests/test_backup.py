"""`python -m bot backup`: SQLite's online backup, pg_dump for PostgreSQL, clear failures."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from bot.backup import pg_dump_command, run_backup, target_path
from storage.settings import Settings
from tests.conftest import TEST_TOKEN

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 11, 23, 7, 5, 9, tzinfo=UTC)


def settings_for(db_url: str) -> Settings:
    return Settings(_env_file=None, bot_token=TEST_TOKEN, database_url=db_url)


def run_cli(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "DATABASE_"))},
        "PYTHONPATH": str(ROOT),
        "BOT_TOKEN": TEST_TOKEN,
        **env,
    }
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_default_target_is_a_timestamped_file_under_data_backups(tmp_path: Path):
    assert target_path(None, ".sqlite3", NOW) == Path(
        "data/backups/mentorship-20261123-070509.sqlite3"
    )
    assert target_path(str(tmp_path), ".dump", NOW) == tmp_path / "mentorship-20261123-070509.dump"
    assert target_path(str(tmp_path / "x.db"), ".sqlite3", NOW) == tmp_path / "x.db"


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
async def test_sqlite_backup_is_a_complete_copy_taken_while_the_bot_writes(
    harness, db_url, tmp_path: Path
):
    # A conversation in progress: the bot has written to the database (WAL) and is running.
    user = harness.client.user(4401, first_name="Ирина")
    await user.send("/start")
    await user.send("/feedback")
    target = tmp_path / "copies" / "one.sqlite3"
    assert run_backup(settings_for(db_url), str(target), NOW) == 0
    copy = sqlite3.connect(target)
    try:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        people = copy.execute("SELECT count(*) FROM people WHERE telegram_id = 4401").fetchone()
        tables = {r[0] for r in copy.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    finally:
        copy.close()
    assert people == (1,)
    assert {"alembic_version", "processed_updates", "outbox"} <= tables
    assert not list(target.parent.glob("*.partial"))
    # A second backup never overwrites the first.
    assert run_backup(settings_for(db_url), str(target), NOW) == 1


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_the_command_writes_under_data_backups_by_default(db_url, tmp_path: Path):
    result = run_cli(["backup"], tmp_path, DATABASE_URL=db_url)
    assert result.returncode == 0, result.stderr
    (made,) = (tmp_path / "data" / "backups").glob("mentorship-*.sqlite3")
    assert result.stdout.startswith(f"backup written to data/backups/{made.name} (")
    assert made.stat().st_size > 0


def test_a_missing_sqlite_database_fails_with_a_clear_message(tmp_path: Path, capsys):
    url = f"sqlite+aiosqlite:///{tmp_path / 'nothing.sqlite3'}"
    assert run_backup(settings_for(url), str(tmp_path / "out.sqlite3"), NOW) == 1
    assert "backup failed: the SQLite database" in capsys.readouterr().err
    assert not (tmp_path / "nothing.sqlite3").exists()
    assert not (tmp_path / "out.sqlite3").exists()


def test_pg_dump_command_names_the_server_and_hides_nothing_it_needs():
    command = pg_dump_command(
        "postgresql+asyncpg://bot:secret@db.internal:5433/mentorship", Path("b.dump")
    )
    assert command == [
        "pg_dump",
        "--format=custom",
        "--no-owner",
        "--file=b.dump",
        "--host=db.internal",
        "--port=5433",
        "--username=bot",
        "mentorship",
    ]
    assert "secret" not in " ".join(command)


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_without_pg_dump_the_command_to_run_is_printed(db_url, tmp_path: Path):
    empty = tmp_path / "bin"
    empty.mkdir()
    result = run_cli(["backup", "b.dump"], tmp_path, DATABASE_URL=db_url, PATH=str(empty))
    assert result.returncode == 1
    assert "pg_dump is not installed here; back up PostgreSQL with" in result.stderr
    database = make_url(db_url).database
    assert "pg_dump --format=custom --no-owner --file=b.dump" in result.stderr
    assert result.stderr.rstrip().splitlines()[1].endswith(database)
    assert not (tmp_path / "b.dump").exists()


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_with_pg_dump_a_custom_format_dump_is_written(db_url, tmp_path: Path):
    if shutil.which("pg_dump") is None or shutil.which("pg_restore") is None:
        pytest.skip("pg_dump and pg_restore (postgresql-client) are not installed")
    result = run_cli(["backup", str(tmp_path)], tmp_path, DATABASE_URL=db_url)
    assert result.returncode == 0, result.stderr
    (made,) = tmp_path.glob("mentorship-*.dump")
    listing = subprocess.run(
        ["pg_restore", "--list", str(made)], capture_output=True, text=True, check=True
    ).stdout
    assert "TABLE public outbox" in listing and "TABLE public people" in listing
