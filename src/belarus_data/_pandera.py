"""Table Schema -> pandera schema.

pandera's own ``from_frictionless_schema`` reads dates as strings, integers as non-nullable
int64 and knows neither list columns nor our item constraints, so this derives the checks from
the same :class:`~belarus_data.schema.TableSchema` the loader uses instead of keeping a second copy.
"""
from __future__ import annotations

import re

import pandera.pandas as pa

from .schema import Field, TableSchema

_URI = r"^https?://\S+$"


def table_to_pandera(schema: TableSchema) -> pa.DataFrameSchema:
    pk = list(schema.primary_key)
    return pa.DataFrameSchema(
        {f.name: _column(f) for f in schema.fields},
        strict=True,
        ordered=True,
        unique=pk if len(pk) > 1 else None,
        name=schema.name,
    )


def _column(f: Field) -> pa.Column:
    checks: list[pa.Check] = []
    if f.pattern:
        checks.append(pa.Check.str_matches(f.pattern, name="pattern"))
    if f.minimum is not None:
        checks.append(pa.Check.ge(f.minimum, name="minimum"))
    if f.maximum is not None:
        checks.append(pa.Check.le(f.maximum, name="maximum"))
    if f.is_list:
        checks += _list_checks(f)
    elif f.type == "string" and f.name.endswith("url"):
        checks.append(pa.Check.str_matches(_URI, name="uri"))
    return pa.Column(
        None if f.is_list else f.pandas_dtype,
        checks=checks,
        nullable=not f.required or f.is_list,
        unique=f.unique,
        required=True,
        name=f.name,
    )


def _list_checks(f: Field) -> list[pa.Check]:
    checks = [pa.Check(lambda v: isinstance(v, list), element_wise=True, name="type")]
    if f.required:
        checks.append(pa.Check(lambda v: len(v) > 0 and all(v), element_wise=True, name="required"))
    else:
        checks.append(pa.Check(lambda v: all(v), element_wise=True, name="list_item"))
    if f.item_pattern:
        pattern = re.compile(f.item_pattern)
        checks.append(pa.Check(lambda v: all(pattern.fullmatch(x) for x in v), element_wise=True,
                               name="item_pattern"))
    if f.item_enum:
        allowed = set(f.item_enum)
        checks.append(pa.Check(lambda v: set(v) <= allowed, element_wise=True, name="item_enum"))
    return checks
