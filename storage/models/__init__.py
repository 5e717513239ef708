"""Every table, importable from one place (Alembic's env imports this to see them all)."""

from storage.models.catalogue import CatalogueEntry
from storage.models.core import Feedback, FsmState, Person, ProcessedUpdate
from storage.models.orgs import Invitation, InvitationUse, Membership, Organization
from storage.models.profiles import Consent, MenteeProfile, MentorProfile
from storage.models.programmes import (
    CrossSchoolPermission,
    PlanItem,
    Programme,
    ProgrammeComment,
    ProgrammeMember,
)

__all__ = [
    "CatalogueEntry",
    "Consent",
    "CrossSchoolPermission",
    "Feedback",
    "FsmState",
    "Invitation",
    "InvitationUse",
    "Membership",
    "MenteeProfile",
    "MentorProfile",
    "Organization",
    "Person",
    "PlanItem",
    "ProcessedUpdate",
    "Programme",
    "ProgrammeComment",
    "ProgrammeMember",
]
