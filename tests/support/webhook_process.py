"""The real `python -m bot webhook` process on a loopback port, behind the fake Bot API."""

from __future__ import annotations

import asyncio
import socket
import sys
import time
from pathlib import Path
from typing import Any

import aiohttp

from tests.support.botprocess import BotProcess

PUBLIC_URL = "https://bot.test"  # what setWebhook registers: the proxy, in production
SECRET = "test-webhook-secret_1"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class WebhookBotProcess(BotProcess):
    def __init__(self, api_url: str, database_url: str, workdir: Path, **env: str) -> None:
        self.port = free_port()
        super().__init__(
            api_url,
            database_url,
            workdir,
            WEBHOOK_URL=PUBLIC_URL,
            WEBHOOK_SECRET=SECRET,
            WEBHOOK_HOST="127.0.0.1",
            WEBHOOK_PORT=str(self.port),
            **env,
        )

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        """Where the proxy (the fake's webhook delivery) posts updates."""
        return f"{self.base}/telegram"

    async def start(self, tg, timeout: float = 120.0) -> None:
        """Start and wait until the process listens and has registered its webhook.

        A bound, not a measurement: on a loaded CI machine importing and migrating can take
        well over 30 s."""
        registrations = len(tg.requests_for("setWebhook"))
        log = self.log_path.open("ab")
        self.process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "webhook",
            cwd=self.workdir,
            env=self.env,
            stdout=log,
            stderr=log,
        )
        log.close()
        deadline = time.monotonic() + timeout
        while len(tg.requests_for("setWebhook")) <= registrations:
            if self.process.returncode is not None:
                raise AssertionError(f"the bot exited with {self.process.returncode}:\n{self.log}")
            if time.monotonic() > deadline:
                raise AssertionError(f"the bot did not set its webhook in {timeout} s:\n{self.log}")
            await asyncio.sleep(0.05)

    async def health(self) -> tuple[int, dict[str, Any]]:
        async with aiohttp.ClientSession() as http, http.get(f"{self.base}/healthz") as response:
            return response.status, await response.json()

    async def post(self, update: dict[str, Any], secret: str | None = SECRET) -> int:
        headers = {} if secret is None else {"X-Telegram-Bot-Api-Secret-Token": secret}
        async with (
            aiohttp.ClientSession() as http,
            http.post(self.url, json=update, headers=headers) as response,
        ):
            await response.read()
            return response.status
