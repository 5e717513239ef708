"""Submitting a case to the bank: title, form of mentoring, topic, the pair (optional),
description, then files, photos and links, a preview and submission. Everything typed lives
in the FSM data, so a restart loses nothing; every chosen id is checked again on submission.
"""

from __future__ import annotations

from html import escape
from typing import Any

from aiogram import Bot, F, Router
from aiogram.filters import StateFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, Message
from aiogram.utils.i18n import I18n, ngettext
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.access import Allowed
from handlers.practices.common import (
    REVIEW,
    TOPICS,
    PrOpen,
    bank_scope,
    button,
    form_name,
    markup,
    org_name,
    pair_title,
    short,
    topic_title,
)
from handlers.system.cancel import cancel_button
from handlers.ui.notify import tell
from storage import practices
from storage.catalogue.entries import EntryKind, entries
from storage.clock import Clock
from storage.community.questions import curators_of
from storage.models.enums import Role
from storage.people.actor import Actor
from storage.programmes.content import programmes_for, valid_link

KEY = "practice"  # the draft in the FSM data


class PrNew(CallbackData, prefix="pr_n"):
    school_id: int  # 0: ask which school


class PrPick(CallbackData, prefix="pr_p"):
    what: str  # school, form, topic, pair, done, submit
    value: str = ""


class Submitting(StatesGroup):
    school = State()
    title = State()
    form = State()
    topic = State()
    pair = State()
    description = State()
    attachments = State()
    confirm = State()


def _with_cancel(rows: list[list[InlineKeyboardButton]]) -> Any:
    return markup([*rows, [cancel_button()]])


def _pick(label: str, what: str, value: object = "") -> list[InlineKeyboardButton]:
    return [button(label, PrPick(what=what, value=str(value)))]


async def start_submission(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    school_id: int,
    replaces: int | None = None,
) -> None:
    scope = await bank_scope(session, actor)
    await state.clear()
    await state.update_data({KEY: {"replaces": replaces, "links": [], "files": []}})
    if school_id:
        await _school_chosen(message, state, school_id)
        return
    if len(scope.submit_schools) == 1:
        await _school_chosen(message, state, next(iter(scope.submit_schools)))
        return
    await state.set_state(Submitting.school)
    rows = [
        _pick(short(await org_name(session, s)), "school", s) for s in sorted(scope.submit_schools)
    ]
    await message.answer(_("Which school is the case from?"), reply_markup=_with_cancel(rows))


async def _school_chosen(message: Message, state: FSMContext, school_id: int) -> None:
    draft = (await state.get_data())[KEY]
    draft["school_id"] = school_id
    await state.update_data({KEY: draft})
    await state.set_state(Submitting.title)
    low, high = practices.TITLE_LENGTH
    intro = _("A new case for the bank of best practices.")
    if draft.get("replaces"):
        intro = _("The corrected case replaces the returned one and goes to the curator again.")
    await message.answer(
        intro
        + "\n\n"
        + ngettext(
            "Step 1 of 6. The title of the case ({min}–{max} character).",
            "Step 1 of 6. The title of the case ({min}–{max} characters).",
            high,
        ).format(min=low, max=high),
        reply_markup=_with_cancel([]),
    )


async def new_pressed(
    query: CallbackQuery,
    callback_data: PrNew,
    session: AsyncSession,
    actor: Actor,
    state: FSMContext,
) -> None:
    scope = await bank_scope(session, actor)
    if not scope.submit_schools or (
        callback_data.school_id and callback_data.school_id not in scope.submit_schools
    ):
        await query.answer(_("Only mentors and curators submit cases."), show_alert=True)
        return
    await query.answer()
    if isinstance(query.message, Message):
        await start_submission(query.message, state, session, actor, callback_data.school_id)


async def _draft(state: FSMContext) -> dict[str, Any]:
    return dict((await state.get_data()).get(KEY) or {})


