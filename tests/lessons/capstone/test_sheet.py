"""Lesson 07's exercise sheet, run cell by cell with stand-ins for the learner's functions.

The sheet's cells that use a learner's own data wait for the tasks they need and never
end in a traceback, and its report is made in the run of its own cell from ``MY_FILE``
as it is then: it never names one file and shows another's numbers. So the code cells
of ``exercises/07_capstone.ipynb`` (as a learner gets it, stubs and all) run here in
one namespace, as a kernel would run them, from a folder laid out like the course
(``exercises/`` beside ``data/`` and ``my-work/``); a task's stand-in replaces the stub
right after the cell that defines it, and a cell's printed text is what it shows.
"""

from __future__ import annotations

import contextlib
import csv
import io
import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import nbformat  # noqa: E402
import pytest  # noqa: E402

from infralab import capstone, growth  # noqa: E402
from tests.lessons.capstone import answers  # noqa: E402

ROOT = Path(__file__).resolve().parents[3]
SHEET = ROOT / "exercises" / "07_capstone.ipynb"
EXAMPLE = ROOT / "data" / "my_metrics_example.csv"
CELLS = [cell for cell in nbformat.read(SHEET, as_version=4).cells if cell.cell_type == "code"]
RIGHT = dict(answers.RIGHT_ANSWERS)
NEEDED = ("scorecard_gaps", "area_scores", "first_fix")  # what the report waits for


def _cell(snippet: str) -> int:
    (found,) = [n for n, cell in enumerate(CELLS) if snippet in cell.source]
    return found


SETTINGS = _cell("MY_FILE = Path(")
DATES = _cell("my_dates = your_dates()")
FIGURE = _cell("def dates_figure(")
REPORT = _cell("WRITE_MY_REPORT = False")


class Sheet:
    """The sheet's namespace; :meth:`run` runs cells and returns what each printed."""

    def __init__(self, folder: Path, stand_ins: dict, *, write_report: bool, course=False):
        self.folder, self.stand_ins, self.write_report = folder, stand_ins, write_report
        self.course = course  # USE_COURSE_FUNCTIONS = True, as in the 20-minute close
        self.namespace: dict[str, object] = {"__name__": "__main__"}

    def source(self, number: int, settings: dict[str, str]) -> str:
        text = CELLS[number].source
        if number == 0 and self.course:
            text = text.replace("USE_COURSE_FUNCTIONS = False", "USE_COURSE_FUNCTIONS = True")
        if number == REPORT and self.write_report:
            text = text.replace("WRITE_MY_REPORT = False", "WRITE_MY_REPORT = True")
        if number == SETTINGS:
            for name, value in settings.items():
                text, count = re.subn(rf"^{name} = .*$", f"{name} = {value}", text, flags=re.M)
                assert count == 1, name
        return text

    def run(self, numbers=None, **settings: str) -> dict[int, str]:
        printed = {}
        for number in range(len(CELLS)) if numbers is None else numbers:
            out = io.StringIO()
            with contextlib.redirect_stdout(out):  # a traceback here fails the test
                exec(compile(self.source(number, settings), f"sheet cell {number}", "exec"),
                     self.namespace)
            for name, function in self.stand_ins.items():
                if re.search(rf"^def {name}\(", CELLS[number].source, flags=re.M):
                    self.namespace[name] = function
            printed[number] = out.getvalue()
        plt.close("all")
        return printed

    def reports(self) -> list[Path]:
        return sorted((self.folder / "my-work").glob("*.html"))


@pytest.fixture
def course(tmp_path, monkeypatch):
    """A course folder: the sheet runs in exercises/, beside data/ and my-work/."""
    (tmp_path / "exercises").mkdir()
    (tmp_path / "data").symlink_to(ROOT / "data")
    monkeypatch.chdir(tmp_path / "exercises")
    monkeypatch.setattr(plt, "show", lambda *args, **kwargs: plt.close("all"))
    return tmp_path


