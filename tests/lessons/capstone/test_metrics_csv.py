"""The bring-your-own-metrics reader on every shape a real export takes, and every refusal.

Accepted: extra columns, other date formats, thousands separators and decimal commas,
units in the header, gaps in days and empty cells, one resource only, other delimiters.
Refused, each with one line naming the file and, where there is one, the row (the
header is row 1) and the column: a missing column, non-numeric values, unsorted or
repeated dates, too few rows, zero or negative values, an empty file, not a CSV.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from infralab import capstone

ROOT = Path(__file__).resolve().parents[3]
DAYS = pd.date_range("2024-03-01", periods=28, freq="D")  # four of each weekday


def write(folder: Path, text: str | bytes, name: str = "metrics.csv") -> Path:
    path = folder / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def rows(header="date,storage_gib", *, fmt="%Y-%m-%d", value=lambda i: f"{100 + i}", sep=","):
    return "\n".join([header] + [f"{d.strftime(fmt)}{sep}{value(i)}" for i, d in enumerate(DAYS)])


def refused(path: Path, **options) -> capstone.MetricsFileError:
    with pytest.raises(capstone.MetricsFileError) as caught:
        capstone.read_metrics_csv(path, **options)
    message = str(caught.value)
    assert "\n" not in message and message.startswith(path.name)
    assert "Traceback" not in message
    return caught.value


# --------------------------------------------------------------------------- accepted


def test_the_example_export_reads_with_its_units_gaps_and_extra_column():
    mine = capstone.read_metrics_csv(ROOT / "data" / "my_metrics_example.csv")
    assert mine.resources == ["storage", "cpu_peak", "connections"]
    assert mine.units == {"storage": "GiB", "cpu_peak": "%", "connections": ""}
    assert mine.ignored == ("Host",) and mine.date_format == "%d/%m/%Y" and mine.notes == ()
    frame = mine.frame
    assert len(frame) == 178 and frame.date.is_monotonic_increasing
    assert (frame.date.diff().dt.days > 1).sum() == 3  # six missing days in three gaps
    metrics = pd.read_csv(ROOT / "data" / "postgres_metrics.csv", parse_dates=["date"])
    same = metrics.set_index("date").loc[frame.date]
    np.testing.assert_allclose(frame.storage, same.storage_gib)
    np.testing.assert_allclose(frame.connections, same.connections_peak)


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [("%Y-%m-%d", "%Y-%m-%d"), ("%Y/%m/%d", "%Y/%m/%d"), ("%d/%m/%Y", "%d/%m/%Y"),
     ("%d.%m.%Y", "%d.%m.%Y"), ("%d-%m-%Y", "%d-%m-%Y"), ("%d %b %Y", "%d %b %Y"),
     ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d"), ("%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%d")],
)
def test_other_date_formats(tmp_path, fmt, expected):
    mine = capstone.read_metrics_csv(write(tmp_path, rows(fmt=fmt)))
    assert mine.date_format == expected
    assert list(mine.frame.date) == list(DAYS)


def test_month_first_dates_when_only_that_reading_fits(tmp_path):
    days = pd.date_range("2024-03-13", periods=28, freq="D")  # 13 Mar: no 13th month
    text = "\n".join(["date,cpu"] + [f"{d:%m/%d/%Y},{50 + i}" for i, d in enumerate(days)])
    mine = capstone.read_metrics_csv(write(tmp_path, text))
    assert mine.date_format == "%m/%d/%Y" and list(mine.frame.date) == list(days)


@pytest.mark.parametrize(
    ("sep", "cell", "expected"),
    [(",", '"1,234.5"', 1234.5), (";", "1.234,5", 1234.5), (";", "1 234,5", 1234.5),
     (",", "1'234.5", 1234.5), ("\t", "1,234.5", 1234.5), (",", "45.5 %", 45.5),
     (";", "0,75", 0.75), (",", '"12,480,001"', 12_480_001.0)],
)
def test_thousands_separators_decimal_commas_and_delimiters(tmp_path, sep, cell, expected):
    text = rows(f"date{sep}storage", sep=sep, value=lambda i: cell)
    mine = capstone.read_metrics_csv(write(tmp_path, text))
    assert mine.resources == ["storage"]
    assert mine.frame.storage.tolist() == [expected] * len(DAYS)


@pytest.mark.parametrize(
    ("header", "name", "unit"),
    [("Storage (GiB)", "storage", "GiB"), ("cpu [%]", "cpu", "%"),
     ("Peak connections", "peak_connections", ""), ("XID age (millions)", "xid_age", "millions")],
)
def test_units_in_the_header(tmp_path, header, name, unit):
    mine = capstone.read_metrics_csv(write(tmp_path, rows(f"Day,{header}")))
    assert mine.resources == [name] and mine.units == {name: unit}


def test_extra_columns_are_set_aside_and_listed(tmp_path):
    text = "\n".join(["region,date,host,storage,note"] + [
        f"eu-west-1,{d:%Y-%m-%d},db-{i % 2},{100 + i},{'deploy' if i == 3 else ''}"
        for i, d in enumerate(DAYS)
    ])
    mine = capstone.read_metrics_csv(write(tmp_path, text))
    assert mine.resources == ["storage"] and mine.ignored == ("region", "host", "note")


def test_gaps_in_days_and_empty_cells_are_kept_as_gaps(tmp_path):
    lines = rows("date,storage,cpu", value=lambda i: f"{100 + i},{'' if i == 5 else 40 + i}")
    lines = "\n".join(line for n, line in enumerate(lines.splitlines()) if n not in (8, 9))
    mine = capstone.read_metrics_csv(write(tmp_path, lines))
    assert len(mine.frame) == 26 and mine.frame.date.diff().dt.days.max() == 3
    assert mine.frame.cpu.isna().sum() == 1 and mine.frame.storage.notna().all()


def test_a_utf8_bom_and_blank_lines_do_not_matter(tmp_path):
    text = "\ufeff" + rows("date,storage") + "\n\n"
    assert capstone.read_metrics_csv(write(tmp_path, text)).resources == ["storage"]


def test_required_resources_present(tmp_path):
    path = write(tmp_path, rows("date,storage,cpu", value=lambda i: f"{100 + i},{40 + i}"))
    assert capstone.read_metrics_csv(path, resources=["cpu"]).resources == ["storage", "cpu"]


# --------------------------------------------------------------------------- refused


def test_a_missing_required_column(tmp_path):
    error = refused(write(tmp_path, rows("date,cpu")), resources=["storage"])
    assert error.row == 1 and "'storage' is missing" in str(error) and "['cpu']" in str(error)


def test_no_column_of_numbers(tmp_path):
    error = refused(write(tmp_path, rows("date,host", value=lambda i: "db-1")))
    assert "no column of numbers" in str(error)


def test_only_one_column(tmp_path):
    error = refused(write(tmp_path, "\n".join(["date"] + [f"{d:%Y-%m-%d}" for d in DAYS])))
    assert error.row == 1 and "one column" in str(error)


def test_a_value_that_is_not_a_number(tmp_path):
    text = rows("date,Storage (GiB)", value=lambda i: "twelve" if i == 6 else "5")
    error = refused(write(tmp_path, text))
    assert (error.row, error.column) == (8, "Storage (GiB)")
    assert str(error) == (
        "metrics.csv, row 8, column 'Storage (GiB)': 'twelve' is not a number (leave the cell "
        "empty if there was no reading)"
    )


def test_a_date_that_is_not_a_date(tmp_path):
    text = rows().replace("2024-03-05", "2024-03-5x")
    error = refused(write(tmp_path, text))
    assert (error.row, error.column) == (6, "date") and "'2024-03-5x' is not a date" in str(error)


@pytest.mark.parametrize(
    "header", ["host,storage (GiB),cpu (%)", "storage (GiB),cpu (%)", "storage,host,cpu"])
def test_a_file_without_dates_is_told_so_and_no_other_column_is_blamed(tmp_path, header):
    cells = {"host": "db-primary-1", "storage (GiB)": '"5,732.8"', "storage": "5732.8",
             "cpu (%)": "47.8", "cpu": "47.8"}
    line = ",".join(cells[head] for head in header.split(","))
    error = refused(write(tmp_path, "\n".join([header] + [line] * 28)))
    assert (error.row, error.column) == (None, None)
    assert str(error) == (
        "metrics.csv: no column holds dates: add one with each row's day, written as YYYY-MM-DD")


def test_a_bad_date_is_blamed_on_the_dates_column_whatever_its_header(tmp_path):
    text = rows("Zeitpunkt,host,storage")
    lines = [line if n == 0 else line.replace(",", ",db-1,", 1) for n, line in
             enumerate(text.splitlines())]
    lines[6] = lines[6].replace("2024-03-06", "2024-03-6x")
    error = refused(write(tmp_path, "\n".join(lines)))
    assert (error.row, error.column) == (7, "Zeitpunkt")
    assert "'2024-03-6x' is not a date" in str(error)


def test_dates_in_two_formats(tmp_path):
    text = rows().replace("2024-03-05", "05/03/2024")
    error = refused(write(tmp_path, text))
    assert error.column == "date" and "not all written the same way" in str(error)


def test_ambiguous_day_and_month(tmp_path):
    days = pd.date_range("2024-01-01", periods=14, freq="D")  # 01..12 fits both readings
    text = "\n".join(["date,cpu"] + [f"{d:%m/%d/%Y},{50 + i}" for i, d in enumerate(days[:12])])
    error = refused(write(tmp_path, text), min_rows=3)
    assert "YYYY-MM-DD" in str(error) and error.column == "date"


def test_unsorted_dates(tmp_path):
    lines = rows().splitlines()
    lines[4], lines[5] = lines[5], lines[4]
    error = refused(write(tmp_path, "\n".join(lines)))
    assert (error.row, error.column) == (6, "date")
    assert "2024-03-04 is listed after 2024-03-05: sort the rows" in str(error)


def test_repeated_dates(tmp_path):
    lines = rows().splitlines()
    lines.insert(4, lines[3])
    error = refused(write(tmp_path, "\n".join(lines)))
    assert (error.row, error.column) == (5, "date") and "appears twice" in str(error)


def test_too_few_rows(tmp_path):
    error = refused(write(tmp_path, "\n".join(rows().splitlines()[:11])))
    assert "only 10 rows of data" in str(error) and "21" in str(error)


def test_too_few_values_in_one_column(tmp_path):
    text = rows("date,storage,cpu", value=lambda i: f"{100 + i},{40 if i < 5 else ''}")
    error = refused(write(tmp_path, text))
    assert error.column == "cpu" and "only 5 readings" in str(error)


@pytest.mark.parametrize("bad", ["0", "-3.5"])
def test_zero_or_negative_values(tmp_path, bad):
    error = refused(write(tmp_path, rows(value=lambda i: bad if i == 2 else "10")))
    assert (error.row, error.column) == (4, "storage_gib") and "not above zero" in str(error)


@pytest.mark.parametrize("text", ["", "   \n\n"])
def test_an_empty_file(tmp_path, text):
    assert "the file is empty" in str(refused(write(tmp_path, text)))


def test_a_header_and_nothing_else(tmp_path):
    assert "has a header but no rows of data" in str(refused(write(tmp_path, "date,storage\n")))


def test_a_row_with_the_wrong_number_of_cells(tmp_path):
    text = rows().replace("2024-03-05,104", "2024-03-05,104,extra")
    error = refused(write(tmp_path, text))
    assert error.row == 6 and "3 cells but the header has 2" in str(error)


def test_a_spreadsheet_workbook_is_not_a_csv(tmp_path):
    error = refused(write(tmp_path, b"PK\x03\x04" + bytes(200), "metrics.xlsx"))
    assert "save it as CSV" in str(error)


def test_binary_data_is_not_a_csv(tmp_path):
    error = refused(write(tmp_path, bytes(range(256)) * 4, "metrics.parquet"))
    assert "not a CSV text file" in str(error)


def test_a_missing_file(tmp_path):
    assert "no such file" in str(refused(tmp_path / "nowhere.csv"))


def test_the_error_is_a_value_error_a_notebook_can_catch_in_one_line(tmp_path, capsys):
    path = write(tmp_path, rows(value=lambda i: "n/a" if i == 0 else "1"))
    try:
        capstone.read_metrics_csv(path)
    except capstone.MetricsFileError as problem:
        assert isinstance(problem, ValueError)
        print(problem)
    line = ("metrics.csv, row 2, column 'storage_gib': 'n/a' is not a number (leave the cell "
            "empty if there was no reading)\n")
    assert capsys.readouterr().out == line


@pytest.mark.parametrize(
    ("option", "value"),
    [("path", 3), ("path", b"x.csv"), ("min_rows", 2), ("resources", "storage")],
)
def test_bad_arguments_are_refused_by_name(tmp_path, option, value):
    arguments = {"path": write(tmp_path, rows()), option: value}
    with pytest.raises((TypeError, ValueError), match=option):
        capstone.read_metrics_csv(**arguments)


# --------------------------------------------------------------------------- the review's cases


@pytest.mark.parametrize(
    ("sep", "cells", "expected"),
    [(",", ["0.512"], [0.512]),  # three decimals are decimals, not thousands
     (",", ["1.000", "1.011", "1.319"], [1.0, 1.011, 1.319]),  # a TiB column
     (",", ["1.25", "1.5", "1.125"], [1.25, 1.5, 1.125]),  # mixed numbers of decimals
     (";", ["1,100", "1,25"], [1.1, 1.25]),  # in a ; file the comma is the decimal point
     (",", ['"1.234.567"', '"2.000.000"'], [1_234_567.0, 2_000_000.0]),  # repeated dot groups
     (",", ['"1.234,5"', "7"], [1234.5, 7.0]),  # a decimal comma makes the dots groups
     (",", ['"1,234"', "7.5"], [1234.0, 7.5])],  # a comma group beside a decimal point
)
def test_what_a_comma_and_a_dot_mean_is_decided_per_column(tmp_path, sep, cells, expected):
    text = rows(f"date{sep}storage", sep=sep, value=lambda i: cells[i % len(cells)])
    mine = capstone.read_metrics_csv(write(tmp_path, text))
    assert mine.frame.storage.tolist()[: len(cells)] == expected


def test_a_column_that_mixes_both_conventions_is_refused(tmp_path):
    text = rows("date,load", value=lambda i: '"1,234.5"' if i == 0 else '"0,75"')
    error = refused(write(tmp_path, text))
    assert error.column == "load" and "mixes a decimal comma and a decimal point" in str(error)


def test_a_zero_in_a_column_not_asked_for_sets_it_aside(tmp_path):
    path = write(tmp_path, rows("date,storage,errors", value=lambda i: f"{100 + i},0"))
    mine = capstone.read_metrics_csv(path, resources=["storage"])
    assert mine.resources == ["storage"] and mine.ignored == ("errors",)
    assert mine.notes == ("column 'errors' set aside: 0 is not above zero: a size or a rate "
                          "must be positive to fit its growth (leave the cell empty if there "
                          "was no reading) (row 2)",)
    error = refused(path)  # without resources=, every numeric column is a resource
    assert (error.row, error.column) == (2, "errors")


def test_units_inside_the_cells_are_named(tmp_path):
    error = refused(write(tmp_path, rows("date,storage,cpu", value=lambda i: f"{100 + i} GiB,40")))
    assert (error.row, error.column) == (2, "storage")
    assert "'100 GiB' is not a number (put the unit in the header" in str(error)


def test_a_column_mostly_na_names_its_first_bad_cell(tmp_path):
    text = rows("date,storage,cpu", value=lambda i: f"{100 + i},{40 if i % 3 == 0 else 'n/a'}")
    error = refused(write(tmp_path, text))
    assert (error.row, error.column) == (3, "cpu") and "'n/a' is not a number" in str(error)


@pytest.mark.parametrize(
    ("header", "before"),
    [("Uptime (%),date,storage", "99.9"), ("Last updated by,Date,storage", "alice")],
)
def test_the_date_column_is_the_one_that_holds_dates(tmp_path, header, before):
    text = "\n".join([header] + [f"{before},{d:%Y-%m-%d},{100 + i}" for i, d in enumerate(DAYS)])
    mine = capstone.read_metrics_csv(write(tmp_path, text), resources=["storage"])
    assert list(mine.frame.date) == list(DAYS) and mine.frame.storage.iloc[-1] == 127


def test_month_first_with_dashes(tmp_path):
    days = pd.date_range("2021-03-13", periods=28, freq="D")  # 13-31: never a month
    text = "\n".join(["date,cpu"] + [f"{d:%m-%d-%Y},{50 + i}" for i, d in enumerate(days)])
    mine = capstone.read_metrics_csv(write(tmp_path, text))
    assert mine.date_format == "%m-%d-%Y" and list(mine.frame.date) == list(days)


def test_month_first_with_dashes_that_could_be_day_first_is_refused(tmp_path):
    days = [f"{m:02d}-05-{y}" for y in (2020, 2021) for m in range(1, 13)]  # monthly, 5th
    text = "\n".join(["date,cpu"] + [f"{d},{50 + i}" for i, d in enumerate(days)])
    error = refused(write(tmp_path, text), min_rows=3)
    assert error.column == "date" and "%d-%m-%Y or %m-%d-%Y alike" in str(error)


def test_too_few_readings_of_one_weekday(tmp_path):
    lines = rows().splitlines()
    del lines[1], lines[7]  # two Fridays (1 and 8 March 2024) gone: 26 rows, two Fridays left
    error = refused(write(tmp_path, "\n".join(lines)))
    assert error.column == "storage_gib"
    assert "Fridays have 2 readings; the weekly cycle needs at least 3" in str(error)


@pytest.mark.parametrize(
    "fmt", ["%Y-%m-%dT%H:%M:%S.000+00:00", "%Y-%m-%dT%H:%M:%S.123Z", "%Y-%m-%d %H:%M:%S+02:00"]
)
def test_iso_dates_with_milliseconds_or_an_offset(tmp_path, fmt):
    mine = capstone.read_metrics_csv(write(tmp_path, rows(fmt=fmt)))
    assert mine.date_format == "%Y-%m-%d" and list(mine.frame.date) == list(DAYS)


def test_newest_first_is_turned_round_with_a_note(tmp_path):
    lines = rows().splitlines()
    mine = capstone.read_metrics_csv(write(tmp_path, "\n".join([lines[0], *lines[:0:-1]])))
    assert list(mine.frame.date) == list(DAYS) and mine.frame.storage_gib.iloc[0] == 100
    assert mine.notes == ("the rows run newest first: read oldest first",)


def test_an_excel_sep_line_and_a_comment_line(tmp_path):
    text = "sep=;\n" + rows("date;storage", sep=";", value=lambda i: "1,5")
    assert capstone.read_metrics_csv(write(tmp_path, text)).frame.storage.iloc[0] == 1.5
    text = "# exported 2024-04-01\n" + rows()
    assert capstone.read_metrics_csv(write(tmp_path, text)).resources == ["storage_gib"]


@pytest.mark.parametrize(
    ("cell", "says"),
    [(lambda i: 45352 + i, "looks like an Excel serial date"),
     (lambda i: 1709251200 + 86400 * i, "looks like Unix time")],
)
def test_dates_written_as_numbers_are_named(tmp_path, cell, says):
    text = "\n".join(["date,storage"] + [f"{cell(i)},{100 + i}" for i in range(28)])
    error = refused(write(tmp_path, text))
    assert (error.row, error.column) == (2, "date") and says in str(error)


def test_a_quote_that_never_closes_names_its_row(tmp_path):
    text = rows().replace("2024-03-05,104", '2024-03-05,"104')
    error = refused(write(tmp_path, text))
    assert error.row == 6 and "never closes" in str(error)


@pytest.mark.parametrize(
    ("header", "name", "unit"), [("cpu %", "cpu", "%"), ("Größe (GiB)", "größe", "GiB")]
)
def test_more_units_and_names(tmp_path, header, name, unit):
    mine = capstone.read_metrics_csv(write(tmp_path, rows(f"date,{header}")))
    assert mine.resources == [name] and mine.units == {name: unit}


def test_a_large_export_reads_in_seconds(tmp_path):
    import time

    days = pd.date_range("1800-01-01", periods=20_000, freq="D")
    text = "\n".join(
        ["date,a,b,c,d,e"] + [f"{d:%Y-%m-%d},{1 + i},2,3,4,5" for i, d in enumerate(days)]
    )
    start = time.perf_counter()
    mine = capstone.read_metrics_csv(write(tmp_path, text))
    assert len(mine.frame) == 20_000 and time.perf_counter() - start < 5
