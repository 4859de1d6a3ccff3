"""The scorecard: hand-computed scores, the profile's finding, and pointers that resolve.

Every pointer names a lesson notebook and a section heading. The pointer test reads
the lesson notebooks as they are when it runs, renders each markdown cell with
nbconvert (the renderer of the HTML handouts) and collects the anchors it gives the
headings, so a renamed section breaks this test, not a learner's link.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import nbformat  # noqa: E402
import pytest  # noqa: E402
from nbconvert.filters.markdown_mistune import markdown2html_mistune  # noqa: E402

from infralab import capstone  # noqa: E402

ROOT = Path(__file__).resolve().parents[3]
IDS = [question.id for question in capstone.QUESTIONS]


def answers(value=3, **changes):
    return {**dict.fromkeys(IDS, value), **changes}


def step_score(card, step):
    return capstone.score_scorecard(card).set_index("step").score_pct[step]


def test_two_statements_per_step_from_both_lists():
    steps = [question.step for question in capstone.QUESTIONS]
    assert {step: steps.count(step) for step in capstone.STEPS} == dict.fromkeys(capstone.STEPS, 2)
    kinds = [question.kind for question in capstone.QUESTIONS]
    # the guide's four mistakes and four signs, and the own advice of steps 4 and 5
    assert kinds.count("mistake") == 4 and kinds.count("sign") == 6
    assert len(set(IDS)) == len(IDS)


def test_scores_by_hand():
    # doomsday clock: a mistake answered 5 (0 points) and a sign answered 2 (1/4 point)
    assert step_score(answers(scale_when_failing=5, limits_known=2), "Doomsday clock") == 12.5
    # a mistake answered 1 and a sign answered 5 are both worth a full point
    card = answers(features_over_quality=1, trusted_for_reliability=5)
    assert step_score(card, "Invisible qualities") == 100.0
    assert step_score(answers(1), "100x problems") == 0.0  # two signs, the worst answer
    assert step_score(answers(1), "Shared platform") == 50.0  # one sign at 0, one mistake at 1
    assert set(capstone.score_scorecard(answers(3)).score_pct) == {50.0}


def test_weak_means_below_the_threshold():
    scores = capstone.score_scorecard(answers(3, client_side_tracking=4))
    weak = dict(zip(scores.step, scores.weak, strict=True))
    assert weak["Server-side tracking"] and sum(weak.values()) == 1  # 37.5% < 50%; 50% is not weak


@pytest.mark.parametrize(
    "card",
    [None, {}, answers(6), answers(0), answers(True), answers(2.5), answers("3"),
     {**answers(3), "unknown": 3}, {key: 3 for key in IDS[1:]}],
)
def test_an_invalid_card_is_refused_by_name(card):
    with pytest.raises((TypeError, ValueError), match="answers"):
        capstone.score_scorecard(card)


def _anchors(notebook: Path) -> dict[str, str]:
    """Heading text -> the anchor nbconvert gives it, for every markdown cell of ``notebook``."""
    found = {}
    for cell in nbformat.read(notebook, as_version=4).cells:
        if cell.cell_type != "markdown":
            continue
        page = markdown2html_mistune(cell.source)
        for anchor, text in re.findall(r'<h[1-6] id="([^"]+)">(.*?)<a class="anchor-link"', page):
            found[html.unescape(re.sub(r"<[^>]+>", "", text))] = anchor
    return found


@pytest.mark.parametrize("question", capstone.QUESTIONS, ids=lambda q: q.id)
def test_every_pointer_resolves_to_a_section_of_its_lesson(question):
    notebook = ROOT / "notebooks" / question.lesson
    assert notebook.is_file(), f"{question.id} points to {question.lesson}, which does not exist"
    anchors = _anchors(notebook)
    assert question.section in anchors, (
        f"{question.id}: {question.lesson} has no heading {question.section!r}; its headings: "
        f"{sorted(anchors)}"
    )
    assert capstone.section_anchor(question.section) == anchors[question.section]


def test_pointers_link_every_statement_of_each_weak_step_weakest_first():
    card = answers(3, client_side_tracking=5, scale_when_failing=4)
    pointers = capstone.weak_area_pointers(capstone.score_scorecard(card))
    assert list(pointers.step) == ["Server-side tracking"] * 2 + ["Doomsday clock"] * 2
    assert pointers.link.iloc[0] == (
        "../notebooks/05_server_side_tracking.ipynb#2-%C2%B7-Whose-data-disappears"
    )
    assert capstone.weak_area_pointers(capstone.score_scorecard(answers(4, **{
        q.id: 2 for q in capstone.QUESTIONS if q.kind == "mistake"}))).empty


def test_the_profile_draws_each_score_and_names_the_weakest():
    card = answers(3, client_side_tracking=5, limits_known=5)
    scores = capstone.score_scorecard(card)
    ax = capstone.plot_profile(scores)
    widths = [bar.get_width() for bar in ax.patches]
    assert widths == list(scores.score_pct)
    pairs = list(zip(ax.patches, scores.weak, strict=True))
    colours = {bar.get_facecolor() for bar, weak in pairs if weak}
    others = {bar.get_facecolor() for bar, weak in pairs if not weak}
    assert len(colours) == 1 and colours.isdisjoint(others)
    assert ax.get_title() == "Weakest area: Server-side tracking (25%); 1 step below 50%"
    plt.close("all")
    ax = capstone.plot_profile(capstone.score_scorecard(answers(3)))  # all 3: 50% everywhere
    assert ax.get_title() == "Every step scores 50%: no area is weaker than another"
    plt.close("all")
    ax = capstone.plot_profile(capstone.score_scorecard(answers(4, limits_known=5)))
    assert ax.get_title().endswith("no step below 50%")
    plt.close("all")
