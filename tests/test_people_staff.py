"""/people for coordinators and the administrator: the curators and coordinators below them,
deactivation (warned when it leaves a school without a curator), activation and a
replacement's invitation; audited, scoped, and a double tap changes things once."""

from __future__ import annotations

from sqlalchemy import func, select

from handlers.people.staff_common import StaffCard, StaffInvite, StaffStatus
from storage.models import Invitation, Membership, MembershipChange
from storage.models.enums import MembershipStatus, Role
from storage.privacy import export_person
from tests.conftest import ADMIN_ID
from tests.support.seed import add_person, add_role, build_tree

MUNICIPAL, REGIONAL, AZOV = 7001, 7002, 7003
LYCEUM, SECOND_A, SECOND_B, FOREIGN, MENTOR = 8001, 8002, 8003, 8004, 8005


async def english(user) -> None:
    await user.send("/language")
    await user.click(user.last, text="English")


async def region_with_staff(harness, clock):
    db, now = harness.app.database, clock.now()
    tree = await build_tree(db, now)
    people = [
        (MUNICIPAL, "Соболева Зинаида", Role.coordinator, tree.municipality_id),
        (REGIONAL, "Орлов Глеб", Role.coordinator, tree.region_id),
        (AZOV, "Азовцева Мария", Role.coordinator, tree.other_municipality_id),
        (LYCEUM, "Абрамова Ольга", Role.curator, tree.school_id),
        (SECOND_A, "Белова Нина", Role.curator, tree.other_school_id),
        (SECOND_B, "Власова Инна", Role.curator, tree.other_school_id),
        (FOREIGN, "Гусева Анна", Role.curator, tree.foreign_school_id),
        (MENTOR, "Петров Иван", Role.mentor, tree.school_id),
    ]
    ids = {}
    for telegram_id, name, role, org_id in people:
        ids[telegram_id] = await add_person(db, telegram_id, name, role, org_id, now)
    return tree, ids


async def membership_of(harness, person_id: int, role: Role = Role.curator) -> Membership:
    async with harness.app.database.reading() as s:
        return await s.scalar(
            select(Membership).where(Membership.person_id == person_id, Membership.role == role)
        )


async def trail(harness) -> list[MembershipChange]:
    async with harness.app.database.reading() as s:
        return list((await s.scalars(select(MembershipChange).order_by(MembershipChange.id))).all())


def last_answer(harness) -> dict:
    return harness.tg.requests_for("answerCallbackQuery")[-1][1]


def names_on(message) -> set[str]:
    return {b.split(". ", 1)[1] for b in message.buttons if b[:1].isdigit()}


async def test_each_level_sees_the_curators_and_coordinators_below_it(harness, clock):
    await region_with_staff(harness, clock)
    municipal = harness.client.user(MUNICIPAL)
    await english(municipal)
    await municipal.send("/people")
    assert municipal.last.text.startswith("Curators and coordinators in your care — All: 3")
    assert names_on(municipal.last) == {"Абрамова Ольга", "Белова Нина", "Власова Инна"}
    assert "1. Абрамова Ольга — curator of «МБОУ лицей № 9» (Сальский район): active" in (
        municipal.last.text
    )

    regional = harness.client.user(REGIONAL)
    await english(regional)
    await regional.send("/people")
    assert names_on(regional.last) == {
        "Соболева Зинаида",
        "Азовцева Мария",
        "Абрамова Ольга",
        "Белова Нина",
        "Власова Инна",
        "Гусева Анна",
    }

    admin = harness.client.user(ADMIN_ID)
    await english(admin)
    await admin.send("/people")
    assert "All: 7" in admin.last.text and "Орлов Глеб" in names_on(admin.last)

    # Narrowed by a typed part of a name or an organisation, letter case aside.
    await municipal.click(municipal.last, text="🔎 Search by name or organisation")
    await municipal.send("сош № 2")
    assert names_on(municipal.last) == {"Белова Нина", "Власова Инна"}
    assert "Search: «сош № 2»" in municipal.last.text
    await municipal.click(municipal.last, text="✖ Clear the search")
    assert len(names_on(municipal.last)) == 3


