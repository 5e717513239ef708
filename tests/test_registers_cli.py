"""`python -m bot import-people FILE --school NAME [--dry-run]`: the last line, the exit
codes, and the dry run that saves nothing."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime

from sqlalchemy import func, select

from bot.import_people import run_import_people
from handlers.registers.sample import registers_workbook
from storage.models import RegisterEntry, RegisterPair
from storage.settings import Settings
from tests.support.seed import build_tree

NOW = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)
SCHOOL = "МБОУ лицей № 9"


async def entries(database) -> tuple[int, int]:
    async with database.reading() as s:
        people = await s.scalar(select(func.count()).select_from(RegisterEntry))
        pairs = await s.scalar(select(func.count()).select_from(RegisterPair))
        return people, pairs


async def test_exit_codes_and_the_last_line(database, settings: Settings, tmp_path, capsys):
    await build_tree(database, NOW)
    data, _m, _e = registers_workbook(SCHOOL, 4, 10, today=NOW.date(), bad_rows=3, per_mentor=2)
    path = tmp_path / "registers.xlsx"
    path.write_bytes(data)

    assert await run_import_people(settings, path, SCHOOL, dry_run=True, now=NOW) == 2
    out = capsys.readouterr().out.splitlines()
    assert out[-1] == "import: rows=14 new=11 matched=0 pairs=5 errors=3"
    assert "dry run: nothing was saved" in out
    assert any(
        line.startswith("refused: «База наставляемых», row 3: the year of birth") for line in out
    )
    assert await entries(database) == (0, 0)

    assert await run_import_people(settings, path, SCHOOL, dry_run=False, now=NOW) == 2
    assert capsys.readouterr().out.splitlines()[-1] == (
        "import: rows=14 new=11 matched=0 pairs=5 errors=3"
    )
    assert await entries(database) == (11, 5)
    # The same file again: everything matched, nothing new.
    await run_import_people(settings, path, f"Сальский район / {SCHOOL}", dry_run=False, now=NOW)
    assert capsys.readouterr().out.splitlines()[-1] == (
        "import: rows=14 new=0 matched=11 pairs=5 errors=3"
    )
    assert await entries(database) == (11, 5)

    clean, _m, _e = registers_workbook(SCHOOL, 2, 2, today=NOW.date())
    path.write_bytes(clean)
    assert await run_import_people(settings, path, SCHOOL, dry_run=True, now=NOW) == 0

    path.write_bytes(b"not a workbook")
    assert await run_import_people(settings, path, SCHOOL, dry_run=False, now=NOW) == 1
    assert "cannot import" in capsys.readouterr().err
    path.write_bytes(clean)
    assert await run_import_people(settings, path, "Нет такой школы", dry_run=False, now=NOW) == 1
    assert "no such school" in capsys.readouterr().err


def test_the_command_line_requires_the_school():
    result = subprocess.run(
        [sys.executable, "-m", "bot", "import-people", "file.xlsx"],
        capture_output=True,
        text=True,
        env={"BOT_TOKEN": "1:x", "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 2 and 'import-people needs --school "NAME"' in result.stderr
