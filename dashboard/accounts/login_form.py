"""登录层 — the local-mode login form, answered by the web server itself, over Streamlit's own page.

Streamlit's own login page is a page run: before its form can show, the browser has to boot Streamlit's
frontend (about 4 MB of script to run, even from the cache), open the WebSocket and wait for the run —
1.5–2 s on the reference machine. A separate HTML login page shows at once, but the page after it is a new
document whose frontend boots only after the click. So ``serve.Guard`` answers with Streamlit's own
``index.html`` and the form as a layer over it (``LAYER_ID``, in the HTML: typed into at the first paint).
While the user types, the frontend boots and connects underneath; that page session's run sees this page's
token among its handshake cookies and waits, hidden (``access.login_takeover_wait``).

* ``GET`` of a page address (``/``, ``/tickets?district=…``; an HTML request outside Streamlit's own routes)
  without a live session cookie, in ``local`` mode with a usable database: this page. Anything else (a live
  cookie, header/OIDC mode, a database problem, which the entry script explains) goes on to Streamlit.
* ``POST /_dashboard/login``: the same checks as Streamlit's form (``users.authenticate``: lockout, disabled
  and demo accounts; the same audit records) and the session record with its cookie (``HttpOnly;
  SameSite=Strict``). From the layer's script (``Accept: application/json``) the answer is JSON and the login
  is handed over, once and for two minutes, to the page session holding this page's token (``hand_over`` /
  ``take_over``); the script clicks the waiting session's hidden button, and that rerun shows the page asked
  for and hides the layer. A plain form post (no script) gets a ``303`` to ``next`` (a path of this site,
  never another host) or the page again with the reason.
* Cross-site posts are refused: the form carries a random token that must equal the one in a
  ``SameSite=Strict`` cookie set with the form (a page on another site can neither read nor send it), and a
  request whose ``Origin`` names another host is refused as well.

Streamlit's login page (``access.login_page``) stays: it is what a session sees after an idle logout or
退出登录 within the page, and what ``streamlit run`` shows before the Guard is in place.
"""

from __future__ import annotations

import asyncio
import hmac
import html
import json
import re
import secrets
from functools import lru_cache
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from dashboard.accounts import sessions

LOGIN_PATH = "_dashboard/login"
CSRF_COOKIE = "dashboard_login"
MAX_BODY = 8 * 1024
# Streamlit's own routes and files: never the login page
_NOT_PAGES = ("/_stcore", "/static/", "/media/", "/app/", "/component/", "/_dashboard/", "/favicon", "/robots",
              "/manifest", "/-/", "/auth/", "/oauth2callback")


class LoginOutcome:
    """What a login post led to: a cookie and a redirect, or the form again with an error."""

    def __init__(self, cookie: str | None = None, location: str = "/", error: str = "", username: str = "",
                 token: str | None = None):
        self.cookie, self.location, self.error, self.username, self.token = cookie, location, error, username, token


# -- which requests get the form ---------------------------------------------------------------------------------
def is_page_request(scope, path: str) -> bool:
    """A browser asking for one of the dashboard's pages (not a script, an API route or a file)."""
    if scope.get("method") != "GET" or any(path.startswith(p) for p in _NOT_PAGES):
        return False
    if "." in path.rsplit("/", 1)[-1]:
        return False
    accept = next((v for k, v in scope.get("headers", []) if k == b"accept"), b"")
    return b"text/html" in accept


def safe_next(value: str | None, base: str) -> str:
    """A path of this site to go to after the login: ``/…`` under the base path, never ``//host`` or a scheme."""
    root = f"{base}/" if base else "/"
    value = (value or "").strip()
    if (not value.startswith(root) or value.startswith("//") or "\\" in value or len(value) > 2000
            or any(ord(c) < 32 for c in value) or urlsplit(value).netloc or urlsplit(value).scheme):
        return root
    return value


def same_origin(scope) -> bool:
    """No ``Origin`` header (an old browser), or one naming this very host."""
    headers = dict(scope.get("headers", []))
    origin = headers.get(b"origin")
    if origin is None:
        return True
    host = headers.get(b"x-forwarded-host") or headers.get(b"host") or b""
    return urlsplit(origin.decode("latin-1")).netloc.encode("latin-1").lower() == host.split(b",")[0].strip().lower()


