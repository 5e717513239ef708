"""The built-in questionnaires and their registry: every published version stays readable.

A new wording or question is a new version added next to the old one (never an edit), so a
stored response is always read with the definition it was answered with.
"""

from __future__ import annotations

from storage.surveys.questionnaires.model import Audience, Occasion, Questionnaire
from storage.surveys.questionnaires.monitoring import (
    CONDITIONS_CURATOR,
    MONITORING_MENTEE,
    MONITORING_MENTOR,
)
from storage.surveys.questionnaires.programme import (
    ENTRY_MENTEE,
    ENTRY_MENTOR,
    EXIT_MENTEE,
    EXIT_MENTOR,
    PROFILE_QUESTIONS,
)

PUBLISHED: tuple[Questionnaire, ...] = (
    ENTRY_MENTEE,
    ENTRY_MENTOR,
    MONITORING_MENTEE,
    MONITORING_MENTOR,
    CONDITIONS_CURATOR,
    EXIT_MENTEE,
    EXIT_MENTOR,
)

REGISTRY: dict[str, dict[int, Questionnaire]] = {}
for _questionnaire in PUBLISHED:
    REGISTRY.setdefault(_questionnaire.key, {})[_questionnaire.version] = _questionnaire

__all__ = ["PROFILE_QUESTIONS", "REGISTRY", "find", "key_for", "keys", "latest", "versions"]


def keys() -> list[str]:
    return list(REGISTRY)


def latest(key: str) -> Questionnaire:
    """The newest version; KeyError for an unknown key."""
    versions_of = REGISTRY[key]
    return versions_of[max(versions_of)]


def find(key: str, version: int) -> Questionnaire | None:
    """The definition a stored response was answered with."""
    return REGISTRY.get(key, {}).get(version)


def versions(key: str) -> list[Questionnaire]:
    return [REGISTRY[key][v] for v in sorted(REGISTRY.get(key, {}))]


def key_for(occasion: Occasion, audience: Audience) -> str:
    """E.g. (monitoring, mentee) → monitoring_mentee; (conditions, curator) → conditions_curator."""
    return f"{occasion.value}_{audience.value}"
