"""`python -m tests.fakebot --port 8081`: the fake Bot API as a standalone server."""

from __future__ import annotations

import argparse
import asyncio
import signal

from .core import FakeTelegram
from .server import start_fake_server


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tests.fakebot", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--token", default="42:TEST")
    parser.add_argument("--username", default="mentor_test_bot")
    parser.add_argument("--rate", type=float, default=None, help="global sends per second")
    parser.add_argument("--chat-rate", type=float, default=1.0, help="sends per second per chat")
    return parser.parse_args()


async def serve(args: argparse.Namespace) -> None:
    tg = FakeTelegram(token=args.token, bot_username=args.username)
    if args.rate:
        tg.set_rate_limit(args.rate, args.chat_rate)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    server = await start_fake_server(tg, host=args.host, port=args.port)
    print(server.url, flush=True)
    try:
        await stop.wait()
    finally:
        await server.close()


if __name__ == "__main__":
    asyncio.run(serve(parse_args()))
