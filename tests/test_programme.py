"""/programme: the mentor fills the programme, the mentee reads and comments, the curator closes."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select, update

from handlers.programmes.common import ProgrammeAction, ProgrammeOpen
from storage.catalogue.entries import EntryKind, entries
from storage.models import PlanItem, Programme, ProgrammeComment
from storage.models.enums import MembershipStatus, Role
from storage.models.orgs import Membership
from storage.pairing.forming import Problem, Proposal, form_programme, respond
from storage.programmes.content import close_programme
from tests.support.seed import add_person, build_tree

MENTOR, MENTEE, CURATOR, OTHER_CURATOR = 11, 12, 13, 14


@pytest.fixture
async def pair(database, clock):
    """An active pair of the main school, with its curator and another school's curator."""
    now = clock.now()
    tree = await build_tree(database, now)
    ids = {
        "mentor": await add_person(
            database, MENTOR, "Петров Иван", Role.mentor, tree.school_id, now
        ),
        "mentee": await add_person(
            database, MENTEE, "Иванова Анна", Role.mentee, tree.school_id, now
        ),
        "curator": await add_person(
            database, CURATOR, "Куратор", Role.curator, tree.school_id, now
        ),
        "other": await add_person(
            database, OTHER_CURATOR, "Чужой куратор", Role.curator, tree.other_school_id, now
        ),
    }
    async with database.transaction() as s:
        forms = await entries(s, tree.municipality_id, EntryKind.form)
        proposal = Proposal(
            school_id=tree.school_id,
            mentor_ids=[ids["mentor"]],
            mentee_ids=[ids["mentee"]],
            form_id=forms[0].id,
            starts_on=date(2026, 9, 1),
            planned_end_on=date(2027, 5, 31),
            goals="Адаптация",
        )
        programme = await form_programme(s, proposal, ids["curator"], now)
        for person in ("mentor", "mentee"):
            await respond(s, programme.id, ids[person], True, now)
    return programme.id, ids


async def english(harness, telegram_id):
    user = harness.client.user(telegram_id)
    await user.send("/language")
    await user.click(user.last, text="English")
    return user


def alert(harness) -> str:
    return harness.tg.requests_for("answerCallbackQuery")[-1][1]["text"]


async def stored(harness, programme_id) -> tuple[Programme, list[PlanItem]]:
    async with harness.app.database.reading() as s:
        programme = await s.get(Programme, programme_id)
        items = (
            await s.scalars(select(PlanItem).where(PlanItem.programme_id == programme_id))
        ).all()
        return programme, list(items)


async def add_item(user, title: str, due: str | None) -> None:
    await user.click(user.last, text="+ Plan item")
    await user.send(title)
    if due is None:
        await user.click(user.last, text="No date")
    else:
        await user.send(due)
    assert user.replies[-2].text == "The activity is added to the plan."


