"""The fake Bot API against a real aiogram Bot over loopback HTTP."""

from __future__ import annotations

import asyncio
import signal
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramConflictError,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.types import (
    BotCommand,
    BotCommandScopeChat,
    BufferedInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
)

from tests.fakebot import FakeServer, FakeTelegram, start_fake_server

TOKEN = "42:TEST"
ROOT = Path(__file__).resolve().parent.parent


def keyboard(*labels: str) -> InlineKeyboardMarkup:
    buttons = [InlineKeyboardButton(text=label, callback_data=f"cb:{label}") for label in labels]
    return InlineKeyboardMarkup(inline_keyboard=[buttons])


@pytest.fixture
def tg() -> FakeTelegram:
    return FakeTelegram(TOKEN)


@pytest.fixture
async def server(tg: FakeTelegram) -> AsyncIterator[FakeServer]:
    async with await start_fake_server(tg) as running:
        yield running


def http_bot(url: str, token: str = TOKEN) -> Bot:
    return Bot(token, session=AiohttpSession(api=TelegramAPIServer.from_base(url)))


@pytest.fixture
async def bot(server: FakeServer) -> AsyncIterator[Bot]:
    bot = http_bot(server.url)
    yield bot
    await bot.session.close()


async def test_get_me_describes_the_bot(bot: Bot):
    me = await bot.get_me()
    assert (me.id, me.is_bot, me.username) == (42, True, "mentor_test_bot")


async def test_a_wrong_token_is_unauthorized(server: FakeServer):
    intruder = http_bot(server.url, token="43:OTHER")
    with pytest.raises(TelegramUnauthorizedError):
        await intruder.get_me()
    await intruder.session.close()


async def test_a_long_poll_returns_as_soon_as_an_update_arrives(bot: Bot, tg: FakeTelegram):
    started = time.monotonic()
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.1)
    assert not poll.done()
    tg.user(5, first_name="Ann").send("hello")
    updates = await asyncio.wait_for(poll, 3)
    assert time.monotonic() - started < 2
    assert [u.message.text for u in updates] == ["hello"]
    assert updates[0].update_id > 1000  # ids start large, like Telegram's


async def test_an_empty_long_poll_waits_its_timeout(bot: Bot):
    started = time.monotonic()
    assert await bot.get_updates(timeout=1) == []
    assert time.monotonic() - started >= 0.9


async def test_offset_confirms_updates_for_good(bot: Bot, tg: FakeTelegram):
    user = tg.user(5)
    first, second = user.send("one")["update_id"], user.send("two")["update_id"]
    assert [u.update_id for u in await bot.get_updates()] == [first, second]
    # Unconfirmed updates come back on the next poll.
    assert [u.update_id for u in await bot.get_updates()] == [first, second]
    assert [u.update_id for u in await bot.get_updates(offset=second)] == [second]
    assert await bot.get_updates(offset=second + 1) == []
    assert await bot.get_updates(offset=first) == []  # confirmed means dropped forever


async def test_a_duplicate_is_delivered_again_even_after_confirmation(bot: Bot, tg: FakeTelegram):
    update_id = tg.user(5).send("once")["update_id"]
    await bot.get_updates()
    assert await bot.get_updates(offset=update_id + 1) == []
    tg.inject_duplicate(update_id)
    again = await bot.get_updates(offset=update_id + 1)
    assert [(u.update_id, u.message.text) for u in again] == [(update_id, "once")]


async def test_a_second_poller_ends_the_first_with_a_conflict(bot: Bot, server: FakeServer):
    other = http_bot(server.url)
    first = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.1)
    second = asyncio.create_task(other.get_updates(timeout=0))
    with pytest.raises(TelegramConflictError):
        await asyncio.wait_for(first, 3)
    assert await second == []
    await other.session.close()


async def test_a_keyboard_message_can_be_clicked_by_text(bot: Bot, tg: FakeTelegram):
    user = tg.user(5, first_name="Ann")
    sent = await bot.send_message(5, "Pick one", reply_markup=keyboard("Yes", "No"))
    assert sent.chat.first_name == "Ann" and sent.from_user.id == 42
    assert user.last.buttons == ["Yes", "No"]
    user.click(user.last, text="No")
    [update] = await bot.get_updates()
    query = update.callback_query
    assert (query.data, query.message.message_id, query.from_user.id) == (
        "cb:No",
        sent.message_id,
        5,
    )
    assert await bot.answer_callback_query(query.id, text="Noted")
    assert tg.callback_answers[query.id]["text"] == "Noted"
    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await bot.answer_callback_query(query.id)
    with pytest.raises(AssertionError, match=r"'Yes', 'cb:Yes'"):
        user.click(user.last, text="Maybe")
    with pytest.raises(AssertionError, match="cannot tap"):
        tg.user(6).click(user.last, text="Yes")


