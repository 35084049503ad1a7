"""访问控制 — login before any data, the user's area enforced once on the server, the audit trail.

Every page run goes through ``require_user`` (from ``streamlit_app.py``) before a filter
is read or a query runs:

* ``local`` mode: a login form; accounts in the application database (``dashboard.accounts.users``);
  lockout after repeated failures; logout after ``idle_minutes`` without a page run.
  A login is also a browser session (``dashboard.accounts.serve``): a signed, HttpOnly cookie with a
  record in the application database, so a reload keeps the login until the idle timeout
  or ``session_hours``; logging out revokes it.
* ``header`` mode: the user name comes from a trusted single-sign-on gateway's request
  header, accepted only together with the gateway's shared secret (header
  ``X-Gateway-Secret`` equal to the environment variable named in the config), so a
  client that reaches the app without the gateway cannot forge an identity.
* ``oidc`` mode: Streamlit's ``st.login`` against the city's OpenID Connect provider
  (``.streamlit/secrets.toml``); the identity claim named by ``oidc_claim`` (e.g. the
  e-mail address) must be the user name of an account, which carries role and area.
  An unknown identity gets a Chinese message and no data.

Every mode ends in the same browser session record, whose cookie is what
``dashboard.accounts.serve`` asks for before it hands out a download (``/media/…``).

The user's area (``User.area_root``: '' city, a district or a street code) is then the
one rule: ``clamp`` keeps every filter (URL, sidebar, drill click, breadcrumb) inside it,
and ``scope_guard``, installed in the query runner, refuses any query whose ``$scope``,
``$community_code`` or ``$grid_code`` lies outside it — a second lock for a page that
forgot to clamp. No user, or a user without an area, runs no query at all.
"""

from __future__ import annotations

import hmac
import html
import os
import time
from datetime import datetime
from typing import Callable

import streamlit as st

from dashboard.accounts import login_form, serve, sessions, users
from dashboard.core import filters as flt
from dashboard.core.config import settings
from dashboard.core.text import echo, md
from dashboard.store import appdb, db

_USER = "_auth_user"
_ROOT = "_auth_root"
_SEEN = "_auth_seen"
_LAST_VIEW = "_auth_last_view"
_NOTICE = "_auth_notice"
_RECORD = "_auth_record"  # the account as require_user read it at the top of this run
_ENTRY_RAN = "_entry_ran"  # this session has run the entry script (router, login) at least once
_TOKEN = "_auth_token"  # this login's browser session (dashboard.accounts.serve): the cookie's token
_COOKIE_SENT = "_auth_cookie_for"  # the token whose cookie this page session has handed to the browser
_CLEAR_COOKIE = "_auth_clear_cookie"
_LAYER = "_auth_layer"  # this page session was logged in from the login layer over it (hide the layer every run)
_LAYER_DONE = "_auth_layer_done"  # … and has done so: a later logout in this session shows Streamlit's login form
GUARDED_PARAMS = ("scope", "community_code", "grid_code")


class ScopeDenied(PermissionError):
    """A query asked for an area outside the user's own."""


# -- the query runner's lock --------------------------------------------------------------------------------
def scope_guard(params: dict) -> None:
    """Called by ``db.query`` for every query of a page run and of a download built on click
    (not for the builder or the command line, which run outside Streamlit)."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    if get_script_run_ctx(suppress_warning=True) is not None:
        root = st.session_state.get(_ROOT)
    elif serve.in_deferred():  # a download built on click, outside the page run: the area of its session
        binding = serve.deferred_binding()
        root = binding[2] if binding else None
    else:
        return
    if root is None:
        raise ScopeDenied("未登录或账号没有区域权限：不运行任何查询")
    for key in GUARDED_PARAMS:
        value = params.get(key)
        if value is not None and not str(value).startswith(root):
            raise ScopeDenied(f"查询的区域 {value!r} 不在账号的区域 {root!r} 内")


db.set_scope_guard(scope_guard)
serve.install()  # media, static files and uploads need this login's cookie (no-op outside a server)


# -- who is logged in ---------------------------------------------------------------------------------------
def session_username() -> str | None:
    """The name this session logged in with, unchecked (for registering pages only)."""
    return st.session_state.get(_USER)


def _deferred_user() -> users.User | None:
    """The account a download built on click is made for (``serve.made_for``), outside a page run."""
    binding = serve.deferred_binding()
    return users.get(binding[1]) if binding else None


def current_user() -> users.User | None:
    """The logged-in account: as ``require_user`` read it at the top of this run (one read
    of the application database per run), else read now; for a download built on click, the
    account of the page session that offered it."""
    if serve.in_deferred():
        return _deferred_user()
    name = st.session_state.get(_USER)
    if not name:
        return None
    record = st.session_state.get(_RECORD)
    return record if record is not None and record.username == name else users.get(name)


def allowed_root() -> str | None:
    return st.session_state.get(_ROOT)


def can_see_sensitive() -> bool:
    """Worker names and request content: only for the roles in ``[auth] sensitive_roles``."""
    user = current_user()
    return bool(user) and user.role in settings().auth.sensitive_roles


HIDDEN = "（按权限隐藏）"


def hide_unless_allowed(values):
    """Names of workers, titles and content of requests: shown only to the roles in
    ``[auth] sensitive_roles``; others see the placeholder (counts stay as they are).
    Outside a page run (builder, benchmark, command line) nothing is hidden; a download built on
    click hides as the page session that offered it."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    outside = get_script_run_ctx(suppress_warning=True) is None and not serve.in_deferred()
    if outside or can_see_sensitive():
        return values
    if hasattr(values, "where"):  # a pandas Series: keep missing values missing
        return values.where(values.isna(), HIDDEN)
    return HIDDEN if values else values


