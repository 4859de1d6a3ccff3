"""The shared capabilities: filter, sort, permissions and export, for every registered type."""

import datetime as dt

import pandas as pd
import pytest

from infralab import platform

REGISTRY = platform.standard_registry()
RATING = platform.ColumnType("rating", to_text=str, from_text=int, examples=(1, 2, 3))
REGISTRY.register(RATING)
ROWS = [
    {"text": "Banana", "number": 2.0, "date": dt.date(2026, 1, 2), "status": "Done", "rating": 3},
    {"text": "apple", "date": dt.date(2025, 12, 31), "status": "Stuck", "rating": 1},
    {"number": -1.5, "status": "Working on it"},
]


def _board(viewers=None):
    columns = {name: platform.SharedColumn(REGISTRY.get(name)) for name in REGISTRY.names()}
    return platform.Board(columns, ROWS, viewers=viewers)


@pytest.mark.parametrize("name", REGISTRY.names())
def test_sort_works_for_every_type_with_empty_cells_last_both_ways(name):
    board = _board()
    values = [row.get(name) for row in board.sort(name, "anyone").rows]
    filled = [value for value in values if value is not None]
    key = REGISTRY.get(name).sort_key
    assert filled == sorted(filled, key=key)
    assert values[len(filled):] == [None] * (len(values) - len(filled))
    down = [row.get(name) for row in board.sort(name, "anyone", descending=True).rows]
    assert [v for v in down if v is not None] == filled[::-1]
    assert down[len(filled):] == [None] * (len(values) - len(filled))


@pytest.mark.parametrize("name", REGISTRY.names())
def test_filter_by_a_values_text_finds_it_for_every_type(name):
    board = _board()
    column = board.columns[name]
    for row in ROWS:
        if row.get(name) is None:
            continue
        found = board.filter(name, column.export_text(row[name]), "anyone").rows
        assert row in found
        assert all(r.get(name) is not None for r in found)
    assert len(board.filter(name, "", "anyone")) == len(ROWS)


def test_filter_ignores_case():
    assert [r["text"] for r in _board().filter("text", "APP", "x").rows] == ["apple"]


def test_permissions_hide_a_column_from_export_filter_and_sort():
    board = _board(viewers={"number": {"finance"}})
    assert "number" not in board.visible_columns("pm")
    assert "number" in board.visible_columns("finance")
    assert list(board.export("pm").columns) == ["text", "date", "status", "rating"]
    with pytest.raises(PermissionError, match="number"):
        board.filter("number", "2", "pm")
    with pytest.raises(PermissionError, match="number"):
        board.sort("number", "pm")


def test_export_is_text_with_empty_cells_and_iso_dates():
    table = _board().export("anyone")
    assert table.iloc[0].tolist() == ["Banana", "2.0", "2026-01-02", "Done", "3"]
    assert table.iloc[2].tolist() == ["", "-1.5", "", "Working on it", ""]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_real_file_reads_back_with_pandas_as_exported(tmp_path, suffix):
    board = platform.Board(
        {"Task": platform.SharedColumn(platform.TEXT),
         "Points": platform.SharedColumn(platform.NUMBER)},
        [{"Task": "=1+1", "Points": 1e6}, {"Task": "007"}, {"Task": "naïve, \"quoted\"",
                                                            "Points": 0.1}],
    )
    write = board.to_csv if suffix == ".csv" else board.to_xlsx
    written = write(tmp_path / f"board{suffix}", "anyone")
    back = platform.read_export(written)
    pd.testing.assert_frame_equal(back, board.export("anyone"))
    # every value comes back as itself through the column types
    for title, column in board.columns.items():
        assert [column.import_text(t) for t in back[title]] == [r.get(title) for r in board.rows]


def test_the_xlsx_is_a_real_workbook_with_text_cells(tmp_path):
    from openpyxl import load_workbook

    board = platform.Board({"Task": platform.SharedColumn(platform.TEXT)}, [{"Task": "=1+1"}])
    workbook = load_workbook(board.to_xlsx(tmp_path / "b.xlsx", "anyone"))
    cell = workbook["Board"]["A2"]
    assert cell.value == "=1+1" and cell.data_type == "s"  # text, not a formula


