"""/orgs: the administrator adds regions and municipalities, coordinators add schools; the
administrator and coordinators change the organisations in their care (orgs_edit)."""

from __future__ import annotations

from html import escape
from typing import Any

from aiogram import Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.access import Allowed, managed_orgs
from handlers.forms.engine import start_form
from handlers.forms.fields import Form
from handlers.orgs.edit import may_change_any
from handlers.orgs.edit_common import OrgView
from handlers.orgs.fields import INHERIT, KIND, NAME, ZONE, ZONE_OR_INHERIT
from handlers.ui.labels import level_title
from storage.clock import Clock
from storage.models.enums import OrgLevel
from storage.models.orgs import Organization
from storage.orgs.scope import OrgError, create_organization
from storage.people.actor import Actor

FORMS = {
    OrgLevel.region: Form("org_region", (NAME, ZONE)),
    OrgLevel.municipality: Form("org_municipality", (NAME, ZONE_OR_INHERIT)),
    OrgLevel.school: Form("org_school", (NAME, KIND, ZONE_OR_INHERIT)),
}
PARENT_LEVEL = {OrgLevel.municipality: OrgLevel.region, OrgLevel.school: OrgLevel.municipality}


class NewOrg(CallbackData, prefix="org_n"):
    level: OrgLevel
    parent_id: int = 0


async def _parents(session: AsyncSession, actor: Actor, level: OrgLevel) -> list[Organization]:
    """Where the actor may add an organisation of `level`."""
    parent_level = PARENT_LEVEL[level]
    query = select(Organization).where(Organization.level == parent_level)
    scope = await managed_orgs(session, actor)
    if scope is not None:
        query = query.where(Organization.id.in_(scope))
    return list((await session.scalars(query.order_by(Organization.name))).all())


async def _may_add(session: AsyncSession, actor: Actor, level: OrgLevel) -> bool:
    if level == OrgLevel.region:
        return actor.is_admin
    # A regional coordinator's scope holds its region, so it may add municipalities;
    # a municipal coordinator's holds no region, so it adds schools only.
    return bool(await _parents(session, actor, level))


async def orgs_requested(message: Message, session: AsyncSession, actor: Actor) -> None:
    scope = await managed_orgs(session, actor)
    schools = (
        select(Organization.parent_id, func.count().label("n"))
        .where(Organization.level == OrgLevel.school)
        .group_by(Organization.parent_id)
        .subquery()
    )
    query = (
        select(Organization, func.coalesce(schools.c.n, 0))
        .outerjoin(schools, schools.c.parent_id == Organization.id)
        .where(Organization.level != OrgLevel.school)
        .order_by(Organization.level.desc(), Organization.name)
    )
    if scope is not None:
        query = query.where(Organization.id.in_(scope))
    rows = (await session.execute(query)).all()
    lines = [_("Organisations you manage:")] if rows else [_("There are no organisations yet.")]
    for org, school_count in rows:
        if org.level == OrgLevel.region:
            lines.append(f"\n<b>{escape(org.name)}</b>")
        else:
            lines.append(
                _("• {name}: schools {count}").format(name=escape(org.name), count=school_count)
            )
    buttons = []
    for level, title in (
        (OrgLevel.region, _("+ Region")),
        (OrgLevel.municipality, _("+ Municipality")),
        (OrgLevel.school, _("+ School")),
    ):
        if await _may_add(session, actor, level):
            buttons.append(
                InlineKeyboardButton(text=title, callback_data=NewOrg(level=level).pack())
            )
    rows = [buttons]
    if await may_change_any(session, actor):
        rows.append(
            [
                InlineKeyboardButton(
                    text=_("✎ Change an organisation"), callback_data=OrgView().pack()
                )
            ]
        )
    await message.answer("\n".join(lines), reply_markup=InlineKeyboardMarkup(inline_keyboard=rows))


async def add_pressed(
    query: CallbackQuery,
    callback_data: NewOrg,
    session: AsyncSession,
    actor: Actor,
    state: FSMContext,
) -> None:
    level = callback_data.level
    if not await _may_add(session, actor, level):
        await query.answer(_("You cannot add organisations here."), show_alert=True)
        return
    message = query.message
    assert isinstance(message, Message)
    parent_id = callback_data.parent_id or None
    if level != OrgLevel.region:
        parents = await _parents(session, actor, level)
        if parent_id is None and len(parents) > 1:
            await query.answer()
            rows = [
                [
                    InlineKeyboardButton(
                        text=p.name, callback_data=NewOrg(level=level, parent_id=p.id).pack()
                    )
                ]
                for p in parents[:40]
            ]
            await message.answer(
                _("Where does the new {level} belong?").format(level=level_title(level)),
                reply_markup=InlineKeyboardMarkup(inline_keyboard=rows),
            )
            return
        parent_id = parent_id or parents[0].id
        if parent_id not in {p.id for p in parents}:
            await query.answer(_("You cannot add organisations here."), show_alert=True)
            return
    await query.answer()
    await start_form(message, state, FORMS[level], {"level": level.value, "parent_id": parent_id})


async def org_submitted(
    query: CallbackQuery, answers: dict[str, Any], context: dict[str, Any], data: dict[str, Any]
) -> None:
    session: AsyncSession = data["session"]
    actor: Actor = data["actor"]
    clock: Clock = data["clock"]
    state: FSMContext = data["state"]
    level = OrgLevel(context["level"])
    message = query.message
    assert isinstance(message, Message)
    # Scope may have changed since the form started; check again before writing.
    parent_id = context["parent_id"]
    allowed = (
        actor.is_admin
        if level == OrgLevel.region
        else parent_id in {p.id for p in await _parents(session, actor, level)}
    )
    if not allowed:
        await state.clear()
        await query.answer(_("You cannot add organisations here."), show_alert=True)
        return
    zone = answers.get("timezone")
    try:
        org = await create_organization(
            session,
            level=level,
            name=answers["name"],
            now=clock.now(),
            parent_id=parent_id,
            school_kind=answers.get("school_kind"),
            timezone=None if zone == INHERIT else zone,
        )
    except OrgError as error:
        await query.answer()
        if str(error) == "duplicate":
            await message.answer(_("An organisation with this name already exists there."))
        else:
            await message.answer(_("The organisation could not be added: check the name."))
        await state.clear()
        return
    await state.clear()
    await query.answer()
    await message.answer(
        _("Added: {level} «{name}». Send /invite to invite its {role}.").format(
            level=level_title(level),
            name=escape(org.name),
            role=_("curator") if level == OrgLevel.school else _("coordinator"),
        )
    )


# The forms this conversation runs through the engine (see handlers.engine_forms).
ENGINE_FORMS = {form.name: (form, org_submitted) for form in FORMS.values()}


def build_router() -> Router:
    router = Router(name="orgs")
    allowed = Allowed("orgs")
    router.message.register(orgs_requested, Command("orgs"), allowed)
    router.callback_query.register(add_pressed, NewOrg.filter(), allowed)
    return router
