"""/orgs → «Change»: renaming an organisation, changing its kind and its time zone, by the
administrator and coordinators in scope; audited; waiting reminders move with the zone."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from handlers.orgs.edit_common import OrgConfirm, OrgField, OrgValue, OrgView
from storage.models import Membership, Organization, OrganizationChange, OutboxMessage, Person
from storage.models.enums import MembershipStatus, Role
from storage.outbox.queue import enqueue, local_moment
from tests.conftest import ADMIN_ID
from tests.support.seed import add_person, build_tree

MUNICIPAL, REGIONAL = 7001, 7002
YEKATERINBURG = "UTC+5 — Yekaterinburg, Surgut, Nizhny Tagil"


async def english(user) -> None:
    await user.send("/language")
    await user.click(user.last, text="English")


async def region_with_coordinators(harness, clock):
    db, now = harness.app.database, clock.now()
    tree = await build_tree(db, now)
    ids = {
        "municipal": await add_person(
            db, MUNICIPAL, "Соболева Зинаида", Role.coordinator, tree.municipality_id, now
        ),
        "regional": await add_person(
            db, REGIONAL, "Орлов Глеб", Role.coordinator, tree.region_id, now
        ),
    }
    municipal = harness.client.user(MUNICIPAL)
    await english(municipal)
    return tree, ids, municipal


async def open_card(user, *path: str) -> None:
    await user.send("/orgs")
    await user.click(user.last, text="✎ Change an organisation")
    for name in path:
        await user.click(user.last, text=name)


def last_answer(harness) -> dict:
    return harness.tg.requests_for("answerCallbackQuery")[-1][1]


async def org(harness, org_id: int) -> Organization:
    async with harness.app.database.reading() as s:
        return await s.get(Organization, org_id)


async def audit(harness) -> list[OrganizationChange]:
    async with harness.app.database.reading() as s:
        rows = await s.scalars(select(OrganizationChange).order_by(OrganizationChange.id))
        return list(rows.all())


async def test_a_municipal_coordinator_renames_a_school_once_despite_a_double_tap(harness, clock):
    tree, ids, municipal = await region_with_coordinators(harness, clock)
    await municipal.send("/orgs")
    await municipal.click(municipal.last, text="✎ Change an organisation")
    listed = municipal.last.buttons
    assert "МБОУ лицей № 9" in listed and "МБОУ СОШ № 2" in listed
    assert "МБОУ СОШ № 7 (Азов)" not in listed and "Сальский район" not in listed
    await municipal.click(municipal.last, text="МБОУ лицей № 9")
    card = municipal.last.text
    assert card.startswith("МБОУ лицей № 9\nKind: school\nAbove: «Сальский район»")
    assert "Time zone: as above: UTC+3 — Moscow" in card
    await municipal.click(municipal.last, text="✎ Name")
    await municipal.send("МБОУ  лицей № 9 имени А. С. Пушкина ")
    question = municipal.last
    assert question.text.startswith(
        "Rename «МБОУ лицей № 9» to «МБОУ лицей № 9 имени А. С. Пушкина»?"
    )
    await municipal.click(question, text="✔ Change")
    await municipal.press(question, text="✔ Change")  # the second tap of a double tap
    assert last_answer(harness)["text"] == "Saved."
    assert question.text == "Saved: «МБОУ лицей № 9» is now «МБОУ лицей № 9 имени А. С. Пушкина»."

    assert (await org(harness, tree.school_id)).name == "МБОУ лицей № 9 имени А. С. Пушкина"
    [change] = await audit(harness)
    assert change.organization_id == tree.school_id and change.person_id == ids["municipal"]
    assert change.changes == {"name": ["МБОУ лицей № 9", "МБОУ лицей № 9 имени А. С. Пушкина"]}
    assert change.changed_at == clock.now()
    await municipal.click(question, text="◀ To the organisation")
    assert "Recent changes:" in question.text and "Соболева Зинаида: Name, МБОУ лицей № 9 →" in (
        question.text
    )


async def test_bad_names_and_zones_get_clear_answers_and_change_nothing(harness, clock):
    tree, _ids, municipal = await region_with_coordinators(harness, clock)
    await open_card(municipal, "МБОУ лицей № 9")
    await municipal.click(municipal.last, text="✎ Name")
    await municipal.send("   x   ")
    assert municipal.last.text == "Expected 2 to 300 characters; this has 1.\nPlease try again."
    await municipal.send("Ш" * 301)
    assert municipal.last.text.startswith("Expected 2 to 300 characters; this has 301.")
    await municipal.send("мбоу сош № 2")  # a sibling's name in another letter case
    assert municipal.last.text == (
        "Another organisation there is already called «мбоу сош № 2». "
        "Send another name, or /cancel."
    )
    await municipal.send("МБОУ лицей № 9")
    assert municipal.last.text.startswith("That is the current value; nothing to change.")
    await municipal.send("/cancel")

    await open_card(municipal, "МБОУ лицей № 9")
    await municipal.click(municipal.last, text="✎ Time zone")
    for typed in ("Mars/Olympus", "UTC+13", "<b>"):
        await municipal.send(typed)
        assert "is not a time zone I know" in municipal.last.text, typed
    await municipal.send("asia/novosibirsk")  # typed zones work, in any letter case
    assert municipal.last.text.startswith(
        "Change the time zone of «МБОУ лицей № 9»: as above: UTC+3 — Moscow, Rostov, Smolensk, "
        "Grozny → Asia/Novosibirsk (UTC+7)?"
    )
    await municipal.send("/cancel")

    school = await org(harness, tree.school_id)
    assert (school.name, school.timezone) == ("МБОУ лицей № 9", None)
    assert await audit(harness) == []


async def test_the_kind_of_a_school_changes(harness, clock):
    tree, _ids, municipal = await region_with_coordinators(harness, clock)
    await open_card(municipal, "МБОУ СОШ № 2")
    await municipal.click(municipal.last, text="✎ Kind")
    await municipal.click(municipal.last, text="school")
    assert last_answer(harness)["text"].startswith("That is the current value")
    await municipal.click(municipal.last, text="college")
    assert municipal.last.text == "Change the kind of «МБОУ СОШ № 2»: school → college?"
    await municipal.click(municipal.last, text="✔ Change")
    assert municipal.last.text == "Saved: «МБОУ СОШ № 2» is now college."
    assert (await org(harness, tree.other_school_id)).school_kind == "college"
    [change] = await audit(harness)
    assert change.changes == {"school_kind": ["school", "college"]}


async def owe(harness, school_id: int, kind: str, subject: str, due_at: datetime, now) -> None:
    async with harness.app.database.transaction() as s:
        person = await s.scalar(select(Membership.person_id).limit(1))
        await enqueue(
            s,
            kind=kind,
            subject=subject,
            person_id=person,
            due_at=due_at,
            timezone="Europe/Moscow",
            now=now,
            org_id=school_id,
        )


async def outbox(harness) -> dict[str, OutboxMessage]:
    async with harness.app.database.reading() as s:
        return {row.subject: row for row in (await s.scalars(select(OutboxMessage))).all()}


async def test_a_time_zone_change_says_what_moves_and_moves_the_waiting_reminders(harness, clock):
    tree, _ids, municipal = await region_with_coordinators(harness, clock)
    now = clock.now()  # 07:00 UTC, 10:00 in Moscow
    tomorrow = local_moment(now.date() + timedelta(days=1), "Europe/Moscow")
    await owe(harness, tree.school_id, "meeting_nudge", "tomorrow", tomorrow, now)
    # Due an hour ago and not sent yet (say, a retry): it must not become earlier still.
    await owe(harness, tree.school_id, "meeting_nudge", "overdue", now - timedelta(hours=1), now)
    await owe(harness, tree.school_id, "announcement", "news", now - timedelta(minutes=5), now)
    await owe(harness, tree.other_school_id, "meeting_nudge", "other", tomorrow, now)
    async with harness.app.database.transaction() as s:
        sent = await s.scalar(select(OutboxMessage).where(OutboxMessage.subject == "overdue"))
        sent.state = "sent"
        await s.flush()
    await owe(harness, tree.school_id, "meeting_nudge", "overdue2", now - timedelta(hours=1), now)

    await open_card(municipal, "МБОУ лицей № 9")
    await municipal.click(municipal.last, text="✎ Time zone")
    await municipal.click(municipal.last, text=YEKATERINBURG)
    question = municipal.last.text
    assert "• Reminders go at 10:00 local time: from now on at 10:00 UTC+5, 2 hours earlier" in (
        question
    )
    assert "• 2 reminders already planned and waiting to be sent move with it" in question
    assert "• 1 announcement waiting to be sent keeps its time" in question
    assert "stay the same calendar dates; a deadline day now ends at midnight UTC+5." in question
    await municipal.click(municipal.last, text="✔ Change")
    assert municipal.last.text == (
        "Saved: the time zone of «МБОУ лицей № 9» has changed.\n"
        "2 waiting reminders now go by the new zone."
    )

    rows = await outbox(harness)
    assert rows["tomorrow"].due_at == tomorrow - timedelta(hours=2)  # 10:00 in Yekaterinburg
    assert rows["tomorrow"].next_attempt_at == tomorrow - timedelta(hours=2)
    assert rows["tomorrow"].expires_at == rows["tomorrow"].due_at + timedelta(days=2)
    assert rows["tomorrow"].timezone == "Asia/Yekaterinburg"
    assert rows["overdue2"].due_at == now - timedelta(hours=1), "never earlier than it was due"
    assert rows["news"].due_at == now - timedelta(minutes=5), "an announcement keeps its time"
    assert rows["news"].timezone == "Asia/Yekaterinburg"
    assert (rows["overdue"].state, rows["overdue"].timezone) == ("sent", "Europe/Moscow")
    assert (rows["other"].due_at, rows["other"].timezone) == (tomorrow, "Europe/Moscow")
    assert (await org(harness, tree.school_id)).timezone == "Asia/Yekaterinburg"
    [change] = await audit(harness)
    assert change.changes == {"timezone": [None, "Asia/Yekaterinburg"]}


async def test_a_municipality_zone_moves_the_schools_that_inherit_it(harness, clock):
    tree, _ids, _municipal = await region_with_coordinators(harness, clock)
    now = clock.now()
    tomorrow = local_moment(now.date() + timedelta(days=1), "Europe/Moscow")
    async with harness.app.database.transaction() as s:
        own = await s.get(Organization, tree.other_school_id)
        own.timezone = "Europe/Moscow"  # a zone of its own: stays
    await owe(harness, tree.school_id, "survey_open", "inherits", tomorrow, now)
    await owe(harness, tree.other_school_id, "survey_open", "own", tomorrow, now)
    regional = harness.client.user(REGIONAL)
    await english(regional)
    await open_card(regional, "Сальский район")
    await regional.click(regional.last, text="✎ Time zone")
    assert "The same as above" not in regional.last.buttons, "it inherits already"
    await regional.click(regional.last, text="UTC+4 — Samara, Izhevsk")
    question = regional.last.text
    assert "It also applies to 1 organisation below that has no zone of its own." in question
    assert "1 hour earlier than before" in question
    assert "• 1 reminder already planned and waiting to be sent moves with it" in question
    await regional.click(regional.last, text="✔ Change")
    rows = await outbox(harness)
    assert rows["inherits"].due_at == tomorrow - timedelta(hours=1)
    assert (rows["own"].due_at, rows["own"].timezone) == (tomorrow, "Europe/Moscow")

    # Back to "as above": the region's zone, Moscow, and the reminder returns to 10:00 there.
    await open_card(regional, "Сальский район")
    await regional.click(regional.last, text="✎ Time zone")
    await regional.click(regional.last, text="The same as above")
    assert "1 hour later than before" in regional.last.text
    await regional.click(regional.last, text="✔ Change")
    assert (await outbox(harness))["inherits"].due_at == tomorrow
    assert [c.changes for c in await audit(harness)] == [
        {"timezone": [None, "Europe/Samara"]},
        {"timezone": ["Europe/Samara", None]},
    ]


async def test_the_same_zone_in_effect_moves_nothing(harness, clock):
    tree, _ids, municipal = await region_with_coordinators(harness, clock)
    await open_card(municipal, "МБОУ лицей № 9")
    await municipal.click(municipal.last, text="✎ Time zone")
    await municipal.click(municipal.last, text="UTC+3 — Moscow, Rostov, Smolensk, Grozny")
    assert "no reminder or deadline moves" in municipal.last.text
    await municipal.click(municipal.last, text="✔ Change")
    assert (await org(harness, tree.school_id)).timezone == "Europe/Moscow"


async def test_scope_and_forged_callbacks_are_refused(harness, clock):
    tree, ids, municipal = await region_with_coordinators(harness, clock)
    await municipal.send("/orgs")
    refused = "This organisation is not yours to change."
    for data in (
        OrgView(org_id=tree.foreign_school_id),
        OrgView(org_id=tree.municipality_id),  # one's own level is the region's business
        OrgView(org_id=tree.region_id),
        OrgField(org_id=tree.foreign_school_id, field="name"),
        OrgField(org_id=tree.municipality_id, field="timezone"),
        OrgView(org_id=999_999),
    ):
        await municipal.press(municipal.last, data=data.pack())
        assert last_answer(harness)["text"] == refused, data

    regional = harness.client.user(REGIONAL)
    await english(regional)
    await regional.send("/orgs")
    await regional.press(regional.last, data=OrgField(org_id=tree.region_id, field="name").pack())
    assert last_answer(harness)["text"] == refused
    # A region's zone cannot be "as above"; a field a school has not; a value not offered.
    admin = harness.client.user(ADMIN_ID)
    await english(admin)
    await admin.send("/orgs")
    await admin.press(admin.last, data=OrgField(org_id=tree.region_id, field="timezone").pack())
    await admin.press(admin.last, data=OrgValue(value="inherit").pack())
    assert last_answer(harness)["text"] == "This button is no longer active."
    await admin.press(admin.last, data=OrgValue(value="Mars/Olympus").pack())
    assert last_answer(harness)["text"] == "This button is no longer active."
    await admin.press(
        admin.last, data=OrgField(org_id=tree.municipality_id, field="school_kind").pack()
    )
    assert last_answer(harness)["text"] == "This button is no longer active."
    await admin.press(admin.last, data=OrgConfirm(key="forged").pack())
    assert last_answer(harness)["text"] == "This button is no longer active."

    # A coordinator whose role ends between the question and the confirmation changes nothing.
    await open_card(municipal, "МБОУ СОШ № 2")
    await municipal.click(municipal.last, text="✎ Name")
    await municipal.send("МБОУ СОШ № 2 им. Гагарина")
    question = municipal.last
    async with harness.app.database.transaction() as s:
        membership = await s.scalar(
            select(Membership).where(Membership.person_id == ids["municipal"])
        )
        membership.status = MembershipStatus.deactivated
    await municipal.click(question, text="✔ Change")
    assert (await org(harness, tree.other_school_id)).name == "МБОУ СОШ № 2"
    assert await audit(harness) == []


async def test_the_admin_changes_a_region_and_a_regional_coordinator_a_municipality(harness, clock):
    tree, ids, _municipal = await region_with_coordinators(harness, clock)
    admin = harness.client.user(ADMIN_ID)
    await english(admin)
    await open_card(admin, "Ростовская область")
    assert "Below: 2" in admin.last.text
    await admin.click(admin.last, text="✎ Name")
    await admin.send("Ростовская обл.")
    await admin.click(admin.last, text="✔ Change")
    assert (await org(harness, tree.region_id)).name == "Ростовская обл."

    regional = harness.client.user(REGIONAL)
    await english(regional)
    await regional.send("/orgs")
    await regional.click(regional.last, text="✎ Change an organisation")
    assert set(regional.last.buttons) >= {"Азовский район", "Сальский район"}
    await regional.click(regional.last, text="Азовский район")
    await regional.click(regional.last, text="МБОУ СОШ № 7 (Азов)")  # schools below, too
    await regional.click(regional.last, text="✎ Name")
    await regional.send("МБОУ СОШ № 7")
    await regional.click(regional.last, text="✔ Change")
    assert (await org(harness, tree.foreign_school_id)).name == "МБОУ СОШ № 7"
    assert [c.person_id for c in await audit(harness)] == [
        (await admin_person(harness)),
        ids["regional"],
    ]


async def admin_person(harness) -> int:
    async with harness.app.database.reading() as s:
        return await s.scalar(select(Person.id).where(Person.telegram_id == ADMIN_ID))


async def test_a_new_school_may_be_given_a_typed_zone(harness, clock):
    tree, _ids, municipal = await region_with_coordinators(harness, clock)
    await municipal.send("/orgs")
    await municipal.click(municipal.last, text="+ School")
    await municipal.send("МБОУ СОШ № 5")
    await municipal.click(municipal.last, text="school")
    await municipal.send("UTC+13")
    assert "is not a time zone I know" in municipal.last.text
    await municipal.send("utc+7")
    assert "Time zone: UTC+7 — Krasnoyarsk, Novosibirsk" in municipal.last.text
    await municipal.click(municipal.last, text="✔ All correct")
    async with harness.app.database.reading() as s:
        school = await s.scalar(select(Organization).where(Organization.name == "МБОУ СОШ № 5"))
    assert (school.parent_id, school.timezone) == (tree.municipality_id, "Asia/Krasnoyarsk")
