"""数据刷新 from a 12345 export (Chinese headers, area names) on a copy of the fixture city.

The fixture (数据截至 2025-11-10 12:00) has 20+ tickets; T05 (西街道 西一社区, 路灯损坏不亮) is open
(办理中). The export below, as the platform writes it:
  T05 — now 已办结 at 2025-11-12 09:30, visited, contacted, resolved, 满意            → updated
  T01 — exactly as the live data (已办结 2025-10-15 16:00, 满意)                        → unchanged
  T99 — a new request on 2025-11-12 10:00 in 甲区 / 东街道 / 东一社区                   → new
So: 1 new, 1 updated, 1 unchanged; the data moment moves to the export's latest time,
2025-11-12 10:00; T05's 按期 state is recomputed from its time limit.
"""

import io
from datetime import datetime

import duckdb
import pandas as pd
import pytest

from dashboard.store import build, refresh
from dashboard.store.load import load_folder
from tests.conftest import FIXTURE_AS_OF, FIXTURE_DIR

HEAD = ["工单编号", "标题", "一级分类", "二级分类", "工单状态", "来电时间", "办结时间", "被反映区", "被反映街乡镇",
        "村/社区", "主办单位", "是否有效回访", "是否联系", "是否解决", "是否满意"]
ROWS = [
    ["T05", "路灯损坏不亮", "城乡建设", "市政设施", "已办结", "2025/10/13 10:00:00", "2025/11/12 09:30:00", "甲区", "西街道",
     "西一社区", "西街道办事处", "是", "是", "是", "满意"],
    ["T01", "电梯故障停运", "城乡建设", "物业管理", "已办结", "2025-09-30 10:00:00", "2025-10-15 16:00:00", "甲区", "东街道",
     "东一社区", "东街道办事处", "是", "是", "是", "满意"],
    ["T99", "楼道堆物", "城乡建设", "物业管理", "办理中", "2025-11-12 10:00:00", "", "甲区", "东街道", "东一社区",
     "东街道办事处", "否", "", "", ""],
]


def xlsx(rows, head=HEAD) -> bytes:
    buf = io.BytesIO()
    pd.DataFrame(rows, columns=head).to_excel(buf, index=False)
    return buf.getvalue()


@pytest.fixture
def city(tmp_path, app_db, monkeypatch):
    monkeypatch.setenv("DASHBOARD_APP_DB", str(app_db))
    path = tmp_path / "city.duckdb"
    load_folder(FIXTURE_DIR, path, label="测试数据", as_of=FIXTURE_AS_OF)
    return path


def ticket(path, tid):
    with duckdb.connect(str(path), read_only=True) as con:
        r = con.execute("SELECT status, closed_at, satisfaction, due_at FROM tickets WHERE ticket_id = ?", [tid]).fetchall()
        return r[0] if r else None


def test_preview_counts_new_updated_unchanged_and_changes_nothing(city):
    before = build.builds(city)
    pv = refresh.preview(city, [("12345导出.xlsx", xlsx(ROWS))])
    try:
        assert (pv.new, pv.updated, pv.unchanged) == (1, 1, 1)
        assert pv.problems == [] and pv.as_of == datetime(2025, 11, 12, 10, 0)
    finally:
        pv.close()
    assert build.builds(city) == before and ticket(city, "T99") is None


def test_apply_adds_updates_and_advances_the_data_moment(city):
    pv = refresh.preview(city, [("12345导出.xlsx", xlsx(ROWS))])
    report = refresh.apply(city, pv, "test_admin")
    pv.close()
    assert ticket(city, "T05")[:3] == ("已办结", datetime(2025, 11, 12, 9, 30), "满意")
    assert ticket(city, "T99")[0] == "办理中"
    with duckdb.connect(str(city), read_only=True) as con:
        meta = dict(con.execute("SELECT key, value FROM meta").fetchall())
        n = con.execute("SELECT count(*) FROM tickets").fetchall()[0][0]
        lons = con.execute("SELECT lon FROM tickets WHERE ticket_id = 'T01'").fetchall()[0][0]
    assert meta["as_of"] == "2025-11-12 10:00:00" and meta["refreshed_by"] == "test_admin"
    assert n == report.rows["tickets"]
    assert lons == 120.02  # a column the export does not carry keeps its live value
    versions = refresh.versions(city)
    assert versions[0].current and versions[0].by == "test_admin"
    assert (versions[0].summary["new"], versions[0].summary["updated"]) == (1, 1)
    assert versions[1].by == "导入程序/示例数据"


