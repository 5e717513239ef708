"""Words the storage layer names (questionnaire items, formulas), translated when shown.

Storage imports no aiogram: the texts here are lazy, and the bot hands over the function
that translates them in the reader's language (bot/i18n.py calls `use_translator`). Until
then a text reads as written, in English.
"""

from __future__ import annotations

from collections.abc import Callable

from babel.support import LazyProxy

_translator: list[Callable[[str], str]] = [str]


def use_translator(translate: Callable[[str], str]) -> None:
    _translator[0] = translate


def _translated(text: str) -> str:
    return _translator[0](text)


def lazy(text: str) -> LazyProxy:
    """`text` in the language of whoever reads it, decided each time it is shown."""
    return LazyProxy(_translated, text, enable_cache=False)