async def test_edits_follow_telegram_rules(bot: Bot, tg: FakeTelegram):
    user = tg.user(5)
    sent = await bot.send_message(5, "Pick", reply_markup=keyboard("A"))
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_text(
            "Pick", chat_id=5, message_id=sent.message_id, reply_markup=keyboard("A")
        )
    with pytest.raises(TelegramBadRequest, match="message to edit not found"):
        await bot.edit_message_text("x", chat_id=5, message_id=sent.message_id + 50)
    await bot.edit_message_text("Picked", chat_id=5, message_id=sent.message_id)
    assert (user.last.text, user.last.buttons) == ("Picked", [])  # no markup means no keyboard
    assert [edit["text"] for edit in user.last.edits] == ["Pick"]
    with pytest.raises(AssertionError, match="none"):
        user.click(sent.message_id, text="A")
    await bot.edit_message_reply_markup(
        chat_id=5, message_id=sent.message_id, reply_markup=keyboard("B")
    )
    assert user.last.buttons == ["B"]
    assert await bot.delete_message(5, sent.message_id)
    assert tg.sent_to(5) == []


async def test_html_is_rendered_and_bad_html_refused(bot: Bot, tg: FakeTelegram):
    tg.user(5)
    await bot.send_message(5, "<b>Hi</b>, &lt;Ann&gt;", parse_mode="HTML")
    assert tg.last(5).text == "Hi, <Ann>"
    assert tg.last(5).entities == [{"type": "bold", "offset": 0, "length": 2}]
    with pytest.raises(TelegramBadRequest, match="can't parse entities"):
        await bot.send_message(5, "1 < 2", parse_mode="HTML")
    with pytest.raises(TelegramBadRequest, match="message text is empty"):
        await bot.send_message(5, " ")


async def test_a_document_upload_keeps_bytes_and_name(bot: Bot, tg: FakeTelegram, server):
    tg.user(5)
    upload = BufferedInputFile(b"report body", filename="report.csv")
    sent = await bot.send_document(5, upload, caption="Weekly")
    stored = tg.last(5)
    assert (stored.kind, stored.file_name, stored.file_bytes, stored.text) == (
        "document",
        "report.csv",
        b"report body",
        "Weekly",
    )
    assert sent.document.file_name == "report.csv" and sent.document.file_size == 11
    downloaded = await bot.download(sent.document.file_id)
    assert downloaded.read() == b"report body"
    photo = await bot.send_photo(5, BufferedInputFile(b"\xff\xd8jpeg", filename="p.jpg"))
    assert len(photo.photo) == 3 and tg.last(5).kind == "photo"
    again = await bot.send_document(5, sent.document.file_id)
    assert again.document.file_id == sent.document.file_id


async def test_a_file_over_20_mb_cannot_be_downloaded_by_a_bot(bot: Bot, tg: FakeTelegram):
    update = tg.user(5).send_document(data=b"x" * (20 * 1024 * 1024 + 1), file_name="big.xlsx")
    document = update["message"]["document"]
    assert document["file_size"] == 20 * 1024 * 1024 + 1  # the size is known before a download
    with pytest.raises(TelegramBadRequest, match="file is too big"):
        await bot.get_file(document["file_id"])


async def test_a_blocked_user_is_forbidden_and_reported(bot: Bot, tg: FakeTelegram):
    user = tg.user(5)
    user.block_bot()
    with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
        await bot.send_message(5, "hello?")
    [update] = await bot.get_updates()
    change = update.my_chat_member
    assert (change.old_chat_member.status, change.new_chat_member.status) == ("member", "kicked")
    user.unblock_bot()
    await bot.send_message(5, "welcome back")
    assert user.last.text == "welcome back"