# -- what is shown ------------------------------------------------------------------------------------------------
# The element code the pages draw right after the login (Streamlit loads each kind of element's script the first
# time one is drawn): 总览 and 诉求工单's data grid, select boxes, radio and segmented controls, buttons, page links,
# downloads and HTML blocks; 网格地图's metric, map component and images. Plotly (4.7 MB) is left to the pages
# that draw a chart.
PAGE_ELEMENTS = ("Html", "Button", "ButtonGroup", "PageLink", "Selectbox", "Radio", "DataFrame", "DownloadButton",
                 "Metric", "ComponentInstance", "ImageList")
_IMPORTS = re.compile(r'(?:from|import)\s*"\./([^"]+\.js)"')


@lru_cache(maxsize=1)
def frontend_files() -> tuple[tuple[str, str], ...]:
    """(kind, path below the app root) of the installed Streamlit frontend's files a page needs first: what its
    ``index.html`` loads ("script", "style", "font"), then the script files of ``PAGE_ELEMENTS`` with every file
    they import and their style sheets, then the icon font. Read from the installed Streamlit, so an upgrade brings its own names."""
    import streamlit

    static = Path(streamlit.__file__).parent / "static"
    out: list[tuple[str, str]] = []
    for tag in re.findall(r"<(?:script|link)\b[^>]*>", (static / "index.html").read_text(encoding="utf-8")):
        m = re.search(r'(?:src|href)="\./(static/[^"]+)"', tag)
        if m:
            kind = {"js": "script", "css": "style", "woff2": "font"}.get(m.group(1).rsplit(".", 1)[-1])
            if kind:
                out.append((kind, m.group(1)))
    scripts = static / "static" / "js"
    seen = {file.rsplit("/", 1)[-1] for kind, file in out if kind == "script"}
    todo = sorted(f.name for f in scripts.glob("*.js") if f.name.split(".", 1)[0] in PAGE_ELEMENTS)
    while todo:
        name = todo.pop(0)
        if name in seen or not (scripts / name).is_file():
            continue
        seen.add(name)
        out.append(("script", f"static/js/{name}"))
        todo += _IMPORTS.findall((scripts / name).read_text(encoding="utf-8", errors="replace"))
    out += [("style", f"static/css/{f.name}") for f in sorted((static / "static" / "css").glob("*.css"))
            if f.name.split(".", 1)[0] in PAGE_ELEMENTS]
    out += [("font", f"static/media/{f.name}") for f in sorted((static / "static" / "media").glob("MaterialSymbols-*.woff2"))]
    return tuple(out)


@lru_cache(maxsize=1)
def _index_parts() -> tuple[str, str, str] | None:
    """Streamlit's ``index.html`` cut where the login layer goes: (up to ``</head>``, up to ``<div id="root">``,
    the rest); None when this Streamlit's page has neither mark (then its own login form is used)."""
    import streamlit

    text = (Path(streamlit.__file__).parent / "static" / "index.html").read_text(encoding="utf-8")
    head, root = text.find("</head>"), text.find('<div id="root">')
    if head < 0 or root < head:
        return None
    return text[:head], text[head:root], text[root:]


def _preload_links(base: str) -> str:
    """``frontend_files`` that Streamlit's own ``index.html`` does not load already."""
    parts = _index_parts()
    shell = parts[0] if parts else ""
    tags = {"script": '<link rel="modulepreload" crossorigin href="{}">', "style": '<link rel="preload" as="style" crossorigin href="{}">',
            "font": '<link rel="preload" as="font" type="font/woff2" crossorigin href="{}">'}
    return "\n".join(tags[kind].format(html.escape(f"{base}/{file}")) for kind, file in frontend_files()
                     if f"./{file}" not in shell)


LAYER_ID = "dashboard-login"  # the login layer over the booting page; the session's first logged-in run hides it
TAKEOVER_KEY = "login_takeover"  # the hidden button of the page session under the layer (access.login_takeover_wait)

