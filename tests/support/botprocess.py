"""The real `python -m bot` process, pointed at the fake Bot API server."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


class BotProcess:
    def __init__(self, api_url: str, database_url: str, workdir: Path, **env: str) -> None:
        self.workdir = workdir
        self.log_path = workdir / f"bot-{int(time.time() * 1000)}.log"
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "DATABASE_"))},
            "PYTHONPATH": str(ROOT),
            "PYTHONUNBUFFERED": "1",
            "BOT_TOKEN": "42:TEST-token",
            "BOT_API_URL": api_url,
            "DATABASE_URL": database_url,
            "REDIS_URL": "",
            "LOG_LEVEL": "INFO",
            # A test taps faster than any person; the throttle has tests of its own.
            "THROTTLE_RATE": "10000",
            **env,
        }
        self.process: asyncio.subprocess.Process | None = None

    async def start(self, tg, timeout: float = 30.0) -> None:
        """Start and wait until the bot is long-polling the fake server."""
        polls_before = len(tg.requests_for("getUpdates"))
        log = self.log_path.open("ab")
        self.process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", cwd=self.workdir, env=self.env, stdout=log, stderr=log
        )
        log.close()
        deadline = time.monotonic() + timeout
        while len(tg.requests_for("getUpdates")) <= polls_before:
            if self.process.returncode is not None:
                raise AssertionError(f"the bot exited with {self.process.returncode}:\n{self.log}")
            if time.monotonic() > deadline:
                raise AssertionError(f"the bot did not start polling in {timeout} s:\n{self.log}")
            await asyncio.sleep(0.05)

    async def stop(self, sig: int = signal.SIGTERM, timeout: float = 30.0) -> int:
        """Send `sig` and wait; returns the exit code (fails the test past `timeout`)."""
        assert self.process is not None
        if self.process.returncode is None:
            self.process.send_signal(sig)
        try:
            return await asyncio.wait_for(self.process.wait(), timeout)
        except TimeoutError:
            self.process.kill()
            await self.process.wait()
            raise AssertionError(f"the bot did not exit within {timeout} s:\n{self.log}") from None

    async def kill(self) -> None:
        await self.stop(signal.SIGKILL)

    @property
    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
