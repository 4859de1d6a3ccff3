"""Run a command with no network but loopback: ``python -m infralab.sealed -- COMMAND...``.

``make test`` and ``make test-fast`` run pytest this way, and ``infralab execute``
starts each notebook kernel this way. On Linux the command runs in a new network
namespace that holds only the loopback interface (``unshare -n`` as root,
``unshare -rn`` — a user namespace in which the caller is root — otherwise; once
loopback is up, a nested user namespace gives the caller back their own user and
group ids, so programs that refuse to run as root, such as PostgreSQL, still run).
Loopback is brought up inside, so Jupyter kernels still talk to their client over
127.0.0.1 and a notebook may run a server for itself; anything else fails in the
operating system with "Network is unreachable", whatever the process, whatever
the language, children included. Nothing a notebook does can undo it.

Where the system does not allow it (macOS, Windows, a container without the
capability), the command runs unsealed after one printed note, and the kernel
guard (:mod:`infralab.kernel_guard`) is what keeps notebooks offline. With
``INFRALAB_REQUIRE_SEAL=1`` (CI sets it) that is an error instead.

Inside the namespace ``INFRALAB_SEALED=1`` is set; a command started from a
sealed process runs there directly, without a second namespace.

This file also runs on its own (``python -I sealed.py --inside -- COMMAND``) as
the first program inside a new namespace: it brings loopback up, checks that
loopback is the only interface, and replaces itself with the command. It imports
nothing but the standard library, so that step costs one bare interpreter start.
"""

from __future__ import annotations

import os
import socket
import sys
from collections.abc import Sequence
from functools import cache

#: Set to ``1`` inside a sealed namespace.
SEALED = "INFRALAB_SEALED"
#: Set to ``1`` to make running unsealed an error (CI, where the namespace is available).
REQUIRE_SEAL = "INFRALAB_REQUIRE_SEAL"

_INSIDE = "--inside"
# struct ifreq: a 16-byte interface name, then a union of which the flags are a short; 40
# bytes in all on 64-bit Linux.
_IFREQ = "16sh22x"
_SIOCGIFFLAGS = 0x8913
_SIOCSIFFLAGS = 0x8914
_IFF_UP = 0x1


def is_sealed() -> bool:
    """True when this process runs in a network namespace that has only loopback.

    Both are checked: the marker :data:`SEALED` in the environment, and the
    interfaces the operating system lists.

    >>> isinstance(is_sealed(), bool)
    True
    """
    return os.environ.get(SEALED) == "1" and _only_loopback()


def _only_loopback() -> bool:
    try:
        names = [name for _, name in socket.if_nameindex()]
    except (AttributeError, OSError):  # no if_nameindex on this system
        return False
    return names == ["lo"]


def _bring_loopback_up() -> None:
    """Set the ``lo`` interface up (it starts down in a new namespace), as ``ip link set lo up``."""
    import fcntl
    import struct

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as control:
        request = struct.pack(_IFREQ, b"lo", 0)
        _, flags = struct.unpack(_IFREQ, fcntl.ioctl(control, _SIOCGIFFLAGS, request))
        fcntl.ioctl(control, _SIOCSIFFLAGS, struct.pack(_IFREQ, b"lo", flags | _IFF_UP))


def _outer_id(kind: str) -> int | None:
    """The caller's own user (``"uid"``) or group id when ``unshare -r`` mapped it to root here.

    None when this user namespace is not such a one-line map of root (real root, say).
    """
    try:
        with open(f"/proc/self/{kind}_map", encoding="ascii") as lines:
            rows = [line.split() for line in lines if line.strip()]
    except OSError:
        return None
    if len(rows) == 1 and rows[0][0] == "0" and rows[0][2] == "1" and rows[0][1] != "0":
        return int(rows[0][1])
    return None


