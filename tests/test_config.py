"""Start-up configuration: good values load, bad ones stop the bot with one clear line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from storage.settings import DEFAULT_SQLITE_URL, SettingsError, load_settings

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


def test_webhook_settings_have_defaults_and_build_the_endpoint(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("BOT_TOKEN", "1:x")
    settings = load_settings()
    assert (settings.webhook_host, settings.webhook_port, settings.webhook_path) == (
        "0.0.0.0",
        8080,
        "/telegram",
    )
    assert settings.webhook_url is None and settings.webhook_secret is None
    monkeypatch.setenv("WEBHOOK_URL", "https://bot.example.org/")
    monkeypatch.setenv("WEBHOOK_SECRET", "A-z_09" * 40)
    monkeypatch.setenv("WEBHOOK_PATH", "/tg/hook")
    settings = load_settings()
    assert settings.webhook_endpoint == "https://bot.example.org/tg/hook"
    settings.require_webhook()  # nothing missing
    assert "A-z_09" not in repr(settings)


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("WEBHOOK_SECRET", "has space", "WEBHOOK_SECRET is invalid: expected 1-256 characters"),
        ("WEBHOOK_SECRET", "секрет", "WEBHOOK_SECRET is invalid: expected 1-256 characters"),
        ("WEBHOOK_SECRET", "x" * 257, "WEBHOOK_SECRET is invalid: expected 1-256 characters"),
        ("WEBHOOK_URL", "bot.example.org", "WEBHOOK_URL is invalid: expected the public base"),
        ("WEBHOOK_PORT", "70000", "WEBHOOK_PORT is invalid"),
        ("WEBHOOK_PORT", "http", "WEBHOOK_PORT is invalid"),
        ("WEBHOOK_PATH", "telegram", "WEBHOOK_PATH is invalid: expected a path"),
    ],
)
def test_a_malformed_webhook_setting_names_the_variable(monkeypatch, variable, value, expected):
    monkeypatch.setenv("BOT_TOKEN", "1:x")
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError) as caught:
        load_settings()
    assert expected in str(caught.value)
    assert value not in str(caught.value) or variable != "WEBHOOK_SECRET"


def test_webhook_mode_without_url_and_secret_stops_with_one_line(tmp_path: Path):
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.upper().startswith(("BOT_", "WEBHOOK_", "DATABASE_"))
    }
    env.update(PYTHONPATH=str(ROOT), BOT_TOKEN="1:x")
    result = subprocess.run(
        [sys.executable, "-m", "bot", "webhook"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "configuration error: WEBHOOK_URL is not set (required by `python -m bot webhook`); "
        "configuration error: WEBHOOK_SECRET is not set (required by `python -m bot webhook`)"
    )
    assert not (tmp_path / "data").exists()  # stopped before touching the database


def _example_variables() -> dict[str, str]:
    lines = (ROOT / ".env.example").read_text(encoding="utf-8").splitlines()
    pairs = [line.split("=", 1) for line in lines if line and not line.startswith("#")]
    return {name: value for name, value in pairs}


def test_env_example_lists_every_setting_and_loads(tmp_path: Path):
    from storage.settings import Settings

    variables = _example_variables()
    settings_names = {name.upper() for name in Settings.model_fields}
    assert settings_names <= set(variables), settings_names - set(variables)
    # The only others are the deployment's own, documented as such.
    assert set(variables) - settings_names == {"BOT_MODE", "DOMAIN", "POSTGRES_PASSWORD"}
    (tmp_path / ".env").write_text((ROOT / ".env.example").read_text(encoding="utf-8"))
    settings = load_settings()  # the example as it stands is a valid configuration
    assert settings.send_rate == 25 and settings.webhook_port == 8080
    assert settings.webhook_url is None and settings.webhook_secret is None
    # An empty SURVEY_SECRET means "derive it from the token".
    assert settings.survey_key == load_settings(survey_secret=None).survey_key


def test_compose_and_unit_use_real_settings_and_commands():
    from storage.settings import Settings

    settings_names = {name.upper() for name in Settings.model_fields}
    compose_text = (ROOT / "deploy" / "docker-compose.yml").read_text(encoding="utf-8")
    try:
        import yaml
    except ImportError:  # PyYAML is not a dependency; check what a text search can
        compose = None
    else:
        compose = yaml.safe_load(compose_text)
    if compose is not None:
        services = compose["services"]
        assert {"bot1", "bot2", "postgres", "redis", "caddy", "migrate"} <= set(services)
        for name in ("bot1", "bot2"):
            bot = services[name]
            assert bot["command"] == ["python", "-m", "bot", "webhook"]
            assert set(bot["environment"]) <= settings_names
            assert bot["environment"]["DATABASE_URL"].startswith("postgresql+asyncpg://")
            assert bot["environment"]["REDIS_URL"].startswith("redis://redis:6379/")
        assert services["postgres"]["image"] == "postgres:16"
        assert services["redis"]["image"] == "redis:7"
        assert services["migrate"]["command"] == ["python", "-m", "bot", "migrate"]
    else:
        for line in compose_text.splitlines():
            key = line.strip().split(":", 1)[0]
            if key.startswith(("WEBHOOK_", "DATABASE_", "REDIS_")):
                assert key in settings_names, key
    caddyfile = (ROOT / "deploy" / "Caddyfile").read_text(encoding="utf-8")
    assert "handle /telegram" in caddyfile and "bot1:8080 bot2:8080" in caddyfile
    unit = (ROOT / "deploy" / "mentorship-bot.service").read_text(encoding="utf-8")
    assert "ExecStart=/opt/mentorship-bot/.venv/bin/python -m bot $BOT_MODE" in unit
    assert "KillSignal=SIGTERM" in unit
