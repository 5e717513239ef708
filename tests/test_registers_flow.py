"""/import through the real dispatcher: the dry run, apply, a second import, forged and
repeated taps, scope, hostile files; joining through a personal link in three taps; the
pending list, reminders, new links, deletion, the invitations list and the cards."""

from __future__ import annotations

import io
from datetime import timedelta

import docx
import openpyxl
from sqlalchemy import func, select

from handlers.people.common import GuardianConsent
from handlers.registers.common import (
    ImportSchool,
    PendingAct,
    PendingCard,
    PendingFiles,
    PendingPage,
)
from handlers.registers.sample import registers_workbook
from storage.models import (
    Membership,
    MentorProfile,
    OutboxMessage,
    Programme,
    RegisterEntry,
    RegisterPair,
)
from storage.models.enums import MembershipStatus, Role
from tests.support.seed import add_person, build_tree
from tests.test_registers_storage import mentor, teacher
from tests.test_registers_storage import workbook as workbook_of

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


async def test_the_template_is_a_register_file_the_import_reads(harness, clock):
    _tree, curator = await school(harness, clock)
    await curator.send("/import")
    await curator.click(curator.last, text="📥 Template, XLSX")
    template = curator.last
    assert template.kind == "document" and template.file_name == "registers-template.xlsx"
    dry = await send_file(curator, template.file_bytes)
    assert "New people: 2" in dry.text and "Pairs and groups found: 1, new 1" in dry.text
    assert "Rows refused" not in dry.text


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


async def import_file(curator, data: bytes) -> None:
    await curator.send("/import")
    dry = await send_file(curator, data)
    await curator.click(dry, text="✔ Apply")


async def entry_codes(harness) -> dict[str, RegisterEntry]:
    async with harness.app.database.reading() as s:
        return {e.full_name: e for e in (await s.scalars(select(RegisterEntry))).all()}


async def test_joining_with_a_correction_and_the_pair_proposed_then_accepted(harness, clock):
    _tree, curator = await school(harness, clock)
    data = workbook_of(
        [mentor("Орлов Глеб", "Ким Анна")], [teacher("Ким Анна", mentor_name="Орлов Г.")]
    )
    await import_file(curator, data)
    codes = await entry_codes(harness)
    gleb, anna = harness.client.user(6201), harness.client.user(6202)
    await gleb.send(f"/start {codes['Орлов Глеб'].code}")
    await gleb.click(gleb.last, text="✔ Согласен(-на)")
    summary = gleb.last
    assert (
        summary.text.startswith("Проверьте, всё ли верно:")
        and "Основные компетенции: ЕГЭ" in summary.text
    )
    await gleb.click(summary, text="✎ Изменить")
    await gleb.click(summary, text="Основные компетенции")
    await gleb.send("подготовка к ЕГЭ и олимпиадам")
    await gleb.click(gleb.last, text="✔ Всё верно")
    assert gleb.last.text.startswith("Готово! Вы зарегистрированы: наставник")
    async with harness.app.database.reading() as s:
        assert (await s.scalar(select(func.count()).select_from(Programme))) == 0
    await anna.send(f"/start {codes['Ким Анна'].code}")
    await anna.click(anna.last, text="✔ Согласен(-на)")
    await anna.click(anna.last, text="✔ Всё верно")
    # Both joined: the pair is proposed to both, as /pair would.
    offers = [u.last for u in (gleb, anna)]
    assert all("приглашает вас в наставническую пару" in m.text for m in offers), offers
    for user, offer in zip((gleb, anna), offers, strict=True):
        await user.click(offer, text="✔ Согласен(-на)")
    async with harness.app.database.reading() as s:
        programme = await s.scalar(select(Programme))
        assert programme.status == "active" and programme.goals == "дисциплина на уроках"
        competencies = await s.scalar(select(MentorProfile.competencies))
        assert competencies == "подготовка к ЕГЭ и олимпиадам"
    told = [
        m.text
        for m in curator.replies
        if "присоединяется" in (m.text or "") or "has joined" in (m.text or "")
    ]
    assert len(told) == 2


