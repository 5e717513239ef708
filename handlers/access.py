"""Who may use which command, and whose objects they may touch: the rules in one place.

Handlers state the command they serve with `Allowed("name")`. Every object id that comes
back in callback data is checked against the actor's scope: organisations with
`managed_orgs`, `orgs_below` and `invite_targets` below, people and programmes by the helpers
next to their handlers (people_common, programme_common, catalogue_common), all built on
`Actor.org_ids`; so a forged callback carrying another school's ids is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aiogram.filters import Filter
from aiogram.types import TelegramObject
from aiogram.utils.i18n import lazy_gettext as __
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.enums import MembershipStatus, OrgLevel, Role
from storage.models.orgs import Organization
from storage.orgs.scope import descendants, managed_org_ids
from storage.people.actor import Actor, Grant

MANAGERS = (Role.coordinator, Role.curator)
EVERYONE = (Role.coordinator, Role.curator, Role.mentor, Role.mentee)


@dataclass(frozen=True)
class CommandSpec:
    name: str
    description: Any  # a lazy translation, rendered in the menu's language
    roles: frozenset[Role] | None = None  # None: everyone
    admin: bool = False
    registered: bool = False  # only for people who have registered (given a name)


COMMANDS: tuple[CommandSpec, ...] = (
    CommandSpec("start", __("Greeting and what the bot is for")),
    CommandSpec("help", __("What the bot can do")),
    CommandSpec(
        "orgs", __("Regions, municipalities and schools"), frozenset({Role.coordinator}), admin=True
    ),
    CommandSpec("invite", __("Invitation links"), frozenset(MANAGERS), admin=True),
    CommandSpec(
        "people",
        __("Participants, curators and coordinators"),
        frozenset({Role.curator, Role.coordinator}),
        admin=True,
    ),
    CommandSpec("import", __("Registers of the school from Excel"), frozenset(MANAGERS)),
    CommandSpec("catalogue", __("Forms and kinds of mentoring"), frozenset({Role.coordinator})),
    CommandSpec("pair", __("Form a pair or a group"), frozenset({Role.curator})),
    CommandSpec(
        "pairs",
        __("Pairs and groups"),
        frozenset({Role.curator, Role.coordinator, Role.mentor, Role.mentee}),
    ),
    CommandSpec(
        "programme",
        __("The personalised programme"),
        frozenset({Role.curator, Role.mentor, Role.mentee}),
    ),
    CommandSpec("meeting", __("Log a meeting"), frozenset({Role.mentor})),
    CommandSpec(
        "meetings",
        __("Meetings held"),
        frozenset({Role.curator, Role.mentor, Role.mentee}),
    ),
    CommandSpec(
        "survey",
        __("Questionnaires to answer"),
        frozenset({Role.curator, Role.mentor, Role.mentee}),
    ),
    CommandSpec("campaign", __("Monitoring campaigns"), frozenset({Role.coordinator})),
    CommandSpec(
        "results", __("Results of the monitoring"), frozenset({Role.curator, Role.coordinator})
    ),
    CommandSpec("summary", __("Summary and key indicators"), frozenset(MANAGERS)),
    CommandSpec("stats", __("The school's figures for the indicators"), frozenset({Role.curator})),
    CommandSpec("export", __("Registers and figures as a spreadsheet"), frozenset(MANAGERS)),
    CommandSpec("chart", __("Charts"), frozenset(MANAGERS)),
    CommandSpec("report", __("Draft of the analytical note"), frozenset(MANAGERS)),
    CommandSpec("practices", __("Bank of best practices"), frozenset(EVERYONE)),
    CommandSpec("announce", __("Write an announcement"), frozenset(MANAGERS)),
    CommandSpec("ask", __("Ask the curator a question"), frozenset({Role.mentor, Role.mentee})),
    CommandSpec("questions", __("Questions from participants"), frozenset({Role.curator})),
    CommandSpec("faq", __("Frequent questions"), frozenset(EVERYONE)),
    CommandSpec(
        "outbox",
        __("Delivery of reminders and announcements"),
        frozenset({Role.coordinator}),
        admin=True,
    ),
    CommandSpec("profile", __("My profile"), registered=True),
    CommandSpec("mydata", __("Everything stored about me"), registered=True),
    CommandSpec("forget", __("Erase my personal data"), registered=True),
    CommandSpec("language", __("Language of the interface")),
    CommandSpec("feedback", __("Write to the administrators")),
    CommandSpec("cancel", __("Stop the current action")),
)
BY_NAME = {spec.name: spec for spec in COMMANDS}


def allowed(actor: Actor | None, command: str) -> bool:
    spec = BY_NAME[command]
    if spec.roles is None and not spec.admin:
        return not spec.registered or (actor is not None and actor.full_name is not None)
    if actor is None:
        return False
    return (spec.admin and actor.is_admin) or bool(spec.roles and actor.has_role(*spec.roles))


def awaiting_guardian(actor: Actor | None, command: str | None = None) -> list[Grant]:
    """The actor's roles held back until the guardian's written consent is recorded; with a
    command, only those roles that would open it."""
    if actor is None:
        return []
    roles = BY_NAME[command].roles if command is not None else None
    return [
        g
        for g in actor.grants
        if g.status == MembershipStatus.awaiting_guardian and (roles is None or g.role in roles)
    ]


def commands_for(actor: Actor | None) -> list[CommandSpec]:
    return [spec for spec in COMMANDS if allowed(actor, spec.name)]


class Allowed(Filter):
    """Passes when the actor may use `command`; otherwise the fallback explains who may."""

    def __init__(self, command: str) -> None:
        if command not in BY_NAME:
            raise ValueError(f"unknown command {command!r}")
        self.command = command

    async def __call__(self, event: TelegramObject, actor: Actor | None = None) -> bool:
        return allowed(actor, self.command)


async def managed_orgs(session: AsyncSession, actor: Actor) -> set[int] | None:
    """Organisation ids the actor manages; None means all of them (an administrator)."""
    if actor.is_admin:
        return None
    return await managed_org_ids(session, actor.person_id)


def coordinates(actor: Actor) -> bool:
    """An administrator or an active coordinator: someone who looks after organisations."""
    return actor.is_admin or actor.has_role(Role.coordinator)


async def orgs_below(session: AsyncSession, actor: Actor) -> set[int] | None:
    """Organisations below the ones the actor coordinates, which the actor looks after:
    a regional coordinator's municipalities and schools, a municipal coordinator's schools.
    Not the coordinated organisation itself (that is the level above's business). None means
    all of them (an administrator)."""
    if actor.is_admin:
        return None
    coordinated = actor.org_ids(Role.coordinator)
    if not coordinated:
        return set()
    children = await session.scalars(
        select(Organization.id).where(Organization.parent_id.in_(coordinated))
    )
    return await descendants(session, set(children.all()))


def within(scope: set[int] | None, org_id: int) -> bool:
    return scope is None or org_id in scope


async def invite_targets(session: AsyncSession, actor: Actor, role: Role) -> list[Organization]:
    """Organisations where the actor may invite someone into `role`, by name."""
    levels = (
        [OrgLevel.region, OrgLevel.municipality] if role == Role.coordinator else [OrgLevel.school]
    )
    query = select(Organization).where(Organization.level.in_(levels)).order_by(Organization.name)
    if not actor.is_admin:
        if role in (Role.mentor, Role.mentee):
            ids = actor.org_ids(Role.curator)
        else:
            coordinated = actor.org_ids(Role.coordinator)
            below = await descendants(session, coordinated)
            # Curators for any school below; coordinators only for levels below one's own.
            ids = below if role == Role.curator else below - coordinated
        query = query.where(Organization.id.in_(ids))
    return list((await session.scalars(query)).all())


async def can_invite(session: AsyncSession, actor: Actor, role: Role, org_id: int) -> bool:
    return any(org.id == org_id for org in await invite_targets(session, actor, role))


def invitable_roles(actor: Actor) -> list[Role]:
    if actor.is_admin:
        return [Role.coordinator, Role.curator]
    roles = []
    if actor.has_role(Role.coordinator):
        roles += [Role.coordinator, Role.curator]
    if actor.has_role(Role.curator):
        roles += [Role.mentor, Role.mentee]
    return roles