async def test_injected_faults_map_to_aiogram_errors(bot: Bot, tg: FakeTelegram):
    tg.user(5)
    tg.fail_next("sendMessage", status=429, retry_after=7)
    with pytest.raises(TelegramRetryAfter) as caught:
        await bot.send_message(5, "x")
    assert caught.value.retry_after == 7
    tg.fail_next("sendMessage", n=2)
    for _ in range(2):
        with pytest.raises(TelegramServerError):
            await bot.send_message(5, "x")
    tg.fail_next(None, status=400, description="Bad Request: whatever")
    with pytest.raises(TelegramBadRequest, match="whatever"):
        await bot.get_me()
    await bot.send_message(5, "through")
    assert [m.text for m in tg.sent_to(5)] == ["through"]


async def test_unknown_methods_and_raw_requests(server: FakeServer, tg: FakeTelegram):
    tg.user(5)
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{server.url}/bot{TOKEN}/flyToTheMoon") as response:
            assert response.status == 404
            assert await response.json() == {
                "ok": False,
                "error_code": 404,
                "description": "Not Found: method not found",
            }
        json_body = {"chat_id": 5, "text": "json", "reply_markup": {"inline_keyboard": []}}
        async with http.post(f"{server.url}/bot{TOKEN}/SENDMESSAGE", json=json_body) as response:
            assert (response.status, (await response.json())["result"]["text"]) == (200, "json")
        async with http.get(f"{server.url}/bot{TOKEN}/sendMessage?chat_id=5") as response:
            assert (await response.json())["description"] == "Bad Request: message text is empty"
    assert [name for name, _ in tg.requests] == ["flyToTheMoon", "sendMessage", "sendMessage"]