async def school_picked(
    query: CallbackQuery,
    callback_data: PrPick,
    session: AsyncSession,
    actor: Actor,
    state: FSMContext,
) -> None:
    scope = await bank_scope(session, actor)
    if not callback_data.value.isdigit() or int(callback_data.value) not in scope.submit_schools:
        await query.answer(_("You cannot submit cases for this school."), show_alert=True)
        return
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.edit_reply_markup(reply_markup=None)
        await _school_chosen(query.message, state, int(callback_data.value))


def _length_error(bounds: tuple[int, int], count: int) -> str:
    return ngettext(
        "Expected {min} to {max} character; this has {count}. Please write it again.",
        "Expected {min} to {max} characters; this has {count}. Please write it again.",
        bounds[1],
    ).format(min=bounds[0], max=bounds[1], count=count)


async def _forms(session: AsyncSession, school_id: int) -> list[tuple[int, str]]:
    municipality_id = await practices.municipality_of(session, school_id)
    if municipality_id is None:
        return []
    return [(e.id, e.name) for e in await entries(session, municipality_id, EntryKind.form)]


async def title_typed(message: Message, state: FSMContext, session: AsyncSession) -> None:
    text = " ".join((message.text or "").split())
    if not practices.TITLE_LENGTH[0] <= len(text) <= practices.TITLE_LENGTH[1]:
        await message.answer(_length_error(practices.TITLE_LENGTH, len(text)))
        return
    draft = await _draft(state)
    draft["title"] = text
    await state.update_data({KEY: draft})
    await state.set_state(Submitting.form)
    rows = [_pick(short(name), "form", i) for i, name in await _forms(session, draft["school_id"])]
    await message.answer(_("Step 2 of 6. The form of mentoring."), reply_markup=_with_cancel(rows))


async def form_picked(
    query: CallbackQuery, callback_data: PrPick, state: FSMContext, session: AsyncSession
) -> None:
    draft = await _draft(state)
    forms = dict(await _forms(session, draft["school_id"]))
    if not callback_data.value.isdigit() or int(callback_data.value) not in forms:
        await query.answer(_("This button is no longer active."), show_alert=True)
        return
    await query.answer()
    draft["form_id"] = int(callback_data.value)
    await state.update_data({KEY: draft})
    await state.set_state(Submitting.topic)
    rows = [_pick(str(label), "topic", code) for code, label in TOPICS.items()]
    if isinstance(query.message, Message):
        await query.message.edit_text(
            f"{query.message.html_text}\n\n→ <b>{escape(forms[int(callback_data.value)])}</b>"
        )
        await query.message.answer(
            _("Step 3 of 6. What is the case about?"), reply_markup=_with_cancel(rows)
        )


async def _pairs(session: AsyncSession, actor: Actor, school_id: int) -> dict[int, str]:
    """The actor's own pairs in the school (a mentor's), or the school's (a curator's)."""
    curated = actor.org_ids(Role.curator) & {school_id}
    found = await programmes_for(session, actor.person_id, curated)
    titles: dict[int, str] = {}
    for programme, role in found:
        if programme.school_id != school_id or role == "mentee":
            continue
        if role is None and not curated:
            continue
        title = await pair_title(session, programme.id)
        if title:
            titles[programme.id] = title
        if len(titles) >= 10:
            break
    return titles


async def topic_picked(
    query: CallbackQuery,
    callback_data: PrPick,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
) -> None:
    if callback_data.value not in TOPICS:
        await query.answer(_("This button is no longer active."), show_alert=True)
        return
    await query.answer()
    draft = await _draft(state)
    draft["topic"] = callback_data.value
    await state.update_data({KEY: draft})
    message = query.message
    if not isinstance(message, Message):
        return
    await message.edit_text(f"{message.html_text}\n\n→ <b>{topic_title(callback_data.value)}</b>")
    pairs = await _pairs(session, actor, draft["school_id"])
    if not pairs:
        await _ask_description(message, state)
        return
    await state.set_state(Submitting.pair)
    rows = [_pick(short(title), "pair", pid) for pid, title in pairs.items()]
    rows.append(_pick(_("Skip ▶"), "pair", 0))
    await message.answer(
        _("Step 4 of 6. Which pair or group is the case about? You may skip this."),
        reply_markup=_with_cancel(rows),
    )


