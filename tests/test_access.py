"""Login before any data, the user's area enforced on the server, and the audit trail.

Fixture city: 甲区 (990101: 东街道 990101001 with 东一/东二社区, 西街道 990101002 with 西一社区)
and 乙县 (990102: 南镇 990102100 with 南村). Accounts (tests/conftest.py): test_city (市级),
test_admin, test_district (甲区), test_street (东街道), all with TEST_PASSWORD.
"""

import sqlite3
import time

import pytest

from dashboard.accounts import users
from dashboard.store import appdb
from tests.conftest import TEST_PASSWORD
from tests.pages import cards, run_page

OCTOBER = {"period": "custom", "start": "2025-10-01", "end": "2025-10-31"}
OTHER_DISTRICT = ("990102", "乙县", "990102100", "南镇", "990102100200", "南村")
OTHER_STREET = ("990101002", "西街道", "990101002001", "西一社区")


def _texts(at) -> str:
    """Every text the page shows: markdown, captions, metrics, tables, widgets' options."""
    parts = [e.value for e in at.markdown] + [e.value for e in at.caption] + [e.value for e in at.warning]
    parts += [e.value for e in at.error] + [e.value for e in at.info] + [e.value for e in at.title]
    parts += [e.value for e in at.subheader] + [f"{c.label} {c.value}" for c in cards(at)]
    parts += [d.value.to_csv() for d in at.dataframe]
    for box in at.selectbox:
        parts += [str(o) for o in box.options]
    parts += [b.label for b in at.button]
    return "\n".join(str(p) for p in parts)


def _download_texts(at, user: str) -> dict[str, str]:
    """Every download the page offers, as the CSV a click gives: the functions the buttons call
    (kept in ``st.session_state["_downloads"]``), run as the server runs them on a click —
    outside the page run, for the page session that offered them (``serve.made_for``)."""
    from dashboard.accounts import serve

    session = [sid for sid, (_token, name, _root) in serve._bindings.items() if name == user][-1]
    made = dict(at.session_state["_downloads"]) if "_downloads" in at.session_state else {}
    with serve.made_for(session):
        return {key: make("csv").decode("utf-8-sig") for key, (_name, make) in made.items()}


def _login(at, name, password):
    at.text_input(key="login_name").input(name)
    at.text_input(key="login_password").input(password)
    at.button[0].click()  # the form's 登录 button
    at.run()
    return at


def test_no_data_before_login(app_env):
    at = run_page(params=OCTOBER, user=None)
    # the one data grid is the hidden, empty one that makes the browser fetch the grid's code while the user types
    assert not cards(at) and [d.value.to_dict("list") for d in at.dataframe] == [{"预加载": [0]}]
    assert [t.value for t in at.text_input] == ["", ""]
    assert "受理量" not in _texts(at)


def test_login_with_the_form_then_data(app_env):
    at = run_page(params=OCTOBER, user=None)
    _login(at, "test_city", TEST_PASSWORD)
    assert not at.exception
    assert any(c.label == "受理量" for c in cards(at))
    assert any("测试市级（市级 · 全市）" in c.value for c in at.caption)


def test_wrong_passwords_lock_the_account(app_env, app_db):
    users.add("lock_me", "锁定测试", "city", None, TEST_PASSWORD, path=app_db)
    at = run_page(params=OCTOBER, user=None)
    for attempt in range(4):
        _login(at, "lock_me", "wrong-Password-1")
        assert "用户名或密码不正确" in _texts(at)
    _login(at, "lock_me", "wrong-Password-1")  # the 5th
    assert "已锁定 15 分钟" in _texts(at)
    _login(at, "lock_me", TEST_PASSWORD)  # the right password no longer opens it
    assert "账号已锁定至" in _texts(at) and not cards(at)
    users.unlock("lock_me", path=app_db)
    _login(at, "lock_me", TEST_PASSWORD)
    assert cards(at)


def test_unknown_user_and_wrong_password_read_the_same(app_env):
    at = run_page(params=OCTOBER, user=None)
    _login(at, "nobody_here", "whatever-Pass-1")
    assert "用户名或密码不正确" in _texts(at)


