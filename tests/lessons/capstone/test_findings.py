"""What lesson 07's figures and sentences claim, asserted with the notebook's own constants.

nbval compares the notebook's text outputs but not its images, so each finding a
figure or a sentence states is checked here through the functions that compute it.
The example team's answers, the limits, the forecast settings, the lead times and the
seed are read from the notebook (tests/notebook_constants.py).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from infralab import capstone, datasets, growth
from tests.notebook_constants import notebook_constants

ROOT = Path(__file__).resolve().parents[3]
LESSON = notebook_constants(
    "07_capstone.ipynb", "EXAMPLE_ANSWERS", "LIMITS", "FORECAST", "RUNNING_TOTALS",
    "LEAD_TIME_DAYS", "BUFFER_DAYS", "HORIZON_DAYS", "SEED",
)
EXAMPLE = ROOT / "data" / "my_metrics_example.csv"


@pytest.fixture(scope="module")
def scores():
    return capstone.score_scorecard(LESSON["EXAMPLE_ANSWERS"])


@pytest.fixture(scope="module")
def mine():
    return capstone.read_metrics_csv(EXAMPLE)


@pytest.fixture(scope="module")
def plan(mine):
    table = growth.doomsday_table(
        mine.frame, LESSON["LIMITS"], rng=LESSON["SEED"], horizon_days=LESSON["HORIZON_DAYS"],
        running_totals=LESSON["RUNNING_TOTALS"], **LESSON["FORECAST"],
    )
    start_by = [
        growth.start_by_date(row.earliest, LESSON["LEAD_TIME_DAYS"][row.resource],
                             LESSON["BUFFER_DAYS"])
        for row in table.itertuples()
    ]
    return table.assign(start_by=start_by).set_index("resource")


def test_the_example_team_has_four_weak_areas_server_side_tracking_the_weakest(scores):
    by_step = scores.set_index("step")
    assert list(by_step.index[by_step.weak]) == [
        "Invisible qualities", "Doomsday clock", "100x problems", "Server-side tracking"]
    assert by_step.score_pct.idxmin() == "Server-side tracking"
    assert by_step.score_pct["Doomsday clock"] == 25.0  # by hand: (0.25 + 0.25) / 2
    assert not by_step.weak["Shared platform"]


def test_every_weak_area_points_to_two_sections(scores):
    pointers = capstone.weak_area_pointers(scores)
    assert len(pointers) == 8 and pointers.step.iloc[0] == "Server-side tracking"


def test_the_example_export_is_messy_in_the_ways_the_text_lists(mine):
    assert mine.date_format == "%d/%m/%Y" and mine.ignored == ("Host",)
    assert mine.units["storage"] == "GiB" and mine.units["cpu_peak"] == "%"
    days = mine.frame.date
    assert len(days) == 178
    span = (days.max() - days.min()).days + 1
    assert span - len(days) == 6 and (days.diff().dt.days > 1).sum() == 3  # six days, three gaps
    text = EXAMPLE.read_text(encoding="utf-8")
    assert '"12,480.2"' in text  # thousands separators


def test_the_three_broken_files_are_refused_naming_row_and_column(tmp_path):
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines()
    broken = {
        "sorted_wrong.csv": [lines[0], lines[2], lines[1], *lines[3:]],
        "no_reading.csv": [*lines[:9], re.sub(r',[0-9.]+,"', ',n/a,"', lines[9], count=1),
                           *lines[10:]],
        "one_week.csv": lines[:8],
    }
    messages = []
    for name, text in broken.items():
        (tmp_path / name).write_text("\n".join(text), encoding="utf-8")
        with pytest.raises(capstone.MetricsFileError) as caught:
            capstone.read_metrics_csv(tmp_path / name)
        messages.append(str(caught.value))
    assert messages[0].startswith("sorted_wrong.csv, row 3, column 'Date'")
    assert messages[1] == ("no_reading.csv, row 10, column 'CPU peak (%)': 'n/a' is not a number "
                           "(leave the cell empty if there was no reading)")
    assert messages[2].startswith("one_week.csv: only 7 rows of data")


def test_cpu_is_the_doomsday_and_its_fix_is_half_a_year_overdue(plan, mine):
    first = plan.start_by.idxmin()
    assert first == "cpu_peak" and plan.doomsday.idxmin() == "cpu_peak"
    overdue = (mine.frame.date.max() - plan.start_by[first]).days
    assert 150 <= overdue <= 210  # "half a year"
    assert plan.start_by[first] == pd.Timestamp("2020-07-02")


def test_storage_must_start_before_connections_although_connections_cross_first(plan):
    assert plan.doomsday["connections"] < plan.doomsday["storage"]
    assert plan.start_by["storage"] < plan.start_by["connections"]


def test_without_transaction_id_age_the_clock_misses_lesson_03s_first_doomsday_by_months(plan):
    full = datasets.load_postgres_metrics()
    lesson03 = growth.doomsday_table(
        full, {"xid_age_millions": 1_600, "cpu_peak_pct": 90}, rng=LESSON["SEED"],
        n_simulations=500, sawtooths={"xid_age_millions": "storage_gib"}, **LESSON["FORECAST"],
    ).set_index("resource")
    assert lesson03.doomsday.idxmin() == "xid_age_millions"
    ahead = (plan.doomsday.min() - lesson03.doomsday["xid_age_millions"]).days
    assert ahead >= 60  # months


def test_the_reports_second_write_gets_a_new_name(tmp_path):
    first = capstone.write_report(tmp_path, "Capstone", [("A", ["x"])])
    second = capstone.write_report(tmp_path, "Capstone", [("A", ["x"])])
    assert (first.name, second.name) == ("capstone_report.html", "capstone_report-2.html")


def test_the_reader_rules_the_text_states(tmp_path):
    """"`0.512` stays 0.512"; "three weeks ... each weekday three times"."""
    lines = ["date,storage"] + [f"2024-03-{d:02d},0.512" for d in range(1, 29)]
    (tmp_path / "small.csv").write_text("\n".join(lines), encoding="utf-8")
    assert capstone.read_metrics_csv(tmp_path / "small.csv").frame.storage.iloc[0] == 0.512
    lines = ["date;storage"] + [f"2024-03-{d:02d};1,100" for d in range(1, 29)]
    (tmp_path / "semicolon.csv").write_text("\n".join(lines), encoding="utf-8")
    assert capstone.read_metrics_csv(tmp_path / "semicolon.csv").frame.storage.iloc[0] == 1.1
    assert capstone.MIN_ROWS == 21 and capstone.MIN_PER_WEEKDAY == 3


def test_the_first_fix_is_182_days_overdue_as_the_figure_title_says(plan, mine):
    assert (mine.frame.date.max() - plan.start_by["cpu_peak"]).days == 182


def test_the_pointers_the_review_moved():
    by_id = {question.id: question for question in capstone.QUESTIONS}
    assert by_id["trusted_for_reliability"].section == "4 · A market over 36 months"
    assert by_id["dedicated_100x_team"].section == (
        "3 · People: who works on the 100x problem, and when")


def test_the_sheets_broken_export_is_refused_then_fixed(tmp_path):
    from tests.lessons.capstone.answers import fix_export

    lines = EXAMPLE.read_text(encoding="utf-8").splitlines()
    assert ",49.9," in lines[9]  # the CPU cell the sheet turns into n/a
    broken = [*lines[:9], lines[9].replace(",49.9,", ",n/a,"), *lines[10:20], lines[19],
              *lines[20:]]
    (tmp_path / "broken_export.csv").write_text("\n".join(broken), encoding="utf-8")
    with pytest.raises(capstone.MetricsFileError, match="row 21, column 'Date'"):
        capstone.read_metrics_csv(tmp_path / "broken_export.csv")
    (tmp_path / "fixed.csv").write_text("\n".join(fix_export(broken)), encoding="utf-8")
    fixed = capstone.read_metrics_csv(tmp_path / "fixed.csv")
    assert len(fixed.frame) == 178 and int(fixed.frame.cpu_peak.isna().sum()) == 1
