"""The example export is lesson 03's data set, reformatted as a dashboard exports it.

``data/README.md`` says how ``data/my_metrics_example.csv`` was made; this rebuilds it
from ``data/postgres_metrics.csv`` by that description and compares the bytes, so the
two files cannot drift apart.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[3]
MISSING = ["2020-08-15", "2020-08-16", "2020-10-03", "2020-11-21", "2020-11-22", "2020-11-23"]


def rebuilt() -> str:
    metrics = pd.read_csv(ROOT / "data/postgres_metrics.csv", parse_dates=["date"])
    part = metrics[(metrics.date >= "2020-07-01") & ~metrics.date.isin(pd.to_datetime(MISSING))]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["Date", "Host", "Storage (GiB)", "CPU peak (%)", "Connections"])
    for row in part.itertuples():
        writer.writerow([f"{row.date:%d/%m/%Y}", "db-primary-1", f"{row.storage_gib:,.1f}",
                         f"{row.cpu_peak_pct:.1f}", f"{row.connections_peak:,.0f}"])
    return out.getvalue()


def test_the_example_file_is_lesson_03s_data_reformatted():
    text = (ROOT / "data/my_metrics_example.csv").read_text(encoding="utf-8")
    assert text == rebuilt()
    assert len(text.splitlines()) == 179  # the header and 178 days


def test_the_data_dictionary_describes_it():
    readme = (ROOT / "data/README.md").read_text(encoding="utf-8")
    assert "### `my_metrics_example.csv`" in readme
    assert "15-16 Aug, 3 Oct and 21-23 Nov 2020" in readme and "178 rows" in readme
