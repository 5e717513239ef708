"""/mydata and /forget: a copy of everything stored about a person, and its erasure."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import func, select

from storage.community.feedback import save_feedback
from storage.models import (
    Consent,
    Feedback,
    FsmState,
    Invitation,
    InvitationUse,
    Membership,
    MenteeProfile,
    Person,
)
from storage.models.community import Practice, Question
from storage.models.enums import Role
from storage.models.outbox import OutboxMessage
from storage.outbox.queue import enqueue
from storage.people.invitations import create_invitation, use_invitation
from tests.support.seed import add_person, build_tree, person_by_telegram

NAME = "Петрова Анна Сергеевна"
OTHER_NAME = "Сидоров Олег Петрович"
REFUSED = "This command works after registration through an invitation link."


async def english(user) -> None:
    await user.send("/language")
    await user.click(user.last, text="English")


async def two_people(harness, clock) -> tuple[int, int]:
    """A mentee (3101) who used a curator's (3102) invitation; both wrote feedback."""
    database, now = harness.app.database, clock.now()
    tree = await build_tree(database, now)
    curator = await add_person(database, 3102, OTHER_NAME, Role.curator, tree.school_id, now)
    mentee = await add_person(database, 3101, NAME, Role.mentee, tree.school_id, now)
    async with database.transaction() as session:
        invitation = await create_invitation(
            session,
            role=Role.mentee,
            organization_id=tree.school_id,
            created_by=curator,
            created_by_telegram_id=3102,
            now=now,
        )
        await use_invitation(session, invitation.id, mentee, now)
        await create_invitation(
            session,
            role=Role.mentee,
            organization_id=tree.school_id,
            created_by=mentee,
            created_by_telegram_id=3101,
            now=now,
        )
        await save_feedback(session, mentee, "idea", "Добавьте календарь встреч", now)
        await save_feedback(session, curator, "problem", "Секретная жалоба куратора", now)
        session.add(
            Question(
                asker_id=mentee,
                school_id=tree.school_id,
                text="Как оформить план?",
                status="open",
                created_at=now,
            )
        )
        session.add(
            Practice(
                school_id=tree.school_id,
                author_id=mentee,
                title="Урок вдвоём",
                description="Как мы готовили открытый урок",
                links=[],
                files=[],
                status="school",
                created_at=now,
            )
        )
    return mentee, curator


async def test_an_unregistered_person_is_refused(harness):
    user = harness.client.user(3100)
    await english(user)
    for command in ("/profile", "/mydata", "/forget"):
        await user.send(command)
        assert user.last.text == REFUSED, command


async def test_mydata_sends_everything_about_the_person_and_nobody_else(harness, clock):
    await two_people(harness, clock)
    user = harness.client.user(3101)
    await english(user)
    await user.send("/feedback")
    await user.click(user.last, text="A question")
    await user.send("/mydata")

    document = user.last
    assert document.kind == "document"
    assert document.file_name == "mydata-2026-11-23.json"
    assert document.caption.startswith("Everything the bot stores about you")
    raw = document.file_bytes.decode("utf-8")
    assert NAME in raw and "\n  " in raw, "readable: Cyrillic as is, indented"
    data = json.loads(raw)

    assert data["person"]["full_name"] == NAME
    assert data["person"]["telegram_id"] == 3101
    assert data["person"]["locale"] == "en"
    assert [(c["kind"], c["version"], c["withdrawn_at"]) for c in data["consents"]] == [
        ("participation", "1", None)
    ]
    assert [(r["role"], r["organization"], r["status"]) for r in data["roles"]] == [
        ("mentee", "МБОУ лицей № 9", "active")
    ]
    assert data["mentor_profile"] is None
    profile = data["mentee_profile"]
    assert profile["category"] == "young_teacher" and profile["request"] == "дисциплина на уроках"
    assert profile["difficulties"] == ["classroom"] and profile["birth_year"] == 2001
    assert [(i["role"], i["organization"]) for i in data["invitations_used"]] == [
        ("mentee", "МБОУ лицей № 9")
    ]
    assert len(data["invitations_created"]) == 1
    assert [f["text"] for f in data["feedback"]] == ["Добавьте календарь встреч"]
    assert [(s["state"], s["data"]) for s in data["conversation_state"]] == [
        ("FeedbackForm:text", {"topic": "question"})
    ]

    assert [q["text"] for q in data["questions_asked"]] == ["Как оформить план?"]
    assert [p["title"] for p in data["practices_submitted"]] == ["Урок вдвоём"]
    # The meeting log's parts are there, empty for someone who has had no meeting yet.
    assert (data["meetings_logged"], data["meetings_attended"]) == ([], [])
    assert data["meeting_photos_added"] == []

    for foreign in (OTHER_NAME, "3102", "Секретная жалоба"):
        assert foreign not in raw, foreign


