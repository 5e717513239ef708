"""Every table, importable from one place (Alembic's env imports this to see them all)."""

from storage.models.catalogue import CatalogueEntry
from storage.models.community import Announcement, FaqEntry, Practice, Question
from storage.models.core import Feedback, FsmState, Person, ProcessedUpdate
from storage.models.meetings import Meeting, MeetingAttendee, MeetingChange, MeetingPhoto
from storage.models.orgs import (
    Invitation,
    InvitationUse,
    Membership,
    MembershipChange,
    Organization,
    OrganizationChange,
)
from storage.models.outbox import OutboxMessage
from storage.models.profiles import Consent, MenteeProfile, MentorProfile
from storage.models.programmes import (
    CrossSchoolPermission,
    PlanItem,
    Programme,
    ProgrammeComment,
    ProgrammeMember,
)
from storage.models.registers import RegisterEntry, RegisterPair, RegisterPairMember
from storage.models.statistics import SchoolStatistics
from storage.models.surveys import (
    Campaign,
    PublishedCell,
    SurveyParticipation,
    SurveyResponse,
    SurveySettings,
)
from storage.models.uptime import UptimeInterval

__all__ = [
    "Announcement",
    "Campaign",
    "CatalogueEntry",
    "Consent",
    "CrossSchoolPermission",
    "FaqEntry",
    "Feedback",
    "FsmState",
    "Invitation",
    "InvitationUse",
    "Meeting",
    "MeetingAttendee",
    "MeetingChange",
    "MeetingPhoto",
    "Membership",
    "MembershipChange",
    "MenteeProfile",
    "MentorProfile",
    "Organization",
    "OrganizationChange",
    "OutboxMessage",
    "Person",
    "PlanItem",
    "Practice",
    "ProcessedUpdate",
    "Programme",
    "ProgrammeComment",
    "ProgrammeMember",
    "PublishedCell",
    "Question",
    "RegisterEntry",
    "RegisterPair",
    "RegisterPairMember",
    "SchoolStatistics",
    "SurveyParticipation",
    "SurveyResponse",
    "SurveySettings",
    "UptimeInterval",
]
