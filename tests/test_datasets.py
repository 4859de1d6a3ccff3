"""Tests for infralab.datasets: reproducible files, checksums, loading and the lesson's story."""

from __future__ import annotations

import ast
import hashlib
import importlib
import os
import re
import shutil
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
    for file in {**datasets.MEASURED, **datasets.EXAMPLES}:  # kept, not generated: copied
        (tmp_path / file).write_bytes((data_dir() / file).read_bytes())
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


def test_a_measured_file_is_checksummed_and_never_regenerated(tmp_path):
    name = next(iter(datasets.MEASURED))
    recorded = (data_dir() / name).read_bytes()
    (tmp_path / name).write_bytes(recorded)
    datasets.write_all(tmp_path)
    assert (tmp_path / name).read_bytes() == recorded
    assert datasets.verify(tmp_path) == []
    (tmp_path / name).write_bytes(recorded + b"1,2,3\n")  # a new measurement, not yet recorded
    assert datasets.verify(tmp_path) == [
        f"{name} (measured): checksum does not match {MANIFEST_NAME}; after a new "
        "measurement, run `make data` to record it"
    ]
    datasets.write_all(tmp_path)
    assert datasets.verify(tmp_path) == []
    assert (tmp_path / name).read_bytes() == recorded + b"1,2,3\n"


def test_manifest_matches_committed_files():
    lines = (data_dir() / MANIFEST_NAME).read_text(encoding="utf-8").splitlines()
    listed = dict(reversed(line.split("  ", 1)) for line in lines)
    expected = {dataset.file_name for dataset in DATASETS.values()} | {README_NAME}
    assert set(listed) == expected | set(datasets.MEASURED) | set(datasets.EXAMPLES)
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


# --- a course file that no longer matches its manifest -------------------------------------


@pytest.fixture
def course_copy(tmp_path, monkeypatch):
    """A copy of the course checkout's data/, which the loaders then take for the course's."""
    root = tmp_path / "course"
    (root / "notebooks").mkdir(parents=True)
    (root / "pyproject.toml").write_text("")
    shutil.copytree(data_dir(), root / "data")
    monkeypatch.setenv("INFRALAB_ROOT", str(root))
    assert data_dir() == root / "data"
    return root / "data"


def _edit_first_storage_value(path: Path) -> float:
    """Change the first day's storage_gib to another valid value; return the new value."""
    lines = path.read_text(encoding="utf-8").split("\n")
    cells = lines[1].split(",")
    cells[1] = f"{float(cells[1]) + 100.25:.2f}"  # one more decimal: the size changes too
    lines[1] = ",".join(cells)
    path.write_text("\n".join(lines), encoding="utf-8")
    return float(cells[1])


def test_an_intact_course_file_loads_without_a_word(course_copy, capsys):
    datasets.load_postgres_metrics()
    datasets.load("postgres_metrics")
    datasets.load_tracking_events()
    assert capsys.readouterr() == ("", "")


def test_a_changed_course_file_is_noted_once_and_still_loads(course_copy, capsys):
    edited = _edit_first_storage_value(course_copy / POSTGRES_FILE)
    metrics = datasets.load_postgres_metrics()
    assert metrics["storage_gib"].iloc[0] == edited  # the lesson goes on with the learner's data
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(f"Note: data/{POSTGRES_FILE} has changed:")
    for words in (MANIFEST_NAME, "will not match the lesson", "make data", "git checkout data/"):
        assert words in err
    datasets.load_postgres_metrics()  # said once: loading again adds nothing
    datasets.load("postgres_metrics")
    assert capsys.readouterr() == ("", "")


def test_a_restored_course_file_is_quiet_again(course_copy, capsys):
    path = course_copy / POSTGRES_FILE
    original = path.read_bytes()
    _edit_first_storage_value(path)
    datasets.load("postgres_metrics")
    assert "has changed" in capsys.readouterr().err
    path.write_bytes(original)
    datasets.load("postgres_metrics")
    assert capsys.readouterr() == ("", "")


def test_a_course_file_the_manifest_cannot_vouch_for_is_noted(course_copy, capsys):
    (course_copy / MANIFEST_NAME).unlink()
    datasets.load_tracking_events()
    err = capsys.readouterr().err
    assert err.startswith("Note: data/tracking_events.csv cannot be checked:")
    assert f"data/{MANIFEST_NAME} is missing" in err


def test_a_learners_own_file_is_not_checked_against_the_manifest(course_copy, tmp_path, capsys):
    own = tmp_path / "mine" / POSTGRES_FILE
    own.parent.mkdir()
    shutil.copy(course_copy / POSTGRES_FILE, own)
    shutil.copy(course_copy / MANIFEST_NAME, own.parent / MANIFEST_NAME)
    _edit_first_storage_value(own)
    datasets.load_postgres_metrics(own)
    datasets.load("postgres_metrics", own.parent)
    assert capsys.readouterr() == ("", "")


