"""/people: the curator's list, the card, the guardian's consent, (de)activation, corrections,
and forged callbacks from a curator of another school."""

from __future__ import annotations

from sqlalchemy import select

from handlers.people.common import (
    CardOpened,
    FieldMenu,
    GuardianConsent,
    PeoplePage,
    StatusChange,
)
from storage.models import Consent, Membership, MenteeProfile, MentorProfile, Person
from storage.models.enums import MembershipStatus, Role
from tests.support.seed import add_person, add_role, build_tree

CURATOR = 5001
OTHER_CURATOR = 5002
STUDENT_PROFILE = {"category": "student", "grade": 7, "birth_year": 2013}


async def english(user) -> None:
    await user.send("/language")
    await user.click(user.last, text="English")


async def school_with_people(harness, clock, extra: int = 0):
    """The school with its curator, a mentor, a minor awaiting the guardian, and `extra` more."""
    db, now = harness.app.database, clock.now()
    tree = await build_tree(db, now)
    ids = {
        "curator": await add_person(
            db, CURATOR, "Абрамова Ольга", Role.curator, tree.school_id, now
        ),
        "mentor": await add_person(db, 5010, "Борисов Пётр", Role.mentor, tree.school_id, now),
        "student": await add_person(
            db,
            5011,
            "Васильев Иван",
            Role.mentee,
            tree.school_id,
            now,
            status=MembershipStatus.awaiting_guardian,
            profile=STUDENT_PROFILE,
        ),
    }
    for n in range(extra):
        await add_person(db, 5100 + n, f"Учитель {n:02d}", Role.mentee, tree.school_id, now)
    curator = harness.client.user(CURATOR)
    await english(curator)
    return tree, ids, curator


def callbacks(message, prefix: str) -> list[str]:
    rows = message.reply_markup["inline_keyboard"]
    return [
        b["callback_data"] for row in rows for b in row if b["callback_data"].startswith(prefix)
    ]


def last_alert(harness) -> str:
    answer = harness.tg.requests_for("answerCallbackQuery")[-1][1]
    assert answer.get("show_alert")
    return answer["text"]


async def memberships(harness, person_id: int) -> dict[int, str]:
    async with harness.app.database.reading() as s:
        rows = await s.scalars(select(Membership).where(Membership.person_id == person_id))
        return {m.organization_id: m.status for m in rows}


async def test_list_pages_and_filters(harness, clock):
    _tree, _ids, curator = await school_with_people(harness, clock, extra=9)  # 12 people in all
    await curator.send("/people")
    first = curator.last
    assert "participants — All: 12" in first.text and "Page 1 of 2" in first.text
    assert len(callbacks(first, "pp_c:")) == 10
    assert first.buttons[0] == "1. Абрамова Ольга"
    assert "Васильев Иван — mentee: awaiting the guardian's consent" in first.text
    assert "guardian's consent: awaiting" in first.text
    assert "consent to take part: given on 23 Nov 2026" in first.text

    await curator.click(first, text="▶")
    assert "Page 2 of 2" in curator.last.text
    assert len(callbacks(curator.last, "pp_c:")) == 2
    assert "▶" not in curator.last.buttons

    await curator.click(curator.last, text="Awaiting guardian")
    assert "Awaiting guardian: 1" in curator.last.text
    assert curator.last.buttons[0] == "1. Васильев Иван"
    await curator.click(curator.last, text="Deactivated")
    assert "Nobody here." in curator.last.text


async def test_guardian_consent_activates_the_student_and_tells_them(harness, clock):
    tree, ids, curator = await school_with_people(harness, clock)
    await curator.send("/people")
    await curator.click(curator.last, text="3. Васильев Иван")
    card = curator.last
    assert "guardian's consent: awaiting" in card.text
    await curator.click(card, text="✍ Record guardian's consent")
    assert "written consent of the parent or legal representative" in card.text
    await curator.click(
        card, text="✔ I have received the written consent of the parent or legal representative"
    )
    assert "guardian's consent: recorded on 23 Nov 2026" in card.text
    assert "✍ Record guardian's consent" not in card.buttons

    assert await memberships(harness, ids["student"]) == {tree.school_id: "active"}
    async with harness.app.database.reading() as s:
        consent = await s.scalar(
            select(Consent).where(Consent.person_id == ids["student"], Consent.kind == "guardian")
        )
        membership = await s.scalar(
            select(Membership).where(Membership.person_id == ids["student"])
        )
    assert consent.recorded_by == ids["curator"] and consent.given_at == clock.now()
    assert membership.status_changed_by == ids["curator"]
    told = harness.tg.sent_to(5011)
    assert len(told) == 1 and "/help" in told[0].text


