"""Every table, importable from one place (Alembic's env imports this to see them all)."""

from storage.models.core import Feedback, FsmState, Person, ProcessedUpdate
from storage.models.orgs import Invitation, InvitationUse, Membership, Organization
from storage.models.profiles import Consent, MenteeProfile, MentorProfile

__all__ = [
    "Consent",
    "Feedback",
    "FsmState",
    "Invitation",
    "InvitationUse",
    "Membership",
    "MenteeProfile",
    "MentorProfile",
    "Organization",
    "Person",
    "ProcessedUpdate",
]
