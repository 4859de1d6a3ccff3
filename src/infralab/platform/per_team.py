"""Date columns as three teams built them, each with its own copy of every capability.

Before a platform, each team that needed a date column wrote the whole column
itself: export, import, sorting, filtering and the permission check. Each copy
is reasonable on its own; side by side they disagree, which is the failure mode
the contract suite finds (:func:`infralab.platform.run_contracts`):

- the *deadline* team exports ISO 8601 (``2026-01-02``) and gets everything right;
- the *timeline* team exports the US order (``01/02/2026``) and sorts by that
  text, so December 2025 sorts after January 2026;
- the *launch* team exports the German order (``02.01.2026``) and its
  permission check was left out when the column was copied from a public one:
  every role sees it.

One export of a board holding all three has three date formats in it.

Examples
--------
>>> import datetime as dt
>>> [column.export_text(dt.date(2026, 1, 2)) for column in TEAM_COLUMNS.values()]
['2026-01-02', '01/02/2026', '02.01.2026']
"""

from __future__ import annotations

import ast
import datetime as dt
import inspect
import textwrap

from infralab.validation import short_repr

__all__ = ["DeadlineColumn", "LaunchColumn", "TEAM_COLUMNS", "TimelineColumn", "lines_of_code"]

_EXAMPLES = (dt.date(2025, 12, 31), dt.date(2026, 1, 2), dt.date(2026, 11, 3))


class DeadlineColumn:
    """The deadline team's date column: ISO 8601, sorted by date, permissions checked."""

    name = "deadline"
    examples = _EXAMPLES
    bad_texts = ("31/12/2025", "tomorrow")

    def export_text(self, value):
        return "" if value is None else value.isoformat()

    def import_text(self, text):
        return None if text == "" else dt.date.fromisoformat(text)

    def sort_key(self, value):
        return (value is None, value or dt.date.min)

    def matches(self, value, query):
        if query == "":
            return True
        return value is not None and query.lower() in self.export_text(value).lower()

    def may_view(self, role, viewers):
        return viewers is None or role in viewers


class TimelineColumn:
    """The timeline team's date column: US month/day/year, sorted by its text."""

    name = "timeline"
    examples = _EXAMPLES
    bad_texts = ("2025-12-31", "tomorrow")

    def export_text(self, value):
        if value is None:
            return ""
        return f"{value.month:02d}/{value.day:02d}/{value.year}"

    def import_text(self, text):
        if not text:
            return None
        return dt.datetime.strptime(text, "%m/%d/%Y").date()

    def sort_key(self, value):
        return "\uffff" if value is None else self.export_text(value)

    def matches(self, value, query):
        return query == "" or (value is not None and query in self.export_text(value))

    def may_view(self, role, viewers):
        return viewers is None or role in viewers


class LaunchColumn:
    """The launch team's date column: day.month.year, and no permission check."""

    name = "launch"
    examples = _EXAMPLES
    bad_texts = ("2025-12-31", "tomorrow")

    def export_text(self, value):
        return "" if value is None else value.strftime("%d.%m.%Y")

    def import_text(self, text):
        if text == "":
            return None
        day, month, year = (int(part) for part in text.split("."))
        return dt.date(year, month, day)

    def sort_key(self, value):
        return (value is None, value.toordinal() if value else 0)

    def matches(self, value, query):
        return not query or (value is not None and query in self.export_text(value))

    def may_view(self, role, viewers):
        return True  # copied from a public column: the check was never added


#: One instance of each team's column, by team.
TEAM_COLUMNS = {
    "deadline": DeadlineColumn(),
    "timeline": TimelineColumn(),
    "launch": LaunchColumn(),
}


def lines_of_code(thing: object) -> int:
    """Lines of code in ``thing``'s source: no blank lines, comments or docstrings.

    Parameters
    ----------
    thing : class, function or module

    Examples
    --------
    >>> lines_of_code(TimelineColumn)
    18
    """
    try:
        source = textwrap.dedent(inspect.getsource(thing))
    except (TypeError, OSError):
        raise TypeError(
            f"thing must be a class, function or module with source, got {short_repr(thing, 40)}"
        ) from None
    tree = ast.parse(source)
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef, ast.Module)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                if isinstance(body[0].value.value, str):
                    docstrings.update(range(body[0].lineno, body[0].end_lineno + 1))
    count = 0
    for number, line in enumerate(source.splitlines(), start=1):
        stripped = line.strip()
        if stripped and not stripped.startswith("#") and number not in docstrings:
            count += 1
    return count
