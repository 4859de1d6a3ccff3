"""Tests for infralab.files: generated files are written whole, and only when they change."""

from __future__ import annotations

import os

import pytest

from infralab import files
from infralab.files import write_if_changed

OLD_TIME = 1_000_000_000  # 2001-09-09, long before any test runs


def test_a_new_file_is_written_with_its_missing_folders(tmp_path):
    path = tmp_path / "a" / "b" / "page.html"
    assert write_if_changed(path, b"<p>hello</p>\n") is True
    assert path.read_bytes() == b"<p>hello</p>\n"


def test_the_same_bytes_leave_the_file_and_its_time_alone(tmp_path):
    path = tmp_path / "data.csv"
    path.write_bytes(b"day\n1\n")
    os.utime(path, (OLD_TIME, OLD_TIME))
    assert write_if_changed(str(path), b"day\n1\n") is False
    assert path.stat().st_mtime == OLD_TIME


def test_new_bytes_replace_the_file_and_leave_no_temporary_file(tmp_path):
    path = tmp_path / "data.csv"
    path.write_bytes(b"day\n1\n")
    os.utime(path, (OLD_TIME, OLD_TIME))
    assert write_if_changed(path, b"day\n1\n2\n") is True
    assert path.read_bytes() == b"day\n1\n2\n"
    assert path.stat().st_mtime > OLD_TIME
    assert [entry.name for entry in tmp_path.iterdir()] == ["data.csv"]


def test_an_interrupted_write_keeps_the_old_file_whole(tmp_path, monkeypatch):
    path = tmp_path / "data.csv"
    path.write_bytes(b"day\n1\n")

    def interrupted(source, destination):
        raise KeyboardInterrupt

    monkeypatch.setattr(files.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_if_changed(path, b"day\n1\n2\n")
    assert path.read_bytes() == b"day\n1\n"
    assert [entry.name for entry in tmp_path.iterdir()] == ["data.csv"]


def test_text_must_be_encoded_first(tmp_path):
    with pytest.raises(TypeError, match="data must be bytes, got str"):
        write_if_changed(tmp_path / "notes.txt", "hello\n")
    assert list(tmp_path.iterdir()) == []
