"""FakeSession and BotClient: the same fake, driven in-process through a real Dispatcher."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiogram import Bot, Dispatcher, F, Router
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.dispatcher.event.bases import UNHANDLED
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.filters import CommandObject, CommandStart
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    ChatMemberUpdated,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
)

from tests.fakebot import BotClient, FakeSession, FakeTelegram, start_fake_server

TOKEN = "42:TEST"
GO = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="Go", callback_data="go")]])


@pytest.fixture
def tg() -> FakeTelegram:
    return FakeTelegram(TOKEN)


@pytest.fixture
async def bot(tg: FakeTelegram) -> AsyncIterator[Bot]:
    bot = Bot(TOKEN, session=FakeSession(tg))
    yield bot
    await bot.session.close()


def tiny_dispatcher() -> Dispatcher:
    router = Router()
    router.message.filter(F.chat.type == "private")

    @router.message(CommandStart())
    async def start(message: Message, command: CommandObject, greeting: str) -> str:
        code = f" ({command.args})" if command.args else ""
        await message.answer(f"{greeting}, {message.from_user.first_name}{code}", reply_markup=GO)
        return "started"

    @router.callback_query(F.data == "go")
    async def go(query: CallbackQuery) -> str:
        await query.message.edit_text("Done")
        await query.answer("ok")
        return "edited"

    @router.my_chat_member()
    async def membership(event: ChatMemberUpdated) -> str:
        return event.new_chat_member.status

    dispatcher = Dispatcher()
    dispatcher.include_router(router)
    return dispatcher


@pytest.fixture
def client(bot: Bot, tg: FakeTelegram) -> BotClient:
    return BotClient(tiny_dispatcher(), bot, tg, greeting="Hello")


async def test_fake_session_speaks_like_the_http_session(bot: Bot, tg: FakeTelegram):
    user = tg.user(5, first_name="Ann")
    sent = await bot.send_message(5, "<i>Pick</i>", parse_mode="HTML", reply_markup=GO)
    assert (sent.text, sent.chat.first_name) == ("Pick", "Ann")
    assert sent.reply_markup.model_dump() == GO.model_dump()
    assert user.last.buttons == ["Go"]
    document = await bot.send_document(5, BufferedInputFile(b"bytes", filename="f.bin"))
    assert (user.last.file_name, user.last.file_bytes) == ("f.bin", b"bytes")
    assert (await bot.download(document.document.file_id)).read() == b"bytes"

    async with await start_fake_server(tg) as server:
        http = Bot(TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(server.url)))
        await http.send_message(5, "<i>Pick</i>", parse_mode="HTML", reply_markup=GO)
        await http.session.close()
    in_process, over_http = tg.requests_for("sendMessage")
    assert in_process[1] == over_http[1]


async def test_fake_session_maps_errors_like_aiogram(bot: Bot, tg: FakeTelegram):
    user = tg.user(5)
    sent = await bot.send_message(5, "same")
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_text("same", chat_id=5, message_id=sent.message_id)
    tg.fail_next("sendMessage", status=429, retry_after=3)
    with pytest.raises(TelegramRetryAfter) as caught:
        await bot.send_message(5, "x")
    assert caught.value.retry_after == 3
    tg.fail_next(None, status=502)
    with pytest.raises(TelegramServerError, match="Bad Gateway"):
        await bot.get_me()
    user.block_bot()
    with pytest.raises(TelegramForbiddenError):
        await bot.send_message(5, "x")
    stranger = Bot("43:OTHER", session=FakeSession(tg))
    with pytest.raises(TelegramUnauthorizedError):
        await stranger.get_me()


async def test_start_click_and_edit_through_the_dispatcher(client: BotClient, tg: FakeTelegram):
    ann = client.user(5, first_name="Ann")
    assert await ann.send("/start") == "started"
    assert (ann.last.text, ann.last.buttons) == ("Hello, Ann", ["Go"])
    menu = ann.last
    assert await ann.click(menu, text="Go") == "edited"
    assert (menu.text, menu.buttons, len(ann.replies)) == ("Done", [], 1)
    assert tg.requests_for("answerCallbackQuery")[-1][1]["text"] == "ok"
    assert tg.unanswered_callbacks() == []
    with pytest.raises(AssertionError, match="no inline button"):
        await ann.click(menu, text="Go")
    # A stale tap still reaches the bot, whose second identical edit Telegram refuses.
    with pytest.raises(TelegramBadRequest, match="not modified"):
        await client.press(ann, menu, text="Go")


async def test_deep_links_and_unhandled_updates(client: BotClient, tg: FakeTelegram):
    bob = client.user(6, first_name="Bob")
    assert await bob.send("/start INVITE42") == "started"
    assert bob.last.text == "Hello, Bob (INVITE42)"
    assert await bob.send("just chatting") is UNHANDLED
    group_start = {
        "message": {
            "message_id": 1,
            "date": 1_700_000_000,
            "chat": {"id": -100500, "type": "supergroup", "title": "Staff"},
            "from": {"id": 6, "is_bot": False, "first_name": "Bob"},
            "text": "/start",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        }
    }
    assert await client.feed_raw(group_start) is UNHANDLED
    assert tg.sent_to(-100500) == []
    assert await bob.press(bob.last, data="forged") is UNHANDLED


async def test_dispatched_updates_are_not_delivered_again(client: BotClient, tg: FakeTelegram):
    user = client.user(7)
    await user.send("/start")
    assert await user.block_bot() == "kicked"
    status, body = await tg.call(TOKEN, "getUpdates", {"timeout": "0"})
    assert (status, body["result"]) == (200, [])


async def test_a_failing_handler_surfaces_in_the_test(bot: Bot, tg: FakeTelegram):
    router = Router()

    @router.message()
    async def echo(message: Message) -> Any:
        return await message.answer(message.text)

    dispatcher = Dispatcher()
    dispatcher.include_router(router)
    user = BotClient(dispatcher, bot, tg).user(8)
    tg.fail_next("sendMessage", status=500)
    with pytest.raises(TelegramServerError):
        await user.send("hi")
    reply = await user.send("hi again")
    assert reply.text == "hi again" and user.last.text == "hi again"
