"""Fields of a chat form and the parsers that validate typed answers."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from storage.orgs.import_values import parse_timezone


class FieldError(ValueError):
    """A typed answer that does not fit; the message (translated) says what is expected."""


Parser = Callable[[str, date], Any]


@dataclass(frozen=True)
class Choice:
    value: str
    label: Any  # lazy translation


@dataclass(frozen=True)
class Field:
    key: str
    label: Any  # lazy translation: the short name shown in summaries
    prompt: Any  # lazy translation: the question
    parse: Parser | None = None
    choices: tuple[Choice, ...] = ()
    multiple: bool = False
    optional: bool = False
    # Whether the field applies, decided by the answers to choice fields (the step counter
    # tries each choice not made yet to know how many questions there can be).
    when: Callable[[dict[str, Any]], bool] | None = None
    hint: Any = None  # shown under the prompt: the format expected

    def visible(self, answers: dict[str, Any]) -> bool:
        return self.when is None or self.when(answers)

    def label_of(self, value: str) -> str:
        return next((str(c.label) for c in self.choices if c.value == value), value)

    def render(self, value: Any) -> str:
        if value is None or value == [] or value == "":
            return "—"
        if self.choices:
            values = value if isinstance(value, list) else [value]
            return ", ".join(self.label_of(v) for v in values)
        return str(value)


@dataclass(frozen=True)
class Form:
    name: str
    fields: tuple[Field, ...] = field(default=())

    def visible(self, answers: dict[str, Any]) -> list[Field]:
        return [f for f in self.fields if f.visible(answers)]

    def step_totals(self, answers: dict[str, Any]) -> tuple[int, int]:
        """The fewest and the most questions the form can have after these answers, trying
        every choice not made yet (a skipped optional choice too)."""
        if all(f.when is None for f in self.fields):
            return len(self.fields), len(self.fields)
        totals: set[int] = set()

        def walk(known: dict[str, Any]) -> None:
            visible = self.visible(known)
            undecided = next(
                (f for f in visible if f.choices and not f.multiple and f.key not in known), None
            )
            if undecided is None:
                totals.add(len(visible))
                return
            values = [c.value for c in undecided.choices] + ([None] if undecided.optional else [])
            for value in values:
                walk({**known, undecided.key: value})

        walk(answers)
        return min(totals), max(totals)

    def get(self, key: str, answers: dict[str, Any]) -> Field:
        """The visible field with this key; two fields may share a key under other conditions."""
        return next(f for f in self.visible(answers) if f.key == key)


NAME_PATTERN = re.compile(r"^[^\W\d_]+(?:[ \-'’.][^\W\d_]+)*\.?$")


def person_name(raw: str, _today: date) -> str:
    value = " ".join(raw.split())
    letters = sum(ch.isalpha() for ch in value)
    if not (2 <= len(value) <= 100 and letters >= 2 and NAME_PATTERN.match(value)):
        raise FieldError(
            _("A name is 2 to 100 letters; spaces, hyphens and apostrophes are allowed.")
        )
    return value


def text(min_length: int, max_length: int) -> Parser:
    def parse(raw: str, _today: date) -> str:
        value = raw.strip()
        if not min_length <= len(value) <= max_length:
            raise FieldError(
                ngettext(
                    "Expected {min} to {max} character; this has {count}.",
                    "Expected {min} to {max} characters; this has {count}.",
                    max_length,
                ).format(min=min_length, max=max_length, count=len(value))
            )
        return value

    return parse


def integer(minimum: int, maximum: int) -> Parser:
    def parse(raw: str, _today: date) -> int:
        value = raw.strip()
        if not re.fullmatch(r"\d{1,4}", value) or not minimum <= int(value) <= maximum:
            raise FieldError(
                _("Expected a whole number from {min} to {max}.").format(min=minimum, max=maximum)
            )
        return int(value)

    return parse


def birth_year(min_age: int, max_age: int) -> Parser:
    """A year that makes the person between `min_age` and `max_age` years old this year."""

    def parse(raw: str, today: date) -> int:
        value = raw.strip()
        earliest, latest = today.year - max_age, today.year - min_age
        if not re.fullmatch(r"\d{4}", value) or not earliest <= int(value) <= latest:
            raise FieldError(
                _(
                    "Expected a year of birth from {earliest} to {latest}, for example {example}."
                ).format(earliest=earliest, latest=latest, example=latest - 5)
            )
        return int(value)

    return parse


def time_zone(raw: str, _today: date) -> str:
    """An IANA zone typed by name (Asia/Novosibirsk) or as a Russian offset (UTC+7)."""
    try:
        zone = parse_timezone(raw)
    except ValueError:
        zone = None
    if zone is None:
        raise FieldError(
            _(
                "«{text}» is not a time zone I know. Choose one with the buttons, or type an "
                "IANA name such as Asia/Novosibirsk or an offset such as UTC+7."
            ).format(text=raw.strip()[:40])
        )
    return zone