async def test_the_mentor_fills_the_programme_and_the_mentee_comments(harness, pair):
    programme_id, _ids = pair
    mentor = await english(harness, MENTOR)
    await mentor.send("/programme")
    assert "Stage: design" in mentor.last.text
    assert mentor.last.buttons == [
        "✎ Goals",
        "✎ Tasks",
        "Stage",
        "+ Plan item",
        "Plan item status",
        "✎ Intermediate results",
        "✎ Planned results",
        "Close the programme",
    ]

    await mentor.click(mentor.last, text="✎ Goals")
    assert "Адаптация" in mentor.last.text and mentor.last.buttons == ["✖ Cancel"]
    await mentor.send("ok")
    assert mentor.last.text == "Expected 3 to 2000 characters; this has 2.\nPlease try again."
    await mentor.send("Adapt to the school and plan lessons with confidence")
    assert "Adapt to the school and plan lessons" in mentor.last.text

    await add_item(mentor, "Open lesson", None)
    await mentor.click(mentor.last, text="+ Plan item")
    await mentor.send("Visit a colleague's lesson")
    await mentor.send("31.02.2026")
    assert mentor.last.text.startswith(
        "Expected a date as DD.MM.YYYY from 01.09.2026 to 31.05.2027."
    )
    await mentor.send("15.12.2026")
    await add_item(mentor, "Reflection meeting", None)
    _programme, items = await stored(harness, programme_id)
    assert len(items) == 3, "the refused date added nothing"

    await mentor.click(mentor.last, text="Plan item status")
    assert mentor.last.buttons[0] == "1. ⏳ Visit a colleague's lesson", "dated items first"
    await mentor.click(mentor.last, text="1. ⏳ Visit a colleague's lesson")
    await mentor.click(mentor.last, text="✅ done")
    assert "1. ✅ Visit a colleague's lesson — by 15.12.2026" in mentor.last.text
    await mentor.click(mentor.last, text="Stage")
    await mentor.click(mentor.last, text="implementation")
    assert "Stage: implementation" in mentor.last.text

    programme, items = await stored(harness, programme_id)
    assert programme.stage == "implementation"
    assert programme.goals == "Adapt to the school and plan lessons with confidence"
    assert sorted((i.title, i.status, i.due_on) for i in items) == [
        ("Open lesson", "planned", None),
        ("Reflection meeting", "planned", None),
        ("Visit a colleague's lesson", "done", date(2026, 12, 15)),
    ]
    assert programme.version == 3 + 6, "formed, two answers, then six changes"

    mentee = await english(harness, MENTEE)
    await mentee.send("/programme")
    card = mentee.last
    for line in ("1. ✅ Visit a colleague's lesson", "2. ⏳ Open lesson", "3. ⏳ Reflection"):
        assert line in card.text
    assert card.buttons == ["💬 Comment"]

    # The mentee cannot edit, even with a forged button.
    forged = ProgrammeAction(programme_id=programme_id, action="goals").pack()
    await mentee.press(card, data=forged)
    assert alert(harness) == "Only the programme's mentor can change it; a mentee can comment."
    await mentee.press(card, data=ProgrammeAction(programme_id=programme_id, action="close").pack())
    assert alert(harness) == "Only the programme's mentor can change it; a mentee can comment."

    await mentee.click(card, text="💬 Comment")
    await mentee.send("Thank you, the open lesson helped!")
    assert mentee.replies[-2].text == "Your comment is saved; the mentor will see it."
    assert "Иванова Анна, 23.11.2026: Thank you, the open lesson helped!" in mentee.last.text
    told = harness.tg.sent_to(MENTOR)[-1].text
    assert "Иванова Анна commented on your mentoring programme" in told
    assert "Thank you, the open lesson helped!" in told
    programme, _items = await stored(harness, programme_id)
    assert programme.goals.startswith("Adapt") and programme.version == 9


async def test_a_curator_of_another_school_cannot_open_the_programme(harness, pair):
    programme_id, _ids = pair
    other = await english(harness, OTHER_CURATOR)
    await other.send("/programme")
    assert other.last.text.startswith("There are no programmes to show yet.")
    await other.press(other.last, data=ProgrammeOpen(programme_id=programme_id).pack())
    assert alert(harness) == "This programme is not available to you."
    await other.press(
        other.last, data=ProgrammeAction(programme_id=programme_id, action="close").pack()
    )
    assert alert(harness) == "This programme is not available to you."
    programme, _items = await stored(harness, programme_id)
    assert programme.status == "active"


