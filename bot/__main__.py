"""`python -m bot` runs the bot; `python -m bot migrate` only applies migrations."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from bot.config import load_settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description="School mentoring bot")
    parser.add_argument(
        "command",
        nargs="?",
        default="run",
        choices=["run", "migrate"],
        help="run: long polling (default); migrate: apply database migrations and exit",
    )
    args = parser.parse_args(argv)
    settings = load_settings()
    logging.basicConfig(
        level=settings.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    from bot import runner

    if args.command == "migrate":
        applied = asyncio.run(runner.migrate(settings))
        print(
            f"applied {len(applied)} migration(s)" + (f": {', '.join(applied)}" if applied else "")
        )
        return 0
    asyncio.run(runner.run_polling(settings))
    return 0


if __name__ == "__main__":
    sys.exit(main())
