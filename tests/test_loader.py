"""The loader returns typed frames that carry their provenance."""
from __future__ import annotations

import pandas as pd
import pytest

import belarus_data as bd
from belarus_data.schema import schemas

TABLES = list(schemas())


def test_every_table_has_a_loader_function_named_after_it():
    for name in TABLES:
        assert callable(getattr(bd, name)), f"belarus_data.{name}() is missing"
        assert getattr(bd, name)().attrs["table"] == name


def test_load_all_returns_every_table_keyed_by_name():
    assert list(bd.load_all()) == TABLES == bd.table_names()


@pytest.mark.parametrize("name", TABLES)
def test_columns_have_the_dtype_their_schema_declares(name):
    frame = bd.load(name)
    for field in schemas()[name].fields:
        column = frame[field.name]
        if field.is_list:
            assert column.map(lambda v: isinstance(v, list)).all(), field.name
        elif field.enum is not None:
            assert isinstance(column.dtype, pd.CategoricalDtype), field.name
            assert list(column.cat.categories) == list(field.enum)
        elif field.type == "date":
            assert column.dtype == "datetime64[ns]", field.name
        elif field.type == "integer":
            assert column.dtype == "Int64", field.name
        elif field.type == "number":
            assert column.dtype == "Float64", field.name
        elif field.type == "boolean":
            assert column.dtype == "boolean", field.name
        else:
            assert column.dtype == "string", field.name


@pytest.mark.parametrize("name", TABLES)
def test_frames_record_table_version_and_citation(name):
    attrs = bd.load(name).attrs
    assert attrs["table"] == name
    assert attrs["version"] == bd.__version__
    assert "belarus-data" in attrs["citation"]


def test_loading_counts_every_data_line_of_the_file():
    for name in TABLES:
        path = bd.load(name).attrs["path"]
        with open(path, encoding="utf-8") as f:
            lines = [line for line in f if line.strip()]
        assert len(bd.load(name)) == len(lines) - 1


def test_released_prisoners_joins_people_to_their_releases():
    view = bd.released_prisoners()
    links = bd.prisoner_releases()
    assert len(view) == len(links)
    known = view.dropna(subset=["detained_on", "release_date"])
    assert ((known.release_date - known.detained_on).dt.days == known.days_in_detention).all()
    unknown = view[view.detained_on.isna()]
    assert unknown.days_in_detention.isna().all()


def test_an_unknown_table_name_lists_the_known_ones():
    with pytest.raises(KeyError, match="releases"):
        bd.load("relases")


def test_changing_a_loaded_frame_does_not_change_the_next_load():
    first = bd.prisoners()
    first.loc[0, "name"] = "changed"
    first.aliases.iloc[0].append("changed")
    again = bd.prisoners()
    assert again.loc[0, "name"] != "changed"
    assert "changed" not in again.aliases.iloc[0]


@pytest.mark.parametrize("name", TABLES)
def test_the_fast_loader_and_the_cell_by_cell_reader_agree(name):
    from belarus_data._read import read_table, read_typed

    schema = schemas()[name]
    data = open(bd.load(name).attrs["path"], "rb").read()
    pd.testing.assert_frame_equal(read_typed(data, schema, name), read_table(data, schema, name).frame)