def test_a_disabled_account_is_refused_and_a_running_session_ends(app_env, app_db):
    users.add("leaver", "离职人员", "city", None, TEST_PASSWORD, path=app_db)
    users.set_disabled("leaver", True, path=app_db)
    at = run_page(params=OCTOBER, user=None)
    _login(at, "leaver", TEST_PASSWORD)
    assert "该账号已停用" in _texts(at) and not cards(at)
    users.set_disabled("leaver", False, path=app_db)
    at = run_page(params=OCTOBER, user="leaver")
    assert cards(at)
    users.set_disabled("leaver", True, path=app_db)
    at.run()
    assert not cards(at) and "账号已停用或不可用" in _texts(at)


def test_idle_timeout_logs_out(app_env):
    at = run_page(params=OCTOBER, user="test_city")
    assert cards(at)
    at.session_state["_auth_seen"] = time.time() - 31 * 60  # 30 minutes configured
    at.run()
    assert not cards(at) and "超过 30 分钟没有操作" in _texts(at)


def test_passwords_are_never_stored_in_plain_text(app_env, app_db):
    raw = app_db.read_bytes() + (app_db.with_name(app_db.name + "-wal").read_bytes()
                                 if app_db.with_name(app_db.name + "-wal").exists() else b"")
    assert TEST_PASSWORD.encode() not in raw
    with sqlite3.connect(app_db) as con:
        hashes = [r[0] for r in con.execute("SELECT password_hash FROM users WHERE username LIKE 'test_%'")]
    assert len(hashes) == 4 and all(h.startswith("$argon2id$") for h in hashes)


def test_password_rules():
    with pytest.raises(users.AccountError, match="至少 10 位"):
        users.check_password_rules("Ab1!")
    with pytest.raises(users.AccountError, match="至少三类"):
        users.check_password_rules("abcdefghijkl")
    users.check_password_rules("Abcdefgh-1")


@pytest.mark.parametrize("page", ["overview", "tickets", "map", "orgs", "assessment", "duban", "present"])
@pytest.mark.parametrize("hostile", [
    {"district": "990102"},
    {"district": "990102", "street": "990102100"},
    {"district": "990102", "street": "990102100", "community": "990102100200"},
    {"community": "990102100200"},
    {"district": "990101", "street": "990102100"},
    {"grid": "990102100200001"},
    {"district": "990102", "grid": "990102100200001", "metric": "created"},
])
def test_a_district_account_sees_nothing_of_another_district(app_env, page, hostile):
    at = run_page(page, {**OCTOBER, **hostile}, user="test_district")
    assert not at.exception
    text = _texts(at)
    for other in OTHER_DISTRICT:
        assert other not in text, (page, hostile, other)
    assert "甲区" in text
    files = _download_texts(at, "test_district")
    assert files or page == "present", page  # every page but the presentation offers downloads
    for key, content in files.items():
        assert "范围：全市 › 甲区" in content, (page, key)
        assert "物业服务差" not in content, (page, key)  # request content: not for 区县级 (sensitive_roles)
        for other in OTHER_DISTRICT:
            assert other not in content, (page, hostile, key, other)


@pytest.mark.parametrize("page", ["overview", "tickets", "map", "orgs", "assessment", "duban"])
@pytest.mark.parametrize("hostile", [{}, {"district": "990101"}, {"district": "990101", "street": "990101002"},
                                     {"district": "990102"}, {"community": "990101002001"}])
def test_a_street_account_sees_only_its_street(app_env, page, hostile):
    at = run_page(page, {**OCTOBER, **hostile}, user="test_street")
    assert not at.exception
    text = _texts(at)
    for other in OTHER_DISTRICT + OTHER_STREET:
        assert other not in text, (page, hostile, other)
    assert "东街道" in text
    files = _download_texts(at, "test_street")
    assert files, page
    for key, content in files.items():
        assert "范围：全市 › 甲区 › 东街道" in content, (page, key)
        assert "物业服务差" not in content, (page, key)
        for other in OTHER_DISTRICT + OTHER_STREET:
            assert other not in content, (page, hostile, key, other)


def test_a_tampered_link_is_explained_in_chinese(app_env):
    at = run_page("overview", {**OCTOBER, "district": "990102"}, user="test_district")
    assert any("您的账号只能查看甲区的数据" in w.value for w in at.warning)


