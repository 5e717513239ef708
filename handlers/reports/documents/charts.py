"""PNG charts for /chart, the demo and the analytical note (matplotlib, Agg, no pyplot).

- satisfaction of mentees and mentors by school: only figures survey_aggregates shows
  (at least k respondents and not suppressed); a region with more schools than fit is
  drawn by municipality instead;
- meetings per month of the academic year;
- the key indicators against their planned values.
Figures are built with the object API (no global pyplot state), so charts may be drawn in a
worker thread.
"""

from __future__ import annotations

import io

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from handlers.reports.documents.text_ru import MONTHS_RU, count_ru, number_ru, percent_ru
from storage.reports.indicators import Summary
from storage.reports.period import year_bounds
from storage.reports.survey import MENTEE, MENTOR

MAX_BARS = 40
SHORT_TITLES = {
    "1": "ОО, реализующие наставничество",
    "3": "обучающиеся 10–18 лет — наставляемые",
    "4": "обучающиеся 15–18 лет — наставники",
    "5": "молодые специалисты — наставляемые",
    "6": "учителя — наставники",
    "6а": "педагоги в программах (любая роль)",
    "7": "молодые педагоги с инд. маршрутом",
}
COLORS = {MENTEE: "#3b7dd8", MENTOR: "#f29d38"}


def _png(figure: Figure) -> bytes:
    FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    return buffer.getvalue()


def _short(name: str, limit: int = 38) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"


def satisfaction_rows(summary: Summary) -> tuple[str, list[tuple[str, float | None, float | None]]]:
    """(what the rows are, [(name, mentees %, mentors %)]) with only shown figures."""
    by_school = []
    for row in summary.schools:
        values = [row.satisfaction.get(key) for key in (MENTEE, MENTOR)]
        percents = [v.percent if v is not None else None for v in values]
        if any(p is not None for p in percents):
            by_school.append((row.school.name, percents[0], percents[1]))
    if len(by_school) <= MAX_BARS:
        return "school", by_school
    by_municipality = []
    for survey in summary.surveys:
        if survey.current is None:
            continue
        totals = [survey.current.total.get(key) for key in (MENTEE, MENTOR)]
        percents = [t.percent if t is not None else None for t in totals]
        if any(p is not None for p in percents):
            by_municipality.append((survey.name, percents[0], percents[1]))
    return "municipality", by_municipality


def satisfaction_chart(summary: Summary) -> bytes:
    kind, rows = satisfaction_rows(summary)
    rows = rows[: MAX_BARS * 2]
    height = max(2.5, 0.45 * len(rows) + 1.5)
    figure = Figure(figsize=(9, height))
    axes = figure.add_subplot()
    title = "Удовлетворённость качеством программ наставничества"
    title += ", по ОО" if kind == "school" else ", по муниципалитетам"
    axes.set_title(title, fontsize=12)
    if not rows:
        axes.text(
            0.5,
            0.5,
            "Недостаточно ответов: показываются только группы не меньше "
            + count_ru(summary.k, "человека", "человек", "человек"),
            ha="center",
            va="center",
            wrap=True,
        )
        axes.set_axis_off()
        return _png(figure)
    names = [_short(name) for name, _a, _b in rows][::-1]
    positions = range(len(rows))
    for offset, (key, label, index) in enumerate(
        ((MENTEE, "наставляемые", 1), (MENTOR, "наставники", 2))
    ):
        values = [r[index] if r[index] is not None else 0 for r in rows][::-1]
        bars = axes.barh(
            [p + (offset - 0.5) * 0.4 for p in positions],
            values,
            height=0.38,
            color=COLORS[key],
            label=label,
        )
        for bar, row in zip(bars, rows[::-1], strict=True):
            if row[index] is not None:
                axes.text(
                    bar.get_width() + 0.5,
                    bar.get_y() + bar.get_height() / 2,
                    percent_ru(row[index]),
                    va="center",
                    fontsize=8,
                )
    axes.set_yticks(list(positions), names, fontsize=9)
    axes.set_xlim(0, 110)
    axes.set_xlabel("%")
    axes.legend(loc="lower right", fontsize=8)
    axes.grid(axis="x", alpha=0.3)
    return _png(figure)


def meetings_chart(summary: Summary) -> bytes:
    start, _end = year_bounds(summary.year)
    months = [
        ((start.month - 1 + i) % 12 + 1, start.year + (start.month - 1 + i) // 12)
        for i in range(12)
    ]
    values = [summary.months.get((year, month), 0) for month, year in months]
    figure = Figure(figsize=(9, 4))
    axes = figure.add_subplot()
    axes.set_title(f"Встречи наставников и наставляемых по месяцам, {summary.year} уч. г.")
    bars = axes.bar([MONTHS_RU[m - 1] for m, _y in months], values, color="#3b7dd8")
    for bar, value in zip(bars, values, strict=True):
        if value:
            axes.text(
                bar.get_x() + bar.get_width() / 2,
                bar.get_height(),
                number_ru(value),
                ha="center",
                va="bottom",
                fontsize=8,
            )
    axes.set_ylabel("встреч")
    axes.grid(axis="y", alpha=0.3)
    return _png(figure)


def indicators_chart(summary: Summary) -> bytes:
    shown = [i for i in summary.indicators if i.spec.denominator or i.code == "1"]
    figure = Figure(figsize=(9, 0.6 * len(shown) + 1.5))
    axes = figure.add_subplot()
    axes.set_title(f"Ключевые показатели и плановые значения, {summary.year} уч. г.")
    labels = [f"{i.code}. {SHORT_TITLES.get(i.code, _short(i.spec.title, 45))}" for i in shown][
        ::-1
    ]
    values = [float(i.percent) if i.percent is not None else 0.0 for i in shown][::-1]
    bars = axes.barh(range(len(shown)), values, color="#3b7dd8", label="достигнуто")
    for bar, indicator in zip(bars, shown[::-1], strict=True):
        text = percent_ru(indicator.percent) if indicator.percent is not None else "нет данных"
        axes.text(
            bar.get_width() + 0.8,
            bar.get_y() + bar.get_height() / 2,
            text,
            va="center",
            fontsize=8,
        )
    targets = [
        (index, float(i.spec.target))
        for index, i in enumerate(shown[::-1])
        if i.spec.target is not None
    ]
    if targets:
        axes.scatter(
            [t for _i, t in targets],
            [i for i, _t in targets],
            marker="|",
            s=400,
            color="#d83b3b",
            label="план",
            zorder=3,
        )
    axes.set_yticks(range(len(shown)), labels, fontsize=8)
    axes.set_xlim(0, 115)
    axes.set_xlabel("%")
    axes.legend(loc="lower right", fontsize=8)
    axes.grid(axis="x", alpha=0.3)
    return _png(figure)


def all_charts(summary: Summary) -> list[tuple[str, bytes]]:
    return [
        ("satisfaction.png", satisfaction_chart(summary)),
        ("meetings.png", meetings_chart(summary)),
        ("indicators.png", indicators_chart(summary)),
    ]