async def pair_picked(
    query: CallbackQuery,
    callback_data: PrPick,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
) -> None:
    draft = await _draft(state)
    pairs = await _pairs(session, actor, draft["school_id"])
    value = int(callback_data.value) if callback_data.value.isdigit() else -1
    if value != 0 and value not in pairs:
        await query.answer(_("This button is no longer active."), show_alert=True)
        return
    await query.answer()
    draft["programme_id"] = value or None
    await state.update_data({KEY: draft})
    if isinstance(query.message, Message):
        chosen = pairs.get(value) or _("no pair")
        await query.message.edit_text(f"{query.message.html_text}\n\n→ <b>{escape(chosen)}</b>")
        await _ask_description(query.message, state)


async def _ask_description(message: Message, state: FSMContext) -> None:
    await state.set_state(Submitting.description)
    low, high = practices.DESCRIPTION_LENGTH
    await message.answer(
        ngettext(
            "Step 5 of 6. Describe the case ({min}–{max} character): the difficulty, what the "
            "pair did, and the result.",
            "Step 5 of 6. Describe the case ({min}–{max} characters): the difficulty, what the "
            "pair did, and the result.",
            high,
        ).format(min=low, max=high),
        reply_markup=_with_cancel([]),
    )


def _files(count: int) -> str:
    return ngettext("up to {count} file", "up to {count} files", count).format(count=count)


def _links(count: int) -> str:
    return ngettext("up to {count} link", "up to {count} links", count).format(count=count)


def _done_markup() -> Any:

    return _with_cancel([_pick(_("Done ▶"), "done")])


async def description_typed(message: Message, state: FSMContext) -> None:
    text = (message.text or "").strip()
    if not practices.DESCRIPTION_LENGTH[0] <= len(text) <= practices.DESCRIPTION_LENGTH[1]:
        await message.answer(_length_error(practices.DESCRIPTION_LENGTH, len(text)))
        return
    draft = await _draft(state)
    draft["description"] = text
    await state.update_data({KEY: draft})
    await state.set_state(Submitting.attachments)
    await message.answer(
        _(
            "Step 6 of 6. Send files, photos or links (one a message): {files} and {links}. "
            "Tap «Done» when finished, or at once if there are none."
        ).format(files=_files(practices.MAX_FILES), links=_links(practices.MAX_LINKS)),
        reply_markup=_done_markup(),
    )


async def attachment_sent(message: Message, state: FSMContext) -> None:
    draft = await _draft(state)
    files, links = list(draft.get("files") or []), list(draft.get("links") or [])
    if message.document or message.photo:
        if len(files) >= practices.MAX_FILES:
            await message.answer(
                _("A case holds {files}.").format(files=_files(practices.MAX_FILES)),
                reply_markup=_done_markup(),
            )
            return
        if message.document:
            name = message.document.file_name or _("document")
            files.append({"file_id": message.document.file_id, "name": name, "kind": "document"})
        else:
            assert message.photo
            files.append({"file_id": message.photo[-1].file_id, "name": "", "kind": "photo"})
    else:
        words = (message.text or "").split()
        if not words or not all(valid_link(word) for word in words):
            await message.answer(
                _(
                    "Send a file, a photo or a link starting with http:// or https://; "
                    "or tap «Done»."
                ),
                reply_markup=_done_markup(),
            )
            return
        if len(links) + len(words) > practices.MAX_LINKS:
            await message.answer(
                _("A case holds {links}.").format(links=_links(practices.MAX_LINKS)),
                reply_markup=_done_markup(),
            )
            return
        links += [word for word in words if word not in links]
    draft.update(files=files, links=links)
    await state.update_data({KEY: draft})
    await message.answer(
        _("Added. Files: {files}, links: {links}. Send more or tap «Done».").format(
            files=len(files), links=len(links)
        ),
        reply_markup=_done_markup(),
    )


