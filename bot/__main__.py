"""`python -m bot` runs the bot (long polling); `python -m bot webhook` serves a webhook;
`python -m bot migrate` only applies migrations; `python -m bot backup` copies the database."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from bot.config import load_settings
from bot.log_redaction import bot_secrets, install_redaction


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description="School mentoring bot")
    parser.add_argument(
        "command",
        nargs="?",
        default="run",
        choices=["run", "webhook", "migrate", "import-orgs", "backup", "demo"],
        help="run: long polling (default); migrate: apply database migrations and exit; "
        "import-orgs FILE: load organisations from an .xlsx or .csv template; "
        "webhook: serve Telegram's webhook (WEBHOOK_URL, WEBHOOK_SECRET); "
        "backup [PATH]: copy the database (default ./data/backups/); "
        "demo [DB]: a synthetic municipality and its reports in --out (default ./demo/)",
    )
    parser.add_argument(
        "file", nargs="?", help="import-orgs: the .xlsx or .csv file; backup: where to write"
    )
    parser.add_argument("--dry-run", action="store_true", help="import-orgs: save nothing")
    parser.add_argument("--out", default="demo", help="demo: where the reports are written")
    args = parser.parse_args(argv)
    if args.command == "demo":
        from bot.demo import run as run_demo

        return run_demo(args.file or "data/demo.sqlite3", args.out)
    if args.command == "import-orgs" and args.file is None:
        parser.error("import-orgs needs a FILE (.xlsx or .csv)")
    if args.command not in ("import-orgs", "backup") and args.file:
        parser.error("FILE goes with import-orgs and backup only")
    if args.command != "import-orgs" and args.dry_run:
        parser.error("--dry-run goes with import-orgs only")
    settings = load_settings()
    # Before anything logs: no record, at any level and through any handler, shows a secret.
    install_redaction(bot_secrets(settings))
    logging.basicConfig(
        level=settings.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    if args.command == "import-orgs":
        from bot.import_orgs import run_import

        return asyncio.run(run_import(settings, args.file, args.dry_run))
    if args.command == "backup":
        from bot.backup import run_backup

        return run_backup(settings, args.file)
    if args.command == "webhook":
        settings.require_webhook()  # before the imports, which log
        from bot.webhook import run_webhook

        asyncio.run(run_webhook(settings))
        return 0
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
