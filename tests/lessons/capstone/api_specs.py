"""Public-API specs of lesson 07's model (``infralab.capstone``) and its check module.

Found by ``tests/test_public_api.py`` through :data:`infralab.lessons.LESSONS`.
"""

from __future__ import annotations

import math

from hypothesis import strategies as st

from infralab import capstone
from tests.api_specs import BAD_FLAG, BAD_PATH, BAD_TEXT, NEVER_WRITTEN, Spec, kwargs

ANSWERS = st.fixed_dictionaries(
    {question.id: st.sampled_from(capstone.ANSWER_SCALE) for question in capstone.QUESTIONS}
)
BAD_ANSWERS = (
    None,
    3,
    [],
    {},
    dict.fromkeys([q.id for q in capstone.QUESTIONS], 6),
    dict.fromkeys([q.id for q in capstone.QUESTIONS], True),
    {**dict.fromkeys([q.id for q in capstone.QUESTIONS], 3), "no_such_question": 3},
)
SCORES = ANSWERS.map(capstone.score_scorecard)
BAD_SCORES = (None, 3, "scores", [50.0] * 5)

SPECS = {
    "infralab.capstone.score_scorecard": Spec(
        kwargs(answers=ANSWERS), invalid={"answers": BAD_ANSWERS}
    ),
    "infralab.capstone.section_anchor": Spec(
        kwargs(heading=st.text(min_size=1).filter(str.strip)), invalid={"heading": BAD_TEXT}
    ),
    "infralab.capstone.weak_area_pointers": Spec(
        kwargs(scores=SCORES, folder=st.sampled_from(["../notebooks", "notebooks/"])),
        invalid={"scores": BAD_SCORES, "folder": BAD_TEXT},
    ),
    "infralab.capstone.plot_profile": Spec(
        kwargs(scores=SCORES, ax=st.none()),
        invalid={"scores": BAD_SCORES},
        unchecked={"ax": "passed to matplotlib as the axes to draw on"},
        valid_calls="draws a figure: checked in tests/lessons/capstone/test_scorecard.py",
    ),
    "infralab.capstone.read_metrics_csv": Spec(
        kwargs(path=st.just(NEVER_WRITTEN)),
        invalid={
            "path": BAD_PATH,
            "min_rows": (None, "14", 2.5, math.nan, True, 2),
            "resources": ("storage", 3, [3], [""]),
        },
        valid_calls="reads files: every case is in tests/lessons/capstone/test_metrics_csv.py",
    ),
    "infralab.capstone.write_report": Spec(
        kwargs(folder=st.just(NEVER_WRITTEN), title=st.just("t"), sections=st.just([])),
        invalid={
            "folder": BAD_PATH,
            "title": BAD_TEXT,
            "sections": (None, 3, "sections", [("heading",)], [("heading", "text")],
                         [("heading", [3])]),
            "file_name": (None, 3, "report.txt", "../report.html"),
            "overwrite": BAD_FLAG,
        },
        valid_calls="writes a file: checked in tests/lessons/capstone/test_report.py",
    ),
    "infralab.checks.capstone.ready": Spec(
        kwargs(function=st.just(lambda *args: 1.0)),
        unchecked={"function": "any answer at all is handled: fuzzed in tests/test_check_cells.py"},
    ),
}

RECORDS = {
    "infralab.capstone.Question": "a constant's record: QUESTIONS",
    "infralab.capstone.MetricsFile": "built by read_metrics_csv",
    "infralab.capstone.MetricsFileError": "raised by read_metrics_csv",
}
