"""Cheaper routing: pure synchronous filters are checked inline instead of in a thread.

aiogram runs every filter that is not a coroutine through `asyncio.to_thread`, so a message
that walks past a handler registered with a bare state (`router.message.register(h,
Form.step)`) or a magic filter (`F.text`, `F.chat.type == ...`) pays a round trip to the
default thread pool for a comparison that takes a microsecond. Both kinds only compare values
already in memory, so they are safe to run on the event loop. Other synchronous callables
(a plain function used as a filter may block) keep aiogram's behaviour.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from aiogram import Dispatcher, Router
from aiogram.dispatcher.event.bases import REJECTED, UNHANDLED
from aiogram.dispatcher.event.handler import FilterObject
from aiogram.dispatcher.event.telegram import TelegramEventObserver
from aiogram.filters import Command, StateFilter
from aiogram.filters.callback_data import CallbackQueryFilter
from aiogram.fsm.state import State
from aiogram.types import CallbackQuery, Message, TelegramObject


def inline_pure_filters(router: Router) -> int:
    """Make the router tree's state and magic filters awaitable; returns how many were."""
    changed = 0
    for filter_object in _filters(router):
        if filter_object.awaitable or not _is_pure(filter_object):
            continue
        filter_object.callback = _as_coroutine(filter_object.callback)
        filter_object.awaitable = True
        changed += 1
    return changed


def _filters(router: Router) -> Iterator[FilterObject]:
    for observer in router.observers.values():
        handlers = [observer._handler, *observer.handlers]  # router-level filters first
        for handler in handlers:
            yield from handler.filters or ()
    for sub_router in router.sub_routers:
        yield from _filters(sub_router)


def _is_pure(filter_object: FilterObject) -> bool:
    # FilterObject keeps a magic filter in .magic and its bound `resolve` as the callback.
    return filter_object.magic is not None or isinstance(filter_object.callback, State)


def _as_coroutine(check: Callable[..., Any]) -> Callable[..., Any]:
    async def inline(*args: Any, **kwargs: Any) -> Any:
        return check(*args, **kwargs)

    return inline


# Skipping routers that cannot match.
#
# aiogram offers a message to each router in turn, and each router wraps its middlewares and
# runs every handler's filters, so a /cancel or a free-text reply walks through some twenty
# routers' worth of machinery. Most handlers carry a filter that is cheap to decide from the
# update alone: a command, a conversation state or a callback-data prefix. A router whose
# every handler for the event type carries one that fails is skipped without being entered.
# This only ever skips routers in which no handler could have passed its filters, so the
# handler that runs is the same one aiogram would have chosen.

_ANY = object()  # a handler with no cheap filter: its router is always entered


@dataclass(frozen=True, slots=True)
class _Features:
    """What the cheap filters look at, computed once per event."""

    command: tuple[str, str] | None  # (prefix, command without mention) of a text command
    raw_state: str | None
    callback_data: str | None


@dataclass(frozen=True, slots=True)
class _Need:
    """One cheap necessary condition of a handler's filters."""

    kind: str  # "command", "state" or "callback"
    values: frozenset[Any]
    prefixes: str = ""  # commands: allowed prefix characters; callbacks: the separator
    ignore_case: bool = False

    def met(self, features: _Features) -> bool:
        if self.kind == "state":
            return features.raw_state in self.values
        if self.kind == "command":
            if features.command is None:
                return False
            prefix, name = features.command
            if self.ignore_case:
                name = name.casefold()
            return prefix in self.prefixes and name in self.values
        data = features.callback_data
        return data is not None and data.split(self.prefixes, 1)[0] in self.values


class _Guard:
    """Whether any handler of a router (and of its sub-routers) could pass its filters."""

    def __init__(self, handlers: list[tuple[_Need, ...]] | object) -> None:
        self.handlers = handlers

    def could_match(self, features: _Features) -> bool:
        if self.handlers is _ANY:
            return True
        return any(all(need.met(features) for need in needs) for needs in self.handlers)


def _needs_of(filter_object: FilterObject) -> _Need | None:
    check = filter_object.callback
    if isinstance(check, Command) and all(isinstance(c, str) for c in check.commands):
        return _Need("command", frozenset(check.commands), check.prefix, check.ignore_case)
    if isinstance(check, State) and check.state != "*":
        return _Need("state", frozenset({check.state}))
    if isinstance(check, StateFilter):
        names = []
        for state in check.states:
            if state is None or (isinstance(state, str) and state != "*"):
                names.append(state)
            elif isinstance(state, State) and state.state != "*":
                names.append(state.state)
            else:
                return None  # a whole group or the wildcard: not worth indexing
        return _Need("state", frozenset(names))
    if isinstance(check, CallbackQueryFilter):
        data = check.callback_data
        return _Need("callback", frozenset({data.__prefix__}), data.__separator__)
    return None


def _guard(router: Router, event_type: str) -> _Guard:
    handlers: list[tuple[_Need, ...]] = []
    for each in _tree(router):
        observer = each.observers.get(event_type)
        if observer is None:
            continue
        if len(observer.outer_middleware) or len(observer.middleware):
            return _Guard(_ANY)  # middlewares may act even when nothing matches
        for handler in observer.handlers:
            needs = tuple(need for f in handler.filters or () if (need := _needs_of(f)) is not None)
            if not needs:
                return _Guard(_ANY)
            handlers.append(needs)
    return _Guard(handlers)


def _tree(router: Router) -> Iterator[Router]:
    yield router
    for sub_router in router.sub_routers:
        yield from _tree(sub_router)


def _features(event: Any, raw_state: str | None) -> _Features:
    command = None
    text = getattr(event, "text", None) or getattr(event, "caption", None)
    if isinstance(event, Message) and text:
        first = text.split(maxsplit=1)
        if first:
            command = (first[0][0], first[0][1:].partition("@")[0])
    data = event.data if isinstance(event, CallbackQuery) else None
    return _Features(command, raw_state, data)


GUARDED_EVENTS = ("message", "callback_query")


class GuardedDispatcher(Dispatcher):
    """aiogram's Dispatcher, skipping top-level routers that cannot handle the event.

    Call `index_routers()` once every router is included; until then (and for event types
    other than messages and callback queries) every router is offered every event.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._guards: dict[str, dict[Router, _Guard]] = {}

    def index_routers(self) -> None:
        self._guards = {
            event_type: {router: _guard(router, event_type) for router in self.sub_routers}
            for event_type in GUARDED_EVENTS
        }

    async def _propagate_event(
        self,
        observer: TelegramEventObserver | None,
        update_type: str,
        event: TelegramObject,
        **kwargs: Any,
    ) -> Any:
        # Router._propagate_event of aiogram 3, with the guard consulted before each
        # sub-router is entered.
        response = UNHANDLED
        if observer:
            result, data = await observer.check_root_filters(event, **kwargs)
            if not result:
                return UNHANDLED
            kwargs.update(data)
            response = await observer.trigger(event, **kwargs)
            if response is REJECTED:
                return UNHANDLED
            if response is not UNHANDLED:
                return response

        guards = self._guards.get(update_type)
        features = _features(event, kwargs.get("raw_state")) if guards else None
        for router in self.sub_routers:
            guard = guards.get(router) if guards else None
            if guard is not None and not guard.could_match(features):
                continue
            response = await router.propagate_event(update_type=update_type, event=event, **kwargs)
            if response is not UNHANDLED:
                break
        return response
