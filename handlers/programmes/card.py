"""The programme card: everything the programme says, and the buttons the reader's role allows."""

from __future__ import annotations

from dataclasses import replace
from html import escape

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.programmes.common import (
    Access,
    ProgrammeAction,
    ProgrammeList,
    button,
    programme_access,
    show_date,
)
from handlers.programmes.labels import ITEM_MARKS, field_title, response_title, stage_title
from handlers.ui.labels import role_title
from storage.models.enums import Role
from storage.people.actor import Actor
from storage.programmes.content import ProgrammeView, programme_view, programmes_for

MESSAGE_LIMIT = 4096
# Characters of each long text shown on the card; the compact set is used when the full
# card would not fit into one Telegram message. Editing shows a field in full.
NORMAL = {"text": 500, "title": 150, "comment": 300, "items": 20}
COMPACT = {"text": 150, "title": 50, "comment": 80, "items": 15}


def _cut(value: str | None, limit: int) -> str:
    if not value:
        return "—"
    value = value.strip()
    return escape(value if len(value) <= limit else value[: limit - 1].rstrip() + "…")


def _section(title: str, value: str | None, budget: dict[str, int]) -> list[str]:
    return ["", f"<b>{title}</b>", _cut(value, budget["text"])]


def _bold(text: str) -> str:
    # A separate call, not an f-string: Babel's extractor does not look inside f-strings.
    return f"<b>{text}</b>"


def _content(view: ProgrammeView, budget: dict[str, int]) -> list[str]:
    p = view.programme
    return [
        *_section(field_title("goals"), p.goals, budget),
        *_section(field_title("tasks"), p.tasks, budget),
        "",
        _bold(_("Calendar plan")),
        *_plan_lines(view, budget),
        *_section(field_title("intermediate_results"), p.intermediate_results, budget),
        *_section(field_title("planned_results"), p.planned_results, budget),
    ]


def _plan_lines(view: ProgrammeView, budget: dict[str, int]) -> list[str]:
    if not view.plan:
        return [_("no activities yet")]
    lines = []
    for number, item in enumerate(view.plan[: budget["items"]], 1):
        line = f"{number}. {ITEM_MARKS.get(item.status, '')} {_cut(item.title, budget['title'])}"
        if item.due_on:
            line += " — " + _("by {date}").format(date=show_date(item.due_on))
        lines.append(line)
    hidden = len(view.plan) - budget["items"]
    if hidden > 0:
        lines.append(_("…and {count} more").format(count=hidden))
    return lines


def card_text(view: ProgrammeView, budget: dict[str, int] = NORMAL) -> str:
    p = view.programme
    shape = _("Group") if p.is_group else _("Pair")
    lines = [f"<b>{shape}</b> · «{escape(view.school_name)}»"]
    if p.status == "closed":
        lines.append(_("🔒 The programme is closed."))
    lines.append(_("Form: {name}").format(name=escape(view.form or "—")))
    if view.role_model:
        lines.append(_("Role model: {name}").format(name=escape(view.role_model)))
    if view.kind:
        lines.append(_("Kind: {name}").format(name=escape(view.kind)))
    for member in view.members:
        line = f"• {role_title(member.role)}: {escape(member.name or _('(name erased)'))}"
        if member.response != "accepted":
            line += f" ({response_title(member.response)})"
        lines.append(line)
    lines.append(
        _("Dates: {start} – {end}").format(
            start=show_date(p.starts_on), end=show_date(p.planned_end_on)
        )
    )
    lines.append(_("Stage: {stage}").format(stage=stage_title(p.stage)))
    lines += _content(view, budget)
    if p.status == "closed":
        lines += [
            "",
            _bold(_("Closing")),
            _("Ended on {date}").format(date=show_date(p.ended_on)),
        ]
        lines.append(_("Completed") if p.completed else _("Not completed"))
        lines.append(_("Results: {text}").format(text=_cut(p.results, budget["text"])))
        if p.case_link:
            lines.append(_("Case or review: {link}").format(link=escape(p.case_link)))
    if view.comments:
        lines += ["", _bold(_("Comments"))]
        for comment in view.comments:
            author = escape(comment.author or _("(name erased)"))
            lines.append(
                f"{author}, {show_date(comment.created_at.date())}: "
                f"{_cut(comment.text, budget['comment'])}"
            )
    return "\n".join(lines)


def card_markup(access: Access, listed: bool) -> InlineKeyboardMarkup | None:
    """The buttons the reader's role allows; `listed`: they have other programmes to go to."""
    pid = access.programme.id

    def act(text: str, action: str) -> InlineKeyboardButton:
        return button(text, ProgrammeAction(programme_id=pid, action=action))

    rows: list[list[InlineKeyboardButton]] = []
    if access.edits:
        rows += [
            [act(_("✎ Goals"), "goals"), act(_("✎ Tasks"), "tasks")],
            [act(_("Stage"), "stage")],
            [act(_("+ Plan item"), "plan_add"), act(_("Plan item status"), "plan_status")],
            [act(_("✎ Intermediate results"), "intermediate_results")],
            [act(_("✎ Planned results"), "planned_results")],
        ]
    if access.comments:
        rows.append([act(_("💬 Comment"), "comment")])
    if access.closes:
        rows.append([act(_("Close the programme"), "close")])
    if listed:
        rows.append([button(_("◀ All programmes"), ProgrammeList())])
    return InlineKeyboardMarkup(inline_keyboard=rows) if rows else None


async def show_card(
    message: Message, session: AsyncSession, actor: Actor, programme_id: int, *, edit: bool
) -> bool:
    """Send (or redraw) the card as the actor may see it; False if they may not."""
    access = await programme_access(session, actor, programme_id)
    view = await programme_view(session, programme_id)
    if access is None or view is None:
        return False
    text = card_text(view)
    if len(text) > MESSAGE_LIMIT:
        text = card_text(view, COMPACT)
    if len(text) > MESSAGE_LIMIT:
        view = replace(view, comments=[])
        text = card_text(view, COMPACT)
    shown = await programmes_for(session, actor.person_id, actor.org_ids(Role.curator))
    markup = card_markup(access, listed=len(shown) > 1)
    if edit:
        await message.edit_text(text, reply_markup=markup)
    else:
        await message.answer(text, reply_markup=markup)
    return True
