"""/profile: one's own fields, and changing them one at a time with the registration parsers."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from storage.models import MenteeProfile, MentorProfile, Person
from storage.models.enums import Role
from storage.people.registration import save_mentee_profile
from tests.support.app import running_app
from tests.support.seed import MENTEE_ANSWERS, add_person, add_role, build_tree

NAME = "Петрова Анна Сергеевна"


async def english(user) -> None:
    await user.send("/language")
    await user.click(user.last, text="English")


async def mentee(harness, clock, telegram_id: int = 3001, **profile):
    tree = await build_tree(harness.app.database, clock.now())
    database, now = harness.app.database, clock.now()
    person_id = await add_person(
        database, telegram_id, NAME, Role.mentee, tree.school_id, now, profile=profile
    )
    user = harness.client.user(telegram_id)
    await english(user)
    return user, person_id


async def mentee_row(harness, person_id: int) -> MenteeProfile:
    async with harness.app.database.reading() as session:
        return await session.get(MenteeProfile, person_id)


async def open_field(user, label: str) -> None:
    await user.send("/profile")
    await user.click(user.last, text="✎ Edit")
    await user.click(user.last, text=label)


async def test_the_profile_shows_name_roles_and_register_fields(harness, clock):
    user, _person_id = await mentee(harness, clock, difficulties_other="усталость")
    await user.send("/profile")
    text = user.last.text
    assert text.startswith("My profile\n\nFull name: " + NAME)
    assert "• mentee, «МБОУ лицей № 9» — active" in text
    assert "Mentee register" in text and "Mentor register" not in text
    assert "Category: a young teacher (0–3 years of experience)" in text
    assert "Main request: дисциплина на уроках" in text
    assert "Difficulties: Discipline and classroom management" in text
    assert "Other difficulties: усталость" in text
    assert "Preferred forms of mentoring: —" in text
    assert user.last.buttons == ["✎ Edit"]

    await user.click(user.last, text="✎ Edit")
    # The category decides which fields apply, so it is not offered.
    assert user.last.buttons == [
        "Full name",
        "Year of birth",
        "Teaching experience, years",
        "Main request",
        "Difficulties",
        "Other difficulties",
        "Preferred forms of mentoring",
        "◀ Back",
    ]
    await user.click(user.last, text="◀ Back")
    assert user.last.buttons == ["✎ Edit"]


async def test_a_text_field_refuses_a_bad_value_and_saves_a_good_one(harness, clock):
    user, person_id = await mentee(harness, clock)
    await open_field(user, "Main request")
    assert user.last.text.startswith("What do you expect from mentoring?")
    assert "Now: дисциплина на уроках" in user.last.text
    assert user.last.buttons == ["✖ Cancel"]

    await user.send("ок")
    messages = user.replies
    assert messages[-2].text == "Expected 3 to 1000 characters; this has 2.\nPlease try again."
    assert messages[-1].text.startswith("What do you expect from mentoring?")
    assert (await mentee_row(harness, person_id)).request == "дисциплина на уроках"

    clock.advance(timedelta(hours=1))
    await user.send("  работа с родителями  ")
    assert user.last.text.startswith("Saved.\n\nMy profile")
    assert "Main request: работа с родителями" in user.last.text
    row = await mentee_row(harness, person_id)
    assert row.request == "работа с родителями"
    assert row.updated_at == clock.now()

    await user.send("просто текст")
    assert user.last.text == "I did not understand. Send /help to see what I can do."


async def test_the_name_is_checked_like_at_registration(harness, clock):
    user, person_id = await mentee(harness, clock)
    await open_field(user, "Full name")
    await user.send("R2-D2")
    assert user.replies[-2].text.startswith("A name is 2 to 100 letters")
    await user.send("Петрова-Иванова Анна Сергеевна")
    assert "Full name: Петрова-Иванова Анна Сергеевна" in user.last.text
    async with harness.app.database.reading() as session:
        person = await session.get(Person, person_id)
    assert person.full_name == "Петрова-Иванова Анна Сергеевна"


async def test_a_multi_choice_field_toggles_and_keeps_the_other_difficulties(harness, clock):
    user, person_id = await mentee(harness, clock, difficulties_other="усталость")
    await open_field(user, "Difficulties")
    question = user.last
    assert "✅ Discipline and classroom management" in question.buttons
    assert question.buttons[-3:] == ["Done ✔", "Clear the field", "✖ Cancel"]
    await user.click(question, text="▫️ Working with parents")
    await user.click(question, text="✅ Discipline and classroom management")
    await user.click(question, text="▫️ Assessment and marking")
    assert (await mentee_row(harness, person_id)).difficulties == ["classroom", "усталость"]
    await user.click(question, text="Done ✔")
    assert "Difficulties: Working with parents, Assessment and marking" in user.last.text
    assert "Other difficulties: усталость" in user.last.text
    row = await mentee_row(harness, person_id)
    assert row.difficulties == ["parents", "assessment", "усталость"]

    await open_field(user, "Other difficulties")
    await user.click(user.last, text="Clear the field")
    row = await mentee_row(harness, person_id)
    assert row.difficulties == ["parents", "assessment"]


async def test_cancel_in_the_middle_changes_nothing(harness, clock):
    user, person_id = await mentee(harness, clock)
    await open_field(user, "Preferred forms of mentoring")
    await user.click(user.last, text="▫️ teacher – teacher")
    await user.click(user.last, text="✖ Cancel")
    assert user.last.text.startswith("Cancelled")
    await user.send("2001")
    assert user.last.text == "I did not understand. Send /help to see what I can do."
    row = await mentee_row(harness, person_id)
    assert row.preferred_forms == [] and row.request == MENTEE_ANSWERS["request"]


async def test_an_edit_survives_a_restart(harness, clock, settings):
    user, person_id = await mentee(harness, clock)
    await open_field(user, "Teaching experience, years")
    async with running_app(settings, harness.app.database, clock, tg=harness.tg) as second:
        again = second.client.user(user.id)
        await again.send("9")
        assert again.replies[-2].text.startswith("Expected a whole number from 0 to 3.")
        await again.send("2")
        assert "Teaching experience, years: 2" in again.last.text
    assert (await mentee_row(harness, person_id)).experience_years == 2


async def test_forged_and_stale_edit_buttons_are_refused(harness, clock):
    user, person_id = await mentee(harness, clock)
    await user.send("/profile")
    profile = user.last
    for data in ("pf_f:mentor:competencies", "pf_f:mentee:category", "pf_f:person:telegram_id"):
        await user.press(profile, data=data)
        answer = harness.tg.requests_for("answerCallbackQuery")[-1][1]
        assert answer["text"] == "This field cannot be changed here.", data
    # An answer without an edit under way is not this module's: the fallback explains.
    await user.press(profile, data="pf_a:pick:student")
    answer = harness.tg.requests_for("answerCallbackQuery")[-1][1]
    assert answer["text"].startswith("This button is no longer active.")

    await open_field(user, "Preferred forms of mentoring")
    await user.press(user.last, data="pf_a:toggle:no_such_form")
    await user.press(user.last, data="pf_a:pick:teacher_teacher")
    row = await mentee_row(harness, person_id)
    assert row.category == "young_teacher" and row.preferred_forms == []


async def test_both_registers_are_shown_and_told_apart(harness, clock):
    tree = await build_tree(harness.app.database, clock.now())
    database, now = harness.app.database, clock.now()
    person_id = await add_person(database, 3002, NAME, Role.mentor, tree.school_id, now)
    async with database.transaction() as session:
        await add_role(session, person_id, Role.mentee, tree.other_school_id, now)
        await save_mentee_profile(session, person_id, MENTEE_ANSWERS, now)
    user = harness.client.user(3002)
    await english(user)
    await user.send("/profile")
    assert "Mentor register" in user.last.text and "Mentee register" in user.last.text
    assert "• mentee, «МБОУ СОШ № 2» — active" in user.last.text
    await user.click(user.last, text="✎ Edit")
    assert "mentor: Main competencies" in user.last.buttons
    assert "mentee: Year of birth" in user.last.buttons
    await user.click(user.last, text="mentor: Hours a month")
    await user.send("12")
    async with database.reading() as session:
        mentor = await session.scalar(
            select(MentorProfile).where(MentorProfile.person_id == person_id)
        )
    assert mentor.hours_per_month == 12


async def test_the_profile_reads_in_russian_by_default(harness, clock):
    tree = await build_tree(harness.app.database, clock.now())
    await add_person(harness.app.database, 3003, NAME, Role.mentor, tree.school_id, clock.now())
    user = harness.client.user(3003)
    await user.send("/profile")
    assert user.last.text.startswith(f"Мой профиль\n\nФИО: {NAME}")
    assert "подготовка к ЕГЭ" in user.last.text