_STYLE = """
#dashboard-login { --primary: #1d4ed8; --text: #31333f; --muted: #6b7280; --border: #d6d9e0;
  position: fixed; inset: 0; z-index: 2147483000; overflow: auto; background: #fff; color: var(--text);
  font-family: "Source Sans Pro", "Source Sans 3", "Noto Sans CJK SC", "Noto Sans SC", "Microsoft YaHei", "PingFang SC",
  sans-serif; font-size: 16px; line-height: 1.6; text-align: left; }
#dashboard-login * { box-sizing: border-box; font-family: inherit; }
#dashboard-login main { max-width: 36rem; margin: 0 auto; padding: 4.5rem 1rem 3rem; }
#dashboard-login h1 { font-size: 2.25rem; font-weight: 700; margin: 0 0 1.2rem; padding: 0; line-height: 1.25; color: var(--text); }
#dashboard-login form { border: 1px solid var(--border); border-radius: .5rem; padding: 1.25rem 1.25rem 1.4rem; margin: 0 0 1rem; }
#dashboard-login h2 { font-size: 1.5rem; font-weight: 600; margin: 0 0 .8rem; padding: 0; line-height: 1.3; color: var(--text); }
#dashboard-login label { display: block; font-size: .875rem; margin: .9rem 0 .3rem; }
#dashboard-login input { display: block; width: 100%; font-size: 1rem; line-height: 1.6; padding: .45rem .75rem; margin: 0;
  border: 1px solid transparent; border-radius: .5rem; background: #f0f2f6; color: var(--text); }
#dashboard-login input:focus { outline: none; border-color: var(--primary); }
#dashboard-login button { display: block; width: 100%; margin: 1.3rem 0 0; font-size: 1rem; line-height: 1.6; padding: .45rem .75rem;
  border: 0; border-radius: .5rem; background: var(--primary); color: #fff; cursor: pointer; }
#dashboard-login button:hover { background: #1e40af; }
#dashboard-login button:disabled { opacity: .7; cursor: progress; }
#dashboard-login .alert { border-radius: .5rem; padding: .8rem 1rem; margin: 0 0 1rem; }
#dashboard-login .alert[hidden] { display: none; }
#dashboard-login .alert.error { background: #fde8e8; color: #7d1a1a; }
#dashboard-login .alert.info { background: #e0ecff; color: #1e3a8a; }
#dashboard-login p { margin: 0 0 .5rem; }
#dashboard-login .note { color: var(--muted); font-size: .875rem; }
#dashboard-login table { border-collapse: collapse; width: 100%; font-size: .875rem; margin-top: .4rem; }
#dashboard-login th, #dashboard-login td { text-align: left; padding: .3rem .6rem; border-bottom: 1px solid #e6e8ee; }
#dashboard-login th { color: var(--muted); font-weight: 400; }
"""

# The form posts with fetch and stays in this document: the page session underneath (booted and connected while
# the user typed) takes the login over — its next run finds it, or the hidden button of its waiting run is
# clicked — and that run hides the layer. Without script the form posts as a plain form (303 to ``next``).
_SCRIPT = """(() => {
  const layer = document.getElementById('%(layer)s'), form = document.getElementById('login');
  const error = document.getElementById('login-error'), button = form.querySelector('button');
  let next = null, frame = 0;
  const gone = () => !layer.isConnected || getComputedStyle(layer).display === 'none';
  const check = () => {
    frame = 0;
    if (gone()) { layer.remove(); watch.disconnect(); return; }
    const take = document.querySelector('.st-key-%(takeover)s button');
    if (take && !take.dataset.clicked) { take.dataset.clicked = '1'; take.click(); }
  };
  const watch = new MutationObserver(() => { if (!frame) frame = requestAnimationFrame(check); });
  form.addEventListener('submit', async (ev) => {
    if (!window.fetch || next) return;
    ev.preventDefault();
    button.disabled = true; button.textContent = '正在登录…';
    let answer;
    try {
      const r = await fetch(form.action, {method: 'POST', body: new URLSearchParams(new FormData(form)),
                                          headers: {Accept: 'application/json'}, credentials: 'same-origin'});
      answer = await r.json();
    } catch (e) { answer = {error: '无法连接看板服务，请检查网络后重试。'}; }
    if (answer.ok) {
      next = answer.next; button.textContent = '正在打开…';
      watch.observe(document.body, {childList: true, subtree: true}); check();
      setTimeout(() => { if (layer.isConnected) location.assign(next); }, 20000);  // no page session took it over
      return;
    }
    error.textContent = answer.error; error.hidden = false;
    button.disabled = false; button.textContent = '登录';
    if (answer.username !== undefined) form.username.value = answer.username;
    form.password.value = ''; (form.username.value ? form.password : form.username).focus();
  });
})();"""


