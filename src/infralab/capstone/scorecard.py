"""The self-assessment scorecard: ten statements, five steps, one profile.

Each statement paraphrases one of the guide's common mistakes or one of its
signs of doing it well, or (where the guide lists only one for a step) the
step's own advice, and belongs to one of the guide's five steps. A learner
answers each with how true it is of their team, from 1 (not at all) to 5
(completely). A *sign* scores its answer as it is; a *mistake* scores it the
other way round (5 = "we do this mistake fully" is the worst answer):

``points = (answer - 1) / 4`` for a sign, ``(5 - answer) / 4`` for a mistake,

and a step's score is the mean of its statements' points, in percent (0 = every
answer the worst, 100 = every answer the best). A step below
:data:`WEAK_BELOW_PCT` is a weak area; each of its statements names the lesson
section that practises it (:func:`weak_area_pointers`), with a link in the form
JupyterLab and nbconvert give a heading's anchor (:func:`section_anchor`).

References
----------
The five steps, common mistakes and signs of doing it well are those of the
course's source guide, "Platform & Infrastructure" (five guests, six insights),
paraphrased.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import quote

import numpy as np
import pandas as pd

from ..validation import check_number, check_text, short_repr

if TYPE_CHECKING:  # matplotlib is imported when a profile is drawn, not with the package
    import matplotlib.pyplot as plt

__all__ = [
    "ANSWER_SCALE",
    "QUESTIONS",
    "STEPS",
    "WEAK_BELOW_PCT",
    "Question",
    "plot_profile",
    "score_scorecard",
    "section_anchor",
    "weak_area_pointers",
]

#: The guide's five steps, in its order.
STEPS = (
    "Invisible qualities",
    "Shared platform",
    "Doomsday clock",
    "100x problems",
    "Server-side tracking",
)

#: The answers a statement takes: 1 = not at all true of us ... 5 = completely true.
ANSWER_SCALE = (1, 2, 3, 4, 5)

#: A step scoring below this percentage is a weak area (an illustrative threshold:
#: below the middle of the scale, the answers lean to the worse side).
WEAK_BELOW_PCT = 50.0


@dataclass(frozen=True)
class Question:
    """One statement of the scorecard.

    Parameters
    ----------
    id : str
        Short key of the answer in the learner's dict, e.g. ``"features_over_quality"``.
    step : str
        One of :data:`STEPS`.
    kind : str
        ``"mistake"`` (agreeing is bad) or ``"sign"`` (agreeing is good).
    text : str
        The statement, as the learner reads it.
    lesson : str
        The notebook that practises it, e.g. ``"01_invisible_qualities.ipynb"``.
    section : str
        The heading of that notebook's section, exactly as written there.
    """

    id: str
    step: str
    kind: str
    text: str
    lesson: str
    section: str


#: The ten statements, two per step, in the guide's order of steps.
QUESTIONS = (
    Question(
        "features_over_quality", STEPS[0], "mistake",
        "We mostly compete by adding features; speed and uptime come after.",
        "01_invisible_qualities.ipynb", "4 · A market over 36 months",
    ),
    Question(
        "trusted_for_reliability", STEPS[0], "sign",
        "Our largest customers pick us for reliability and where their data lives, "
        "not only for features.",
        "01_invisible_qualities.ipynb", "4 · A market over 36 months",
    ),
    Question(
        "capabilities_rebuilt", STEPS[1], "mistake",
        "Each team builds its own export, filters or permissions for its own feature.",
        "02_shared_platform.ipynb", "1 · What a column type costs, with and without a platform",
    ),
    Question(
        "features_ship_faster", STEPS[1], "sign",
        "A new feature ships quickly because the common parts of it already exist.",
        "02_shared_platform.ipynb", "4 · A column platform you can extend",
    ),
    Question(
        "scale_when_failing", STEPS[2], "mistake",
        "We start scaling work when the system is already struggling.",
        "03_doomsday_clock.ipynb", "6 · The start-by date, and the time a surge steals",
    ),
    Question(
        "limits_known", STEPS[2], "sign",
        "We know each hard limit of our main database, when we will reach it, and "
        "which project removes it.",
        "03_doomsday_clock.ipynb", "4 · Every limit, its own fix, its own lead time",
    ),
    Question(
        "engineers_on_foundations", STEPS[3], "sign",
        "Our strongest engineers are keen to work on foundations, not only on features.",
        "04_100x_problems.ipynb", "3 · People: who works on the 100x problem, and when",
    ),
    Question(
        "dedicated_100x_team", STEPS[3], "sign",
        "A few people work full time on what breaks at 100 times today's load, "
        "not part time between features.",
        "04_100x_problems.ipynb", "3 · People: who works on the 100x problem, and when",
    ),
    Question(
        "client_side_tracking", STEPS[4], "mistake",
        "Our product analytics come from tracking code in the browser or app.",
        "05_server_side_tracking.ipynb", "2 · Whose data disappears",
    ),
    Question(
        "server_logs_with_ids", STEPS[4], "sign",
        "Behavioural events come from our servers' logs, keyed by user ID.",
        "05_server_side_tracking.ipynb", "4 · One person, many cookies",
    ),
)


def _checked_answers(answers: object) -> dict[str, int]:
    """``answers`` as {question id: 1..5}, or a ValueError/TypeError naming what is wrong."""
    if not isinstance(answers, Mapping):
        raise TypeError(f"answers must be a dict of question id -> 1..5, got {short_repr(answers)}")
    ids = [question.id for question in QUESTIONS]
    unknown = sorted(str(key) for key in answers if key not in ids)
    if unknown:
        raise ValueError(f"answers has unknown question ids {unknown}; the ids are {ids}")
    missing = [key for key in ids if key not in answers]
    if missing:
        raise ValueError(f"answers is missing {missing}: answer every statement from 1 to 5")
    checked = {}
    for key in ids:
        value = answers[key]
        if isinstance(value, (bool, np.bool_)) or value not in ANSWER_SCALE:
            raise ValueError(
                f"answers[{key!r}] must be a whole number from 1 to 5, got {short_repr(value)}"
            )
        checked[key] = int(value)
    return checked


def score_scorecard(answers: Mapping[str, int]) -> pd.DataFrame:
    """Score each of the five steps from the learner's answers.

    Parameters
    ----------
    answers : mapping of str to int
        Every id of :data:`QUESTIONS` -> how true the statement is of your team,
        1 (not at all) to 5 (completely).

    Returns
    -------
    DataFrame
        One row per step of :data:`STEPS`, in order: ``step``, ``score_pct``
        (0-100, the mean of its statements' points) and ``weak``
        (``score_pct < WEAK_BELOW_PCT``).

    Raises
    ------
    TypeError, ValueError
        If an answer is missing, unknown or not 1-5; the message names it.

    Examples
    --------
    >>> answers = {question.id: 3 for question in QUESTIONS}
    >>> answers["scale_when_failing"] = 5      # a mistake we make fully: 0 points
    >>> answers["limits_known"] = 2            # a sign we barely show: 0.25 points
    >>> float(score_scorecard(answers).set_index("step").score_pct["Doomsday clock"])
    12.5
    """
    checked = _checked_answers(answers)
    points = {
        question.id: (checked[question.id] - 1) / 4
        if question.kind == "sign"
        else (5 - checked[question.id]) / 4
        for question in QUESTIONS
    }
    scores = [
        100 * float(np.mean([points[q.id] for q in QUESTIONS if q.step == step]))
        for step in STEPS
    ]
    return pd.DataFrame(
        {"step": list(STEPS), "score_pct": scores, "weak": [s < WEAK_BELOW_PCT for s in scores]}
    )


def section_anchor(heading: str) -> str:
    """The anchor JupyterLab and nbconvert give a markdown heading.

    Spaces become ``-`` and characters not allowed in a link's fragment are
    percent-encoded (as nbconvert's ``add_anchor`` filter does), so
    ``notebook.ipynb#<anchor>`` opens that section.

    Parameters
    ----------
    heading : str
        The heading's text, without its ``#`` marks.

    Returns
    -------
    str

    Examples
    --------
    >>> section_anchor("2 · Whose data disappears")
    '2-%C2%B7-Whose-data-disappears'
    """
    text = check_text("heading", heading).strip()
    return quote(text.replace(" ", "-"), safe="?/:@!$&'()*+,;=")


def weak_area_pointers(
    scores: pd.DataFrame, *, folder: str = "../notebooks"
) -> pd.DataFrame:
    """For each weak step, the lesson sections that address it, with links.

    Parameters
    ----------
    scores : DataFrame
        As :func:`score_scorecard` returns it (columns ``step`` and ``weak``).
    folder : str
        The folder of the lesson notebooks relative to where the link is opened
        (``"../notebooks"`` from ``my-work/``).

    Returns
    -------
    DataFrame
        One row per statement of a weak step, weakest step first: ``step``,
        ``score_pct``, ``statement``, ``lesson``, ``section`` and ``link``
        (``<folder>/<lesson>#<anchor>``). Empty when no step is weak.

    Examples
    --------
    >>> answers = {question.id: 3 for question in QUESTIONS}
    >>> answers["client_side_tracking"] = 5
    >>> pointers = weak_area_pointers(score_scorecard(answers))
    >>> pointers.link.tolist()[0]
    '../notebooks/05_server_side_tracking.ipynb#2-%C2%B7-Whose-data-disappears'
    """
    if not isinstance(scores, pd.DataFrame) or not {"step", "score_pct", "weak"} <= set(
        scores.columns
    ):
        raise TypeError(
            f"scores must be the DataFrame score_scorecard returns, got {short_repr(scores)}"
        )
    folder = check_text("folder", folder).rstrip("/")
    weak = scores[scores.weak.astype(bool)].sort_values("score_pct", kind="stable")
    rows = [
        {
            "step": row.step,
            "score_pct": row.score_pct,
            "statement": question.text,
            "lesson": question.lesson,
            "section": question.section,
            "link": f"{folder}/{question.lesson}#{section_anchor(question.section)}",
        }
        for row in weak.itertuples()
        for question in QUESTIONS
        if question.step == row.step
    ]
    columns = ["step", "score_pct", "statement", "lesson", "section", "link"]
    return pd.DataFrame(rows, columns=columns)


def plot_profile(scores: pd.DataFrame, ax: plt.Axes | None = None) -> plt.Axes:
    """Draw the five steps' scores as horizontal bars, weak ones highlighted.

    Parameters
    ----------
    scores : DataFrame
        As :func:`score_scorecard` returns it.
    ax : matplotlib Axes, optional
        Where to draw; a new figure when None.

    Returns
    -------
    matplotlib Axes
        Titled with the weakest step and how many steps are weak (or, when
        every step scores the same, that no area is weaker than another).

    Examples
    --------
    >>> answers = {question.id: 4 for question in QUESTIONS}
    >>> answers["scale_when_failing"] = 5
    >>> ax = plot_profile(score_scorecard(answers))
    >>> ax.get_title()
    'Weakest area: Doomsday clock (38%); 1 step below 50%'
    >>> import matplotlib.pyplot as plt; plt.close(ax.figure)
    """
    import matplotlib.pyplot as plt

    if not isinstance(scores, pd.DataFrame) or not {"step", "score_pct", "weak"} <= set(
        scores.columns
    ):
        raise TypeError(
            f"scores must be the DataFrame score_scorecard returns, got {short_repr(scores)}"
        )
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 3.6))
    values = [check_number("score_pct", v, low=0, high=100) for v in scores.score_pct]
    y = np.arange(len(values))[::-1]
    colours = ["C1" if weak else "C0" for weak in scores.weak]
    ax.barh(y, values, color=colours)
    ax.set_yticks(y, list(scores.step))
    ax.axvline(WEAK_BELOW_PCT, color="0.3", linestyle=":", linewidth=1)
    for position, value in zip(y, values, strict=True):
        ax.text(value + 1, position, f"{value:.0f}%", va="center")
    ax.set(xlim=(0, 110), xlabel="score (%): 100 = every answer the best one")
    weakest = scores.iloc[int(np.argmin(values))]
    n_weak = int(scores.weak.sum())
    if max(values) - min(values) < 1e-9:
        ax.set_title(f"Every step scores {values[0]:.0f}%: no area is weaker than another")
        return ax
    tail = (
        f"{n_weak} step{'s' if n_weak != 1 else ''} below {WEAK_BELOW_PCT:.0f}%"
        if n_weak
        else f"no step below {WEAK_BELOW_PCT:.0f}%"
    )
    ax.set_title(f"Weakest area: {weakest.step} ({weakest.score_pct:.0f}%); {tail}")
    return ax
