"""Closed vocabularies stored as short strings (stable across languages and backends)."""

from __future__ import annotations

from enum import StrEnum


class OrgLevel(StrEnum):
    region = "region"
    municipality = "municipality"
    school = "school"


class SchoolKind(StrEnum):
    school = "school"
    kindergarten = "kindergarten"
    college = "college"
    additional = "additional"  # institution of additional education


class Role(StrEnum):
    coordinator = "coordinator"
    curator = "curator"
    mentor = "mentor"
    mentee = "mentee"


class MembershipStatus(StrEnum):
    active = "active"
    awaiting_guardian = "awaiting_guardian"  # a minor until the guardian's written consent
    deactivated = "deactivated"


class MenteeCategory(StrEnum):
    young_teacher = "young_teacher"  # 0–3 years of experience
    teacher = "teacher"
    student = "student"


class MentorCategory(StrEnum):
    teacher = "teacher"
    student = "student"  # aged 15–18
    partner = "partner"  # employer, university, other outside partner
