"""Rehearse the JupyterHub route of ``docs/running-a-room.md`` on this machine, on loopback.

Follows the page's hub instructions literally, with a real JupyterHub, a real
nbgitpuller and real git, and says which step passed::

    python -m tests.hub_rehearsal --python /path/to/hub-env/bin/python \\
        --proxy /path/to/node_modules/.bin/configurable-http-proxy

What it needs (a maintainer's rehearsal before a hub workshop, not part of
``make test``: it installs nothing itself):

- ``--python``: a Python environment with the course's runtime
  (``pip install -c constraints.txt -e .``) plus ``jupyterhub`` and
  ``nbgitpuller`` — what the hub image of ``docs/running-a-room.md`` holds.
- ``--proxy``: JupyterHub's ``configurable-http-proxy``
  (``npm install configurable-http-proxy`` in any folder).

What it does, all in a temporary folder and on 127.0.0.1 only:

1. publishes the course checkout's current commit as a git repository over
   HTTP (git's "dumb" protocol, served by :mod:`http.server`), at an address
   ending in ``.git``, as many hosting services give it;
2. prints the link with ``infralab hub-link`` and starts a JupyterHub with a
   dummy login and one local process per learner, each learner with a home
   folder of their own;
3. for each learner: starts their server, follows the link's pull
   (nbgitpuller's own API), checks that the course landed in the link's folder
   and that the page the link opens exists, then runs the start page's
   no-terminal line in the learner's clone to make ``my-work/``, and the
   learner edits their copy of an exercise;
4. publishes a course update that corrects that exercise sheet and adds a
   file, pulls again for every learner, and checks that each learner's
   ``my-work/`` is byte for byte what it was, that the update arrived, and
   that the corrected sheet arrives beside the learner's copy;
5. reports each learner server's memory (resident set of its processes) and
   how long it took to start, and stops everything.

Exit status 0 when every step passed, 1 otherwise.
"""

from __future__ import annotations

import argparse
import contextlib
import http.server
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOOPBACK = "127.0.0.1"
EXERCISE = "exercises/03_doomsday_clock.ipynb"
LEARNERS = ("ada", "grace", "linus")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        return probe.getsockname()[1]