async def test_a_pupil_awaiting_the_consent_is_told_why_and_what_next(harness, clock):
    _tree, _ids, curator = await school_with_people(harness, clock)
    pupil = harness.client.user(5011)
    await english(pupil)
    waiting = (
        "Your registration in «МБОУ лицей № 9» is waiting for the written consent of your "
        "parent or legal representative, which the school's curator records in the bot. "
        "Until then the commands of a participant are closed. As soon as the consent is "
        "recorded, you will get a message here and they will open."
    )
    for command in ("/survey", "/pairs", "/programme", "/ask", "/practices"):
        await pupil.send(command)
        assert pupil.last.text == waiting, command
    await pupil.send("/help")
    assert pupil.last.text.endswith("\n\n" + waiting)
    await pupil.send("/meeting")  # a mentor's command: not theirs whatever the consent
    assert pupil.last.text == (
        "This command is not available for your role. Send /help to see yours."
    )

    await curator.send("/people")
    await curator.click(curator.last, text="3. Васильев Иван")
    await curator.click(curator.last, text="✍ Record guardian's consent")
    await curator.click(
        curator.last,
        text="✔ I have received the written consent of the parent or legal representative",
    )
    assert pupil.last.text.startswith("Your curator has recorded the written consent")
    await pupil.send("/pairs")
    assert pupil.last.text == "You are not in any pair or group yet."
    await pupil.send("/help")
    assert "waiting for the written consent" not in pupil.last.text


async def test_deactivate_and_activate(harness, clock):
    tree, ids, curator = await school_with_people(harness, clock)
    await curator.send("/people")
    await curator.click(curator.last, text="2. Борисов Пётр")
    card = curator.last
    await curator.click(card, text="Deactivate: mentor")
    assert card.text.startswith("Deactivate Борисов Пётр as mentor?")
    assert await memberships(harness, ids["mentor"]) == {tree.school_id: "active"}
    await curator.click(card, text="✔ Deactivate")
    assert "mentor — deactivated" in card.text
    assert await memberships(harness, ids["mentor"]) == {tree.school_id: "deactivated"}
    await curator.click(card, text="Activate: mentor")
    assert await memberships(harness, ids["mentor"]) == {tree.school_id: "active"}

    # A minor without the guardian's consent goes back to waiting, not to active.
    await curator.click(card, text="◀ Back to the list")
    await curator.click(curator.last, text="3. Васильев Иван")
    await curator.click(card, text="Deactivate: mentee")
    await curator.click(card, text="✔ Deactivate")
    await curator.click(card, text="Activate: mentee")
    assert await memberships(harness, ids["student"]) == {tree.school_id: "awaiting_guardian"}


async def test_curator_roles_are_not_switched_by_curators(harness, clock):
    tree, ids, curator = await school_with_people(harness, clock)
    peer = await add_person(
        harness.app.database, 77, "Яковлева Нина", Role.curator, tree.school_id, clock.now()
    )
    await curator.send("/people")
    await curator.click(curator.last, text="1. Абрамова Ольга")
    assert not [b for b in curator.last.buttons if b.startswith("Deactivate")]
    for person_id in (ids["curator"], peer):
        async with harness.app.database.reading() as s:
            membership = await s.scalar(
                select(Membership.id).where(Membership.person_id == person_id)
            )
        forged = StatusChange(
            school_id=tree.school_id,
            person_id=person_id,
            membership_id=membership,
            status=MembershipStatus.deactivated,
            confirmed=True,
        )
        await curator.press(curator.last, data=forged.pack())
        assert last_alert(harness) == "Curators are appointed and removed by the coordinator."
        assert await memberships(harness, person_id) == {tree.school_id: "active"}


async def test_correct_a_field_with_a_bad_then_a_good_value(harness, clock):
    _tree, ids, curator = await school_with_people(harness, clock)
    await curator.send("/people")
    await curator.click(curator.last, text="2. Борисов Пётр")
    assert "Hours a month: 8" in curator.last.text
    await curator.click(curator.last, text="✎ Correct a field")
    assert "Who you are" not in curator.last.buttons, "the category is not corrected alone"
    await curator.click(curator.last, text="Hours a month")
    assert curator.last.text == "Борисов Пётр — Hours a month: 8\n\nSend the new value."
    await curator.send("many")
    assert curator.last.text.startswith("Expected a whole number from 1 to 100.")
    await curator.send("12")
    assert curator.replies[-2].text == "Saved."
    assert "Hours a month: 12" in curator.last.text
    async with harness.app.database.reading() as s:
        profile = await s.get(MentorProfile, ids["mentor"])
    assert profile.hours_per_month == 12

    await curator.click(curator.last, text="✎ Correct a field")
    await curator.click(curator.last, text="Full name")
    await curator.send("Борисов Пётр Ильич")
    async with harness.app.database.reading() as s:
        assert (await s.get(Person, ids["mentor"])).full_name == "Борисов Пётр Ильич"