async def test_used_expired_and_declined_links(harness, clock):
    _tree, curator = await school(harness, clock)
    await import_file(curator, workbook_of([], [teacher("Ким Анна"), teacher("Лебедева Ольга")]))
    codes = await entry_codes(harness)
    first, second = harness.client.user(6301), harness.client.user(6302)
    await first.send(f"/start {codes['Ким Анна'].code}")
    await first.click(first.last, text="✖ Не согласен(-на)")
    assert "никакие сведения о вас не сохранены" in first.last.text
    async with harness.app.database.reading() as s:
        assert (await s.get(RegisterEntry, codes["Ким Анна"].id)).opened_by is None
    await first.send(f"/start {codes['Ким Анна'].code}")
    await first.click(first.last, text="✔ Согласен(-на)")
    await first.click(first.last, text="✔ Всё верно")
    await second.send(f"/start {codes['Ким Анна'].code}")
    assert "уже использовано" in second.last.text
    await first.send(f"/start {codes['Ким Анна'].code}")
    assert "Вы уже присоединились" in first.last.text
    clock.advance(timedelta(days=31))
    await second.send(f"/start {codes['Лебедева Ольга'].code}")
    assert "истёк" in second.last.text


async def test_the_pending_list_card_new_link_deletion_reminder_and_documents(harness, clock):
    _tree, curator = await school(harness, clock)
    await import_file(curator, workbook(clock, mentors=2, mentees=3, per_mentor=1))
    codes = await entry_codes(harness)
    opener = harness.client.user(6401)
    name = next(n for n, e in codes.items() if e.role == "mentee")
    await opener.send(f"/start {codes[name].code}")  # opened, not finished
    await curator.send("/import")
    menu = curator.last
    assert "Not joined yet: 5 (opened the link: 1, expired: 0)" in menu.text
    await curator.click(menu, text="👥 Who has not joined")
    listing = curator.last
    assert "not joined yet — 5" in listing.text and "opened, not finished" in listing.text
    await curator.click(listing, text="🔔 Remind the 1 person who opened the link")
    async with harness.app.database.reading() as s:
        (reminder,) = (await s.scalars(select(OutboxMessage))).all()
    assert reminder.kind == "register_reminder" and reminder.params["link"].endswith(
        codes[name].code
    )
    # The same day: once.
    await curator.click(listing, text="🔔 Remind the 1 person who opened the link")
    assert await count(harness, OutboxMessage) == 1

    await curator.click(listing, text="📄 Invitations, XLSX")
    sheet = openpyxl.load_workbook(io.BytesIO(curator.last.file_bytes)).active
    rows = list(sheet.iter_rows(min_row=2, max_row=6, values_only=True))
    assert len(rows) == 5 and {r[1] for r in rows} == set(codes)
    assert all(r[4].startswith("https://t.me/") for r in rows)
    assert any(r[3] and r[3].endswith("А") for r in rows)  # a pupil's class
    await curator.click(listing, text="🪪 Cards with QR codes, DOCX")
    cards = docx.Document(io.BytesIO(curator.last.file_bytes))
    assert len(cards.inline_shapes) == 5

    first_button = next(b for b in listing.buttons if b.startswith("1. "))
    await curator.click(listing, text=first_button)  # the card replaces the list in place
    old_code = codes[first_button.removeprefix("1. ")].code
    await curator.click(listing, text="🔄 New link")
    entry = (await entry_codes(harness))[first_button.removeprefix("1. ")]
    assert entry.code != old_code and entry.code in listing.text
    await curator.click(listing, text="🗑 Delete the record")
    await curator.click(listing, text="🗑 Yes, delete")
    assert await count(harness, RegisterEntry) == 4
    # The deleted person's link no longer works: an ordinary invitation check answers.
    stranger = harness.client.user(6402)
    await stranger.send(f"/start {entry.code}")
    assert stranger.last.text.startswith("Ссылка-приглашение недействительна.")