async def test_forget_no_changes_nothing(harness, clock):
    mentee, _curator = await two_people(harness, clock)
    user = harness.client.user(3101)
    await english(user)
    await user.send("/forget")
    assert user.last.text.startswith("Erase your personal data?")
    assert user.last.buttons == ["Yes, erase", "No"]
    await user.click(user.last, text="No")
    assert user.last.text == "Nothing was erased."
    async with harness.app.database.reading() as session:
        person = await session.get(Person, mentee)
        assert person.full_name == NAME and person.telegram_id == 3101
        assert await session.get(MenteeProfile, mentee) is not None
    await user.send("/profile")
    assert user.last.text.startswith("My profile")


async def test_forget_yes_erases_the_person_and_the_account_starts_afresh(harness, clock):
    mentee, curator = await two_people(harness, clock)
    database = harness.app.database
    async with database.transaction() as session:
        # Another destiny's conversation of the same account, and someone else's.
        for key in ("fsm:42:3101:3101:other", "fsm:42:3102:3102:default"):
            session.add(FsmState(key=key, state="X:y", data={}, updated_at=clock.now()))
        owed = await enqueue(
            session,
            kind="announcement",
            subject="a1",
            person_id=mentee,
            due_at=clock.now() + timedelta(days=1),
            timezone="Europe/Moscow",
            now=clock.now(),
            params={"text": "Собрание", "sender": "Куратор"},
        )
        assert owed
    user = harness.client.user(3101)
    await english(user)
    await user.send("/forget")
    confirmation = user.last
    clock.advance(timedelta(minutes=5))
    await user.click(confirmation, text="Yes, erase")
    assert user.last.text.startswith("Your personal data is erased")
    assert harness.tg.commands(scope={"type": "chat", "chat_id": 3101}) == []

    async with database.reading() as session:
        person = await session.get(Person, mentee)
        assert person.full_name is None and person.locale is None
        assert person.telegram_id == -mentee
        assert person.erased_at == clock.now()
        assert await session.get(MenteeProfile, mentee) is None
        statuses = await session.scalars(
            select(Membership.status).where(Membership.person_id == mentee)
        )
        assert statuses.all() == ["deactivated"]
        withdrawn = await session.scalars(
            select(Consent.withdrawn_at).where(Consent.person_id == mentee)
        )
        assert withdrawn.all() == [clock.now()]
        feedback = (await session.scalars(select(Feedback))).all()
        assert [f.person_id for f in feedback] == [curator]
        keys = (await session.scalars(select(FsmState.key))).all()
        assert keys == ["fsm:42:3102:3102:default"]
        assert await session.scalar(select(func.count()).select_from(Question)) == 0
        practice = await session.scalar(select(Practice))
        assert practice.title == "Урок вдвоём" and practice.author_id is None
        # Reminders still owed to someone who has left are dropped.
        assert await session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
        # The registration stays counted, pointing at the erased person.
        uses = (await session.scalars(select(InvitationUse.person_id))).all()
        assert uses == [mentee]
        created = await session.scalar(select(Invitation).where(Invitation.created_by == mentee))
        assert created.created_by_telegram_id == -mentee
        assert (
            await session.scalar(
                select(func.count()).select_from(Person).where(Person.telegram_id == 3101)
            )
            == 0
        )

    # A second tap on the old button finds a stranger: nothing more happens.
    await user.press(confirmation, text="Yes, erase")
    answer = harness.tg.requests_for("answerCallbackQuery")[-1][1]
    # The fresh person has no language chosen yet, so the answer is in the default, Russian.
    assert answer["text"] == "Эта кнопка больше не действует. Начните заново — /help."

    await english(user)
    await user.send("/profile")
    assert user.last.text == REFUSED
    fresh = await person_by_telegram(database, 3101)
    assert fresh.id != mentee and fresh.full_name is None
