"""The check's own contract suite for a learner's rating column (lesson 02, task 4).

Written independently of :mod:`infralab.platform.contracts`: it runs the
contracts that depend on a column type's own few lines (the platform supplies
empty cells, filtering and permissions) on the ratings ``1..max_stars``, and on
texts a rating must refuse. Each failed contract gives one friendly sentence
that names the rating or the text that failed, and how to fix it.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass
from typing import ClassVar

import pandas as pd

from infralab.validation import short_repr

from .comparators import Comparator

#: Contract name -> what it asks of a rating column, in the order they are judged.
RATING_CONTRACTS = {
    "export_is_text": "to_text must return text (a str) for every rating",
    "round_trip": "from_text(to_text(r)) must give back the rating r, as a number",
    "spreadsheet_round_trip": "the text must come back unchanged from CSV and from .xlsx",
    "sort_order": "sorting by sort_key must put the ratings in ascending order, as examples are",
    "refuses_bad_text": "from_text must raise ValueError for 0, max_stars + 1, 2.5 and 'many'",
}

_FORMULA = ("=", "+", "-", "@")


def _identity(value):
    return value


def _show(value: object) -> str:
    return short_repr(value, 30)


def _export_is_text(column, ratings, max_stars):
    for rating in ratings:
        text = column.to_text(rating)
        if not isinstance(text, str):
            return (f"to_text({rating}) returns {_show(text)} ({type(text).__name__}), not text; "
                    "a spreadsheet cell is text. Use to_text=str.")
    return ""


def _round_trip(column, ratings, max_stars):
    for rating in ratings:
        text = column.to_text(rating)
        try:
            back = column.from_text(text)
        except Exception as error:
            return (f"rating {rating} exports as {_show(text)}, which from_text refuses "
                    f"({type(error).__name__}). Make from_text read back every rating from 1 to "
                    f"{max_stars} that to_text writes.")
        if type(back) is bool or back != rating:
            return (f"rating {rating} exports as {_show(text)}, which from_text reads back as "
                    f"{_show(back)}. Make from_text undo to_text (int(text) for to_text=str).")
    return ""


def _spreadsheet_round_trip(column, ratings, max_stars):
    texts = [column.to_text(rating) for rating in ratings]
    if not all(isinstance(text, str) for text in texts):
        return ""  # judged by export_is_text
    table = pd.DataFrame({"rating": texts}, dtype=object)
    csv = io.StringIO()
    table.to_csv(csv, index=False)
    csv.seek(0)
    workbook = io.BytesIO()
    table.to_excel(workbook, index=False, engine="openpyxl")
    workbook.seek(0)
    for kind, back in (
        ("CSV", pd.read_csv(csv, dtype=str, keep_default_na=False)),
        (".xlsx", pd.read_excel(workbook, dtype=str, keep_default_na=False, engine="openpyxl")),
    ):
        for text, read in zip(texts, back["rating"].tolist() + [""] * len(texts), strict=False):
            if read != text:
                why = (" (a spreadsheet reads a text that starts with "
                       f"{text[0]!r} as a formula)" if text.startswith(_FORMULA) else "")
                return (f"the text {_show(text)} comes back from {kind} as {_show(read)}{why}. "
                        "Export the plain number, str(stars).")
    return ""


def _first_out_of_order(ordered):
    for before, after in zip(ordered, ordered[1:], strict=False):
        if before > after:
            return before, after
    return None


def _sort_order(column, ratings, max_stars):
    key = getattr(column, "sort_key", None) or _identity
    shuffled = list(ratings)
    random.Random(max_stars).shuffle(shuffled)
    ordered = sorted(shuffled, key=key)
    pair = _first_out_of_order(ordered)
    if pair is not None:
        as_text = " (it sorts them as text)" if isinstance(key(pair[0]), str) else ""
        return (f"sorting by sort_key puts {pair[0]} before {pair[1]}{as_text}. Sort by the "
                "number itself: leave sort_key out (it defaults to the value).")
    examples = getattr(column, "examples", None)
    if isinstance(examples, (tuple, list)) and list(examples) != sorted(examples, key=key):
        return (f"your examples {_show(tuple(examples))} are not in ascending order; the "
                "platform's contracts sort them and compare with your list. List them from 1 up.")
    return ""


def _refuses_bad_text(column, ratings, max_stars):
    for text in ("0", str(max_stars + 1), "2.5", "many"):
        try:
            value = column.from_text(text)
        except ValueError:
            continue
        except Exception as error:
            return (f"from_text({text!r}) raises {type(error).__name__}, not ValueError. Raise "
                    "ValueError for a text that is not a rating: that is how the platform "
                    "recognises a bad cell.")
        if text == "2.5":
            return (f"from_text('2.5') gives {_show(value)} instead of raising ValueError. A "
                    "rating is a whole number: read it with int(text).")
        return (f"from_text({text!r}) gives {_show(value)} instead of raising ValueError. "
                f"Raise ValueError unless 1 <= stars <= max_stars (here {max_stars}).")
    return ""


_JUDGES = {
    "export_is_text": _export_is_text,
    "round_trip": _round_trip,
    "spreadsheet_round_trip": _spreadsheet_round_trip,
    "sort_order": _sort_order,
    "refuses_bad_text": _refuses_bad_text,
}


def rating_problems(column: object, max_stars: int) -> dict[str, str]:
    """Each failed contract of ``column`` for ratings ``1..max_stars``, with its sentence."""
    ratings = list(range(1, max_stars + 1))
    problems = {}
    for name, judge in _JUDGES.items():
        try:
            problem = judge(column, ratings, max_stars)
        except Exception as error:  # a judge the column breaks is a failed contract
            detail = " ".join(str(error).split())[:60]
            problem = f"it raised {type(error).__name__}" + (f": {detail}." if detail else ".")
        if problem:
            problems[name] = problem
    return problems


def failed_rating_contracts(column: object, max_stars: int) -> list[str]:
    """The contracts ``column`` fails for ratings ``1..max_stars`` (a raise is a failure)."""
    return list(rating_problems(column, max_stars))


def describe_problems(problems: dict[str, str]) -> str:
    """One line: the first failed contract with its sentence, then how many more fail."""
    names = list(problems)
    line = f"the contract {names[0]} fails: {problems[names[0]]}"
    if len(names) > 1:
        line += f" And {len(names) - 1} more: {', '.join(names[1:])} (fix this one first)."
    return line


def looks_like_a_column_type(value: object) -> bool:
    """Whether ``value`` has the parts a column type needs (``to_text``, ``from_text``)."""
    return callable(getattr(value, "to_text", None)) and callable(getattr(value, "from_text", None))


@dataclass(frozen=True)
class RatingRequest:
    """What a case expects: a rating column for ``max_stars`` that passes every contract."""

    max_stars: int


#: The last judgements of learners' columns, by id (the column is kept so the id stays
#: its own): the message of a failing case shows the problems found for its own size.
_JUDGED: dict[int, tuple[object, dict[str, str]]] = {}


@dataclass(frozen=True)
class PassesContracts(Comparator):
    """A column type is right when it fails none of :data:`RATING_CONTRACTS`."""

    describe: ClassVar[str] = "a column type (platform.ColumnType)"

    def accepts(self, got: object) -> bool:
        return looks_like_a_column_type(got)

    def _same(self, expected: object, got: object) -> bool:
        problems = rating_problems(got, expected.max_stars)
        if len(_JUDGED) > 32:
            _JUDGED.clear()
        if problems and id(got) not in _JUDGED:  # the first failing case is the one shown
            _JUDGED[id(got)] = (got, problems)
        return not problems

    def _format(self, value: object) -> str:
        if isinstance(value, RatingRequest):
            return f"a column type that passes all {len(RATING_CONTRACTS)} contracts"
        if not looks_like_a_column_type(value):
            return short_repr(value, 40)
        judged = _JUDGED.pop(id(value), None)
        if judged is not None and judged[0] is value:
            problems = judged[1]
        else:
            examples = getattr(value, "examples", ())
            problems = rating_problems(value, len(examples) if examples else 5)
        if not problems:
            return "a column type that passes for this size but not for another"
        return "a column type for which " + describe_problems(problems).rstrip(".")


@dataclass(frozen=True)
class SameProblems(Comparator):
    """Matches a learner's column that fails exactly as a broken reference does.

    Used as a :class:`~infralab.checks.core.Mistake`'s comparator: the first
    argument is the broken reference column (its ``examples`` are ``1..max_stars``);
    the learner's column must fail the same contracts with the same sentences.
    """

    def accepts(self, got: object) -> bool:
        return looks_like_a_column_type(got)

    def _same(self, expected: object, got: object) -> bool:
        max_stars = len(expected.examples)
        wrong = rating_problems(expected, max_stars)
        return bool(wrong) and rating_problems(got, max_stars) == wrong
