"""What every lesson's self-checks must do, tested at every task of every lesson.

The lessons come from :data:`infralab.lessons.LESSONS`, their checks from each
lesson's check module (``infralab.checks.<slug>``) and the right answers, written
as a learner would, from ``tests/lessons/<slug>/answers.py`` (``RIGHT_ANSWERS``).
A new lesson is covered here by adding those two files and its entry in
``LESSONS``. What is particular to one lesson (its hand-computed answers, the
mistakes learners make) is in ``tests/lessons/<slug>/test_checks.py``; the
machinery itself, on toy tasks, in tests/test_checks_core.py; hostile answers
built to break the machinery in tests/test_check_cells.py.
"""

from __future__ import annotations

import importlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from infralab.lessons import LESSONS
from tests.check_runner import (
    JUNK_FUNCTIONS,
    JUNK_STATUSES,
    assert_unchanged,
    junk_line,
    mutates,
    printed_line,
)

MODULES = {lesson.name: importlib.import_module(lesson.checks) for lesson in LESSONS}


def _right_answers(slug):
    name = f"tests.lessons.{slug}.answers"
    try:
        return importlib.import_module(name).RIGHT_ANSWERS
    except ModuleNotFoundError as error:  # reported by test_right_answers_cover_every_task
        if error.name != name:
            raise
        return {}


RIGHT_ANSWERS = {lesson.name: _right_answers(lesson.name) for lesson in LESSONS}

#: ``"<slug>.<task>"`` for every task of every lesson, in course order.
TASK_IDS = [f"{slug}.{name}" for slug, module in MODULES.items() for name in module.TASKS]


def _task(task_id):
    """(check module, task name, Task) for ``"<slug>.<task>"``."""
    slug, name = task_id.split(".")
    module = MODULES[slug]
    return module, name, module.TASKS[name]


def _right_answer(task_id):
    slug, name = task_id.split(".")
    if name not in RIGHT_ANSWERS[slug]:
        pytest.fail(f"tests/lessons/{slug}/answers.py has no RIGHT_ANSWERS[{name!r}]")
    return RIGHT_ANSWERS[slug][name]


def printed(task_id, function):
    """The one line the check cell of this task prints for ``function``."""
    module, name, _ = _task(task_id)
    return printed_line(module, name, function)


# --------------------------------------------------------------------------- the check set-up


def test_lessons_are_found():
    assert {"doomsday_clock", "server_side_tracking"} <= set(MODULES)
    assert len(TASK_IDS) == sum(len(module.TASKS) for module in MODULES.values())


@pytest.mark.parametrize("slug", list(MODULES))
def test_right_answers_cover_every_task(slug):
    assert set(RIGHT_ANSWERS[slug]) == set(MODULES[slug].TASKS), (
        f"tests/lessons/{slug}/answers.py must define RIGHT_ANSWERS, one per task"
    )


@pytest.mark.parametrize("task_id", TASK_IDS)
def test_every_task_has_three_to_six_cases_with_a_hidden_one(task_id):
    check, name, task = _task(task_id)
    assert task.name == name
    assert 3 <= len(task.cases) <= 6, task.name
    assert any(case.hidden for case in task.cases), task.name
    assert len(check.EXAMPLES[task.name]) == len(task.examples)
    assert check.EXAMPLES[task.name] == task.examples
    assert all(a is b for a, b in zip(check.EXAMPLES[task.name], task.examples, strict=True))
    assert task.examples, task.name
    assert task.summary
    assert getattr(check, task.name).__doc__
    for case in task.cases:  # the check calls the function as the exercise names it
        assert len(case.args) + len(case.kwargs) == len(task.parameters), task.name



# --------------------------------------------------------------------------- statuses per task


@pytest.mark.parametrize("task_id", TASK_IDS)
def test_right_answer_is_correct(task_id):
    _, name, task = _task(task_id)
    answer = _right_answer(task_id)
    verdict = task.evaluate(answer)
    assert verdict.status == "correct", verdict.message
    hidden = sum(case.hidden for case in task.cases)
    assert verdict.message == (
        f"Correct ({name}): right on all {len(task.cases)} test cases ({hidden} of them hidden)."
    )
    assert printed(task_id, answer) == verdict.message


