"""What a questionnaire is made of.

Definitions are data, versioned: a stored response names its questionnaire's key and
version, so a later wording or a new question never changes how old answers are read.
A published version is never edited; a change makes a new version next to it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Kind(StrEnum):
    scale = "scale"  # a whole number from 1 to 10
    single = "single"  # one of the options
    multiple = "multiple"  # any of the options
    yes_no = "yes_no"
    text = "text"  # free text


class Audience(StrEnum):
    mentee = "mentee"
    mentor = "mentor"
    curator = "curator"


class Occasion(StrEnum):
    entry = "entry"  # when a programme starts (no campaign)
    monitoring = "monitoring"  # in a campaign, per pair or group
    conditions = "conditions"  # in a campaign, the curator about the school
    exit = "exit"  # when a programme closes (no campaign)


@dataclass(frozen=True)
class Option:
    value: str
    label: Any  # lazy translation


@dataclass(frozen=True)
class Question:
    key: str
    kind: Kind
    text: Any  # lazy translation
    options: tuple[Option, ...] = ()
    required: bool = True
    # Counts towards the satisfaction percentage (scale questions only).
    satisfaction: bool = False
    max_length: int = 1000  # free text
    # Asked only of respondents in these categories (e.g. young_teacher); None: everyone.
    categories: frozenset[str] | None = None

    def applies_to(self, category: str | None) -> bool:
        return self.categories is None or category in self.categories


@dataclass(frozen=True)
class Questionnaire:
    key: str  # e.g. monitoring_mentee
    version: int
    title: Any  # lazy translation
    audience: Audience
    occasion: Occasion
    questions: tuple[Question, ...] = field(default=())

    def for_category(self, category: str | None) -> list[Question]:
        return [q for q in self.questions if q.applies_to(category)]

    def question(self, key: str) -> Question:
        return next(q for q in self.questions if q.key == key)
