"""Importing a city's own files: derived due times, clear Chinese errors, nothing half-written."""

import json
import shutil
from datetime import datetime

import duckdb
import pandas as pd
import pytest

from dashboard.store.build import DataValidationError
from dashboard.store.load import load_folder, main as load_main
from tests.conftest import FIXTURE_AS_OF, FIXTURE_DIR


@pytest.fixture
def source(tmp_path):
    folder = tmp_path / "source"
    shutil.copytree(FIXTURE_DIR, folder)
    return folder


def edit_csv(folder, name, func):
    path = folder / f"{name}.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame = func(frame)
    frame.to_csv(path, index=False)


def due_times(db_path):
    con = duckdb.connect(str(db_path), read_only=True)
    rows = con.execute("SELECT ticket_id, original_due_at, due_at, reply_due_at, handling_workdays FROM tickets").fetchall()
    con.close()
    return {r[0]: r[1:] for r in rows}


def test_due_times_follow_the_statutory_calendar(fixture_db):
    due = due_times(fixture_db)
    # 7 working days from Tue 30 Sep, across National Day → Thu 16 Oct
    assert due["T01"][1] == datetime(2025, 10, 16, 23, 59, 59)
    # created on Sunday 12 Oct: counting starts Monday → Tue 21 Oct
    assert due["T03"][1] == datetime(2025, 10, 21, 23, 59, 59)
    # extension of 5 working days moves Fri 17 Oct to Fri 24 Oct, and both are kept
    assert due["T04"][0] == datetime(2025, 10, 17, 23, 59, 59)
    assert due["T04"][1] == datetime(2025, 10, 24, 23, 59, 59)
    # 复杂 (15 working days) from Mon 15 Sep falls on the make-up Saturday 11 Oct
    assert due["T10"][1] == datetime(2025, 10, 11, 23, 59, 59)
    # 紧急: 24 calendar hours; first reply within 2 hours
    assert due["T08"][1] == datetime(2025, 10, 17, 20, 0, 0)
    assert due["T08"][2] == datetime(2025, 10, 16, 22, 0, 0)
    # handling time in working days: 30 Sep → 15 Oct is 6 (9, 10, 11, 13, 14, 15 Oct)
    assert due["T01"][3] == 6
    assert due["T05"][3] is None  # still open


def test_meta_records_the_data_moment_and_dataset(fixture_database):
    assert fixture_database.meta["as_of"] == "2025-11-10 12:00:00"
    assert fixture_database.meta["dataset"] == "user"
    assert json.loads(fixture_database.meta["row_counts"])["tickets"] == 20


def _expect_problem(source, tmp_path, fragment):
    out = tmp_path / "city.duckdb"
    out.write_bytes(b"previous database")
    with pytest.raises(DataValidationError) as err:
        load_folder(source, out, as_of=FIXTURE_AS_OF)
    assert fragment in str(err.value), str(err.value)
    assert out.read_bytes() == b"previous database", "the existing database must stay untouched"
    assert not list(tmp_path.glob(".*.tmp*")), "no temporary file may be left behind"
    return str(err.value)


def test_missing_required_column(source, tmp_path):
    edit_csv(source, "tickets", lambda f: f.drop(columns=["created_at"]))
    _expect_problem(source, tmp_path, "tickets.csv 缺少必填列：created_at（受理时间（来电/上报时间））")


def test_malformed_timestamp_names_the_line(source, tmp_path):
    def bad(f):
        f.loc[2, "created_at"] = "2025-13-45 10:00"
        return f
    edit_csv(source, "tickets", bad)
    _expect_problem(source, tmp_path, "第 4 行“2025-13-45 10:00”")


def test_unknown_community_code(source, tmp_path):
    def bad(f):
        f.loc[0, "community_code"] = "990101001009"
        f.loc[0, "grid_code"] = ""
        return f
    edit_csv(source, "tickets", bad)
    _expect_problem(source, tmp_path, "工单的村/社区代码不存在")


