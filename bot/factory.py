"""The one place that assembles the bot: used by `python -m bot`, the tests and the benchmark."""

from __future__ import annotations

from dataclasses import dataclass

from aiogram import Bot, Dispatcher, F
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.session.base import BaseSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ChatType, ParseMode
from aiogram.fsm.storage.base import BaseEventIsolation, BaseStorage
from aiogram.fsm.storage.memory import SimpleEventIsolation
from aiogram.utils.i18n import I18n

from bot.fsm_storage import SqlStorage
from bot.i18n import ActorI18nMiddleware, build_i18n
from bot.middlewares.commit_before_telegram import CommitBeforeTelegram
from bot.middlewares.database import ClaimUpdateMiddleware, SessionMiddleware
from bot.middlewares.double_tap import DoubleTapMiddleware
from bot.middlewares.fsm import PersonFSMMiddleware
from bot.middlewares.inflight import InFlightMiddleware
from bot.middlewares.retry_after import RetryAfterMiddleware
from bot.middlewares.throttle import ThrottleMiddleware, ThrottleNotice, Timer
from bot.middlewares.unchanged_edits import UnchangedEditIsDone
from bot.routing import GuardedDispatcher, inline_pure_filters
from handlers import engine_forms, get_routers
from storage.clock import Clock, SystemClock
from storage.db import Database
from storage.settings import Settings


@dataclass
class App:
    """What the factory built, for the runner and the tests to hold on to."""

    dispatcher: Dispatcher
    database: Database
    i18n: I18n
    inflight: InFlightMiddleware


def build_bot(settings: Settings, session: BaseSession | None = None) -> Bot:
    if session is None:
        session = AiohttpSession()
        if settings.bot_api_url:
            session.api = TelegramAPIServer.from_base(settings.bot_api_url)
    # Outermost first: a retried request commits again (a no-op) and is checked again.
    session.middleware(RetryAfterMiddleware())
    session.middleware(CommitBeforeTelegram())
    session.middleware(UnchangedEditIsDone())
    return Bot(
        token=settings.bot_token.get_secret_value(),
        session=session,
        default=DefaultBotProperties(parse_mode=ParseMode.HTML),
    )


def build_fsm(
    settings: Settings, database: Database, clock: Clock
) -> tuple[BaseStorage, BaseEventIsolation]:
    if settings.redis_url:
        from aiogram.fsm.storage.base import DefaultKeyBuilder
        from aiogram.fsm.storage.redis import RedisEventIsolation, RedisStorage

        storage = RedisStorage.from_url(
            settings.redis_url, key_builder=DefaultKeyBuilder(with_destiny=True)
        )
        return storage, RedisEventIsolation(storage.redis)
    return SqlStorage(database, clock), SimpleEventIsolation()


def build_app(
    settings: Settings,
    database: Database | None = None,
    clock: Clock | None = None,
    throttle_timer: Timer | None = None,
    **workflow_data: object,
) -> App:
    """Build the dispatcher with every middleware and router; nothing is started here."""
    clock = clock or SystemClock()
    database = database or Database(settings.database_url)
    storage, isolation = build_fsm(settings, database, clock)
    i18n = build_i18n(settings.default_locale)
    inflight = InFlightMiddleware()

    dispatcher = GuardedDispatcher(
        storage=storage,
        events_isolation=isolation,
        # Registered by hand below, after the session middleware (see middlewares/database.py).
        disable_fsm=True,
        settings=settings,
        database=database,
        clock=clock,
        forms=engine_forms(),
        **workflow_data,
    )
    # Groups and channels are not where mentoring happens; they are ignored entirely.
    dispatcher.message.filter(F.chat.type == ChatType.PRIVATE)

    # aiogram's FSM middleware, also loading the person (the Actor) in the state's query.
    dispatcher.fsm = PersonFSMMiddleware(storage, isolation, clock, settings.admin_ids)

    dispatcher.update.outer_middleware(inflight)
    dispatcher.update.outer_middleware(DoubleTapMiddleware())
    # Before the session and the person's lock: an event waiting its turn holds neither.
    dispatcher.update.outer_middleware(
        ThrottleMiddleware(settings.throttle_rate, settings.throttle_window, timer=throttle_timer)
    )
    dispatcher.update.outer_middleware(SessionMiddleware(database))
    dispatcher.update.outer_middleware(dispatcher.fsm)
    dispatcher.update.outer_middleware(ClaimUpdateMiddleware(clock))
    ActorI18nMiddleware(i18n).setup(dispatcher)
    # After i18n: the one refusal a person is told of, in their language.
    dispatcher.message.outer_middleware(ThrottleNotice())
    dispatcher.callback_query.outer_middleware(ThrottleNotice())

    dispatcher.include_routers(*get_routers())
    # Cheaper routing (bot/routing.py): routers that cannot match are skipped, and state and
    # magic filters are checked on the event loop instead of in a thread. In this order: the
    # index reads the filters as registered.
    dispatcher.index_routers()
    inline_pure_filters(dispatcher)
    return App(dispatcher=dispatcher, database=database, i18n=i18n, inflight=inflight)