def _session_id() -> str | None:
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx(suppress_warning=True)
    return ctx.session_id if ctx else None


def _end_session(notice: str | None = None) -> None:
    token = st.session_state.pop(_TOKEN, None)
    if token:
        serve.revoke(token)
        st.session_state[_CLEAR_COOKIE] = True
    sid = _session_id()
    if sid:
        serve.unbind(sid)
    for key in (_USER, _ROOT, _SEEN, _LAST_VIEW, _RECORD, _COOKIE_SENT):
        st.session_state.pop(key, None)
    if notice:
        st.session_state[_NOTICE] = notice


def logout() -> None:
    user = st.session_state.get(_USER)
    if user:
        appdb.audit("logout", user)
    _end_session("已退出登录。")
    if settings().auth.mode == "oidc":
        st.logout()  # also ends Streamlit's identity cookie of the provider's login


def ensure_entry_ran() -> None:
    """Make a deep link work on the first visit after a server start.

    Streamlit starts in its legacy multipage mode when a ``pages/`` folder exists and
    then runs a deep-linked page file (``/tickets``) without the entry script, until
    some session has called ``st.navigation`` (streamlit/streamlit#9624). If that
    happened, switch the legacy mode off and rerun: the rerun goes through
    ``streamlit_app.py`` and keeps the URL path and query.
    """
    if st.session_state.get(_ENTRY_RAN):
        return
    from streamlit.runtime.pages_manager import PagesManager

    PagesManager.uses_pages_directory = False
    st.rerun()


def require_admin() -> users.User:
    """The administrator of this run; anyone else gets a Chinese refusal and nothing more.
    (The admin pages are registered for administrators only; this is the second lock.)"""
    ensure_entry_ran()  # a deep link on a fresh server goes through the router and the login first
    user = current_user()
    if user is None or not user.is_admin:
        st.error("只有管理员可以打开此页面。", icon=":material/block:")
        st.stop()
    return user


def require_user() -> users.User:
    """The logged-in user of this run, or the login page and ``st.stop()``. Called first by the entry script
    (``streamlit_app.py``), so it also marks that this session's runs go through the router."""
    st.session_state[_ENTRY_RAN] = True
    cfg = settings().auth
    user = {"header": _header_user, "oidc": _oidc_user}.get(cfg.mode, _session_user)(cfg)
    if user is None:
        if _under_layer(cfg):
            login_takeover_wait()
        else:
            login_page()
        st.stop()
    root = user.area_root
    if root is None:
        st.session_state.pop(_ROOT, None)
        st.error(f"账号 {user.username} 尚未分配区域，不能查看数据。请联系管理员。", icon=":material/block:")
        st.stop()
    st.session_state[_ROOT] = root
    st.session_state[_SEEN] = time.time()
    st.session_state[_RECORD] = user
    _browser_session(user, root, cfg)
    return user


