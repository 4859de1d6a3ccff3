"""Tests for infralab.sealed: commands run in a network namespace that holds only loopback.

``make test`` runs pytest through it, so the first test checks this very run: where the
system allows a namespace, nothing here can reach another machine. Connections off the
machine are only ever tried after the test has seen that loopback is the only interface
(then the operating system refuses them at once, "Network is unreachable", and no packet
is sent); the address is in TEST-NET-1, reserved for documentation.
"""

from __future__ import annotations

import errno
import os
import shutil
import socket
import subprocess
import sys
import textwrap

import pytest

from infralab import sealed

OFF_THE_MACHINE = ("192.0.2.1", 9)

# Run inside the namespace: its interfaces, the marker, loopback, and a connection off the
# machine, tried only when loopback is the only interface.
INSIDE = textwrap.dedent(
    """
    import errno, os, socket
    names = [name for _, name in socket.if_nameindex()]
    print(names, os.environ.get("INFRALAB_SEALED"))
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    socket.create_connection(server.getsockname(), timeout=5).close()
    print("loopback ok")
    if names == ["lo"]:
        try:
            socket.create_connection(("192.0.2.1", 9), timeout=0.2)
        except OSError as error:
            print(errno.errorcode.get(error.errno, error))
    """
)


def test_this_run_is_sealed_where_the_system_allows():
    if not sealed.is_sealed():
        if os.environ.get(sealed.REQUIRE_SEAL) == "1":
            pytest.fail(f"{sealed.REQUIRE_SEAL}=1, but this run is not sealed: run `make test`")
        pytest.skip("this run is not sealed (`make test` seals it where the system allows)")
    assert [name for _, name in socket.if_nameindex()] == ["lo"]
    with pytest.raises(OSError) as refused:  # no route at all: refused at once, nothing sent
        socket.create_connection(OFF_THE_MACHINE, timeout=0.2)
    assert refused.value.errno == errno.ENETUNREACH


def test_the_wrapper_runs_a_command_with_loopback_alone():
    if sealed.seal_prefix() is None and not sealed.is_sealed():
        pytest.skip("this system makes no network namespace")
    result = subprocess.run(
        [sys.executable, "-m", "infralab.sealed", "--", sys.executable, "-c", INSIDE],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["['lo'] 1", "loopback ok", "ENETUNREACH"]


def test_a_kernel_started_sealed_has_loopback_alone(tmp_path):
    # What execute_notebooks puts before each kernel's command, here before plain Python.
    prefix = sealed.seal_prefix()
    if prefix is None:
        pytest.skip("this system makes no network namespace")
    result = subprocess.run(
        [*prefix, sys.executable, "-c", INSIDE + "print(os.getcwd())"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["['lo'] 1", "loopback ok", "ENETUNREACH", str(tmp_path)]


@pytest.fixture
def no_namespace(monkeypatch):
    """A system without network namespaces; commands are recorded, not run."""
    ran = []
    monkeypatch.setattr(sealed, "is_sealed", lambda: False)
    monkeypatch.setattr(sealed, "seal_prefix", lambda: None)
    monkeypatch.setattr(sealed, "_exec", ran.append)
    monkeypatch.delenv(sealed.REQUIRE_SEAL, raising=False)
    return ran


def test_without_a_namespace_the_command_runs_unsealed_after_a_note(no_namespace, capsys):
    assert sealed.main(["--", "pytest", "-q"]) == 0
    assert no_namespace == [["pytest", "-q"]]
    assert capsys.readouterr().err.startswith("Note: running unsealed: ")


def test_without_a_namespace_a_required_seal_is_an_error(no_namespace, capsys, monkeypatch):
    monkeypatch.setenv(sealed.REQUIRE_SEAL, "1")
    assert sealed.main(["--", "pytest"]) == 3
    assert no_namespace == []
    assert "INFRALAB_REQUIRE_SEAL=1, but this system does not" in capsys.readouterr().err


def test_a_sealed_process_runs_commands_directly(monkeypatch):
    ran = []
    monkeypatch.setattr(sealed, "is_sealed", lambda: True)
    monkeypatch.setattr(sealed, "_exec", ran.append)
    assert sealed.main(["--", "pytest"]) == 0
    assert ran == [["pytest"]]


def test_the_wrapper_needs_a_command(capsys):
    assert sealed.main([]) == 2
    assert "usage: python -m infralab.sealed -- COMMAND" in capsys.readouterr().err


@pytest.mark.skipif(
    not sys.platform.startswith("linux") or os.geteuid() != 0 or not shutil.which("runuser"),
    reason="needs Linux, root and runuser to try the seal as another user",
)
def test_a_user_sealed_through_a_user_namespace_keeps_their_own_ids():
    # `unshare -rn` makes the caller root in the namespace; once loopback is up, the seal
    # maps their own ids back, so programs that refuse root (PostgreSQL) run as the caller.
    code = INSIDE + "print(os.getuid(), os.getgid())\n"
    result = subprocess.run(
        ["runuser", "-u", "nobody", "--", "python3", "-I", sealed.__file__, "--",
         "python3", "-I", "-c", code],
        capture_output=True, text=True, timeout=60, check=False, cwd="/",
    )
    if result.returncode != 0 and "unshare" in result.stderr:
        pytest.skip(f"unprivileged user namespaces are off here: {result.stderr.strip()}")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "['lo'] 1" and lines[1] == "loopback ok"
    import pwd  # POSIX only, like the test

    nobody = pwd.getpwnam("nobody")
    assert lines[-1] == f"{nobody.pw_uid} {nobody.pw_gid}"
