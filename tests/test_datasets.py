"""Tests for infralab.datasets: reproducible files, checksums, loading and the lesson's story."""

from __future__ import annotations

import ast
import hashlib
import importlib
import os
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from infralab import datasets
from infralab.datasets import (
    DATASETS,
    MANIFEST_NAME,
    README_NAME,
    Column,
    core,
)
from infralab.paths import data_dir

POSTGRES_FILE = DATASETS["postgres_metrics"].file_name
SPIKE_DATE = pd.Timestamp("2020-03-16")
PRE_SPIKE_FORECAST_DATE = pd.Timestamp("2020-02-29")
END_DATE = pd.Timestamp("2020-12-31")
PRE_SPIKE_WINDOW_DAYS = 365  # the steady year before the spike
POST_SPIKE_WINDOW_DAYS = 90  # trailing window at the end of the data
#: Limits the lesson projects to. 90% CPU is the practical ceiling; XID warnings start
#: 40 million before wraparound at 2**31 (PostgreSQL docs, "Routine Vacuuming").
LIMITS = {
    "storage_gib": 65_536.0,
    "cpu_peak_pct": 90.0,
    "connections_peak": 5_000.0,
    "xid_age_millions": (2**31 - 40e6) / 1e6,
}
GROWTH_COLUMNS = (
    "storage_gib",
    "rows_inserted_millions",
    "write_tps_peak",
    "cpu_peak_pct",
    "connections_peak",
    "xid_age_millions",
)


@pytest.fixture(scope="module")
def metrics() -> pd.DataFrame:
    return datasets.load_postgres_metrics()


@pytest.fixture
def copy_of_data(tmp_path):
    datasets.write_all(tmp_path)
    return tmp_path


def _log_linear_fit(frame, column, as_of, window_days):
    """Least-squares line through log(values) over the trailing window ending at ``as_of``.

    Returns (slope per day, log value at ``as_of``).
    """
    in_window = (frame["date"] > as_of - pd.Timedelta(days=window_days)) & (
        frame["date"] <= as_of
    )
    days = (frame.loc[in_window, "date"] - as_of).dt.days.to_numpy(float)
    slope, intercept = np.polyfit(days, np.log(frame.loc[in_window, column].to_numpy(float)), 1)
    return slope, intercept


def _crossing_date(frame, column, as_of, window_days):
    slope, intercept = _log_linear_fit(frame, column, as_of, window_days)
    assert slope > 0, f"{column} does not grow in the window ending {as_of.date()}"
    return as_of + pd.Timedelta(days=(np.log(LIMITS[column]) - intercept) / slope)


def _write_postgres(tmp_path, frame):
    path = tmp_path / POSTGRES_FILE
    frame.to_csv(path, index=False, lineterminator="\n")
    return path


def _committed_text_frame():
    return pd.read_csv(data_dir() / POSTGRES_FILE, dtype=str, keep_default_na=False)


# --- files: reproducible, checksummed, verified ------------------------------------------


def test_regeneration_matches_committed_files_byte_for_byte(tmp_path):
    written = datasets.write_all(tmp_path)
    assert [path.name for path in written] == [
        *(dataset.file_name for dataset in DATASETS.values()),
        README_NAME,
        MANIFEST_NAME,
    ]
    for path in written:
        assert path.read_bytes() == (data_dir() / path.name).read_bytes(), path.name


def test_committed_data_verifies_clean():
    assert datasets.verify() == []


def test_manifest_matches_committed_files():
    lines = (data_dir() / MANIFEST_NAME).read_text(encoding="utf-8").splitlines()
    listed = dict(reversed(line.split("  ", 1)) for line in lines)
    expected = {dataset.file_name for dataset in DATASETS.values()} | {README_NAME}
    assert set(listed) == expected
    for file, digest in listed.items():
        assert hashlib.sha256((data_dir() / file).read_bytes()).hexdigest() == digest