def test_code_that_does_not_nest_in_its_parent(source, tmp_path):
    def bad(f):
        f.loc[0, "street_code"] = "990101002"  # 东一社区 is in 东街道 (990101001)
        return f
    edit_csv(source, "communities", bad)
    _expect_problem(source, tmp_path, "应以所属上级代码 street_code 开头")


def test_closed_ticket_without_closing_time(source, tmp_path):
    def bad(f):
        f.loc[0, "closed_at"] = ""
        return f
    edit_csv(source, "tickets", bad)
    _expect_problem(source, tmp_path, "工单状态与办结时间不一致")


def test_duplicate_ticket_id(source, tmp_path):
    def bad(f):
        f.loc[1, "ticket_id"] = "T01"
        return f
    edit_csv(source, "tickets", bad)
    _expect_problem(source, tmp_path, "ticket_id 重复：T01（2 次）")


def test_unknown_enumeration_value(source, tmp_path):
    def bad(f):
        f.loc[0, "urgency"] = "特急"
        return f
    edit_csv(source, "tickets", bad)
    _expect_problem(source, tmp_path, "紧急程度（决定办理时限）（urgency）只能是 一般 / 紧急 / 复杂")


def test_broken_geometry(source, tmp_path):
    def bad(f):
        f.loc[0, "geometry"] = "POLYGON ((120 30, 120.1"
        return f
    edit_csv(source, "grids", bad)
    _expect_problem(source, tmp_path, "grids.csv 的边界（geometry）无法识别")


def test_gbk_encoded_csv_from_excel_is_accepted(source, tmp_path):
    path = source / "tickets.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("gbk"))
    report = load_folder(source, tmp_path / "city.duckdb", as_of=FIXTURE_AS_OF)
    assert report.rows["tickets"] == 20


def test_excel_and_geojson_files_are_accepted(source, tmp_path):
    orgs = pd.read_csv(source / "social_orgs.csv", dtype=str, keep_default_na=False)
    orgs.to_excel(source / "social_orgs.xlsx", index=False)
    (source / "social_orgs.csv").unlink()
    districts = pd.read_csv(source / "districts.csv", dtype=str)
    features = []
    for row in districts.to_dict("records"):
        ring = [[120.0, 30.0], [120.2, 30.0], [120.2, 30.2], [120.0, 30.2], [120.0, 30.0]] if row["district_code"] == "990101" \
            else [[120.2, 30.0], [120.4, 30.0], [120.4, 30.2], [120.2, 30.2], [120.2, 30.0]]
        props = {k: v for k, v in row.items() if k != "geometry"}
        features.append({"type": "Feature", "properties": props, "geometry": {"type": "Polygon", "coordinates": [ring]}})
    (source / "districts.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False),
                                             encoding="utf-8")
    (source / "districts.csv").unlink()
    report = load_folder(source, tmp_path / "city.duckdb", as_of=FIXTURE_AS_OF)
    assert report.rows["social_orgs"] == 10 and report.rows["districts"] == 2


def test_command_line_prints_chinese_errors_and_exits_1(source, tmp_path, capsys):
    edit_csv(source, "tickets", lambda f: f.drop(columns=["urgency"]))
    code = load_main(["--source", str(source), "--out", str(tmp_path / "x.duckdb")])
    assert code == 1
    assert "导入失败" in capsys.readouterr().err
    assert not (tmp_path / "x.duckdb").exists()


def test_ticket_after_the_data_moment_is_refused(source, tmp_path):
    # Period counts add up whole days of ticket_daily: that is exact only if nothing happens after the data moment.
    def late(f):
        f.loc[f["ticket_id"] == "T17", "created_at"] = "2025-11-10 15:00:00"  # as of 10 Nov 12:00
        return f
    edit_csv(source, "tickets", late)
    message = _expect_problem(source, tmp_path, "工单的受理或办结时间晚于数据截至时间 2025-11-10 12:00")
    assert "T17" in message
