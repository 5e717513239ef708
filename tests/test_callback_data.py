"""Every button's callback data in the project: one owner per prefix, and within Telegram's
64 bytes for the largest values it can carry.

Two classes sharing a prefix once let /profile's value step swallow a pair invitation's
✔ Accept, because the router that comes first unpacks the other's data as its own.
"""

from __future__ import annotations

import enum
import importlib
import pkgutil
import uuid
from collections.abc import Iterator
from itertools import permutations
from typing import Any

import pytest
from aiogram.filters.callback_data import MAX_CALLBACK_LENGTH, CallbackData
from sqlalchemy import BigInteger, Integer

import handlers
from storage.base import Base

# Ids are INTEGER columns (see the schema test below), so none exceeds 2**31 - 1; pages,
# counts and ratings are far smaller.
LARGEST_INT = 2**31 - 1
# Action words and other short codes written in the handlers: the longest is far shorter.
LONGEST_WORD = "w" * 16


def _import_every_handler() -> None:
    for module in pkgutil.walk_packages(handlers.__path__, "handlers."):
        importlib.import_module(module.name)


def _subclasses(cls: type) -> Iterator[type]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


_import_every_handler()
CLASSES = sorted(_subclasses(CallbackData), key=lambda c: (c.__module__, c.__name__))


def _longest(values: Any) -> str:
    return max((str(v) for v in values), key=len)


def _derived_samples() -> dict[tuple[str, str], str]:
    """The longest string each structured field carries, read from the code that fills it."""
    from handlers import engine_forms
    from handlers.practices.common import MINE, MUNICIPAL_BANK, PROMOTE, REVIEW, SCHOOL_BANK, TOPICS
    from handlers.registration.forms import FORM_BY_ROLE
    from storage.programmes.content import ITEM_STATUSES, STAGES
    from storage.surveys.questionnaires.builtin import keys, versions

    form_fields = [f for form, _submit in engine_forms().values() for f in form.fields]
    register_fields = [f for form in FORM_BY_ROLE.values() for f in form.fields]
    questions = [q for key in keys() for v in versions(key) for q in v.questions]
    field_key = _longest(f.key for f in register_fields)
    choice = _longest(c.value for f in register_fields for c in f.choices)
    bank = _longest((SCHOOL_BANK, MUNICIPAL_BANK, MINE, REVIEW, PROMOTE))
    topic = _longest(TOPICS)
    return {
        ("FormAct", "key"): _longest(f.key for f in form_fields),
        ("FormAct", "value"): _longest(c.value for f in form_fields for c in f.choices),
        ("FieldPicked", "key"): field_key,
        ("FieldAnswer", "value"): choice,
        ("FieldChosen", "key"): field_key,
        ("FieldValue", "value"): choice,
        ("SurveyAct", "key"): _longest(q.key for q in questions),
        ("SurveyAct", "value"): _longest([*(o.value for q in questions for o in q.options), "10"]),
        ("MeetingSave", "key"): uuid.uuid4().hex,
        ("StageChosen", "stage"): _longest(STAGES),
        ("ItemChosen", "status"): _longest(ITEM_STATUSES),
        **{(name, "bank"): bank for name in ("PrList", "PrFilter", "PrOpen", "PrExport")},
        **{(name, "topic"): topic for name in ("PrList", "PrFilter", "PrExport")},
        ("PrFilter", "what"): "topic",
        ("PrPick", "value"): _longest([*TOPICS, str(LARGEST_INT)]),
    }


SAMPLES = _derived_samples()


def _largest(cls: type[CallbackData]) -> CallbackData:
    values: dict[str, Any] = {}
    for name, field in cls.model_fields.items():
        kind = field.annotation
        if kind is bool:
            values[name] = True
        elif kind is int:
            values[name] = LARGEST_INT
        elif isinstance(kind, type) and issubclass(kind, enum.Enum):
            values[name] = max(kind, key=lambda member: len(str(member.value)))
        else:
            values[name] = SAMPLES.get((cls.__name__, name), LONGEST_WORD)
    return cls(**values)


def test_every_handlers_module_was_walked():
    names = {c.__name__ for c in CLASSES}
    assert {"PairAnswer", "FieldAnswer", "PrAct", "FormAct", "PairStep"} <= names
    assert len(CLASSES) > 60


def test_prefixes_are_unique():
    owners: dict[str, list[str]] = {}
    for cls in CLASSES:
        owners.setdefault(cls.__prefix__, []).append(f"{cls.__module__}.{cls.__name__}")
    shared = {prefix: names for prefix, names in owners.items() if len(names) > 1}
    assert not shared, shared


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_the_largest_values_fit_in_64_bytes(cls):
    packed = _largest(cls).pack()  # pack() itself refuses more than 64 bytes
    assert len(packed.encode()) <= MAX_CALLBACK_LENGTH
    assert cls.unpack(packed) == _largest(cls), "the data reads back as it was written"


def test_no_class_reads_another_ones_data():
    """What the filters do: each class tries to unpack every button's data."""
    samples = {cls: _largest(cls).pack() for cls in CLASSES}
    confused = []
    for reader, writer in permutations(CLASSES, 2):
        try:
            reader.unpack(samples[writer])
        except (TypeError, ValueError):
            continue
        confused.append(f"{reader.__name__} reads {writer.__name__}'s {samples[writer]!r}")
    assert not confused


def test_plain_string_buttons_do_not_use_a_class_prefix():
    from handlers.outbox import REFRESH

    prefixes = {cls.__prefix__ for cls in CLASSES}
    for data in (REFRESH,):
        assert data.split(":", 1)[0] not in prefixes, data


def test_ids_are_32_bit_so_the_bound_above_holds():
    for table in Base.metadata.tables.values():
        column = table.columns.get("id")
        if column is None or not isinstance(column.type, Integer):
            continue  # some tables are keyed by a string: no int in callback data
        assert not isinstance(column.type, BigInteger), (
            f"{table.name}.id is {column.type!r}: raise LARGEST_INT to 2**63 - 1 and recheck"
        )


def test_pair_invitations_already_in_chats_keep_working():
    """Invitations wait in chats for days: their data must still mean the same answer."""
    from handlers.pairing.answer import PairAnswer

    assert PairAnswer(programme_id=17, accept=True).pack() == "pr_a:17:1"
    assert PairAnswer.unpack("pr_a:17:0") == PairAnswer(programme_id=17, accept=False)