async def test_the_curator_closes_the_pair_and_then_nothing_changes(harness, pair):
    programme_id, ids = pair
    curator = await english(harness, CURATOR)
    mentor = await english(harness, MENTOR)
    mentee = await english(harness, MENTEE)
    await mentor.send("/programme")
    await mentor.click(mentor.last, text="✎ Tasks")  # left unfinished while the curator closes

    await curator.send("/programme")
    assert curator.last.buttons == ["Close the programme"]
    await curator.click(curator.last, text="Close the programme")
    assert curator.last.buttons == ["Today", "✖ Cancel"]
    for bad in ("24.11.2026", "31.08.2026", "yesterday"):  # future, before the start, not a date
        await curator.send(bad)
        assert curator.last.text.startswith(
            "Expected a date as DD.MM.YYYY from 01.09.2026 to 23.11.2026."
        )
    await curator.send("20.11.2026")
    await curator.send("ok")
    assert curator.last.text.startswith("Expected 3 to 2000 characters")
    await curator.send("Two open lessons; the young teacher runs classes on her own")
    await curator.send("ftp://school9.ru/case")
    assert curator.last.text.startswith("Expected a link that starts with http:// or https://.")
    await curator.send("https://school9.ru/cases/7")
    await curator.click(curator.last, text="Completed")
    assert "Ended on 20.11.2026" in curator.last.text
    assert "Case or review: https://school9.ru/cases/7" in curator.last.text
    await curator.click(curator.last, text="✔ Close the programme")
    assert curator.replies[-2].text == "The programme is closed."
    assert "🔒 The programme is closed." in curator.last.text
    assert curator.last.buttons == []

    for member in (MENTOR, MENTEE):
        note, invitation = harness.tg.sent_to(member)[-2:]
        assert "Your mentoring programme is closed (ended on 20.11.2026)" in note.text
        assert invitation.buttons == ["Answer the questionnaire"], "the exit questionnaire"
    programme, _items = await stored(harness, programme_id)
    assert (programme.status, programme.ended_on, programme.completed) == (
        "closed",
        date(2026, 11, 20),
        True,
    )
    assert programme.case_link == "https://school9.ru/cases/7"
    assert programme.results.startswith("Two open lessons")
    assert programme.closed_by == ids["curator"] and programme.version == 4

    # After closing: the unfinished edit, buttons and forged callbacks change nothing.
    await mentor.send("Tasks written after the closing")
    assert mentor.last.text == "The programme is closed; it can no longer be changed."
    await mentor.send("/programme")
    assert mentor.last.buttons == []
    for action in ("goals", "stage", "plan_add", "close"):
        await mentor.press(
            mentor.last, data=ProgrammeAction(programme_id=programme_id, action=action).pack()
        )
        assert alert(harness) == "The programme is closed; it can no longer be changed."
    await mentee.press(
        mentee.last,
        data=ProgrammeAction(programme_id=programme_id, action="comment").pack(),
    )
    assert alert(harness) == "The programme is closed; it can no longer be changed."
    programme, _items = await stored(harness, programme_id)
    assert programme.tasks is None and programme.version == 4

    async with harness.app.database.reading() as s:
        assert await s.scalar(select(func.count()).select_from(ProgrammeComment)) == 0


async def test_the_curator_chooses_among_programmes_and_closed_ones_are_read_only(
    harness, database, clock, pair
):
    programme_id, ids = pair
    now = clock.now()
    school_id = (await stored(harness, programme_id))[0].school_id
    second = await add_person(database, 15, "Смирнова Мария", Role.mentee, school_id, now)
    async with database.transaction() as s:
        first = await s.get(Programme, programme_id)
        proposal = Proposal(
            school_id=school_id,
            mentor_ids=[ids["mentor"]],
            mentee_ids=[second],
            form_id=first.form_id,
            starts_on=date(2026, 10, 1),
            planned_end_on=date(2027, 5, 31),
            goals="Подготовка к ОГЭ",
        )
        other = await form_programme(
            s, proposal, ids["curator"], now, confirmed=frozenset({Problem.same_form_again})
        )
        for person in (ids["mentor"], second):
            await respond(s, other.id, person, True, now)
        await close_programme(
            s, programme_id, ids["curator"], date(2026, 11, 1), "Готово", None, False, now
        )

    curator = await english(harness, CURATOR)
    await curator.send("/programme")
    assert curator.last.text == "Choose a programme (🔒 — closed):"
    assert curator.last.buttons == [
        "Петров Иван → Смирнова Мария",
        "🔒 Петров Иван → Иванова Анна",
    ]
    await curator.click(curator.last, text="🔒 Петров Иван → Иванова Анна")
    assert "🔒 The programme is closed." in curator.last.text
    assert "Not completed" in curator.last.text
    assert curator.last.buttons == ["◀ All programmes"]
    await curator.click(curator.last, text="◀ All programmes")
    await curator.click(curator.last, text="Петров Иван → Смирнова Мария")
    assert curator.last.buttons == ["Close the programme", "◀ All programmes"]


