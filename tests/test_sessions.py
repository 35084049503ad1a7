"""Browser sessions (the signed session cookie and its record) and the oidc mode.

The cookie, its record and the guard are also tested with a real server and Chromium in
tests/browser/test_browser_session.py (reload, download addresses, logout); here: the
signature, the idle timeout and expiry of the record, revocation, the key kept out of the
repository, and the oidc mode's mapping of an identity to an account (st.user seeded by
AppTest: no identity provider runs offline)."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.accounts import access, serve, sessions, users
from dashboard.core.config import AuthSettings
from dashboard.store import appdb
from tests.conftest import ROOT
from tests.pages import cards

OCTOBER = {"period": "custom", "start": "2025-10-01", "end": "2025-10-31"}


@pytest.fixture
def own_app_db(tmp_path, monkeypatch):
    path = tmp_path / "app.sqlite3"
    monkeypatch.setenv("DASHBOARD_APP_DB", str(path))
    return path


def _age(path, token, **columns) -> None:
    """Move a record's times into the past (a test of time without waiting)."""
    moment = appdb.now()
    with sqlite3.connect(path) as con:
        for column, minutes in columns.items():
            con.execute(f"UPDATE web_sessions SET {column} = ? WHERE token_hash = ?",
                        [(moment - timedelta(minutes=minutes)).isoformat(), sessions.token_hash(token)])


def test_the_cookie_is_signed_and_a_changed_one_is_refused(own_app_db):
    token = sessions.start("test_city", "local", hours=12)
    value = sessions.cookie_value(token)
    assert sessions.token_of(value) == token
    signature = value.split(".")[1]
    assert sessions.token_of(f"{token}x.{signature}") is None  # another token under the same signature
    assert sessions.token_of(f"{token}.{'0' * len(signature)}") is None
    for bad in ("", None, token, f"{token}.{signature}.x", f".{signature}"):
        assert sessions.token_of(bad) is None


def test_the_signing_key_is_made_per_application_database(tmp_path, monkeypatch):
    keys = []
    for name in ("a.sqlite3", "b.sqlite3"):
        monkeypatch.setenv("DASHBOARD_APP_DB", str(tmp_path / name))
        keys.append(sessions._key())
        assert sessions._key() == keys[-1]  # generated once, then kept
    assert keys[0] != keys[1] and len(keys[0]) == 32


def test_the_database_keeps_no_usable_cookie(own_app_db):
    token = sessions.start("test_city", "local", hours=12)
    with sqlite3.connect(own_app_db) as con:
        stored = con.execute("SELECT token_hash FROM web_sessions").fetchall()
    assert stored == [(sessions.token_hash(token),)] and token not in stored[0][0]


def test_a_record_lives_until_idle_expiry_or_revocation(own_app_db):
    live = sessions.start("test_city", "local", hours=12)
    assert sessions.check(live, idle_minutes=30) == ("test_city", "")
    _age(own_app_db, live, last_seen=29)
    assert sessions.check(live, idle_minutes=30) == ("test_city", "")

    idle = sessions.start("test_city", "local", hours=12)
    _age(own_app_db, idle, last_seen=31)
    assert sessions.check(idle, idle_minutes=30) == (None, "idle")
    assert sessions.check(idle, idle_minutes=30) == (None, "revoked")  # revoked on the way: no second chance

    old = sessions.start("test_city", "local", hours=12)
    _age(own_app_db, old, expires_at=1)
    assert sessions.check(old, idle_minutes=30) == (None, "expired")

    serve.revoke(live)
    assert sessions.check(live, idle_minutes=30) == (None, "revoked")
    assert sessions.check("never-issued", idle_minutes=30) == (None, "unknown")


def test_activity_keeps_a_record_alive(own_app_db, monkeypatch):
    token = sessions.start("test_city", "local", hours=12)
    _age(own_app_db, token, last_seen=25)
    monkeypatch.setattr(sessions, "_touched", {})
    sessions.touch(token)
    assert sessions.check(token, idle_minutes=10) == ("test_city", "")  # touched just now: 25 minutes ago no longer counts


