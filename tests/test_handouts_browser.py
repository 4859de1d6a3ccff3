"""Open every page of both handout editions in a real browser, with the network cut off.

Both editions of the course are built into a temporary folder and every page is
opened once in headless Chromium (the system's ``chromium``, driven by Python
playwright; one browser and one tab for all pages), laid out for print at the
width of an A4 page, and measured in one call. Every request that is not a
``file://`` URL is refused and recorded, and the browser context is offline.
Per page: nothing is fetched from outside the edition's folder, the console
shows no error, no script error is raised, no script runs at all, every image
loads, every navigation link leads to a page of the same edition, and no code
block, table or image is wider than the page.

Nothing runs: a script the test adds before each page opens (scripts the test
adds run whatever the page's content security policy says) records every
policy violation and defines the function every payload of the hostile
notebook calls (``tests/course_factory.py``), so a payload that runs is seen by
name; a dialog, any console message, a ``<script>`` element, an ``on...``
attribute or a ``javascript:`` address in the page fails the test, and each
``javascript:`` link is clicked. A lesson made of hostile cells is built and
opened like the course's pages, and the same page with live markup put back
after the sanitiser shows that the policy alone stops it.

Without playwright or Chromium these tests are skipped with the reason, unless
the environment variable ``INFRALAB_REQUIRE_BROWSER=1`` is set (CI sets it
once Chromium is installed): then they fail.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import nbformat
import pytest
from nbformat.v4 import new_markdown_cell

from infralab.handouts import INSTRUCTOR_EDITION, build_handouts
from tests.course_factory import HOSTILE_HOST, TRAP, hostile_notebook, notebook, write
from tests.course_handouts import course_handouts, instructor_folder

pytestmark = pytest.mark.browser

REQUIRE_BROWSER = "INFRALAB_REQUIRE_BROWSER"
BROWSER_ARGUMENTS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# An A4 sheet is 210 mm wide; the handout template prints with 0.5 in margins. At the
# 96 px per inch of CSS, what is left for the page's content is
# 210 / 25.4 * 96 - 2 * 0.5 * 96 = 697.7 px.
A4_PRINTABLE_WIDTH = int(210 / 25.4 * 96 - 96)
A4_PRINTABLE_HEIGHT = int(297 / 25.4 * 96 - 96)
A4_PRINTABLE = {"width": A4_PRINTABLE_WIDTH, "height": A4_PRINTABLE_HEIGHT}
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"

_MEASURE_PRINT = """
() => {
  const width = document.documentElement.clientWidth;
  const problems = [];
  if (document.documentElement.scrollWidth > width + 1) {
    problems.push(`the page is ${document.documentElement.scrollWidth} px wide, not ${width}`);
  }
  for (const element of document.querySelectorAll("pre, table, img, svg")) {
    const box = element.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;  // not printed
    const text = (element.innerText || element.getAttribute("alt") || "").trim().slice(0, 50);
    const name = `${element.tagName.toLowerCase()} "${text}"`;
    if (box.left < -1 || box.right > width + 1) {
      const span = `${Math.round(box.left)}..${Math.round(box.right)}`;
      problems.push(`${name} spans ${span} px of ${width}`);
    } else if (element.scrollWidth > element.clientWidth + 1 && element.tagName !== "IMG") {
      problems.push(`${name} holds ${element.scrollWidth} px in a ${element.clientWidth} px box`);
    }
  }
  return problems;
}
"""

_BROKEN_IMAGES = """
() => Array.from(document.images)
  .filter((image) => !(image.complete && image.naturalWidth > 0))
  .map((image) => image.src.slice(0, 80))
"""

_NAVIGATION_LINKS = """
(everything) => Array.from(document.querySelectorAll(
  everything ? "a[href]" : "nav.infralab-navigation a[href], aside.infralab-related a[href]"
)).map((anchor) => anchor.href)
"""

_SHOWN_COUNT = """
(selector) => Array.from(document.querySelectorAll(selector))
  .filter((element) => element.offsetHeight > 0).length
