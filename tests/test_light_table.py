"""The plain HTML table for short read-only tables (components.light_table_html): the cells as shown,
numbers right-aligned, and names from the data never read as Markdown or markup."""

import pandas as pd

from dashboard.ui import components
from tests.pages import parse_tables


def test_cells_numbers_and_row_labels():
    frame = pd.DataFrame({"社区/村": ["西一社区", "东二社区"], "重复诉求": [2, 1250], "受理量": [3, 4000],
                          "重复占比（%）": [2 / 3 * 100, 31.25]})
    view = components.light_table(frame, {"重复诉求": 0, "受理量": 0, "重复占比（%）": 1})
    block = components.light_table_html(view, ["重复诉求", "受理量", "重复占比（%）"])
    (table,) = parse_tables(block)
    assert table == [["社区/村", "重复诉求", "受理量", "重复占比（%）"],
                     ["西一社区", "2", "3", "66.7"],
                     ["东二社区", "1,250", "4,000", "31.3"]]  # 31.25 half-up, thousands separators
    assert block.count('<td class="num">') == 6 and '<th scope="col" class="num">受理量</th>' in block
    assert '<th scope="row">西一社区</th>' in block


def test_names_from_the_data_are_text():
    hostile = "[点我](http://evil.example) <img src=x onerror=alert(1)> **粗**"
    view = components.light_table(pd.DataFrame({"网格": [hostile], "受理量": [1]}), {"受理量": 0})
    block = components.light_table_html(view, ["受理量"])
    assert "<img" not in block and "&lt;img src=x onerror=alert(1)&gt;" in block
    assert parse_tables(block)[0][1][0] == hostile  # shown as typed: no link, no bold