def test_a_course_file_is_hashed_once_until_it_changes(course_copy, monkeypatch, capsys):
    from infralab.datasets import _checksums

    hashed = []
    sha256 = _checksums.sha256_hex
    monkeypatch.setattr(_checksums, "sha256_hex", lambda data: hashed.append(1) or sha256(data))
    for _ in range(3):
        datasets.load_postgres_metrics()
    assert len(hashed) == 1
    _edit_first_storage_value(course_copy / POSTGRES_FILE)
    datasets.load_postgres_metrics()
    datasets.load_postgres_metrics()
    assert len(hashed) == 2
    assert capsys.readouterr().err.count("has changed") == 1


def test_the_loaders_and_verify_read_the_manifest_with_the_same_code(course_copy, monkeypatch):
    from infralab.datasets import _checksums

    read = []
    read_manifest = _checksums.read_manifest
    monkeypatch.setattr(
        _checksums, "read_manifest", lambda path: read.append(path) or read_manifest(path)
    )
    assert datasets.verify() == []
    datasets.load_tracking_events()
    assert read == [course_copy / MANIFEST_NAME] * 2


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
    """The machinery is ``core.py`` and its private helpers (``_*.py``); the rest are data sets.

    The helpers hold what ``core.py`` would otherwise mix in: reading a CSV file's cells
    with their lines, and the checksums. Like the core they know no data set, and a data
    set's module sees only the core.
    """
    folder = Path(core.__file__).parent
    helpers = sorted(folder.glob("_*.py"))
    helpers.remove(folder / "__init__.py")
    machinery = {"infralab.files", "infralab.paths", "infralab.validation"} | {
        f"infralab.datasets.{path.stem}" for path in helpers
    }
    for path in [folder / "core.py", *helpers]:
        assert _infralab_imports(path) <= machinery, path.name
    modules = sorted(set(folder.glob("*.py")) - {folder / "core.py", folder / "__init__.py"})
    modules = [path for path in modules if path not in helpers]
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
         "line 17, column cpu_peak_pct: expected a number between 0 and 100, got 'abc'"),
        (39, "cpu_peak_pct", "140.5",
         "line 41, column cpu_peak_pct: expected a number between 0 and 100, got '140.5'"),
        (0, "storage_gib", "",
         "line 2, column storage_gib: expected a number between 0 and 65536, got an empty cell"),
        (1_095, "connections_peak", "812.5",
         "line 1097, column connections_peak: expected a whole number between 0 and 5000, "
         "got '812.5'"),
        (99, "rows_inserted_millions", "-1",
         "line 101, column rows_inserted_millions: expected a number of at least 0, got '-1'"),
        (7, "date", "08/01/2018",
         "line 9, column date: expected a date written YYYY-MM-DD, e.g. 2020-03-16, "
         "got '08/01/2018'"),
        (3, "write_tps_peak", "1e20",
         "line 5, column write_tps_peak: expected a whole number of at least 0, got '1e20'"),
        (7, "date", "2018-01-07",
         "line 9, column date: values must increase with no repeats, but '2018-01-07' comes "
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


def test_line_numbers_count_the_header_as_line_one(tmp_path):
    frame = _committed_text_frame()
    frame.loc[15, "cpu_peak_pct"] = "abc"
    path = _write_postgres(tmp_path, frame)
    line_17 = path.read_text().split("\n")[16]  # line 17 of the file
    assert ",abc," in line_17
    with pytest.raises(ValueError, match="line 17,"):
        datasets.load_postgres_metrics(path)


# --- file lines as an editor shows them: blank lines and cells that span lines --------------

#: A learner's own data set with a text column, whose cells may span lines when quoted.
NOTES = datasets.Dataset(
    file_name="notes.csv",
    description="A day's disk use and a note.",
    provenance="Written by hand.",
    columns=(
        Column("day", "int", "days", 0, None, "Day number.", increasing=True),
        Column("note", "text", "words", None, None, "What happened."),
        Column("disk_gib", "float", "GiB", 0, 100, "Disk used.", decimals=1),
    ),
    generate=lambda: pd.DataFrame(),
)


def _line_holding(path: Path, text: str) -> int:
    """The line of ``path`` (1-based, as an editor counts) on which ``text`` appears."""
    lines = path.read_bytes().decode("utf-8", "replace").splitlines()
    return next(number for number, line in enumerate(lines, start=1) if text in line)


def test_blank_lines_count_as_lines_of_the_file(tmp_path):
    frame = _committed_text_frame()
    frame.loc[15, "cpu_peak_pct"] = "abc"
    path = _write_postgres(tmp_path, frame)
    lines = path.read_text().split("\n")
    lines[5:5] = ["", "   "]  # a blank line and a line of spaces after line 5
    path.write_text("\n".join(lines))
    assert _line_holding(path, ",abc,") == 19
    with pytest.raises(ValueError) as caught:
        datasets.load_postgres_metrics(path)
    assert str(caught.value) == (
        f"{POSTGRES_FILE} line 19, column cpu_peak_pct: expected a number between 0 and 100, "
        "got 'abc'"
    )


@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["unix", "windows"])
@pytest.mark.parametrize(
    ("bad_record", "message"),
    [
        # the bad cell follows a cell of three lines in its own record: it is on line 7
        ('3,"one\ntwo\nthree",abc', "line 7, column disk_gib: expected a number between 0 and "
         "100, got 'abc'"),
        # the bad cell starts a record after a cell of two lines: line 5
        ("x,ok,12.0", "line 5, column day: expected a whole number of at least 0, got 'x'"),
        ("1,ok,12.0", "line 5, column day: values must increase with no repeats, but '1' comes "
         "after '2'"),
    ],
)
def test_quoted_cells_that_span_lines_count_every_line(tmp_path, newline, bad_record, message):
    text = "\n".join(
        ["day,note,disk_gib", '1,"first line', 'second line",10.0', "2,ok,11.0", bad_record, ""]
    )
    path = tmp_path / "notes.csv"
    path.write_bytes(text.replace("\n", newline).encode("utf-8"))
    with pytest.raises(ValueError) as caught:
        core.load_file(path, NOTES)
    assert str(caught.value) == f"notes.csv {message}"


