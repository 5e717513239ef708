"""`python -m bot backup [PATH]`: a consistent copy of the database while the bot runs.

SQLite: the online backup API (sqlite3.Connection.backup) copies the database page by page
while the bot keeps writing (WAL mode); the copy is a single self-contained file.
PostgreSQL: `pg_dump --format=custom` when pg_dump is on PATH (restore with pg_restore);
without it the command to run is printed and the exit code is 1.

PATH is a file, or a directory for a timestamped file; the default is ./data/backups/.
"""

from __future__ import annotations

import os
import shlex
import shutil
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import make_url

from storage.settings import Settings

DEFAULT_DIRECTORY = Path("data/backups")


class BackupError(Exception):
    """A backup that could not be made; the message says why and what to do."""


def target_path(path: str | None, suffix: str, now: datetime) -> Path:
    name = f"mentorship-{now.strftime('%Y%m%d-%H%M%S')}{suffix}"
    if path is None:
        return DEFAULT_DIRECTORY / name
    target = Path(path)
    if target.is_dir() or path.endswith(("/", "\\")):
        return target / name
    return target


def backup_sqlite(database_url: str, target: Path) -> Path:
    source_path = make_url(database_url).database
    if not source_path or source_path == ":memory:" or not Path(source_path).exists():
        raise BackupError(f"the SQLite database {source_path!r} does not exist")
    if target.exists():
        raise BackupError(f"{target} already exists; choose another file")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    source = sqlite3.connect(source_path)
    try:
        copy = sqlite3.connect(partial)
        try:
            source.backup(copy, pages=1024)
            (result,) = copy.execute("PRAGMA integrity_check").fetchone()
            if result != "ok":
                raise BackupError(f"the copy failed its integrity check: {result}")
        finally:
            copy.close()
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        source.close()
    partial.rename(target)
    return target


def pg_dump_command(database_url: str, target: Path) -> list[str]:
    url = make_url(database_url)
    command = ["pg_dump", "--format=custom", "--no-owner", f"--file={target}"]
    if url.host:
        command.append(f"--host={url.host}")
    if url.port:
        command.append(f"--port={url.port}")
    if url.username:
        command.append(f"--username={url.username}")
    command.append(url.database or "")
    return command


def backup_postgres(database_url: str, target: Path) -> Path:
    command = pg_dump_command(database_url, target)
    password = make_url(database_url).password
    shown = shlex.join(command)
    if shutil.which("pg_dump") is None:
        raise BackupError(
            "pg_dump is not installed here; back up PostgreSQL with\n"
            f"  {'PGPASSWORD=... ' if password else ''}{shown}\n"
            "(install postgresql-client, or run it where PostgreSQL runs)"
        )
    if target.exists():
        raise BackupError(f"{target} already exists; choose another file")
    target.parent.mkdir(parents=True, exist_ok=True)
    env = None
    if password:
        env = {**os.environ, "PGPASSWORD": str(password)}
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        target.unlink(missing_ok=True)
        raise BackupError(f"pg_dump failed ({result.returncode}): {result.stderr.strip()}")
    return target


def run_backup(settings: Settings, path: str | None, now: datetime | None = None) -> int:
    now = now or datetime.now(UTC)
    url = settings.database_url
    try:
        if make_url(url).get_backend_name() == "sqlite":
            made = backup_sqlite(url, target_path(path, ".sqlite3", now))
        else:
            made = backup_postgres(url, target_path(path, ".dump", now))
    except (BackupError, sqlite3.Error, OSError) as exc:
        print(f"backup failed: {exc}", file=sys.stderr)
        return 1
    print(f"backup written to {made} ({made.stat().st_size} bytes)")
    return 0