async def test_a_coordinator_imports_into_a_school_in_scope_only(harness, clock):
    tree, _curator = await school(harness, clock)
    coordinator = harness.client.user(COORDINATOR)
    await english(coordinator)
    await coordinator.send("/import")
    picker = coordinator.last
    assert picker.text == "Into which school do you want to import the registers?"
    assert set(picker.buttons) == {"МБОУ лицей № 9", "МБОУ СОШ № 2"}
    await coordinator.press(picker, data=ImportSchool(school_id=tree.foreign_school_id).pack())
    answer = harness.tg.requests_for("answerCallbackQuery")[-1][1]
    assert "cannot import into this school" in answer["text"]
    await coordinator.click(picker, text="МБОУ лицей № 9")
    prompt = coordinator.last
    assert "Who has not joined" not in " ".join(prompt.buttons)  # pending people: curators only
    dry = await send_file(coordinator, workbook(clock))
    await coordinator.click(dry, text="✔ Apply")
    assert await count(harness, RegisterEntry) == 9
    await coordinator.press(prompt, data=PendingPage(school_id=tree.school_id).pack())
    answer = harness.tg.requests_for("answerCallbackQuery")[-1][1]
    assert "not your school" in answer["text"]


async def test_apply_after_the_school_changed_shows_the_new_dry_run(harness, clock):
    _tree, curator = await school(harness, clock)
    coordinator = harness.client.user(COORDINATOR)
    await english(coordinator)
    await curator.send("/import")
    dry = await send_file(curator, workbook(clock))
    await coordinator.send("/import")
    await coordinator.click(coordinator.last, text="МБОУ лицей № 9")
    other = await send_file(coordinator, workbook(clock, mentors=1, mentees=1))
    await coordinator.click(other, text="✔ Apply")
    await curator.click(dry, text="✔ Apply")
    assert curator.last.text.startswith("The school changed since the dry run")
    assert "New people: 7" in curator.last.text
    assert await count(harness, RegisterEntry) == 2
    await curator.click(curator.last, text="✔ Apply")
    assert await count(harness, RegisterEntry) == 9


async def test_a_guardians_consent_forms_the_pair_that_waited(harness, clock):
    tree, curator = await school(harness, clock)
    pupil = teacher("Ким Анна", 2013, mentor_name="Орлов Глеб", form="Учитель – ученик")
    pupil[7], pupil[8] = "ученик", None
    await import_file(curator, workbook_of([mentor("Орлов Глеб")], [pupil]))
    codes = await entry_codes(harness)
    for number, name in ((6501, "Орлов Глеб"), (6502, "Ким Анна")):
        user = harness.client.user(number)
        await user.send(f"/start {codes[name].code}")
        await user.click(user.last, text="✔ Согласен(-на)")
        if "Проверьте" not in user.last.text:  # a pupil is asked the grade the file lacks
            await user.send("7")
        await user.click(user.last, text="✔ Всё верно")
    assert await count(harness, Programme) == 0  # the pupil waits for the guardian
    entry = (await entry_codes(harness))["Ким Анна"]
    await curator.press(
        curator.last,
        data=GuardianConsent(
            school_id=tree.school_id, person_id=entry.person_id, confirmed=True
        ).pack(),
    )
    async with harness.app.database.reading() as s:
        programme = await s.scalar(select(Programme))
    assert programme is not None and programme.status == "proposed"
    pupil_chat = harness.client.user(6502)
    assert "приглашает вас в наставническую пару" in pupil_chat.last.text


async def test_an_updated_file_shows_what_would_change(harness, clock):
    _tree, curator = await school(harness, clock)
    await import_file(curator, workbook_of([], [teacher("Ким Анна")]))
    await curator.send("/import")
    dry = await send_file(curator, workbook_of([], [teacher("Ким Анна", request="олимпиады")]))
    assert "Already in the school: 1, changed 1" in dry.text
    assert (
        "Ким Анна, 1999 — mentee (imported earlier, not joined yet): changes Main request"
        in dry.text
    )
    await curator.click(dry, text="✔ Apply")
    assert "1 person updated." in curator.last.text
    async with harness.app.database.reading() as s:
        entry = await s.scalar(select(RegisterEntry))
    assert entry.fields["request"] == "олимпиады"