def test_csv_uses_unix_line_ends_fixed_decimals_and_no_index():
    text = (data_dir() / POSTGRES_FILE).read_bytes().decode("utf-8")
    assert "\r" not in text
    lines = text.split("\n")
    assert lines[0] == ",".join(DATASETS["postgres_metrics"].column_names)
    assert lines[-1] == ""  # file ends with one newline
    assert len(lines) == 1_096 + 2
    first = lines[1].split(",")
    assert first[0] == "2018-01-01"
    assert re.fullmatch(r"\d+\.\d", first[1])  # storage_gib: one decimal
    assert re.fullmatch(r"\d+\.\d{3}", first[2])  # rows_inserted_millions: three
    assert re.fullmatch(r"\d+", first[3])  # write_tps_peak: whole number


def test_verify_reports_a_tampered_copy(copy_of_data):
    csv = copy_of_data / POSTGRES_FILE
    csv.write_bytes(csv.read_bytes().replace(b"2018-01-05,", b"2018-01-05,9", 1))
    problems = datasets.verify(copy_of_data)
    assert f"{POSTGRES_FILE}: checksum does not match {MANIFEST_NAME}" in problems
    assert any(p.startswith(f"{POSTGRES_FILE} differs from a fresh regeneration") for p in problems)
    assert len(problems) == 2


def test_verify_catches_a_tampered_file_even_with_an_updated_manifest(copy_of_data):
    csv = copy_of_data / POSTGRES_FILE
    tampered = csv.read_bytes().replace(b"\n2018-01-05,", b"\n2018-01-05,9", 1)
    csv.write_bytes(tampered)
    manifest = copy_of_data / MANIFEST_NAME
    lines = [
        f"{hashlib.sha256(tampered).hexdigest()}  {POSTGRES_FILE}"
        if line.endswith(POSTGRES_FILE)
        else line
        for line in manifest.read_text().splitlines()
    ]
    manifest.write_text("\n".join(lines) + "\n")
    problems = datasets.verify(copy_of_data)
    assert len(problems) == 1
    assert problems[0].startswith(f"{POSTGRES_FILE} differs from a fresh regeneration")


def test_verify_reports_missing_files(copy_of_data):
    (copy_of_data / POSTGRES_FILE).unlink()
    (copy_of_data / MANIFEST_NAME).unlink()
    problems = datasets.verify(copy_of_data)
    assert problems[0] == f"{MANIFEST_NAME} is missing from {copy_of_data}"
    assert problems[1].startswith(f"{POSTGRES_FILE} is missing from {copy_of_data}")
    assert len(problems) == 2


def test_verify_reports_an_edited_readme(copy_of_data):
    readme = copy_of_data / README_NAME
    readme.write_text(readme.read_text() + "edited by hand\n")
    problems = datasets.verify(copy_of_data)
    assert problems == [
        f"{README_NAME}: checksum does not match {MANIFEST_NAME}",
        f"{README_NAME} differs from a fresh regeneration; run `make data` to rebuild it",
    ]


def test_write_all_rewrites_only_what_changed_and_leaves_no_temporary_file(copy_of_data):
    old_time = 1_000_000_000
    for path in copy_of_data.iterdir():
        os.utime(path, (old_time, old_time))
    (copy_of_data / README_NAME).write_text("edited by hand\n")
    datasets.write_all(copy_of_data)
    changed = sorted(
        path.name for path in copy_of_data.iterdir() if path.stat().st_mtime != old_time
    )
    assert changed == [README_NAME]  # the manifest already held the README's right checksum
    assert sorted(path.name for path in copy_of_data.iterdir()) == sorted(
        [*(dataset.file_name for dataset in DATASETS.values()), README_NAME, MANIFEST_NAME]
    )
    assert datasets.verify(copy_of_data) == []


# --- the package: one module per data set -------------------------------------------------


def test_each_dataset_has_a_module_named_like_its_file():
    for name, dataset in DATASETS.items():
        assert dataset.file_name == f"{name}.csv"
        assert importlib.import_module(f"infralab.datasets.{name}").DATASET is dataset