def _become_the_caller_again() -> None:
    """Leave the root that ``unshare -rn`` made, for the caller's own ids, in the same network.

    Root inside a user namespace is the caller outside it, with none of root's powers
    on the machine; but programs that refuse to run as root (PostgreSQL's ``initdb``
    and server) or that try root's chores would fail. A nested user namespace maps the
    caller's own ids back, after loopback is up; the network namespace stays.
    """
    uid, gid = _outer_id("uid"), _outer_id("gid")
    if uid is None or gid is None or not sys.platform.startswith("linux"):
        return
    import ctypes

    clone_newuser = 0x10000000
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.unshare(clone_newuser) != 0:
        error = ctypes.get_errno()
        print(f"infralab.sealed: staying root in the namespace: {os.strerror(error)}",
              file=sys.stderr)
        return
    for file, text in (("setgroups", "deny"), ("uid_map", f"{uid} 0 1"), ("gid_map", f"{gid} 0 1")):
        with open(f"/proc/self/{file}", "w", encoding="ascii") as handle:
            handle.write(text)


def _inside(command: Sequence[str]) -> int:
    """First step inside a new namespace: loopback up, nothing else there, then ``command``."""
    try:
        _bring_loopback_up()
    except OSError as error:
        print(f"infralab.sealed: cannot bring loopback up: {error}", file=sys.stderr)
        return 3
    if not _only_loopback():
        print("infralab.sealed: the namespace has interfaces besides loopback", file=sys.stderr)
        return 3
    try:
        _become_the_caller_again()
    except OSError as error:
        print(f"infralab.sealed: cannot map the caller's ids back: {error}", file=sys.stderr)
        return 3
    os.environ[SEALED] = "1"
    if not command:
        return 0
    _exec(command)
    return 0  # not reached


def _unshare_options() -> list[list[str]]:
    """Ways to ask for a new network namespace, the most direct first."""
    if os.geteuid() == 0:
        return [["-n"], ["-rn"]]  # root; or a user namespace where root lacks the capability
    return [["-rn"]]


@cache
def seal_prefix() -> tuple[str, ...] | None:
    """The words to put before a command to run it sealed, or None where that is impossible.

    Found by trying: the first way of making a namespace that really yields
    loopback alone is kept for the life of the process.

    >>> prefix = seal_prefix()
    >>> prefix is None or prefix[-1] == "--"
    True
    """
    import shutil
    import subprocess

    unshare = shutil.which("unshare")
    if not sys.platform.startswith("linux") or unshare is None:
        return None
    for options in _unshare_options():
        prefix = (unshare, *options, "--", sys.executable, "-I", __file__, _INSIDE, "--")
        try:
            probe = subprocess.run(
                list(prefix), capture_output=True, timeout=30, check=False, stdin=subprocess.DEVNULL
            )
        except (OSError, subprocess.SubprocessError):
            continue
        if probe.returncode == 0:
            return prefix
    return None


def sealed_command(command: Sequence[str]) -> list[str] | None:
    """``command`` as it runs sealed: unchanged inside a sealed process, prefixed otherwise.

    None when it cannot be sealed here.
    """
    if is_sealed():
        return list(command)
    prefix = seal_prefix()
    return None if prefix is None else [*prefix, *command]


def _exec(command: Sequence[str]) -> None:
    sys.stdout.flush()
    sys.stderr.flush()
    os.execvp(command[0], list(command))


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m infralab.sealed -- COMMAND...``: run COMMAND sealed if this system can."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments and arguments[0] == _INSIDE:
        arguments = arguments[1:]
        if arguments and arguments[0] == "--":
            arguments = arguments[1:]
        return _inside(arguments)
    if arguments and arguments[0] == "--":
        arguments = arguments[1:]
    if not arguments:
        print("usage: python -m infralab.sealed -- COMMAND [ARGUMENT...]", file=sys.stderr)
        return 2
    command = sealed_command(arguments)
    if command is None:
        why = (
            "this system does not let the course make a loopback-only network namespace "
            "(Linux `unshare -n`, or `unshare -rn` with user namespaces)"
        )
        if os.environ.get(REQUIRE_SEAL) == "1":
            print(f"infralab.sealed: {REQUIRE_SEAL}=1, but {why}.", file=sys.stderr)
            return 3
        print(
            f"Note: running unsealed: {why}; the kernel guard alone keeps notebooks offline.",
            file=sys.stderr,
        )
        command = arguments
    _exec(command)
    return 0  # not reached


if __name__ == "__main__":
    sys.exit(main())
