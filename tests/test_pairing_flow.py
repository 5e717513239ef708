"""/pair through the real dispatcher: suggestions with reasons, a pair, a group, answers."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from aiogram.fsm.storage.base import StorageKey
from sqlalchemy import select, update

from handlers.pairing.view import PairStep
from storage.models import Person, Programme, ProgrammeMember
from storage.models.enums import MembershipStatus, Role
from storage.models.orgs import Organization
from storage.pairing.forming import Problem
from tests.support.seed import add_person, build_tree

CURATOR, MENTOR, MENTOR2, MENTEE, MENTEE2, STUDENT = 20, 31, 32, 41, 42, 43


@pytest.fixture
async def school(harness, clock):
    db, now = harness.app.database, clock.now()
    tree = await build_tree(db, now)
    await add_person(db, CURATOR, "Иванченко Ольга", Role.curator, tree.school_id, now)
    await add_person(
        db,
        MENTOR,
        "Петров Иван",
        Role.mentor,
        tree.school_id,
        now,
        profile={
            "competencies": "дисциплина в классе, подготовка к ЕГЭ",
            "experience_years": 20,
            "max_mentees": 2,
        },
    )
    await add_person(
        db,
        MENTOR2,
        "Сидорова Нина",
        Role.mentor,
        tree.school_id,
        now,
        profile={"competencies": "хор и вокал", "experience_years": 3, "max_mentees": 1},
    )
    await add_person(
        db,
        MENTEE,
        "Кузнецова Анна",
        Role.mentee,
        tree.school_id,
        now,
        profile={"request": "дисциплина на уроках", "difficulties": ["classroom"]},
    )
    await add_person(db, MENTEE2, "Орлова Вера", Role.mentee, tree.school_id, now)
    await add_person(
        db,
        STUDENT,
        "Смирнов Артём",
        Role.mentee,
        tree.school_id,
        now,
        status=MembershipStatus.awaiting_guardian,
        profile={"category": "student", "grade": 7, "birth_year": 2013},
    )
    return tree


async def english(user) -> None:
    await user.send("/language")
    await user.click(user.last, text="English")


async def form_pair(harness, curator, mentee: str, mentor: str) -> None:
    await curator.send("/pair")
    await curator.click(curator.last, text="Pair")
    await curator.click(curator.last, text=mentee)
    await curator.click(curator.last, text=mentor)
    await curator.click(curator.last, text="Учитель – учитель")
    await curator.click(curator.last, text="Опытный педагог – молодой специалист")
    await curator.click(curator.last, text="Skip ▶")
    await curator.click(curator.last, text="Today")
    await curator.click(curator.last, text="6 months")
    await curator.send("Адаптация молодого специалиста, дисциплина на уроках")


async def test_suggestions_explain_themselves_and_a_pair_is_formed_and_accepted(harness, school):
    curator = harness.client.user(CURATOR)
    await english(curator)
    await curator.send("/pair")
    await curator.click(curator.last, text="Pair")
    await curator.click(curator.last, text="Кузнецова Анна")
    suggestions = curator.last
    assert suggestions.text.startswith("Suggested mentors, best first")
    first, second = suggestions.text.index("Петров Иван"), suggestions.text.index("Сидорова Нина")
    assert first < second, "the mentor who knows classroom discipline comes first"
    assert "knows what the mentee finds difficult" in suggestions.text
    assert "works in the same school" in suggestions.text
    await curator.click(suggestions, text="1. Петров Иван")
    await curator.click(curator.last, text="Учитель – учитель")
    await curator.click(curator.last, text="Опытный педагог – молодой специалист")
    await curator.click(curator.last, text="Skip ▶")
    await curator.send("32.13.2026")
    assert curator.last.text == "Expected a date like 01.12.2026."
    await curator.click(curator.last if curator.last.buttons else curator.replies[-2], text="Today")
    await curator.click(curator.last, text="6 months")
    await curator.send("ок")
    assert "Expected 3 to 2000 characters" in curator.last.text
    await curator.send("Адаптация молодого специалиста")
    assert (
        "Mentors: Петров Иван" in curator.last.text
        and "Mentees: Кузнецова Анна" in curator.last.text
    )
    await curator.click(curator.last, text="✔ Form and send")
    assert curator.last.text.startswith("Formed.")

    mentor, mentee = harness.client.user(MENTOR), harness.client.user(MENTEE)
    invitation = mentor.last
    assert "invites you to a mentoring pair" in invitation.text or "приглашает" in invitation.text
    await mentor.click(invitation, text=invitation.buttons[0])
    await mentee.click(mentee.last, text=mentee.last.buttons[0])
    async with harness.app.database.reading() as s:
        programme = await s.scalar(select(Programme))
    assert programme.status == "active"
    assert any(
        "active" in m.text or "действует" in m.text or "активна" in m.text
        for m in curator.replies[-2:]
    )


async def test_a_decline_reaches_the_curator_with_the_reason(harness, school):
    curator, mentee = harness.client.user(CURATOR), harness.client.user(MENTEE)
    await english(curator)
    await english(mentee)
    await form_pair(harness, curator, "Кузнецова Анна", "1. Петров Иван")
    await curator.click(curator.last, text="✔ Form and send")
    assert mentee.last.text.startswith("«МБОУ лицей № 9» invites you to a mentoring pair.")
    await mentee.click(mentee.last, text="✖ Decline")
    assert mentee.last.text == "Please tell the curator why, in a few words:"
    await mentee.send("нет времени до мая")
    assert mentee.last.text == "Your answer is sent to the curator."
    assert "нет времени до мая" in curator.last.text
    async with harness.app.database.reading() as s:
        assert (await s.scalar(select(Programme))).status == "declined"


async def test_a_group_is_formed_and_a_minor_awaiting_the_guardian_is_not_offered(harness, school):
    curator = harness.client.user(CURATOR)
    await english(curator)
    await curator.send("/pair")
    await curator.click(curator.last, text="Group")
    assert "▫️ Смирнов Артём" not in curator.last.buttons, "only the curator may see a minor's name"
    async with harness.app.database.reading() as s:
        from storage.models import Person

        student = await s.scalar(select(Person.id).where(Person.telegram_id == STUDENT))
    await curator.press(curator.last, data=PairStep(action="mentee", value=student).pack())
    assert curator.last.text == "This person is not in your school."
    chooser = curator.replies[-2]
    await curator.click(chooser, text="▫️ Орлова Вера")
    await curator.click(chooser, text="▫️ Кузнецова Анна")
    await curator.click(chooser, text="Done ✔")
    await curator.click(curator.last, text="▫️ Петров Иван")
    await curator.click(curator.last, text="Done ✔")
    await curator.click(curator.last, text="Ученик – ученик")
    await curator.click(curator.last, text="Skip ▶")
    await curator.click(curator.last, text="Групповое")
    await curator.click(curator.last, text="Today")
    await curator.click(curator.last, text="3 months")
    await curator.send("Подготовка к олимпиаде")
    await curator.click(curator.last, text="✔ Form and send")
    async with harness.app.database.reading() as s:
        members = (await s.scalars(select(ProgrammeMember))).all()
    assert len(members) == 3 and all(m.response == "pending" for m in members)


async def test_capacity_needs_a_confirmation(harness, school):
    curator = harness.client.user(CURATOR)
    await english(curator)
    await form_pair(harness, curator, "Кузнецова Анна", "2. Сидорова Нина")
    await curator.click(curator.last, text="✔ Form and send")
    await form_pair(harness, curator, "Орлова Вера", "2. Сидорова Нина ⚠")
    await curator.click(curator.last, text="✔ Form and send")
    assert curator.last.text.startswith("Please confirm: a mentor would have more mentees")
    await curator.click(curator.last, text="Form anyway")
    async with harness.app.database.reading() as s:
        assert len((await s.scalars(select(Programme))).all()) == 2


async def test_a_forged_person_from_another_school_is_refused(harness, school, clock):
    await add_person(
        harness.app.database, 99, "Чужая Ученица", Role.mentee, school.other_school_id, clock.now()
    )
    async with harness.app.database.reading() as s:
        from storage.models import Person

        foreign = await s.scalar(select(Person.id).where(Person.telegram_id == 99))
    curator = harness.client.user(CURATOR)
    await english(curator)
    await curator.send("/pair")
    await curator.click(curator.last, text="Pair")
    await curator.press(curator.last, data=PairStep(action="mentee", value=foreign).pack())
    assert curator.last.text == "This person is not in your school."


async def test_pairs_lists_for_each_role(harness, school, clock):
    await add_person(
        harness.app.database,
        50,
        "Соболева Зинаида",
        Role.coordinator,
        school.municipality_id,
        clock.now(),
    )
    curator = harness.client.user(CURATOR)
    await english(curator)
    await form_pair(harness, curator, "Кузнецова Анна", "1. Петров Иван")
    await curator.click(curator.last, text="✔ Form and send")
    await curator.send("/pairs")
    assert curator.last.text.startswith("Pairs and groups of the school — all: 1")
    assert "mentors: Петров Иван; mentees: Кузнецова Анна" in curator.last.text
    await curator.click(curator.last, text="in progress")
    assert curator.last.text.startswith("Pairs and groups of the school — in progress: 0")
    await curator.click(curator.last, text="• in progress")  # again: nothing to redraw, no error
    assert curator.last.text.startswith("Pairs and groups of the school — in progress: 0")

    mentor = harness.client.user(MENTOR)
    await english(mentor)
    await mentor.send("/pairs")
    assert (
        mentor.last.text.startswith("Your pairs and groups:")
        and "waiting for answers" in mentor.last.text
    )
    outsider = harness.client.user(MENTEE2)
    await english(outsider)
    await outsider.send("/pairs")
    assert outsider.last.text == "You are not in any pair or group yet."

    coordinator = harness.client.user(50)
    await english(coordinator)
    await coordinator.send("/pairs")
    assert "• МБОУ лицей № 9: 0 / 0 / 1 / 0" in coordinator.last.text
    assert "• МБОУ СОШ № 2: 0 / 0 / 0 / 0" in coordinator.last.text
    assert "Азов" not in coordinator.last.text


async def test_the_school_list_filters_by_form(harness, school, clock):
    from datetime import date

    from storage.catalogue.entries import EntryKind, entries
    from storage.pairing.forming import Proposal, form_programme

    db = harness.app.database
    async with db.transaction() as s:
        forms = await entries(s, school.municipality_id, EntryKind.form)
        people = dict((await s.execute(select(Person.telegram_id, Person.id))).all())
        for form, mentee in ((forms[0], MENTEE), (forms[2], MENTEE2)):
            proposal = Proposal(
                school_id=school.school_id,
                mentor_ids=[people[MENTOR]],
                mentee_ids=[people[mentee]],
                form_id=form.id,
                starts_on=date(2026, 12, 1),
                planned_end_on=date(2027, 5, 1),
                goals="Цели",
            )
            await form_programme(s, proposal, people[CURATOR], clock.now())
    curator = harness.client.user(CURATOR)
    await english(curator)
    await curator.send("/pairs")
    assert curator.last.text.startswith("Pairs and groups of the school — all: 2")
    await curator.click(curator.last, text="Ученик – ученик")
    assert curator.last.text.startswith("Pairs and groups of the school — all, Ученик – ученик: 1")
    assert "Орлова Вера" in curator.last.text and "Кузнецова Анна" not in curator.last.text
    await curator.press(curator.last, data="prs::999999:0")
    assert (
        harness.tg.requests_for("answerCallbackQuery")[-1][1]["text"]
        == "This button is no longer active."
    )


async def test_a_member_deactivated_meanwhile_cannot_accept(harness, school):
    from sqlalchemy import update

    from storage.models import Membership

    curator, mentee = harness.client.user(CURATOR), harness.client.user(MENTEE)
    await english(curator)
    await english(mentee)
    await form_pair(harness, curator, "Кузнецова Анна", "1. Петров Иван")
    await curator.click(curator.last, text="✔ Form and send")
    async with harness.app.database.transaction() as s:
        person = await s.scalar(select(Person.id).where(Person.telegram_id == MENTEE))
        await s.execute(
            update(Membership).where(Membership.person_id == person).values(status="deactivated")
        )
    await mentee.click(mentee.last, text="✔ Accept")
    assert (
        harness.tg.requests_for("answerCallbackQuery")[-1][1]["text"]
        == "This button is no longer active."
    )
    async with harness.app.database.reading() as s:
        assert (
            await s.scalar(select(ProgrammeMember).where(ProgrammeMember.person_id == person))
        ).response == "pending"


async def test_long_lists_of_people_are_paged(harness, school, clock):
    for n in range(25):
        await add_person(
            harness.app.database,
            1000 + n,
            f"Ученица {n:02d}",
            Role.mentee,
            school.school_id,
            clock.now(),
        )
    curator = harness.client.user(CURATOR)
    await english(curator)
    await curator.send("/pair")
    await curator.click(curator.last, text="Group")
    chooser = curator.last
    names = [b for b in chooser.buttons if b.startswith("▫️")]
    assert len(names) == 20 and "1 of 2" in chooser.buttons
    await curator.click(chooser, text="▶")
    chooser = harness.tg.message(CURATOR, chooser.message_id)
    assert "◀" in chooser.buttons and "▫️ Ученица 24" in chooser.buttons
    await curator.click(chooser, text="▫️ Ученица 24")
    chooser = harness.tg.message(CURATOR, chooser.message_id)
    assert "✅ Ученица 24" in chooser.buttons, "the page stays where the curator is"
    await curator.click(chooser, text="◀")
    await curator.click(chooser, text="▫️ Орлова Вера")
    await curator.click(chooser, text="Done ✔")
    assert curator.last.text == "Choose the mentors:"
    data = await harness.app.dispatcher.storage.get_data(
        StorageKey(bot_id=harness.bot.id, chat_id=CURATOR, user_id=CURATOR, destiny="default")
    )
    assert len(data["mentees"]) == 2


async def test_a_big_group_is_listed_in_one_short_line(harness, school, clock):
    from datetime import date

    from storage.catalogue.entries import EntryKind, entries
    from storage.pairing.forming import Proposal, form_programme

    db = harness.app.database
    pupils = [
        await add_person(
            db, 2000 + n, f"Ученик {n:02d}", Role.mentee, school.school_id, clock.now()
        )
        for n in range(25)
    ]
    async with db.transaction() as s:
        form = (await entries(s, school.municipality_id, EntryKind.form))[2]
        mentor = await s.scalar(select(Person.id).where(Person.telegram_id == MENTOR))
        proposal = Proposal(
            school_id=school.school_id,
            mentor_ids=[mentor],
            mentee_ids=pupils,
            form_id=form.id,
            starts_on=date(2026, 12, 1),
            planned_end_on=date(2027, 5, 1),
            goals="Олимпиада",
            is_group=True,
        )
        await form_programme(s, proposal, mentor, clock.now(), confirmed=frozenset(Problem))
    pupil = harness.client.user(2000)
    await english(pupil)
    await pupil.send("/pairs")
    assert "mentees: Ученик 00, Ученик 01, Ученик 02 …and 22 more" in pupil.last.text


async def test_today_is_the_schools_today(harness, school, clock):
    """20:00 UTC on the 23rd is 08:00 on the 24th in Kamchatka: a pair formed there «today»
    starts on the 24th, not on Moscow's or UTC's date."""
    async with harness.app.database.transaction() as s:
        await s.execute(
            update(Organization)
            .where(Organization.id == school.school_id)
            .values(timezone="Asia/Kamchatka")
        )
    clock.set(datetime(2026, 11, 23, 20, 0, tzinfo=UTC))
    curator = harness.client.user(CURATOR)
    await english(curator)
    await form_pair(harness, curator, "Кузнецова Анна", "1. Петров Иван")
    assert "24.11.2026" in curator.last.text
    await curator.click(curator.last, text="✔ Form and send")
    async with harness.app.database.reading() as s:
        programme = await s.scalar(select(Programme))
    assert programme.starts_on == date(2026, 11, 24)


async def test_a_mentee_editing_the_profile_can_still_accept_a_pair(harness, school):
    """The invitation's ✔ Accept reaches the pairing answer, not /profile's value step that
    the mentee happens to be in (their callback prefixes once collided)."""
    curator, mentee = harness.client.user(CURATOR), harness.client.user(MENTEE)
    await english(curator)
    await english(mentee)
    await form_pair(harness, curator, "Кузнецова Анна", "1. Петров Иван")
    await curator.click(curator.last, text="✔ Form and send")
    invitation = mentee.last
    assert "invites you to a mentoring pair" in invitation.text

    await mentee.send("/profile")
    await mentee.click(mentee.last, text="✎ Edit")
    await mentee.click(mentee.last, text="Preferred forms of mentoring")
    assert mentee.last.text.startswith("Which forms of mentoring would suit you?")
    await mentee.click(invitation, text="✔ Accept")

    assert mentee.last.text == "Thank you! You have accepted."
    async with harness.app.database.reading() as s:
        person = await s.scalar(select(Person.id).where(Person.telegram_id == MENTEE))
        member = await s.scalar(select(ProgrammeMember).where(ProgrammeMember.person_id == person))
    assert member.response == "accepted"


async def test_a_form_without_role_models_does_not_ask_for_one(harness, school):
    """«Учитель – ученик» has no role models: a question whose only button is «Skip» is left
    out, and the summary has no role model line."""
    curator = harness.client.user(CURATOR)
    await english(curator)
    await curator.send("/pair")
    await curator.click(curator.last, text="Pair")
    await curator.click(curator.last, text="Кузнецова Анна")
    await curator.click(curator.last, text="1. Петров Иван")
    await curator.click(curator.last, text="Учитель – ученик")
    assert curator.last.text == "The kind of mentoring:"
    assert "Традиционное" in " ".join(curator.last.buttons)
    await curator.click(curator.last, text="Skip ▶")
    await curator.click(curator.last, text="Today")
    await curator.click(curator.last, text="3 months")
    await curator.send("Подготовка к олимпиаде")
    assert "Form: Учитель – ученик" in curator.last.text
    assert "Role model" not in curator.last.text
    await curator.click(curator.last, text="✔ Form and send")
    async with harness.app.database.reading() as s:
        programme = await s.scalar(select(Programme))
    assert programme.role_model_id is None


async def test_a_stale_role_model_button_is_refused_when_the_step_was_left_out(harness, school):
    curator = harness.client.user(CURATOR)
    await english(curator)
    await curator.send("/pair")
    await curator.click(curator.last, text="Pair")
    await curator.click(curator.last, text="Кузнецова Анна")
    await curator.click(curator.last, text="1. Петров Иван")
    await curator.click(curator.last, text="Учитель – ученик")
    await curator.press(curator.last, data=PairStep(action="model", value=0).pack())
    assert (
        harness.tg.requests_for("answerCallbackQuery")[-1][1]["text"]
        == "This button is no longer active."
    )
    assert curator.last.text == "The kind of mentoring:"


async def test_no_kinds_and_no_forms_in_the_catalogue(harness, school):
    """Every kind hidden: the kind question is left out. Every form hidden: the curator is
    told why the pair cannot be formed instead of a question with no buttons."""
    from storage.models import CatalogueEntry

    async with harness.app.database.transaction() as s:
        await s.execute(
            update(CatalogueEntry)
            .where(CatalogueEntry.kind == "mentoring_kind")
            .values(hidden=True)
        )
    curator = harness.client.user(CURATOR)
    await english(curator)
    await curator.send("/pair")
    await curator.click(curator.last, text="Pair")
    await curator.click(curator.last, text="Кузнецова Анна")
    await curator.click(curator.last, text="1. Петров Иван")
    await curator.click(curator.last, text="Учитель – ученик")
    assert curator.last.text == "The start date (DD.MM.YYYY):"

    async with harness.app.database.transaction() as s:
        await s.execute(
            update(CatalogueEntry).where(CatalogueEntry.kind == "form").values(hidden=True)
        )
    await curator.send("/pair")
    await curator.click(curator.last, text="Pair")
    await curator.click(curator.last, text="Кузнецова Анна")
    await curator.click(curator.last, text="1. Петров Иван")
    assert curator.last.text.startswith("The municipality's catalogue has no forms of mentoring")
    assert not curator.last.buttons


async def _programme(db, school, clock, mentors: list[int], mentees: list[int], form: int = 0):
    """A proposed programme between people given by Telegram id; returns its id."""
    from storage.catalogue.entries import EntryKind, entries
    from storage.pairing.forming import Proposal, form_programme

    async with db.transaction() as s:
        forms = await entries(s, school.municipality_id, EntryKind.form)
        people = dict((await s.execute(select(Person.telegram_id, Person.id))).all())
        proposal = Proposal(
            school_id=school.school_id,
            mentor_ids=[people[m] for m in mentors],
            mentee_ids=[people[m] for m in mentees],
            form_id=forms[form].id,
            starts_on=date(2026, 12, 1),
            planned_end_on=date(2027, 5, 1),
            goals="Цели",
            is_group=len(mentors) + len(mentees) > 2,
        )
        programme = await form_programme(
            s, proposal, people[CURATOR], clock.now(), confirmed=frozenset(Problem)
        )
        return programme.id


async def test_free_mentees_come_first_and_the_others_say_how_many_mentors(harness, school, clock):
    from storage.pairing.forming import respond

    db = harness.app.database
    await _programme(db, school, clock, [MENTOR], [MENTEE])
    await _programme(db, school, clock, [MENTOR2], [MENTEE], form=2)
    # A declined programme holds nobody: Орлова Вера stays free.
    declined = await _programme(db, school, clock, [MENTOR], [MENTEE2], form=2)
    async with db.transaction() as s:
        vera = await s.scalar(select(Person.id).where(Person.telegram_id == MENTEE2))
        await respond(s, declined, vera, False, clock.now(), "нет времени")
    await add_person(db, 60, "Александрова Яна", Role.mentee, school.school_id, clock.now())

    curator = harness.client.user(CURATOR)
    await english(curator)
    await curator.send("/pair")
    await curator.click(curator.last, text="Group")
    assert curator.last.text.startswith("Choose the mentees:\nFree ones first;")
    assert curator.last.buttons[:3] == [
        "▫️ Александрова Яна",
        "▫️ Орлова Вера",
        "▫️ Кузнецова Анна · 2 mentors",
    ]
    assert "Смирнов Артём" not in " ".join(curator.last.buttons), "awaiting the guardian"

    await curator.send("/language")
    await curator.click(curator.last, text="Русский")
    await curator.send("/pair")
    await curator.click(curator.last, text="Пара")
    assert "Кузнецова Анна · 2 наставника" in curator.last.buttons
    await curator.click(curator.last, text="Кузнецова Анна · 2 наставника")
    assert curator.last.text.startswith("Предлагаемые наставники")


async def test_a_search_by_name_filters_the_list_and_pages_within_it(harness, school, clock):
    db = harness.app.database
    for n in range(25):
        await add_person(
            db, 1000 + n, f"Иванова {n:02d}", Role.mentee, school.school_id, clock.now()
        )
        await add_person(
            db, 1100 + n, f"Петрова {n:02d}", Role.mentee, school.school_id, clock.now()
        )
    await add_person(db, 1200, "Семёнова Алёна", Role.mentee, school.school_id, clock.now())
    curator = harness.client.user(CURATOR)
    await english(curator)
    await curator.send("/pair")
    await curator.click(curator.last, text="Group")
    everyone = curator.last
    assert "1 of 3" in everyone.buttons

    await curator.send("  ИВАНОВА ")
    found = curator.last
    assert found.text == (
        "Choose the mentees:\n"
        "Found for «ИВАНОВА»: 25. Type another part of the name to search again."
    )
    assert harness.tg.message(CURATOR, everyone.message_id).buttons == [], "one list answers"
    names = [b for b in found.buttons if b.startswith("▫️")]
    assert names == [f"▫️ Иванова {n:02d}" for n in range(20)] and "1 of 2" in found.buttons
    await curator.click(found, text="▶")
    found = harness.tg.message(CURATOR, found.message_id)
    names = [b for b in found.buttons if b.startswith("▫️")]
    assert names == [f"▫️ Иванова {n:02d}" for n in range(20, 25)] and "2 of 2" in found.buttons
    await curator.click(found, text="▫️ Иванова 24")
    found = harness.tg.message(CURATOR, found.message_id)
    assert "✅ Иванова 24" in found.buttons and "2 of 2" in found.buttons
    await curator.click(found, text="2 of 2")  # the same page again: nothing to redraw
    assert harness.tg.message(CURATOR, found.message_id).buttons == found.buttons

    await curator.send("алена семенова")
    assert curator.last.text.startswith("Choose the mentees:\nFound for «алена семенова»: 1.")
    await curator.click(curator.last, text="▫️ Семёнова Алёна")

    await curator.send("Сидоров")
    assert curator.last.text == (
        "Choose the mentees:\n"
        "Nobody found for «Сидоров». Type another part of the name, or show everyone."
    )
    assert curator.last.buttons == ["✖ Show everyone", "Done ✔", "✖ Cancel"]
    await curator.click(curator.last, text="✖ Show everyone")
    assert curator.last.text.startswith("Choose the mentees:\nFree ones first;")
    assert "1 of 3" in curator.last.buttons and "✖ Show everyone" not in curator.last.buttons
    await curator.click(curator.last, text="Done ✔")
    assert curator.last.text == "Choose the mentors:"
    data = await harness.app.dispatcher.storage.get_data(
        StorageKey(bot_id=harness.bot.id, chat_id=CURATOR, user_id=CURATOR, destiny="default")
    )
    async with db.reading() as s:
        chosen = set(
            (await s.scalars(select(Person.full_name).where(Person.id.in_(data["mentees"])))).all()
        )
    assert chosen == {"Иванова 24", "Семёнова Алёна"}


async def test_a_search_in_a_pair_and_a_name_too_long(harness, school):
    curator = harness.client.user(CURATOR)
    await english(curator)
    await curator.send("/pair")
    await curator.click(curator.last, text="Pair")
    await curator.send("я" * 101)
    assert curator.last.text == "To find a mentee, type part of the name (up to 100 characters)."
    await curator.send("орлова")
    assert curator.last.buttons == ["Орлова Вера", "✖ Show everyone", "✖ Cancel"]
    await curator.click(curator.last, text="Орлова Вера")
    assert curator.last.text.startswith("Suggested mentors, best first")
