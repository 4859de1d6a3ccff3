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
    "SHORT_ROADMAP", "DEFECT_RATE", "REBUILD_CHANCE",
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
    # "nearly every run breaks even within a few months": months 2 to 5 hold 89% of runs
    assert (long.low, long.median, long.high) == (2, 4, 5)
    assert round(long.coverage, 2) == 0.89
    assert long.share_never < 0.0005  # the figure title: "with 30, 0.0%"
    # five column types: months 2 to 7 hold 81%; never in 19.1% (the red bar)
    assert (short.low, short.median, short.high) == (2, 4, 7)
    assert round(short.coverage, 2) == 0.81
    assert round(short.share_never, 3) == 0.191
    # "every one of those runs is one where the platform costs more than five types save"
    five = runs[LESSON["SHORT_ROADMAP"]]
    saving = five.weeks_without - five.weeks_with
    costlier = LESSON["SHORT_ROADMAP"] * saving <= five.platform_weeks
    assert np.array_equal(np.isnan(five.months), costlier)
    # the point estimate sits at the median
    assert _month() == long.median


def test_section_3_a_chance_of_rebuilding_hurts_the_short_roadmap_only():
    rebuilt = {n: platform.simulate_break_even(
        LESSON["RUNS"], column_types=n, rebuild_chance=LESSON["REBUILD_CHANCE"],
        seed=np.random.default_rng(LESSON["SEED"]), **COSTS)
        for n in (LESSON["ROADMAP"], LESSON["SHORT_ROADMAP"])}
    assert round(rebuilt[LESSON["ROADMAP"]].share_never, 3) == 0.001
    assert round(rebuilt[LESSON["SHORT_ROADMAP"]].share_never, 3) == 0.319


def test_section_3_defects_grow_with_copies():
    rate = LESSON["DEFECT_RATE"]
    assert round(platform.inconsistency_chance(LESSON["ROADMAP"], rate), 2) == 0.79
    assert round(platform.inconsistency_chance(1, rate), 2) == 0.05
    assert round(LESSON["CAPABILITIES"] * LESSON["ROADMAP"] * rate) == 9


def test_the_try_it_panel_says_never_for_a_costly_platform_and_a_short_roadmap():
    assert _month(platform_weeks=150, roadmap=9) is None
    assert _month(platform_weeks=150, roadmap=LESSON["ROADMAP"]) is not None
    # "more teams move the month, not whether": 10 column types pay off with any team count
    months = [_month(platform_weeks=150, roadmap=10, capacity=teams * LESSON["WEEKS_PER_MONTH"])
              for teams in range(1, 13)]
    assert None not in months[4:] and months == sorted(months, key=lambda m: -(m or 99))
    assert all(_month(platform_weeks=150, roadmap=9,
                      capacity=teams * LESSON["WEEKS_PER_MONTH"]) is None for teams in range(1, 13))


def test_section_1_the_story_fits_by_construction_and_whole_columns_start_late():
    # 0.8 team-weeks a column on the platform: about 4 team-days (5 days a week)
    assert round(WITH * 5) == 4
    # finished columns only: four teams each build one by hand, done after 17.4 team-weeks,
    # i.e. about four months in
    assert round(WITHOUT / LESSON["WEEKS_PER_MONTH"]) == 4


def test_section_4_the_rating_type_fails_first_then_passes_and_section_5_the_teams_fail():
    first_try = platform.ColumnType("rating", to_text=str, from_text=int,
                                    examples=(1, 2, 3, 4, 5), bad_texts=("many",), limits=(1, 5))
    report = platform.run_contracts(platform.SharedColumn(first_try))
    assert platform.failed_contracts(report) == ["refuses_bad_text"]
    assert "'0' is read as 0" in report["message"].iloc[-1]
    with pytest.raises(ValueError, match="refuses_bad_text"):
        platform.standard_registry().register(first_try)

    def read(text):
        stars = int(text)
        if not 1 <= stars <= 5:
            raise ValueError(text)
        return stars

    rating = platform.ColumnType("rating", to_text=str, from_text=read, examples=(1, 2, 3, 4, 5),
                                 bad_texts=("many",), limits=(1, 5))
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
    shared = sum(platform.lines_of_code(part)
                 for part in (platform.ColumnType, platform.Registry, platform.SharedColumn))
    assert shared == 135
    per_type = 8  # the notebook's rating_type(), measured there with lines_of_code
    assert shared + 30 * per_type == 375 < 30 * np.mean(per_team) == 510
    assert platform.lines_of_code(platform.Board) == 90
