"""The pure half of survey_aggregates: result types, summarising answers already read,
and the suppression of complementary cells. See survey_aggregates for the rules."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from math import lcm
from typing import Any

from storage.surveys.questionnaires.model import Kind, Question, Questionnaire
from storage.words import lazy as __

FORMULA_TEXTS = {
    "mean": __("mean of the satisfaction items ÷ 10 × 100"),
    "share8": __("share of respondents scoring 8–10"),
}
SCALE = range(1, 11)
shuffle = random.SystemRandom().shuffle


def formula_text(formula: str) -> str:
    return str(FORMULA_TEXTS.get(formula, FORMULA_TEXTS["mean"]))


def one_decimal(value: float) -> float:
    return float(Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class Scope:
    """Schools whose answers are pooled, and the rules that apply to them."""

    school_ids: frozenset[int]
    k: int
    formula: str  # mean | share8


@dataclass(frozen=True)
class QuestionResult:
    key: str
    kind: Kind
    text: Any  # lazy translation from the questionnaire
    answered: int  # respondents who answered this question (a count, not an answer)
    shown: bool  # False: fewer than k answered; every figure below is empty then
    mean: float | None = None  # scale, one decimal
    distribution: tuple[int, ...] = ()  # scale: how many gave 1, 2, …, 10
    yes: int | None = None  # yes/no
    no: int | None = None
    yes_percent: float | None = None
    counts: tuple[tuple[str, Any, int], ...] = ()  # single/multiple: (value, label, count)
    texts: tuple[str, ...] = ()  # free text, shuffled; only in a whole aggregate


@dataclass(frozen=True)
class Satisfaction:
    formula: str
    respondents: int  # who answered at least one satisfaction item
    percent: float | None  # None: fewer than k such respondents

    @property
    def formula_text(self) -> str:
        return formula_text(self.formula)


@dataclass(frozen=True)
class Aggregate:
    questionnaire: str
    respondents: int
    k: int
    questions: tuple[QuestionResult, ...] = ()  # empty unless enough
    satisfaction: Satisfaction | None = None  # None: no satisfaction items, or not enough

    @property
    def enough(self) -> bool:
        return self.respondents >= self.k


@dataclass(frozen=True)
class Group:
    group_id: int | None  # a school id, or a form id (None: no form, the curator's)
    aggregate: Aggregate  # respondents always; figures only where not suppressed

    @property
    def shown(self) -> bool:
        return bool(self.aggregate.questions)


@dataclass(frozen=True)
class Breakdown:
    total: Aggregate
    groups: tuple[Group, ...] = field(default=())


@dataclass(frozen=True)
class ResponseRate:
    """Participations (who answered) against the answers expected: one per mentee or mentor
    per pair or group running during the campaign's window, one per active curator."""

    answered: int
    expected: int

    @property
    def percent(self) -> float | None:
        return one_decimal(self.answered / self.expected * 100) if self.expected else None


# ---- the pure part ----------------------------------------------------------------------


def _scale(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | str):
        return None
    try:
        number = int(value)
    except ValueError:
        return None
    return number if number in SCALE else None