async def test_a_mentee_awaiting_the_guardians_consent_cannot_comment(harness, database, clock):
    now = clock.now()
    tree = await build_tree(database, now)
    mentor_id = await add_person(database, 21, "Петров Иван", Role.mentor, tree.school_id, now)
    minor_id = await add_person(
        database,
        22,
        "Сидоров Петя",
        Role.mentee,
        tree.school_id,
        now,
    )
    async with database.transaction() as s:
        form_id = (await entries(s, tree.municipality_id, EntryKind.form))[0].id
        proposal = Proposal(
            school_id=tree.school_id,
            mentor_ids=[mentor_id],
            mentee_ids=[minor_id],
            form_id=form_id,
            starts_on=date(2026, 9, 1),
            planned_end_on=date(2027, 5, 31),
            goals="Учёба",
        )
        programme = await form_programme(s, proposal, mentor_id, now)
        for person in (mentor_id, minor_id):
            await respond(s, programme.id, person, True, now)
        # A minor joins pairs only once consent is recorded, but returns to awaiting it when a
        # curator re-activates them without a recorded consent (storage/people/admin.py).
        await s.execute(
            update(Membership)
            .where(Membership.person_id == minor_id)
            .values(status=MembershipStatus.awaiting_guardian)
        )

    minor = await english(harness, 22)
    await minor.send("/programme")
    assert minor.last.text.startswith(
        "Your registration in «МБОУ лицей № 9» is waiting for the written consent"
    )
    await minor.press(
        minor.last, data=ProgrammeAction(programme_id=programme.id, action="comment").pack()
    )
    assert alert(harness) == "This button is no longer active. Send /help to start again."
    async with database.reading() as s:
        assert await s.scalar(select(func.count()).select_from(ProgrammeComment)) == 0


async def test_a_member_counts_only_with_the_role_in_the_programmes_school(database, clock):
    from handlers.programmes.common import programme_access
    from storage.people.actor import load_actor
    from tests.support.seed import add_role

    now = clock.now()
    tree = await build_tree(database, now)
    mentor_id = await add_person(database, 61, "Петров Иван", Role.mentor, tree.school_id, now)
    mentee_id = await add_person(database, 62, "Кузнецова Анна", Role.mentee, tree.school_id, now)
    async with database.transaction() as s:
        form_id = (await entries(s, tree.municipality_id, EntryKind.form))[0].id
        proposal = Proposal(
            school_id=tree.school_id,
            mentor_ids=[mentor_id],
            mentee_ids=[mentee_id],
            form_id=form_id,
            starts_on=date(2026, 9, 1),
            planned_end_on=date(2027, 5, 31),
            goals="Цели",
        )
        programme = await form_programme(s, proposal, mentor_id, now)
        for person in (mentor_id, mentee_id):
            await respond(s, programme.id, person, True, now)
        # Deactivated in the programme's school, still a mentee in another one.
        await s.execute(
            update(Membership)
            .where(Membership.person_id == mentee_id)
            .values(status=MembershipStatus.deactivated)
        )
        await add_role(s, mentee_id, Role.mentee, tree.other_school_id, now)
    async with database.reading() as s:
        actor = await load_actor(s, 62, frozenset(), now)
        assert await programme_access(s, actor, programme.id) is None
        mentor = await load_actor(s, 61, frozenset(), now)
        access = await programme_access(s, mentor, programme.id)
    assert access is not None and access.edits
