"""`python -m bot import-orgs FILE [--dry-run]`: load organisations from a filled-in template."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

from storage.db import Database
from storage.migrate import upgrade_to_head
from storage.models.enums import OrgLevel
from storage.orgs.import_file import ImportFileError, read_rows
from storage.orgs.importing import ImportReport, import_organizations
from storage.settings import Settings

EXIT_OK, EXIT_FILE, EXIT_ROWS = 0, 1, 2

_PLURALS = {
    OrgLevel.region: "regions",
    OrgLevel.municipality: "municipalities",
    OrgLevel.school: "schools",
}


async def run_import(
    settings: Settings, path: str | Path, dry_run: bool, *, now: datetime | None = None
) -> int:
    path = Path(path)
    # Read before touching the database: a bad file should change nothing at all.
    try:
        rows = read_rows(path)
    except ImportFileError as exc:
        print(f"cannot import {path}: {exc}", file=sys.stderr)
        return EXIT_FILE
    database = Database(settings.database_url)
    try:
        await upgrade_to_head(database.engine)
        async with database.transaction() as session:
            report = await import_organizations(
                session, rows, now or datetime.now(UTC), dry_run=dry_run
            )
    finally:
        await database.dispose()
    print(format_report(report, path))
    return EXIT_OK if report.ok else EXIT_ROWS


def format_report(report: ImportReport, path: Path) -> str:
    lines = [f"{path.name}: {report.rows} row(s) read" + (" (dry run)" if report.dry_run else "")]
    width = max(len(label) for label in _PLURALS.values())
    for level, label in _PLURALS.items():
        lines.append(
            f"  {label + ':':<{width + 1}} {report.created[level]} created, "
            f"{report.reused[level]} reused"
        )
    lines.extend(f"error: {problem}" for problem in report.errors)
    lines.extend(f"warning: {problem}" for problem in report.warnings)
    if report.errors:
        rest = "checked" if report.dry_run else "imported"
        lines.append(f"{report.failed_rows} row(s) failed; the other rows were {rest}")
    if report.dry_run:
        lines.append("dry run: nothing was saved")
    return "\n".join(lines)
