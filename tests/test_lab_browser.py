"""A learner's first session in JupyterLab, in a real browser, with nothing leaving the machine.

The course is copied into a temporary folder, ``infralab start`` gives it a ``my-work/``,
and JupyterLab is started there exactly as ``make lab`` starts it: the command is read from
the Makefile's ``lab`` recipe, with a free loopback port, a token and ``--no-browser``
added. JupyterLab's user settings, workspaces, configuration, data and runtime folders are
fresh temporary ones; the settings the course installs in the environment still apply.

Headless Chromium (the system's, driven by playwright) then does what a learner does:
opens the page the server would open, runs every cell of the start page, looks at the file
browser (the top of the course folder), opens lesson 03 from it, runs it and moves two
controls of its try-it panel. Every request to a host other than 127.0.0.1 or localhost is refused
and recorded. One session feeds all the tests below (about 30 s in all).

Without playwright or Chromium the tests are skipped with the reason, unless
``INFRALAB_REQUIRE_BROWSER=1`` is set (CI sets it): then they fail.
"""

from __future__ import annotations

import contextlib
import glob
import html
import json
import os
import re
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import nbformat
import pytest

from infralab.cli import main
from infralab.lab import START_PAGE, shipped_settings
from infralab.tryit import INSTRUCTION
from tests.test_handouts_browser import BROWSER_ARGUMENTS, browser_problem, chromium_executable
from tests.test_handouts_browser import give_up as give_up_without_a_browser

try:
    from playwright.sync_api import Error as PlaywrightError
except ImportError:  # the tests are skipped, saying why (browser_problem)
    PlaywrightError = Exception

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
MAKEFILE = ROOT / "Makefile"
COURSE_PARTS = ("pyproject.toml", "notebooks", "exercises", "solutions", "data")
LESSON = "notebooks/03_doomsday_clock.ipynb"  # a lesson with a try-it panel
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
SCREEN = {"width": 1280, "height": 900}
WAIT_MS = 60_000  # a slow, shared machine: JupyterLab may take a while to load
NEWS_ENDPOINTS = ("/lab/api/news", "/lab/api/update")  # the server fetches these from the web
LOCAL = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # no proxy, ever

# The notebook in the tab in front, and its cells.
PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"
CELLS = f"{PANEL} .jp-Notebook .jp-Cell"

_PROMPTS = """
(cells) => Array.from(document.querySelectorAll(cells))
  .filter((cell) => cell.classList.contains("jp-CodeCell"))
  .map((cell) => (cell.querySelector(".jp-InputPrompt") || {}).textContent || "")
  .map((text) => text.trim())
"""

# Run All is over when every code cell has its number, or when a cell failed (JupyterLab
# then leaves the cells after it unrun).
_RUN_ALL_OVER = """
([cells, count]) => {
  const prompts = Array.from(document.querySelectorAll(cells))
    .filter((cell) => cell.classList.contains("jp-CodeCell"))
    .map((cell) => (cell.querySelector(".jp-InputPrompt") || {}).textContent || "");
  const numbered = prompts.filter((text) => /^\\[\\d+\\]:$/.test(text.trim())).length;
  const failed = document.querySelectorAll(
    cells + ' [data-mime-type="application/vnd.jupyter.stderr"]').length;
  const busy = prompts.some((text) => text.includes("*"));
  return prompts.length === count && (numbered === count || (failed > 0 && !busy));
}
"""

_STDERR = """
(cells) => Array.from(document.querySelectorAll(
  cells + ' [data-mime-type="application/vnd.jupyter.stderr"]'
)).map((output) => output.textContent.slice(0, 300))
"""

_PANEL_STATE = """
([cells, index]) => {
  const cell = document.querySelectorAll(cells)[index];
  const outputs = cell ? cell.querySelector(".jp-Cell-outputWrapper") : null;
  if (!outputs) return null;
  const labels = Array.from(outputs.querySelectorAll(".widget-label"))
    .map((label) => label.textContent.trim())
    .filter((text) => text);
  const image = outputs.querySelector(".widget-vbox img");
  return {
    text: outputs.textContent,
    controls: outputs.querySelectorAll(
      ".widget-vbox .widget-slider, .widget-vbox .widget-dropdown").length,
    labels: labels,
    image: image ? image.getAttribute("src") : "",
  };
}
"""

