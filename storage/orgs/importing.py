"""Bulk import of organisations (region → municipality → school): checking and importing rows.

Reading a file and importing its rows are separate steps so the operator gets one clear
line for an unreadable file and a per-row list of problems for a readable one. Nothing
here prints; `bot/import_orgs.py` is the command-line front. The file is read by
`storage/orgs/import_file.py`, the templates are written by `handlers/orgs/template.py`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.enums import OrgLevel, SchoolKind
from storage.models.orgs import Organization
from storage.orgs.import_file import COLUMNS, ImportRow
from storage.orgs.import_values import KIND_LABELS, normal_name, parse_kind, parse_timezone
from storage.orgs.scope import OrgError, create_organization

NAME_MIN, NAME_MAX = 2, 300  # as enforced by create_organization and the column size

LEVELS = (OrgLevel.region, OrgLevel.municipality, OrgLevel.school)  # top down
LEVEL_LABELS = {
    OrgLevel.region: "region",
    OrgLevel.municipality: "municipality",
    OrgLevel.school: "school",
}


@dataclass(frozen=True)
class RowProblem:
    row: int
    reason: str

    def __str__(self) -> str:
        return f"row {self.row}: {self.reason}"


@dataclass
class ImportReport:
    rows: int = 0
    dry_run: bool = False
    created: dict[OrgLevel, int] = field(default_factory=lambda: dict.fromkeys(OrgLevel, 0))
    reused: dict[OrgLevel, int] = field(default_factory=lambda: dict.fromkeys(OrgLevel, 0))
    errors: list[RowProblem] = field(default_factory=list)
    warnings: list[RowProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def failed_rows(self) -> int:
        return len({problem.row for problem in self.errors})


@dataclass(frozen=True)
class _Known:
    id: int
    name: str
    school_kind: str | None
    timezone: str | None
    first_row: int | None  # the row that created it in this run; None if it existed before


@dataclass(frozen=True)
class _Checked:
    row: int
    names: tuple[str, str, str]
    kind: SchoolKind
    timezone: str | None


def check_row(row: ImportRow) -> tuple[_Checked | None, list[RowProblem]]:
    """The row's values ready to import, or every reason it cannot be."""
    problems: list[str] = []
    names = []
    for key, level in (
        ("region", OrgLevel.region),
        ("municipality", OrgLevel.municipality),
        ("school", OrgLevel.school),
    ):
        name = normal_name(getattr(row, key))
        column = f"column «{COLUMNS[key][0]}»"
        if not name:
            problems.append(f"{column} is empty: the {LEVEL_LABELS[level]} name is required")
        elif len(name) < NAME_MIN:
            problems.append(f"{column}: the {LEVEL_LABELS[level]} name {name!r} is too short")
        elif len(name) > NAME_MAX:
            problems.append(
                f"{column}: the {LEVEL_LABELS[level]} name is too long "
                f"({len(name)} characters, at most {NAME_MAX})"
            )
        names.append(name)
    kind = parse_kind(row.kind)
    if kind is None:
        expected = ", ".join(KIND_LABELS.values())
        if row.kind.strip():
            problems.append(
                f"column «Тип»: unknown type {row.kind.strip()!r}; expected: {expected}"
            )
        else:
            problems.append(f"column «Тип» is empty; expected: {expected}")
    timezone = None
    try:
        timezone = parse_timezone(row.timezone)
    except ValueError as exc:
        problems.append(f"column «Часовой пояс»: {exc}")
    if problems or kind is None:
        return None, [RowProblem(row.row, reason) for reason in problems]
    return _Checked(row.row, (names[0], names[1], names[2]), kind, timezone), []


