"""/orgs → «✎ Change»: the organisations in one's care, a card for each, and the question
for the new value of the field chosen. The value and its confirmation: orgs_edit_value.
"""

from __future__ import annotations

from datetime import datetime
from html import escape

from aiogram import Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.access import Allowed, orgs_below, within
from handlers.forms.fields import Field
from handlers.orgs.edit_common import (
    EDIT_KEY,
    OrgEditing,
    OrgField,
    OrgValue,
    OrgView,
    button,
    editable_fields,
    field_of,
    org_in_care,
)
from handlers.orgs.fields import INHERIT, KIND, zone_title
from handlers.system.cancel import cancel_button
from handlers.ui.dates import local_datetime
from handlers.ui.labels import level_title
from handlers.ui.paging import paged
from handlers.ui.screens import replace_screen
from storage.clock import Clock
from storage.models.enums import OrgLevel, Role
from storage.models.orgs import Organization
from storage.orgs.changes import recent_changes
from storage.orgs.scope import effective_timezone
from storage.people.actor import Actor
from storage.settings import Settings


async def may_change_any(session: AsyncSession, actor: Actor) -> bool:
    scope = await orgs_below(session, actor)
    if scope is None:
        return bool(await session.scalar(select(func.count()).select_from(Organization)))
    return bool(scope)


async def _top(session: AsyncSession, actor: Actor) -> list[Organization]:
    """Where the actor's care starts: the regions for the administrator, the organisations
    right below the coordinated ones for a coordinator."""
    query = select(Organization).order_by(Organization.name)
    if actor.is_admin:
        query = query.where(Organization.parent_id.is_(None))
    else:
        query = query.where(Organization.parent_id.in_(actor.org_ids(Role.coordinator)))
    return list((await session.scalars(query)).all())


def _org_buttons(orgs: list[Organization], page: int, turn) -> list[list[InlineKeyboardButton]]:
    return paged([button(org.name, OrgView(org_id=org.id)) for org in orgs], page, turn)


async def render_top(
    session: AsyncSession, actor: Actor, page: int
) -> tuple[str, InlineKeyboardMarkup]:
    orgs = await _top(session, actor)
    text = (
        _("Which organisation do you want to change?")
        if orgs
        else _("There is no organisation you can change yet.")
    )
    rows = _org_buttons(orgs, page, lambda p: OrgView(org_id=0, page=p))
    return text, InlineKeyboardMarkup(inline_keyboard=rows)


def value_text(key: str, value: str | None, inherited: str, now: datetime) -> str:
    """How a field's stored value reads; an empty zone is the one inherited from above."""
    if key == "timezone":
        if value is None:
            return _("as above: {zone}").format(zone=zone_title(inherited, now))
        return zone_title(value, now)
    if key == "school_kind":
        return KIND.label_of(value) if value else "—"
    return value or "—"


async def inherited_zone(session: AsyncSession, org: Organization, settings: Settings) -> str:
    """The zone the organisation would have without its own: the one above it."""
    if org.parent_id is None:
        return settings.default_timezone
    return await effective_timezone(session, org.parent_id, settings.default_timezone)


