"""`python -m bot demo`: the synthetic municipality and every report file it writes."""

from __future__ import annotations

import io
import sqlite3
from contextlib import closing
from datetime import date

import docx
import openpyxl

from bot.__main__ import main
from storage.demo import DemoSize, generate, report_day
from storage.reports.indicators import build_summary


def test_report_day_is_after_the_latest_spring_deadline() -> None:
    assert report_day(date(2026, 11, 23)) == date(2026, 5, 25)
    assert report_day(date(2026, 5, 24)) == date(2025, 5, 25)
    assert report_day(date(2026, 5, 25)) == date(2026, 5, 25)


async def test_the_generator_builds_every_form_and_both_campaigns(database) -> None:
    info = await generate(database, DemoSize(schools=4, people=120, programmes=60, meetings=500))
    async with database.reading() as session:
        summary = await build_summary(session, info.municipality_ids[0], info.today)
    assert summary is not None
    assert {f.form for f in summary.forms} >= {
        "Учитель – учитель",
        "Учитель – ученик",
        "Ученик – ученик",
        "Работодатель (социальный партнёр) – педагог",
    }
    assert sum(f.active_groups + f.closed_groups for f in summary.forms) > 0
    assert summary.meetings_total == info.counts["meetings"] == 500
    assert all(s.current is not None and s.previous is not None for s in summary.surveys)
    assert summary.satisfaction["monitoring_mentee"] is not None
    assert [r.school.name for r in summary.schools if "no_pairs" in r.lagging] == ["МБОУ СОШ № 4"]
    assert summary.missing_denominators == ["МБОУ СОШ № 3"]


def test_the_demo_command_writes_every_report(tmp_path, capsys) -> None:
    out = tmp_path / "demo"
    assert main(["demo", str(tmp_path / "demo.sqlite3"), "--out", str(out)]) == 0
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        "export.xlsx",
        "indicators.png",
        "meetings.png",
        "note.docx",
        "satisfaction.png",
        "summary.txt",
    ]
    summary = (out / "summary.txt").read_text(encoding="utf-8")
    assert summary.startswith("Сводка: Сальский район") and "<b>" not in summary
    assert "По образовательным организациям" in summary
    book = openpyxl.load_workbook(io.BytesIO((out / "export.xlsx").read_bytes()))
    with closing(sqlite3.connect(tmp_path / "demo.sqlite3")) as db:
        (held,) = db.execute(
            "SELECT count(DISTINCT programme_id) FROM meetings WHERE deleted_at IS NULL"
        ).fetchone()
    assert 0 < held <= 150  # a municipality's «Встречи»: one row per pair or group with meetings
    assert book["Встречи"].max_row == 1 + held
    note = docx.Document(str(out / "note.docx"))
    assert note.paragraphs[0].text.startswith("Аналитическая справка")
    assert all((out / n).read_bytes().startswith(b"\x89PNG") for n in names if n.endswith(".png"))
    assert "wrote" in capsys.readouterr().out
