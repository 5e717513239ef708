"""Settings from the environment and `.env`, validated once at start-up."""

from __future__ import annotations

import hashlib
import hmac
import re
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

SUPPORTED_LOCALES = ("ru", "en")
DEFAULT_SQLITE_URL = "sqlite+aiosqlite:///data/mentorship.sqlite3"
# What Telegram accepts as setWebhook's secret_token (sent back in a header).
WEBHOOK_SECRET_SHAPE = re.compile(r"[A-Za-z0-9_-]{1,256}")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=False
    )

    bot_token: SecretStr
    database_url: str = DEFAULT_SQLITE_URL
    bot_api_url: str | None = None
    # NoDecode: the variable is a plain comma-separated list, not JSON.
    admin_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    redis_url: str | None = None
    default_timezone: str = "Europe/Moscow"
    default_locale: str = "ru"
    # How long processed update ids are remembered to drop Telegram's redeliveries.
    processed_updates_days: int = Field(default=3, ge=1, le=60)
    # Updates one person may send within `throttle_window` seconds before being slowed down.
    throttle_rate: int = Field(default=20, ge=1)
    throttle_window: float = Field(default=5.0, gt=0)
    # Upper bound for letting in-flight handlers finish after SIGTERM.
    shutdown_timeout: float = Field(default=20.0, gt=0)
    tick_seconds: float = Field(default=30.0, gt=0)
    # Outbox messages per second overall; Telegram allows about 30 (one per chat per second).
    send_rate: float = Field(default=25.0, gt=0, le=30)
    log_level: str = "INFO"
    # Days an imported person's record is kept after their personal invitation expired
    # unused; their school's curators are told a week before it is erased.
    pending_retention_days: int = Field(default=60, ge=1, le=3650)
    # Key of the links that let a respondent replace their own anonymous answers until the
    # deadline; when unset it is derived from BOT_TOKEN, so a new token invalidates the links.
    survey_secret: SecretStr | None = None
    # Webhook mode (`python -m bot webhook`): the public base URL Telegram posts to, plus the
    # path; the secret comes back in X-Telegram-Bot-Api-Secret-Token with every update.
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    webhook_host: str = "0.0.0.0"
    webhook_port: int = Field(default=8080, ge=1, le=65535)
    webhook_path: str = "/telegram"

    @field_validator("bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr) -> SecretStr:
        bot_id, sep, secret = value.get_secret_value().partition(":")
        if not (sep and bot_id.isdigit() and secret):
            raise ValueError("expected the form <digits>:<secret> given by @BotFather")
        return value

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [p.strip() for p in value.replace(";", ",").split(",") if p.strip()]
            for part in parts:
                if not part.lstrip("-").isdigit():
                    raise ValueError(f"{part!r} is not a Telegram user id (digits only)")
            return frozenset(int(p) for p in parts)
        if isinstance(value, int):
            return frozenset({value})
        return value

    @field_validator("bot_api_url")
    @classmethod
    def _api_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        value = value.strip().rstrip("/")
        if not value.startswith(("http://", "https://")):
            raise ValueError("expected an http:// or https:// base URL")
        return value

    @field_validator("database_url")
    @classmethod
    def _db_url(cls, value: str) -> str:
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError(
                "expected sqlite+aiosqlite:///path.sqlite3 or postgresql+asyncpg://user@host/db"
            )
        return value

    @field_validator("redis_url")
    @classmethod
    def _redis_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        if not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("expected redis://host:port/db")
        return value

    @field_validator("webhook_url")
    @classmethod
    def _webhook_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        value = value.strip().rstrip("/")
        if not value.startswith(("https://", "http://")):
            raise ValueError("expected the public base URL, e.g. https://bot.example.org")
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _webhook_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value():
            return None
        if not WEBHOOK_SECRET_SHAPE.fullmatch(value.get_secret_value()):
            raise ValueError("expected 1-256 characters of A-Z, a-z, 0-9, _ and -")
        return value

    @field_validator("webhook_path")
    @classmethod
    def _webhook_path(cls, value: str) -> str:
        if not value.startswith("/") or any(c.isspace() or c in "?#" for c in value):
            raise ValueError("expected a path such as /telegram")
        return value

    @field_validator("default_timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("expected an IANA time zone such as Europe/Moscow") from None
        return value

    @field_validator("default_locale")
    @classmethod
    def _locale(cls, value: str) -> str:
        if value not in SUPPORTED_LOCALES:
            raise ValueError(f"expected one of {', '.join(SUPPORTED_LOCALES)}")
        return value

    @property
    def bot_id(self) -> int:
        return int(self.bot_token.get_secret_value().partition(":")[0])

    @property
    def webhook_endpoint(self) -> str:
        """The full URL given to setWebhook."""
        return f"{self.webhook_url}{self.webhook_path}"

    def require_webhook(self) -> None:
        """Webhook mode cannot start without a public URL and a secret."""
        missing = [
            f"configuration error: {name} is not set (required by `python -m bot webhook`)"
            for name, value in (
                ("WEBHOOK_URL", self.webhook_url),
                ("WEBHOOK_SECRET", self.webhook_secret),
            )
            if value is None
        ]
        if missing:
            raise SettingsError("; ".join(missing))

    @property
    def survey_key(self) -> bytes:
        """The HMAC key of survey response links (see storage/surveys/answers.py)."""
        if self.survey_secret is not None and self.survey_secret.get_secret_value():
            return self.survey_secret.get_secret_value().encode()
        token = self.bot_token.get_secret_value().encode()
        return hmac.new(token, b"mentorship/survey-links/v1", hashlib.sha256).digest()


class SettingsError(SystemExit):
    """Raised instead of a traceback: one line naming the variable and the problem."""


def load_settings(**overrides: object) -> Settings:
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        raise SettingsError(describe_validation_error(exc)) from None


def describe_validation_error(exc: ValidationError) -> str:
    lines = []
    for error in exc.errors():
        variable = str(error["loc"][0]).upper() if error["loc"] else "?"
        if error["type"] == "missing":
            problem = "is not set"
        else:
            problem = "is invalid: " + error["msg"].removeprefix("Value error, ")
        lines.append(f"configuration error: {variable} {problem}")
    return "; ".join(lines)
