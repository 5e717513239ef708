"""Reports benchmark: /summary, /export and /chart for a whole region.

Generates the region of storage/demo (default 340 schools, 20 000 people, 10 000 pairs,
150 000 meetings, about 200 000 answers to questionnaire items) in a fresh SQLite file,
then times, in the same run:
- summary: storage.reports.indicators.build_summary over the region (best of three);
- export: the XLSX workbook; chart: the three PNG charts;
- raw_sql: the bare aggregate queries the summary needs, on a plain sqlite3 connection
  (people, programmes, meetings per programme, indicator numerators, participations, and
  the satisfaction items averaged by school with json_extract), the floor for the summary.
Last line:
`reports: schools=<n> summary=<s> export=<s> chart=<s> rss=<MB> raw_sql=<s> ratio=<summary/raw_sql>`

    python bench/reports.py            # the full region (generation takes a minute or two)
    python bench/reports.py --quick    # 40 schools, a tenth of everything
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import resource
import sqlite3
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from handlers.reports.documents.charts import all_charts
from handlers.reports.documents.xlsx import build_workbook
from storage.db import Database
from storage.demo import BENCH_SIZE, DemoInfo, DemoSize, generate
from storage.migrate import upgrade_to_head
from storage.reports.indicators import build_summary
from storage.reports.period import year_bounds

RAW_QUERIES = (
    # people by school, role and category
    """SELECT m.organization_id, m.role, coalesce(a.category, b.category), count(*)
       FROM memberships m LEFT JOIN mentor_profiles a ON a.person_id = m.person_id
       LEFT JOIN mentee_profiles b ON b.person_id = m.person_id
       WHERE m.status = 'active' GROUP BY 1, 2, 3""",
    # programmes of the year by school, form, kind and status
    """SELECT school_id, form_id, is_group, status, count(*) FROM programmes
       WHERE status IN ('active', 'closed') AND starts_on <= :end
         AND (ended_on IS NULL OR ended_on >= :start) GROUP BY 1, 2, 3, 4""",
    # meetings per programme of the year, and the last one
    """SELECT p.school_id, p.id, count(m.id), max(m.held_on) FROM programmes p
       LEFT JOIN meetings m ON m.programme_id = p.id AND m.deleted_at IS NULL
         AND m.held_on BETWEEN :start AND :end
       WHERE p.status IN ('active', 'closed') AND p.starts_on <= :end
         AND (p.ended_on IS NULL OR p.ended_on >= :start) GROUP BY 1, 2""",
    # meetings by day of the year
    """SELECT m.held_on, count(*) FROM meetings m WHERE m.deleted_at IS NULL
       AND m.held_on BETWEEN :start AND :end GROUP BY 1""",
    # indicator numerators: distinct members by school, role and category
    """SELECT p.school_id, pm.role, coalesce(a.category, b.category),
              count(DISTINCT pm.person_id)
       FROM programmes p JOIN programme_members pm ON pm.programme_id = p.id
       LEFT JOIN mentor_profiles a ON a.person_id = pm.person_id AND pm.role = 'mentor'
       LEFT JOIN mentee_profiles b ON b.person_id = pm.person_id AND pm.role = 'mentee'
       WHERE pm.response = 'accepted' AND p.status IN ('active', 'closed')
         AND p.starts_on <= :end AND (p.ended_on IS NULL OR p.ended_on >= :start)
       GROUP BY 1, 2, 3""",
    # response rates: participations by school, campaign and questionnaire
    """SELECT school_id, campaign_id, questionnaire, count(*) FROM survey_participations
       GROUP BY 1, 2, 3""",
    # satisfaction: the four items averaged per respondent, then by school and campaign
    """SELECT school_id, campaign_id, questionnaire, count(*), avg(
         (json_extract(answers, '$.effectiveness') + json_extract(answers, '$.communication')
          + json_extract(answers, '$.expectations_met') + json_extract(answers, '$.overall'))
         / 4.0)
       FROM survey_responses GROUP BY 1, 2, 3""",
)


def raw_sql(path: Path, year: str) -> float:
    start, end = year_bounds(year)
    connection = sqlite3.connect(path)
    try:
        began = time.perf_counter()
        for query in RAW_QUERIES:
            connection.execute(query, {"start": str(start), "end": str(end)}).fetchall()
        return time.perf_counter() - began
    finally:
        connection.close()


def _size(schools: int, quick: bool) -> DemoSize:
    if quick:
        return replace(
            BENCH_SIZE,
            schools=40,
            people=2_000,
            programmes=1_000,
            meetings=15_000,
            municipalities=3,
        )
    return replace(BENCH_SIZE, schools=schools) if schools else BENCH_SIZE


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


async def _generate(path: Path, size: DemoSize) -> tuple[DemoInfo, float, float]:
    database = Database(f"sqlite+aiosqlite:///{path}")
    await upgrade_to_head(database.engine)
    began = time.perf_counter()
    info = await generate(database, size)
    took = time.perf_counter() - began
    await database.dispose()
    return info, took, _peak_rss_mb()


def generate_region(path: Path, size: DemoSize) -> tuple[DemoInfo, float, float]:
    """Run in a child process, so the peak RSS measured for the reports is theirs, as in
    the bot answering /export, not the data generator's."""
    return asyncio.run(_generate(path, size))