def _infralab_imports(path: Path) -> set[str]:
    """The infralab modules a file of ``infralab.datasets`` imports, relative imports resolved."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            package = "infralab.datasets".rsplit(".", node.level - 1)[0] if node.level else ""
            module = ".".join(part for part in (package, node.module) if part)
            if node.module:
                names.add(module)
            else:  # from . import name
                names |= {f"{module}.{alias.name}" for alias in node.names}
    return {name for name in names if name.startswith("infralab")}


def test_the_core_knows_no_dataset_and_datasets_know_only_the_core():
    folder = Path(core.__file__).parent
    assert _infralab_imports(folder / "core.py") <= {
        "infralab.files",
        "infralab.paths",
        "infralab.validation",
    }
    modules = sorted(set(folder.glob("*.py")) - {folder / "core.py", folder / "__init__.py"})
    assert sorted(path.stem for path in modules) == sorted(DATASETS)
    for path in modules:
        imports = _infralab_imports(path)
        assert imports <= {"infralab.datasets.core", "infralab.validation"}, path.name



# --- the data dictionary --------------------------------------------------------------------


def test_readme_lists_every_dataset_and_column_with_its_unit():
    readme = (data_dir() / README_NAME).read_text(encoding="utf-8")
    for name, dataset in DATASETS.items():
        assert f"## `{dataset.file_name}`" in readme
        assert f"load({name!r})" in readme
        assert dataset.provenance in readme
        for column in dataset.columns:
            assert f"| `{column.name}` | {column.dtype} | {column.unit} |" in readme


def test_provenance_names_its_sources_and_assumptions():
    provenance = DATASETS["postgres_metrics"].provenance
    for source in ("Herding elephants", "AWS documentation", "Routine Vacuuming"):
        assert source in provenance
    assert "Illustrative assumptions" in provenance
    assert "unverified" in provenance


# --- loading and validation -----------------------------------------------------------------


def test_load_returns_typed_columns_equal_to_generation(metrics):
    assert list(metrics.columns) == list(DATASETS["postgres_metrics"].column_names)
    assert pd.api.types.is_datetime64_any_dtype(metrics["date"])
    assert metrics["write_tps_peak"].dtype == np.int64
    assert metrics["connections_peak"].dtype == np.int64
    assert metrics["cpu_peak_pct"].dtype == np.float64
    pd.testing.assert_frame_equal(metrics, datasets.generate("postgres_metrics"))
    pd.testing.assert_frame_equal(metrics, datasets.load("postgres_metrics"))


def test_load_postgres_metrics_reads_a_file_of_the_same_format(tmp_path):
    learner = _committed_text_frame().head(30)
    path = tmp_path / "my_metrics.csv"
    learner.to_csv(path, index=False)
    loaded = datasets.load_postgres_metrics(path)
    assert len(loaded) == 30
    assert loaded["date"].iloc[-1] == pd.Timestamp("2018-01-30")


def test_load_rejects_a_missing_column(tmp_path):
    _write_postgres(tmp_path, _committed_text_frame().drop(columns="cpu_peak_pct"))
    with pytest.raises(ValueError, match=rf"^{POSTGRES_FILE}: missing column\(s\) 'cpu_peak_pct'"):
        datasets.load("postgres_metrics", tmp_path)


def test_load_rejects_an_unexpected_column(tmp_path):
    frame = _committed_text_frame().assign(region="eu")
    _write_postgres(tmp_path, frame)
    with pytest.raises(ValueError, match=r"unexpected column\(s\) 'region'"):
        datasets.load("postgres_metrics", tmp_path)
    assert len(datasets.validate_frame(frame, DATASETS["postgres_metrics"],
                                       allow_extra_columns=True).columns) == 7


@pytest.mark.parametrize(
    ("position", "column", "cell", "message"),
    [
        (15, "cpu_peak_pct", "abc",
         "row 17, column cpu_peak_pct: expected a number between 0 and 100, got 'abc'"),
        (39, "cpu_peak_pct", "140.5",
         "row 41, column cpu_peak_pct: expected a number between 0 and 100, got '140.5'"),
        (0, "storage_gib", "",
         "row 2, column storage_gib: expected a number between 0 and 65536, got an empty cell"),
        (1_095, "connections_peak", "812.5",
         "row 1097, column connections_peak: expected a whole number between 0 and 5000, "
         "got '812.5'"),
        (99, "rows_inserted_millions", "-1",
         "row 101, column rows_inserted_millions: expected a number of at least 0, got '-1'"),
        (7, "date", "08/01/2018",
         "row 9, column date: expected a date written YYYY-MM-DD, e.g. 2020-03-16, "
         "got '08/01/2018'"),
        (3, "write_tps_peak", "1e20",
         "row 5, column write_tps_peak: expected a whole number of at least 0, got '1e20'"),
        (7, "date", "2018-01-07",
         "row 9, column date: values must increase with no repeats, but '2018-01-07' comes "
         "after '2018-01-07'"),
    ],
)
def test_load_names_file_row_and_column_of_a_bad_cell(tmp_path, position, column, cell, message):
    frame = _committed_text_frame()
    frame.loc[position, column] = cell
    path = _write_postgres(tmp_path, frame)
    with pytest.raises(ValueError) as caught:
        datasets.load_postgres_metrics(path)
    assert str(caught.value) == f"{POSTGRES_FILE} {message}"


def test_row_numbers_count_the_header_as_row_one(tmp_path):
    frame = _committed_text_frame()
    frame.loc[15, "cpu_peak_pct"] = "abc"
    path = _write_postgres(tmp_path, frame)
    line_17 = path.read_text().split("\n")[16]  # line 17 of the file
    assert ",abc," in line_17
    with pytest.raises(ValueError, match="row 17,"):
        datasets.load_postgres_metrics(path)


def test_validate_frame_on_a_learners_own_columns():
    columns = (
        Column("date", "date", "day", None, None, "Day.", increasing=True),
        Column("disk_gib", "float", "GiB", 0, 100, "Disk used.", decimals=1),
    )
    frame = pd.DataFrame({"date": ["2024-01-01", "2024-01-02"], "disk_gib": [10.0, np.nan]})
    empty = r"^mine.csv row 3, column disk_gib: .* got an empty cell$"
    with pytest.raises(ValueError, match=empty):
        datasets.validate_frame(frame, columns, source="mine.csv")
    frame.loc[1, "disk_gib"] = 12.5
    typed = datasets.validate_frame(frame, columns, source="mine.csv")
    assert typed["disk_gib"].tolist() == [10.0, 12.5]
    assert typed["date"].iloc[1] == pd.Timestamp("2024-01-02")


def test_boundary_checks_name_the_argument():
    names = "'postgres_metrics', 'tracking_events'"
    with pytest.raises(ValueError, match=f"name must be one of {names}; got 'postgres'"):
        datasets.generate("postgres")
    with pytest.raises(TypeError, match="folder must be a path"):
        datasets.verify(folder=3)
    with pytest.raises(TypeError, match="frame must be a pandas DataFrame"):
        datasets.validate_frame([1, 2], DATASETS["postgres_metrics"])
    with pytest.raises(ValueError, match="dtype must be one of"):
        Column("x", "words", "", None, None, "")
    with pytest.raises(FileNotFoundError, match="run `make data`"):
        datasets.load_postgres_metrics("no_such_file.csv")


def test_simulation_is_seeded():
    pd.testing.assert_frame_equal(
        datasets.simulate_postgres_metrics(7), datasets.simulate_postgres_metrics(7)
    )
    other = datasets.simulate_postgres_metrics(8)
    assert not other["cpu_peak_pct"].equals(datasets.simulate_postgres_metrics(7)["cpu_peak_pct"])


# --- the lesson's story ---------------------------------------------------------------------


def test_one_row_per_day_through_2020(metrics):
    expected = pd.date_range("2018-01-01", "2020-12-31", freq="D")
    assert len(metrics) == 1_096
    assert (metrics["date"].to_numpy() == expected.to_numpy()).all()


def test_storage_starts_near_one_tib_grows_smoothly_and_far_from_64_tib(metrics):
    storage = metrics["storage_gib"]
    assert 1_024 <= storage.iloc[0] <= 2_048
    assert (storage.diff().iloc[1:] > 0).all()
    assert storage.iloc[-1] < 0.25 * LIMITS["storage_gib"]


def test_storage_grows_by_rows_times_bytes_per_row(metrics):
    added_gib = metrics["storage_gib"].diff().iloc[1:].to_numpy()
    from_rows_gib = metrics["rows_inserted_millions"].iloc[1:].to_numpy() * 1e6 * 400 / 2**30
    assert np.median(added_gib / from_rows_gib) == pytest.approx(1.0, abs=0.01)


def test_storage_doubled_every_12_to_14_months_before_the_spike(metrics):
    slope, _ = _log_linear_fit(metrics, "storage_gib", PRE_SPIKE_FORECAST_DATE,
                               PRE_SPIKE_WINDOW_DAYS)
    doubling_months = np.log(2) / slope / (365.25 / 12)
    assert 12 <= doubling_months <= 14


def test_weekdays_are_busier_than_weekends(metrics):
    weekend = metrics["date"].dt.day_of_week >= 5
    for column in ("rows_inserted_millions", "write_tps_peak", "cpu_peak_pct",
                   "connections_peak"):
        # compare within each week so growth does not blur the comparison
        week = metrics["date"].dt.to_period("W")
        per_week = metrics.groupby([week, weekend])[column].mean().unstack()
        assert (per_week[False] > per_week[True]).mean() > 0.95, column


@pytest.mark.parametrize("column", GROWTH_COLUMNS)
def test_growth_rate_rises_at_least_2_5_times_after_the_spike(metrics, column):
    before, _ = _log_linear_fit(metrics, column, PRE_SPIKE_FORECAST_DATE, PRE_SPIKE_WINDOW_DAYS)
    after, _ = _log_linear_fit(metrics, column, END_DATE, POST_SPIKE_WINDOW_DAYS)
    assert before > 0
    assert after >= 2.5 * before


def test_cpu_ends_2020_between_60_and_70_percent(metrics):
    last_four_weeks = metrics["cpu_peak_pct"].iloc[-28:]
    assert 60 <= last_four_weeks.mean() <= 70
    assert metrics["cpu_peak_pct"].max() <= 100


def test_xid_age_excess_grows_faster_than_storage_or_write_load(metrics):
    post = metrics[metrics["date"] >= SPIKE_DATE + pd.Timedelta(days=30)]
    excess = post.assign(excess=post["xid_age_millions"] - 200)
    slopes = {
        column: _log_linear_fit(excess, column, END_DATE, 260)[0]
        for column in ("excess", "storage_gib", "rows_inserted_millions")
    }
    assert slopes["excess"] > slopes["storage_gib"]
    assert slopes["excess"] > slopes["rows_inserted_millions"]
    assert metrics["xid_age_millions"].min() >= 200


def test_cpu_is_the_first_limit_after_the_spike_and_64_tib_the_last(metrics):
    after = {
        column: _crossing_date(metrics, column, END_DATE, POST_SPIKE_WINDOW_DAYS)
        for column in LIMITS
    }
    order = sorted(after, key=after.get)
    assert order[0] == "cpu_peak_pct"
    assert order[-1] == "storage_gib"
    assert pd.Timestamp("2021-04-01") <= after["cpu_peak_pct"] <= pd.Timestamp("2021-09-30")


def test_before_the_spike_cpu_looked_years_away(metrics):
    before = _crossing_date(metrics, "cpu_peak_pct", PRE_SPIKE_FORECAST_DATE,
                            PRE_SPIKE_WINDOW_DAYS)
    after = _crossing_date(metrics, "cpu_peak_pct", END_DATE, POST_SPIKE_WINDOW_DAYS)
    assert before >= pd.Timestamp("2023-01-01")
    assert (before - after).days > 2 * 365


def test_a_manifest_written_in_binary_mode_is_read_too(copy_of_data):
    manifest = copy_of_data / datasets.MANIFEST_NAME
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(text.replace("  ", " *"), encoding="utf-8")  # as `sha256sum -b` writes
    assert [p for p in datasets.verify(copy_of_data) if "MANIFEST" in p] == []
