"""What lesson 02's figures and sentences claim, asserted with the lesson's own constants.

nbval compares the notebook's text outputs but not its images, so each finding a
figure or a sentence states is checked here through the package functions that
compute it, with the parameters read from the notebook (tests/notebook_constants.py).
"""

import datetime as dt

import numpy as np
import pytest

from infralab import platform
from tests.notebook_constants import notebook_constants

LESSON = notebook_constants(
    "02_shared_platform.ipynb", "SEED", "TEAMS", "WEEKS_PER_MONTH", "CAPABILITIES",
    "UNIQUE_WEEKS", "HOOKUP_WEEKS", "CAPABILITY_WEEKS", "PLATFORM_WEEKS", "ROADMAP",
    "HORIZON_MONTHS", "SMALL_ROADMAP", "CHEAP_CAPABILITY_WEEKS", "UNCERTAINTY", "RUNS",
    "SHORT_ROADMAP", "DEFECT_RATE",
)
CAPACITY = LESSON["TEAMS"] * LESSON["WEEKS_PER_MONTH"]
WITHOUT = LESSON["UNIQUE_WEEKS"] + LESSON["CAPABILITIES"] * LESSON["CAPABILITY_WEEKS"]
WITH = LESSON["UNIQUE_WEEKS"] + LESSON["HOOKUP_WEEKS"]
COSTS = dict(capacity=CAPACITY, platform_weeks=LESSON["PLATFORM_WEEKS"],
             unique_weeks=LESSON["UNIQUE_WEEKS"], capability_weeks=LESSON["CAPABILITY_WEEKS"],
             capabilities=LESSON["CAPABILITIES"], hookup_weeks=LESSON["HOOKUP_WEEKS"],
             horizon_months=LESSON["HORIZON_MONTHS"], uncertainty=LESSON["UNCERTAINTY"])


def _month(weeks_without=WITHOUT, roadmap=LESSON["ROADMAP"], capacity=CAPACITY,
           platform_weeks=LESSON["PLATFORM_WEEKS"]):
    return platform.break_even_month(capacity=capacity, platform_weeks=platform_weeks,
                                     weeks_without=weeks_without, weeks_with=WITH,
                                     column_types=roadmap, horizon_months=LESSON["HORIZON_MONTHS"])


def test_the_model_reproduces_the_reported_story():
    # Reported: a column took about 4 months; about 30 columns arrived in about 6 weeks.
    assert WITHOUT / LESSON["WEEKS_PER_MONTH"] == pytest.approx(4.0, abs=0.05)
    assert round(LESSON["TEAMS"] * 6 / WITH) == 30


def test_section_1_break_even():
    crossing = LESSON["PLATFORM_WEEKS"] * WITHOUT / (CAPACITY * (WITHOUT - WITH))
    assert round(crossing, 1) == 3.0
    assert _month() == 4
    assert platform.columns_to_pay_off(platform_weeks=LESSON["PLATFORM_WEEKS"],
                                       weeks_without=WITHOUT, weeks_with=WITH) == 4
    # After 12 months: 12 by hand, the whole roadmap of 30 on the platform.
    by_hand = platform.cumulative_columns([12], capacity=CAPACITY, weeks_per_column=WITHOUT,
                                          column_types=LESSON["ROADMAP"])[0]
    shared = platform.cumulative_columns([12], capacity=CAPACITY, weeks_per_column=WITH,
                                         column_types=LESSON["ROADMAP"],
                                         upfront_weeks=LESSON["PLATFORM_WEEKS"])[0]
    assert round(by_hand) == 12 and shared == LESSON["ROADMAP"]
    # The figure's title: nothing shipped for about 3 months.
    assert round(LESSON["PLATFORM_WEEKS"] / CAPACITY) == 3


def test_section_2_two_of_three_scenarios_never_pay_off():
    assert _month(roadmap=LESSON["SMALL_ROADMAP"]) is None
    cheap = LESSON["UNIQUE_WEEKS"] + LESSON["CAPABILITIES"] * LESSON["CHEAP_CAPABILITY_WEEKS"]
    assert round(cheap, 1) == 2.4
    assert _month(weeks_without=cheap) is None
    assert platform.columns_to_pay_off(platform_weeks=LESSON["PLATFORM_WEEKS"],
                                       weeks_without=cheap, weeks_with=WITH) == 32


def test_check_your_understanding_1():
    # Three column types save 3 * 16.6 = 49.8 team-weeks, less than 50.
    assert WITHOUT - WITH == pytest.approx(16.6)
    assert 3 * (WITHOUT - WITH) < LESSON["PLATFORM_WEEKS"] < 4 * (WITHOUT - WITH)


def _runs():
    rng = np.random.default_rng(LESSON["SEED"])
    return {n: platform.simulate_break_even(LESSON["RUNS"], column_types=n, seed=rng, **COSTS)
            for n in (LESSON["ROADMAP"], LESSON["SHORT_ROADMAP"])}


def test_section_3_break_even_is_a_distribution():
    runs = _runs()
    long = platform.break_even_band(runs[LESSON["ROADMAP"]].months)
    short = platform.break_even_band(runs[LESSON["SHORT_ROADMAP"]].months)
    # "nearly every run breaks even within a few months"
    assert (long.low, long.median, long.high) == (2, 4, 6)
    assert long.share_never < 0.0005  # the figure title: "with 30, 0.0%"
    # "in a sizeable share of runs the platform never gets ahead"
    assert short.median == 4 and np.isinf(short.high)
    assert 0.2 < short.share_never < 0.35
    # the point estimate sits at the median
    assert _month() == long.median


def test_section_3_defects_grow_with_copies():
    rate = LESSON["DEFECT_RATE"]
    assert round(platform.inconsistency_chance(LESSON["ROADMAP"], rate), 2) == 0.79
    assert round(platform.inconsistency_chance(1, rate), 2) == 0.05
    assert round(LESSON["CAPABILITIES"] * LESSON["ROADMAP"] * rate) == 9


def test_the_try_it_panel_says_never_for_a_costly_platform_and_a_short_roadmap():
    assert _month(platform_weeks=150, roadmap=9) is None
    assert _month(platform_weeks=150, roadmap=LESSON["ROADMAP"]) is not None


def test_section_4_the_rating_type_passes_and_section_5_the_teams_fail():
    rating = platform.ColumnType("rating", to_text=str, from_text=int, examples=(1, 2, 3, 4, 5),
                                 bad_texts=("many",))
    assert platform.failed_contracts(platform.run_contracts(platform.SharedColumn(rating))) == []
    failed = {team: platform.failed_contracts(platform.run_contracts(column))
              for team, column in platform.TEAM_COLUMNS.items()}
    assert failed == {"deadline": [], "timeline": ["dates_iso_8601", "sort_order"],
                      "launch": ["dates_iso_8601", "permissions"]}
    day = dt.date(2026, 1, 2)
    board = platform.Board(platform.TEAM_COLUMNS, [{team: day for team in platform.TEAM_COLUMNS}],
                           viewers={team: {"owner"} for team in platform.TEAM_COLUMNS})
    assert board.export("guest").to_dict("list") == {"launch": ["02.01.2026"]}
    owners = board.export("owner").iloc[0].tolist()
    assert owners == ["2026-01-02", "01/02/2026", "02.01.2026"]  # three formats, one day


def test_section_5_lines_of_code():
    per_team = [platform.lines_of_code(type(c)) for c in platform.TEAM_COLUMNS.values()]
    assert round(np.mean(per_team)) == 17
    shared = platform.lines_of_code(platform.SharedColumn)
    assert shared + 30 * 2 < 30 * np.mean(per_team) / 4