async def test_commands_are_kept_per_scope_and_language(bot: Bot, tg: FakeTelegram):
    english = [
        BotCommand(command="start", description="Start"),
        BotCommand(command="help", description="Help"),
    ]
    await bot.set_my_commands(english, scope=BotCommandScopeChat(chat_id=5), language_code="en")
    await bot.set_my_commands([BotCommand(command="start", description="Начать")])
    scope = {"type": "chat", "chat_id": 5}
    assert [c["command"] for c in tg.commands(scope=scope, language_code="en")] == ["start", "help"]
    assert tg.commands(scope=scope) == []
    assert tg.commands()[0]["description"] == "Начать"
    listed = await bot.get_my_commands(scope=BotCommandScopeChat(chat_id=5), language_code="en")
    assert [c.command for c in listed] == ["start", "help"]
    await bot.delete_my_commands()
    assert tg.commands() == []
    with pytest.raises(TelegramBadRequest, match="BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand(command="Bad Command", description="x")])


async def test_rate_limit_uses_the_injected_clock():
    now = [1000.0]
    tg = FakeTelegram(TOKEN, clock=lambda: now[0])
    tg.set_rate_limit(per_second=3, per_chat_per_second=1)
    for chat in (1, 2, 3):
        assert (await tg.call(TOKEN, "sendMessage", {"chat_id": chat, "text": "x"}))[0] == 200
    status, body = await tg.call(TOKEN, "sendMessage", {"chat_id": 4, "text": "x"})
    assert (status, body["parameters"]["retry_after"]) == (429, 1)
    assert body["description"] == "Too Many Requests: retry after 1"
    now[0] += 1.0
    assert (await tg.call(TOKEN, "sendMessage", {"chat_id": 4, "text": "x"}))[0] == 200
    assert (await tg.call(TOKEN, "sendMessage", {"chat_id": 4, "text": "x"}))[0] == 429
    assert (await tg.call(TOKEN, "sendChatAction", {"chat_id": 4, "action": "typing"}))[0] == 200
    assert tg.stats()["too_many_requests"] == 2


async def test_wait_helpers_follow_the_chat(bot: Bot, tg: FakeTelegram):
    user = tg.user(5)
    asyncio.get_running_loop().call_later(0.05, asyncio.ensure_future, bot.send_message(5, "later"))
    assert (await user.wait_reply(timeout=2)).text == "later"
    await bot.send_message(5, "second")
    assert (await user.wait_reply(timeout=2)).text == "second"
    found = await tg.wait_for(5, lambda m: m.text == "later", timeout=0.1)
    assert found.message_id == user.messages[0].message_id
    with pytest.raises(AssertionError, match="'second'"):
        await user.wait_reply(timeout=0.1)


async def test_the_control_api_drives_a_chat(server: FakeServer, bot: Bot, tg: FakeTelegram):
    base = f"{server.url}/_control"
    async with aiohttp.ClientSession() as http:

        async def call(verb: str, path: str, **kwargs):
            async with http.request(verb, f"{base}/{path}", **kwargs) as response:
                return response.status, await response.json()

        assert (await call("POST", "users/7/send", json={"text": "/start", "first_name": "Bo"}))[
            0
        ] == 200
        [update] = await bot.get_updates()
        assert (update.message.text, update.message.from_user.first_name) == ("/start", "Bo")
        sent = await bot.send_message(7, "Menu", reply_markup=keyboard("Go"))
        status, messages = await call("GET", "chats/7/messages")
        assert (status, messages[0]["text"], messages[0]["buttons"]) == (200, "Menu", ["Go"])
        body = {"message_id": sent.message_id, "text": "Go"}
        status, clicked = await call("POST", "users/7/click", json=body)
        assert status == 200 and clicked["callback_query_id"] in tg.callback_queries
        status, error = await call("POST", "users/7/click", json={**body, "text": "Nope"})
        assert status == 400 and "Nope" in error["error"]
        await call(
            "POST",
            "faults",
            json={"method": "sendMessage", "status": 403, "description": "Forbidden: x"},
        )
        with pytest.raises(TelegramForbiddenError):
            await bot.send_message(7, "fails")
        status, requests = await call("GET", "requests", params={"method": "sendMessage"})
        assert [r["params"]["text"] for r in requests] == ["Menu", "fails"]
        await call("POST", "users/7/block")
        with pytest.raises(TelegramForbiddenError, match="blocked"):
            await bot.send_message(7, "blocked")
        status, stats = await call("GET", "stats")
        assert stats["sent_per_chat"] == {"7": 1} and stats["errors"] == 2
        assert (await call("POST", "reset"))[0] == 200
        assert (await call("GET", "chats/7/messages"))[1] == []


async def test_files_download_over_http(server: FakeServer, bot: Bot, tg: FakeTelegram):
    tg.user(5)
    sent = await bot.send_document(5, BufferedInputFile(b"abc", filename="a.txt"))
    file = await bot.get_file(sent.document.file_id)
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{server.url}/file/bot{TOKEN}/{file.file_path}") as response:
            assert (response.status, await response.read()) == (200, b"abc")
        async with http.get(f"{server.url}/file/bot{TOKEN}/documents/missing") as response:
            assert response.status == 404


async def test_the_standalone_server_prints_its_url_and_stops_on_sigterm():
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.fakebot",
        "--port",
        "0",
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        url = (await asyncio.wait_for(process.stdout.readline(), 15)).decode().strip()
        assert url.startswith("http://127.0.0.1:")
        bot = http_bot(url)
        assert (await bot.get_me()).username == "mentor_test_bot"
        await bot.session.close()
    finally:
        process.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(process.wait(), 15) == 0


async def test_broken_answers_are_network_errors_naming_the_url(bot: Bot, tg: FakeTelegram):
    tg.break_next("getMe", how="garbage")
    with pytest.raises(TelegramNetworkError, match=r"ClientResponseError.*bot42:TEST/getMe"):
        await bot.get_me()
    tg.break_next(None, how="drop")
    with pytest.raises(TelegramNetworkError, match="Server disconnected"):
        await bot.get_me()
    assert (await bot.get_me()).username == "mentor_test_bot"
    assert tg.statuses[0] == 2
    with pytest.raises(ValueError, match="broken answer"):
        tg.break_next("getMe", how="slow")


async def test_broken_answers_in_process_read_like_aiohttp_errors(tg: FakeTelegram):
    from tests.fakebot import FakeSession

    bot = Bot(TOKEN, session=FakeSession(tg))
    tg.break_next("getMe", how="garbage")
    with pytest.raises(TelegramNetworkError, match=r"ClientResponseError.*bot42:TEST/getMe"):
        await bot.get_me()


# What Telegram refuses, the fake refuses: each rule the whole suite then runs against.


async def test_an_identical_edit_of_any_kind_is_not_modified(bot: Bot, tg: FakeTelegram):
    tg.user(5)
    sent = await bot.send_message(5, "<b>Экран</b>", parse_mode="HTML", reply_markup=keyboard("A"))
    where = {"chat_id": 5, "message_id": sent.message_id}
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_reply_markup(**where, reply_markup=keyboard("A"))
    # The same text written differently is the same message after parsing.
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_text(
            "<strong>Экран</strong>", **where, parse_mode="HTML", reply_markup=keyboard("A")
        )
    await bot.edit_message_reply_markup(**where, reply_markup=None)
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_reply_markup(**where, reply_markup=None)
    photo = await bot.send_photo(5, BufferedInputFile(b"\xff\xd8", "p.jpg"), caption="Фото")
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_caption(chat_id=5, message_id=photo.message_id, caption="Фото")


async def test_callback_data_is_at_most_64_bytes(bot: Bot, tg: FakeTelegram):
    tg.user(5)

    def one_button(data: str) -> InlineKeyboardMarkup:
        return InlineKeyboardMarkup(
            inline_keyboard=[[InlineKeyboardButton(text="x", callback_data=data)]]
        )

    await bot.send_message(5, "ok", reply_markup=one_button("a" * 64))
    for data in ("a" * 65, "я" * 33):  # 33 Cyrillic letters are 66 bytes
        with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
            await bot.send_message(5, "too long", reply_markup=one_button(data))
    sent = tg.last(5)
    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        await bot.edit_message_reply_markup(
            chat_id=5, message_id=sent.message_id, reply_markup=one_button("b" * 65)
        )


async def test_text_and_caption_limits_count_after_entity_parsing(bot: Bot, tg: FakeTelegram):
    tg.user(5)
    # The tags do not count: 4096 characters of text inside them pass.
    await bot.send_message(5, "<b>" + "я" * 4096 + "</b>", parse_mode="HTML")
    assert len(tg.last(5).text) == 4096
    with pytest.raises(TelegramBadRequest, match="message is too long"):
        await bot.send_message(5, "<b>" + "я" * 4097 + "</b>", parse_mode="HTML")
    with pytest.raises(TelegramBadRequest, match="message is too long"):
        await bot.send_message(5, "🙂" * 2049)  # counted in UTF-16 units, as Telegram does
    with pytest.raises(TelegramBadRequest, match="message is too long"):
        await bot.edit_message_text("я" * 4097, chat_id=5, message_id=tg.last(5).message_id)
    upload = BufferedInputFile(b"doc", "a.txt")
    await bot.send_document(5, upload, caption="<i>" + "я" * 1024 + "</i>", parse_mode="HTML")
    with pytest.raises(TelegramBadRequest, match="message caption is too long"):
        await bot.send_document(5, upload, caption="я" * 1025)
    with pytest.raises(TelegramBadRequest, match="message caption is too long"):
        await bot.edit_message_caption(
            chat_id=5, message_id=tg.last(5).message_id, caption="я" * 1025
        )


async def test_text_empty_after_parsing_is_refused(bot: Bot, tg: FakeTelegram):
    tg.user(5)
    with pytest.raises(TelegramBadRequest, match="message text is empty"):
        await bot.send_message(5, "<b> </b>", parse_mode="HTML")
    sent = await bot.send_message(5, "текст")
    with pytest.raises(TelegramBadRequest, match="message text is empty"):
        await bot.edit_message_text(
            "<i></i>", chat_id=5, message_id=sent.message_id, parse_mode="HTML"
        )


@pytest.mark.parametrize(
    "text",
    ["1 < 2", "<b>bold", "<b>x</i>", "<blink>x</blink>", "x</b>", "<b>x</b", "<a>x"],
)
async def test_malformed_html_is_refused(bot: Bot, tg: FakeTelegram, text: str):
    tg.user(5)
    with pytest.raises(TelegramBadRequest, match="can't parse entities"):
        await bot.send_message(5, text, parse_mode="HTML")
    assert tg.last(5) is None


@pytest.mark.parametrize("name", ["Start", "my-menu", "", "a" * 33, "привет", "help me"])
async def test_command_names_outside_telegrams_alphabet_are_refused(bot: Bot, name: str):
    with pytest.raises(TelegramBadRequest, match="BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand(command=name, description="x")])


async def test_command_names_telegram_accepts(bot: Bot, tg: FakeTelegram):
    names = ["a", "a" * 32, "start_2"]
    await bot.set_my_commands([BotCommand(command=n, description="x") for n in names])
    assert [c["command"] for c in tg.commands()] == names


async def test_a_callback_answer_is_at_most_200_characters(bot: Bot, tg: FakeTelegram):
    user = tg.user(5)
    await bot.send_message(5, "Pick", reply_markup=keyboard("A"))
    for _ in range(2):
        user.click(user.last, text="A")
    first, second = await bot.get_updates()
    with pytest.raises(TelegramBadRequest, match="MESSAGE_TOO_LONG"):
        await bot.answer_callback_query(first.callback_query.id, text="я" * 201)
    assert await bot.answer_callback_query(second.callback_query.id, text="я" * 200)
