"""Updates per second through the full bot stack and through a bare aiogram dispatcher.

Both dispatchers get the same mix of updates from many simulated people and answer through
the same in-process fake Bot API (tests/fakebot), so the gap between the two figures is what
our middlewares, the database and the SQL FSM storage cost. Only `feed_update` is timed:
updates are generated and parsed beforehand. The last line is meant for scripts:

    dispatch: full=<upd/s> bare=<upd/s> ratio=<full/bare>

Run from the repository root: `python bench/dispatch.py [--quick] [--concurrency 16]`.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import platform
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import AsyncExitStack
from dataclasses import dataclass
from html import escape
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

# `python bench/dispatch.py` puts bench/ on sys.path, not the repository root, and the fake
# Bot API lives in tests/, which is not part of the installed package.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import aiogram
import sqlalchemy
from aiogram import Bot, Dispatcher, Router
from aiogram.client.default import DefaultBotProperties
from aiogram.enums import ParseMode
from aiogram.filters import Command, CommandStart, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import (
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
)
from sqlalchemy.engine import make_url

from bot.factory import build_app, build_bot
from handlers.feedback import FeedbackForm, Step, StepChosen, Topic, TopicChosen
from handlers.system.cancel import CancelFlow
from storage.clock import SystemClock
from storage.db import Database
from storage.migrate import upgrade_to_head
from storage.settings import Settings
from tests.fakebot.core import FakeTelegram
from tests.fakebot.session import FakeSession

TOKEN = "42:TEST-token"
FIRST_USER_ID = 5_000_001
NAMES = ("Мария", "Алексей", "Ольга", "Дмитрий", "Анна", "Сергей", "Elena", "Ivan")

# One person's round trip through the bot, repeated: commands that only answer, free text
# that falls through to the fallback, and a /feedback conversation whose steps read and
# write the FSM storage (set state, update data, clear on /cancel). Ending on /cancel
# leaves nobody half-way, so a reused --database-url starts the next run from the same state.
STEPS = ("start", "help", "chat", "feedback", "topic", "text", "cancel")
SENT_TEXT = {
    "start": "/start",
    "help": "/help",
    "chat": "Добрый день! Когда следующая встреча с наставником?",
    "feedback": "/feedback",
    "text": "Не открывается форма ежемесячного отчёта на телефоне.",
    "cancel": "/cancel",
}
TOPIC_DATA = TopicChosen(topic=Topic.question).pack()

# Updates one person may send before the throttle drops the rest. Every person sends one
# update per round of --users updates, which on a fast machine is far quicker than the
# production limit allows, and throttled updates skip their handlers: the figure would measure
# the throttle's shortcut. So the limit is put out of reach; the middleware still does its
# per-person bookkeeping on every event, and that cost is counted.
THROTTLE_OUT_OF_REACH = 1_000_000_000


# The bare baseline: the same replies, keyboards and FSM steps as handlers/, in English and
# without i18n, middlewares or a database.

QUESTION = "What would you like to tell the administrators about?"
TOPIC_TITLES = {
    Topic.problem: "Something does not work",
    Topic.question: "A question",
    Topic.idea: "A suggestion",
}


def topics_keyboard() -> InlineKeyboardMarkup:
    rows = [
        [InlineKeyboardButton(text=TOPIC_TITLES[t], callback_data=TopicChosen(topic=t).pack())]
        for t in Topic
    ]
    return with_cancel(*rows)


def with_cancel(*rows: list[InlineKeyboardButton]) -> InlineKeyboardMarkup:
    cancel = InlineKeyboardButton(text="✖ Cancel", callback_data=CancelFlow().pack())
    return InlineKeyboardMarkup(inline_keyboard=[*rows, [cancel]])


def step_button(text: str, step: Step) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=StepChosen(step=step).pack())


async def bare_start(message: Message) -> None:
    name = message.from_user.first_name if message.from_user else ""
    await message.answer(
        f"Hello, {escape(name)}! I am the mentoring assistant of your school.\n\n"
        "Mentors and mentees log meetings and answer the monitoring questionnaires here; "
        "curators and coordinators get summaries and reports.\n\n"
        "Send /help to see what I can do."
    )


async def bare_help(message: Message) -> None:
    await message.answer(
        "What I can do:\n/start — greeting\n/help — this list\n"
        "/language — choose the language of the interface\n"
        "/feedback — write to the administrators of the bot\n"
        "/cancel — stop the current action; what you have already saved stays"
    )


async def bare_cancel(message: Message, state: FSMContext) -> None:
    if await state.get_state() is None:
        await message.answer("There is nothing to cancel. Send /help to see what I can do.")
        return
    await state.clear()
    await message.answer("Cancelled; the unfinished action was discarded.")


async def bare_feedback(message: Message, state: FSMContext) -> None:
    await state.clear()
    await state.set_state(FeedbackForm.topic)
    await message.answer(QUESTION, reply_markup=topics_keyboard())


async def bare_topic(query: CallbackQuery, callback_data: TopicChosen, state: FSMContext) -> None:
    await state.update_data(topic=callback_data.topic.value)
    await state.set_state(FeedbackForm.text)
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.edit_text(
            f"Topic: {TOPIC_TITLES[callback_data.topic]}.\n"
            "Now write your message in one text (5–2000 characters).",
            reply_markup=with_cancel([step_button("◀ Back", Step.back)]),
        )


async def bare_text(message: Message, state: FSMContext) -> None:
    text = (message.text or "").strip()
    await state.update_data(text=text)
    await state.set_state(FeedbackForm.confirm)
    data = await state.get_data()
    await message.answer(
        f"Please check your message:\n\n<b>{TOPIC_TITLES[Topic(data['topic'])]}</b>\n"
        f"{escape(text)}",
        reply_markup=with_cancel([step_button("Send", Step.send), step_button("Edit", Step.edit)]),
    )


async def bare_other(message: Message) -> None:
    await message.answer("I did not understand. Send /help to see what I can do.")


def bare_router() -> Router:
    router = Router(name="bare")
    router.message.register(bare_cancel, Command("cancel"))
    router.message.register(bare_start, CommandStart())
    router.message.register(bare_help, Command("help"))
    router.message.register(bare_feedback, Command("feedback"))
    router.callback_query.register(bare_topic, FeedbackForm.topic, TopicChosen.filter())
    router.message.register(bare_text, StateFilter(FeedbackForm.text, FeedbackForm.confirm))
    router.message.register(bare_other)
    return router


# The two stacks.


@dataclass
class Stack:
    name: str
    dispatcher: Dispatcher
    bot: Bot
    tg: FakeTelegram


async def full_stack(exits: AsyncExitStack, database_url: str, first_update_id: int) -> Stack:
    settings = Settings(
        _env_file=None,
        bot_token=TOKEN,
        database_url=database_url,
        redis_url=None,  # so build_app picks the SQL FSM storage
        admin_ids=frozenset(),
        throttle_rate=THROTTLE_OUT_OF_REACH,
    )
    database = Database(database_url)
    exits.push_async_callback(database.dispose)
    await upgrade_to_head(database.engine)
    app = build_app(settings, database, SystemClock())
    tg = FakeTelegram(token=TOKEN, first_update_id=first_update_id)
    bot = build_bot(settings, session=FakeSession(tg))
    exits.push_async_callback(bot.session.close)
    return Stack("full", app.dispatcher, bot, tg)


async def bare_stack(exits: AsyncExitStack, first_update_id: int) -> Stack:
    dispatcher = Dispatcher()  # MemoryStorage, no middlewares
    dispatcher.include_router(bare_router())
    tg = FakeTelegram(token=TOKEN, first_update_id=first_update_id)
    # HTML by default as in build_bot, so the fake renders the same markup for both.
    bot = Bot(
        token=TOKEN,
        session=FakeSession(tg),
        default=DefaultBotProperties(parse_mode=ParseMode.HTML),
    )
    exits.push_async_callback(bot.session.close)
    exits.push_async_callback(dispatcher.storage.close)
    return Stack("bare", dispatcher, bot, tg)


# The workload.


def script(total: int, user_ids: list[int]) -> Iterator[tuple[int, str]]:
    """(person, step) in arrival order: round-robin over people, one step per round.

    Neighbouring updates come from different people, as on a busy bot, and a batch of up to
    len(user_ids) updates never holds two steps of one person, whose order matters.
    """
    for index in range(total):
        round_, slot = divmod(index, len(user_ids))
        yield user_ids[slot], STEPS[round_ % len(STEPS)]


async def make_updates(stack: Stack, total: int, user_ids: list[int]) -> list[Update]:
    tg, bot = stack.tg, stack.bot
    for number, user_id in enumerate(user_ids):
        tg.user(user_id, first_name=NAMES[number % len(NAMES)], language_code="ru")
    updates = []
    for user_id, step in script(total, user_ids):
        user = tg.users[user_id]
        if step == "topic":
            # A tap needs a bot message with the keyboard in the fake's chat, but the reply to
            # /feedback is only sent during the timed run; so an equal message is put there now.
            # One per tap: editing the same message twice to the same text would be refused.
            shown = await bot.send_message(user_id, QUESTION, reply_markup=topics_keyboard())
            raw = user.click(shown.message_id, data=TOPIC_DATA)
        else:
            raw = user.send(SENT_TEXT[step])
        # Taken out of the fake's getUpdates queue at once, which otherwise keeps growing.
        tg.take_update(raw["update_id"])
        updates.append(Update.model_validate(raw, context={"bot": bot}))
    return updates


async def feed(stack: Stack, updates: list[Update], concurrency: int) -> float:
    """Seconds spent in feed_update for all `updates`."""
    feed_update, bot = stack.dispatcher.feed_update, stack.bot
    started = time.perf_counter()
    if concurrency == 1:
        for update in updates:
            await feed_update(bot, update)
    else:
        for start in range(0, len(updates), concurrency):
            batch = updates[start : start + concurrency]
            await asyncio.gather(*(feed_update(bot, update) for update in batch))
    return time.perf_counter() - started


class CountingHandler(logging.Handler):
    """Counts warnings and errors: the full stack's error handler swallows failures, and a
    failing update is cheaper than a handled one, so silence is checked, not assumed."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


