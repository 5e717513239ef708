"""/import through the real dispatcher: the dry run, apply, a second import, forged and
repeated taps, scope, hostile files; joining through a personal link in three taps; the
pending list, reminders, new links, deletion, the invitations list and the cards."""

from __future__ import annotations

from sqlalchemy import func, select

from handlers.registers.common import (
    ImportSchool,
    PendingAct,
    PendingCard,
    PendingFiles,
    PendingPage,
)
from storage.models import (
    Membership,
    Programme,
    RegisterEntry,
    RegisterPair,
)
from storage.models.enums import MembershipStatus, Role
from storage.registers.sample import registers_workbook
from tests.support.seed import add_person, build_tree

CURATOR, OTHER_CURATOR, COORDINATOR = 6001, 6002, 6003
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def english(user) -> None:
    await user.send("/language")
    await user.click(user.last, text="English")


async def school(harness, clock):
    db, now = harness.app.database, clock.now()
    tree = await build_tree(db, now)
    await add_person(db, CURATOR, "Абрамова Ольга", Role.curator, tree.school_id, now)
    await add_person(db, OTHER_CURATOR, "Гусева Нина", Role.curator, tree.other_school_id, now)
    await add_person(
        db, COORDINATOR, "Соболева Зинаида", Role.coordinator, tree.municipality_id, now
    )
    curator = harness.client.user(CURATOR)
    await english(curator)
    return tree, curator


def workbook(clock, mentors=3, mentees=6, bad_rows=0, per_mentor=2) -> bytes:
    data, _m, _e = registers_workbook(
        "МБОУ лицей № 9",
        mentors,
        mentees,
        today=clock.now().date(),
        bad_rows=bad_rows,
        per_mentor=per_mentor,
    )
    return data


async def send_file(user, data: bytes, name: str = "registers.xlsx"):
    await user.send_document(data=data, file_name=name, mime_type=XLSX)
    return user.last


async def count(harness, model) -> int:
    async with harness.app.database.reading() as s:
        return await s.scalar(select(func.count()).select_from(model))


async def test_dry_run_apply_and_a_second_import_that_changes_nothing(harness, clock):
    _tree, curator = await school(harness, clock)
    await curator.send("/import")
    assert "Registers of «МБОУ лицей № 9»" in curator.last.text
    dry = await send_file(curator, workbook(clock, bad_rows=3))
    assert "Dry run: «registers.xlsx» into «МБОУ лицей № 9»" in dry.text
    assert "New people: 6" in dry.text and "Rows refused: 3" in dry.text
    assert "«База наставляемых», row 2: no name" in dry.text
    assert "row 3: the year of birth 1850 does not fit" in dry.text
    assert "«31.02.2025» is not a date" in dry.text
    assert await count(harness, RegisterEntry) == 0  # a dry run stores nothing
    await curator.click(dry, text="✔ Apply")
    assert "Imported into «МБОУ лицей № 9»." in curator.last.text
    assert "6 new people" in curator.last.text
    assert await count(harness, RegisterEntry) == 6
    pairs = await count(harness, RegisterPair)
    assert pairs == 3  # rows 2–4 were the broken ones; the three other paired mentees remain
    # A double tap on Apply applies once.
    await curator.press(dry, text="✔ Apply")
    assert await count(harness, RegisterEntry) == 6

    await curator.send("/import")
    again = await send_file(curator, workbook(clock, bad_rows=3))
    assert "New people: 0" in again.text and "Already in the school: 6, changed 0" in again.text
    assert "Pairs and groups found: 3, new 0" in again.text
    assert "Nothing to change" in again.text and "✔ Apply" not in again.buttons
    assert await count(harness, RegisterEntry) == 6 and await count(harness, RegisterPair) == 3


async def test_a_personal_link_joins_in_three_taps(harness, clock):
    _tree, curator = await school(harness, clock)
    await curator.send("/import")
    dry = await send_file(curator, workbook(clock, mentors=1, mentees=1, per_mentor=1))
    await curator.click(dry, text="✔ Apply")
    async with harness.app.database.reading() as s:
        entries = {e.role: e for e in (await s.scalars(select(RegisterEntry))).all()}
    mentor, mentee = harness.client.user(6101), harness.client.user(6102)
    for user, entry in ((mentor, entries["mentor"]), (mentee, entries["mentee"])):
        await user.send(f"/start {entry.code}")  # tap 1: the link
        assert "В базе школы о вас записано:" in user.last.text  # a newcomer reads Russian
        await user.click(user.last, text=user.last.buttons[0])  # tap 2: I agree
        summary = user.last
        await user.click(summary, text=summary.buttons[0])  # tap 3: all correct
    async with harness.app.database.reading() as s:
        joined = (await s.scalars(select(RegisterEntry))).all()
        assert all(e.person_id is not None for e in joined)
        statuses = (
            await s.scalars(select(Membership.status).where(Membership.role == "mentee"))
        ).all()
        # A pupil of the sample is a minor: awaiting the guardian's consent, as registration does.
        assert statuses == [MembershipStatus.awaiting_guardian]
        assert await s.scalar(select(func.count()).select_from(Programme)) == 0


async def test_forged_and_foreign_callbacks_are_refused(harness, clock):
    tree, curator = await school(harness, clock)
    other = harness.client.user(OTHER_CURATOR)
    await english(other)
    await curator.send("/import")
    dry = await send_file(curator, workbook(clock))
    await curator.click(dry, text="✔ Apply")
    async with harness.app.database.reading() as s:
        entry_id = await s.scalar(select(RegisterEntry.id).limit(1))
    await other.send("/import")
    assert "Registers of «МБОУ СОШ № 2»" in other.last.text
    for data in (
        PendingPage(school_id=tree.school_id).pack(),
        PendingCard(entry_id=entry_id).pack(),
        PendingAct(entry_id=entry_id, action="erase").pack(),
        PendingFiles(school_id=tree.school_id, kind="docx").pack(),
    ):
        await other.press(other.last, data=data)
        answer = harness.tg.requests_for("answerCallbackQuery")[-1][1]
        assert answer.get("show_alert") and "not your school" in answer["text"]
    await other.press(other.last, data=ImportSchool(school_id=tree.school_id).pack())
    answer = harness.tg.requests_for("answerCallbackQuery")[-1][1]
    assert "cannot import into this school" in answer["text"]
    assert await count(harness, RegisterEntry) == 9


async def test_hostile_files_are_refused_and_nothing_stored(harness, clock):
    _tree, curator = await school(harness, clock)
    await curator.send("/import")
    await send_file(curator, b"%PDF-1.4", "registers.pdf")
    assert "not a register file" in curator.last.text
    await send_file(curator, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"0" * 100, "old.xlsx")
    assert "old .xls workbook" in curator.last.text
    await send_file(curator, b"x" * (50 * 1024 * 1024), "huge.xlsx")
    assert "too large (50 MB" in curator.last.text
    await send_file(curator, b"PK\x03\x04 broken", "broken.xlsx")
    assert "cannot be read as an .xlsx" in curator.last.text
    assert await count(harness, RegisterEntry) == 0
    # Still waiting for a file: a good one now goes through.
    dry = await send_file(curator, workbook(clock))
    assert "New people: 9" in dry.text
