"""What a pupil awaiting the guardian's consent is told instead of «not for your role»."""

from __future__ import annotations

from html import escape

from aiogram.utils.i18n import gettext as _
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.orgs import Organization
from storage.people.actor import Grant


async def waiting_text(session: AsyncSession, grants: list[Grant]) -> str:
    """Why the commands of the role are closed and what opens them; the curator's recording
    of the consent sends the person a message (handlers/people/status.py)."""
    ids = sorted({g.organization_id for g in grants})
    found = await session.scalars(select(Organization.name).where(Organization.id.in_(ids)))
    schools = ", ".join(f"«{escape(name)}»" for name in sorted(found.all()))
    return _(
        "Your registration in {schools} is waiting for the written consent of your parent or "
        "legal representative, which the school's curator records in the bot. Until then the "
        "commands of a participant are closed. As soon as the consent is recorded, you will "
        "get a message here and they will open."
    ).format(schools=schools)