async def done_pressed(query: CallbackQuery, state: FSMContext, session: AsyncSession) -> None:
    await query.answer()
    draft = await _draft(state)
    await state.set_state(Submitting.confirm)
    pair = await pair_title(session, draft.get("programme_id"))
    lines = [
        _("Please check the case:"),
        "",
        f"<b>{escape(draft['title'])}</b>",
        _("School: {school}").format(school=escape(await org_name(session, draft["school_id"]))),
        _("Form of mentoring: {form}").format(
            form=escape(await form_name(session, draft["school_id"], draft.get("form_id")))
        ),
        _("Topic: {topic}").format(topic=topic_title(draft.get("topic"))),
        _("Pair: {pair}").format(pair=escape(pair or "—")),
        "",
        escape(draft["description"]),
        "",
        _("Files: {files}, links: {links}.").format(
            files=len(draft["files"]), links=len(draft["links"])
        ),
    ]
    if isinstance(query.message, Message):
        await query.message.edit_reply_markup(reply_markup=None)
        await query.message.answer(
            "\n".join(lines), reply_markup=_with_cancel([_pick(_("✔ Submit"), "submit")])
        )


async def submit_pressed(
    query: CallbackQuery,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    bot: Bot,
    i18n: I18n,
) -> None:
    draft = await _draft(state)
    scope = await bank_scope(session, actor)
    school_id = draft["school_id"]
    forms = dict(await _forms(session, school_id))
    pairs = await _pairs(session, actor, school_id) if draft.get("programme_id") else {}
    if (
        school_id not in scope.submit_schools
        or draft.get("form_id") not in forms
        or (draft.get("programme_id") and draft["programme_id"] not in pairs)
    ):
        await state.clear()
        await query.answer(_("You cannot submit cases for this school."), show_alert=True)
        return
    try:
        practice = await practices.submit(
            session,
            practices.Draft(
                school_id=school_id,
                title=draft["title"],
                form_id=draft["form_id"],
                topic=draft.get("topic"),
                description=draft["description"],
                programme_id=draft.get("programme_id"),
                links=tuple(draft["links"]),
                files=tuple(draft["files"]),
            ),
            actor.person_id,
            clock.now(),
            replaces=draft.get("replaces"),
        )
    except practices.PracticeError:
        await state.clear()
        await query.answer(_("Someone has already decided on this case."), show_alert=True)
        return
    await state.clear()
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.edit_reply_markup(reply_markup=None)
        await query.message.answer(
            _("Submitted. The school's curator will review the case; you will hear the result."),
            reply_markup=markup([[button(_("Open the case"), PrOpen(practice_id=practice.id))]]),
        )
    curators = [c for c in await curators_of(session, school_id) if c[0] != actor.person_id]
    title, author, practice_id = practice.title, actor.full_name or "—", practice.id
    await tell(
        bot,
        i18n,
        curators,
        lambda: _("📚 A new case for the bank: «{title}» from {author}.").format(
            title=escape(title), author=escape(author)
        ),
        lambda: markup(
            [[button(_("Open the case"), PrOpen(practice_id=practice_id, bank=REVIEW))]]
        ),
    )


async def buttons_expected(message: Message) -> None:
    await message.answer(_("Please answer with the buttons under the question."))


def build_router() -> Router:
    router = Router(name="practice_submit")
    allowed = Allowed("practices")
    text = ~F.text.startswith("/")
    router.callback_query.register(new_pressed, PrNew.filter(), allowed)
    picks = {
        "school": (school_picked, Submitting.school),
        "form": (form_picked, Submitting.form),
        "topic": (topic_picked, Submitting.topic),
        "pair": (pair_picked, Submitting.pair),
        "done": (done_pressed, Submitting.attachments),
        "submit": (submit_pressed, Submitting.confirm),
    }
    for what, (handler, step) in picks.items():
        router.callback_query.register(handler, step, PrPick.filter(F.what == what), allowed)
    router.message.register(title_typed, Submitting.title, text, allowed)
    router.message.register(description_typed, Submitting.description, text, allowed)
    router.message.register(attachment_sent, Submitting.attachments, text, allowed)
    waiting = StateFilter(
        Submitting.school, Submitting.form, Submitting.topic, Submitting.pair, Submitting.confirm
    )
    router.message.register(buttons_expected, waiting, text)
    return router