def _write(path: Path, rows) -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def _export_without_cpu(folder: Path) -> Path:
    rows = list(csv.reader(EXAMPLE.read_text(encoding="utf-8").splitlines()))
    return _write(folder / "my_metrics_no_cpu.csv", [row[:3] + row[4:] for row in rows])


def _first_days_of_export(folder: Path, days: int) -> Path:
    rows = list(csv.reader(EXAMPLE.read_text(encoding="utf-8").splitlines()))
    return _write(folder / "first_days.csv", rows[: days + 1])


def _one_line(text: str) -> str:
    assert len(text.splitlines()) == 1, text
    return text.strip()


def test_the_sheet_as_given_runs_and_its_report_waits_for_task_2(course):
    sheet = Sheet(course, {}, write_report=True)
    printed = sheet.run()
    assert "Skipped until scorecard_gaps is correct" in _one_line(printed[REPORT])
    assert sheet.reports() == []


@pytest.mark.parametrize("unready", NEEDED)
def test_the_report_waits_for_each_task_it_needs_naming_it(course, unready):
    def stub(*args, **kwargs):
        raise NotImplementedError()

    sheet = Sheet(course, {**RIGHT, unready: stub}, write_report=True)
    printed = sheet.run()
    assert f"Skipped until {unready} is correct" in _one_line(printed[REPORT])
    assert sheet.reports() == []


def test_the_report_waits_while_a_check_fails(course):
    def lets_true_through(answers, question_ids):  # the check's hint: True == 1 in Python
        return [q for q in question_ids if answers.get(q) not in (1, 2, 3, 4, 5)]

    sheet = Sheet(course, {**RIGHT, "scorecard_gaps": lets_true_through}, write_report=True)
    printed = sheet.run()
    assert "Skipped until scorecard_gaps is correct" in _one_line(printed[REPORT])
    assert sheet.reports() == []


def test_a_file_without_a_limits_column_gets_one_line_in_each_cell_and_no_report(course):
    no_cpu = _export_without_cpu(course / "exercises")
    sheet = Sheet(course, RIGHT, write_report=True)
    printed = sheet.run(MY_FILE=f'Path("{no_cpu.name}")')
    for number in (DATES, REPORT):
        assert _one_line(printed[number]) == (
            "my_metrics_no_cpu.csv, row 1: column 'cpu_peak' is missing; the resources read "
            "are ['connections', 'storage']")
    assert printed[FIGURE] == ""
    assert sheet.reports() == []


def test_the_report_reads_my_file_again_and_never_shows_another_files_numbers(course):
    sheet = Sheet(course, RIGHT, write_report=True)
    printed = sheet.run()  # the example export, all the way down: its report
    (first,) = sheet.reports()
    assert _one_line(printed[REPORT]) == f"Your report: {first.resolve()}"
    assert "From my_metrics_example.csv: 178 days, the last on 31 Dec 2020." in first.read_text()

    # MY_FILE now names a file without CPU; the cells with the example's dates are not re-run
    no_cpu = _export_without_cpu(course / "exercises")
    printed = sheet.run([SETTINGS, REPORT], MY_FILE=f'Path("{no_cpu.name}")')
    assert "column 'cpu_peak' is missing" in _one_line(printed[REPORT])
    assert sheet.reports() == [first]

    # a readable file, its dates never shown by the cells above: the report holds its own
    shorter = _first_days_of_export(course / "exercises", 150)
    printed = sheet.run([SETTINGS, REPORT], MY_FILE=f'Path("{shorter.name}")')
    second = next(path for path in sheet.reports() if path != first)
    assert _one_line(printed[REPORT]) == f"Your report: {second.resolve()}"
    page = second.read_text()
    mine = capstone.read_metrics_csv(shorter, resources=list(sheet.namespace["MY_LIMITS"]))
    table = growth.doomsday_table(
        mine.frame, sheet.namespace["MY_LIMITS"], rng=sheet.namespace["SEED"], window_days=90,
        cycle_days=7, block_days=1, horizon_days=6 * 365, running_totals=["storage"])
    last = f"{mine.frame.date.max():%d %b %Y}"
    assert f"From first_days.csv: 150 days, the last on {last}." in page
    assert "my_metrics_example.csv" not in page and "178 days" not in page
    for row in table.itertuples():
        assert f"<td>{row.resource}</td><td>{row.doomsday:%Y-%m-%d}</td>" in page
    assert "<td>cpu_peak</td><td>2021-06-18</td>" not in page  # the example's doomsday


