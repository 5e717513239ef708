"""Role × command × foreign scope: who may use what, and forged callbacks refused."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from handlers.invitations import InviteAction, InviteOrg, InviteUses
from handlers.orgs.edit_common import OrgField, OrgView
from handlers.orgs.menu import NewOrg
from handlers.people.staff_common import StaffCard, StaffInvite, StaffStatus
from storage.models import Invitation, Membership, Organization, OrganizationChange
from storage.models.enums import MembershipStatus, OrgLevel, Role
from tests.conftest import ADMIN_ID
from tests.support.seed import add_person, build_tree

NOT_FOR_ROLE = "Эта команда недоступна для вашей роли. Ваши команды — /help."
NOT_REGISTERED = "Эта команда доступна после регистрации по ссылке-приглашению."

COMMANDS = (
    "orgs",
    "invite",
    "people",
    "profile",
    "mydata",
    "forget",
    "catalogue",
    "pair",
    "pairs",
    "programme",
    "outbox",
    "campaign",
    "results",
    "practices",
    "announce",
    "ask",
    "questions",
    "faq",
    "summary",
    "stats",
    "export",
    "chart",
    "report",
)
PERSONAL = {"profile", "mydata", "forget"}
# Which of the commands each kind of person may use.
MATRIX = {
    "stranger": set(),
    "mentor": PERSONAL | {"pairs", "programme"} | {"practices", "ask", "faq"},
    "mentee": PERSONAL | {"pairs", "programme"} | {"practices", "ask", "faq"},
    "curator": PERSONAL
    | {"invite", "people", "pair", "pairs", "programme", "results"}
    | {"practices", "announce", "questions", "faq"}
    | {"summary", "stats", "export", "chart", "report"},
    "coordinator": PERSONAL
    | {"orgs", "invite", "people", "catalogue", "pairs", "outbox", "campaign", "results"}
    | {"practices", "announce", "faq"}
    | {"summary", "export", "chart", "report"},
    "admin": {"orgs", "invite", "people", "outbox"},
}
IDS = {
    "stranger": 90,
    "mentor": 91,
    "mentee": 92,
    "curator": 93,
    "coordinator": 94,
    "admin": ADMIN_ID,
}


@pytest.fixture
async def world(harness, clock):
    db, now = harness.app.database, clock.now()
    tree = await build_tree(db, now)
    await add_person(db, IDS["mentor"], "Петров Иван", Role.mentor, tree.school_id, now)
    await add_person(db, IDS["mentee"], "Иванова Анна", Role.mentee, tree.school_id, now)
    await add_person(db, IDS["curator"], "Куратор Ольга", Role.curator, tree.school_id, now)
    await add_person(
        db, IDS["coordinator"], "Соболева Зинаида", Role.coordinator, tree.municipality_id, now
    )
    return tree


@pytest.mark.parametrize("who", list(MATRIX))
async def test_each_role_gets_exactly_its_commands(harness, world, who):
    user = harness.client.user(IDS[who])
    for command in COMMANDS:
        await user.send(f"/{command}")
        reply = user.last.text
        if command == "pair" and reply != NOT_FOR_ROLE:
            await user.send("/cancel")
        refused = reply in (NOT_FOR_ROLE, NOT_REGISTERED)
        assert refused == (command not in MATRIX[who]), f"{who} /{command}: {reply!r}"
    await user.send("/help")
    listed = {line.split(" ")[0][1:] for line in user.last.text.splitlines()[1:]}
    assert listed & set(COMMANDS) == MATRIX[who]


async def test_a_curator_cannot_invite_into_another_school(harness, world):
    curator = harness.client.user(IDS["curator"])
    await curator.send("/invite")
    for data in (
        InviteOrg(role=Role.mentor, org_id=world.other_school_id).pack(),
        InviteUses(role=Role.mentor, org_id=world.foreign_school_id, uses=100).pack(),
        InviteUses(role=Role.curator, org_id=world.school_id, uses=1).pack(),
    ):
        await curator.press(curator.last, data=data)
        answer = harness.tg.requests_for("answerCallbackQuery")[-1][1]
        assert answer["text"] == "Вы не можете приглашать в эту организацию.", data
    async with harness.app.database.reading() as s:
        assert await s.scalar(select(func.count()).select_from(Invitation)) == 0


async def test_a_coordinator_stays_inside_the_municipality(harness, world):
    coordinator = harness.client.user(IDS["coordinator"])
    await coordinator.send("/invite")
    await coordinator.press(
        coordinator.last,
        data=InviteUses(role=Role.curator, org_id=world.foreign_school_id, uses=1).pack(),
    )
    assert harness.tg.requests_for("answerCallbackQuery")[-1][1]["text"].startswith("Вы не можете")
    await coordinator.press(
        coordinator.last,
        data=InviteUses(role=Role.coordinator, org_id=world.municipality_id, uses=1).pack(),
    )
    assert harness.tg.requests_for("answerCallbackQuery")[-1][1]["text"].startswith("Вы не можете")

    await coordinator.send("/orgs")
    assert (
        "+ Регион" not in coordinator.last.buttons
        and "+ Муниципалитет" not in coordinator.last.buttons
    )
    await coordinator.press(
        coordinator.last,
        data=NewOrg(level=OrgLevel.school, parent_id=world.other_municipality_id).pack(),
    )
    assert harness.tg.requests_for("answerCallbackQuery")[-1][1]["text"] == (
        "Вы не можете добавлять организации сюда."
    )
    await coordinator.press(coordinator.last, data=NewOrg(level=OrgLevel.region).pack())
    assert harness.tg.requests_for("answerCallbackQuery")[-1][1]["text"] == (
        "Вы не можете добавлять организации сюда."
    )
    async with harness.app.database.reading() as s:
        assert await s.scalar(select(func.count()).select_from(Organization)) == 6


async def test_nobody_withdraws_someone_elses_invitation(harness, world):
    curator = harness.client.user(IDS["curator"])
    await curator.send("/invite")
    await curator.click(curator.last, text="Пригласить: наставник")
    await curator.click(curator.last, text="5")
    async with harness.app.database.reading() as s:
        invitation = await s.scalar(select(Invitation))
    coordinator = harness.client.user(IDS["coordinator"])
    await coordinator.send("/invite")
    for action in ("revoke", "users"):
        await coordinator.press(
            coordinator.last, data=InviteAction(action=action, invitation_id=invitation.id).pack()
        )
        assert harness.tg.requests_for("answerCallbackQuery")[-1][1]["text"] == (
            "Это приглашение создано не вами."
        )
    async with harness.app.database.reading() as s:
        assert (await s.get(Invitation, invitation.id)).revoked_at is None


async def test_curators_and_mentors_reach_no_screen_that_changes_organisations_or_staff(
    harness, world
):
    async with harness.app.database.reading() as s:
        coordinator_role = await s.scalar(
            select(Membership.id).where(Membership.role == Role.coordinator)
        )
        curator_role = await s.scalar(select(Membership.id).where(Membership.role == Role.curator))
    forged = (
        OrgView(org_id=world.school_id),
        OrgField(org_id=world.school_id, field="name"),
        StaffCard(membership_id=coordinator_role),
        StaffStatus(
            membership_id=coordinator_role, status=MembershipStatus.deactivated, confirmed=True
        ),
        StaffInvite(membership_id=curator_role),
    )
    for who in ("mentor", "curator"):
        user = harness.client.user(IDS[who])
        await user.send("/help")
        for data in forged:
            await user.press(user.last, data=data.pack())
            answer = harness.tg.requests_for("answerCallbackQuery")[-1][1]
            assert answer.get("show_alert"), (who, data)
    async with harness.app.database.reading() as s:
        statuses = set((await s.scalars(select(Membership.status))).all())
        assert statuses == {MembershipStatus.active}
        assert await s.scalar(select(func.count()).select_from(OrganizationChange)) == 0
        assert await s.scalar(select(func.count()).select_from(Invitation)) == 0