def check_same_work(full: Stack, bare: Stack, problems: int) -> list[str]:
    failures = []
    full_calls = Counter(name for name, _ in full.tg.requests)
    bare_calls = Counter(name for name, _ in bare.tg.requests)
    if full_calls != bare_calls:
        failures.append(f"Bot API calls differ: full {dict(full_calls)}, bare {dict(bare_calls)}")
    for stack in (full, bare):
        if set(stack.tg.statuses) - {200}:
            failures.append(f"{stack.name}: Bot API answered {dict(stack.tg.statuses)}")
    if problems:
        failures.append(f"{problems} warnings or errors were logged")
    return failures


# The command line.


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--n",
        type=int,
        help="timed updates per dispatcher (default: 3 cycles of the steps per person, 2 if quick)",
    )
    parser.add_argument("--users", type=int, help="distinct people (default 100; 20 if quick)")
    parser.add_argument(
        "--concurrency",
        type=int,
        default=1,
        help="updates fed at once with asyncio.gather (1 = one after another)",
    )
    parser.add_argument(
        "--database-url",
        help="database for the full stack (default: a fresh SQLite file in a temporary directory)",
    )
    parser.add_argument("--quick", action="store_true", help="a smoke run of a few seconds")
    args = parser.parse_args(argv)
    # By default every person goes through whole cycles of STEPS, so each step weighs the
    # same; 3 cycles of 100 people take about half a minute on 2 cores.
    if args.users is None:
        args.users = 20 if args.quick else 100
    if args.n is None:
        args.n = (2 if args.quick else 3) * len(STEPS) * args.users
    if args.n < 1 or args.users < 1 or args.concurrency < 1:
        parser.error("--n, --users and --concurrency must be positive")
    if args.concurrency > args.users:
        parser.error("--concurrency must not exceed --users: one person's steps are sequential")
    return args


