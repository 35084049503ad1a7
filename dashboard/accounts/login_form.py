"""登录页（纯 HTML）— the local-mode login form, answered by the web server itself.

Streamlit's own login page is a page run: before its form can show, the browser has to boot
Streamlit's frontend (about 4 MB of script to run, even from the cache), open the WebSocket and
wait for the run — 1.5–2 s on the reference machine, before the user can type. Served by
``serve.Guard`` instead, the form is a few kilobytes of HTML that shows at once, and while the
user types the browser fetches and compiles the frontend's script files (``modulepreload``,
the list Streamlit's own ``index.html`` preloads), so the page after the login boots from the
cache.

* ``GET`` of a page address (``/``, ``/tickets?district=…``; an HTML request outside Streamlit's
  own routes) without a live session cookie, in ``local`` mode with a usable database: this
  page. Anything else (a live cookie, header/OIDC mode, a database problem, which the entry
  script explains) goes on to Streamlit.
* ``POST /_dashboard/login``: the same checks as Streamlit's form (``users.authenticate``:
  lockout, disabled and demo accounts; the same audit records), then the session record and its
  cookie (``HttpOnly; SameSite=Strict``) and ``303`` back to the address the user asked for
  (``next``: a path of this site, never another host). A wrong password shows the form again
  with the reason and the user name kept.
* Cross-site posts are refused: the form carries a random token that must equal the one in a
  ``SameSite=Strict`` cookie set with the form (a page on another site can neither read nor send
  it), and a request whose ``Origin`` names another host is refused as well.

Streamlit's login page (``access.login_page``) stays: it is what a session sees after an idle
logout or 退出登录 within the page, and what ``streamlit run`` shows before the Guard is in place.
"""

from __future__ import annotations

import asyncio
import hmac
import html
import re
import secrets
from functools import lru_cache
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

LOGIN_PATH = "_dashboard/login"
CSRF_COOKIE = "dashboard_login"
MAX_BODY = 8 * 1024
# Streamlit's own routes and files: never the login page
_NOT_PAGES = ("/_stcore", "/static/", "/media/", "/app/", "/component/", "/_dashboard/", "/favicon", "/robots",
              "/manifest", "/-/", "/auth/", "/oauth2callback")


class LoginOutcome:
    """What a login post led to: a cookie and a redirect, or the form again with an error."""

    def __init__(self, cookie: str | None = None, location: str = "/", error: str = "", username: str = ""):
        self.cookie, self.location, self.error, self.username = cookie, location, error, username


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


def _preload_links(base: str) -> str:
    tags = {"script": '<link rel="modulepreload" crossorigin href="{}">', "style": '<link rel="preload" as="style" href="{}">',
            "font": '<link rel="preload" as="font" type="font/woff2" crossorigin href="{}">'}
    return "\n".join(tags[kind].format(html.escape(f"{base}/{file}")) for kind, file in frontend_files())


_STYLE = """
:root { --primary: #1d4ed8; --text: #31333f; --muted: #6b7280; --border: #d6d9e0; }
* { box-sizing: border-box; }
body { margin: 0; font-family: "Source Sans Pro", "Source Sans 3", "Noto Sans CJK SC", "Noto Sans SC", "Microsoft YaHei",
  "PingFang SC", sans-serif; color: var(--text); background: #fff; font-size: 16px; line-height: 1.6; }
main { max-width: 36rem; margin: 0 auto; padding: 4.5rem 1rem 3rem; }
h1 { font-size: 2.25rem; font-weight: 700; margin: 0 0 1.2rem; line-height: 1.25; }
form { border: 1px solid var(--border); border-radius: .5rem; padding: 1.25rem 1.25rem 1.4rem; margin-bottom: 1rem; }
h2 { font-size: 1.5rem; font-weight: 600; margin: 0 0 .8rem; }
label { display: block; font-size: .875rem; margin: .9rem 0 .3rem; }
input[type=text], input[type=password] { width: 100%; font: inherit; padding: .45rem .75rem; border: 1px solid transparent;
  border-radius: .5rem; background: #f0f2f6; color: var(--text); }
input:focus { outline: none; border-color: var(--primary); }
button { width: 100%; margin-top: 1.3rem; font: inherit; padding: .45rem .75rem; border: 0; border-radius: .5rem;
  background: var(--primary); color: #fff; cursor: pointer; }
button:hover { background: #1e40af; }
button:disabled { opacity: .7; cursor: progress; }
.alert { border-radius: .5rem; padding: .8rem 1rem; margin: 0 0 1rem; }
.alert.error { background: #fde8e8; color: #7d1a1a; }
.alert.info { background: #e0ecff; color: #1e3a8a; }
.note { color: var(--muted); font-size: .875rem; }
table { border-collapse: collapse; width: 100%; font-size: .875rem; margin-top: .4rem; }
th, td { text-align: left; padding: .3rem .6rem; border-bottom: 1px solid #e6e8ee; }
th { color: var(--muted); font-weight: 400; }
"""