async def render_card(
    session: AsyncSession,
    actor: Actor,
    settings: Settings,
    clock: Clock,
    org: Organization,
    page: int,
) -> tuple[str, InlineKeyboardMarkup]:
    now = clock.now()
    scope = await orgs_below(session, actor)
    above = await session.get(Organization, org.parent_id) if org.parent_id else None
    inherited = await inherited_zone(session, org, settings)
    kind = (
        _("Kind: {kind}").format(kind=KIND.label_of(org.school_kind))
        if org.school_kind
        else level_title(org.level).capitalize()
    )
    lines = [f"<b>{escape(org.name)}</b>", kind]
    if above is not None:
        lines.append(_("Above: «{name}»").format(name=escape(above.name)))
    lines.append(
        _("Time zone: {zone}").format(zone=value_text("timezone", org.timezone, inherited, now))
    )
    children = list(
        (
            await session.scalars(
                select(Organization)
                .where(Organization.parent_id == org.id)
                .order_by(Organization.name)
            )
        ).all()
    )
    if org.level != OrgLevel.school:
        lines.append(_("Below: {count}").format(count=len(children)))
    history = await recent_changes(session, org.id)
    if history:
        lines += ["", _("Recent changes:")]
        zone = await effective_timezone(session, org.id, settings.default_timezone)
        for change in history:
            field = field_of(org, change.field)
            lines.append(
                _("• {when} — {who}: {field}, {old} → {new}").format(
                    when=local_datetime(change.changed_at, zone),
                    who=escape(change.person_name or _("(name erased)")),
                    field=field.label if field is not None else change.field,
                    old=escape(value_text(change.field, change.old, inherited, now)),
                    new=escape(value_text(change.field, change.new, inherited, now)),
                )
            )
    rows = [
        [
            button(
                _("✎ {field}").format(field=field.label), OrgField(org_id=org.id, field=field.key)
            )
            for field in editable_fields(org)
        ]
    ]
    rows += _org_buttons(children, page, lambda p: OrgView(org_id=org.id, page=p))
    back = above.id if above is not None and within(scope, above.id) else 0
    rows.append([button(_("◀ Back"), OrgView(org_id=back))])
    return "\n".join(lines), InlineKeyboardMarkup(inline_keyboard=rows)


async def _leave_editing(state: FSMContext) -> None:
    """Browsing away from a change under way drops it."""
    if await state.get_state() in (OrgEditing.value.state, OrgEditing.confirming.state):
        await state.set_state(None)
        await state.update_data({EDIT_KEY: None})


async def view_pressed(
    query: CallbackQuery,
    callback_data: OrgView,
    session: AsyncSession,
    actor: Actor,
    settings: Settings,
    clock: Clock,
    state: FSMContext,
) -> None:
    if callback_data.org_id == 0:
        text, markup = await render_top(session, actor, callback_data.page)
    else:
        org = await org_in_care(session, actor, callback_data.org_id, query)
        if org is None:
            return
        text, markup = await render_card(session, actor, settings, clock, org, callback_data.page)
    await _leave_editing(state)
    await query.answer()
    if isinstance(query.message, Message):
        await replace_screen(query.message, text, markup)


def value_keyboard(field: Field, org: Organization) -> InlineKeyboardMarkup:
    choices = field.choices
    if field.key == "timezone" and org.timezone is None:
        choices = tuple(c for c in choices if c.value != INHERIT)  # it inherits already
    rows = [[button(str(choice.label), OrgValue(value=choice.value))] for choice in choices]
    rows.append([button(_("◀ Back"), OrgView(org_id=org.id)), cancel_button()])
    return InlineKeyboardMarkup(inline_keyboard=rows)


async def field_pressed(
    query: CallbackQuery,
    callback_data: OrgField,
    session: AsyncSession,
    actor: Actor,
    settings: Settings,
    clock: Clock,
    state: FSMContext,
) -> None:
    org = await org_in_care(session, actor, callback_data.org_id, query)
    if org is None:
        return
    field = field_of(org, callback_data.field)
    if field is None:
        await query.answer(_("This button is no longer active."), show_alert=True)
        return
    inherited = await inherited_zone(session, org, settings)
    current = value_text(field.key, getattr(org, field.key), inherited, clock.now())
    text = _("«{name}» — {field}: {current}").format(
        name=escape(org.name), field=field.label, current=escape(current)
    )
    text += f"\n\n{field.prompt}"
    if field.hint:
        text += f"\n<i>{field.hint}</i>"
    await state.set_state(OrgEditing.value)
    await state.update_data({EDIT_KEY: {"org_id": org.id, "field": field.key}})
    await query.answer()
    if isinstance(query.message, Message):
        await replace_screen(query.message, text, value_keyboard(field, org))


def build_router() -> Router:
    router = Router(name="orgs_edit")
    allowed = Allowed("orgs")
    router.callback_query.register(view_pressed, OrgView.filter(), allowed)
    router.callback_query.register(field_pressed, OrgField.filter(), allowed)
    return router