def _browser_session(user: users.User, root: str, cfg) -> None:
    """This login as a browser session: a record (created at the first run), bound to this page
    session for its media files, kept alive, and its cookie handed to the browser once."""
    token = st.session_state.get(_TOKEN)
    if not token:
        token = st.session_state[_TOKEN] = sessions.start(user.username, cfg.mode, cfg.session_hours)
    else:
        sessions.touch(token)
    sid = _session_id()
    if sid:
        serve.bind(sid, token, user.username, root)
    if st.session_state.get(_LAYER):
        st.html(f"<style>#{login_form.LAYER_ID}{{display:none!important}}</style>")  # the login layer goes
    if serve.installed() and st.session_state.get(_COOKIE_SENT) != token:
        st.session_state[_COOKIE_SENT] = token
        if sessions.token_of(st.context.cookies.get(serve.COOKIE)) != token:
            st.html(serve.cookie_style(token))


def _resume(cfg) -> str | None:
    """A reload: the browser's session cookie logs this new page session in again, as long as the
    login is neither idle nor past ``session_hours`` nor revoked."""
    token = sessions.token_of(st.context.cookies.get(serve.COOKIE))
    if token is None:
        return None
    name, reason = sessions.check(token, cfg.idle_minutes)
    if name is None:
        if notice := resume_notice(reason, cfg):
            st.session_state[_NOTICE] = notice
        return None
    if sessions.take_fresh(token):  # the login layer's own login (audited already), made before this session connected
        st.session_state.update({_LAYER: True, _LAYER_DONE: True})
    else:
        appdb.audit("login", name, mode=f"{cfg.mode}-reload")
    st.session_state.update({_USER: name, _SEEN: time.time(), _TOKEN: token, _COOKIE_SENT: token})
    sessions.touch(token)
    return name


def _take_over(cfg) -> str | None:
    """The login layer over this page (``login_form``) has just logged its browser in: take that login over. The
    layer's token came in this session's handshake cookies; the login was audited by the layer's post, and its
    cookie is in the browser already."""
    if st.session_state.get(_LAYER_DONE):
        return None
    token = login_form.take_over(_layer_token())
    if token is None:
        return None
    name, _ = sessions.check(token, cfg.idle_minutes)
    if name is None:
        return None
    sessions.take_fresh(token)
    st.session_state.update({_USER: name, _SEEN: time.time(), _TOKEN: token, _COOKIE_SENT: token, _LAYER: True,
                             _LAYER_DONE: True})
    return name


def _under_layer(cfg) -> bool:
    """This page session runs under the login layer: its browser got the layer with the page (the layer's token
    is among its handshake cookies) and no login has been taken over from it yet."""
    return (cfg.mode == "local" and not st.session_state.get(_LAYER_DONE)
            and _layer_token() is not None)


def _layer_token() -> str | None:
    """The login layer's token among this session's handshake cookies (AppTest has no real cookies)."""
    value = st.context.cookies.get(login_form.CSRF_COOKIE)
    return value if isinstance(value, str) and value else None


def resume_notice(reason: str, cfg) -> str:
    """Why a browser's session cookie no longer logs it in, for the login page ('' = say nothing)."""
    if reason == "idle":
        return f"超过 {cfg.idle_minutes} 分钟没有操作，已自动退出登录，请重新登录。"
    if reason == "expired":
        return f"登录已超过 {cfg.session_hours} 小时，请重新登录。"
    return ""


def _session_user(cfg) -> users.User | None:
    name = st.session_state.get(_USER) or _resume(cfg) or _take_over(cfg)
    if not name:
        return None
    seen = st.session_state.get(_SEEN, 0.0)
    if time.time() - seen > cfg.idle_minutes * 60:
        appdb.audit("logout", name, reason="idle")
        _end_session(f"超过 {cfg.idle_minutes} 分钟没有操作，已自动退出登录，请重新登录。")
        return None
    user = users.get(name)
    if user is None or user.disabled or (user.demo and not db.database().is_sample):
        _end_session("账号已停用或不可用，请联系管理员。")
        return None
    return user


def _header_user(cfg) -> users.User | None:
    headers = st.context.headers
    secret = os.environ.get(cfg.gateway_secret_env, "")
    given = headers.get("X-Gateway-Secret", "")
    name = (headers.get(cfg.header_name) or "").strip()
    if not secret or not hmac.compare_digest(given.encode(), secret.encode()):
        if name:
            appdb.audit("denied", name, reason="header without the gateway secret")
        st.error("未通过统一身份认证网关访问，无法确认身份。请从单位的统一门户进入看板。", icon=":material/block:")
        st.stop()
    user = users.get(name) if name else None
    if user is None or user.disabled:
        appdb.audit("denied", name or None, reason="unknown or disabled header user")
        st.error(f"统一身份认证用户“{md(echo(name))}”没有看板账号或已停用，请联系管理员开通。", icon=":material/block:")
        st.stop()
    if st.session_state.get(_USER) != user.username:
        _end_session()
        appdb.audit("login", user.username, mode="header")
        st.session_state[_USER] = user.username
    return user


