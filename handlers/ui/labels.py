"""Names of roles, statuses and organisation kinds as people read them."""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _

from storage.models.enums import MembershipStatus, OrgLevel, Role


def role_title(role: Role | str) -> str:
    return {
        Role.coordinator: _("coordinator"),
        Role.curator: _("curator"),
        Role.mentor: _("mentor"),
        Role.mentee: _("mentee"),
    }[Role(role)]


def status_title(status: MembershipStatus | str) -> str:
    return {
        MembershipStatus.active: _("active"),
        MembershipStatus.awaiting_guardian: _("awaiting the guardian's consent"),
        MembershipStatus.deactivated: _("deactivated"),
    }[MembershipStatus(status)]


def level_title(level: OrgLevel | str) -> str:
    return {
        OrgLevel.region: _("region"),
        OrgLevel.municipality: _("municipality"),
        OrgLevel.school: _("school"),
    }[OrgLevel(level)]
