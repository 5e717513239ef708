"""Organisations, invitations and registration through the real dispatcher (in English)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from storage.models import (
    Consent,
    Invitation,
    Membership,
    MenteeProfile,
    MentorProfile,
    Organization,
)
from storage.models.enums import MembershipStatus, Role
from tests.conftest import ADMIN_ID
from tests.support.seed import add_person, build_tree, person_by_telegram


async def english(user) -> None:
    await user.send("/language")
    await user.click(user.last, text="English")


def link_code(text: str) -> str:
    return text.split("?start=", 1)[1].split()[0]


async def invite(user, role_button: str, org: str | None, uses: str = "1") -> str:
    await user.send("/invite")
    await user.click(user.last, text=role_button)
    if org is not None:
        await user.click(user.last, text=org)
    await user.click(user.last, text=uses)
    return link_code(user.last.text)


async def test_admin_builds_the_tree_in_the_bot(harness):
    admin = harness.client.user(ADMIN_ID)
    await english(admin)
    await admin.send("/orgs")
    assert admin.last.text == "There are no organisations yet."
    await admin.click(admin.last, text="+ Region")
    await admin.send("Ростовская область")
    await admin.click(admin.last, text="UTC+3 — Moscow, Rostov, Smolensk, Grozny")
    assert admin.last.text.startswith("Please check:")
    await admin.click(admin.last, text="✔ All correct")
    assert admin.last.text.startswith("Added: region «Ростовская область».")

    await admin.send("/orgs")
    await admin.click(admin.last, text="+ Municipality")
    await admin.send("Сальский район")
    await admin.click(admin.last, text="The same as above")
    await admin.click(admin.last, text="✔ All correct")

    await admin.send("/orgs")
    await admin.click(admin.last, text="+ School")
    await admin.send("МБОУ лицей № 9")
    await admin.click(admin.last, text="school")
    await admin.click(admin.last, text="UTC+3 — Moscow, Rostov, Smolensk, Grozny")
    await admin.click(admin.last, text="✔ All correct")
    assert admin.last.text.startswith("Added: school «МБОУ лицей № 9».")

    async with harness.app.database.reading() as s:
        orgs = {o.name: o for o in (await s.scalars(select(Organization))).all()}
    assert orgs["Сальский район"].parent_id == orgs["Ростовская область"].id
    assert orgs["Сальский район"].timezone is None, "inherits the region's zone"
    assert orgs["МБОУ лицей № 9"].school_kind == "school"

    await admin.send("/orgs")
    assert "• Сальский район: schools 1" in admin.last.text


async def test_a_duplicate_school_name_is_refused(harness, clock):
    tree = await build_tree(harness.app.database, clock.now())
    admin = harness.client.user(ADMIN_ID)
    await english(admin)
    await admin.send("/orgs")
    await admin.click(admin.last, text="+ School")
    await admin.click(admin.last, text="Сальский район")
    await admin.send("МБОУ лицей № 9")
    await admin.click(admin.last, text="school")
    await admin.click(admin.last, text="The same as above")
    await admin.click(admin.last, text="✔ All correct")
    assert admin.last.text == "An organisation with this name already exists there."
    async with harness.app.database.reading() as s:
        count = await s.scalar(
            select(func.count()).where(Organization.parent_id == tree.municipality_id)
        )
    assert count == 2


async def test_the_invitation_chain_and_registration_of_every_role(harness, clock):
    tree = await build_tree(harness.app.database, clock.now())
    admin = harness.client.user(ADMIN_ID)
    await english(admin)
    code = await invite(admin, "Invite a coordinator", "Сальский район")

    coordinator = harness.client.user(10)
    await english(coordinator)
    await coordinator.send(f"/start {code}")
    assert coordinator.last.text.startswith("You are invited as coordinator of «Сальский район».")
    assert "Consent to the processing of personal data" in coordinator.last.text
    await coordinator.click(coordinator.last, text="✔ I agree")
    await coordinator.send("Соболева Зинаида Васильевна")
    await coordinator.click(coordinator.last, text="✔ All correct")
    assert coordinator.last.text.startswith(
        "Done! You are registered as coordinator of «Сальский район»."
    )
    assert any("Соболева Зинаида Васильевна has registered" in m.text for m in admin.replies)
    menu = harness.tg.commands(scope={"type": "chat", "chat_id": 10})
    # /people is theirs too (the curators below them); /pair stays the curators' own.
    assert "invite" in [c["command"] for c in menu] and "pair" not in [c["command"] for c in menu]

    code = await invite(coordinator, "Invite a curator", "МБОУ лицей № 9")
    curator = harness.client.user(20)
    await english(curator)
    await curator.send(f"/start {code}")
    await curator.click(curator.last, text="✔ I agree")
    await curator.send("Иванченко Ольга Викторовна")
    await curator.click(curator.last, text="✔ All correct")

    code = await invite(curator, "Invite a mentor", None)
    mentor = harness.client.user(30)
    await english(mentor)
    await mentor.send(f"/start {code}")
    await mentor.click(mentor.last, text="✔ I agree")
    for step in ("Петров Иван Сергеевич",):
        await mentor.send(step)
    await mentor.click(mentor.last, text="a teacher")
    for answer in ("МБОУ лицей № 9", "учитель математики"):
        await mentor.send(answer)
    await mentor.click(mentor.last, text="Skip ▶")  # subjects are optional
    await mentor.send("25")
    await mentor.send("подготовка к ЕГЭ, олимпиады")
    await mentor.click(mentor.last, text="Skip ▶")
    await mentor.click(mentor.last, text="Skip ▶")
    await mentor.click(mentor.last, text="Skip ▶")
    await mentor.send("8")
    await mentor.send("3")
    assert mentor.last.text.startswith("Please check:")
    assert "Teaching experience, years: 25" in mentor.last.text
    await mentor.click(mentor.last, text="✔ All correct")

    async with harness.app.database.reading() as s:
        person = await person_by_telegram(harness.app.database, 30)
        profile = await s.get(MentorProfile, person.id)
        membership = await s.scalar(select(Membership).where(Membership.person_id == person.id))
    assert person.full_name == "Петров Иван Сергеевич"
    assert (profile.workplace, profile.experience_years, profile.max_mentees) == (
        "МБОУ лицей № 9",
        25,
        3,
    )
    assert profile.subjects is None
    assert (membership.role, membership.status, membership.organization_id) == (
        Role.mentor,
        MembershipStatus.active,
        tree.school_id,
    )


async def test_a_student_mentee_waits_for_the_guardian(harness, clock):
    tree = await build_tree(harness.app.database, clock.now())
    await add_person(
        harness.app.database, 20, "Куратор Ольга", Role.curator, tree.school_id, clock.now()
    )
    curator = harness.client.user(20)
    await english(curator)
    code = await invite(curator, "Invite a mentee", None, uses="30")
    student = harness.client.user(40)
    await english(student)
    await student.send(f"/start {code}")
    await student.click(student.last, text="✔ I agree")
    await student.send("Смирнов Артём")
    await student.click(student.last, text="a student")
    await student.send("7")
    await student.send("1990")
    assert "Expected a year of birth" in student.last.text
    await student.send(str(clock.now().year - 13))
    await student.send("хочу подтянуть математику")
    await student.click(student.last, text="▫️ Motivation to study")
    await student.click(student.last, text="✅ Motivation to study")  # untick
    await student.click(student.last, text="▫️ Learning particular subjects")
    await student.click(student.last, text="Done ✔")
    await student.click(student.last, text="Skip ▶")
    await student.click(student.last, text="▫️ student – student")
    await student.click(student.last, text="Done ✔")
    await student.click(student.last, text="✔ All correct")
    assert "under 18" in student.last.text

    person = await person_by_telegram(harness.app.database, 40)
    async with harness.app.database.reading() as s:
        membership = await s.scalar(select(Membership).where(Membership.person_id == person.id))
        profile = await s.get(MenteeProfile, person.id)
    assert membership.status == MembershipStatus.awaiting_guardian
    assert profile.difficulties == ["subjects"] and profile.preferred_forms == ["student_student"]
    assert profile.grade == 7


async def test_refusing_consent_stores_nothing(harness, clock):
    tree = await build_tree(harness.app.database, clock.now())
    await add_person(
        harness.app.database, 20, "Куратор Ольга", Role.curator, tree.school_id, clock.now()
    )
    curator = harness.client.user(20)
    await english(curator)
    code = await invite(curator, "Invite a mentor", None)
    person = harness.client.user(41)
    await english(person)
    await person.send(f"/start {code}")
    await person.click(person.last, text="✖ I do not agree")
    assert "nothing about you has been stored" in person.last.text
    stored = await person_by_telegram(harness.app.database, 41)
    async with harness.app.database.reading() as s:
        consents = await s.scalar(select(func.count()).where(Consent.person_id == stored.id))
        invitation = await s.scalar(select(Invitation).where(Invitation.code == code))
    assert stored.full_name is None and consents == 0 and invitation.uses == 0


async def test_bad_invitations_get_clear_answers_and_change_nothing(harness, clock):
    tree = await build_tree(harness.app.database, clock.now())
    await add_person(
        harness.app.database, 20, "Куратор Ольга", Role.curator, tree.school_id, clock.now()
    )
    curator = harness.client.user(20)
    await english(curator)
    stranger = harness.client.user(42)
    await english(stranger)

    await stranger.send("/start not-a-real-code-123")
    assert stranger.last.text.startswith("This invitation link is not valid.")

    code = await invite(curator, "Invite a mentor", None)
    await curator.send("/invite")
    await curator.click(curator.last, text="📋 My invitations")
    await curator.click(curator.last, text="1: withdraw")
    await stranger.send(f"/start {code}")
    assert stranger.last.text.startswith("This invitation was withdrawn.")

    code = await invite(curator, "Invite a mentor", None)
    clock.advance(timedelta(days=15))
    await stranger.send(f"/start {code}")
    assert stranger.last.text.startswith("This invitation has expired.")

    async with harness.app.database.reading() as s:
        assert await s.scalar(select(func.count()).select_from(Membership)) == 1  # the curator


async def test_a_one_use_link_taken_by_someone_else_meanwhile(harness, clock):
    tree = await build_tree(harness.app.database, clock.now())
    await add_person(
        harness.app.database, 20, "Куратор Ольга", Role.curator, tree.school_id, clock.now()
    )
    curator = harness.client.user(20)
    await english(curator)
    code = await invite(curator, "Invite a curator" if False else "Invite a mentee", None)
    first, second = harness.client.user(43), harness.client.user(44)
    for user in (first, second):
        await english(user)
        await user.send(f"/start {code}")
        await user.click(user.last, text="✔ I agree")
        await user.send("Иванова Анна")
        await user.click(user.last, text="a teacher")
        await user.send("1985")
        await user.send("12")
        await user.send("хочу освоить новые методики")
        await user.click(user.last, text="Done ✔")
        await user.click(user.last, text="Skip ▶")
        await user.click(user.last, text="Done ✔")
        assert user.last.text.startswith("Please check:")
    await first.click(first.last, text="✔ All correct")
    await second.click(second.last, text="✔ All correct")
    assert first.last.text.startswith("Done!")
    assert second.last.text.startswith("This invitation has already been used")
    second_person = await person_by_telegram(harness.app.database, 44)
    async with harness.app.database.reading() as s:
        assert await s.get(MenteeProfile, second_person.id) is None, "nothing half-written"


async def test_changing_the_category_from_the_summary_asks_the_dependent_fields_again(
    harness, clock
):
    tree = await build_tree(harness.app.database, clock.now())
    await add_person(
        harness.app.database, 20, "Куратор Ольга", Role.curator, tree.school_id, clock.now()
    )
    curator = harness.client.user(20)
    await english(curator)
    code = await invite(curator, "Invite a mentee", None)
    student = harness.client.user(45)
    await english(student)
    await student.send(f"/start {code}")
    await student.click(student.last, text="✔ I agree")
    await student.send("Смирнов Артём")
    await student.click(student.last, text="a student")
    await student.send("3")
    await student.send(str(clock.now().year - 9))
    await student.send("читать быстрее")
    await student.click(student.last, text="▫️ Learning particular subjects")
    await student.click(student.last, text="Done ✔")
    await student.click(student.last, text="Skip ▶")
    await student.click(student.last, text="Done ✔")
    assert student.last.text.startswith("Please check:")
    await student.click(student.last, text="✎ Change")
    await student.click(student.last, text="Category")
    await student.click(student.last, text="a teacher")
    # The year of birth of a pupil does not fit a teacher: it is asked again, not kept.
    assert "Your year of birth?" in student.last.text
    await student.send("1990")
    await student.send("12")
    await student.click(student.last, text="Done ✔")
    assert student.last.text.startswith("Please check:")
    assert (
        "Grade" not in student.last.text and "Learning particular subjects" not in student.last.text
    )
    await student.click(student.last, text="✔ All correct")
    person = await person_by_telegram(harness.app.database, 45)
    async with harness.app.database.reading() as s:
        profile = await s.get(MenteeProfile, person.id)
        membership = await s.scalar(select(Membership).where(Membership.person_id == person.id))
    assert (profile.category, profile.birth_year, profile.grade) == ("teacher", 1990, None)
    assert membership.status == MembershipStatus.active


def steps(user) -> list[str]:
    return [m.text.split("\n", 1)[0] for m in user.replies if m.text.startswith(("Step", "Шаг"))]


async def test_the_step_counter_counts_the_questions_that_apply_from_the_start(harness, clock):
    """A mentee's form has 8 questions in every category: «Step 1 of 8» from the first, not
    «Step 1 of 5» that jumps to «Step 3 of 8». A mentor's has 11 or 12: the range is shown
    until the category decides it."""
    tree = await build_tree(harness.app.database, clock.now())
    await add_person(
        harness.app.database, 20, "Куратор Ольга", Role.curator, tree.school_id, clock.now()
    )
    curator = harness.client.user(20)
    await english(curator)
    student = harness.client.user(40)
    await english(student)
    await student.send(f"/start {await invite(curator, 'Invite a mentee', None)}")
    await student.click(student.last, text="✔ I agree")
    await student.send("Смирнов Артём")
    await student.click(student.last, text="a student")
    for answer in ("7", str(clock.now().year - 13), "хочу подтянуть математику"):
        await student.send(answer)
    await student.click(student.last, text="Done ✔")
    await student.click(student.last, text="Skip ▶")
    await student.click(student.last, text="Done ✔")
    assert student.last.text.startswith("Please check:")
    assert steps(student) == [f"Step {n} of 8" for n in range(1, 9)]

    mentor = harness.client.user(30)
    await mentor.send(f"/start {await invite(curator, 'Invite a mentor', None)}")
    await mentor.click(mentor.last, text="✔ Согласен(-на)")
    await mentor.send("Петров Иван Сергеевич")
    await mentor.click(mentor.last, text="педагог")
    for answer in ("МБОУ лицей № 9", "учитель математики"):
        await mentor.send(answer)
    await mentor.click(mentor.last, text="◀ Назад")
    await mentor.click(mentor.last, text="◀ Назад")
    await mentor.click(mentor.last, text="◀ Назад")
    await mentor.click(mentor.last, text="ученик (15–18 лет)")
    assert steps(mentor) == [
        "Шаг 1 из 11–12",
        "Шаг 2 из 11–12",
        "Шаг 3 из 12",
        "Шаг 4 из 12",
        "Шаг 5 из 12",
        "Шаг 4 из 12",
        "Шаг 3 из 12",
        "Шаг 2 из 11–12",
        "Шаг 3 из 11",
    ]


async def test_invitation_times_are_in_the_schools_zone_and_name_it(harness, clock):
    """The school is in Yekaterinburg (UTC+5), the bot's default zone Moscow: a link made at
    07:00 UTC on 23 Nov is valid for 14 days, until 12:00 there on 7 Dec."""
    from sqlalchemy import update

    db = harness.app.database
    tree = await build_tree(db, clock.now())
    async with db.transaction() as s:
        await s.execute(
            update(Organization)
            .where(Organization.id == tree.school_id)
            .values(timezone="Asia/Yekaterinburg")
        )
    await add_person(db, 20, "Куратор Ольга", Role.curator, tree.school_id, clock.now())
    await add_person(db, 10, "Соболева Зинаида", Role.coordinator, tree.region_id, clock.now())
    curator = harness.client.user(20)
    await english(curator)
    code = await invite(curator, "Invite a mentor", None)
    assert "Valid until 7 Dec 2026, 12:00 (Yekaterinburg, UTC+5);" in curator.last.text

    clock.advance(timedelta(hours=2))
    mentor = harness.client.user(30)
    await mentor.send(f"/start {code}")
    await mentor.click(mentor.last, text="✔ Согласен(-на)")
    await mentor.send("Петров Иван Сергеевич")
    await mentor.click(mentor.last, text="педагог")
    for answer in ("МБОУ лицей № 9", "учитель", "математика", "25", "подготовка к ЕГЭ"):
        await mentor.send(answer)
    for _skip in range(3):
        await mentor.click(mentor.last, text="Пропустить ▶")
    await mentor.send("8")
    await mentor.send("3")
    await mentor.click(mentor.last, text="✔ Всё верно")

    await curator.send("/invite")
    await curator.click(curator.last, text="📋 My invitations")
    assert "used 1 of 1, valid until 7 Dec 2026, 12:00 (Yekaterinburg, UTC+5)" in (
        curator.last.text
    )
    await curator.click(curator.last, text="1: who used it")
    assert curator.last.text.endswith(
        "• Петров Иван Сергеевич — 23 Nov 2026, 14:00 (Yekaterinburg, UTC+5)"
    )

    # A coordinator in Moscow's zone invites the curator of that school: the school's time.
    coordinator = harness.client.user(10)
    await coordinator.send("/invite")
    await coordinator.click(coordinator.last, text="Пригласить: куратор")
    await coordinator.click(coordinator.last, text="МБОУ лицей № 9")
    await coordinator.click(coordinator.last, text="1")
    assert "Действует до 7 дек. 2026, 14:00 (Екатеринбург, UTC+5)" in coordinator.last.text
    await coordinator.send("/invite")
    await coordinator.click(coordinator.last, text="Пригласить: куратор")
    await coordinator.click(coordinator.last, text="МБОУ СОШ № 2")
    await coordinator.click(coordinator.last, text="1")
    assert "Действует до 7 дек. 2026, 12:00 (Москва, UTC+3)" in coordinator.last.text