def test_an_export_never_replaces_a_file(tmp_path):
    mine = tmp_path / "mine.csv"
    mine.write_text("my own work")
    with pytest.raises(FileExistsError, match="exists"):
        _board().to_csv(mine, "anyone")
    assert mine.read_text() == "my own work"
    with pytest.raises(ValueError, match=".xlsx"):
        _board().to_xlsx(tmp_path / "board.csv", "anyone")
    with pytest.raises(ValueError, match="folder"):
        _board().to_csv(tmp_path / "missing" / "b.csv", "anyone")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [({"columns": {}}, "columns"), ({"columns": {"A": "text"}}, "columns"),
     ({"rows": "rows"}, "rows"), ({"rows": [3]}, "rows"), ({"rows": [{"B": 1}]}, "unknown"),
     ({"viewers": {"B": {"x"}}}, "viewers"), ({"viewers": {"A": "finance"}}, "viewers")],
)
def test_a_bad_board_names_the_argument(arguments, message):
    fields = {"columns": {"A": platform.SharedColumn(platform.TEXT)}, "rows": [{"A": "x"}]}
    with pytest.raises((TypeError, ValueError), match=message):
        platform.Board(**{**fields, **arguments})


def test_bad_method_arguments_are_named():
    board = _board()
    with pytest.raises(KeyError, match="nothing"):
        board.sort("nothing", "pm")
    with pytest.raises(TypeError, match="query"):
        board.filter("text", 3, "pm")
    with pytest.raises(TypeError, match="role"):
        board.export(None)
    with pytest.raises(TypeError, match="descending"):
        board.sort("text", "pm", descending="yes")
    with pytest.raises(TypeError, match="column_type"):
        platform.SharedColumn("text")


def test_csv_export_keeps_formulas_as_text_and_reads_them_back(tmp_path):
    from infralab.platform.columns import NUMBER, TEXT

    board = platform.Board(
        {'=HYPERLINK("x")': platform.SharedColumn(TEXT), "n": platform.SharedColumn(NUMBER)},
        [{'=HYPERLINK("x")': "=1+1", "n": -1.5},
         {'=HYPERLINK("x")': "+cmd|' /C calc'!A0", "n": 2.0},
         {'=HYPERLINK("x")': "'quoted", "n": None}])
    csv = board.to_csv(tmp_path / "b.csv", "owner")
    raw = csv.read_text(encoding="utf-8").splitlines()
    assert raw[0].startswith("\"'=HYPERLINK")
    assert raw[1] == "'=1+1,-1.5"  # a formula is escaped, a negative number is not
    assert raw[2].startswith("'+cmd")
    assert raw[3] == "''quoted,"
    xlsx = board.to_xlsx(tmp_path / "b.xlsx", "owner")
    for path in (csv, xlsx):
        back = platform.read_export(path)
        assert back.columns.tolist() == ['=HYPERLINK("x")', "n"]
        assert back.iloc[:, 0].tolist() == ["=1+1", "+cmd|' /C calc'!A0", "'quoted"]
    import openpyxl

    sheet = openpyxl.load_workbook(xlsx)["Board"]
    assert all(cell.data_type == "s" for row in sheet.iter_rows() for cell in row
               if cell.value is not None)


def test_a_number_filter_matches_whole_values():
    from infralab.platform.columns import NUMBER

    column = platform.SharedColumn(NUMBER)
    assert column.matches(4000.0, "4000") and column.matches(4000.0, "4000.0")
    assert not column.matches(14000.0, "4000")


def test_the_registry_refuses_a_type_that_fails_a_contract():
    from infralab.platform.columns import standard_registry

    registry = standard_registry()
    loose = platform.ColumnType("rating", to_text=str, from_text=int, examples=(1, 2, 3, 4, 5),
                                limits=(1, 5))
    with pytest.raises(ValueError, match="refuses_bad_text: '0' is read as 0"):
        registry.register(loose)
    assert "rating" not in registry
    registry.register(loose, verify=False)
    assert "rating" in registry
