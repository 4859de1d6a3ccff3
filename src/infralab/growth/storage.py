"""Bytes per row, measured in a real embedded database (SQLite).

How fast storage grows is rows per day times bytes per row. Bytes per row is
more than the payload: the row header, the integer columns, the free space
left in each B-tree page and every index on the table all count. Rather than
estimate them, :func:`measure_bytes_per_row` builds the table in an in-memory
SQLite database and divides its size by its rows.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing

import numpy as np

from ..validation import check_count, check_flag, check_seed

__all__ = ["measure_bytes_per_row"]

#: Most rows, most payload per row, and most payload characters in all (n_rows x
#: payload_bytes) one measurement builds: each character is held about seven times over
#: (random bytes, text, Python strings, the database), about 350 MB at most.
_MAX_ROWS = 1_000_000
_MAX_PAYLOAD_BYTES = 1_000_000
_MAX_PAYLOAD_TOTAL = 50_000_000

_BLOCK_TYPES = np.array(["text", "page", "to_do", "header", "bulleted_list", "image"])


def _check_table_size(n_rows: object, payload_bytes: object) -> tuple[int, int]:
    """``n_rows`` and ``payload_bytes`` of a measured table, checked (SQLite and PostgreSQL)."""
    rows = check_count("n_rows", n_rows, high=_MAX_ROWS)
    payload = check_count("payload_bytes", payload_bytes, low=0, high=_MAX_PAYLOAD_BYTES)
    if rows * payload > _MAX_PAYLOAD_TOTAL:
        raise ValueError(
            f"n_rows * payload_bytes must be at most {_MAX_PAYLOAD_TOTAL:,} (payload characters "
            f"held in memory), got {rows:,} * {payload:,} = {rows * payload:,}"
        )
    return rows, payload


def measure_bytes_per_row(
    n_rows: int = 20_000,
    *,
    payload_bytes: int = 200,
    with_index: bool = True,
    rng: object = 0,
) -> float:
    """Measure the storage one row of a "blocks" table takes in SQLite.

    Builds, in memory, a table shaped like a document tool's blocks table::

        blocks(id INTEGER PRIMARY KEY, workspace_id INTEGER, parent_id INTEGER,
               type TEXT, properties TEXT, created_at INTEGER)

    fills it with ``n_rows`` generated rows (``properties`` holds
    ``payload_bytes`` random ASCII letters), optionally with an index on
    ``workspace_id``, and divides the database size (page count x page size,
    SQLite's default page size) by the number of rows.

    Parameters
    ----------
    n_rows : int
        Rows to insert, 1 to 1,000,000. The fixed overhead (schema page) fades
        as this grows.
    payload_bytes : int
        Characters of ``properties`` per row, 0 to 1,000,000;
        ``n_rows * payload_bytes`` must not exceed 50,000,000.
    with_index : bool
        Also build an index on ``workspace_id``.
    rng : int or numpy.random.Generator
        Seed or generator for the generated rows.

    Returns
    -------
    float
        Bytes per row, index and page overhead included. Repeatable for a
        given seed and SQLite version.

    Examples
    --------
    >>> small = measure_bytes_per_row(5_000, payload_bytes=100)
    >>> large = measure_bytes_per_row(5_000, payload_bytes=300)
    >>> 150 < large - small < 250
    True
    """
    rows, payload = _check_table_size(n_rows, payload_bytes)
    index = check_flag("with_index", with_index)
    generator = check_seed("rng", rng)

    ids = np.arange(1, rows + 1)
    workspace_ids = generator.integers(1, 1_001, size=rows)
    parent_ids = np.floor(generator.random(rows) * (ids - 1)).astype(np.int64)  # an earlier row
    types = _BLOCK_TYPES[generator.integers(0, _BLOCK_TYPES.size, size=rows)]
    created_at = 1_600_000_000_000 + np.cumsum(generator.integers(1, 60_000, size=rows))
    if payload:
        letters = generator.integers(ord("a"), ord("z") + 1, size=(rows, payload), dtype=np.uint8)
        properties = letters.view(f"S{payload}").ravel().astype(f"U{payload}").tolist()
    else:
        properties = [""] * rows
    records = zip(
        ids.tolist(),
        workspace_ids.tolist(),
        parent_ids.tolist(),
        types.tolist(),
        properties,
        created_at.tolist(),
        strict=True,
    )
    with closing(sqlite3.connect(":memory:")) as connection:
        connection.execute(
            "CREATE TABLE blocks (id INTEGER PRIMARY KEY, workspace_id INTEGER, "
            "parent_id INTEGER, type TEXT, properties TEXT, created_at INTEGER)"
        )
        if index:
            connection.execute("CREATE INDEX blocks_workspace ON blocks (workspace_id)")
        connection.executemany("INSERT INTO blocks VALUES (?, ?, ?, ?, ?, ?)", records)
        connection.commit()
        page_count = connection.execute("PRAGMA page_count").fetchone()[0]
        page_size = connection.execute("PRAGMA page_size").fetchone()[0]
    return page_count * page_size / rows
