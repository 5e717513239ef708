"""Start-up configuration: good values load, bad ones stop the bot with one clear line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import DEFAULT_SQLITE_URL, SettingsError, load_settings

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in list(os.environ):
        if name.upper() in {
            "BOT_TOKEN",
            "DATABASE_URL",
            "BOT_API_URL",
            "ADMIN_IDS",
            "REDIS_URL",
            "DEFAULT_TIMEZONE",
            "DEFAULT_LOCALE",
        }:
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)  # away from any developer's .env


def test_defaults_need_only_a_token(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("BOT_TOKEN", "123456:ABC-def")
    settings = load_settings()
    assert settings.database_url == DEFAULT_SQLITE_URL
    assert settings.default_timezone == "Europe/Moscow" and settings.default_locale == "ru"
    assert settings.admin_ids == frozenset() and settings.bot_api_url is None
    assert settings.bot_id == 123456
    assert "ABC-def" not in repr(settings) and "ABC-def" not in str(settings.model_dump())


def test_dotenv_is_read(tmp_path: Path):
    (tmp_path / ".env").write_text(
        "BOT_TOKEN=1:x\nADMIN_IDS=5, 6\nBOT_API_URL=http://127.0.0.1:8081/\n"
    )
    settings = load_settings()
    assert settings.admin_ids == {5, 6}
    assert settings.bot_api_url == "http://127.0.0.1:8081"


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("BOT_TOKEN", "not-a-token", "BOT_TOKEN is invalid: expected the form <digits>:<secret>"),
        ("ADMIN_IDS", "12,abc", "ADMIN_IDS is invalid: 'abc' is not a Telegram user id"),
        ("DATABASE_URL", "mysql://x", "DATABASE_URL is invalid: expected sqlite+aiosqlite"),
        ("BOT_API_URL", "127.0.0.1:8081", "BOT_API_URL is invalid: expected an http://"),
        ("REDIS_URL", "localhost", "REDIS_URL is invalid: expected redis://"),
        ("DEFAULT_TIMEZONE", "Mars/Olympus", "DEFAULT_TIMEZONE is invalid: expected an IANA"),
        ("DEFAULT_LOCALE", "de", "DEFAULT_LOCALE is invalid: expected one of ru, en"),
    ],
)
def test_a_malformed_value_names_the_variable(monkeypatch, variable, value, expected):
    monkeypatch.setenv("BOT_TOKEN", "1:x")
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError) as caught:
        load_settings()
    assert expected in str(caught.value)
    assert "\n" not in str(caught.value)


def test_the_process_prints_one_line_and_no_traceback(tmp_path: Path):
    env = {k: v for k, v in os.environ.items() if k.upper() != "BOT_TOKEN"}
    env["PYTHONPATH"] = str(ROOT)
    result = subprocess.run(
        [sys.executable, "-m", "bot"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stderr.strip() == "configuration error: BOT_TOKEN is not set"
    assert "Traceback" not in result.stderr