async def test_deactivating_a_schools_last_curator_warns_and_happens_once(harness, clock):
    _tree, ids = await region_with_staff(harness, clock)
    municipal = harness.client.user(MUNICIPAL)
    await english(municipal)
    await municipal.send("/people")
    screen = municipal.last
    await municipal.click(screen, text="1. Абрамова Ольга")
    assert "⚠ The only active curator of the school" in screen.text
    await municipal.click(screen, text="Deactivate")
    assert screen.text.startswith(
        "Deactivate Абрамова Ольга as curator of «МБОУ лицей № 9» (Сальский район)?"
    )
    assert "⚠ The only active curator of the school" in screen.text
    assert "✉ Invite a replacement" in screen.buttons
    await municipal.click(screen, text="✔ Deactivate")
    await municipal.press(screen, text="✔ Deactivate")  # the double tap's second
    assert last_answer(harness)["text"] == "Saved."
    assert "Status: deactivated since" in screen.text and "Activate" in screen.buttons

    assert (await membership_of(harness, ids[LYCEUM])).status == MembershipStatus.deactivated
    [change] = await trail(harness)
    assert (change.person_id, change.action, change.changes) == (
        ids[MUNICIPAL],
        "status",
        {"status": ["active", "deactivated"]},
    )
    told = harness.tg.sent_to(LYCEUM)
    # In the curator's own language (Russian by default), not the coordinator's.
    assert len(told) == 1 and told[0].text.startswith(
        "Ваша роль деактивирована: куратор, «МБОУ лицей № 9». Это сделал(а): Соболева Зинаида;"
    )
    menu = harness.tg.commands(scope={"type": "chat", "chat_id": LYCEUM})
    assert "people" not in [c["command"] for c in menu]

    # Activated again: once, audited, told.
    await municipal.click(screen, text="Activate")
    await municipal.press(screen, text="Activate")
    assert (await membership_of(harness, ids[LYCEUM])).status == MembershipStatus.active
    assert [c.changes["status"] for c in await trail(harness)] == [
        ["active", "deactivated"],
        ["deactivated", "active"],
    ]
    assert harness.tg.sent_to(LYCEUM)[-1].text.startswith("Ваша роль снова активна")
    async with harness.app.database.reading() as s:
        [role] = (await export_person(s, ids[LYCEUM]))["roles"]
    assert [(h["status"], h["by_self"]) for h in role["status_history"]] == [
        (["active", "deactivated"], False),
        (["deactivated", "active"], False),
    ]


async def test_one_of_two_curators_is_deactivated_without_a_warning(harness, clock):
    _tree, ids = await region_with_staff(harness, clock)
    municipal = harness.client.user(MUNICIPAL)
    await english(municipal)
    await municipal.send("/people")
    await municipal.click(municipal.last, text="2. Белова Нина")
    assert "⚠" not in municipal.last.text
    await municipal.click(municipal.last, text="Deactivate")
    assert "⚠" not in municipal.last.text
    assert "✉ Invite a replacement" not in municipal.last.buttons
    await municipal.click(municipal.last, text="✖ No, back to the card")
    assert (await membership_of(harness, ids[SECOND_A])).status == MembershipStatus.active
    await municipal.click(municipal.last, text="◀ Back to the list")
    assert municipal.last.text.startswith("Curators and coordinators in your care")


async def test_a_replacement_is_invited_once_and_registers(harness, clock):
    tree, _ids = await region_with_staff(harness, clock)
    municipal = harness.client.user(MUNICIPAL)
    await english(municipal)
    await municipal.send("/people")
    await municipal.click(municipal.last, text="1. Абрамова Ольга")
    card = municipal.last
    await municipal.click(card, text="✉ Invite a replacement")
    await municipal.press(card, text="✉ Invite a replacement")  # a double tap
    assert card.text.startswith("Invitation for curator of «МБОУ лицей № 9»:\nhttps://t.me/")
    assert "It replaces Абрамова Ольга, who stays active until you change that" in card.text
    async with harness.app.database.reading() as s:
        [invitation] = (await s.scalars(select(Invitation))).all()
    assert (invitation.role, invitation.organization_id, invitation.max_uses) == (
        "curator",
        tree.school_id,
        1,
    )
    assert [(c.action, c.changes) for c in await trail(harness)] == [
        ("replacement_invited", {"invitation_id": [None, invitation.id]})
    ]

    newcomer = harness.client.user(8100)
    await english(newcomer)
    await newcomer.send(f"/start {invitation.code}")
    await newcomer.click(newcomer.last, text="✔ I agree")
    await newcomer.send("Дмитриева Елена Павловна")
    await newcomer.click(newcomer.last, text="✔ All correct")
    assert newcomer.last.text.startswith("Done! You are registered as curator of «МБОУ лицей № 9».")
    assert "Дмитриева Елена Павловна has registered" in harness.tg.sent_to(MUNICIPAL)[-1].text

    # With a second active curator the first can go without the warning.
    await municipal.click(card, text="◀ Back to the card")
    assert "⚠" not in card.text and "a replacement invited" in card.text