# -- oidc mode ------------------------------------------------------------------------------------------------
def oidc_problem(cfg, secrets=None) -> str | None:
    """What ``.streamlit/secrets.toml`` lacks for the oidc mode (a Chinese sentence), or None."""
    try:
        auth = (st.secrets if secrets is None else secrets).get("auth")
    except Exception:  # no secrets file at all
        auth = None
    where = ".streamlit/secrets.toml"
    if not auth:
        return f"已配置 oidc 登录，但 {where} 中没有 [auth] 设置。请管理员按 README“OIDC 登录”补上。"
    missing = [f"[auth] {k}" for k in ("redirect_uri", "cookie_secret") if not auth.get(k)]
    section = f"[auth.{cfg.oidc_provider}]" if cfg.oidc_provider else "[auth]"
    provider = auth.get(cfg.oidc_provider) if cfg.oidc_provider else auth
    if not provider:
        missing.append(section)
    else:
        missing += [f"{section} {k}" for k in ("client_id", "client_secret", "server_metadata_url") if not provider.get(k)]
    if missing:
        return f"已配置 oidc 登录，但 {where} 缺少：{'、'.join(missing)}。请管理员按 README“OIDC 登录”补上。"
    return None


def oidc_account(claims, claim: str) -> users.User | None:
    """The account of a provider identity: the account whose user name is the ``claim`` (e.g. the
    e-mail address); None for an unknown, disabled or demo account, and for an e-mail address the
    provider says it has not verified."""
    identity = str(claims.get(claim) or "").strip()
    if not identity or (claim == "email" and claims.get("email_verified") is False):
        return None
    user = users.get(identity)
    if user is None or user.disabled or user.demo:
        return None
    return user


def _oidc_user(cfg) -> users.User | None:
    problem = oidc_problem(cfg)
    if problem:
        st.error(problem, icon=":material/settings:")
        st.stop()
    if not st.user.is_logged_in:
        st.session_state.pop(_USER, None)
        _oidc_login_page(cfg)
        st.stop()
    claims = st.user.to_dict()
    identity = str(claims.get(cfg.oidc_claim) or "")[:128]
    name = st.session_state.get(_USER)
    if not name:
        cookie = sessions.token_of(st.context.cookies.get(serve.COOKIE))
        if cookie and sessions.check(cookie, cfg.idle_minutes)[1] in ("idle", "expired"):
            appdb.audit("logout", identity or None, reason="idle", mode="oidc")
            st.logout()  # the provider's login of this browser is older than the dashboard allows
            st.stop()
    elif time.time() - st.session_state.get(_SEEN, 0.0) > cfg.idle_minutes * 60:
        appdb.audit("logout", name, reason="idle", mode="oidc")
        _end_session()
        st.logout()
        st.stop()
    user = oidc_account(claims, cfg.oidc_claim)
    if user is None:
        appdb.audit("denied", identity or None, reason="unknown, disabled or unverified oidc identity")
        st.error(f"统一身份认证用户“{md(echo(identity))}”没有看板账号或已停用，不能查看数据。请联系管理员开通。",
                 icon=":material/block:")
        st.button("退出登录", key="oidc_logout", on_click=st.logout)
        st.stop()
    if name != user.username:
        _end_session()
        appdb.audit("login", user.username, mode="oidc")
        st.session_state[_USER] = user.username
    return user


def _oidc_login_page(cfg) -> None:
    _, mid, _ = st.columns([1, 2, 1])
    with mid:
        st.title("基层治理督查考评看板", anchor=False)
        st.markdown("本看板使用统一身份认证登录。")
        if st.button("使用统一身份认证登录", type="primary", key="oidc_login", width="stretch"):
            st.login(cfg.oidc_provider or None)