@pytest.mark.parametrize("task_id", TASK_IDS)
def test_untouched_stub_is_not_attempted(task_id):
    _, name, task = _task(task_id)
    namespace = {}
    exec(  # the exercise cell exactly as ClearSolutions leaves it
        f"def {name}({', '.join(task.parameters)}):\n"
        "    # YOUR CODE HERE\n"
        "    raise NotImplementedError()\n",
        namespace,
    )
    verdict = task.evaluate(namespace[name])
    assert verdict.status == "not_attempted"
    assert verdict.message.startswith(f"Not attempted yet ({name}): ")
    assert "NotImplementedError" in verdict.message
    assert printed(task_id, namespace[name]) == verdict.message


MISTAKES = [
    pytest.param(task_id, index, id=f"{task_id}-{index}")
    for task_id in TASK_IDS
    for index in range(len(_task(task_id)[2].mistakes))
]


@pytest.mark.parametrize(("task_id", "index"), MISTAKES)
def test_every_listed_mistake_gets_its_hint(task_id, index):
    _, name, task = _task(task_id)
    mistake = task.mistakes[index]
    verdict = task.evaluate(mistake.wrong_answer)
    assert verdict.status == "incorrect"
    assert verdict.message == f"Not quite ({name}): {mistake.hint}"
    assert printed(task_id, mistake.wrong_answer) == verdict.message


@pytest.mark.parametrize("task_id", TASK_IDS)
def test_every_mistake_is_wrong_somewhere(task_id):
    _, _, task = _task(task_id)
    assert task.mistakes, task.name
    for mistake in task.mistakes:
        assert task.evaluate(mistake.wrong_answer).status != "correct"


@pytest.mark.parametrize("task_id", TASK_IDS)
def test_wrong_number_of_parameters_names_the_exercise_parameters(task_id):
    _, name, task = _task(task_id)
    assert printed(task_id, lambda: 1) == (
        f"Error ({name}): your function takes () but the check calls it as "
        f"{name}({', '.join(task.parameters)}). Keep the parameters given in the exercise."
    )


# --------------------------------------------------------------------------- robustness


@pytest.mark.parametrize("task_id", TASK_IDS)
@pytest.mark.parametrize("junk", sorted(JUNK_FUNCTIONS))
def test_any_junk_prints_one_line_and_never_raises(task_id, junk):
    check, name, _ = _task(task_id)
    junk_line(getattr(check, name), name, JUNK_FUNCTIONS[junk])


def _answers_none_somewhere(task) -> bool:
    """Dividing by zero where the answer is None gets a hint, not an error line."""
    return any(case.expected is None for case in task.cases)


@pytest.mark.parametrize(("junk", "status"), sorted(JUNK_STATUSES.items()))
def test_junk_gets_the_right_status(junk, status):
    for task_id in TASK_IDS:
        _, _, task = _task(task_id)
        expected = status
        if junk == "zero division" and _answers_none_somewhere(task):
            expected = "incorrect"
        assert task.evaluate(JUNK_FUNCTIONS[junk]).status == expected, task_id


def _saved(value):
    return value.copy() if hasattr(value, "copy") else value


@pytest.mark.parametrize("task_id", TASK_IDS)
def test_mutating_inputs_cannot_spoil_the_cases(task_id):
    _, _, task = _task(task_id)
    before = [
        (tuple(_saved(arg) for arg in case.args), {k: _saved(v) for k, v in case.kwargs.items()})
        for case in task.cases
    ]
    assert task.evaluate(mutates).status in {"incorrect", "error"}
    assert task.evaluate(_right_answer(task_id)).status == "correct"
    for case, (args, kwargs) in zip(task.cases, before, strict=True):
        for arg, original in zip(case.args, args, strict=True):
            assert_unchanged(arg, original)
        assert case.kwargs.keys() == kwargs.keys()
        for key, original in kwargs.items():
            assert_unchanged(case.kwargs[key], original)


# Any value at all, nested with hostile ones, for every task of every lesson: see
# tests/test_check_cells.py.


@settings(max_examples=30, deadline=None)
@given(
    message=st.text(),
    error=st.sampled_from([ValueError, TypeError, KeyError, ZeroDivisionError, RuntimeError]),
    task_id=st.sampled_from(TASK_IDS),
)
def test_any_exception_message_gives_one_error_line(message, error, task_id):
    _, name, _ = _task(task_id)

    def raises(*args):
        raise error(message)

    line = printed(task_id, raises)
    if error is ZeroDivisionError and _answers_none_somewhere(_task(task_id)[2]):
        assert line.startswith(f"Not quite ({name}): ") and "the answer is None" in line
    else:
        assert line.startswith(f"Error ({name}): ")
    assert error.__name__ in line
