"""Tests for infralab/kernel_guard.py, the start-up script of every notebook kernel under test.

The guard patches the ``socket`` module and the warning filters of the process it runs
in, so each test runs it in a fresh Python process, exactly as a kernel's start-up would.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import infralab
from infralab.build import guarded_ipython_dir

GUARD = Path(infralab.__file__).with_name("kernel_guard.py")

# Runs the guard the way IPython runs a start-up file: its code, in the __main__ namespace.
RUN_GUARD = f"exec(compile(open({str(GUARD)!r}).read(), {str(GUARD)!r}, 'exec'))\n"

# Stand-ins for the real socket calls, installed *before* the guard wraps them: if the
# guard ever let a call through, the stand-in would count it.
RECORD_REAL_CALLS = textwrap.dedent(
    """
    import socket
    real_calls = []

    def _recording(kind, original):
        def record(*args, **kwargs):
            real_calls.append(kind)
            return original(*args, **kwargs)
        return record

    socket.socket.connect = _recording("connect", socket.socket.connect)
    socket.socket.connect_ex = _recording("connect_ex", socket.socket.connect_ex)
    socket.getaddrinfo = _recording("getaddrinfo", socket.getaddrinfo)
    for _name in ("gethostbyname", "gethostbyname_ex", "gethostbyaddr"):
        setattr(socket, _name, _recording(_name, getattr(socket, _name)))
    socket.socket.sendto = _recording("sendto", socket.socket.sendto)
    socket.socket.sendmsg = _recording("sendmsg", socket.socket.sendmsg)
    """
)


def run_python(code: str) -> list[str]:
    """Run ``code`` in a fresh, isolated interpreter; return its printed lines."""
    result = subprocess.run(
        [sys.executable, "-I", "-c", code],
        capture_output=True,
        text=True,
        timeout=20,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def outcome(call: str) -> str:
    """Python that prints the class of the exception ``call`` raises, or 'no error'."""
    return (
        "try:\n"
        + textwrap.indent(call, "    ")
        + "\nexcept BaseException as error:\n"
        "    print(type(error).__name__)\n"
        "else:\n"
        '    print("no error")\n'
    )


# --------------------------------------------------------------------------- #
# Network
# --------------------------------------------------------------------------- #


def test_reaching_a_remote_address_fails_before_anything_is_sent():
    code = (
        RECORD_REAL_CALLS
        + RUN_GUARD
        + "import time\nstarted = time.monotonic()\n"
        + outcome('socket.create_connection(("192.0.2.1", 80), timeout=1)')
        + "print(real_calls)\nprint(time.monotonic() - started < 0.5)\n"
    )
    error, real_calls, quick = run_python(code)
    assert error == "NetworkAccessError"
    assert real_calls == "[]"  # neither a look-up nor a connection reached the real socket
    assert quick == "True"  # refused at once, not after a one-second time-out


UDP = "socket.socket(socket.AF_INET, socket.SOCK_DGRAM)"


@pytest.mark.parametrize(
    "call",
    [
        's = socket.socket(); s.connect(("192.0.2.1", 80))',
        's = socket.socket(socket.AF_INET6); s.connect(("2001:db8::1", 80))',
        'socket.socket().connect_ex(("192.0.2.1", 80))',
        'socket.getaddrinfo("course-data.invalid", 443)',
        'socket.create_connection(("course-data.invalid", 443), timeout=1)',
        'socket.gethostbyname("course-data.invalid")',
        'socket.gethostbyname_ex("course-data.invalid")',
        'socket.gethostbyaddr("192.0.2.1")',
        f'{UDP}.sendto(b"x", ("192.0.2.1", 53))',
        f'{UDP}.sendmsg([b"x"], [], 0, ("192.0.2.1", 53))',
    ],
    ids=["connect", "connect-ipv6", "connect_ex", "name-lookup", "connect-by-name",
         "gethostbyname", "gethostbyname_ex", "gethostbyaddr", "udp-sendto", "udp-sendmsg"],
)
def test_every_way_out_is_closed(call):
    error, real_calls = run_python(
        RECORD_REAL_CALLS + RUN_GUARD + outcome(call) + "print(real_calls)\n"
    )
    assert error == "NetworkAccessError"
    assert real_calls == "[]"


def test_network_access_error_is_a_runtime_error_naming_the_address():
    code = RUN_GUARD + textwrap.dedent(
        """
        import socket
        try:
            socket.socket().connect(("192.0.2.1", 80))
        except RuntimeError as error:
            print(error)
        """
    )
    assert run_python(code) == ["notebooks must work offline; tried to reach ('192.0.2.1', 80)"]


def test_loopback_is_allowed_a_closed_port_is_simply_refused():
    code = RUN_GUARD + textwrap.dedent(
        """
        import socket
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
        probe.close()  # nobody listens on this port now
        """
    ) + outcome('socket.create_connection(("127.0.0.1", port), timeout=1)')
    assert run_python(code) == ["ConnectionRefusedError"]


def test_loopback_connections_to_a_listening_server_succeed():
    code = RUN_GUARD + textwrap.dedent(
        """
        import socket
        server = socket.socket()
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        port = server.getsockname()[1]
        for host in ("127.0.0.1", "localhost"):
            client = socket.create_connection((host, port), timeout=1)
            accepted, _ = server.accept()
            print(host, "connected")
            accepted.close()
            client.close()
        server.close()
        """
    )
    assert run_python(code) == ["127.0.0.1 connected", "localhost connected"]


# --------------------------------------------------------------------------- #
# Warnings
# --------------------------------------------------------------------------- #


def test_a_warning_from_notebook_code_becomes_an_error():
    warn = 'import warnings\nwarnings.warn("x", FutureWarning)'
    assert run_python(RUN_GUARD + outcome(warn)) == ["FutureWarning"]


def test_without_the_guard_the_same_warning_is_only_printed():
    warn = 'import warnings\nwarnings.warn("x", FutureWarning)'
    assert run_python(outcome(warn)) == ["no error"]


@pytest.mark.parametrize(
    ("module", "expected"),
    [
        ("__main__", "UserWarning"),
        ("infralab.growth", "UserWarning"),
        ("numpy", "UserWarning"),
        ("pandas.core.frame", "UserWarning"),
        ("matplotlib.axes._base", "UserWarning"),
        ("matplotlib_inline.backend_inline", "UserWarning"),
        ("ipywidgets.widgets.widget", "UserWarning"),
        ("tornado.ioloop", "no error"),  # the kernel's machinery is left alone
        ("jupyter_client.session", "no error"),
        ("numpyro", "no error"),  # a different package that merely starts like one
    ],
)
def test_warnings_are_errors_only_in_the_course_and_its_libraries(module, expected):
    warn = (
        "import warnings\n"
        f'warnings.warn_explicit("x", UserWarning, "f.py", 1, module={module!r})'
    )
    assert run_python(RUN_GUARD + outcome(warn)) == [expected]


# --------------------------------------------------------------------------- #
# Installing the guard for IPython
# --------------------------------------------------------------------------- #


def test_guarded_ipython_dir_installs_the_guard_as_a_startup_script():
    folder = guarded_ipython_dir()
    try:
        script = folder / "profile_default" / "startup" / "00-kernel-guard.py"
        assert script.is_file()
        assert script.read_bytes() == GUARD.read_bytes()
        assert folder.name.startswith("infralab-ipython-")
    finally:
        shutil.rmtree(folder)


def test_each_guarded_ipython_dir_is_a_fresh_folder():
    first, second = guarded_ipython_dir(), guarded_ipython_dir()
    try:
        assert first != second
    finally:
        shutil.rmtree(first)
        shutil.rmtree(second)


@pytest.mark.parametrize(
    "call",
    [
        'socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"x", ("0.0.0.0", 9))',
        'socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"x", 0, ("0.0.0.0", 9))',
    ],
)
def test_sending_a_datagram_off_the_machine_fails(call):
    # 0.0.0.0 is not loopback, so the guard refuses it; without the guard Linux would deliver
    # it to this machine, so the test never sends a packet anywhere else.
    (error,) = run_python(RUN_GUARD + "import socket\n" + outcome(call))
    assert error == "NetworkAccessError"


def test_a_datagram_to_loopback_is_allowed():
    code = RUN_GUARD + "import socket\n" + outcome(
        'socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"x", ("127.0.0.1", 9))'
    )
    assert run_python(code) == ["no error"]


def test_loopback_datagrams_and_lookups_stay_allowed():
    code = RUN_GUARD + textwrap.dedent(
        """
        receiver = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        receiver.bind(("127.0.0.1", 0))
        sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sender.sendmsg([b"ping"], [], 0, receiver.getsockname())
        print(receiver.recv(4).decode(), socket.gethostbyname("localhost"))
        """
    )
    (line,) = run_python(code)
    assert line == "ping 127.0.0.1"
