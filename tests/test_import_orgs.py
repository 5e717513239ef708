"""Bulk import of organisations: templates, parsing, the import itself and the CLI."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from bot.import_orgs import run_import
from handlers.orgs.template import write_template
from storage.db import Database
from storage.models.enums import OrgLevel
from storage.models.orgs import Organization
from storage.orgs.import_file import ImportFileError, ImportRow, read_rows
from storage.orgs.import_values import parse_timezone
from storage.orgs.importing import import_organizations
from storage.orgs.scope import create_organization
from storage.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "templates"
HEADER = ["Регион", "Муниципалитет", "Образовательная организация", "Тип", "Часовой пояс"]

ROSTOV = "Ростовская область"
SALSK = "Сальский район"
YUGRA = "Ханты-Мансийский автономный округ — Югра"
SURGUT = "город Сургут"
TEMPLATE_TREE = {
    (ROSTOV, SALSK, "МБОУ лицей № 9 г. Сальска", "school", "Europe/Moscow"),
    (ROSTOV, SALSK, "ГБПОУ РО «Сальский индустриальный техникум»", "college", "Europe/Moscow"),
    (YUGRA, SURGUT, "МБОУ СОШ № 1", "school", "Asia/Yekaterinburg"),
    (YUGRA, SURGUT, "МБДОУ детский сад № 5 «Берёзка»", "kindergarten", None),
}


def write_csv(path: Path, rows: list[list[str]], delimiter: str = ",", encoding="utf-8-sig"):
    with path.open("w", encoding=encoding, newline="") as stream:
        csv.writer(stream, delimiter=delimiter).writerows(rows)
    return path


def write_xlsx(path: Path, rows: list[list[object]]) -> Path:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    workbook.save(path)
    return path


async def school_tree(database: Database) -> set[tuple[str, str, str, str | None, str | None]]:
    async with database.reading() as session:
        orgs = {org.id: org for org in (await session.scalars(select(Organization))).all()}
    tree = set()
    for org in orgs.values():
        if org.level == OrgLevel.school:
            municipality = orgs[org.parent_id]
            region = orgs[municipality.parent_id]
            tree.add((region.name, municipality.name, org.name, org.school_kind, org.timezone))
    return tree


async def count_by_level(database: Database) -> dict[str, int]:
    async with database.reading() as session:
        result = await session.execute(
            select(Organization.level, func.count()).group_by(Organization.level)
        )
        return {level: count for level, count in result.all()}


async def run(database: Database, rows: list[ImportRow], now, *, dry_run: bool = False):
    async with database.transaction() as session:
        return await import_organizations(session, rows, now, dry_run=dry_run)


# ---------------------------------------------------------------------------- templates


def test_shipped_templates_are_what_write_template_produces(tmp_path: Path):
    write_template(tmp_path / "organizations.csv")
    write_template(tmp_path / "organizations.xlsx")
    assert (TEMPLATES / "organizations.csv").read_bytes() == (
        tmp_path / "organizations.csv"
    ).read_bytes()
    assert (TEMPLATES / "organizations.csv").read_bytes().startswith(b"\xef\xbb\xbf")

    shipped = load_workbook(TEMPLATES / "organizations.xlsx")
    fresh = load_workbook(tmp_path / "organizations.xlsx")
    assert shipped.sheetnames == fresh.sheetnames == ["Организации", "Справка"]
    for name in shipped.sheetnames:
        assert list(shipped[name].values) == list(fresh[name].values)
    data = shipped.worksheets[0]
    assert [cell.value for cell in data[1]] == HEADER
    assert data.freeze_panes == "A2"
    assert data.column_dimensions["C"].width >= 40
    assert read_rows(TEMPLATES / "organizations.csv") == read_rows(TEMPLATES / "organizations.xlsx")


@pytest.mark.parametrize("name", ["organizations.xlsx", "organizations.csv"])
async def test_a_shipped_template_imports_cleanly(database: Database, clock, name: str):
    report = await run(database, read_rows(TEMPLATES / name), clock.now())

    assert report.ok, report.errors
    assert report.warnings == []
    assert report.rows == 4
    assert report.created == {OrgLevel.region: 2, OrgLevel.municipality: 2, OrgLevel.school: 4}
    assert report.reused == dict.fromkeys(OrgLevel, 0)
    assert await school_tree(database) == TEMPLATE_TREE
    assert await count_by_level(database) == {"region": 2, "municipality": 2, "school": 4}


async def test_a_second_import_creates_nothing(database: Database, clock):
    await run(database, read_rows(TEMPLATES / "organizations.csv"), clock.now())
    again = await run(database, read_rows(TEMPLATES / "organizations.xlsx"), clock.now())

    assert again.ok
    assert again.created == dict.fromkeys(OrgLevel, 0)
    assert again.reused == {OrgLevel.region: 2, OrgLevel.municipality: 2, OrgLevel.school: 4}
    assert again.warnings == []
    assert await count_by_level(database) == {"region": 2, "municipality": 2, "school": 4}


async def test_existing_organisations_are_reused_whatever_the_case_and_spacing(
    database: Database, clock
):
    async with database.transaction() as session:
        region = await create_organization(
            session, level=OrgLevel.region, name=ROSTOV, now=clock.now()
        )
        await create_organization(
            session,
            level=OrgLevel.municipality,
            name=SALSK,
            now=clock.now(),
            parent_id=region.id,
        )
    rows = [
        ImportRow(2, "  ростовская   ОБЛАСТЬ ", "Сальский  район", "МБОУ СОШ № 2", "Школа", ""),
        ImportRow(3, ROSTOV, SALSK, "мбоу сош № 2", "школа", ""),
    ]
    report = await run(database, rows, clock.now())

    assert report.ok
    assert report.created == {OrgLevel.region: 0, OrgLevel.municipality: 0, OrgLevel.school: 1}
    assert report.reused == {OrgLevel.region: 1, OrgLevel.municipality: 1, OrgLevel.school: 0}
    assert [str(w) for w in report.warnings] == ["row 3: «МБОУ СОШ № 2» repeats row 2; skipped"]
    assert await school_tree(database) == {(ROSTOV, SALSK, "МБОУ СОШ № 2", "school", None)}


async def test_a_different_type_or_zone_for_an_existing_school_is_a_warning(
    database: Database, clock
):
    await run(database, read_rows(TEMPLATES / "organizations.csv"), clock.now())
    rows = [ImportRow(2, YUGRA, SURGUT, "МБОУ СОШ № 1", "колледж", "UTC+6")]
    report = await run(database, rows, clock.now())

    assert report.ok
    reasons = [w.reason for w in report.warnings]
    assert reasons == [
        "«МБОУ СОШ № 1» is already «школа» in the database; type «колледж» ignored",
        "«МБОУ СОШ № 1» already has time zone Asia/Yekaterinburg in the database; "
        "Asia/Omsk ignored",
    ]
    assert await school_tree(database) == TEMPLATE_TREE


# ---------------------------------------------------------------------------- bad rows


async def test_bad_rows_are_reported_and_the_good_ones_imported(
    database: Database, clock, tmp_path: Path
):
    path = write_csv(
        tmp_path / "orgs.csv",
        [
            HEADER,
            [ROSTOV, SALSK, "МБОУ СОШ № 1", "школа", ""],
            [ROSTOV, SALSK, "МБОУ гимназия № 2", "гимназия", ""],
            ["Омская область", "город Омск", "БОУ СОШ № 3", "школа", "Asia/Omks"],
            ["Омская область", "", "БОУ СОШ № 4", "школа", ""],
            [],
            [ROSTOV, SALSK, "Ш" * 301, "школа", ""],
            [ROSTOV, SALSK, "МБДОУ детский сад № 7", "детский сад", "UTC+3"],
            [ROSTOV, SALSK, "", "", "UTC-4"],
        ],
    )
    report = await run(database, read_rows(path), clock.now())

    errors = [str(problem) for problem in report.errors]
    assert errors == [
        "row 3: column «Тип»: unknown type 'гимназия'; expected: школа, детский сад, колледж, "
        "дополнительное образование",
        "row 4: column «Часовой пояс»: unknown time zone 'Asia/Omks': expected an IANA name "
        "such as Asia/Yekaterinburg or an offset such as UTC+5",
        "row 5: column «Муниципалитет» is empty: the municipality name is required",
        "row 7: column «Образовательная организация»: the school name is too long "
        "(301 characters, at most 300)",
        "row 9: column «Образовательная организация» is empty: the school name is required",
        "row 9: column «Тип» is empty; expected: школа, детский сад, колледж, "
        "дополнительное образование",
        "row 9: column «Часовой пояс»: no Russian time zone has the offset UTC-4: "
        "expected UTC+2 … UTC+12",
    ]
    assert report.failed_rows == 5
    assert not report.ok
    assert report.created == {OrgLevel.region: 1, OrgLevel.municipality: 1, OrgLevel.school: 2}
    # A failed row creates nothing, not even its region.
    assert await school_tree(database) == {
        (ROSTOV, SALSK, "МБОУ СОШ № 1", "school", None),
        (ROSTOV, SALSK, "МБДОУ детский сад № 7", "kindergarten", "Europe/Moscow"),
    }
    assert await count_by_level(database) == {"region": 1, "municipality": 1, "school": 2}


async def test_a_dry_run_reports_everything_and_saves_nothing(database: Database, clock):
    rows = [*read_rows(TEMPLATES / "organizations.csv"), ImportRow(6, "X", "Y", "Z", "?", "")]
    report = await run(database, rows, clock.now(), dry_run=True)

    assert report.dry_run
    assert report.created == {OrgLevel.region: 2, OrgLevel.municipality: 2, OrgLevel.school: 4}
    assert report.failed_rows == 1
    assert await count_by_level(database) == {}


# ---------------------------------------------------------------------------- time zones


@pytest.mark.parametrize(
    ("text", "zone"),
    [
        ("UTC+2", "Europe/Kaliningrad"),
        ("+3", "Europe/Moscow"),
        ("GMT+4", "Europe/Samara"),
        ("UTC+5", "Asia/Yekaterinburg"),
        ("utc +06:00", "Asia/Omsk"),
        ("+7", "Asia/Krasnoyarsk"),
        ("UTC+8", "Asia/Irkutsk"),
        ("UTC+9", "Asia/Yakutsk"),
        ("UTC+10", "Asia/Vladivostok"),
        ("UTC+11", "Asia/Magadan"),
        ("UTC+12", "Asia/Kamchatka"),
        ("5", "Asia/Yekaterinburg"),
        ("Asia/Novosibirsk", "Asia/Novosibirsk"),
        ("asia/yekaterinburg", "Asia/Yekaterinburg"),
        ("", None),
    ],
)
def test_offsets_map_to_russian_zones(text: str, zone: str | None):
    assert parse_timezone(text) == zone


@pytest.mark.parametrize("text", ["UTC+1", "UTC-3", "UTC+5:30", "+13", "Europe/Atlantis", "МСК"])
def test_a_bad_zone_is_refused(text: str):
    with pytest.raises(ValueError):
        parse_timezone(text)


async def test_an_offset_typed_into_excel_as_a_number_still_maps(
    database: Database, clock, tmp_path: Path
):
    # Excel stores a typed "+5" as the number 5.
    path = write_xlsx(
        tmp_path / "orgs.xlsx",
        [HEADER, [YUGRA, SURGUT, "МБОУ СОШ № 1", "школа", 5], [YUGRA, SURGUT, 27, "школа", 7.0]],
    )
    report = await run(database, read_rows(path), clock.now())

    assert report.ok, report.errors
    assert await school_tree(database) == {
        (YUGRA, SURGUT, "МБОУ СОШ № 1", "school", "Asia/Yekaterinburg"),
        (YUGRA, SURGUT, "27", "school", "Asia/Krasnoyarsk"),
    }


# ---------------------------------------------------------------------------- reading files


@pytest.mark.parametrize(
    ("delimiter", "encoding"),
    [(";", "utf-8-sig"), (",", "utf-8"), (";", "cp1251"), ("\t", "utf-8")],
)
def test_csv_delimiters_and_encodings(tmp_path: Path, delimiter: str, encoding: str):
    path = write_csv(
        tmp_path / "orgs.csv",
        [HEADER, [ROSTOV, SALSK, "МБОУ лицей № 9, г. Сальск", "школа", "+3"]],
        delimiter=delimiter,
        encoding=encoding,
    )
    assert read_rows(path) == [
        ImportRow(2, ROSTOV, SALSK, "МБОУ лицей № 9, г. Сальск", "школа", "+3")
    ]


def test_headers_are_matched_loosely_and_empty_rows_skipped(tmp_path: Path):
    path = write_xlsx(
        tmp_path / "orgs.xlsx",
        [
            [],
            ["  REGION ", "Notes", "municipality", "School", "KIND"],
            [ROSTOV, "a note", SALSK, "МБОУ СОШ № 1", "школа"],
            [None, None, None, None, None],
            [None, "only a note", None, None, None],
            [ROSTOV, None, SALSK, "МБОУ СОШ № 2", "школа"],
        ],
    )
    assert read_rows(path) == [
        ImportRow(3, ROSTOV, SALSK, "МБОУ СОШ № 1", "школа", ""),
        ImportRow(6, ROSTOV, SALSK, "МБОУ СОШ № 2", "школа", ""),
    ]


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("orgs.csv", None, "file not found"),
        ("orgs.xls", b"", "unsupported file type '.xls': expected .xlsx or .csv"),
        ("orgs.xlsx", b"not a zip", "cannot read orgs.xlsx as an .xlsx workbook"),
        ("orgs.csv", b"", "the file is empty"),
        (
            "orgs.csv",
            "Регион;Муниципалитет;Школа\nА;Б;В\n".encode(),
            "missing required column(s) «Образовательная организация», «Тип» in the header (row 1)",
        ),
        ("orgs.csv", "Регион,Регион\n".encode(), "column «Регион» appears twice"),
    ],
)
def test_an_unreadable_file_gives_one_clear_error(
    tmp_path: Path, name: str, content: bytes | None, expected: str
):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(ImportFileError) as caught:
        read_rows(path)
    assert expected in str(caught.value)
    assert "\n" not in str(caught.value)


# ---------------------------------------------------------------------------- the command


async def test_run_import_reports_and_returns_2_when_rows_fail(
    settings: Settings, database: Database, clock, tmp_path: Path, capsys
):
    path = write_csv(
        tmp_path / "orgs.csv",
        [HEADER, [ROSTOV, SALSK, "МБОУ СОШ № 1", "школа", ""], [ROSTOV, SALSK, "X2", "вуз", ""]],
    )
    assert await run_import(settings, path, dry_run=False, now=clock.now()) == 2
    out = capsys.readouterr().out
    assert "schools:        1 created, 0 reused" in out
    assert "error: row 3: column «Тип»: unknown type 'вуз'" in out
    assert "1 row(s) failed; the other rows were imported" in out
    assert await count_by_level(database) == {"region": 1, "municipality": 1, "school": 1}

    assert await run_import(settings, TEMPLATES / "organizations.csv", dry_run=True) == 0
    assert "dry run: nothing was saved" in capsys.readouterr().out
    assert await count_by_level(database) == {"region": 1, "municipality": 1, "school": 1}


async def test_run_import_refuses_an_unreadable_file_without_touching_the_database(
    tmp_path: Path, capsys
):
    database_file = tmp_path / "bot.sqlite3"
    settings = Settings(
        _env_file=None, bot_token="1:x", database_url=f"sqlite+aiosqlite:///{database_file}"
    )
    path = write_csv(tmp_path / "orgs.csv", [["Регион", "Муниципалитет", "Тип"]])
    assert await run_import(settings, path, dry_run=False) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"cannot import {path}: missing required column(s) ")
    assert err.count("\n") == 1
    assert not database_file.exists()


def test_the_command_line_imports_the_csv_template(tmp_path: Path):
    env = {k: v for k, v in os.environ.items() if k.upper() not in ("BOT_TOKEN", "DATABASE_URL")}
    env |= {
        "BOT_TOKEN": "1:x",
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}",
        "PYTHONPATH": str(ROOT),
    }

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "bot", "import-orgs", *args],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    first = cli(str(TEMPLATES / "organizations.csv"))
    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines() == [
        "organizations.csv: 4 row(s) read",
        "  regions:        2 created, 0 reused",
        "  municipalities: 2 created, 0 reused",
        "  schools:        4 created, 0 reused",
    ]
    second = cli(str(TEMPLATES / "organizations.csv"))
    assert second.returncode == 0, second.stderr
    assert "  schools:        0 created, 4 reused" in second.stdout.splitlines()

    missing = cli(str(tmp_path / "nowhere.xlsx"))
    assert missing.returncode == 1
    assert "cannot import" in missing.stderr and "file not found" in missing.stderr
    assert "Traceback" not in missing.stderr
