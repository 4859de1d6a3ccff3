"""JupyterLab for the course: how it is started, and the settings that keep it offline.

``infralab lab`` (``make lab``) starts JupyterLab with the **course folder** as the
root of its file browser, so ``my-work/``, ``notebooks/``, ``exercises/``,
``solutions/`` and ``data/`` are all one click away, and opens the start page,
``notebooks/00_start_here.ipynb``. It listens on 127.0.0.1 only: nobody else on
the network can reach a learner's notebooks. The server itself never fetches
JupyterLab's news feed nor checks for new releases.

The course also ships JupyterLab settings (``lab_settings/overrides.json`` in this
package): JupyterLab neither asks to fetch news from the internet nor checks for
updates, and the extension manager, which searches PyPI, is switched off.
:func:`install_settings` (``infralab lab-settings``; run by ``make setup``,
Binder's ``postBuild`` and ``infralab lab``) merges them into ``overrides.json`` in
the settings folder of the environment's JupyterLab (``<sys.prefix>/share/jupyter/
lab/settings``, or ``$JUPYTERLAB_DIR/settings``): the defaults for everyone who
runs JupyterLab from that environment, however it is started (Binder, a hub,
``jupyter lab``). Other entries already in that file are kept. A learner's own
choices in *Settings* (``~/.jupyter/lab/user-settings``) are never touched and
still take precedence.

The functions are the plumbing behind the two commands; use the commands.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from .files import write_if_changed

# Plumbing for the `infralab lab` and `infralab lab-settings` commands: nothing to import.
__all__: list[str] = []

#: The page JupyterLab opens, relative to the course folder.
START_PAGE = "notebooks/00_start_here.ipynb"

#: The only address JupyterLab listens on unless told otherwise.
LOOPBACK = "127.0.0.1"

#: What the server needs to stay offline, whatever the settings say: no news feed, no
#: release check.
OFFLINE_SERVER_OPTIONS = (
    "--LabApp.news_url=None",
    "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
)

SETTINGS_FILE_NAME = "overrides.json"


@dataclass(frozen=True)
class SettingsReport:
    """What :func:`install_settings` did: the file it keeps, and whether it wrote it now."""

    path: Path
    changed: bool

    def summary(self) -> str:
        """One line for the terminal."""
        done = "installed in" if self.changed else "already in"
        return f"Course JupyterLab settings (offline: no news, no update check) {done} {self.path}"


def shipped_settings() -> dict[str, dict[str, object]]:
    """Return the course's JupyterLab settings: ``{plugin id: {setting: value}}``.

    Examples
    --------
    >>> shipped_settings()["@jupyterlab/apputils-extension:notification"]["fetchNews"]
    'false'
    """
    text = (resources.files(__package__) / "lab_settings" / SETTINGS_FILE_NAME).read_text("utf-8")
    return json.loads(text)


def settings_file() -> Path:
    """Return the ``overrides.json`` JupyterLab reads in this Python environment.

    It lies in the settings folder of JupyterLab's application directory, found
    the way JupyterLab finds it (``$JUPYTERLAB_DIR``, else under ``sys.prefix``).
    """
    from jupyterlab.commands import get_app_dir  # slow to import: only when needed

    return Path(get_app_dir()) / "settings" / SETTINGS_FILE_NAME


def _usual_settings_file() -> Path:
    """Where :func:`settings_file` is in a virtual or conda environment, found without
    importing jupyterlab."""
    chosen = os.environ.get("JUPYTERLAB_DIR")
    app_dir = Path(chosen).resolve() if chosen else Path(sys.prefix, "share", "jupyter", "lab")
    return app_dir / "settings" / SETTINGS_FILE_NAME


def _holds_the_course_settings(path: Path) -> bool:
    try:
        existing = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(existing, dict) and merged(existing, shipped_settings()) == existing


def merged(existing: Mapping[str, object], ours: Mapping[str, object]) -> dict[str, object]:
    """Return ``existing`` updated with ``ours``, nested dictionaries merged key by key.

    Examples
    --------
    >>> merged({"a": {"x": 1, "y": 2}, "b": 3}, {"a": {"y": 0}})
    {'a': {'x': 1, 'y': 0}, 'b': 3}
    """
    result = dict(existing)
    for key, value in ours.items():
        before = result.get(key)
        if isinstance(value, Mapping) and isinstance(before, Mapping):
            result[key] = merged(before, value)
        else:
            result[key] = value
    return result


def install_settings(path: str | os.PathLike[str] | None = None) -> SettingsReport:
    """Merge the course's settings into ``overrides.json``; write it only if that changes it.

    Parameters
    ----------
    path : path-like, optional
        The file to update; by default :func:`settings_file`.

    Returns
    -------
    SettingsReport

    Raises
    ------
    ValueError
        If the file exists but does not hold a JSON object: it is left as it is.
    OSError
        If the file cannot be read or written (e.g. a read-only environment).
    """
    if path is None:
        usual = _usual_settings_file()
        if _holds_the_course_settings(usual):  # nothing to do: spare importing jupyterlab
            return SettingsReport(usual, False)
    target = Path(path) if path is not None else settings_file()
    existing: dict[str, object] = {}
    if target.exists():
        try:
            existing = json.loads(target.read_text("utf-8"))
        except json.JSONDecodeError as error:
            raise ValueError(f"{target} is not valid JSON ({error}); fix or remove it") from None
        if not isinstance(existing, dict):
            raise ValueError(f"{target} does not hold a JSON object; fix or remove it")
    text = json.dumps(merged(existing, shipped_settings()), indent=2, ensure_ascii=False) + "\n"
    changed = write_if_changed(target, text.encode("utf-8"))
    return SettingsReport(target, changed)


def lab_command(
    root: str | os.PathLike[str],
    *,
    ip: str = LOOPBACK,
    port: int | None = None,
    open_browser: bool = True,
    options: Sequence[str] = (),
) -> list[str]:
    """Return the command that serves the course folder ``root`` and opens the start page.

    Parameters
    ----------
    root : path-like
        The course folder: the root of JupyterLab's file browser.
    ip : str
        The address to listen on (default: 127.0.0.1, this computer only).
    port : int, optional
        The port; by default the first free one from 8888, as Jupyter would pick.
    open_browser : bool
        Whether JupyterLab opens a browser tab.
    options : sequence of str
        More command-line options for ``jupyter lab``, e.g. ``["--allow-root"]``.

    Examples
    --------
    >>> command = lab_command("/course", port=9000, open_browser=False)
    >>> command[1:3], "--ServerApp.port=9000" in command
    (['-m', 'infralab._jupyterlab'], True)
    >>> [option for option in command if "00_start_here" in option]
    ['--LabApp.default_url=/lab/tree/notebooks/00_start_here.ipynb?file-browser-path=/']
    >>> "--ServerApp.ip=127.0.0.1" in command and "--no-browser" in command
    True
    """
    folder = Path(root).resolve()
    port = free_port(ip) if port is None else port
    host = f"[{ip}]" if ":" in ip else ip
    command = [
        sys.executable,
        "-m",
        "infralab._jupyterlab",  # jupyterlab, printing its addresses whole
        f"--ServerApp.root_dir={folder}",
        f"--ServerApp.ip={ip}",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        # The start page, with the file browser at the top of the course folder (opening a
        # file by name would show the file's own folder, notebooks/, and hide my-work/).
        f"--LabApp.default_url=/lab/tree/{START_PAGE}?file-browser-path=/",
        # The address printed first for copying: the server's top, which leads to the start
        # page (infralab._jupyterlab keeps the start page's own address, printed second, whole).
        f"--ServerApp.custom_display_url=http://{host}:{port}/",
        *OFFLINE_SERVER_OPTIONS,
    ]
    if not open_browser:
        command.append("--no-browser")
    command += [*options]
    return command


def free_port(ip: str = LOOPBACK, first: int = 8888, tries: int = 100) -> int:
    """The first port from ``first`` that nothing listens on at ``ip`` (Jupyter's own habit).

    Examples
    --------
    >>> 8888 <= free_port() < 8988
    True
    """
    family = socket.AF_INET6 if ":" in ip else socket.AF_INET
    for port in range(first, first + tries):
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            try:
                probe.bind((ip, port))
            except OSError:
                continue
            return port
    raise OSError(f"no free port from {first} to {first + tries - 1} on {ip}")


def run(command: Sequence[str], folder: str | os.PathLike[str]) -> int:
    """Run ``command`` in ``folder`` until it ends; return its exit status.

    On Linux and macOS the command replaces this process, so Ctrl-C reaches
    JupyterLab alone and it shuts its kernels down as usual. Elsewhere it runs
    as a child, and Ctrl-C is left to it.
    """
    if os.name == "posix":
        sys.stdout.flush()
        sys.stderr.flush()
        os.chdir(folder)
        os.execv(command[0], list(command))
    with subprocess.Popen(list(command), cwd=folder) as process:
        while True:
            try:
                return process.wait()
            except KeyboardInterrupt:
                continue  # JupyterLab asks, then stops by itself