async def test_forged_callbacks_outside_the_scope_are_refused(harness, clock):
    _tree, ids = await region_with_staff(harness, clock)
    municipal = harness.client.user(MUNICIPAL)
    await english(municipal)
    await municipal.send("/people")
    foreign = await membership_of(harness, ids[FOREIGN])
    azov = await membership_of(harness, ids[AZOV], Role.coordinator)
    own = await membership_of(harness, ids[MUNICIPAL], Role.coordinator)
    regional = await membership_of(harness, ids[REGIONAL], Role.coordinator)
    mentor = await membership_of(harness, ids[MENTOR], Role.mentor)
    for membership in (foreign, azov, own, regional, mentor):
        for data in (
            StaffCard(membership_id=membership.id),
            StaffStatus(
                membership_id=membership.id, status=MembershipStatus.deactivated, confirmed=True
            ),
            StaffInvite(membership_id=membership.id),
        ):
            await municipal.press(municipal.last, data=data.pack())
            assert last_answer(harness)["text"] == "This person is not in your care.", data
    lyceum = await membership_of(harness, ids[LYCEUM])
    await municipal.press(
        municipal.last,
        data=StaffStatus(
            membership_id=lyceum.id, status=MembershipStatus.awaiting_guardian, confirmed=True
        ).pack(),
    )
    assert last_answer(harness)["text"] == "This button is no longer active."

    # A curator is refused the staff screens altogether.
    curator = harness.client.user(LYCEUM)
    await english(curator)
    await curator.send("/people")
    assert curator.last.text.startswith("«МБОУ лицей № 9», participants")
    await curator.press(curator.last, data=StaffCard(membership_id=foreign.id).pack())
    assert last_answer(harness)["text"] == "This person is not in your care."

    async with harness.app.database.reading() as s:
        statuses = set((await s.scalars(select(Membership.status))).all())
        invitations = await s.scalar(select(func.count()).select_from(Invitation))
    assert statuses == {MembershipStatus.active} and invitations == 0
    assert await trail(harness) == []


async def test_a_coordinator_who_is_also_a_curator_chooses_and_cannot_switch_themself_off(
    harness, clock
):
    tree, ids = await region_with_staff(harness, clock)
    async with harness.app.database.transaction() as s:
        await add_role(s, ids[MUNICIPAL], Role.curator, tree.school_id, clock.now())
    municipal = harness.client.user(MUNICIPAL)
    await english(municipal)
    await municipal.send("/people")
    assert municipal.last.text == "Whom do you want to see?"
    assert municipal.last.buttons == ["МБОУ лицей № 9", "👥 Curators and coordinators"]
    await municipal.click(municipal.last, text="МБОУ лицей № 9")
    assert "«МБОУ лицей № 9», participants" in municipal.last.text

    own = await membership_of(harness, ids[MUNICIPAL], Role.curator)
    await municipal.send("/people")
    await municipal.click(municipal.last, text="👥 Curators and coordinators")
    await municipal.press(municipal.last, data=StaffCard(membership_id=own.id).pack())
    assert "Deactivate" not in municipal.last.buttons
    await municipal.press(
        municipal.last,
        data=StaffStatus(
            membership_id=own.id, status=MembershipStatus.deactivated, confirmed=True
        ).pack(),
    )
    assert last_answer(harness)["text"] == "Your own roles are changed by the level above you."
    assert (await membership_of(harness, ids[MUNICIPAL])).status == MembershipStatus.active