_NEW_IMAGE = """
([cells, index, before]) => {
  const cell = document.querySelectorAll(cells)[index];
  const image = cell ? cell.querySelector(".jp-Cell-outputWrapper .widget-vbox img") : null;
  const source = image ? image.getAttribute("src") : "";
  return source && source !== before ? source : false;
}
"""

# Markdown cells at these indices whose rendered text a learner sees.
# A facilitation note a learner sees: its cell shows more than one closed <details> line.
_SHOWN_MARKDOWN = """
([cells, indices]) => {
  const all = document.querySelectorAll(cells);
  return indices.filter((index) => {
    const cell = all[index];
    if (!cell) return false;
    const input = cell.querySelector(".jp-Cell-inputArea");
    if (input && !input.checkVisibility()) return false;  // collapsed
    const shown = cell.querySelector(".jp-RenderedMarkdown");
    const folded = shown && shown.querySelector("details");
    if (shown && folded) return folded.open;
    const editor = cell.querySelector(".jp-InputArea-editor");
    return Boolean((shown && shown.checkVisibility() && shown.textContent.trim())
                   || (editor && editor.checkVisibility()));
  });
}
"""

_NOTE_SUMMARIES = """
([cells, indices]) => {
  const all = document.querySelectorAll(cells);
  return indices.map((index) => {
    const summary = all[index] && all[index].querySelector(".jp-RenderedMarkdown summary");
    return summary ? summary.textContent.trim() : "";
  });
}
"""

_LISTING = """
(wanted) => {
  const names = Array.from(document.querySelectorAll(".jp-FileBrowser .jp-DirListing-itemText"))
    .map((item) => item.textContent.trim());
  return wanted.every((name) => names.includes(name)) ? names : false;
}
"""


@dataclass
class NotebookRun:
    """One notebook, opened and run with Run > Run All Cells."""

    path: str
    cells_in_file: int = 0
    cells_shown: int = 0
    prompts: list[str] = field(default_factory=list)
    stderr: list[str] = field(default_factory=list)
    notes_shown: list[int] = field(default_factory=list)  # facilitation notes a learner sees
    notes_shown_after: list[int] = field(default_factory=list)  # the same, after Run All
    summaries: list[str] = field(default_factory=list)  # the one line each note shows
    outputs_before: list[str] = field(default_factory=list)  # stored outputs, before Run All


@dataclass
class LabSession:
    """What the learner's session showed; ``problem`` says why it could not take place."""

    problem: str | None = None
    broken: str | None = None  # the step that could not be done, and why
    command: list[str] = field(default_factory=list)
    server_root: Path | None = None
    listening: list[str] = field(default_factory=list)  # addresses the server's port is bound to
    course: Path | None = None
    start_url: str = ""
    server_defaults: dict[str, dict[str, object]] = field(default_factory=dict)
    notebooks: dict[str, NotebookRun] = field(default_factory=dict)
    panel_before: dict | None = None
    images: list[str] = field(default_factory=list)  # the panel's figure after each move
    panel_after: dict | None = None
    top_listing: list[str] = field(default_factory=list)
    toasts: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)
    news_calls: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    server_log: str = ""


# --------------------------------------------------------------------------- #
# JupyterLab, started as `make lab` starts it
# --------------------------------------------------------------------------- #


def make_lab_command(options: list[str]) -> list[str]:
    """The Makefile's ``lab`` recipe as a command, with ``options`` in place of $(LAB_OPTIONS)."""
    recipe = re.search(r"^lab:.*\n((?:\t.*\n)+)", MAKEFILE.read_text("utf-8"), re.MULTILINE)
    assert recipe, "the Makefile has no lab target"
    lines = [line.strip() for line in recipe.group(1).splitlines() if line.strip()]
    assert len(lines) == 1, f"the lab recipe should be one command, not {lines}"
    words = []
    for word in shlex.split(lines[0].lstrip("@")):
        if word == "$(LAB_OPTIONS)":
            words += options
            options = []
        elif word.startswith("$(BIN)/"):
            words.append(str(Path(sys.executable).parent / word.removeprefix("$(BIN)/")))
        else:
            assert "$(" not in word, f"the lab recipe uses a make variable this test lacks: {word}"
            words.append(word)
    return words + options


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def copy_of_the_course(folder: Path) -> Path:
    course = folder / "course"
    course.mkdir()
    ignore = shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__")
    for part in COURSE_PARTS:
        if (ROOT / part).is_dir():
            shutil.copytree(ROOT / part, course / part, ignore=ignore)
        else:
            shutil.copy2(ROOT / part, course / part)
    assert main(["--root", str(course), "start"]) == 0  # the learner's my-work/
    return course


