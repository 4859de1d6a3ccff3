"""The copy-per-team columns and their realistic inconsistencies."""

import datetime as dt

import pytest

from infralab import platform


def test_three_teams_three_formats_for_one_day():
    day = dt.date(2026, 1, 2)
    texts = [column.export_text(day) for column in platform.TEAM_COLUMNS.values()]
    assert texts == ["2026-01-02", "01/02/2026", "02.01.2026"]
    for column in platform.TEAM_COLUMNS.values():
        assert column.import_text(column.export_text(day)) == day  # each is consistent alone


def test_the_timeline_team_sorts_by_text_and_the_launch_team_shows_everything():
    timeline = platform.TEAM_COLUMNS["timeline"]
    days = [dt.date(2026, 1, 2), dt.date(2025, 12, 31)]
    assert sorted(days, key=timeline.sort_key) == days  # December 2025 after January 2026
    assert platform.TEAM_COLUMNS["launch"].may_view("guest", frozenset({"owner"}))
    assert not platform.TEAM_COLUMNS["deadline"].may_view("guest", frozenset({"owner"}))


def test_lines_of_code_skip_blanks_comments_and_docstrings():
    def sample():
        """A docstring
        over two lines."""
        # a comment

        return 1

    assert platform.lines_of_code(sample) == 2
    assert platform.lines_of_code(platform.DeadlineColumn) == 16
    with pytest.raises(TypeError, match="thing"):
        platform.lines_of_code(3)