# -- login page -------------------------------------------------------------------------------------------
def login_page() -> None:
    cfg = settings().auth
    database = db.database()
    _, mid, _ = st.columns([1, 2, 1])
    if st.session_state.pop(_CLEAR_COOKIE, False) and serve.installed():
        st.html(serve.clear_cookie_style())  # the revoked cookie leaves the browser too
    with mid:
        st.title("基层治理督查考评看板", anchor=False)
        notice = st.session_state.pop(_NOTICE, None)
        if notice:
            st.info(notice)
        with st.form("login", border=True):
            st.subheader("登录", anchor=False)
            name = st.text_input("用户名", key="login_name", max_chars=64)
            password = st.text_input("密码", type="password", key="login_password", max_chars=256)
            go = st.form_submit_button("登录", type="primary", width="stretch")
        if go:
            try:
                user = users.authenticate(name, password, cfg.max_failures, cfg.lockout_minutes,
                                          demo_allowed=database.is_sample)
            except users.AccountError as e:
                appdb.audit("login_failed", name.strip()[:64] or None, reason=str(e))
                st.error(str(e), icon=":material/lock:")
            else:
                appdb.audit("login", user.username, mode="local")
                _end_session()
                st.session_state[_USER] = user.username
                st.session_state[_SEEN] = time.time()
                st.session_state[_TOKEN] = sessions.start(user.username, cfg.mode, cfg.session_hours)
                st.rerun()
        if database.is_sample:
            demo_accounts_table()
        else:
            st.caption("没有账号或忘记密码，请联系本单位的看板管理员。")
    fetch_page_components()


def login_takeover_wait() -> None:
    """Under the login layer: nothing to show (the layer covers the page) but a hidden button, which the layer's
    script clicks once its login has succeeded (the rerun takes the login over), and the hidden elements whose
    code the browser should fetch while the user types."""
    with st.container(key=login_form.TAKEOVER_KEY, height=1, border=False):
        st.html(f"<style>.st-key-{login_form.TAKEOVER_KEY} {{display: none}}</style>")
        st.button("登录", key=f"{login_form.TAKEOVER_KEY}_go")
    fetch_page_components()


# The browser loads the code of each kind of element the first time one is drawn (the data grid alone is
# 0.5 MB of script, with its helpers 0.9 MB): after the 登录 click that added 0.4–0.6 s of fetching in a new
# browser. Drawn once, hidden, on the login page, they are fetched while the user types.
PRELOAD_KEY = "preload_components"


def fetch_page_components() -> None:
    """Hidden instances of the elements the pages draw (data grid, select box, radio, segmented control,
    button, HTML — the KPI cards, SVG charts and small tables are HTML), with no data: nothing is shown,
    nothing is read back."""
    import pandas as pd

    with st.container(key=PRELOAD_KEY, height=1, border=False):
        st.html(f"<style>.st-key-{PRELOAD_KEY} {{display: none}}</style>")
        st.dataframe(pd.DataFrame({"预加载": [0]}), height=80)
        hidden = {"label_visibility": "collapsed"}
        st.selectbox("预加载", [""], key=f"{PRELOAD_KEY}_select", **hidden)
        st.radio("预加载", [""], key=f"{PRELOAD_KEY}_radio", **hidden)
        st.segmented_control("预加载", [""], key=f"{PRELOAD_KEY}_segment", **hidden)
        st.button("预加载", key=f"{PRELOAD_KEY}_button", disabled=True)


def demo_accounts() -> list[dict]:
    """The sample city's demo accounts, one per role, with the passwords generated on this machine
    ([{username, password, role, area}]); made on first use."""
    areas = db.areas()
    district = areas.children("")[0]
    street = areas.children(district.code)[0]
    path = appdb.app_db_path()
    return users.ensure_demo_accounts((district.code, district.name), (street.code, street.name),
                                      path.with_name(path.stem + ".demo-accounts.json"))


def demo_accounts_table() -> None:
    shown = demo_accounts()
    st.markdown("**演示账号**（仅在示例数据下可用，密码在本机随机生成）")
    import pandas as pd

    from dashboard.ui import components  # here: components imports this module

    table = pd.DataFrame([{"角色": a["role"], "区域": a["area"], "用户名": a["username"], "密码": a["password"]}
                          for a in shown])
    components.show_light_table(components.light_table(table, {}), [])  # plain text cells, as on 诉求工单


# -- filters inside the user's area -------------------------------------------------------------------------
AREA_PARAMS = ("district", "street", "community", "grid")


def refusal(areas) -> str:
    root = allowed_root() or ""
    name = md(areas.name(root)) if root else "全市"
    return f"您的账号只能查看{name}的数据，已显示{name}。"


