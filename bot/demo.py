"""`python -m bot demo`: a synthetic municipality and every report it gets, without Telegram.

Builds the region of storage/demo in its own SQLite file (replaced if it exists), then
writes into the output directory what a coordinator of the first municipality would
receive: summary.txt (the /summary pages, in Russian), export.xlsx (/export), the three
/chart PNGs and note.docx (/report).
"""

from __future__ import annotations

import asyncio
import html
import re
from pathlib import Path

from bot.i18n import build_i18n
from handlers.reports.documents.charts import all_charts, indicators_chart
from handlers.reports.documents.docx import build_note
from handlers.reports.documents.xlsx import build_workbook
from storage.db import Database
from storage.demo import DemoSize, generate
from storage.migrate import upgrade_to_head
from storage.reports.indicators import build_summary


def _prepare(database_path: Path, out: Path) -> None:
    database_path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database_path}{suffix}").unlink(missing_ok=True)
    out.mkdir(parents=True, exist_ok=True)


async def build_demo(database_path: Path, out: Path, size: DemoSize | None = None) -> list[Path]:
    from handlers.reports.summary_text import pages

    _prepare(database_path, out)
    database = Database(f"sqlite+aiosqlite:///{database_path}")
    try:
        await upgrade_to_head(database.engine)
        info = await generate(database, size or DemoSize())
        async with database.reading() as session:
            summary = await build_summary(session, info.municipality_ids[0], info.today)
            assert summary is not None
            workbook = await build_workbook(session, summary)
    finally:
        await database.dispose()
    i18n = build_i18n("ru")
    with i18n.context(), i18n.use_locale("ru"):
        # The pages as a person reads them: Telegram's HTML tags dropped.
        text = html.unescape(re.sub(r"<[^>]+>", "", "\n\n".join(pages(summary))))
    written = {
        "summary.txt": text.encode("utf-8"),
        "export.xlsx": workbook,
        **dict(all_charts(summary)),
        "note.docx": build_note(summary, indicators_chart(summary)),
    }
    return _write(out, written)


def _write(out: Path, written: dict[str, bytes]) -> list[Path]:
    paths = []
    for name, payload in written.items():
        path = out / name
        path.write_bytes(payload)
        paths.append(path)
    return paths


def run(database_path: str, out: str) -> int:
    paths = asyncio.run(build_demo(Path(database_path), Path(out)))
    print(f"demo database: {database_path}")
    for path in paths:
        print(f"wrote {path}")
    return 0
