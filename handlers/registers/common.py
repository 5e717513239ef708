"""What the /import screens share: callback data, the schools one may import into, links."""

from __future__ import annotations

from aiogram import Bot
from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.enums import OrgLevel, Role
from storage.models.orgs import Organization
from storage.orgs.scope import descendants
from storage.people.actor import Actor


class ImportSchool(CallbackData, prefix="rg_s"):
    school_id: int
    page: int = -1  # ≥ 0: a page of the school picker, not a choice


class ImportAct(CallbackData, prefix="rg_a"):
    action: str  # apply, cancel


class PendingPage(CallbackData, prefix="rg_l"):
    school_id: int
    page: int = 0


class PendingCard(CallbackData, prefix="rg_c"):
    entry_id: int
    page: int = 0


class PendingAct(CallbackData, prefix="rg_e"):
    entry_id: int
    action: str  # renew, delete, erase (the confirmed delete)
    page: int = 0


class PendingFiles(CallbackData, prefix="rg_f"):
    school_id: int
    kind: str  # xlsx, docx


class TemplateAsked(CallbackData, prefix="rg_t"):
    pass


class RemindOpened(CallbackData, prefix="rg_r"):
    school_id: int


class JoinConsent(CallbackData, prefix="rg_j"):
    agree: bool


def button(text: str, data: CallbackData) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=data.pack())


def curated(actor: Actor) -> set[int]:
    """Schools whose pending people the actor sees: their own curated schools only."""
    return actor.org_ids(Role.curator)


async def import_schools(session: AsyncSession, actor: Actor) -> list[Organization]:
    """Schools the actor may import into: curated ones, and every school below a
    coordinator's municipality or region."""
    ids = curated(actor) | await descendants(session, actor.org_ids(Role.coordinator))
    if not ids:
        return []
    rows = await session.scalars(
        select(Organization)
        .where(Organization.id.in_(ids), Organization.level == OrgLevel.school)
        .order_by(Organization.name, Organization.id)
    )
    return list(rows.all())


async def personal_link(bot: Bot, code: str) -> str:
    me = await bot.me()
    return f"https://t.me/{me.username}?start={code}"