def test_a_multi_line_cell_is_read_whole(tmp_path):
    path = tmp_path / "notes.csv"
    path.write_text('day,note,disk_gib\n1,"first line\nsecond line",10.0\n\n2, ok,11.0\n')
    loaded = core.load_file(path, NOTES)
    assert loaded["note"].tolist() == ["first line\nsecond line", "ok"]
    assert loaded["disk_gib"].tolist() == [10.0, 11.0]


def test_a_record_with_too_many_cells_is_named_by_its_line(tmp_path):
    path = tmp_path / "notes.csv"
    path.write_text('day,note,disk_gib\n1,"a, b",10.0\n\n2,c, d,11.0\n')
    with pytest.raises(ValueError) as caught:
        core.load_file(path, NOTES)
    assert str(caught.value) == (
        "notes.csv line 4: 4 cells, but the header line names 3 columns (day, note, disk_gib); "
        "a cell that holds a comma must be in double quotes"
    )


def test_a_quote_that_is_never_closed_is_named_by_its_line(tmp_path):
    path = tmp_path / "notes.csv"
    path.write_text('day,note,disk_gib\n1,ok,10.0\n2,"open,11.0\n3,ok,12.0\n')
    with pytest.raises(ValueError, match=r"^notes.csv line 3: a quoted cell starts on this line "
                       r"and is never closed"):
        core.load_file(path, NOTES)


def test_a_byte_order_mark_is_read_as_the_start_of_utf8_text(tmp_path):
    path = tmp_path / "notes.csv"
    path.write_bytes(b"\xef\xbb\xbfday,note,disk_gib\n1,caf\xc3\xa9,10.0\n")
    assert core.load_file(path, NOTES)["note"].tolist() == ["caf\u00e9"]


# --- text that is not UTF-8 ------------------------------------------------------------------


def test_a_byte_that_is_not_utf8_is_named_by_file_line_and_column(tmp_path):
    frame = _committed_text_frame()
    frame.loc[15, "cpu_peak_pct"] = "MARK"
    path = _write_postgres(tmp_path, frame)
    path.write_bytes(path.read_bytes().replace(b"MARK", b"4\xff.5"))
    with pytest.raises(ValueError) as caught:
        datasets.load_postgres_metrics(path)
    assert str(caught.value) == (
        f"{POSTGRES_FILE} line 17, column cpu_peak_pct: byte 0xff is not UTF-8 text; save the "
        "file as UTF-8 (in a spreadsheet: CSV UTF-8)"
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        # Latin-1 text after a blank line and a cell of two lines
        (b'day,note,disk_gib\n1,"a\nb",10.0\n\n2,caf\xe9,11.0\n',
         "line 5, column note: byte 0xe9 is not UTF-8 text"),
        # inside a quoted cell, on its second line
        (b'day,note,disk_gib\n1,"a\nb\xe9",10.0\n', "line 3, column note: byte 0xe9"),
        (b"day,n\xf6te,disk_gib\n1,a,10.0\n", "line 1, in the header: byte 0xf6"),
    ],
    ids=["after-blank-and-multi-line", "second-line-of-a-cell", "header"],
)
def test_non_utf8_bytes_are_named_where_an_editor_shows_them(tmp_path, content, message):
    path = tmp_path / "notes.csv"
    path.write_bytes(content)
    with pytest.raises(ValueError) as caught:
        core.load_file(path, NOTES)
    assert str(caught.value).startswith(f"notes.csv {message}")
    assert "codec" not in str(caught.value)  # not Python's words about a decoder's position


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


def test_after_the_spike_transaction_ids_run_out_first_then_cpu():
    # the generator's noise-free trends: wraparound's failsafe first, then CPU, then the rest
    truth = datasets.trend_crossings({**LIMITS, "xid_age_millions": 1_600.0})
    order = sorted(truth, key=truth.get)
    assert order[:2] == ["xid_age_millions", "cpu_peak_pct"]
    assert pd.Timestamp("2021-01-01") <= truth["xid_age_millions"] <= pd.Timestamp("2021-06-30")
    assert pd.Timestamp("2021-04-01") <= truth["cpu_peak_pct"] <= pd.Timestamp("2021-09-30")
    assert truth["storage_gib"] > truth["cpu_peak_pct"] + pd.Timedelta(days=90)


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
