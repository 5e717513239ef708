"""Suggesting mentors for a mentee: an additive score a curator can read line by line.

Every component that says something adds a `Reason` with a stable code, its points and the
parameters a sentence needs; the handler layer turns them into translated text. The score is
the sum of the points clamped to 0–100, so the reasons always add up to what is shown
(except where the clamp cut it).

| component     | code                 | points                                             |
|---------------|----------------------|----------------------------------------------------|
| difficulties  | difficulty_match     | round(35 × matched / the mentee's difficulties)    |
| request       | request_match        | 7 per matched word of the request, at most 20      |
| school        | same_school          | +10                                                |
|               | other_school         | 0 (a school of the municipality, allowed by the    |
|               |                      | coordinator; said so the curator notices)          |
| desired age   | age_fits             | +10                                                |
|               | age_mismatch         | −10 (nothing when the text says nothing usable)    |
| capacity      | free_capacity        | +6 / +8 / +10 for 1 / 2 / 3+ free places           |
|               | no_capacity          | −30, and the suggestion is flagged over_capacity   |
| experience    | experience_gap       | +15 when the mentor has 5+ more years (teachers)   |
| (teachers)    | small_experience_gap | +5 for 1–4 more years                              |
|               | no_experience_gap    | −5 when the mentor has no more years               |
| peers         | student_peer         | +10 a student mentor older / in a higher grade     |
| (students)    | peer_not_older       | −5 a student mentor not older than the mentee      |
| forms         | preferred_form       | +5 the pair's form is one the mentee asked for     |
|               | form_not_preferred   | −5 the mentee asked only for other forms           |

Highest possible sum: 35 + 20 + 10 + 10 + 10 + 15 + 5 = 105, clamped to 100.

Texts are matched on word beginnings after lowercasing and folding ё into е: a difficulty
code matches through its stems below, a free-text difficulty and the request through their
own words. A word of 7+ letters is cut to five letters; a word of 5–6 letters to four, so
that short words still match in another case («уроках» → «урок» finds «уроки»). Acronyms in
capitals (ЕГЭ, ОВЗ) are kept whole. The mentor's side is the register fields that describe
expertise: competencies, subjects and achievements (not the position: a student mentor's
«ученик 10 класса» would read as classroom management). A word may count both as a
difficulty and as a word of the request; both say the mentor knows that subject.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.core import Person
from storage.models.enums import MembershipStatus, MenteeCategory, MentorCategory, Role
from storage.models.orgs import Membership, Organization
from storage.models.profiles import MenteeProfile, MentorProfile
from storage.pairing.forming import mentor_loads

DIFFICULTY_WEIGHT = 35
REQUEST_WORD_POINTS = 7
REQUEST_WEIGHT = 20
SAME_SCHOOL_POINTS = 10
AGE_POINTS = 10
NO_CAPACITY_POINTS = -30
EXPERIENCE_GAP_POINTS = 15
SMALL_EXPERIENCE_GAP_POINTS = 5
NO_EXPERIENCE_GAP_POINTS = -5
EXPERIENCE_GAP_YEARS = 5
STUDENT_PEER_POINTS = 10
PEER_NOT_OLDER_POINTS = -5
FORM_POINTS = 5

# Stems of Russian words that show a mentor can help with each difficulty of the
# registration form (handlers/registration/forms.py). Kept here so storage needs no handlers.
DIFFICULTY_STEMS: dict[str, tuple[str, ...]] = {
    # teachers
    "lesson_planning": ("планир", "конспект", "технологическ", "методик", "методич", "фгос"),
    "classroom": ("дисциплин", "класс", "поведен"),
    "parents": ("родител", "семье", "семей", "семья"),
    "assessment": ("оценив", "оценк", "отметк", "критери", "диагност", "мониторинг"),
    "paperwork": ("документ", "отчет", "журнал", "делопроизвод", "нормативн"),
    "colleagues": ("коллег", "коллектив", "команд", "коммуникац"),
    "special_needs": ("овз", "инклюз", "коррекц", "дефектолог", "логопед", "тьютор", "особы"),
    "digital": ("цифров", "икт", "онлайн", "дистанц", "компьютер", "электрон", "интерактив"),
    "exams": ("огэ", "егэ", "гиа", "впр", "экзамен", "аттестац"),
    # students
    "subjects": (
        "предмет",
        "успеваем",
        "математ",
        "алгебр",
        "геометр",
        "русск",
        "литератур",
        "физик",
        "хими",
        "биолог",
        "истор",
        "обществ",
        "информат",
        "английск",
        "немецк",
        "язык",
        "географ",
    ),
    "motivation": ("мотивац", "интерес", "увлеч", "вдохнов"),
    "peers": ("общени", "коммуникац", "конфликт", "сверстник", "одноклассник", "дружб", "команд"),
    "career": (
        "профориент",
        "карьер",
        "вуз",
        "поступлен",
        "профессий",
        "профессии",
        "профессию",
        "работодател",
        "стажировк",
    ),
    "olympiads": ("олимпиад", "проект", "конкурс", "исследоват", "научн"),
    "adaptation": ("адаптац", "новичк", "психолог", "вожат"),
}

# Request words that carry no subject («хочу научиться работать…»), by their first letters.
STOP_PREFIXES = frozenset(
    {
        "хоте",
        "хочу",
        "нужн",
        "надо",
        "помо",
        "чтоб",
        "очен",
        "боле",
        "како",
        "кото",
        "такж",
        "этот",
        "этог",
        "этом",
        "свой",
        "свои",
        "свое",
        "рабо",
        "буду",
        "могу",
        "може",
        "всех",
        "всег",
        "лучш",
        "научи",
    }
)
# Short terms that matter although a request may write them in lower case.
SHORT_TERMS = frozenset({"егэ", "огэ", "гиа", "впр", "икт", "овз"})

HEAD_POSITION_STEMS = ("директор", "заместител", "завуч")
YOUNG_STEMS = ("молод",)
TEACHER_STEMS = ("педагог", "учител", "коллег", "специалист")
STUDENT_STEMS = ("учени", "учащ", "школьник", "дет", "подрост", "обучающ")
GRADE_STEMS = ("класс",)
UP_TO_WORDS = ("до", "младше")
FROM_WORDS = ("от", "с", "старше")
MAX_AGE = 99

_WORD = re.compile(r"[^\W\d_]+")
_NUMBER = re.compile(r"\d{1,3}")


@dataclass(frozen=True)
class Reason:
    code: str
    points: int
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Suggestion:
    person_id: int
    full_name: str
    score: int
    reasons: list[Reason]
    load: int
    capacity: int
    over_capacity: bool
    school_id: int


@dataclass(frozen=True)
class _Candidate:
    person_id: int
    full_name: str
    school_id: int
    school_name: str
    profile: MentorProfile


async def suggest_mentors(
    session: AsyncSession,
    mentee_person_id: int,
    school_id: int,
    today: date,
    *,
    include_school_ids: set[int] | None = None,
    limit: int = 5,
) -> list[Suggestion]:
    """The best `limit` mentors for the mentee among active mentors of `school_id` and of
    `include_school_ids` (schools of the municipality when the coordinator allows pairs
    across schools). Three statements whatever the number of candidates."""
    mentee = await session.get(MenteeProfile, mentee_person_id)
    candidates = await _candidates(
        session, mentee_person_id, school_id, {school_id, *(include_school_ids or ())}
    )
    if not candidates:
        return []
    # The same count that forming a pair checks capacity against, so the two never disagree.
    loads = await mentor_loads(session, [c.person_id for c in candidates])
    suggestions = [
        _score(c, mentee, school_id, loads.get(c.person_id, 0), today) for c in candidates
    ]
    suggestions.sort(key=lambda s: (-s.score, _fold(s.full_name), s.person_id))
    return suggestions[: max(limit, 0)]


async def _candidates(
    session: AsyncSession, mentee_person_id: int, school_id: int, school_ids: set[int]
) -> list[_Candidate]:
    rows = await session.execute(
        select(Person.id, Person.full_name, Organization.id, Organization.name, MentorProfile)
        .join(Membership, Membership.person_id == Person.id)
        .join(Organization, Organization.id == Membership.organization_id)
        .join(MentorProfile, MentorProfile.person_id == Person.id)
        .where(
            Membership.role == Role.mentor,
            # awaiting_guardian mentors cannot take a pair until the guardian consents.
            Membership.status == MembershipStatus.active,
            Membership.organization_id.in_(sorted(school_ids)),
            Person.erased_at.is_(None),
            Person.id != mentee_person_id,
        )
    )
    best: dict[int, _Candidate] = {}
    for person_id, full_name, org_id, org_name, profile in rows.all():
        current = best.get(person_id)
        # A mentor of several included schools is scored as a colleague of the mentee's own.
        if current is None or _school_rank(org_id, school_id) < _school_rank(
            current.school_id, school_id
        ):
            best[person_id] = _Candidate(person_id, full_name or "", org_id, org_name, profile)
    return list(best.values())


def _school_rank(org_id: int, school_id: int) -> tuple[int, int]:
    return (0 if org_id == school_id else 1, org_id)


def _score(
    candidate: _Candidate,
    mentee: MenteeProfile | None,
    school_id: int,
    load: int,
    today: date,
) -> Suggestion:
    mentor = candidate.profile
    reasons: list[Reason] = []
    if mentee is not None:
        expertise = _words(
            " ".join(
                part or ""
                for part in (
                    mentor.competencies,
                    mentor.subjects,
                    mentor.achievements,
                )
            )
        )
        reasons += _difficulty_reasons(mentee.difficulties or [], expertise)
        reasons += _request_reasons(mentee.request or "", expertise)
    if candidate.school_id == school_id:
        reasons.append(Reason("same_school", SAME_SCHOOL_POINTS))
    else:
        reasons.append(
            Reason(
                "other_school",
                0,
                {"school_id": candidate.school_id, "school_name": candidate.school_name},
            )
        )
    if mentee is not None:
        reasons += _age_reasons(mentor.desired_mentee_age, mentee, today)
    capacity = mentor.max_mentees or 0
    free = capacity - load
    if free > 0:
        reasons.append(
            Reason(
                "free_capacity",
                min(10, 4 + 2 * free),
                {"free": free, "load": load, "capacity": capacity},
            )
        )
    else:
        reasons.append(
            Reason("no_capacity", NO_CAPACITY_POINTS, {"load": load, "capacity": capacity})
        )
    if mentee is not None:
        reasons += _experience_reasons(mentor, mentee)
        reasons += _peer_reasons(mentor, mentee)
        reasons += _form_reasons(mentor, mentee)
    score = max(0, min(100, sum(r.points for r in reasons)))
    return Suggestion(
        person_id=candidate.person_id,
        full_name=candidate.full_name,
        score=score,
        reasons=reasons,
        load=load,
        capacity=capacity,
        over_capacity=free <= 0,
        school_id=candidate.school_id,
    )


def _difficulty_reasons(difficulties: list[str], expertise: list[str]) -> list[Reason]:
    codes: list[str] = []
    words: list[str] = []
    total = 0
    for item in difficulties:
        stems = DIFFICULTY_STEMS.get(item)
        if stems is not None:
            total += 1
            if _any_starts(expertise, stems):
                codes.append(item)
            continue
        # Not a code: the mentee's own words for what else is difficult.
        own = _matched_terms(item, expertise)
        if _terms(item):
            total += 1
            if own:
                words += own
    matched = len(codes) + (1 if words else 0)
    if not matched:
        return []
    points = round(DIFFICULTY_WEIGHT * matched / total)
    return [
        Reason(
            "difficulty_match",
            points,
            {"codes": codes, "words": words, "matched": matched, "total": total},
        )
    ]


def _request_reasons(request: str, expertise: list[str]) -> list[Reason]:
    words = _matched_terms(request, expertise)
    if not words:
        return []
    points = min(REQUEST_WEIGHT, REQUEST_WORD_POINTS * len(words))
    return [Reason("request_match", points, {"words": words})]


def _age_reasons(desired: str | None, mentee: MenteeProfile, today: date) -> list[Reason]:
    if not desired or not desired.strip():
        return []
    text = _fold(desired)
    tokens = _words(text)
    bounds = _bounds(text)
    params: dict[str, Any] = {"desired": desired}
    fits: bool | None = None
    if bounds is not None and _any_starts(tokens, GRADE_STEMS):
        if mentee.grade is not None:
            fits = bounds[0] <= mentee.grade <= bounds[1]
            params["grade"] = mentee.grade
    elif bounds is not None:
        if mentee.birth_year is not None:
            age = today.year - mentee.birth_year
            fits = bounds[0] <= age <= bounds[1]
            params["age"] = age
    else:
        fits = _audience_fits(tokens, mentee)
        params["category"] = mentee.category
    if fits is None:
        return []
    if fits:
        return [Reason("age_fits", AGE_POINTS, params)]
    return [Reason("age_mismatch", -AGE_POINTS, params)]


def _bounds(text: str) -> tuple[int, int] | None:
    """Inclusive bounds from «12–14 лет», «от 10 до 12», «до 12», «старше 14», «15+»."""
    found = [m for m in _NUMBER.finditer(text) if 0 < int(m.group()) <= MAX_AGE]
    if len(found) >= 2:
        first, second = int(found[0].group()), int(found[1].group())
        return min(first, second), max(first, second)
    if not found:
        return None
    match = found[0]
    number = int(match.group())
    before = _words(text[: match.start()])
    previous = before[-1] if before else ""
    if previous in UP_TO_WORDS:
        return 0, number
    if previous in FROM_WORDS or text[match.end() :].lstrip().startswith("+"):
        return number, MAX_AGE
    return number, number


def _audience_fits(tokens: list[str], mentee: MenteeProfile) -> bool | None:
    """Desired mentees described in words: young teachers, teachers or pupils."""
    is_student = mentee.category == MenteeCategory.student
    wants_teachers = _any_starts(tokens, TEACHER_STEMS + YOUNG_STEMS)
    wants_students = _any_starts(tokens, STUDENT_STEMS)
    if wants_teachers == wants_students:
        return None
    if wants_students:
        return is_student
    if is_student:
        return False
    if not _any_starts(tokens, YOUNG_STEMS):
        return True
    young = mentee.category == MenteeCategory.young_teacher or (
        mentee.experience_years is not None and mentee.experience_years <= 3
    )
    # An experienced teacher is not clearly wrong for a mentor of young teachers.
    return True if young else None


def _experience_reasons(mentor: MentorProfile, mentee: MenteeProfile) -> list[Reason]:
    if mentee.category == MenteeCategory.student:
        return []
    if mentor.experience_years is None or mentee.experience_years is None:
        return []
    gap = mentor.experience_years - mentee.experience_years
    params = {
        "gap": gap,
        "mentor_years": mentor.experience_years,
        "mentee_years": mentee.experience_years,
    }
    if gap >= EXPERIENCE_GAP_YEARS:
        return [Reason("experience_gap", EXPERIENCE_GAP_POINTS, params)]
    if gap > 0:
        return [Reason("small_experience_gap", SMALL_EXPERIENCE_GAP_POINTS, params)]
    return [Reason("no_experience_gap", NO_EXPERIENCE_GAP_POINTS, params)]


def _peer_reasons(mentor: MentorProfile, mentee: MenteeProfile) -> list[Reason]:
    if mentee.category != MenteeCategory.student or mentor.category != MentorCategory.student:
        return []
    grade_gap = (
        mentor.grade - mentee.grade
        if mentor.grade is not None and mentee.grade is not None
        else None
    )
    years_older = (
        mentee.birth_year - mentor.birth_year
        if mentor.birth_year is not None and mentee.birth_year is not None
        else None
    )
    # The grade says more than the birth year, which is off by up to a year either way.
    gap = grade_gap if grade_gap is not None else years_older
    if gap is None:
        return []
    params = {"grade_gap": grade_gap, "years_older": years_older}
    if gap > 0:
        return [Reason("student_peer", STUDENT_PEER_POINTS, params)]
    return [Reason("peer_not_older", PEER_NOT_OLDER_POINTS, params)]


def _form_reasons(mentor: MentorProfile, mentee: MenteeProfile) -> list[Reason]:
    preferred = list(mentee.preferred_forms or [])
    if not preferred:
        return []
    forms = _pair_forms(mentor, mentee)
    chosen = [form for form in preferred if form in forms]
    if chosen:
        return [Reason("preferred_form", FORM_POINTS, {"form": chosen[0]})]
    return [Reason("form_not_preferred", -FORM_POINTS, {"forms": forms, "preferred": preferred})]


def _pair_forms(mentor: MentorProfile, mentee: MenteeProfile) -> list[str]:
    """Forms of mentoring (seed 001, §IV) this mentor and this mentee would make."""
    if mentee.category == MenteeCategory.student:
        return {
            MentorCategory.teacher: ["teacher_student"],
            MentorCategory.student: ["student_student"],
        }.get(mentor.category, [])
    if mentor.category == MentorCategory.partner:
        return ["partner_teacher"]
    if mentor.category != MentorCategory.teacher:
        return []
    if _any_starts(_words(mentor.position or ""), HEAD_POSITION_STEMS):
        return ["teacher_teacher", "head_teacher"]
    return ["teacher_teacher"]


def _fold(text: str) -> str:
    return text.lower().replace("ё", "е")


def _words(text: str) -> list[str]:
    return _WORD.findall(_fold(text))


def _any_starts(words: Iterable[str], stems: Iterable[str]) -> bool:
    stems = tuple(stems)
    return any(word.startswith(stems) for word in words)


def _terms(text: str) -> list[tuple[str, str]]:
    """(word, stem) pairs of the words of a free text that can carry meaning, once each."""
    seen: set[str] = set()
    terms: list[tuple[str, str]] = []
    for raw in _WORD.findall(text):
        word = _fold(raw)
        acronym = len(raw) >= 2 and raw.isupper()
        if acronym or word in SHORT_TERMS:
            stem = word
        elif len(word) < 4 or word.startswith(tuple(STOP_PREFIXES)):
            continue
        else:
            stem = word[:5] if len(word) >= 7 else word[:4]
        if stem not in seen:
            seen.add(stem)
            terms.append((word, stem))
    return terms


def _matched_terms(text: str, expertise: list[str]) -> list[str]:
    return [word for word, stem in _terms(text) if _any_starts(expertise, (stem,))]
