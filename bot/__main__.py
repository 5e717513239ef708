"""`python -m bot` runs the bot (long polling); `python -m bot webhook` serves a webhook;
`python -m bot migrate` only applies migrations; `python -m bot backup` copies the database;
`python -m bot import-orgs` and `import-people` load organisations and a school's registers."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from bot.log_redaction import bot_secrets, install_redaction
from storage.settings import load_settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description="School mentoring bot")
    parser.add_argument(
        "command",
        nargs="?",
        default="run",
        choices=["run", "webhook", "migrate", "import-orgs", "import-people", "backup", "demo"],
        help="run: long polling (default); migrate: apply database migrations and exit; "
        "import-orgs FILE: load organisations from an .xlsx or .csv template; "
        "import-people FILE --school NAME: a school's registers of mentors and mentees; "
        "webhook: serve Telegram's webhook (WEBHOOK_URL, WEBHOOK_SECRET); "
        "backup [PATH]: copy the database (default ./data/backups/); "
        "demo [DB]: a synthetic municipality and its reports in --out (default ./demo/)",
    )
    parser.add_argument(
        "file",
        nargs="?",
        help="import-orgs, import-people: the .xlsx or .csv file; backup: where to write",
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="import-orgs, import-people: save nothing"
    )
    parser.add_argument(
        "--school", help='import-people: the school, or "Municipality / School" if names repeat'
    )
    parser.add_argument("--out", default="demo", help="demo: where the reports are written")
    args = parser.parse_args(argv)
    if args.command == "demo":
        from bot.demo import run as run_demo

        return run_demo(args.file or "data/demo.sqlite3", args.out)
    imports = ("import-orgs", "import-people")
    if args.command in imports and args.file is None:
        parser.error(f"{args.command} needs a FILE (.xlsx or .csv)")
    if args.command == "import-people" and not args.school:
        parser.error('import-people needs --school "NAME"')
    if args.command != "import-people" and args.school:
        parser.error("--school goes with import-people only")
    if args.command not in (*imports, "backup") and args.file:
        parser.error("FILE goes with import-orgs, import-people and backup only")
    if args.command not in imports and args.dry_run:
        parser.error("--dry-run goes with import-orgs and import-people only")
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
    if args.command == "import-people":
        from bot.import_people import run_import_people

        return asyncio.run(run_import_people(settings, args.file, args.school, args.dry_run))
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
