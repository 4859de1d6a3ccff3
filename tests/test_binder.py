"""The Binder (repo2docker) configuration is where repo2docker looks and asks only for what exists.

repo2docker reads ``environment.yml`` and then runs ``postBuild``, both at the top of the
repository as long as there is no ``binder/`` or ``.binder/`` folder (one would make it ignore
the top level). These tests run ``postBuild`` with stand-in commands that record their
arguments, then check each request against the installed packages, the ``infralab`` command
and the Makefile, so that Binder and ``make setup`` build the same environment.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

from infralab.cli import main
from infralab.environment import MINIMUM_PYTHON
from infralab.lab import settings_file, shipped_settings

ROOT = Path(__file__).resolve().parents[1]
POSTBUILD = ROOT / "postBuild"
ENVIRONMENT = ROOT / "environment.yml"
MAKEFILE = ROOT / "Makefile"
GUIDE = ROOT / "docs" / "running-a-room.md"

#: How repo2docker reads the Python version from environment.yml (its conda build pack).
REPO2DOCKER_PYTHON = re.compile(r"python\s*=+\s*([\d\.]*)")

needs_bash = pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")


def environment_lines() -> list[str]:
    return [line.split("#", 1)[0].strip() for line in ENVIRONMENT.read_text("utf-8").splitlines()]


@pytest.fixture(scope="module")
def postbuild_calls(tmp_path_factory) -> list[list[str]]:
    """Run postBuild with stand-ins for every program on PATH; return the calls, in order."""
    if shutil.which("bash") is None or os.name == "nt":
        pytest.skip("needs bash and POSIX stand-in scripts")
    folder = tmp_path_factory.mktemp("postbuild")
    stand_ins = folder / "bin"
    stand_ins.mkdir()
    log = folder / "calls.log"
    for program in ("python", "jupyter", "infralab"):
        script = stand_ins / program
        script.write_text(
            f'#!/bin/sh\nfor a in {program} "$@"; do printf "%s\\t" "$a"; done >> "{log}"\n'
            f'echo >> "{log}"\n',
            encoding="utf-8",
        )
        script.chmod(0o755)
    result = subprocess.run(
        [shutil.which("bash"), str(POSTBUILD)],
        cwd=ROOT,
        env={"PATH": str(stand_ins), "HOME": str(folder)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr  # e.g. "command not found" for anything else
    return [line.rstrip("\t").split("\t") for line in log.read_text("utf-8").splitlines()]


def test_repo2docker_reads_the_top_level():
    assert ENVIRONMENT.is_file() and POSTBUILD.is_file()
    for folder in ("binder", ".binder"):
        assert not (ROOT / folder).exists(), f"{folder}/ would hide the top level from repo2docker"
    assert not (ROOT / "Dockerfile").exists(), "a Dockerfile would replace environment.yml"


@pytest.mark.skipif(os.name == "nt", reason="file modes are POSIX")
def test_postbuild_is_an_executable_bash_script_that_stops_at_the_first_failure():
    assert POSTBUILD.stat().st_mode & stat.S_IXUSR
    lines = POSTBUILD.read_text("utf-8").splitlines()
    assert lines[0] == "#!/bin/bash"
    assert "set -euo pipefail" in lines


@needs_bash
def test_postbuild_is_valid_bash():
    result = subprocess.run(
        [shutil.which("bash"), "-n", str(POSTBUILD)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


def test_environment_python_is_one_repo2docker_understands_and_the_course_supports():
    versions = [
        REPO2DOCKER_PYTHON.match(line[2:])
        for line in environment_lines()
        if line.startswith("- python")
    ]
    assert len(versions) == 1 and versions[0], "environment.yml needs one 'python=X.Y' line"
    major, minor = (int(part) for part in versions[0].group(1).split(".")[:2])
    assert (major, minor) >= MINIMUM_PYTHON


def test_the_course_package_is_installed_from_environment_yml():
    # A local requirement in the pip section makes repo2docker install environment.yml after
    # it has copied the repository in, so "-e ." finds pyproject.toml.
    lines = environment_lines()
    assert "- pip" in lines and "- pip:" in lines
    assert "- -e ." in lines[lines.index("- pip:") :]


def test_postbuild_installs_the_course_without_unpinned_dependencies(postbuild_calls):
    installs = [call for call in postbuild_calls if call[:4] == ["python", "-m", "pip", "install"]]
    assert len(installs) == 1
    assert "--no-deps" in installs[0] and installs[0][-2:] == ["-e", "."]


def test_setup_dev_hides_exactly_the_nbgrader_extensions_nbgrader_installs():
    makefile = MAKEFILE.read_text("utf-8")
    parts = re.search(r"for part in ([a-z_ ]+); do", makefile)
    lab = re.search(r"labextension disable --level=sys_prefix (\S+)", makefile)
    assert parts and lab, "the Makefile's setup-dev no longer disables nbgrader's extensions"
    nbgrader = metadata.distribution("nbgrader")
    files = {str(path).replace("\\", "/"): path for path in nbgrader.files or ()}
    config = next(
        path
        for name, path in files.items()
        if name.endswith("jupyter_server_config.d/nbgrader.json")
    )
    enabled = json.loads(Path(nbgrader.locate_file(config)).read_text("utf-8"))
    server_extensions = set(enabled["ServerApp"]["jpserver_extensions"])
    assert {f"nbgrader.server_extensions.{part}" for part in parts[1].split()} == server_extensions
    assert any(name.endswith(f"labextensions/{lab[1]}/package.json") for name in files)


def test_binder_installs_no_maintainers_tool(postbuild_calls):
    # environment.yml is the learners' runtime (tests/test_packaging.py checks it lists no
    # dev package), so there are no nbgrader menus to hide and nothing to disable.
    text = ENVIRONMENT.read_text("utf-8") + POSTBUILD.read_text("utf-8")
    for tool in ("nbgrader", "pytest-xdist", "hypothesis", "playwright", "ruff"):
        assert not re.search(rf"^\s*-\s*{tool}\b", text, re.M), tool
    assert not [call for call in postbuild_calls if "disable" in call]


def test_postbuild_gives_every_learner_a_workspace_with_a_real_command(postbuild_calls, capsys):
    assert postbuild_calls[-1] == ["infralab", "start"]
    assert main(["start", "--help"]) == 0
    assert capsys.readouterr().out.startswith("usage: infralab start")


def test_postbuild_calls_only_the_environment_s_own_programs(postbuild_calls):
    # python and infralab both come from environment.yml (infralab from "-e .").
    assert {call[0] for call in postbuild_calls} == {"python", "infralab"}
    bin_folder = Path(sys.executable).parent
    for program in ("infralab",):
        assert shutil.which(program, path=str(bin_folder)), f"{program} is not installed"


def test_launch_links_in_the_guide_open_notebooks_that_exist():
    text = GUIDE.read_text("utf-8")
    paths = re.findall(r"(?:labpath=|urlpath=lab/tree/)([\w./%-]+\.ipynb)", text)
    assert paths, "the guide gives no Binder launch link"
    for path in paths:
        assert (ROOT / path.replace("%2F", "/")).is_file(), path


# --------------------------------------------------------------------------- #
# The course's JupyterLab settings: shipped, installed, read
# --------------------------------------------------------------------------- #


@pytest.fixture
def lab_dir(tmp_path, monkeypatch) -> Path:
    """A JupyterLab application directory of its own ($JUPYTERLAB_DIR), with no settings yet."""
    folder = tmp_path / "lab"
    monkeypatch.setenv("JUPYTERLAB_DIR", str(folder))
    monkeypatch.setenv("JUPYTERLAB_SETTINGS_DIR", str(tmp_path / "user-settings"))
    return folder


def installed_schema(plugin: str) -> dict:
    """The settings schema of a JupyterLab plugin, as installed with JupyterLab."""
    from jupyterlab.labapp import LabApp

    package, name = plugin.split(":")
    return json.loads((Path(LabApp().schemas_dir) / package / f"{name}.json").read_text("utf-8"))


def test_the_shipped_settings_are_valid_settings_of_installed_plugins():
    jsonschema = pytest.importorskip("jsonschema")
    settings = shipped_settings()
    assert settings, "no settings shipped"
    for plugin, values in settings.items():
        properties = installed_schema(plugin)["properties"]
        for key, value in values.items():
            assert key in properties, f"{plugin} has no setting {key}"
            jsonschema.validate(value, properties[key])  # raises if the value is not allowed


def test_the_shipped_settings_keep_jupyterlab_offline():
    settings = shipped_settings()
    notification = settings["@jupyterlab/apputils-extension:notification"]
    assert notification == {"fetchNews": "false", "checkForUpdates": False}
    assert settings["@jupyterlab/extensionmanager-extension:plugin"] == {"enabled": False}


def test_the_shipped_settings_are_package_data():
    pyproject = (ROOT / "pyproject.toml").read_text("utf-8")
    package_data = re.search(r"\[tool\.setuptools\.package-data\]\ninfralab = (\[.*\])", pyproject)
    assert package_data and "lab_settings/*.json" in json.loads(package_data.group(1))


def test_lab_settings_puts_them_where_jupyterlab_reads_them(lab_dir, capsys):
    from jupyterlab.labapp import LabApp
    from jupyterlab_server.settings_utils import _get_overrides

    assert main(["lab-settings"]) == 0
    read, error = _get_overrides(LabApp().app_settings_dir)  # as JupyterLab's server reads them
    assert error == ""
    for plugin, values in shipped_settings().items():
        assert {key: read.get(plugin, {}).get(key) for key in values} == values, plugin
    target = lab_dir.resolve() / "settings" / "overrides.json"
    assert capsys.readouterr().out.endswith(f"installed in {target}\n")
    assert main(["lab-settings"]) == 0
    assert capsys.readouterr().out.endswith(f"already in {target}\n")


def test_lab_settings_keeps_what_the_file_already_holds(lab_dir):
    target = lab_dir / "settings" / "overrides.json"
    target.parent.mkdir(parents=True)
    before = {
        "@jupyterlab/apputils-extension:themes": {"theme": "JupyterLab Dark"},
        "@jupyterlab/apputils-extension:notification": {"doNotDisturbMode": True},
    }
    target.write_text(json.dumps(before), encoding="utf-8")
    assert main(["lab-settings"]) == 0
    after = json.loads(target.read_text("utf-8"))
    assert after["@jupyterlab/apputils-extension:themes"] == {"theme": "JupyterLab Dark"}
    assert after["@jupyterlab/apputils-extension:notification"] == {
        "doNotDisturbMode": True,
        "fetchNews": "false",
        "checkForUpdates": False,
    }
    written = target.stat().st_mtime_ns
    assert main(["lab-settings"]) == 0
    assert target.stat().st_mtime_ns == written  # nothing to change: not rewritten


def test_lab_settings_refuses_to_replace_a_file_it_cannot_read(lab_dir, capsys):
    target = lab_dir.resolve() / "settings" / "overrides.json"
    target.parent.mkdir(parents=True)
    target.write_text("{ not json", encoding="utf-8")
    assert main(["lab-settings"]) == 1
    assert capsys.readouterr().err.startswith(f"infralab: error: {target} is not valid JSON")
    assert target.read_text("utf-8") == "{ not json"


def test_lab_settings_leaves_the_learner_s_own_settings_alone(lab_dir, tmp_path):
    assert main(["lab-settings"]) == 0
    assert not (tmp_path / "user-settings").exists()


def test_make_setup_installs_them_where_the_environment_s_jupyterlab_reads_them(monkeypatch):
    monkeypatch.delenv("JUPYTERLAB_DIR", raising=False)
    makefile = MAKEFILE.read_text("utf-8")
    variable = re.search(r"^LAB_SETTINGS := \$\(VENV\)/(\S+)$", makefile, re.MULTILINE)
    assert variable, "the Makefile no longer names the settings file under $(VENV)"
    setup = re.search(r"^setup: (.*?)\s+##", makefile, re.MULTILINE)
    assert setup and "$(LAB_SETTINGS)" in setup.group(1).split()
    rule = re.search(r"^\$\(LAB_SETTINGS\): .*\n\t(.*)\n", makefile, re.MULTILINE)
    assert rule and rule.group(1) == "$(BIN)/infralab lab-settings"
    # In the environment's Python (.venv's for make), that is the file JupyterLab reads.
    assert settings_file() == Path(sys.prefix, variable.group(1))


def test_postbuild_installs_them_with_the_same_command(postbuild_calls):
    assert ["infralab", "lab-settings"] in postbuild_calls
    assert postbuild_calls.index(["infralab", "lab-settings"]) < postbuild_calls.index(
        ["infralab", "start"]
    )


def test_the_hub_rehearsal_says_what_it_needs_before_starting_anything(tmp_path, capsys):
    from tests import hub_rehearsal

    with pytest.raises(SystemExit) as stopped:
        hub_rehearsal.main(["--python", str(tmp_path / "bin" / "python"), "--proxy", "chp"])
    assert stopped.value.code == 2
    assert "has no jupyterhub" in capsys.readouterr().err
    assert "tests.hub_rehearsal" in GUIDE.read_text("utf-8")
