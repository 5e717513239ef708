"""Telegram's rules and failures against the real process: network errors that carry the
token never reach the log, replies that meet 429 go again, a flood is refused and told once,
and every screen that edits itself takes a double tap."""

from __future__ import annotations

import pytest

from tests.support.botprocess import BotProcess

pytestmark = pytest.mark.e2e

TOKEN = "42:TEST-token"
APOLOGY = "Извините, у нас что-то пошло не так."


async def test_network_errors_never_put_the_token_into_the_log(fake_api, tg, db_url, tmp_path):
    bot = BotProcess(fake_api.url, db_url, tmp_path, LOG_LEVEL="DEBUG")
    await bot.start(tg)
    try:
        user = tg.user(7001)
        # The poll in progress ends with this update; the next polls meet a bad status line
        # (aiohttp's error names the URL, token included), a dropped connection and a 502.
        tg.break_next("getUpdates", how="garbage")
        tg.break_next("getUpdates", how="drop")
        tg.fail_next("getUpdates", status=502)
        user.send("/start")
        assert (await user.wait_reply(timeout=30)).text.startswith("Здравствуйте")
        # A reply whose connection breaks: the failed update is logged with its traceback.
        tg.break_next("sendMessage", how="garbage")
        user.send("/help")
        assert (await user.wait_reply(timeout=30)).text.startswith(APOLOGY)
        assert await bot.stop() == 0
    finally:
        if bot.process is not None and bot.process.returncode is None:
            await bot.kill()
    log = bot.log
    assert "TEST-token" not in log, "the token, or its secret half, is in the log"
    assert "Failed to fetch updates" in log and "ClientResponseError" in log, log[-3000:]
    assert "Traceback" in log and "update" in log and "failed" in log
    assert "/bot<redacted>/getUpdates" in log
