"""Column types and the registry."""

import datetime as dt

import pytest

from infralab import platform


def test_built_in_types_round_trip_their_examples():
    for column_type in (platform.TEXT, platform.NUMBER, platform.DATE, platform.STATUS):
        for value in column_type.examples:
            assert column_type.from_text(column_type.to_text(value)) == value
    assert platform.DATE.to_text(dt.date(2026, 1, 2)) == "2026-01-02"
    assert sorted(["Done", "Stuck", "Working on it"], key=platform.STATUS.sort_key) == [
        "Stuck", "Working on it", "Done"]


def test_a_new_type_is_one_statement_and_sorts_by_its_value_by_default():
    rating = platform.ColumnType("rating", to_text=str, from_text=int, examples=[1, 2, 3])
    assert rating.examples == (1, 2, 3)
    assert rating.sort_key(3) == 3


@pytest.mark.parametrize(
    ("change", "message"),
    [({"name": ""}, "name"), ({"to_text": "str"}, "to_text"), ({"from_text": None}, "from_text"),
     ({"examples": (1,)}, "examples"), ({"examples": "12"}, "examples"),
     ({"examples": (1, None)}, "examples"), ({"sort_key": 3}, "sort_key"),
     ({"bad_texts": (1,)}, "bad_texts")],
)
def test_a_bad_column_type_names_the_field(change, message):
    fields = dict(name="rating", to_text=str, from_text=int, examples=(1, 2))
    with pytest.raises((TypeError, ValueError), match=message):
        platform.ColumnType(**{**fields, **change})


def test_the_registry_holds_types_by_name_and_refuses_a_second_with_the_same_name():
    registry = platform.standard_registry()
    assert registry.names() == ("text", "number", "date", "status")
    rating = platform.ColumnType("rating", to_text=str, from_text=int, examples=(1, 2))
    registry.register(rating)
    assert registry.get("rating") is rating and "rating" in registry and len(registry) == 5
    with pytest.raises(ValueError, match="already registered"):
        registry.register(platform.ColumnType("rating", to_text=str, from_text=int,
                                              examples=(1, 2)))
    other = platform.ColumnType("rating", to_text=repr, from_text=int, examples=(1, 2))
    registry.register(other, replace=True)
    assert registry.get("rating") is other
    with pytest.raises(KeyError, match="timeline"):
        registry.get("timeline")
    with pytest.raises(TypeError, match="column_type"):
        registry.register("rating")
    # each standard registry is new: registering in one leaves the next untouched
    assert "rating" not in platform.standard_registry()