def test_the_query_runner_refuses_a_scope_outside_the_area(app_env):
    from streamlit.testing.v1 import AppTest

    def script():
        import streamlit as st

        from dashboard.accounts import access
        from dashboard.store import db

        st.session_state["_auth_root"] = "990101001"
        for scope in ("990101001", "990101", ""):
            try:
                rows = db.query("area_shapes", scope=scope, level_len=len(scope) + 3)
            except access.ScopeDenied:
                st.write(f"denied {scope or 'city'}")
            else:
                st.write(f"ran {scope or 'city'}: {len(rows)} rows")

    at = AppTest.from_function(script).run()
    assert [m.value for m in at.markdown] == ["ran 990101001: 2 rows", "denied 990101", "denied city"]


def test_an_account_without_an_area_sees_nothing(app_env, app_db):
    with sqlite3.connect(app_db) as con:
        con.execute("INSERT INTO users (username, display_name, role, area_code, password_hash, created_at, updated_at)"
                    " VALUES ('no_area', '无区域', 'district', NULL, NULL, '2025-01-01', '2025-01-01')")
    at = run_page(params=OCTOBER, user="no_area")
    assert not cards(at) and "尚未分配区域" in _texts(at)


def test_views_logins_and_exports_are_audited(app_env, app_db):
    before = appdb.audit_rows(path=app_db, limit=1)[0]["id"] if appdb.audit_rows(path=app_db, limit=1) else 0
    at = run_page(params=OCTOBER, user=None)
    _login(at, "test_district", TEST_PASSWORD)
    at.switch_page("pages/tickets.py").run()
    rows = [r for r in appdb.audit_rows(path=app_db) if r["id"] > before]
    actions = [(r["action"], r["username"], r["page"], r["scope"]) for r in reversed(rows)]
    assert ("login", "test_district", None, None) in actions
    assert ("view", "test_district", "overview", "990101") in actions
    assert ("view", "test_district", "tickets", "990101") in actions


def test_an_export_carries_the_user_and_is_audited(app_env, app_db):
    from streamlit.testing.v1 import AppTest

    def script():
        import streamlit as st

        from dashboard.accounts import access
        from dashboard.core import export
        from dashboard.core.filters import parse_filters
        from dashboard.store import db

        st.session_state["_auth_user"] = "test_street"
        st.session_state["_auth_root"] = "990101001"
        f, _ = parse_filters({"district": "990101", "street": "990101001"}, db.areas(), db.as_of(),
                             db.data_start())
        import pandas as pd

        table = pd.DataFrame({"社区": ["东一社区", "东二社区"], "受理量": [3, 4]})
        context = export.context_lines(f, "甲区 › 东街道") + [access.export_signature()]
        data = access.audited_export("测试表", "csv", f, lambda: export.to_csv(table, "测试表", context), rows=len(table))
        st.session_state["csv"] = data.decode("utf-8-sig")

    at = AppTest.from_function(script).run()
    assert not at.exception
    assert "导出人：测试街道级（test_street）" in at.session_state["csv"]
    last = appdb.audit_rows(path=app_db, action="export", limit=1)[0]
    assert (last["username"], last["scope"]) == ("test_street", "990101001")
    assert '"rows": 2' in last["detail"] and '"what": "测试表"' in last["detail"]


def test_the_audit_log_is_append_only(app_env, app_db):
    appdb.audit("view", "test_city", page="overview", path=app_db)
    with sqlite3.connect(app_db) as con:
        with pytest.raises(sqlite3.DatabaseError, match="只能追加"):
            con.execute("UPDATE audit SET username = 'someone_else'")
        with pytest.raises(sqlite3.DatabaseError, match="保留期内"):
            con.execute("DELETE FROM audit")


def test_header_mode_refuses_a_forged_header_without_the_gateway(app_env, tmp_path, monkeypatch):
    from tests.conftest import ROOT

    config = tmp_path / "settings.toml"
    config.write_text((ROOT / "config" / "settings.toml").read_text(encoding="utf-8")
                      .replace('mode = "local"', 'mode = "header"'), encoding="utf-8")
    monkeypatch.setenv("DASHBOARD_CONFIG", str(config))
    monkeypatch.setenv("DASHBOARD_GATEWAY_SECRET", "a-secret-only-the-gateway-knows")
    at = run_page(params=OCTOBER, user="test_city")  # even a session that claims a user
    assert not cards(at) and "未通过统一身份认证网关访问" in _texts(at)


def test_the_login_page_lists_demo_accounts_only_on_sample_data(app_env):
    at = run_page(params=OCTOBER, user=None)  # the fixture is not sample data
    assert "演示账号" not in _texts(at)


