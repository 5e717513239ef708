"""`python -m bot import-people FILE --school "NAME" [--dry-run]`: a school's registers from
an .xlsx or .csv file, as /import does in the chat. The last line is
`import: rows=<n> new=<n> matched=<n> pairs=<n> errors=<n>`; the exit code is 0 when every
row was taken, 2 when some were refused, 1 when the file (or the school) cannot be used.
Invitations are made for the new people; their curator gets the links and cards in /import.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import build_i18n
from handlers.registers.texts import file_problem, note_text, refusal_text, where
from storage.db import Database
from storage.migrate import upgrade_to_head
from storage.models.enums import OrgLevel
from storage.models.orgs import Organization
from storage.registers.applying import apply_plan, lock_school
from storage.registers.pairs import form_ready
from storage.registers.plan import ImportPlan, make_plan
from storage.registers.reading import MAX_BYTES, FileProblem, read_tables
from storage.registers.values import folded
from storage.settings import Settings

EXIT_OK, EXIT_FILE, EXIT_ROWS = 0, 1, 2


async def run_import_people(
    settings: Settings, path: str | Path, school: str, dry_run: bool, *, now: datetime | None = None
) -> int:
    path = Path(path)
    i18n = build_i18n("en")
    with i18n.context(), i18n.use_locale("en"):
        # Read before touching the database: a bad file changes nothing at all.
        try:
            if not path.is_file():
                print(f"cannot import {path}: file not found", file=sys.stderr)
                return EXIT_FILE
            if path.stat().st_size > MAX_BYTES:
                raise FileProblem("too_big", size=path.stat().st_size, limit=MAX_BYTES)
            tables = read_tables(path.read_bytes(), path.name)
        except FileProblem as problem:
            print(f"cannot import {path}: {_plain(file_problem(problem))}", file=sys.stderr)
            return EXIT_FILE
        database = Database(settings.database_url)
        try:
            await upgrade_to_head(database.engine)
            async with database.transaction() as session:
                found = await find_school(session, school)
                if isinstance(found, str):
                    print(f"cannot import into {school!r}: {found}", file=sys.stderr)
                    return EXIT_FILE
                moment = now or datetime.now(UTC)
                await lock_school(session, found.id)
                plan = await make_plan(session, found.id, tables, moment.date())
                if not dry_run:
                    await apply_plan(session, plan, None, moment)
                    await form_ready(session, moment, found.id)
        finally:
            await database.dispose()
        for sheet, role, rows in plan.registers:
            print(f"{sheet or path.name}: {role.value} register, {rows} row(s)")
        for refusal in plan.refused:
            print(f"refused: {_plain(where(refusal.ref))}: {_plain(refusal_text(refusal))}")
        for note in plan.notes:
            print(f"note: {_plain(note_text(note))}")
        if dry_run:
            print("dry run: nothing was saved")
        print(summary_line(plan))
        return EXIT_ROWS if plan.refused else EXIT_OK


def summary_line(plan: ImportPlan) -> str:
    return (
        f"import: rows={plan.rows} new={len(plan.new)} matched={len(plan.matched)} "
        f"pairs={len(plan.pairs)} errors={plan.refused_rows}"
    )


def _plain(text: str) -> str:
    return text.replace("<b>", "").replace("</b>", "").replace("&lt;", "<").replace("&gt;", ">")


async def find_school(session: AsyncSession, name: str) -> Organization | str:
    """The school by name, or «Municipality / School» when names repeat; else the reason."""
    municipality, _sep, school = name.rpartition("/")
    schools = (
        await session.scalars(select(Organization).where(Organization.level == OrgLevel.school))
    ).all()
    found = [s for s in schools if folded(s.name) == folded(school)]
    if municipality.strip():
        parents = {
            org.id
            for org in (
                await session.scalars(
                    select(Organization).where(Organization.level == OrgLevel.municipality)
                )
            ).all()
            if folded(org.name) == folded(municipality)
        }
        found = [s for s in found if s.parent_id in parents]
    if not found:
        return "no such school"
    if len(found) > 1:
        return 'several schools have this name; give "Municipality / School"'
    return found[0]
