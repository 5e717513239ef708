"""bot/routing.py may skip a router only when none of its handlers would pass its filters."""

from __future__ import annotations

from aiogram import Bot
from aiogram.types import CallbackQuery, Message

from bot.factory import build_app
from bot.routing import GUARDED_EVENTS, _features, _tree
from storage.people.actor import Actor

USER = {"id": 777, "is_bot": False, "first_name": "Anna"}
CHAT = {"id": 777, "type": "private"}


def message(text: str) -> Message:
    return Message.model_validate(
        {"message_id": 1, "date": 0, "chat": CHAT, "from": USER, "text": text}
    )


def callback(data: str) -> CallbackQuery:
    return CallbackQuery.model_validate(
        {
            "id": "1",
            "from": USER,
            "chat_instance": "1",
            "data": data,
            "message": {"message_id": 1, "date": 0, "chat": CHAT, "text": "screen"},
        }
    )


async def test_a_skipped_router_has_no_handler_that_would_match(settings, database, clock):
    app = build_app(settings, database, clock)
    dispatcher = app.dispatcher
    guards = dispatcher._guards
    assert set(guards) == set(GUARDED_EVENTS)

    # Every command, state and callback prefix any guard knows, and some nobody handles.
    commands, states, prefixes = {"unknown"}, {None, "Nobody:here"}, {"nobody"}
    for by_router in guards.values():
        for guard in by_router.values():
            for needs in guard.handlers if isinstance(guard.handlers, list) else ():
                for need in needs:
                    {"command": commands, "state": states, "callback": prefixes}[need.kind].update(
                        need.values
                    )
    events = {
        "message": [message(f"/{c} arg") for c in commands] + [message("Добрый день")],
        "callback_query": [callback(f"{p}:1:2") for p in prefixes],
    }
    actor = Actor(person_id=1, telegram_id=777, locale="ru", is_admin=True)
    bot = Bot(token="42:TEST-token")
    skipped = 0
    for event_type in GUARDED_EVENTS:
        for event in events[event_type]:
            for raw_state in states:
                features = _features(event, raw_state)
                for router, guard in guards[event_type].items():
                    if guard.could_match(features):
                        continue
                    skipped += 1
                    kwargs = {
                        "bot": bot,
                        "raw_state": raw_state,
                        "actor": actor,
                        "event_from_user": event.from_user,
                        "settings": settings,
                    }
                    for each in _tree(router):
                        for handler in each.observers[event_type].handlers:
                            passed, _ = await handler.check(event, **kwargs)
                            assert not passed, (router.name, event_type, raw_state, event)
    assert skipped > 100, "the guards skip most routers for most events"
    await bot.session.close()