def _yes_no(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    return {"yes": True, "no": False}.get(str(value)) if value is not None else None


def _choices(question: Question, value: Any) -> list[str]:
    values = value if isinstance(value, list) else [value]
    known = {o.value for o in question.options}
    return [v for v in values if isinstance(v, str) and (v in known or not known)]


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _question(question: Question, answers: Sequence[dict], k: int, texts: bool) -> QuestionResult:
    base = {"key": question.key, "kind": question.kind, "text": question.text}
    raw = [a.get(question.key) for a in answers]
    if question.kind == Kind.scale:
        values = [v for v in map(_scale, raw) if v is not None]
        if len(values) < k:
            return QuestionResult(**base, answered=len(values), shown=False)
        return QuestionResult(
            **base,
            answered=len(values),
            shown=True,
            mean=one_decimal(sum(values) / len(values)),
            distribution=tuple(values.count(n) for n in SCALE),
        )
    if question.kind == Kind.yes_no:
        flags = [v for v in map(_yes_no, raw) if v is not None]
        if len(flags) < k:
            return QuestionResult(**base, answered=len(flags), shown=False)
        yes = sum(flags)
        return QuestionResult(
            **base,
            answered=len(flags),
            shown=True,
            yes=yes,
            no=len(flags) - yes,
            yes_percent=one_decimal(yes / len(flags) * 100),
        )
    if question.kind in (Kind.single, Kind.multiple):
        picked = [c for c in (_choices(question, v) for v in raw) if c]
        if len(picked) < k:
            return QuestionResult(**base, answered=len(picked), shown=False)
        flat = [v for chosen in picked for v in chosen]
        options = [(o.value, o.label) for o in question.options]
        options += [(v, v) for v in dict.fromkeys(flat) if v not in {o for o, _ in options}]
        return QuestionResult(
            **base,
            answered=len(picked),
            shown=True,
            counts=tuple((value, label, flat.count(value)) for value, label in options),
        )
    written = [t for t in map(_text, raw) if t is not None]
    if len(written) < k or not texts:
        return QuestionResult(**base, answered=len(written), shown=False)
    shuffle(written)
    return QuestionResult(**base, answered=len(written), shown=True, texts=tuple(written))


def _satisfaction(
    questionnaire: Questionnaire, answers: Sequence[dict], k: int, formula: str
) -> Satisfaction | None:
    items = [q.key for q in questionnaire.questions if q.satisfaction and q.kind == Kind.scale]
    if not items:
        return None
    scores = []
    for answer in answers:
        values = [v for v in (_scale(answer.get(key)) for key in items) if v is not None]
        if values:
            scores.append(sum(values) / len(values))  # the respondent's own mean
    if len(scores) < k:
        return Satisfaction(formula, len(scores), None)
    if formula == "share8":
        percent = sum(1 for s in scores if s >= 8) / len(scores) * 100
    else:
        percent = sum(scores) / len(scores) / 10 * 100
    return Satisfaction(formula, len(scores), one_decimal(percent))


def summarise(
    questionnaire: Questionnaire,
    answers: Sequence[dict],
    k: int,
    formula: str = "mean",
    *,
    texts: bool = True,
) -> Aggregate:
    """The aggregate of these answers; `texts=False` leaves free text out (breakdowns)."""
    k = max(k, 3)
    if len(answers) < k:
        return Aggregate(questionnaire.key, len(answers), k)
    return Aggregate(
        questionnaire.key,
        len(answers),
        k,
        tuple(_question(q, answers, k, texts) for q in questionnaire.questions),
        _satisfaction(questionnaire, answers, k, formula),
    )


def _hide(question: QuestionResult) -> QuestionResult:
    return QuestionResult(
        key=question.key,
        kind=question.kind,
        text=question.text,
        answered=question.answered,
        shown=False,
    )


def complementary(total: int, cells: dict[Any, int], shown: set[Any], k: int) -> set[Any]:
    """The cells that stay shown: the hidden ones together must be empty or reach k, or
    the total minus the shown cells would give their figures. Hides the smallest first."""
    shown = set(shown)
    if total < k:
        return set()
    while shown:
        residual = total - sum(cells[c] for c in shown)
        if residual == 0 or residual >= k:
            break
        shown.remove(min(shown, key=lambda c: (cells[c], str(c))))
    return shown


def split(
    questionnaire: Questionnaire,
    grouped: dict[Any, list[dict]],
    k: int,
    formula: str = "mean",
) -> Breakdown:
    """The total and one aggregate per group, with complementary cells suppressed."""
    k = max(k, 3)
    everyone = [a for answers in grouped.values() for a in answers]
    total = summarise(questionnaire, everyone, k, formula)
    parts = {g: summarise(questionnaire, a, k, formula, texts=False) for g, a in grouped.items()}
    counts = {g: len(a) for g, a in grouped.items()}
    return _suppressed(total, parts, counts, len(everyone), k)


def _suppressed(
    total: Aggregate, parts: dict[Any, Aggregate], counts: dict[Any, int], everyone: int, k: int
) -> Breakdown:
    visible = complementary(everyone, counts, {g for g, p in parts.items() if p.enough}, k)
    result: dict[Any, Aggregate] = {
        g: p if g in visible else Aggregate(p.questionnaire, p.respondents, k)
        for g, p in parts.items()
    }
    # The same per question (optional questions differ in who answered) and for satisfaction.
    for index, question in enumerate(total.questions):
        cells = {g: a.questions[index].answered for g, a in result.items() if a.questions}
        kept = complementary(
            question.answered,
            {**counts, **cells},
            {g for g, a in result.items() if a.questions and a.questions[index].shown},
            k,
        )
        for g, a in result.items():
            if a.questions and a.questions[index].shown and g not in kept:
                questions = list(a.questions)
                questions[index] = _hide(questions[index])
                result[g] = replace(a, questions=tuple(questions))
    if total.satisfaction is not None:
        sat = {g: a.satisfaction for g, a in result.items() if a.satisfaction is not None}
        kept = complementary(
            total.satisfaction.respondents,
            {**counts, **{g: s.respondents for g, s in sat.items()}},
            {g for g, s in sat.items() if s.percent is not None},
            k,
        )
        for g, s in sat.items():
            if s.percent is not None and g not in kept:
                result[g] = replace(
                    result[g], satisfaction=Satisfaction(s.formula, s.respondents, None)
                )
    groups = tuple(Group(g, result[g]) for g in sorted(result, key=lambda g: (g is None, g)))
    return Breakdown(total, groups)


# ---- the same over counted answers (SQL aggregates grouped by school) -------------------


@dataclass
class Counted:
    """A group's answers as counts, the way SQL returns them: how many responded; per
    question, each distinct value given with how many gave it; per respondent who answered
    a satisfaction item, their own mean over those items (exact), with how many had it.
    Summarised exactly as `summarise` would summarise the answers themselves."""

    respondents: int = 0
    values: dict[str, list[tuple[Any, int]]] = field(default_factory=dict)
    # (sum of the items, how many items) → respondents: the respondent's own mean is the
    # ratio; kept as two integers so summing stays exact without a Fraction per row
    scores: Counter = field(default_factory=Counter)

    def add(self, other: Counted) -> None:
        self.respondents += other.respondents
        for key, pairs in other.values.items():
            self.values.setdefault(key, []).extend(pairs)
        self.scores.update(other.scores)


def _question_counted(
    question: Question, pairs: Sequence[tuple[Any, int]], k: int, texts: bool
) -> QuestionResult:
    base = {"key": question.key, "kind": question.kind, "text": question.text}
    if question.kind == Kind.scale:
        dist = Counter()
        for value, n in pairs:
            if (v := _scale(value)) is not None:
                dist[v] += n
        answered = sum(dist.values())
        if answered < k:
            return QuestionResult(**base, answered=answered, shown=False)
        return QuestionResult(
            **base,
            answered=answered,
            shown=True,
            mean=one_decimal(sum(v * n for v, n in dist.items()) / answered),
            distribution=tuple(dist[n] for n in SCALE),
        )
    if question.kind == Kind.yes_no:
        yes = no = 0
        for value, n in pairs:
            flag = _yes_no(value)
            if flag is True:
                yes += n
            elif flag is False:
                no += n
        if yes + no < k:
            return QuestionResult(**base, answered=yes + no, shown=False)
        return QuestionResult(
            **base,
            answered=yes + no,
            shown=True,
            yes=yes,
            no=no,
            yes_percent=one_decimal(yes / (yes + no) * 100),
        )
    if question.kind in (Kind.single, Kind.multiple):
        picked = 0
        flat: Counter = Counter()
        for value, n in pairs:
            chosen = _choices(question, value)
            if chosen:
                picked += n
                for v in chosen:
                    flat[v] += n
        if picked < k:
            return QuestionResult(**base, answered=picked, shown=False)
        options = [(o.value, o.label) for o in question.options]
        options += [(v, v) for v in flat if v not in {o for o, _ in options}]
        return QuestionResult(
            **base,
            answered=picked,
            shown=True,
            counts=tuple((value, label, flat[value]) for value, label in options),
        )
    written = [t for value, n in pairs if (t := _text(value)) is not None for _ in range(n)]
    if len(written) < k or not texts:
        return QuestionResult(**base, answered=len(written), shown=False)
    shuffle(written)
    return QuestionResult(**base, answered=len(written), shown=True, texts=tuple(written))


def summarise_counted(
    questionnaire: Questionnaire,
    counted: Counted,
    k: int,
    formula: str = "mean",
    *,
    texts: bool = True,
    questions: bool = True,
) -> Aggregate:
    """`summarise` over counts (see Counted): the same aggregate, figure for figure.
    `questions=False` leaves the per-question figures out and keeps the satisfaction."""
    k = max(k, 3)
    if counted.respondents < k:
        return Aggregate(questionnaire.key, counted.respondents, k)
    results = tuple(
        _question_counted(q, counted.values.get(q.key, ()), k, texts)
        for q in (questionnaire.questions if questions else ())
    )
    satisfaction = None
    if any(q.satisfaction and q.kind == Kind.scale for q in questionnaire.questions):
        scored = sum(counted.scores.values())
        if scored < k:
            satisfaction = Satisfaction(formula, scored, None)
        else:
            if formula == "share8":
                high = sum(n for (total, items), n in counted.scores.items() if total >= 8 * items)
                percent = Fraction(high, scored) * 100
            else:
                # The mean of the respondents' means over a common denominator: exact.
                common = lcm(*{items for _total, items in counted.scores})
                summed = sum(
                    total * (common // items) * n for (total, items), n in counted.scores.items()
                )
                percent = Fraction(summed, common * scored) / 10 * 100
            satisfaction = Satisfaction(formula, scored, one_decimal(float(percent)))
    return Aggregate(questionnaire.key, counted.respondents, k, results, satisfaction)


def split_counted(
    questionnaire: Questionnaire,
    grouped: dict[Any, Counted],
    k: int,
    formula: str = "mean",
    *,
    total_values: dict[str, list[tuple[Any, int]]] | None = None,
    questions: bool = True,
) -> Breakdown:
    """`split` over counts: the total and one aggregate per group, complementary cells
    suppressed by the same rules.

    With `total_values` (the values counted over the whole scope, the groups' own values
    left empty) the groups carry respondents and satisfaction but no per-question figures:
    what a report by school shows, at a fraction of the counting. Each group's satisfaction
    is the same as in the full split, because its suppression depends on respondents and
    satisfaction alone. `questions=False` leaves the per-question figures out everywhere."""
    k = max(k, 3)
    everyone = Counted()
    for counted in grouped.values():
        everyone.add(counted)
    by_group = total_values is None
    if total_values is not None:
        everyone.values = total_values
    total = summarise_counted(questionnaire, everyone, k, formula, questions=questions)
    parts = {
        g: summarise_counted(
            questionnaire, c, k, formula, texts=False, questions=questions and by_group
        )
        for g, c in grouped.items()
    }
    counts = {g: c.respondents for g, c in grouped.items()}
    return _suppressed(total, parts, counts, everyone.respondents, k)