def driver_version(url: str) -> str:
    driver = make_url(url).get_driver_name()
    try:
        return f"{driver} {version(driver)}"
    except PackageNotFoundError:
        return driver


async def run(args: argparse.Namespace, database_url: str, backend: str) -> int:
    print(
        f"machine: {os.cpu_count()} CPUs, {platform.system()} {platform.machine()}, "
        f"Python {platform.python_version()}"
    )
    print(
        f"versions: aiogram {aiogram.__version__}, SQLAlchemy {sqlalchemy.__version__}, "
        f"{driver_version(database_url)}"
    )
    print(f"backend: {backend}")
    # Every person's first update (/start, creating their row) is warm-up, so the timed part
    # is the steady state and does not depend on --users; it also fills caches and the pool.
    warmup = args.users
    print(
        f"workload: n={args.n} timed updates (+{warmup} warm-up) from {args.users} people, "
        f"concurrency={args.concurrency}; per person in turn: {', '.join(STEPS)}"
    )

    # Time-based ids never repeat on a reused --database-url, where the full stack would
    # drop an update id it has seen as a redelivery.
    first_update_id = time.time_ns() // 1000
    user_ids = list(range(FIRST_USER_ID, FIRST_USER_ID + args.users))
    problems = CountingHandler()
    logging.getLogger().addHandler(problems)

    rates: dict[str, float] = {}
    async with AsyncExitStack() as exits:
        stacks = [
            await full_stack(exits, database_url, first_update_id),
            await bare_stack(exits, first_update_id),
        ]
        for stack in stacks:
            updates = await make_updates(stack, warmup + args.n, user_ids)
            await feed(stack, updates[:warmup], args.concurrency)
            elapsed = await feed(stack, updates[warmup:], args.concurrency)
            rates[stack.name] = args.n / elapsed
            print(
                f"{stack.name}: {args.n} updates in {elapsed:.2f} s, "
                f"{elapsed / args.n * 1000:.3f} ms per update"
            )
        failures = check_same_work(stacks[0], stacks[1], problems.count)

    if failures:
        # Figures from stacks that did different work would compare nothing.
        for failure in failures:
            print(f"error: {failure}", file=sys.stderr)
        return 1
    full, bare = rates["full"], rates["bare"]
    print(f"dispatch: full={full:.1f} bare={bare:.1f} ratio={full / bare:.2f}")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # Warnings and errors only: aiogram logs every handled update at INFO, which is not
    # what is being measured.
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if args.database_url:
        url = make_url(args.database_url)
        backend = f"{url.get_backend_name()} ({url.render_as_string(hide_password=True)})"
        return asyncio.run(run(args, args.database_url, backend))
    with tempfile.TemporaryDirectory(prefix="bench-dispatch-") as directory:
        database_url = f"sqlite+aiosqlite:///{directory}/bench.sqlite3"
        backend = "sqlite (a fresh file in a temporary directory, WAL)"
        return asyncio.run(run(args, database_url, backend))


if __name__ == "__main__":
    sys.exit(main())