def test_disabling_an_account_ends_its_browser_logins(own_app_db):
    users.add("zhao", "赵六", "street", "990101001", "Fixture-Pass-2025", path=own_app_db)
    token = sessions.start("zhao", "local", hours=12)
    users.set_disabled("zhao", True, own_app_db)
    assert sessions.check(token, idle_minutes=30) == (None, "revoked")


def test_media_needs_the_login_that_made_it(own_app_db, monkeypatch):
    """The guard's decision without the server (the server itself: the browser test)."""
    users.add("zhao", "赵六", "street", "990101001", "Fixture-Pass-2025", path=own_app_db)
    users.add("qian", "钱七", "street", "990101002", "Fixture-Pass-2025", path=own_app_db)
    mine, theirs = sessions.start("zhao", "local", 12), sessions.start("qian", "local", 12)
    monkeypatch.setattr(serve, "_owners", lambda file_id: {"session-zhao"} if file_id == "f1" else set())
    serve.bind("session-zhao", mine, "zhao", "990101001")
    serve.bind("session-qian", theirs, "qian", "990101002")
    try:
        assert serve.media_allowed(sessions.cookie_value(mine), "f1") == (True, "")
        assert not serve.media_allowed(sessions.cookie_value(theirs), "f1")[0]
        assert not serve.media_allowed(sessions.cookie_value(mine), "f2")[0]
        assert not serve.media_allowed(None, "f1")[0]
        serve.revoke(mine)
        assert serve.media_allowed(sessions.cookie_value(mine), "f1")[0] is False
    finally:
        serve.unbind("session-zhao")
        serve.unbind("session-qian")


# -- oidc mode ------------------------------------------------------------------------------------------------
OIDC = AuthSettings(mode="oidc", oidc_provider="city", oidc_claim="email")
SECRETS = {"auth": {"redirect_uri": "https://kanban.example/oauth2callback", "cookie_secret": "s" * 32,
                    "city": {"client_id": "kanban", "client_secret": "c",
                             "server_metadata_url": "https://idp.example/.well-known/openid-configuration"}}}


def test_the_oidc_configuration_check_names_what_is_missing():
    assert access.oidc_problem(OIDC, SECRETS) is None
    assert "没有 [auth] 设置" in access.oidc_problem(OIDC, {})
    partial = {"auth": {"redirect_uri": "x", "city": {"client_id": "kanban"}}}
    problem = access.oidc_problem(OIDC, partial)
    assert "[auth] cookie_secret" in problem and "[auth.city] client_secret" in problem
    assert "[auth.city] server_metadata_url" in problem and "redirect_uri" not in problem
    assert "[auth.city]" in access.oidc_problem(OIDC, {"auth": {"redirect_uri": "x", "cookie_secret": "y"}})


def test_an_identity_maps_to_its_account_and_nothing_else(own_app_db):
    users.add("li.si@city.example", "李四", "district", "990101", None, path=own_app_db)
    users.add("wang@city.example", "王五", "street", "990101001", None, path=own_app_db)
    users.set_disabled("wang@city.example", True, own_app_db)
    user = access.oidc_account({"email": "li.si@city.example", "email_verified": True}, "email")
    assert (user.username, user.role, user.area_root) == ("li.si@city.example", "district", "990101")
    assert access.oidc_account({"email": "nobody@city.example"}, "email") is None
    assert access.oidc_account({"email": "wang@city.example"}, "email") is None  # disabled
    assert access.oidc_account({"email": "li.si@city.example", "email_verified": False}, "email") is None
    assert access.oidc_account({"sub": "li.si@city.example"}, "email") is None  # the configured claim only
    assert access.oidc_account({}, "email") is None


