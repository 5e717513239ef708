"""The items of a JSON object column as rows, in the database's own dialect.

`json_items(column, dialect)` is a table-valued expression with one row per key of the
object, and the expressions the aggregates need over it: the key, the JSON type
(normalised to SQLite's names: integer, real, text, true, false, null, array, object),
the value as text, and the value as an integer when it is a JSON integer (else NULL).
SQLite: json_each; PostgreSQL: json_each on the json column, json_typeof, #>> '{}'.
`python_value(type, text)` turns a row back into the value json.loads would give.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Integer, Text, case, cast, func, literal_column, type_coerce
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import TableValuedAlias

_INTEGER = re.compile(r"-?\d+")


@dataclass(frozen=True)
class JsonItems:
    table: TableValuedAlias
    key: ColumnElement
    type: ColumnElement  # SQLite's json_type names
    text: ColumnElement  # strings unquoted, numbers and arrays as JSON text
    integer: ColumnElement  # the value if it is a JSON integer, else NULL


def json_items(column: Any, dialect: str, name: str = "j") -> JsonItems:
    if dialect == "postgresql":
        table = func.json_each(column).table_valued("key", "value").alias(name)
        raw = literal_column(f"{name}.value #>> '{{}}'", Text())
        pg_type = func.json_typeof(table.c.value)
        kind = case(
            (
                pg_type == "number",
                case((raw.regexp_match(r"^-?[0-9]{1,9}$"), "integer"), else_="real"),
            ),
            (pg_type == "string", "text"),
            (pg_type == "boolean", raw),
            else_=pg_type,
        )
        integer = case((kind == "integer", cast(raw, Integer)), else_=None)
        return JsonItems(table, table.c.key, kind, raw, integer)
    table = func.json_each(column).table_valued("key", "value", "type").alias(name)
    integer = case((table.c.type == "integer", table.c.value), else_=None)
    return JsonItems(table, table.c.key, table.c.type, table.c.value, integer)


def python_value(kind: str | None, text: Any) -> Any:
    """The value json.loads gives for a row's type and text (SQLite gives ints for ints)."""
    if kind in (None, "null"):
        return None
    if kind == "true":
        return True
    if kind == "false":
        return False
    if kind == "integer":
        return int(text)
    if kind == "real":
        return float(text)
    if kind == "text":
        return str(text)
    return json.loads(text) if isinstance(text, str) else text


@dataclass(frozen=True)
class JsonField:
    type: ColumnElement  # SQLite's json_type names; NULL when the key is absent
    text: ColumnElement
    integer: ColumnElement  # the value if it is a JSON integer, else NULL


def json_field(column: Any, key: str, dialect: str) -> JsonField:
    """One key of a JSON object column (keys are plain identifiers)."""
    if not re.fullmatch(r"[A-Za-z0-9_]+", key):
        raise ValueError(f"not a plain key: {key!r}")
    if dialect == "postgresql":
        raw = type_coerce(column.op("->>")(key), Text())
        pg_type = func.json_typeof(column.op("->")(key))
        kind = case(
            (
                pg_type == "number",
                case((raw.regexp_match(r"^-?[0-9]{1,9}$"), "integer"), else_="real"),
            ),
            (pg_type == "string", "text"),
            (pg_type == "boolean", raw),
            else_=pg_type,
        )
        return JsonField(kind, raw, case((kind == "integer", cast(raw, Integer)), else_=None))
    path = f'$."{key}"'
    kind = func.json_type(column, path)
    raw = func.json_extract(column, path)
    return JsonField(kind, raw, case((kind == "integer", raw), else_=None))
