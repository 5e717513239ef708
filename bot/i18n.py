"""Gettext catalogues: compiled from locales/*.po on start, chosen per person."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from aiogram.types import TelegramObject
from aiogram.utils.i18n import I18n, I18nMiddleware, gettext
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from storage.people.actor import Actor
from storage.words import use_translator

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
DOMAIN = "messages"


def compile_catalogues(locales_dir: Path = LOCALES_DIR) -> list[Path]:
    """Compile each .po whose .mo is missing or older; returns the .mo files written.

    The .mo files are build output and not kept in git; compiling here means a fresh
    clone runs without a separate build step.
    """
    written = []
    for po_path in sorted(locales_dir.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, locale=po_path.parent.parent.name)
        # Write aside and rename, so a second process starting at the same time
        # never loads a half-written file.
        fd, tmp_name = tempfile.mkstemp(dir=mo_path.parent, suffix=".mo.tmp")
        with os.fdopen(fd, "wb") as mo_file:
            write_mo(mo_file, catalog)
        os.replace(tmp_name, mo_path)
        written.append(mo_path)
    return written


def build_i18n(default_locale: str, locales_dir: Path = LOCALES_DIR) -> I18n:
    compile_catalogues(locales_dir)
    # The storage layer's lazy words translate through the same context as the handlers'.
    use_translator(gettext)
    return I18n(path=locales_dir, default_locale=default_locale, domain=DOMAIN)


class ActorI18nMiddleware(I18nMiddleware):
    """The person's stored choice (/language) wins; otherwise the installation's default."""

    async def get_locale(self, event: TelegramObject, data: dict[str, Any]) -> str:
        actor: Actor | None = data.get("actor")
        if actor is not None and actor.locale in self.i18n.available_locales:
            return actor.locale
        return self.i18n.default_locale