def _oidc_app(tmp_path, monkeypatch, user: dict, secrets: dict = SECRETS) -> AppTest:
    config = tmp_path / "settings.toml"
    config.write_text((ROOT / "config" / "settings.toml").read_text(encoding="utf-8")
                      .replace('mode = "local"', 'mode = "oidc"').replace('oidc_provider = ""', 'oidc_provider = "city"'),
                      encoding="utf-8")
    monkeypatch.setenv("DASHBOARD_CONFIG", str(config))
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)
    at.user = user
    for key, value in secrets.items():
        at.secrets[key] = value
    for k, v in OCTOBER.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, at.exception
    return at


def test_oidc_an_unknown_identity_gets_a_chinese_message_and_no_data(app_env, own_app_db, tmp_path, monkeypatch):
    at = _oidc_app(tmp_path, monkeypatch, {"is_logged_in": True, "email": "stranger@city.example"})
    assert not cards(at) and not at.dataframe
    assert "统一身份认证用户“stranger@city.example”没有看板账号或已停用" in at.error[0].value.replace("\u2060", "")
    assert [b.label for b in at.button] == ["退出登录"]
    denied = appdb.audit_rows(action="denied", path=own_app_db)
    assert denied and denied[0]["username"] == "stranger@city.example"


def test_oidc_a_known_identity_sees_its_area_only(app_env, own_app_db, tmp_path, monkeypatch):
    users.add("li.si@city.example", "李四", "street", "990101001", None, path=own_app_db)
    at = _oidc_app(tmp_path, monkeypatch, {"is_logged_in": True, "email": "li.si@city.example",
                                           "email_verified": True})
    assert cards(at), [e.value for e in at.error]
    assert any("李四（街道级 · 东街道）" in c.value for c in at.sidebar.caption)
    logins = appdb.audit_rows(action="login", username="li.si@city.example", path=own_app_db)
    assert logins and '"mode": "oidc"' in logins[0]["detail"]


def test_oidc_before_the_provider_login_shows_only_the_login_button(app_env, own_app_db, tmp_path, monkeypatch):
    at = _oidc_app(tmp_path, monkeypatch, {"is_logged_in": False})
    assert not cards(at) and not at.dataframe
    assert [b.label for b in at.button] == ["使用统一身份认证登录"]


def test_oidc_without_its_secrets_says_what_to_configure(app_env, own_app_db, tmp_path, monkeypatch):
    at = _oidc_app(tmp_path, monkeypatch, {"is_logged_in": True, "email": "x@city.example"}, secrets={})
    assert not cards(at) and "没有 [auth] 设置" in at.error[0].value.replace("\u2060", "")


def test_a_download_built_on_click_runs_as_the_session_that_offered_it(own_app_db):
    """Streamlit makes a click-built download in a worker thread, outside the page run; ``made_for``
    gives the scope guard, the sensitive-field rule and the audit record that session's account."""
    import pandas as pd

    users.add("zhao", "赵六", "street", "990101001", "Fixture-Pass-2025", path=own_app_db)
    token = sessions.start("zhao", "local", 12)
    serve.bind("session-zhao", token, "zhao", "990101001")
    try:
        access.scope_guard({"scope": "990102"})  # the command line and the builder: no page session, no lock
        with serve.made_for("session-zhao"):
            access.scope_guard({"scope": "990101001001"})
            with pytest.raises(access.ScopeDenied):
                access.scope_guard({"scope": "990102"})
            assert access.hide_unless_allowed(pd.Series(["物业服务差"])).tolist() == ["（按权限隐藏）"]
            assert access.current_user().username == "zhao"
        with serve.made_for("a-session-never-bound"), pytest.raises(access.ScopeDenied):
            access.scope_guard({"scope": "990101001"})  # deny by default
        assert access.hide_unless_allowed(pd.Series(["物业服务差"])).tolist() == ["物业服务差"]
    finally:
        serve.unbind("session-zhao")