def page_html(base: str, next_path: str, csrf: str, *, error: str = "", notice: str = "", username: str = "",
              demo_accounts: list[dict] | None = None, nonce: str = "") -> str:
    """The login page. Everything that comes from a request or the database is escaped; the one inline script
    carries ``nonce`` (the Content-Security-Policy lets only it run)."""
    e = html.escape
    alerts = "".join(f'<div class="alert {kind}" role="{role}">{e(text)}</div>'
                     for kind, role, text in (("info", "status", notice), ("error", "alert", error)) if text)
    if demo_accounts:
        rows = "".join(f"<tr><td>{e(a['role'])}</td><td>{e(a['area'])}</td><td>{e(a['username'])}</td>"
                       f"<td>{e(a['password'])}</td></tr>" for a in demo_accounts)
        below = ("<p><strong>演示账号</strong>（仅在示例数据下可用，密码在本机随机生成）</p>"
                 f"<table><thead><tr><th>角色</th><th>区域</th><th>用户名</th><th>密码</th></tr></thead>"
                 f"<tbody>{rows}</tbody></table>")
    else:
        below = '<p class="note">没有账号或忘记密码，请联系本单位的看板管理员。</p>'
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>登录 · 基层治理督查考评看板</title>
<link rel="icon" href="data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 100 100'%3E%3Ctext y='.9em' font-size='90'%3E%F0%9F%8F%9B%EF%B8%8F%3C/text%3E%3C/svg%3E">
<style>{_STYLE}</style>
{_preload_links(base)}
</head><body><main>
<h1>基层治理督查考评看板</h1>
{alerts}<form method="post" action="{e(base)}/{LOGIN_PATH}" id="login" data-testid="loginForm">
<h2>登录</h2>
<input type="hidden" name="next" value="{e(next_path)}"><input type="hidden" name="csrf" value="{e(csrf)}">
<label for="username">用户名</label>
<input type="text" id="username" name="username" maxlength="64" autocomplete="username" required value="{e(username)}"{'' if username else ' autofocus'}>
<label for="password">密码</label>
<input type="password" id="password" name="password" maxlength="256" autocomplete="current-password" required{' autofocus' if username else ''}>
<button type="submit">登录</button>
</form>
{below}
</main>
<script nonce="{e(nonce)}">document.getElementById('login').addEventListener('submit', (ev) => {{
  const b = ev.target.querySelector('button'); b.disabled = true; b.textContent = '正在登录…'; }});</script>
</body></html>"""


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
    return LoginOutcome(cookie=sessions.cookie_value(token), location=location)


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


def _csp(nonce: str) -> str:
    """Only this site's files, only the page's own script, posts only to this site, never inside a frame."""
    return (f"default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data:; font-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")


async def _send_page(send, base: str, *, next_path: str, error: str = "", notice: str = "",
                     username: str = "", demo: list[dict] | None = None, secure: bool = False) -> None:
    from dashboard.accounts.serve import _answer, cookie_header

    csrf, nonce = secrets.token_urlsafe(24), secrets.token_urlsafe(16)
    body = page_html(base, next_path, csrf, error=error, notice=notice, username=username,
                     demo_accounts=demo, nonce=nonce).encode()
    headers = [(b"set-cookie", cookie_header(CSRF_COOKIE, csrf, base, secure)),
               (b"content-security-policy", _csp(nonce).encode()), (b"x-frame-options", b"DENY"),
               (b"referrer-policy", b"same-origin")]
    await _answer(send, 200, body, "text/html; charset=utf-8", headers)


async def page(scope, send, base: str, path: str, cookie: str | None, secure: bool) -> bool:
    """Answer a page request with the login form if it needs one; False = let Streamlit answer."""
    show, notice, demo = await asyncio.to_thread(_form_context, cookie)
    if not show:
        return False
    query = scope.get("query_string", b"").decode("latin-1")
    next_path = safe_next(f"{base}{path}" + (f"?{query}" if query else ""), base)
    await _send_page(send, base, next_path=next_path, notice=notice, demo=demo, secure=secure)
    return True


async def post(scope, receive, send, base: str, secure: bool) -> None:
    """``POST /_dashboard/login``."""
    from dashboard.accounts.serve import COOKIE, _answer, _cookie, cookie_header

    if scope.get("method") != "POST":
        return await _answer(send, 405, "请从登录页提交用户名和密码。".encode(), headers=[(b"allow", b"POST")])
    body = await _read_body(receive)
    if body is None:
        return await _answer(send, 413, "提交的内容过大或不完整，请回到登录页重新输入。".encode())
    try:
        fields = {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace"), max_num_fields=8).items()}
    except ValueError:  # more fields than the form has
        return await _answer(send, 400, "提交的内容不是登录页的表单，请回到登录页重新输入。".encode())
    expected = _cookie(scope, CSRF_COOKIE)
    if (not same_origin(scope) or not expected
            or not hmac.compare_digest(fields.get("csrf", "").encode(), expected.encode())):
        return await _answer(send, 403, "登录请求不是从本看板的登录页发出的（或登录页已过期），已拒绝。请刷新登录页后重新登录。"
                             .encode())
    outcome = await asyncio.to_thread(_log_in, fields, base)
    if outcome.cookie is None:
        _, _, demo = await asyncio.to_thread(_form_context, None)
        return await _send_page(send, base, next_path=outcome.location, error=outcome.error,
                                username=outcome.username, demo=demo, secure=secure)
    headers = [(b"location", outcome.location.encode("utf-8")),
               (b"set-cookie", cookie_header(COOKIE, outcome.cookie, base, secure)),
               (b"set-cookie", cookie_header(CSRF_COOKIE, "", base, secure, max_age=0))]
    await _answer(send, 303, b"", headers=headers)