def test_rollback_points_back_to_the_previous_version(city):
    pv = refresh.preview(city, [("12345导出.xlsx", xlsx(ROWS))])
    refresh.apply(city, pv, "test_admin")
    pv.close()
    older = refresh.versions(city)[1]
    refresh.rollback(city, older.path.name, "test_admin")
    assert ticket(city, "T99") is None and refresh.versions(city)[1].current


@pytest.mark.parametrize("rows, expected", [
    ([["T98", "x", "城乡建设", "物业管理", "办理中", "2025-11-01 10:00", "", "丙区", "东街道", "东一社区", "", "", "", "", ""]],
     "被反映区“丙区”不在本市区县名录中"),
    ([["T98", "x", "城乡建设", "物业管理", "办理中", "2025-11-01 10:00", "", "甲区", "南镇", "南村", "", "", "", "", ""]],
     "街乡镇“南镇”不在“甲区”下"),
    ([ROWS[2], ROWS[2]], "工单编号 T99 出现 2 次"),
])
def test_bad_rows_are_listed_with_file_row_and_fix(city, rows, expected):
    pv = refresh.preview(city, [("导出.xlsx", xlsx(rows))])
    try:
        texts = [x.text() for x in pv.problems]
        assert any(expected in t for t in texts), texts
        assert texts[0].startswith("导出.xlsx 第 2 行")
        with pytest.raises(refresh.RefreshError):
            refresh.apply(city, pv, "test_admin")
        assert pd.read_excel(io.BytesIO(refresh.error_report(pv)), header=None).astype(str).apply(
            lambda col: col.str.contains(expected[:6])).any().any()
    finally:
        pv.close()


def test_a_closing_before_acceptance_fails_the_full_checks_and_keeps_the_live_build(city):
    bad = [["T97", "x", "城乡建设", "物业管理", "已办结", "2025-11-05 10:00", "2025-11-01 10:00", "甲区", "东街道", "东一社区",
            "", "", "", "", ""]]
    live = build.builds(city)
    pv = refresh.preview(city, [("导出.xlsx", xlsx(bad))])
    with pytest.raises(build.DataValidationError):
        refresh.apply(city, pv, "test_admin")
    pv.close()
    assert build.builds(city) == live and ticket(city, "T97") is None


def test_missing_headers_are_named_and_a_saved_mapping_fixes_them(city):
    head = ["单号", *HEAD[1:]]  # this city's platform says 单号
    pv = refresh.preview(city, [("导出.xlsx", xlsx(ROWS, head))])
    assert any("缺少必需的列：工单编号" in x.message for x in pv.problems) and "单号" in pv.unmapped_headers
    pv.close()
    refresh.save_mapping("某区平台", {"单号": "ticket_id"}, "test_admin")
    pv = refresh.preview(city, [("导出.xlsx", xlsx(ROWS, head))], refresh.saved_mapping("某区平台"))
    assert (pv.new, pv.updated, pv.unchanged, pv.problems) == (1, 1, 1, [])
    pv.close()


def test_not_an_excel_file_and_a_huge_upload_are_refused(city):
    pv = refresh.preview(city, [("导出.xlsx", b"this is not a zip")])
    assert pv.problems and not pv.ok
    pv.close()
    with pytest.raises(refresh.RefreshError, match="超过单个文件"):
        refresh.preview(city, [("big.csv", b"x" * (refresh.MAX_UPLOAD_BYTES + 1))])


def test_command_line_previews_then_applies(city, tmp_path, capsys):
    f = tmp_path / "12345导出.xlsx"
    f.write_bytes(xlsx(ROWS))
    assert refresh.main(["--db", str(city), "apply", str(f)]) == 0
    assert "新增 1 件，更新 1 件，未变 1 件" in capsys.readouterr().out and ticket(city, "T99") is None
    assert refresh.main(["--db", str(city), "apply", str(f), "--yes", "--user", "定时任务"]) == 0
    assert ticket(city, "T99") is not None
    assert refresh.main(["--db", str(city), "versions"]) == 0
    assert "定时任务" in capsys.readouterr().out


