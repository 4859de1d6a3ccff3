"""The contract suite itself: a deliberately broken column fails exactly what it breaks."""

import datetime as dt

import pytest

from infralab import platform


def _failed(column_type):
    return platform.failed_contracts(platform.run_contracts(platform.SharedColumn(column_type)))


def _rating(**change):
    fields = dict(name="rating", to_text=str, from_text=int, examples=(1, 2, 3, 10),
                  bad_texts=("many",))
    return platform.ColumnType(**{**fields, **change})


def test_every_built_in_type_passes_every_contract():
    for column_type in (platform.TEXT, platform.NUMBER, platform.DATE, platform.STATUS):
        report = platform.run_contracts(platform.SharedColumn(column_type))
        assert report["contract"].tolist() == list(platform.CONTRACTS)
        assert report["passed"].all(), report


@pytest.mark.parametrize(
    ("change", "failed"),
    [
        ({}, []),
        # a number, not text: the platform refuses to export it, so every contract that
        # exports fails with it
        ({"to_text": lambda n: n},
         ["export_is_text", "round_trip", "spreadsheet_round_trip", "filter_finds_value"]),
        ({"to_text": lambda n: "*" * n}, ["round_trip"]),  # cannot be read back
        # "=3" would be a formula, but the platform's exports write it as text
        ({"to_text": lambda n: f"={n}", "from_text": lambda t: int(t.lstrip("="))}, []),
        ({"sort_key": str}, ["sort_order"]),  # "10" before "2"
        ({"from_text": lambda t: int(t) if t.isdigit() else 0}, ["refuses_bad_text"]),
        ({"sort_key": str, "from_text": lambda t: int(t) if t.isdigit() else 0},
         ["sort_order", "refuses_bad_text"]),
    ],
)
def test_a_broken_rating_fails_exactly_the_contracts_it_breaks(change, failed):
    assert _failed(_rating(**change)) == failed


def test_a_date_in_another_format_fails_only_the_iso_contract():
    us = platform.ColumnType(
        "us date", to_text=lambda d: d.strftime("%m/%d/%Y"),
        from_text=lambda t: dt.datetime.strptime(t, "%m/%d/%Y").date(),
        examples=platform.DATE.examples)
    assert _failed(us) == ["dates_iso_8601"]


def test_the_shared_parts_fail_for_a_column_that_brings_its_own():
    class Leaky:
        examples = (1, 2)

        def export_text(self, value):
            return "None" if value is None else str(value)

        def import_text(self, text):
            return int(text)

        def sort_key(self, value):
            return (value is None, value or 0)

        def matches(self, value, query):
            return True

        def may_view(self, role, viewers):
            return True

    assert platform.failed_contracts(platform.run_contracts(Leaky())) == [
        "empty_cells", "filter_finds_value", "permissions"]


def test_the_suite_adds_values_and_texts_the_type_did_not_declare():
    # A number sorted as text passes on its own examples 1, 2, 3; the generated 10 catches it.
    number = platform.ColumnType("n", to_text=repr, from_text=float, examples=(1.0, 2.0, 3.0),
                                 sort_key=str)
    assert _failed(number) == ["sort_order"]
    # A rating from 1 to 5 that reads any whole number: its limits make the suite try 0 and 6.
    rating = platform.ColumnType("rating", to_text=str, from_text=int, examples=(1, 2, 3, 4, 5),
                                 bad_texts=("many",), limits=(1, 5))
    report = platform.run_contracts(platform.SharedColumn(rating))
    assert platform.failed_contracts(report) == ["refuses_bad_text"]
    assert "'0' is read as 0" in report["message"].iloc[-1]
    # ... and a float parse that reads "1.5" fails on the generated fraction.
    def floats(text):
        value = float(text)
        if not 1 <= value <= 5:
            raise ValueError(text)
        return value
    loose = platform.ColumnType("rating", to_text=str, from_text=floats,
                                examples=(1, 2, 3, 4, 5), limits=(1, 5))
    report = platform.run_contracts(platform.SharedColumn(loose))
    assert platform.failed_contracts(report) == ["refuses_bad_text"]  # 1.0 == 1 round-trips
    assert "'1.5' is read as 1.5" in report.set_index("contract").loc["refuses_bad_text",
                                                                        "message"]


def test_a_filter_that_finds_everything_fails():
    class Greedy:
        examples = (1, 2)

        def export_text(self, value):
            return "" if value is None else str(value)

        def import_text(self, text):
            return None if text == "" else int(text)

        def sort_key(self, value):
            return (value is None, value or 0)

        def matches(self, value, query):
            return value is not None

        def may_view(self, role, viewers):
            return viewers is None or role in viewers

    report = platform.run_contracts(Greedy())
    assert platform.failed_contracts(report) == ["filter_finds_value"]
    assert "filtering by '1' also finds 2" in report["message"].iloc[6]


def test_the_spreadsheet_contract_uses_the_platforms_own_exports(monkeypatch):
    # text that looks like a formula passes: Board.to_csv and Board.to_xlsx keep it text
    formula = platform.ColumnType("text", to_text=str, from_text=str,
                                  examples=("=1+1", "@SUM(A1)", "plain"))
    assert _failed(formula) == []
    # break the platform's exporter and the contract fails
    monkeypatch.setattr("infralab.platform.capabilities._csv_safe", lambda text: text)
    assert _failed(formula) == ["spreadsheet_round_trip"]


def test_dates_with_a_time_pass_in_iso_8601():
    stamp = platform.ColumnType(
        "time", to_text=dt.datetime.isoformat, from_text=dt.datetime.fromisoformat,
        examples=(dt.datetime(2025, 1, 1, 9, 0), dt.datetime(2025, 1, 2, 17, 30)))
    assert _failed(stamp) == []


def test_each_failed_contract_gets_one_friendly_line():
    report = platform.run_contracts(platform.SharedColumn(_rating(sort_key=str)))
    lines = report.loc[~report["passed"], "message"].tolist()
    assert lines == [
        "sort_order: sorting gives 1, 10, 100, 2, 3, (empty); expected 1, 2, 3, 10, 100, "
        "(empty) "
        "(sorting puts the examples in ascending order, empty cells last)."]
    assert all("\n" not in line for line in report["message"])


def test_a_contract_that_raises_fails_with_the_error_in_its_line():
    report = platform.run_contracts(platform.SharedColumn(_rating(to_text=lambda n: 1 / 0)))
    message = report.set_index("contract").loc["export_is_text", "message"]
    assert message.startswith("export_is_text: raised ZeroDivisionError: division by zero")


def test_examples_can_be_given_and_are_checked():
    assert platform.failed_contracts(
        platform.run_contracts(platform.SharedColumn(_rating()), examples=[1, 5, 20])) == []
    with pytest.raises(ValueError, match="examples"):
        platform.run_contracts(platform.SharedColumn(_rating()), examples=[1])
    with pytest.raises(TypeError, match="column"):
        platform.run_contracts("rating")
    with pytest.raises(TypeError, match="report"):
        platform.failed_contracts([True])