def test_demo_accounts_work_only_on_sample_data(app_env, app_db, tmp_path):
    shown = users.ensure_demo_accounts(("990101", "甲区"), ("990101001", "东街道"), tmp_path / "demo.json", path=app_db)
    assert [a["role"] for a in shown] == ["管理员", "市级", "区县级", "街道级"]
    assert users.authenticate("demo_street", shown[3]["password"], 5, 15, demo_allowed=True, path=app_db).area_code == "990101001"
    with pytest.raises(users.AccountError, match="演示账号只能在示例数据下使用"):
        users.authenticate("demo_street", shown[3]["password"], 5, 15, demo_allowed=False, path=app_db)


def test_command_line_creates_and_disables_an_account(app_db, monkeypatch, capsys):
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("Cli-Created-Pass-1\n"))
    assert users.main(["--app-db", str(app_db), "add", "--username", "cli_user", "--name", "命令行", "--role", "street",
                       "--area", "990101002", "--password-stdin"]) == 0
    assert users.get("cli_user", app_db).area_code == "990101002"
    assert users.main(["--app-db", str(app_db), "disable", "cli_user"]) == 0
    assert users.get("cli_user", app_db).disabled
    assert users.main(["--app-db", str(app_db), "add", "--username", "bad", "--name", "x", "--role", "district",
                       "--area", "12", "--no-password"]) == 1
    assert "区县级账号需要 6 位区县代码" in capsys.readouterr().err


def test_sensitive_fields_only_for_the_roles_configured(app_env):
    """[auth] sensitive_roles = city, admin. 东一社区's grid 990101001001001 has worker W01 张一 (专职)
    in the fixture; T11 (物业服务差) is 东街道's overdue ticket at 31 Oct."""
    grid = {**OCTOBER, "district": "990101", "street": "990101001", "community": "990101001001",
            "grid": "990101001001001"}
    city = _texts(run_page("map", grid, user="test_city"))
    street = _texts(run_page("map", grid, user="test_street"))
    worker = _first_worker_name()
    assert worker in city and worker not in street and "（按权限隐藏）" in street
    tickets = {**OCTOBER, "district": "990101", "street": "990101001"}
    assert "物业服务差" in _texts(run_page("tickets", tickets, user="test_city"))
    shown = _texts(run_page("tickets", tickets, user="test_street"))
    assert "物业服务差" not in shown and "T11" in shown


def _first_worker_name() -> str:
    import csv

    from tests.conftest import FIXTURE_DIR

    with open(FIXTURE_DIR / "grid_assignments.csv", encoding="utf-8") as fh:
        worker = next(r["worker_id"] for r in csv.DictReader(fh) if r["grid_code"] == "990101001001001")
    with open(FIXTURE_DIR / "grid_workers.csv", encoding="utf-8") as fh:
        return next(r["name"] for r in csv.DictReader(fh) if r["worker_id"] == worker)


def test_the_admin_page_lists_accounts_and_the_audit_log(app_env):
    at = run_page("admin", params=OCTOBER, user="test_admin")
    assert not at.exception
    accounts = next(d.value for d in at.dataframe if "用户名" in d.value.columns)
    assert {"test_city", "test_admin", "test_district", "test_street"} <= set(accounts["用户名"])
    assert dict(zip(accounts["用户名"], accounts["区域"]))["test_street"] == "东街道"
    log = next(d.value for d in at.dataframe if "操作" in d.value.columns)
    assert "查看" in set(log["操作"])  # this very visit was logged before the page listed it
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        run_page("admin", params=OCTOBER, user="test_city")


def test_an_administrator_creates_and_disables_an_account(app_env, app_db):
    from dashboard.accounts import admin

    office = users.get("test_admin", app_db)
    ok, text = admin.create_account(office, "new_jq", "新区县", "district", "990101", "New-Account-1")
    assert ok and text == "已新建账号 new_jq（区县级）"
    ok, text = admin.create_account(office, "bad_area", "x", "district", "", "New-Account-1")
    assert not ok and "区县级账号需要 6 位区县代码" in text
    assert admin.change_account(office, "test_admin", "disable", "") == (False, "不能停用自己的账号")
    assert admin.change_account(office, "new_jq", "disable", "") == (True, "已停用：new_jq")
    assert users.get("new_jq", app_db).disabled
    last = appdb.audit_rows(path=app_db, action="admin", limit=1)[0]
    assert last["username"] == "test_admin" and '"target": "new_jq"' in last["detail"]
