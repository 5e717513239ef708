"""Registers import benchmark: a school's workbook of N rows (default 2 000: 300 mentors and
1 700 mentees, half of them in pairs) imported through storage/registers into a fresh SQLite
file, as /import and `python -m bot import-people` do, timed in the same run against:
- read: openpyxl reading the same workbook's cells and nothing else (the floor of parsing);
- raw_insert: one executemany of as many rows into a plain sqlite3 table (the floor of
  storing them).
The import is: the checks and parsing of the file, the dry run against the school, the
apply in one transaction. A second import of the same file (everything matched, nothing
written) is timed too. Goal: import < 5 s. Last line:
`registers: rows=<n> import=<s> reimport=<s> read=<s> raw_insert=<s> ratio=<r>`, where
r = import / (read + raw_insert).

    python bench/registers.py              # 2 000 rows
    python bench/registers.py --rows 500
"""

from __future__ import annotations

import argparse
import asyncio
import io
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from handlers.registers.sample import registers_workbook
from storage.db import Database
from storage.migrate import upgrade_to_head
from storage.models.enums import OrgLevel, SchoolKind
from storage.orgs.scope import create_organization
from storage.registers.applying import apply_plan
from storage.registers.plan import make_plan
from storage.registers.reading import read_tables

SCHOOL = "МБОУ СОШ № 1"


async def school(database: Database, now: datetime) -> int:
    async with database.transaction() as s:
        region = await create_organization(s, level=OrgLevel.region, name="Регион", now=now)
        town = await create_organization(
            s, level=OrgLevel.municipality, name="Город", parent_id=region.id, now=now
        )
        found = await create_organization(
            s,
            level=OrgLevel.school,
            name=SCHOOL,
            parent_id=town.id,
            school_kind=SchoolKind.school,
            now=now,
        )
        return found.id


async def import_once(database: Database, school_id: int, data: bytes, now: datetime):
    started = time.perf_counter()
    tables = read_tables(data, "registers.xlsx")
    async with database.transaction() as session:
        plan = await make_plan(session, school_id, tables, now.date())
        await apply_plan(session, plan, None, now)
    return time.perf_counter() - started, plan


def read_floor(data: bytes) -> float:
    from openpyxl import load_workbook

    started = time.perf_counter()
    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    cells = sum(len(row) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True))
    book.close()
    assert cells
    return time.perf_counter() - started


def insert_floor(path: Path, rows: int) -> float:
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, fields TEXT, code TEXT)")
    values = [
        (f"Имя {i}", '{"request": "дисциплина на уроках"}', f"code{i:018d}") for i in range(rows)
    ]
    started = time.perf_counter()
    with connection:
        connection.executemany("INSERT INTO t (name, fields, code) VALUES (?, ?, ?)", values)
    elapsed = time.perf_counter() - started
    connection.close()
    return elapsed


async def main(rows: int) -> None:
    now = datetime.now(UTC)
    mentors = max(1, rows * 3 // 20)
    data, _mentors, _mentees = registers_workbook(
        SCHOOL, mentors, rows - mentors, today=now.date(), per_mentor=3
    )
    read_from_openpyxl = read_floor(data)  # also loads openpyxl, as the bot has it loaded
    with tempfile.TemporaryDirectory() as folder:
        database = Database(f"sqlite+aiosqlite:///{folder}/bench.sqlite3")
        await upgrade_to_head(database.engine)
        school_id = await school(database, now)
        first, plan = await import_once(database, school_id, data, now)
        again, replan = await import_once(database, school_id, data, now)
        await database.dispose()
        raw_insert = insert_floor(Path(folder) / "raw.sqlite3", rows)
    assert len(plan.new) == plan.rows and not replan.changes_anything
    read = read_floor(data)
    print(
        f"people={len(plan.new)} pairs={len(plan.new_pairs)} "
        f"(first read of openpyxl {read_from_openpyxl:.2f}s)"
    )
    print(
        f"registers: rows={plan.rows} import={first:.2f} reimport={again:.2f} read={read:.2f} "
        f"raw_insert={raw_insert:.3f} ratio={first / (read + raw_insert):.1f}"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2000)
    asyncio.run(main(parser.parse_args().rows))
