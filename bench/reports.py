"""Reports benchmark: /summary, /export and /chart for a whole region.

Generates the region of storage/demo (default 340 schools, 20 000 people, 10 000 pairs,
150 000 meetings, about 200 000 answers to questionnaire items) in a fresh SQLite file,
then times, in the same run:
- summary: storage.indicators.build_summary over the region (best of three);
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
import resource
import sqlite3
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from storage.db import Database
from storage.demo import BENCH_SIZE, generate
from storage.indicators import build_summary
from storage.migrate import upgrade_to_head
from storage.report_charts import all_charts
from storage.report_period import year_bounds
from storage.report_xlsx import build_workbook

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


async def measure(path: Path, schools: int, quick: bool) -> None:
    size = (
        BENCH_SIZE
        if not quick
        else replace(
            BENCH_SIZE,
            schools=40,
            people=2_000,
            programmes=1_000,
            meetings=15_000,
            municipalities=3,
        )
    )
    size = replace(size, schools=schools) if schools and not quick else size
    database = Database(f"sqlite+aiosqlite:///{path}")
    await upgrade_to_head(database.engine)
    began = time.perf_counter()
    info = await generate(database, size)
    print(
        f"generated in {time.perf_counter() - began:.1f} s: {size.schools} schools, "
        f"{info.counts['people']} people, {info.counts['programmes']} pairs and groups, "
        f"{info.counts['meetings']} meetings, {info.counts['responses']} responses with "
        f"{info.counts['answers']} answers",
        flush=True,
    )
    # The peak so far is the generator's: the last line's rss is the peak of the whole run.
    generated_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak rss after generation: {generated_rss:.0f} MB", flush=True)
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
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
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
        asyncio.run(measure(path, args.schools, args.quick))


if __name__ == "__main__":
    main()