async def test_a_choice_field_is_corrected_with_buttons(harness, clock):
    _tree, ids, curator = await school_with_people(harness, clock)
    await curator.send("/people")
    await curator.click(curator.last, text="3. Васильев Иван")
    await curator.click(curator.last, text="✎ Correct a field")
    await curator.click(curator.last, text="Difficulties")
    await curator.send("free text")
    assert curator.last.text == "Please answer with the buttons under the question."
    question = curator.replies[-2]
    await curator.click(question, text="▫️ Choosing a profession")
    await curator.click(question, text="Done ✔")
    assert "Difficulties: Choosing a profession" in curator.last.text
    async with harness.app.database.reading() as s:
        profile = await s.get(MenteeProfile, ids["student"])
    # "classroom" is no student choice: kept like a free-text difficulty from registration.
    assert profile.difficulties == ["career", "classroom"]


async def test_a_curator_of_another_school_is_refused_everything(harness, clock):
    tree, ids, _curator = await school_with_people(harness, clock)
    db, now = harness.app.database, clock.now()
    await add_person(db, OTHER_CURATOR, "Громова Анна", Role.curator, tree.other_school_id, now)
    stranger = harness.client.user(OTHER_CURATOR)
    await english(stranger)
    await stranger.send("/people")
    screen = stranger.last
    assert "Васильев" not in screen.text

    await stranger.press(screen, data=PeoplePage(school_id=tree.school_id).pack())
    assert last_alert(harness) == "This school is not yours."
    student = ids["student"]
    for school_id in (tree.school_id, tree.other_school_id):
        await stranger.press(screen, data=FieldMenu(school_id=school_id, person_id=student).pack())
        assert last_alert(harness) == "This person is not in your school."
        await stranger.press(screen, data=CardOpened(school_id=school_id, person_id=student).pack())
        assert last_alert(harness) == "This person is not in your school."
        await stranger.press(
            screen,
            data=GuardianConsent(school_id=school_id, person_id=student, confirmed=True).pack(),
        )
        assert last_alert(harness) == "This person is not in your school."
    async with db.reading() as s:
        own = await s.scalar(select(Membership.id).where(Membership.person_id == student))
    await stranger.press(
        screen,
        data=StatusChange(
            school_id=tree.school_id,
            person_id=student,
            membership_id=own,
            status=MembershipStatus.deactivated,
            confirmed=True,
        ).pack(),
    )
    assert last_alert(harness) == "This person is not in your school."
    assert await memberships(harness, student) == {tree.school_id: "awaiting_guardian"}
    async with db.reading() as s:
        assert await s.scalar(select(Consent).where(Consent.kind == "guardian")) is None
    assert harness.tg.sent_to(5011) == []


async def test_a_membership_of_another_school_cannot_be_changed_through_this_one(harness, clock):
    tree, ids, curator = await school_with_people(harness, clock)
    async with harness.app.database.transaction() as s:
        await add_role(s, ids["mentor"], Role.mentor, tree.foreign_school_id, clock.now())
    async with harness.app.database.reading() as s:
        foreign = await s.scalar(
            select(Membership.id).where(
                Membership.person_id == ids["mentor"],
                Membership.organization_id == tree.foreign_school_id,
            )
        )
    await curator.send("/people")
    forged = StatusChange(
        school_id=tree.school_id,
        person_id=ids["mentor"],
        membership_id=foreign,
        status=MembershipStatus.deactivated,
        confirmed=True,
    )
    await curator.press(curator.last, data=forged.pack())
    assert last_alert(harness) == "This person is not in your school."
    assert (await memberships(harness, ids["mentor"]))[tree.foreign_school_id] == "active"


async def test_a_curator_of_two_schools_chooses_one(harness, clock):
    tree, ids, curator = await school_with_people(harness, clock)
    async with harness.app.database.transaction() as s:
        await add_role(s, ids["curator"], Role.curator, tree.other_school_id, clock.now())
    await curator.send("/people")
    assert curator.last.text == "Which school's participants do you want to see?"
    assert sorted(curator.last.buttons) == ["МБОУ СОШ № 2", "МБОУ лицей № 9"]
    await curator.click(curator.last, text="МБОУ СОШ № 2")
    assert "«МБОУ СОШ № 2», participants — All: 1" in curator.last.text


async def test_a_mentor_is_refused(harness, clock):
    tree = await build_tree(harness.app.database, clock.now())
    await add_person(
        harness.app.database, 5020, "Зайцев Олег", Role.mentor, tree.school_id, clock.now()
    )
    mentor = harness.client.user(5020)
    await english(mentor)
    await mentor.send("/people")
    assert (
        mentor.last.text == "This command is not available for your role. Send /help to see yours."
    )


async def test_the_curator_sees_who_has_blocked_the_bot(harness, clock):
    _tree, _ids, curator = await school_with_people(harness, clock)
    mentor = harness.client.user(5010)
    await mentor.block_bot()
    await curator.send("/people")
    await curator.click(curator.last, text="2. Борисов Пётр")
    assert "has blocked the bot since" in curator.last.text
    await mentor.unblock_bot()
    await curator.send("/people")
    await curator.click(curator.last, text="2. Борисов Пётр")
    assert "blocked the bot" not in curator.last.text