"""

# Added before every page (and frame) opens; it runs whatever the page's policy says.
_RECORDER = f"""
(() => {{
  const record = {{ ran: [], violations: [] }};
  Object.defineProperty(window, "__infralabRecord", {{ value: record }});
  // Returns nothing, so a javascript: link that calls it leaves the page as it is.
  const trap = (what) => {{ record.ran.push(String(what)); }};
  Object.defineProperty(window, "{TRAP}", {{ value: trap }});
  document.addEventListener("securitypolicyviolation", (event) => {{
    record.violations.push(`${{event.effectiveDirective}} ${{event.blockedURI || "inline"}}`);
  }}, true);
}})();
"""

_RECORDED = """
() => {
  const record = window.__infralabRecord || { ran: ["the recorder is missing"], violations: [] };
  return { ran: [...record.ran], violations: [...record.violations] };
}
"""

# Markup that could run a script, embed a document, submit, redirect or re-target; the
# javascript: links it finds are marked so the test can click each one.
_LIVE_MARKUP = """
() => {
  const found = [];
  const live = "script, iframe, frame, frameset, object, embed, applet, base, form, link, portal,"
    + " meta[http-equiv]:not([http-equiv='content-security-policy' i])";
  for (const element of document.querySelectorAll(live)) found.push(`<${element.localName}>`);
  let links = 0;
  for (const element of document.querySelectorAll("*")) {
    for (const attribute of element.attributes) {
      const value = attribute.value.replace(/[\\u0000-\\u0020]/g, "").toLowerCase();
      if (attribute.name.startsWith("on")) {
        found.push(`<${element.localName} ${attribute.name}>`);
      } else if (/^(javascript|vbscript):/.test(value)) {
        found.push(`<${element.localName} ${attribute.name}="${attribute.value}">`);
        if (element.localName === "a") element.setAttribute("data-infralab-link", links++);
      }
    }
  }
  return { found, links };
}
"""

# Everything measured on a page, in one call: it is opened laid out for print at A4 width
# (what the print checks need; nothing else measured depends on the layout).
_INSPECT = f"""
(everything) => ({{
  live: ({_LIVE_MARKUP})(),
  brokenImages: ({_BROKEN_IMAGES})(),
  links: ({_NAVIGATION_LINKS})(everything),
  facilitationNotes: ({_SHOWN_COUNT})("aside.infralab-facilitation"),
  interactiveNotes: ({_SHOWN_COUNT})(".infralab-interactive-note"),
  printProblems: ({_MEASURE_PRINT})(),
}})
"""


@dataclass
class Visit:
    """What one page did when it was opened."""

    page: Path
    edition: Path
    requests: list[str] = field(default_factory=list)  # every one the page made, even if refused
    sent_out: list[str] = field(default_factory=list)  # those that reached the network: refused
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    broken_images: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    print_problems: list[str] = field(default_factory=list)
    facilitation_notes: int = 0
    interactive_notes: int = 0
    console_messages: list[str] = field(default_factory=list)  # of every type, errors too
    scripts_run: list[str] = field(default_factory=list)  # trap calls and dialogs
    violations: list[str] = field(default_factory=list)  # of the content security policy
    live_markup: list[str] = field(default_factory=list)

    @property
    def ran_anything(self) -> list[str]:
        """Every sign that a script ran or was stopped: empty for a page that runs nothing."""
        return [
            *self.scripts_run,
            *self.page_errors,
            *self.console_messages,
            *(f"refused: {violation}" for violation in self.violations),
        ]


@dataclass
class BrowserRun:
    """Every page of both editions and its visit; ``problem`` says why none could be opened."""

    output: Path
    pages: list[Path]
    visits: dict[Path, Visit]
    problem: str | None = None
    control: Visit | None = None  # a page made to break every rule, to show the checks see it
    hostile: Visit | None = None  # the page of a lesson made of hostile cells
    probe: Visit | None = None  # that page with live markup put back after the sanitiser


def give_up(reason: str) -> None:
    """Skip for want of a browser, or fail when the environment requires the browser test."""
    if os.environ.get(REQUIRE_BROWSER) == "1":
        pytest.fail(f"{reason}, and {REQUIRE_BROWSER}=1 requires the browser test", pytrace=False)
    pytest.skip(f"{reason} (set {REQUIRE_BROWSER}=1 to make this a failure)")


def chromium_executable() -> str | None:
    found = shutil.which("chromium")
    if found:
        return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").is_file() else None


def edition_of(page: Path, output: Path) -> Path:
    """The folder of the edition ``page`` belongs to: ``output`` (learners') or the one beside."""
    instructor = instructor_folder(output)
    return instructor if instructor in page.parents else output


def inside_edition(url: str, edition: Path, output: Path) -> bool:
    """True when ``url`` is a file of ``edition`` (the editions are folders side by side)."""
    parts = urlsplit(url)
    if parts.scheme in ("data", "about"):
        return True
    if parts.scheme != "file":
        return False
    path = Path(unquote(parts.path)).resolve()
    return edition.resolve() in path.parents


def source_of(page: Path, run: BrowserRun, course_root: Path) -> Path | None:
    """The notebook a page was converted from (None for an index or the guide)."""
    relative = page.relative_to(edition_of(page, run.output))
    folder = relative.parent.name or "notebooks"
    source = course_root / folder / f"{page.stem}.ipynb"
    return source if source.is_file() else None


def offline_context(browser, refused: list[str]):
    """A new context of ``browser``, offline, A4-sized, that loads ``file://`` addresses only.

    Every other request is refused and its address appended to ``refused``.
    """
    context = browser.new_context(offline=True, viewport=A4_PRINTABLE)

    def refuse_the_network(route) -> None:
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort()

    context.route("**/*", refuse_the_network)
    return context


def visit_every_page(pages: list[tuple[Path, Path]], browser) -> Iterator[Visit]:
    """Open each (page, its edition's folder) in one tab of ``browser``, in an offline context."""
    from playwright.sync_api import Error

    refused: list[str] = []
    context = offline_context(browser, refused)
    try:
        context.add_init_script(_RECORDER)
        tab = context.new_page()
        tab.emulate_media(media="print")  # every page is opened laid out for print
        for page, edition in pages:
            visit = Visit(page, edition)
            refused.clear()
            listeners = {
                "request": lambda request, visit=visit: visit.requests.append(request.url),
                "console": lambda message, visit=visit: (
                    visit.console_messages.append(f"{message.type}: {message.text}"),
                    visit.console_errors.append(message.text) if message.type == "error" else None,
                ),
                "pageerror": lambda error, visit=visit: visit.page_errors.append(str(error)),
                "dialog": lambda dialog, visit=visit: (
                    visit.scripts_run.append(f"{dialog.type}: {dialog.message}"),
                    dialog.dismiss(),
                ),
                "framenavigated": lambda frame, visit=visit, page=page: (
                    visit.live_markup.append(f"went on to {frame.url}")
                    if frame == tab.main_frame and frame.url != page.as_uri()
                    else None
                ),
            }
            for event, listener in listeners.items():
                tab.on(event, listener)
            try:
                tab.goto(page.as_uri(), wait_until="load")
                found = tab.evaluate(_INSPECT, page.name == "index.html")
                visit.live_markup.extend(found["live"]["found"])
                visit.broken_images = found["brokenImages"]
                visit.links = found["links"]
                visit.facilitation_notes = found["facilitationNotes"]
                visit.interactive_notes = found["interactiveNotes"]
                visit.print_problems = found["printProblems"]
                for number in range(found["live"]["links"]):  # each javascript: link, clicked
                    tab.dispatch_event(f'[data-infralab-link="{number}"]', "click", timeout=2000)
            except Error as error:  # the page went somewhere else while it was measured
                visit.page_errors.append(f"not measured: {error.message.splitlines()[0]}")
            try:
                recorded = tab.evaluate(_RECORDED)
                visit.scripts_run.extend(recorded["ran"])
                visit.violations = recorded["violations"]
            except Error as error:
                visit.page_errors.append(f"not recorded: {error.message.splitlines()[0]}")
            for event, listener in listeners.items():
                tab.remove_listener(event, listener)
            visit.requests.extend(url for url in refused if url not in visit.requests)
            visit.sent_out = list(refused)
            yield visit
    finally:
        context.close()


def control_page(folder: Path) -> tuple[Path, Path]:
    """A page that breaks every rule the tests check, in an edition folder of its own."""
    edition = folder / "edition"
    edition.mkdir(parents=True)
    (folder / "outside.css").write_text("p { color: black; }", encoding="utf-8")
    page = edition / "broken.html"
    page.write_text(
        "<!DOCTYPE html>\n<html><head><meta charset='utf-8'><title>Broken</title>"
        "<link rel='stylesheet' href='../outside.css'></head><body>"
        "<nav class='infralab-navigation'><a href='missing.html'>Next</a></nav>"
        "<img src='https://example.org/figure.png' alt='remote'>"
        f"<img src='no-such-picture.png' alt='missing' onerror=\"{TRAP}('control-onerror')\">"
        f"<pre>{'x' * 400}</pre>"
        f"<table><tr><td style='white-space: nowrap'>{'cell ' * 200}</td></tr></table>"
        "<a href='javascript:void 0'>a javascript: link</a>"
        f"<script>{TRAP}('control-script'); alert('a dialog');"
        " console.error('a console error'); throw new Error('a script error');</script>"
        "</body></html>\n",
        encoding="utf-8",
    )
    return page, edition


def hostile_page(folder: Path) -> tuple[Path, Path]:
    """The learner page of a lesson made of hostile cells, in a course of its own."""
    course = folder / "course"
    write(hostile_notebook(), course / "notebooks/04_hostile.ipynb")
    write(notebook(new_markdown_cell("# 01 · Linked")), course / "notebooks/01_invisible.ipynb")
    for empty in ("exercises", "solutions"):
        (course / empty).mkdir()
    output = course / "handouts"
    build_handouts(
        output,
        notebooks_dir=course / "notebooks",
        exercises_dir=course / "exercises",
        solutions_dir=course / "solutions",
        guide_file=course / "no-guide.md",
    )
    return output / "04_hostile.html", output


# What the sanitiser takes out, put back into a built page: only the policy stands in its way.
PROBE_MARKUP = (
    f"<script>{TRAP}('probe-script')</script>"
    f"<img src=\"missing.png\" alt=\"\" onerror=\"{TRAP}('probe-onerror')\">"
    f"<a href=\"javascript:{TRAP}('probe-link')\">a javascript: link</a>"
    f"<svg onload=\"{TRAP}('probe-svg')\"></svg>"
    f"<iframe srcdoc=\"<script>parent.{TRAP}('probe-frame')</script>\"></iframe>"
    f'<img src="https://{HOSTILE_HOST}/probe.png" alt="">'
    f'<p style="background-image: url(https://{HOSTILE_HOST}/probe-style.png)">styled</p>'
)


def policy_probe(hostile: Path) -> tuple[Path, Path]:
    """The hostile page with :data:`PROBE_MARKUP` put back at the top of its body."""
    probe = hostile.with_name("probe.html")
    text = hostile.read_text(encoding="utf-8")
    assert text.count("<main>") == 1
    probe.write_text(text.replace("<main>", "<main>" + PROBE_MARKUP), encoding="utf-8")
    return probe, hostile.parent


def browser_problem() -> str | None:
    """Why no page can be opened here, or None when playwright and Chromium are available."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as error:
        return f"Python playwright is not installed ({error})"
    if chromium_executable() is None:
        return "Chromium is not installed (no `chromium` command)"
    return None


@pytest.fixture(scope="module")
def browser_run(tmp_path_factory: pytest.TempPathFactory) -> BrowserRun:
    """Both editions of the course, built once, every page opened once."""
    folder = tmp_path_factory.mktemp("browser")
    output = folder / "handouts"
    problem = browser_problem()
    if problem is not None:
        return BrowserRun(output, [], {}, problem)
    output, pages = course_handouts()
    run = BrowserRun(output, pages, {})
    from playwright.sync_api import Error, sync_playwright

    executable = chromium_executable()
    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(executable_path=executable, args=BROWSER_ARGUMENTS)
        except Error as error:
            run.problem = f"Chromium at {executable} did not start: {error}"
            return run
        control = control_page(folder / "control")
        hostile = hostile_page(folder / "hostile")
        extra = [control, hostile, policy_probe(hostile[0])]
        editions = [(page, edition_of(page, output)) for page in pages]
        try:
            *visits, run.control, run.hostile, run.probe = visit_every_page(
                [*editions, *extra], browser
            )
        finally:
            browser.close()
    run.visits = {visit.page: visit for visit in visits}
    return run


def opened(run: BrowserRun) -> dict[Path, Visit]:
    if run.problem is not None:
        give_up(run.problem)
    return run.visits


def named(run: BrowserRun, page: Path) -> str:
    return page.relative_to(run.output.parent).as_posix()


# --------------------------------------------------------------------------- #
# The rule for a missing browser
# --------------------------------------------------------------------------- #


def test_a_missing_browser_skips_the_tests_unless_they_are_required(monkeypatch):
    monkeypatch.delenv(REQUIRE_BROWSER, raising=False)
    with pytest.raises(pytest.skip.Exception, match="no chromium"):
        give_up("no chromium")
    monkeypatch.setenv(REQUIRE_BROWSER, "1")
    with pytest.raises(pytest.fail.Exception, match=f"no chromium, and {REQUIRE_BROWSER}=1"):
        give_up("no chromium")


def test_inside_edition_tells_the_edition_folder_from_everything_else(tmp_path):
    output = tmp_path / "handouts"
    instructor = tmp_path / INSTRUCTOR_EDITION
    assert inside_edition((output / "exercises/a.html").as_uri(), output, output)
    assert inside_edition((instructor / "a.html").as_uri(), instructor, output)
    assert not inside_edition((instructor / "a.html").as_uri(), output, output)
    assert not inside_edition((output / "a.html").as_uri(), instructor, output)
    assert not inside_edition((tmp_path / "figure.png").as_uri(), output, output)
    assert not inside_edition("https://example.org/require.js", output, output)
    assert inside_edition("data:image/png;base64,AAAA", output, output)


# --------------------------------------------------------------------------- #
# Every page, opened
# --------------------------------------------------------------------------- #


def test_the_checks_see_a_page_that_breaks_every_rule(browser_run):
    opened(browser_run)
    control = browser_run.control
    outside = [
        url for url in control.requests if not inside_edition(url, control.edition, control.edition)
    ]
    assert "https://example.org/figure.png" in outside
    assert any(url.endswith("/control/outside.css") for url in outside)
    assert "a console error" in control.console_errors
    assert any("a script error" in error for error in control.page_errors)
    assert len(control.broken_images) == 2
    assert [Path(unquote(urlsplit(url).path)).is_file() for url in control.links] == [False]
    assert {problem.split()[0] for problem in control.print_problems} == {"the", "pre", "table"}
    assert sorted(control.scripts_run) == ["alert: a dialog", "control-onerror", "control-script"]
    assert control.live_markup == [
        "<link>",
        "<script>",
        "<img onerror>",
        '<a href="javascript:void 0">',
    ]


def test_every_page_of_both_editions_was_opened(browser_run):
    visits = opened(browser_run)
    assert list(visits) == browser_run.pages
    editions = {edition_of(page, browser_run.output) for page in browser_run.pages}
    instructor = instructor_folder(browser_run.output)
    assert editions == {browser_run.output, instructor}
    assert instructor / "instructor-guide.html" in visits


def test_no_page_fetches_anything_from_outside_its_edition(browser_run):
    outside = {
        named(browser_run, page): [
            url
            for url in visit.requests
            if not inside_edition(url, visit.edition, browser_run.output)
        ]
        for page, visit in opened(browser_run).items()
    }
    assert {page: urls for page, urls in outside.items() if urls} == {}


def test_no_page_logs_a_console_error_or_raises_a_script_error(browser_run):
    errors = {
        named(browser_run, page): visit.console_errors + visit.page_errors
        for page, visit in opened(browser_run).items()
    }
    assert {page: found for page, found in errors.items() if found} == {}


def test_every_image_loads(browser_run):
    broken = {
        named(browser_run, page): visit.broken_images for page, visit in opened(browser_run).items()
    }
    assert {page: images for page, images in broken.items() if images} == {}


def test_every_navigation_link_leads_to_a_page_of_the_same_edition(browser_run):
    problems = {}
    for page, visit in opened(browser_run).items():
        assert visit.links, f"{named(browser_run, page)} has no navigation links"
        wrong = [
            url
            for url in visit.links
            if not inside_edition(url, visit.edition, browser_run.output)
            or not Path(unquote(urlsplit(url).path)).is_file()
        ]
        if wrong:
            problems[named(browser_run, page)] = wrong
    assert problems == {}


def test_each_index_links_every_page_of_its_edition(browser_run):
    visits = opened(browser_run)
    for index in (browser_run.output, instructor_folder(browser_run.output)):
        index_page = index / "index.html"
        edition = {page for page in visits if edition_of(page, browser_run.output) == index}
        linked = {Path(unquote(urlsplit(url).path)) for url in visits[index_page].links}
        assert linked == {page.resolve() for page in edition - {index_page}}, index


def test_nothing_is_wider_than_an_a4_page_in_print(browser_run):
    too_wide = {
        named(browser_run, page): visit.print_problems
        for page, visit in opened(browser_run).items()
    }
    assert {page: problems for page, problems in too_wide.items() if problems} == {}


def test_facilitation_notes_and_widget_notes_are_shown_where_they_belong(browser_run, course_root):
    for page, visit in opened(browser_run).items():
        source = source_of(page, browser_run, course_root)
        if source is None:
            continue
        cells = nbformat.read(source, as_version=4).cells
        notes = sum(
            cell.cell_type == "markdown" and "instructor" in cell.metadata.get("tags", [])
            for cell in cells
        )
        widgets = sum(
            WIDGET_VIEW in output.get("data", {})
            for cell in cells
            for output in cell.get("outputs", [])
        )
        instructor = visit.edition != browser_run.output
        assert visit.facilitation_notes == (notes if instructor else 0), named(browser_run, page)
        assert visit.interactive_notes == widgets, named(browser_run, page)


# --------------------------------------------------------------------------- #
# Nothing runs
# --------------------------------------------------------------------------- #


def test_no_page_runs_a_script_or_holds_live_markup(browser_run):
    found = {
        named(browser_run, page): visit.ran_anything + visit.live_markup
        for page, visit in opened(browser_run).items()
    }
    assert {page: signs for page, signs in found.items() if signs} == {}


def test_a_hostile_notebook_runs_nothing_and_reaches_no_network(browser_run):
    opened(browser_run)
    hostile = browser_run.hostile
    assert hostile.ran_anything == []  # the sanitiser left nothing for the policy to stop
    assert hostile.live_markup == []
    assert hostile.sent_out == []
    assert [url for url in hostile.requests if not url.startswith(("file://", "data:"))] == []


def test_the_policy_alone_stops_what_gets_past_the_sanitiser(browser_run):
    opened(browser_run)
    probe = browser_run.probe
    assert len(probe.live_markup) >= 5  # the markup is there, live, and clicked
    assert probe.scripts_run == [] and probe.page_errors == []
    assert probe.sent_out == []  # the page asked for remote images; the browser refused them
    assert f"https://{HOSTILE_HOST}/probe.png" in probe.requests
    refused = {violation.split()[0] for violation in probe.violations}
    assert {"script-src-elem", "script-src-attr", "img-src"} <= refused, probe.violations
    assert f"img-src https://{HOSTILE_HOST}/probe-style.png" in probe.violations