def _git(*arguments: str, cwd: Path) -> str:
    return subprocess.run(
        ["git", *arguments], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout


class _Report:
    """Collects each step's outcome and prints it as it comes."""

    def __init__(self) -> None:
        self.failed = 0

    def check(self, passed: bool, step: str, detail: str = "") -> bool:
        self.failed += not passed
        print(f"{'PASS' if passed else 'FAIL'}  {step}{f' ({detail})' if detail else ''}")
        return passed


@contextlib.contextmanager
def _published(checkout: Path, folder: Path) -> Iterator[tuple[str, Path]]:
    """The checkout's HEAD as a bare repository served over HTTP; yields (address, work clone)."""
    bare = folder / "www" / "invisible-foundations.git"
    bare.parent.mkdir(parents=True)
    _git("clone", "--quiet", "--bare", str(checkout), str(bare), cwd=folder)
    _git("update-server-info", cwd=bare)
    work = folder / "maintainer"
    _git("clone", "--quiet", str(bare), str(work), cwd=folder)
    _git("config", "user.email", "maintainer@example.org", cwd=work)
    _git("config", "user.name", "Course maintainer", cwd=work)
    handler = type("_Handler", (_GitHandler,), {"root": str(bare.parent)})
    server = http.server.ThreadingHTTPServer((LOOPBACK, 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{LOOPBACK}:{server.server_port}/{bare.name}", work
    finally:
        server.shutdown()
        server.server_close()


class _GitHandler(http.server.BaseHTTPRequestHandler):
    """git's smart HTTP protocol through ``git http-backend``, as a hosting service speaks it.

    (nbgitpuller clones with ``--depth 1``, which git's plain "dumb" HTTP cannot serve.)
    """

    root = ""

    def _backend(self) -> None:
        path, _, query = self.path.partition("?")
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        environment = {
            **os.environ,
            "GIT_PROJECT_ROOT": self.root,
            "GIT_HTTP_EXPORT_ALL": "1",
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "REQUEST_METHOD": self.command,
            "CONTENT_TYPE": self.headers.get("Content-Type", ""),
            "CONTENT_LENGTH": str(len(body)),
            "REMOTE_ADDR": self.client_address[0],
            "GIT_PROTOCOL": self.headers.get("Git-Protocol", ""),
        }
        output = subprocess.run(
            ["git", "http-backend"], input=body, env=environment, capture_output=True, check=False
        ).stdout
        head, _, content = output.partition(b"\r\n\r\n")
        status, headers = 200, []
        for line in head.decode("latin-1").split("\r\n"):
            name, _, value = line.partition(":")
            if name.lower() == "status":
                status = int(value.split()[0])
            elif name:
                headers.append((name, value.strip()))
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        self.wfile.write(content)

    do_GET = do_POST = _backend

    def log_message(self, *arguments: object) -> None:
        pass


def _publish_update(work: Path) -> None:
    """The maintainer corrects the exercise sheet, adds a file and pushes."""
    sheet = work / EXERCISE
    notebook = json.loads(sheet.read_text("utf-8"))
    notebook["cells"][0]["source"] = ["# Corrected in an update\n", *notebook["cells"][0]["source"]]
    sheet.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n", "utf-8")
    (work / "docs" / "update-note.md").write_text("A course update.\n", "utf-8")
    _git("add", "-A", cwd=work)
    _git("commit", "--quiet", "-m", "A course update", cwd=work)
    _git("push", "--quiet", "origin", "HEAD", cwd=work)
    bare = Path(_git("remote", "get-url", "origin", cwd=work).strip())
    _git("update-server-info", cwd=bare)


def _config(folder: Path, python: Path, proxy: Path, port: int, token: str) -> Path:
    homes = folder / "homes"
    homes.mkdir()
    config = folder / "jupyterhub_config.py"
    config.write_text(
        f"""
c.JupyterHub.ip = {LOOPBACK!r}
c.JupyterHub.port = {port}
c.JupyterHub.hub_ip = {LOOPBACK!r}
c.JupyterHub.hub_port = {_free_port()}
c.ConfigurableHTTPProxy.api_url = "http://{LOOPBACK}:{_free_port()}"
c.ConfigurableHTTPProxy.command = [{str(proxy)!r}]
c.JupyterHub.db_url = "sqlite:///{folder / 'hub.sqlite'}"
c.JupyterHub.cookie_secret_file = {str(folder / 'cookie_secret')!r}
c.JupyterHub.authenticator_class = "dummy"
c.Authenticator.allow_all = True
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = {str(homes / '{username}')!r}
c.Spawner.cmd = [{str(python.parent / 'jupyterhub-singleuser')!r}]
c.Spawner.default_url = "/lab"
c.Spawner.args = {["--allow-root"] if os.geteuid() == 0 else []!r}  # a container's root
c.Spawner.environment = {{"JUPYTERLAB_SETTINGS_DIR": {str(folder / 'lab-settings')!r}}}
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
c.JupyterHub.services = [{{"name": "rehearsal", "api_token": {token!r}}}]
c.JupyterHub.load_roles = [{{
    "name": "rehearsal",
    "scopes": ["admin:users", "admin:servers", "access:servers"],
    "services": ["rehearsal"],
}}]
""",
        "utf-8",
    )
    return config


def _api(hub: str, token: str, method: str, path: str, timeout: float = 30) -> object:
    request = urllib.request.Request(
        f"{hub}{path}", method=method, headers={"Authorization": f"token {token}"}
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        body = response.read()
    return json.loads(body) if body else None


def _wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError, urllib.error.URLError, ValueError):
            if condition():
                return
        time.sleep(0.5)
    raise TimeoutError(f"{what} did not happen within {timeout:.0f} s")


def _start_server(hub: str, token: str, user: str) -> float:
    started = time.monotonic()
    with contextlib.suppress(urllib.error.HTTPError):  # 409: the user exists already
        _api(hub, token, "POST", f"/hub/api/users/{user}")
    _api(hub, token, "POST", f"/hub/api/users/{user}/server")

    def ready() -> bool:
        model = _api(hub, token, "GET", f"/hub/api/users/{user}")
        return bool(model.get("servers", {}).get("", {}).get("ready"))

    _wait_for(ready, 150, f"{user}'s server start")
    return time.monotonic() - started


def _pull(hub: str, token: str, user: str, link: str) -> str:
    """Do what the link's page does: call nbgitpuller's sync API and read its events."""
    query = link.split("?", 1)[1]
    request = urllib.request.Request(
        f"{hub}/user/{user}/git-pull/api?{query}", headers={"Authorization": f"token {token}"}
    )
    phase = ""
    with urllib.request.urlopen(request, timeout=180) as response:
        for raw in response:
            line = raw.decode("utf-8", "replace").strip()
            if line.startswith("data:"):
                event = json.loads(line[5:])
                phase = event.get("phase", phase)
                if phase in ("finished", "error"):
                    return phase if phase == "finished" else f"error: {event.get('message')}"
    return phase or "no answer"


def _memory_mb(home: Path) -> float:
    """Resident memory of the processes running in ``home`` (a learner's server), in MB."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            if Path(os.readlink(entry / "cwd")) != home:
                continue
            for line in (entry / "status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return total / 1024


def rehearse(python: Path, proxy: Path, learners: tuple[str, ...]) -> int:
    report = _Report()
    with tempfile.TemporaryDirectory(prefix="hub-rehearsal-") as name:
        folder = Path(name)
        with _published(ROOT, folder) as (repo, maintainer):
            port, token = _free_port(), secrets.token_hex(16)
            hub = f"http://{LOOPBACK}:{port}"
            link = subprocess.run(
                [str(python.parent / "infralab"), "hub-link", hub, repo],
                check=True, capture_output=True, text=True,
            ).stdout.strip()
            print(f"link: {link}")
            config = _config(folder, python, proxy, port, token)
            process = subprocess.Popen(
                [str(python.parent / "jupyterhub"), "-f", str(config)],
                cwd=folder, stdout=subprocess.DEVNULL, stderr=open(folder / "hub.log", "wb"),
                start_new_session=True,
            )
            try:
                _wait_for(lambda: _api(hub, token, "GET", "/hub/api/"), 60, "the hub's start")
                report.check(True, "the hub starts on 127.0.0.1 with a dummy login")
                _rehearse_learners(
                    report, hub, token, link, maintainer, learners, folder, python
                )
            except (OSError, TimeoutError, subprocess.CalledProcessError) as error:
                report.check(False, "the rehearsal ran to the end", str(error))
                log = (folder / "hub.log").read_text("utf-8", "replace").splitlines()
                print("\n".join(line for line in log if "GET /hub/api/users" not in line)[-4000:])
            finally:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=30)
    print(f"{report.failed} step(s) failed" if report.failed else "every step passed")
    return 1 if report.failed else 0


def _rehearse_learners(report, hub, token, link, maintainer, learners, folder, python) -> None:
    homes = folder / "homes"
    course = link.split("targetpath=", 1)[1].split("&", 1)[0]
    workspace_line = (
        "from infralab.workspace import start_workspace; print(start_workspace().summary())"
    )
    saved: dict[str, dict[str, bytes]] = {}
    for user in learners:
        seconds = _start_server(hub, token, user)
        memory = _memory_mb(homes / user)
        report.check(True, f"{user}: server started", f"{seconds:.1f} s, {memory:.0f} MB idle")
        report.check(_pull(hub, token, user, link) == "finished", f"{user}: the link's pull")
        clone = homes / user / course
        page = link.rsplit("urlpath=", 1)[1].replace("%2F", "/").removeprefix(f"lab/tree/{course}/")
        opened = _api(hub, token, "GET", f"/user/{user}/api/contents/{course}/{page}?content=0")
        report.check(
            (clone / page).is_file() and opened.get("type") == "notebook",
            f"{user}: the page the link opens is there, in the folder it names", page,
        )
        made = subprocess.run(
            [str(python), "-c", workspace_line], cwd=clone / "notebooks",
            capture_output=True, text=True, check=False,
        )
        mine = clone / "my-work"
        report.check(
            made.returncode == 0 and (mine / Path(EXERCISE).name).is_file(),
            f"{user}: the start page's no-terminal line makes my-work/",
        )
        copy = mine / Path(EXERCISE).name
        copy.write_bytes(copy.read_bytes().replace(b"raise NotImplementedError()", b"return 42"))
        saved[user] = {path.name: path.read_bytes() for path in mine.iterdir() if path.is_file()}

    _publish_update(maintainer)
    for user in learners:
        clone = homes / user / course
        report.check(_pull(hub, token, user, link) == "finished", f"{user}: the update's pull")
        report.check((clone / "docs" / "update-note.md").is_file(), f"{user}: the update arrived")
        mine = clone / "my-work"
        kept = all((mine / name).read_bytes() == data for name, data in saved[user].items())
        report.check(kept, f"{user}: my-work/ is byte for byte as the learner left it")
        subprocess.run(
            [str(python), "-c", workspace_line], cwd=clone / "notebooks",
            capture_output=True, text=True, check=False,
        )
        beside = mine / (Path(EXERCISE).stem + "-updated.ipynb")
        report.check(
            beside.is_file() and b"Corrected in an update" in beside.read_bytes()
            and (mine / Path(EXERCISE).name).read_bytes() == saved[user][Path(EXERCISE).name],
            f"{user}: the corrected sheet arrives beside the learner's copy, not over it",
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--python", type=Path, required=True,
                        help="Python of an environment with the course, jupyterhub and nbgitpuller")
    parser.add_argument("--proxy", type=Path, required=True,
                        help="the configurable-http-proxy program")
    parser.add_argument("--learners", type=int, default=3, help="how many learners (default: 3)")
    arguments = parser.parse_args(argv)
    for program in ("jupyterhub", "jupyterhub-singleuser", "infralab"):
        if not (arguments.python.parent / program).exists():
            parser.error(f"{arguments.python.parent} has no {program}: see this module's docstring")
    if shutil.which("git") is None or not arguments.proxy.exists():
        parser.error("needs git and configurable-http-proxy: see this module's docstring")
    names = tuple(LEARNERS[i % len(LEARNERS)] + (str(i) if i >= 3 else "")
                  for i in range(arguments.learners))
    return rehearse(arguments.python.absolute(), arguments.proxy.absolute(), names)


if __name__ == "__main__":
    sys.exit(main())