def page_html(base: str, next_path: str, csrf: str, *, error: str = "", notice: str = "", username: str = "",
              demo_accounts: list[dict] | None = None) -> str | None:
    """Streamlit's own page with the login form as a layer over it. Everything that comes from a request or
    the database is escaped. None when this Streamlit's ``index.html`` cannot take the layer."""
    parts = _index_parts()
    if parts is None:
        return None
    e = html.escape
    notice_html = f'<div class="alert info" role="status">{e(notice)}</div>' if notice else ""
    if demo_accounts:
        rows = "".join(f"<tr><td>{e(a['role'])}</td><td>{e(a['area'])}</td><td>{e(a['username'])}</td>"
                       f"<td>{e(a['password'])}</td></tr>" for a in demo_accounts)
        below = ("<p><strong>演示账号</strong>（仅在示例数据下可用，密码在本机随机生成）</p>"
                 f"<table><thead><tr><th>角色</th><th>区域</th><th>用户名</th><th>密码</th></tr></thead>"
                 f"<tbody>{rows}</tbody></table>")
    else:
        below = '<p class="note">没有账号或忘记密码，请联系本单位的看板管理员。</p>'
    head, body, root = parts
    head = head.replace('<html lang="en">', '<html lang="zh-CN">').replace(
        "<title>Streamlit</title>", "<title>登录 · 基层治理督查考评看板</title>")
    layer = f"""<div id="{LAYER_ID}" role="dialog" aria-modal="true" aria-labelledby="login-title"><main>
<h1 id="login-title">基层治理督查考评看板</h1>
{notice_html}<div class="alert error" role="alert" id="login-error"{'' if error else ' hidden'}>{e(error)}</div>
<form method="post" action="{e(base)}/{LOGIN_PATH}" id="login" data-testid="loginForm">
<h2>登录</h2>
<input type="hidden" name="next" value="{e(next_path)}"><input type="hidden" name="csrf" value="{e(csrf)}">
<label for="username">用户名</label>
<input type="text" id="username" name="username" maxlength="64" autocomplete="username" required value="{e(username)}"{'' if username else ' autofocus'}>
<label for="password">密码</label>
<input type="password" id="password" name="password" maxlength="256" autocomplete="current-password" required{' autofocus' if username else ''}>
<button type="submit">登录</button>
</form>
{below}
</main></div>
<script>{_SCRIPT % {"layer": LAYER_ID, "takeover": TAKEOVER_KEY}}</script>
"""
    return f"{head}<style>{_STYLE}</style>\n{_preload_links(base)}\n{body}{layer}{root}"


# -- the server side ---------------------------------------------------------------------------------------------
def _form_context(cookie: str | None) -> tuple[bool, str, list[dict] | None]:
    """(show the form?, notice, demo accounts) for a page request carrying session cookie ``cookie``.
    Runs in a worker thread: it reads the application database and may open the data file."""
    from dashboard.accounts import access, sessions
    from dashboard.core.config import ConfigError, settings
    from dashboard.store import db

    try:
        cfg = settings().auth
        if cfg.mode != "local":
            return False, "", None
        database = db.database()
    except (db.DatabaseUnavailable, ConfigError):
        return False, "", None  # the entry script says what is wrong and what to do
    notice = ""
    token = sessions.token_of(cookie)
    if token is not None:
        name, reason = sessions.check(token, cfg.idle_minutes)
        if name is not None:
            return False, "", None  # logged in: Streamlit resumes the login from the cookie
        notice = access.resume_notice(reason, cfg)
    return True, notice, access.demo_accounts() if database.is_sample else None


def _log_in(fields: dict[str, str], base: str) -> LoginOutcome:
    """Check the posted name and password (worker thread); a cookie value and where to go, or the error."""
    from dashboard.accounts import sessions, users
    from dashboard.core.config import settings
    from dashboard.store import appdb, db

    cfg = settings().auth
    name = fields.get("username", "")[:64]
    location = safe_next(fields.get("next"), base)
    try:
        user = users.authenticate(name, fields.get("password", "")[:256], cfg.max_failures, cfg.lockout_minutes,
                                  demo_allowed=db.database().is_sample)
    except users.AccountError as e:
        appdb.audit("login_failed", name.strip()[:64] or None, reason=str(e))
        return LoginOutcome(error=str(e), username=name.strip(), location=location)
    appdb.audit("login", user.username, mode="local")
    token = sessions.start(user.username, cfg.mode, cfg.session_hours)
    sessions.note_fresh(token)
    return LoginOutcome(cookie=sessions.cookie_value(token), location=location, token=token)


# -- the hand-over to the page session under the layer ----------------------------------------------------------
HANDOVER_SECONDS = 120
_handovers = sessions.OneTime(HANDOVER_SECONDS)  # SHA-256 of the login page's token → login token


def hand_over(csrf: str, token: str) -> None:
    """A login made by the layer's form, for the page session whose browser holds ``csrf`` (the token of the
    ``dashboard_login`` cookie, which the page session saw when it connected): once, for two minutes."""
    _handovers.put(sessions.token_hash(csrf), token)


def take_over(csrf: str | None) -> str | None:
    """The login token handed over for ``csrf`` (then gone), or None."""
    return _handovers.take(sessions.token_hash(csrf)) if csrf else None


