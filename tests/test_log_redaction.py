"""No log record shows the bot token, whatever logger, level or handler (bot/log_redaction.py)."""

from __future__ import annotations

import io
import logging
import sys

import pytest

from bot.log_redaction import bot_secrets, install_redaction, uninstall_redaction
from storage.settings import Settings

TOKEN = "123456:AAE-secret_Half-of-the-token-xyz"
SECRET = TOKEN.partition(":")[2]


@pytest.fixture
def redaction():
    settings = Settings(_env_file=None, bot_token=TOKEN, database_url="sqlite+aiosqlite:///x")
    yield install_redaction(bot_secrets(settings))
    uninstall_redaction()


@pytest.fixture
def stream():
    """A handler added after the redaction was installed, as a runner or webhook mode would."""
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
    loggers = [logging.getLogger(name) for name in ("", "aiogram", "aiohttp.client")]
    old_levels = [logger.level for logger in loggers]
    loggers[0].addHandler(handler)
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
    yield buffer
    loggers[0].removeHandler(handler)
    for logger, level in zip(loggers, old_levels, strict=True):
        logger.setLevel(level)


def url(token: str = TOKEN) -> str:
    return f"https://api.telegram.org/bot{token}/getUpdates"


def test_messages_arguments_tracebacks_and_stacks_are_scrubbed(redaction, stream):
    logging.getLogger("aiogram.dispatcher").error("Failed to fetch updates - %s", url())
    logging.getLogger("aiohttp.client").debug("request to " + url())
    logging.getLogger("bot").info("quoted %s", url(TOKEN.replace(":", "%3A")))
    logging.getLogger("bot").warning("half %s", SECRET, stack_info=True)
    try:
        try:
            raise OSError(f"connection to {url()} reset")
        except OSError as cause:
            raise RuntimeError("request failed") from cause
    except RuntimeError:
        logging.getLogger("handlers.system.errors").exception("update 1 failed")
    text = stream.getvalue()
    assert TOKEN not in text and SECRET not in text, text
    assert text.count("bot<redacted>/getUpdates") == 4
    assert "Traceback" in text and "connection to" in text and "Stack (most recent" in text


def test_records_without_secrets_are_left_as_they_are(redaction, stream):
    logging.getLogger("bot").info("starting as @%s on %s", "mentor_bot", "sqlite")
    assert stream.getvalue() == "INFO bot starting as @mentor_bot on sqlite\n"


def test_an_uncaught_exception_is_scrubbed_too(redaction, monkeypatch):
    err = io.StringIO()
    monkeypatch.setattr(sys, "stderr", err)
    try:
        raise ConnectionError(url())
    except ConnectionError:
        sys.excepthook(*sys.exc_info())
    assert "ConnectionError" in err.getvalue() and TOKEN not in err.getvalue()


def test_short_secrets_are_not_hunted_in_every_word():
    settings = Settings(
        _env_file=None,
        bot_token=TOKEN,
        database_url="sqlite+aiosqlite:///x",
        webhook_secret="abc",
    )
    redactor = install_redaction(bot_secrets(settings))
    try:
        assert redactor.redact("abc and " + TOKEN) == "abc and <redacted>"
    finally:
        uninstall_redaction()
