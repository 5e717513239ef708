"""Telegram tells the bot when a person blocks or unblocks it (my_chat_member updates)."""

from __future__ import annotations

import logging

from aiogram import F, Router
from aiogram.enums import ChatMemberStatus, ChatType
from aiogram.types import ChatMemberUpdated
from sqlalchemy.ext.asyncio import AsyncSession

from storage.clock import Clock
from storage.outbox.queue import mark_blocked, mark_unblocked
from storage.people.actor import Actor

log = logging.getLogger(__name__)


async def membership_changed(
    event: ChatMemberUpdated, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    status = event.new_chat_member.status
    if status == ChatMemberStatus.KICKED:
        # Nothing more is sent to them; their curator sees them as unreachable.
        await mark_blocked(session, actor.person_id, clock.now())
        log.info("person %s blocked the bot", actor.person_id)
    elif status == ChatMemberStatus.MEMBER:
        await mark_unblocked(session, actor.person_id)
        log.info("person %s unblocked the bot", actor.person_id)


def build_router() -> Router:
    router = Router(name="chat_member")
    router.my_chat_member.register(membership_changed, F.chat.type == ChatType.PRIVATE)
    return router
