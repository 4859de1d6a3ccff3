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
DAYS = pd.date_range("2024-03-01", periods=20, freq="D")


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
    assert mine.ignored == ("Host",) and mine.date_format == "%d/%m/%Y"
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
    days = pd.date_range("2024-03-10", periods=20, freq="D")  # days 10-29: never a month
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
    assert len(mine.frame) == 18 and mine.frame.date.diff().dt.days.max() == 3
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
    text = rows("date,Storage (GiB)", value=lambda i: "12x" if i == 6 else "5")
    error = refused(write(tmp_path, text))
    assert (error.row, error.column) == (8, "Storage (GiB)")
    assert str(error) == "metrics.csv, row 8, column 'Storage (GiB)': '12x' is not a number"


def test_a_date_that_is_not_a_date(tmp_path):
    text = rows().replace("2024-03-05", "2024-03-5x")
    error = refused(write(tmp_path, text))
    assert (error.row, error.column) == (6, "date") and "'2024-03-5x' is not a date" in str(error)


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
    assert "only 10 rows of data" in str(error) and "14" in str(error)


def test_too_few_values_in_one_column(tmp_path):
    text = rows("date,storage,cpu", value=lambda i: f"{100 + i},{40 if i < 5 else ''}")
    error = refused(write(tmp_path, text))
    assert error.column == "cpu" and "only 5 values" in str(error)


@pytest.mark.parametrize("bad", ["0", "-3.5"])
def test_zero_or_negative_values(tmp_path, bad):
    error = refused(write(tmp_path, rows(value=lambda i: bad if i == 2 else "10")))
    assert (error.row, error.column) == (4, "storage_gib") and "not above zero" in str(error)


@pytest.mark.parametrize("text", ["", "   \n\n"])
def test_an_empty_file(tmp_path, text):
    assert "the file is empty" in str(refused(write(tmp_path, text)))


def test_a_header_and_nothing_else(tmp_path):
    assert "only 0 rows of data" in str(refused(write(tmp_path, "date,storage\n")))


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
    line = "metrics.csv, row 2, column 'storage_gib': 'n/a' is not a number\n"
    assert capsys.readouterr().out == line


@pytest.mark.parametrize(
    ("option", "value"),
    [("path", 3), ("path", b"x.csv"), ("min_rows", 2), ("resources", "storage")],
)
def test_bad_arguments_are_refused_by_name(tmp_path, option, value):
    arguments = {"path": write(tmp_path, rows()), option: value}
    with pytest.raises((TypeError, ValueError), match=option):
        capstone.read_metrics_csv(**arguments)