class _Importer:
    def __init__(self, session: AsyncSession, now: datetime, report: ImportReport) -> None:
        self.session = session
        self.now = now
        self.report = report
        # parent id (None for regions) → casefolded name → organisation.
        self.children: dict[int | None, dict[str, _Known]] = {}
        self.reused_ids: set[int] = set()

    async def known_children(self, parent_id: int | None) -> dict[str, _Known]:
        if parent_id not in self.children:
            where = (
                Organization.parent_id.is_(None)
                if parent_id is None
                else Organization.parent_id == parent_id
            )
            found = await self.session.scalars(select(Organization).where(where))
            self.children[parent_id] = {
                org.name.casefold(): _Known(org.id, org.name, org.school_kind, org.timezone, None)
                for org in found
            }
        return self.children[parent_id]

    async def import_row(self, checked: _Checked) -> None:
        # The cache and the counters change only once the row's savepoint is released, so a
        # row that fails half-way leaves no trace in either.
        additions: list[tuple[int | None, _Known, OrgLevel]] = []
        reused: list[tuple[_Known, OrgLevel]] = []
        try:
            async with self.session.begin_nested():
                parent_id: int | None = None
                for level, name in zip(LEVELS, checked.names, strict=True):
                    is_school = level == OrgLevel.school
                    siblings = await self.known_children(parent_id)
                    known = siblings.get(name.casefold())
                    if known is None:
                        org = await create_organization(
                            self.session,
                            level=level,
                            name=name,
                            now=self.now,
                            parent_id=parent_id,
                            school_kind=checked.kind if is_school else None,
                            timezone=checked.timezone if is_school else None,
                        )
                        known = _Known(org.id, org.name, org.school_kind, org.timezone, checked.row)
                        additions.append((parent_id, known, level))
                    else:
                        reused.append((known, level))
                    parent_id = known.id
        except (OrgError, IntegrityError) as exc:
            # Children cached under an organisation that was just rolled back are void.
            for _, known, _ in additions:
                self.children.pop(known.id, None)
            reason = str(exc) if isinstance(exc, OrgError) else "conflicts with a concurrent change"
            self.report.errors.append(RowProblem(checked.row, f"not imported: {reason}"))
            return
        for parent_id, known, level in additions:
            self.children[parent_id][known.name.casefold()] = known
            self.report.created[level] += 1
        for known, level in reused:
            if known.first_row is None and known.id not in self.reused_ids:
                self.reused_ids.add(known.id)
                self.report.reused[level] += 1
            if level == OrgLevel.school:
                self.warn_about_differences(checked, known)

    def warn_about_differences(self, checked: _Checked, known: _Known) -> None:
        where = f"row {known.first_row}" if known.first_row else "the database"
        name = f"«{known.name}»"
        if known.first_row is not None:
            self.report.warnings.append(
                RowProblem(checked.row, f"{name} repeats row {known.first_row}; skipped")
            )
        if known.school_kind != checked.kind:
            labels = {kind.value: label for kind, label in KIND_LABELS.items()}
            stored = labels.get(str(known.school_kind), str(known.school_kind))
            self.report.warnings.append(
                RowProblem(
                    checked.row,
                    f"{name} is already «{stored}» in {where}; "
                    f"type «{KIND_LABELS[checked.kind]}» ignored",
                )
            )
        if checked.timezone is not None and known.timezone != checked.timezone:
            self.report.warnings.append(
                RowProblem(
                    checked.row,
                    f"{name} already has time zone {known.timezone or '(inherited)'} in {where}; "
                    f"{checked.timezone} ignored",
                )
            )


async def import_organizations(
    session: AsyncSession,
    rows: Iterable[ImportRow],
    now: datetime,
    *,
    dry_run: bool = False,
) -> ImportReport:
    """Create what is missing, reuse what exists, report every row that cannot be imported.

    Runs inside the caller's transaction. With `dry_run` everything is done in a savepoint
    that is rolled back, so the report is exactly what a real run would produce.
    """
    report = ImportReport(dry_run=dry_run)
    importer = _Importer(session, now, report)
    outer = await session.begin_nested() if dry_run else None
    try:
        for row in rows:
            report.rows += 1
            checked, problems = check_row(row)
            report.errors.extend(problems)
            if checked is not None:
                await importer.import_row(checked)
    finally:
        if outer is not None:
            await outer.rollback()
    return report