def outside_params(params: dict, areas) -> tuple[dict, list[str]]:
    """URL parameters without the area codes outside the user's area, and those keys.

    Dropped before the filters are parsed, so that no warning names another area."""
    root = allowed_root()
    if root is None:
        raise ScopeDenied("未登录")
    kept, dropped = dict(params), []
    for key in AREA_PARAMS:
        value = str(params.get(key) or "")
        if value and not (value.startswith(root) or (root.startswith(value) and key != "grid")):
            kept.pop(key)
            dropped.append(key)
    return kept, dropped

def clamp(f: flt.Filters, areas, explicit: bool) -> tuple[flt.Filters, str | None]:
    """Filters inside the user's area; ``explicit``: the scope came from the URL or a click
    (then a refusal is explained), not from the default whole-city view."""
    root = allowed_root()
    if root is None:
        raise ScopeDenied("未登录")
    if f.scope.startswith(root):
        return f, None
    home = flt.scope_to(f, root, areas)
    if not explicit or not f.scope or root.startswith(f.scope):
        return home, None  # an area above one's own: simply one's own
    return home, refusal(areas)


# -- audit of views and exports -------------------------------------------------------------------------------
def audit_view(page: str, f: flt.Filters) -> None:
    """One record per distinct (page, scope, period) a session looks at."""
    view = (page, f.scope, f.period.start.isoformat(), f.period.end.isoformat())
    if st.session_state.get(_LAST_VIEW) == view:
        return
    st.session_state[_LAST_VIEW] = view
    appdb.audit("view", st.session_state.get(_USER), page=page, scope=f.scope or "",
                period=f"{view[2]}~{view[3]}")


def export_signature() -> str:
    """导出人 line of every exported file."""
    user = current_user()
    who = f"{user.display_name}（{user.username}）" if user else "未知用户"
    return f"导出人：{who} · {datetime.now():%Y-%m-%d %H:%M}"


def audited_export(what: str, fmt: str, f: flt.Filters, make: Callable[[], bytes], rows: int | None = None) -> bytes:
    data = make()
    user = current_user() if serve.in_deferred() else None
    appdb.audit("export", user.username if user else st.session_state.get(_USER), scope=f.scope or "", what=what,
                format=fmt, rows=rows, bytes=len(data))
    return data


def watermark() -> None:
    """A light, repeated user name and date behind the page: a photo of the screen is traceable."""
    user = current_user()
    if not user:
        return
    text = html.escape(f"{user.display_name} {user.username} {datetime.now():%Y-%m-%d}")
    svg = (f"<svg xmlns='http://www.w3.org/2000/svg' width='360' height='200'><text x='10' y='120' "
           f"transform='rotate(-20 180 100)' fill='rgba(0,0,0,0.045)' font-size='16' "
           f"font-family='Noto Sans CJK SC, sans-serif'>{text}</text></svg>")
    from urllib.parse import quote

    st.html(f"<style>[data-testid='stMain']{{background-image:url(\"data:image/svg+xml,{quote(svg)}\");"
            f"background-repeat:repeat;}}</style>")


def account_box(user: users.User) -> None:
    """The sidebar's account line: who, which role and area; change password; log out."""

    area = db.areas().name(user.area_root) if user.area_root else "全市"
    st.caption(f"{md(user.display_name)}（{user.role_zh} · {md(area)}）")
    with st.container(horizontal=True, gap="small"):
        if settings().auth.mode == "local" and st.button("修改密码", key="pw_open", type="tertiary"):
            password_dialog(user.username)
        st.button("退出登录", key="logout", type="tertiary", on_click=logout)


@st.dialog("修改密码")
def password_dialog(username: str) -> None:
    old = st.text_input("当前密码", type="password", key="pw_old")
    new = st.text_input("新密码", type="password", key="pw_new",
                        help=f"至少 {users.MIN_PASSWORD_LENGTH} 位，包含数字、小写、大写字母、符号中的至少三类")
    again = st.text_input("再输入一次新密码", type="password", key="pw_again")
    if st.button("保存", type="primary", key="pw_save"):
        cfg = settings().auth
        try:
            users.authenticate(username, old, cfg.max_failures, cfg.lockout_minutes, demo_allowed=True)
            if new != again:
                raise users.AccountError("两次输入的新密码不一致")
            users.set_password(username, new)
        except users.AccountError as e:
            st.error(str(e))
            return
        appdb.audit("admin", username, what="修改本人密码")
        st.success("密码已修改。")