async def _read_body(receive) -> bytes | None:
    body = b""
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return None
        body += message.get("body", b"")
        if len(body) > MAX_BODY:
            return None
        if not message.get("more_body"):
            return body


def _headers() -> list[tuple[bytes, bytes]]:
    """Never inside another site's frame (the login form), posts only to this site. No script policy: it is
    Streamlit's own page, whose frontend and components need their scripts; everything the layer shows from a
    request or the database is escaped."""
    return [(b"content-security-policy", b"frame-ancestors 'none'; form-action 'self'; base-uri 'self'; "
                                         b"object-src 'none'"),
            (b"x-frame-options", b"DENY"), (b"referrer-policy", b"same-origin")]


async def _send_page(send, base: str, *, next_path: str, error: str = "", notice: str = "",
                     username: str = "", demo: list[dict] | None = None, secure: bool = False) -> bool:
    from dashboard.accounts.serve import _answer, cookie_header

    csrf = secrets.token_urlsafe(24)
    text = page_html(base, next_path, csrf, error=error, notice=notice, username=username, demo_accounts=demo)
    if text is None:
        return False
    headers = [(b"set-cookie", cookie_header(CSRF_COOKIE, csrf, base, secure)), *_headers()]
    await _answer(send, 200, text.encode(), "text/html; charset=utf-8", headers)
    return True


async def page(scope, send, base: str, path: str, cookie: str | None, secure: bool) -> bool:
    """Answer a page request with the login layer if it needs one; False = let Streamlit answer."""
    show, notice, demo = await asyncio.to_thread(_form_context, cookie)
    if not show:
        return False
    query = scope.get("query_string", b"").decode("latin-1")
    next_path = safe_next(f"{base}{path}" + (f"?{query}" if query else ""), base)
    return await _send_page(send, base, next_path=next_path, notice=notice, demo=demo, secure=secure)


def _wants_json(scope) -> bool:
    return any(k == b"accept" and b"application/json" in v for k, v in scope.get("headers", []))


async def post(scope, receive, send, base: str, secure: bool) -> None:
    """``POST /_dashboard/login``: from the layer's script (``Accept: application/json``) the answer is JSON
    (``{"ok", "next"}`` or ``{"error", "username"}``) and the login is handed over to the page session under the
    layer; from a plain form post, a 303 to ``next`` or the page again with the reason."""
    from dashboard.accounts.serve import COOKIE, _answer, _cookie, cookie_header

    wants_json = _wants_json(scope)

    async def refuse(status: int, text: str, extra: list | None = None):
        if wants_json:
            return await _answer(send, status, json.dumps({"error": text}, ensure_ascii=False).encode(),
                                 "application/json; charset=utf-8", extra)
        return await _answer(send, status, text.encode(), headers=extra)

    if scope.get("method") != "POST":
        return await refuse(405, "请从登录页提交用户名和密码。", [(b"allow", b"POST")])
    body = await _read_body(receive)
    if body is None:
        return await refuse(413, "提交的内容过大或不完整，请回到登录页重新输入。")
    try:
        fields = {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace"), max_num_fields=8).items()}
    except ValueError:  # more fields than the form has
        return await refuse(400, "提交的内容不是登录页的表单，请回到登录页重新输入。")
    expected = _cookie(scope, CSRF_COOKIE)
    if (not same_origin(scope) or not expected
            or not hmac.compare_digest(fields.get("csrf", "").encode(), expected.encode())):
        return await refuse(403, "登录请求不是从本看板的登录页发出的（或登录页已过期），已拒绝。请刷新登录页后重新登录。")
    outcome = await asyncio.to_thread(_log_in, fields, base)
    if outcome.cookie is None:
        if wants_json:
            return await _answer(send, 200, json.dumps({"error": outcome.error, "username": outcome.username},
                                                       ensure_ascii=False).encode(), "application/json; charset=utf-8")
        _, _, demo = await asyncio.to_thread(_form_context, None)
        await _send_page(send, base, next_path=outcome.location, error=outcome.error,
                         username=outcome.username, demo=demo, secure=secure)
        return
    cookies = [(b"set-cookie", cookie_header(COOKIE, outcome.cookie, base, secure)),
               (b"set-cookie", cookie_header(CSRF_COOKIE, "", base, secure, max_age=0))]
    if wants_json:
        hand_over(expected, outcome.token)
        return await _answer(send, 200, json.dumps({"ok": True, "next": outcome.location}).encode(),
                             "application/json; charset=utf-8", cookies)
    await _answer(send, 303, b"", headers=[(b"location", outcome.location.encode("utf-8")), *cookies])