def test_settings_that_do_not_fit_get_one_line_not_a_traceback(course):
    sheet = Sheet(course, RIGHT, write_report=True)
    sheet.run()
    (first,) = sheet.reports()
    lead_times = '{"storage": 180, "cpu_peak": 270}'
    printed = sheet.run([SETTINGS, DATES, FIGURE, REPORT], MY_LEAD_TIME_DAYS=lead_times)
    for number in (DATES, REPORT):
        assert _one_line(printed[number]) == (
            "MY_LEAD_TIME_DAYS has no lead time for ['connections']: give one per resource of "
            "MY_LIMITS.")
    printed = sheet.run([SETTINGS, REPORT], MY_FILE='Path("no_such_export.csv")')
    assert "no_such_export.csv: there is no such file" in _one_line(printed[REPORT])
    printed = sheet.run([SETTINGS, DATES, REPORT], MY_RUNNING_TOTALS='["disk"]')
    assert "lesson 03's method cannot use it" in _one_line(printed[REPORT])
    assert sheet.reports() == [first]


def test_an_incomplete_card_gets_one_line_and_no_report(course):
    sheet = Sheet(course, RIGHT, write_report=True)
    sheet.run(range(REPORT))
    sheet.namespace["MY_ANSWERS"] = {**sheet.namespace["MY_ANSWERS"], "limits_known": 2.5}
    printed = sheet.run([REPORT])
    assert _one_line(printed[REPORT]) == (
        "No report yet: the scorecard is not complete: ['limits_known'].")
    assert sheet.reports() == []


def test_answers_the_checks_accept_carry_the_sheet_to_its_report(course):
    """Lower-case step names and a start-by date as text pass their checks; the cells cope."""

    def lower_case(card, questions):
        return {str(step).lower(): s for step, s in answers.area_scores(card, questions).items()}

    def text_date(table, lead_time_days, buffer_days):
        resource, start_by = answers.first_fix(table, lead_time_days, buffer_days)
        return resource, None if start_by is None else f"{start_by:%Y-%m-%d}"

    stand_ins = {**RIGHT, "area_scores": lower_case, "first_fix": text_date}
    sheet = Sheet(course, stand_ins, write_report=True)
    printed = sheet.run()
    assert "first fix to start: cpu_peak, by 02 Jul 2020" in printed[DATES]
    assert printed[REPORT].startswith("Your report: ")
    assert "First fix to start: cpu_peak, by 02 Jul 2020." in sheet.reports()[0].read_text()


def test_with_the_course_functions_the_untouched_sheet_writes_its_report(course):
    sheet = Sheet(course, {}, write_report=True, course=True)
    printed = sheet.run()
    (report,) = sheet.reports()
    assert _one_line(printed[REPORT]) == f"Your report: {report.resolve()}"
    assert "First fix to start: cpu_peak, by 02 Jul 2020." in report.read_text()


def test_task_2_says_first_that_5_point_0_counts():
    sheet = nbformat.read(SHEET, as_version=4)
    (task,) = [cell.source for cell in sheet.cells if cell.source.startswith("## Task 2")]
    said = task.index("`5.0` counts as 5")
    assert said < task.index("Write\n`scorecard_gaps") and said < task.index("`2.5`")
