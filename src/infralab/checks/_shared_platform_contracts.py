"""The check's own contract suite for a learner's rating column (lesson 02, task 4).

Written independently of :mod:`infralab.platform.contracts`: it runs the
contracts that depend on a column type's own few lines (the platform supplies
empty cells, filtering and permissions) on the ratings ``1..max_stars``, and on
texts a rating must refuse. Each failed contract gives one friendly sentence.
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
    "sort_order": "sorting by sort_key must put the ratings in ascending order",
    "refuses_bad_text": "from_text must raise ValueError for 0, max_stars + 1, 2.5 and 'many'",
}


def _identity(value):
    return value


def _texts(column, ratings):
    return [column.to_text(rating) for rating in ratings]


def _export_is_text(column, ratings, max_stars):
    return all(isinstance(text, str) for text in _texts(column, ratings))


def _round_trip(column, ratings, max_stars):
    for rating in ratings:
        back = column.from_text(column.to_text(rating))
        if type(back) is bool or back != rating:
            return False
    return True


def _spreadsheet_round_trip(column, ratings, max_stars):
    texts = [text for text in _texts(column, ratings) if isinstance(text, str)]
    if not texts:
        return True  # judged by export_is_text
    table = pd.DataFrame({"rating": texts}, dtype=object)
    csv = io.StringIO()
    table.to_csv(csv, index=False)
    csv.seek(0)
    workbook = io.BytesIO()
    table.to_excel(workbook, index=False, engine="openpyxl")
    workbook.seek(0)
    for back in (
        pd.read_csv(csv, dtype=str, keep_default_na=False),
        pd.read_excel(workbook, dtype=str, keep_default_na=False, engine="openpyxl"),
    ):
        if back["rating"].tolist() != texts:
            return False
    return True


def _sort_order(column, ratings, max_stars):
    key = getattr(column, "sort_key", None) or _identity
    shuffled = list(ratings)
    random.Random(max_stars).shuffle(shuffled)
    return sorted(shuffled, key=key) == list(ratings)


def _refuses_bad_text(column, ratings, max_stars):
    for text in ("0", str(max_stars + 1), "2.5", "many"):
        try:
            column.from_text(text)
        except ValueError:
            continue
        return False
    return True


_JUDGES = {
    "export_is_text": _export_is_text,
    "round_trip": _round_trip,
    "spreadsheet_round_trip": _spreadsheet_round_trip,
    "sort_order": _sort_order,
    "refuses_bad_text": _refuses_bad_text,
}


def failed_rating_contracts(column: object, max_stars: int) -> list[str]:
    """The contracts ``column`` fails for ratings ``1..max_stars`` (a raise is a failure)."""
    ratings = list(range(1, max_stars + 1))
    failed = []
    for name, judge in _JUDGES.items():
        try:
            passed = bool(judge(column, ratings, max_stars))
        except Exception:
            passed = False
        if not passed:
            failed.append(name)
    return failed


def looks_like_a_column_type(value: object) -> bool:
    """Whether ``value`` has the parts a column type needs (``to_text``, ``from_text``)."""
    return callable(getattr(value, "to_text", None)) and callable(getattr(value, "from_text", None))


@dataclass(frozen=True)
class RatingRequest:
    """What a case expects: a rating column for ``max_stars`` that passes every contract."""

    max_stars: int


@dataclass(frozen=True)
class PassesContracts(Comparator):
    """A column type is right when it fails none of :data:`RATING_CONTRACTS`."""

    describe: ClassVar[str] = "a column type (platform.ColumnType)"

    def accepts(self, got: object) -> bool:
        return looks_like_a_column_type(got)

    def _same(self, expected: object, got: object) -> bool:
        return not failed_rating_contracts(got, expected.max_stars)

    def _format(self, value: object) -> str:
        if isinstance(value, RatingRequest):
            return f"a column type that passes all {len(RATING_CONTRACTS)} contracts"
        if not looks_like_a_column_type(value):
            return short_repr(value, 40)
        examples = getattr(value, "examples", ())
        max_stars = len(examples) if examples else 5
        failed = failed_rating_contracts(value, max_stars)
        return "a column type that fails " + "; ".join(
            f"{name} ({RATING_CONTRACTS[name]})" for name in failed
        )


@dataclass(frozen=True)
class FailsContract(Comparator):
    """Matches a learner's column that fails ``contract`` where a broken reference does.

    Used as a :class:`~infralab.checks.core.Mistake`'s comparator: the first
    argument is the broken reference column (its ``examples`` are ``1..max_stars``).
    """

    contract: str = ""

    def accepts(self, got: object) -> bool:
        return looks_like_a_column_type(got)

    def _same(self, expected: object, got: object) -> bool:
        max_stars = len(expected.examples)
        return self.contract in failed_rating_contracts(got, max_stars)
