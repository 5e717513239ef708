"""Messages to the administrators."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Feedback


async def save_feedback(
    session: AsyncSession, person_id: int, topic: str, text: str, now: datetime
) -> Feedback:
    feedback = Feedback(person_id=person_id, topic=topic, text=text, created_at=now)
    session.add(feedback)
    await session.flush()
    return feedback