def test_the_data_page_is_for_administrators_only(city, monkeypatch):
    from tests.pages import run_page

    monkeypatch.setenv("DASHBOARD_DB", str(city))
    at = run_page("data_admin", user="test_admin")
    assert not at.exception
    assert [t.label for t in at.tabs] == ["刷新数据", "版本与回退", "节假日通知"]
    assert any("当前数据：测试数据 · 数据截至 2025-11-10 12:00" in c.value for c in at.caption)
    versions = next(d.value for d in at.dataframe if "构建时间" in d.value.columns)
    assert list(versions["当前"]) == ["✔"] and list(versions["操作人"]) == ["导入程序/示例数据"]
    for user in ("test_city", "test_district"):  # not even registered for them: no URL reaches it
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            run_page("data_admin", user=user)


def test_entering_the_notice_replaces_the_provisional_year(tmp_path, monkeypatch):
    """The draft of 2027 is the provisional days off; saving a (made-up) notice writes the file."""
    from datetime import date

    from dashboard.store import holidays
    from dashboard.store.workdays import read_override

    override = tmp_path / "override.csv"
    override.write_text("date,is_workday,name\n2026-12-31,0,旧行\n2027-01-05,0,将被替换\n", encoding="utf-8")
    n = holidays.enter_notice(override, 2027, [(date(2027, 1, 1), False, "元旦"), (date(2027, 2, 20), True, "调休上班")])
    assert n == 2
    assert read_override(override) == {date(2026, 12, 31): (False, "旧行"), date(2027, 1, 1): (False, "元旦"),
                                       date(2027, 2, 20): (True, "调休上班")}
    with pytest.raises(ValueError, match="不在 2027 年内"):
        holidays.enter_notice(override, 2027, [(date(2028, 1, 1), False, "元旦")])


def test_ten_readers_during_a_refresh_see_no_error_and_never_a_mix(city, monkeypatch):
    """Ten threads read page runs (data moment, then the ticket count of the same run) while the
    refresh is applied: no error, every run's two answers from one build (20 tickets with
    数据截至 2025-11-10 12:00, or 21 with 2025-11-12 10:00), and the new build seen by runs after it."""
    import threading

    from dashboard.store import db

    monkeypatch.setenv("DASHBOARD_DB", str(city))
    pv = refresh.preview(city, [("12345导出.xlsx", xlsx(ROWS))])
    with duckdb.connect(str(city), read_only=True) as con:
        before = con.execute("SELECT count(*) FROM tickets").fetchall()[0][0]
    expected = {("2025-11-10 12:00:00", before), ("2025-11-12 10:00:00", before + 1)}
    seen, errors, done = [], [], threading.Event()

    def reader():
        while not done.is_set() or len(seen) < 40:
            try:
                with db.page_run():
                    moment = db.database().meta["as_of"]
                    n = int(db.database().con.cursor().execute("SELECT count(*) FROM tickets").fetchall()[0][0])
                seen.append((moment, n))
            except Exception as e:  # noqa: BLE001 - any failure is the finding
                errors.append(repr(e))
            if len(seen) > 5000:
                break

    threads = [threading.Thread(target=reader) for _ in range(10)]
    for t in threads:
        t.start()
    refresh.apply(city, pv, "test_admin")
    pv.close()
    with db.page_run():
        after = db.database().meta["as_of"]
    done.set()
    for t in threads:
        t.join(60)
    assert errors == []
    assert set(seen) <= expected, set(seen) - expected
    assert ("2025-11-10 12:00:00", before) in seen  # they were reading while the new build was made
    assert after == "2025-11-12 10:00:00"


def test_a_ticket_newer_than_the_given_data_moment_is_refused_and_nothing_changes(city):
    """数据截至 given as 2025-11-11 00:00, but T99 was received on 2025-11-12 10:00."""
    live = build.builds(city)
    pv = refresh.preview(city, [("导出.xlsx", xlsx(ROWS))], as_of=datetime(2025, 11, 11, 0, 0))
    with pytest.raises(build.DataValidationError, match="晚于数据截至时间 2025-11-11 00:00"):
        refresh.apply(city, pv, "test_admin")
    pv.close()
    assert build.builds(city) == live and ticket(city, "T99") is None