def hermetic_environment(folder: Path) -> dict[str, str]:
    """This process's environment with fresh Jupyter folders of its own."""
    env = {key: value for key, value in os.environ.items() if key != "INFRALAB_ROOT"}
    for variable in (
        "JUPYTER_CONFIG_DIR",
        "JUPYTER_DATA_DIR",
        "JUPYTER_RUNTIME_DIR",
        "JUPYTERLAB_SETTINGS_DIR",
        "JUPYTERLAB_WORKSPACES_DIR",
    ):
        path = folder / variable.lower()
        path.mkdir()
        env[variable] = str(path)
    return env


@contextlib.contextmanager
def running_lab(folder: Path, session: LabSession) -> Iterator[tuple[str, str]]:
    """Start JupyterLab like `make lab` in a copy of the course; yield (server URL, token)."""
    session.course = copy_of_the_course(folder)
    env = hermetic_environment(folder)
    runtime = Path(env["JUPYTER_RUNTIME_DIR"])
    token = secrets.token_hex(16)
    options = [
        "--no-browser",
        f"--port={free_port()}",
        f"--IdentityProvider.token={token}",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        options.append("--allow-root")  # containers: Jupyter refuses root without it
    session.command = make_lab_command(options)
    log_path = folder / "server.log"
    started = time.monotonic()
    with open(log_path, "wb") as log:
        server = subprocess.Popen(
            session.command,
            cwd=session.course,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        info = None
        while time.monotonic() - started < WAIT_MS / 1000:
            found = glob.glob(str(runtime / "jpserver-*.json"))
            with contextlib.suppress(ValueError):  # the file may be half written yet
                info = json.loads(Path(found[0]).read_text("utf-8")) if found else None
            if info is not None:
                break
            if server.poll() is not None:
                break
            time.sleep(0.1)
        if info is None:
            raise AssertionError(
                "JupyterLab did not start:\n" + log_path.read_text("utf-8", "replace")[-3000:]
            )
        session.seconds["server start"] = time.monotonic() - started
        session.server_root = Path(info["root_dir"]).resolve()
        session.listening = listening_addresses(info["port"])
        opened = [
            path
            for path in glob.glob(str(runtime / "jpserver-*-open.html"))
            if "file-to-run" not in path
        ]
        if opened:
            found = re.search(r'url=([^"]+)"', Path(opened[0]).read_text("utf-8"))
            session.start_url = html.unescape(found.group(1)) if found else ""
        yield info["url"].rstrip("/"), token
    finally:
        stop(server, info, token)
        session.server_log = log_path.read_text("utf-8", "replace")


def listening_addresses(port: int) -> list[str]:
    """The local addresses a TCP socket listens on at ``port`` (Linux: /proc/net/tcp*)."""
    addresses = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError):
            for line in Path(table).read_text("ascii").splitlines()[1:]:
                local, _remote, state = line.split()[1:4]
                address, _, hex_port = local.rpartition(":")
                if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                    addresses.append(address)
    return addresses


def stop(server: subprocess.Popen, info: dict | None, token: str) -> None:
    """Shut the server (and its kernels) down; kill it if it does not stop."""
    if server.poll() is None and info is not None:
        request = urllib.request.Request(
            f"{info['url'].rstrip('/')}/api/shutdown",
            method="POST",
            headers={"Authorization": f"token {token}"},
        )
        with contextlib.suppress(OSError):
            LOCAL.open(request, timeout=10).close()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def server_defaults(url: str, token: str) -> dict[str, dict[str, object]]:
    """The defaults the server gives each plugin the course sets: the overrides it read."""
    defaults = {}
    for plugin in shipped_settings():
        request = urllib.request.Request(
            f"{url}/lab/api/settings/{plugin}", headers={"Authorization": f"token {token}"}
        )
        with LOCAL.open(request, timeout=30) as response:
            schema = json.load(response)["schema"]
        defaults[plugin] = {
            key: value.get("default") for key, value in schema["properties"].items()
        }
    return defaults


# --------------------------------------------------------------------------- #
# What the learner does
# --------------------------------------------------------------------------- #


def instructor_cells(path: Path) -> list[int]:
    cells = nbformat.read(path, as_version=4).cells
    return [i for i, cell in enumerate(cells) if "instructor" in cell.metadata.get("tags", [])]


def run_all_cells(page, notebook: NotebookRun, course: Path) -> None:
    """Wait for the notebook in front and its kernel, then Run > Run All Cells."""
    name = Path(notebook.path).name
    page.locator(".lm-DockPanel-tabBar .lm-mod-current .lm-TabBar-tabLabel").filter(
        has_text=name
    ).wait_for()
    # The status bar names the notebook's kernel once it has one, and says when it is idle.
    kernel = f'#jp-main-statusbar .jp-StatusBar-TextItem[title="Change kernel for {name}"]'
    page.locator(kernel, has_text=re.compile(r"\| Idle$")).wait_for()
    source = nbformat.read(course / notebook.path, as_version=4)
    notebook.cells_in_file = len(source.cells)
    with contextlib.suppress(PlaywrightError):  # JupyterLab adds a long notebook's cells in steps
        page.wait_for_function(
            "([cells, count]) => document.querySelectorAll(cells).length >= count",
            arg=[CELLS, notebook.cells_in_file],
            timeout=20_000,
        )
    notebook.cells_shown = page.locator(CELLS).count()
    # JupyterLab renders the cells near the view only: bring each cell looked at into view.
    for index in instructor_cells(course / notebook.path):
        cell = page.locator(CELLS).nth(index)
        cell.scroll_into_view_if_needed()
        cell.locator(".jp-Cell-inputWrapper").wait_for()
        notebook.notes_shown += page.evaluate(_SHOWN_MARKDOWN, [CELLS, [index]])
        notebook.summaries += page.evaluate(_NOTE_SUMMARIES, [CELLS, [index]])
    for index, cell_source in enumerate(source.cells):
        if "try_it(" in cell_source.source and cell_source.get("outputs"):
            cell = page.locator(CELLS).nth(index)
            cell.scroll_into_view_if_needed()
            cell.locator(".jp-OutputArea-output").first.wait_for()
            notebook.outputs_before += cell.locator(".jp-OutputArea-output").all_inner_texts()
    page.locator(CELLS).first.scroll_into_view_if_needed()
    code_cells = sum(cell.cell_type == "code" for cell in source.cells)
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()
    page.wait_for_function(_RUN_ALL_OVER, arg=[CELLS, code_cells])
    notebook.prompts = page.evaluate(_PROMPTS, CELLS)
    notebook.stderr = page.evaluate(_STDERR, CELLS)
    # Run All renders every markdown cell again: the notes must stay folded.
    for index in instructor_cells(course / notebook.path):
        page.locator(CELLS).nth(index).scroll_into_view_if_needed()
        notebook.notes_shown_after += page.evaluate(_SHOWN_MARKDOWN, [CELLS, [index]])


def try_the_panel(page, session: LabSession, index: int) -> None:
    """Move the panel's resource dropdown, then its window slider, one step each."""
    session.panel_before = page.evaluate(_PANEL_STATE, [CELLS, index])
    cell = page.locator(CELLS).nth(index)
    cell.scroll_into_view_if_needed()
    image = session.panel_before["image"] if session.panel_before else ""

    def redrawn() -> str:
        return page.wait_for_function(_NEW_IMAGE, arg=[CELLS, index, image]).json_value()

    cell.locator(".widget-dropdown", has_text="resource").locator("select").select_option(
        label="storage"
    )
    image = redrawn()
    session.images.append(image)
    cell.locator(".widget-slider", has_text="window").locator(".noUi-handle").focus()
    page.keyboard.press("ArrowRight")  # one step of the slider, as with the keyboard
    image = redrawn()
    session.images.append(image)
    session.panel_after = page.evaluate(_PANEL_STATE, [CELLS, index])


def learners_session(browser, url: str, token: str, session: LabSession) -> None:
    context = browser.new_context(viewport=SCREEN)
    context.set_default_timeout(WAIT_MS)

    def only_this_machine(route) -> None:
        parts = urlsplit(route.request.url)
        if parts.scheme in ("data", "blob", "about") or parts.hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            session.outside.append(route.request.url)
            route.abort()

    def watch(request) -> None:
        if urlsplit(request.url).path.startswith(NEWS_ENDPOINTS):
            session.news_calls.append(request.url)

    def watch_socket(socket_) -> None:
        if urlsplit(socket_.url).hostname not in LOCAL_HOSTS:
            session.outside.append(socket_.url)

    context.route("**/*", only_this_machine)
    page = context.new_page()
    page.on("request", watch)
    page.on("websocket", watch_socket)
    page.on("pageerror", lambda error: session.page_errors.append(str(error)))
    step = "open JupyterLab"
    try:
        clock = time.monotonic()
        start = session.start_url or f"{url}/lab"
        page.goto(start if "token=" in start else f"{start}?token={token}")
        start_page = session.notebooks.setdefault(START_PAGE, NotebookRun(START_PAGE))
        page.locator(CELLS).first.wait_for()
        session.seconds["JupyterLab loaded"] = time.monotonic() - clock
        clock = time.monotonic()
        step = f"Run All Cells in {START_PAGE}"
        run_all_cells(page, start_page, session.course)
        session.seconds[f"Run All, {START_PAGE}"] = time.monotonic() - clock

        # The file browser shows the top of the course folder, my-work/ included.
        step = "see the top of the course folder in the file browser"
        with contextlib.suppress(PlaywrightError):  # the test says what is missing
            page.wait_for_function(_LISTING, arg=["my-work", "notebooks", "data"], timeout=10_000)
        session.top_listing = page.evaluate(_LISTING, [])

        # Where next: the learner opens the lesson from the file browser.
        clock = time.monotonic()
        step = f"open {LESSON} from the file browser and Run All Cells"
        lesson = session.notebooks.setdefault(LESSON, NotebookRun(LESSON))
        page.locator(".jp-FileBrowser .jp-DirListing-itemText").filter(
            has_text=re.compile(rf"^{re.escape(Path(LESSON).parent.name)}$")
        ).dblclick()
        page.locator(".jp-FileBrowser .jp-DirListing-itemText").filter(
            has_text=re.compile(rf"^{re.escape(Path(LESSON).name)}$")
        ).dblclick()
        run_all_cells(page, lesson, session.course)
        session.seconds[f"open and Run All, {LESSON}"] = time.monotonic() - clock

        clock = time.monotonic()
        step = f"move two controls of the try-it panel in {LESSON}"
        cells = nbformat.read(session.course / LESSON, as_version=4).cells
        panel = next(i for i, cell in enumerate(cells) if "try_it(" in cell.source)
        try_the_panel(page, session, panel)
        session.seconds["two moves of the try-it panel"] = time.monotonic() - clock

        session.toasts = page.locator(".Toastify__toast").all_inner_texts()
    except PlaywrightError as error:
        dialogs = page.locator(".jp-Dialog").all_inner_texts()
        shown = f"; dialog on screen: {dialogs}" if dialogs else ""
        session.broken = f"could not {step}: {str(error).splitlines()[0]}{shown}"
        with contextlib.suppress(PlaywrightError):
            page.screenshot(path=session.course.parent / "failure.png")
    finally:
        with contextlib.suppress(PlaywrightError):
            session.toasts = session.toasts or page.locator(".Toastify__toast").all_inner_texts()
        context.close()


@pytest.fixture(scope="module")
def lab_session(tmp_path_factory: pytest.TempPathFactory) -> LabSession:
    session = LabSession(problem=browser_problem())
    if session.problem is not None:
        return session
    from playwright.sync_api import sync_playwright

    folder = tmp_path_factory.mktemp("lab")
    began = time.monotonic()
    with running_lab(folder, session) as (url, token), sync_playwright() as playwright:
        session.server_defaults = server_defaults(url, token)
        executable = chromium_executable()
        try:
            browser = playwright.chromium.launch(
                executable_path=executable, args=[*BROWSER_ARGUMENTS, "--no-proxy-server"]
            )
        except PlaywrightError as error:
            session.problem = f"Chromium at {executable} did not start: {error}"
            return session
        try:
            learners_session(browser, url, token, session)
        finally:
            browser.close()
    session.seconds["in all"] = time.monotonic() - began
    print("JupyterLab session:", ", ".join(f"{k} {v:.1f} s" for k, v in session.seconds.items()))
    return session


def held(session: LabSession, *, whole_session: bool = True) -> LabSession:
    """The session, if it took place; ``whole_session``: if the learner's steps all worked."""
    if session.problem is not None:
        give_up_without_a_browser(session.problem)
    if whole_session and session.broken is not None:
        pytest.fail(session.broken, pytrace=False)
    return session


# --------------------------------------------------------------------------- #
# The command
# --------------------------------------------------------------------------- #


def test_the_command_is_the_makefile_s_lab_recipe():
    command = make_lab_command(["--no-browser"])
    assert command[0] == str(Path(sys.executable).parent / "infralab")
    assert command[1:] == ["lab", "--no-browser"]


def test_jupyterlab_serves_the_course_folder_and_opens_the_start_page(lab_session):
    session = held(lab_session, whole_session=False)
    assert session.server_root == session.course.resolve()
    opened = urlsplit(session.start_url)
    assert opened.path == f"/lab/tree/{START_PAGE}"
    assert parse_qs(opened.query)["file-browser-path"] == ["/"]


def test_it_listens_on_loopback_only(lab_session):
    session = held(lab_session, whole_session=False)
    assert urlsplit(session.start_url).hostname == "127.0.0.1"
    if Path("/proc/net/tcp").exists():
        assert session.listening == ["0100007F"]  # 127.0.0.1, and no other address


def test_the_course_settings_are_what_the_server_gives_jupyterlab(lab_session):
    session = held(lab_session, whole_session=False)
    wanted = shipped_settings()
    got = {
        plugin: {key: session.server_defaults[plugin].get(key) for key in keys}
        for plugin, keys in wanted.items()
    }
    assert got == wanted


# --------------------------------------------------------------------------- #
# The learner's session
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize("path", [START_PAGE, LESSON])
def test_run_all_cells_runs_every_cell_without_an_error(lab_session, path):
    notebook = held(lab_session).notebooks[path]
    assert notebook.cells_shown == notebook.cells_in_file, "cells in JupyterLab, cells in the file"
    unrun = [prompt for prompt in notebook.prompts if not re.fullmatch(r"\[\d+\]:", prompt)]
    assert notebook.stderr == [], "error outputs (or anything written to stderr)"
    assert unrun == [], "code cells Run All Cells did not run"


@pytest.mark.parametrize("path", [START_PAGE, LESSON])
def test_no_facilitation_note_is_expanded(lab_session, path):
    session = held(lab_session)
    notebook = session.notebooks[path]
    assert notebook.notes_shown == [], "facilitation notes a learner sees, by cell index"
    assert notebook.notes_shown_after == [], "notes Run All opened, by cell index"
    # each is one line that says what it is, to click open
    summaries = [text for text in notebook.summaries if "Facilitation notes" in text]
    assert len(summaries) == len(instructor_cells(session.course / path))


def test_before_it_is_run_a_try_it_cell_reads_as_an_instruction(lab_session):
    outputs = held(lab_session).notebooks[LESSON].outputs_before
    assert any(INSTRUCTION in text for text in outputs), "no stored output gives the instruction"
    assert not [text for text in outputs if "VBox(" in text or "children=" in text]


def test_the_try_it_panel_shows_controls_not_an_error_or_a_repr(lab_session):
    session = held(lab_session)
    panel = session.panel_after
    assert panel is not None, "the try-it cell is not in the notebook's DOM"
    assert panel["controls"] >= 2
    assert {"model", "window (days)"} <= set(panel["labels"])
    assert "Error displaying widget" not in panel["text"]
    assert "VBox(children=" not in panel["text"] and "Slider(" not in panel["text"]


def test_moving_a_control_redraws_the_figure(lab_session):
    session = held(lab_session)
    before = session.panel_before["image"] if session.panel_before else ""
    first, second = session.images  # the figure's source after each move (data: or blob: URL)
    assert first and second and len({before, first, second}) == 3


def test_the_file_browser_reaches_my_work_notebooks_and_data(lab_session):
    listing = held(lab_session).top_listing
    assert {"my-work", "notebooks", "exercises", "data"} <= set(listing)


def test_jupyterlab_does_not_offer_to_fetch_news(lab_session):
    session = held(lab_session)
    assert [toast for toast in session.toasts if "news" in toast.lower()] == []
    assert session.news_calls == []


def test_no_request_leaves_the_machine(lab_session):
    session = held(lab_session)
    assert session.outside == []


def test_no_script_error_in_jupyterlab(lab_session):
    assert held(lab_session).page_errors == []