async def measure(path: Path, size: DemoSize, info: DemoInfo) -> None:
    # The process's footprint before any report: the modules a bot process loads too
    # (aiogram's types alone are about 150 MB, aiogram issue #1513; matplotlib about 40).
    print(f"rss before the reports (imports): {_peak_rss_mb():.0f} MB", flush=True)
    # A fresh engine on the finished file, like the bot process that serves the reports.
    database = Database(f"sqlite+aiosqlite:///{path}")
    timings = []
    async with database.reading() as session:
        for _ in range(3):
            began = time.perf_counter()
            summary = await build_summary(session, info.region_id, info.today)
            timings.append(time.perf_counter() - began)
        assert summary is not None
        began = time.perf_counter()
        workbook = await build_workbook(session, summary)
        export = time.perf_counter() - began
    await database.dispose()
    began = time.perf_counter()
    charts = all_charts(summary)
    chart = time.perf_counter() - began
    baseline = min(raw_sql(path, summary.year) for _ in range(3))
    rss = _peak_rss_mb()
    print(
        f"summary runs: {', '.join(f'{t:.2f}' for t in timings)} s; workbook "
        f"{len(workbook) / 1e6:.1f} MB; charts {sum(len(c) for _n, c in charts) / 1e3:.0f} kB"
    )
    best = min(timings)
    print(
        f"reports: schools={size.schools} summary={best:.2f} export={export:.2f} "
        f"chart={chart:.2f} rss={rss:.0f} raw_sql={baseline:.3f} ratio={best / baseline:.1f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schools", type=int, default=0, help="schools in the region")
    parser.add_argument("--quick", action="store_true", help="a small region")
    parser.add_argument("--database", help="SQLite file to create (default: a temporary one)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        path = Path(args.database) if args.database else Path(directory) / "bench.sqlite3"
        if path.exists():
            path.unlink()
        size = _size(args.schools, args.quick)
        with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
            info, took, generator_rss = pool.submit(generate_region, path, size).result()
        print(
            f"generated in {took:.1f} s (another process, peak rss {generator_rss:.0f} MB): "
            f"{size.schools} schools, {info.counts['people']} people, "
            f"{info.counts['programmes']} pairs and groups, {info.counts['meetings']} meetings, "
            f"{info.counts['responses']} responses with {info.counts['answers']} answers",
            flush=True,
        )
        asyncio.run(measure(path, size, info))


if __name__ == "__main__":
    main()
