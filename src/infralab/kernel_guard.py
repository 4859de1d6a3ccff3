"""Runs at the start of every notebook kernel the test suite starts.

Two promises of the course are enforced here rather than trusted:

- No notebook touches the network: any socket connection to an address that is
  not loopback fails loudly with ``NetworkAccessError``.
- Warnings are bugs: every warning raised by notebook code, the course package
  or the libraries it uses becomes an error, so a FutureWarning or
  DeprecationWarning fails the notebook's test.

:func:`guarded_ipython_dir` installs this file as an IPython startup script in
a private IPython folder; the test suite and ``infralab execute`` start their
kernels with it. Learners' own kernels never load it.
"""

import ipaddress
import socket
import warnings


class NetworkAccessError(RuntimeError):
    """A notebook tried to reach the network."""


def _is_local(address):
    if isinstance(address, tuple) and address:
        host = address[0]
    else:  # a Unix socket path
        return True
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _guard(original):
    def connect(self, address, *args, **kwargs):
        if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_local(address):
            raise NetworkAccessError(f"notebooks must work offline; tried to reach {address!r}")
        return original(self, address, *args, **kwargs)

    return connect


def _guard_sendto(original):
    def sendto(self, data, *args):
        address = args[-1]  # sendto(data, address) or sendto(data, flags, address)
        if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_local(address):
            raise NetworkAccessError(f"notebooks must work offline; tried to send to {address!r}")
        return original(self, data, *args)

    return sendto


socket.socket.connect = _guard(socket.socket.connect)
socket.socket.connect_ex = _guard(socket.socket.connect_ex)
socket.socket.sendto = _guard_sendto(socket.socket.sendto)
_original_getaddrinfo = socket.getaddrinfo


def _getaddrinfo(host, *args, **kwargs):
    if host not in (None, "localhost") and not _is_local((host,)):
        raise NetworkAccessError(f"notebooks must work offline; tried to look up {host!r}")
    return _original_getaddrinfo(host, *args, **kwargs)


socket.getaddrinfo = _getaddrinfo


def _guard_lookup(original):
    def lookup(host, *args, **kwargs):
        if host not in (None, "localhost") and not _is_local((host,)):
            raise NetworkAccessError(f"notebooks must work offline; tried to look up {host!r}")
        return original(host, *args, **kwargs)

    return lookup


def _guard_sendmsg(original):
    def sendmsg(self, buffers, ancdata=(), flags=0, address=None):
        if (
            address is not None
            and self.family in (socket.AF_INET, socket.AF_INET6)
            and not _is_local(address)
        ):
            raise NetworkAccessError(f"notebooks must work offline; tried to send to {address!r}")
        if address is None:
            return original(self, buffers, ancdata, flags)
        return original(self, buffers, ancdata, flags, address)

    return sendmsg


for _name in ("gethostbyname", "gethostbyname_ex", "gethostbyaddr"):
    setattr(socket, _name, _guard_lookup(getattr(socket, _name)))
socket.socket.sendmsg = _guard_sendmsg(socket.socket.sendmsg)
# Warnings from notebook code, the course package and the libraries it drives are errors. The
# kernel's own machinery (ipykernel, jupyter_client, zmq, tornado) is left alone: its warnings
# say nothing about the course and would only break kernel shutdown.
warnings.filterwarnings(
    "error",
    module=r"(__main__|infralab|numpy|pandas|scipy|matplotlib|matplotlib_inline|ipywidgets|sqlite3)(\.|$)",
)
