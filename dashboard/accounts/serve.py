"""服务端把关 — what the web server hands out without a script run: media, static files, cookies.

Streamlit answers some requests itself, outside any page run and so outside
``access.require_user``: ``/media/<id>.<ext>`` (every ``st.download_button`` file and every
image), ``/app/static/…``, ``/_stcore/upload_file/…`` and ``/_stcore/metrics``. Without this
module anyone who can reach the port and knows (or guesses) a media address gets the file.

``install()`` (called when ``dashboard.accounts.access`` is imported, i.e. in the first page run of a
server process, before any page can have made a media file) wraps the running Starlette
application of ``streamlit run`` in ``Guard``, an ASGI layer in front of all of Streamlit's
routes. The Guard:

* answers ``/media/…`` only to a browser that carries a valid dashboard session cookie and
  whose login made the file: the file must be referenced by a Streamlit session bound to that
  very cookie (``bind``), and the account's area now must still cover the area it had then.
  No cookie, a forged or revoked cookie, another browser's cookie → 403;
* serves ``/app/static/`` only below ``vendor/`` (public libraries such as Leaflet); whatever
  else lands in ``static/`` is never handed out;
* refuses uploads without a valid session cookie, and answers ``/_stcore/metrics`` (cache
  statistics naming internal functions) with 404;
* sets the session cookie: the browser fetches ``/_dashboard/session/<one-time code>`` (a CSS
  background image the login run draws, see ``cookie_style``) and gets ``Set-Cookie`` with
  ``HttpOnly; SameSite=Strict``. Streamlit itself cannot set a cookie from a page run.

The cookie is ``<token>.<signature>``: a random token, signed with HMAC-SHA256 by a key
generated into the application database on first use (never in the repository). The server
keeps a record per login (``web_sessions``: the token's SHA-256, user, created, last seen,
expiry, revoked), so a reload logs the browser back in (``resume``) until the idle timeout or
``[auth] session_hours``, and logging out revokes it.

Everything here is in-process: with several app processes behind one proxy, the proxy must
keep a browser on one process (as Streamlit's media and uploads require anyway); the session
records themselves are shared through the application database.
"""

from __future__ import annotations

import asyncio
import gc
import re
import secrets
import threading
from contextlib import contextmanager
from typing import Any

from dashboard.accounts import login_form, sessions
from dashboard.accounts.sessions import check, cookie_value, token_of

COOKIE = "dashboard_session"
SESSION_PATH = "_dashboard/session"
LOGOUT_PATH = "_dashboard/logout"
HANDOFF_SECONDS = 120


_lock = threading.Lock()
_handoffs = sessions.OneTime(HANDOFF_SECONDS)  # one-time code → cookie value
_bindings: dict[str, tuple[str, str, str]] = {}  # Streamlit session id → (token hash, user name, area root)
_deferred_owner: dict[str, set[str]] = {}  # media file id made by a deferred download → Streamlit session ids
_installed: dict[str, Any] = {}  # "app": the guarded Starlette app, "mgr": Streamlit's media file manager


def revoke(token: str | None) -> None:
    """End a login: its record (``sessions.revoke``) and the page sessions bound to it."""
    if not token:
        return
    sessions.revoke(token)
    h = sessions.token_hash(token)
    with _lock:
        for sid in [s for s, b in _bindings.items() if b[0] == h]:
            del _bindings[sid]


# -- the page session ↔ login binding ---------------------------------------------------------------------------
def bind(session_id: str, token: str, username: str, root: str) -> None:
    """This Streamlit session runs for the login ``token`` of ``username`` seeing ``root``: the
    media files it makes may be fetched with that login's cookie."""
    with _lock:
        _bindings[session_id] = (sessions.token_hash(token), username, root)
        if len(_bindings) > 200:  # drop the bindings of page sessions that have ended
            _prune_bindings()


def _prune_bindings() -> None:
    from streamlit import runtime

    if not runtime.exists():
        return
    manager = runtime.get_instance()._session_mgr
    for sid in [s for s in _bindings if manager.get_session_info(s) is None]:
        del _bindings[sid]


def unbind(session_id: str) -> None:
    with _lock:
        _bindings.pop(session_id, None)


def handoff(token: str) -> str:
    """A one-time code the browser exchanges for the cookie (``/_dashboard/session/<code>``)."""
    code = secrets.token_urlsafe(24)
    _handoffs.put(code, cookie_value(token))
    return code


def _take_handoff(code: str) -> str | None:
    return _handoffs.take(code)


_deferred = threading.local()  # while a click-built download is made: the page session it is for


@contextmanager
def made_for(session_id: str | None):
    """Run a click-built download (Streamlit calls it outside any page run, in a worker thread)
    as the page session that offered it: ``deferred_binding`` then gives that session's user and
    area to the scope guard, the sensitive-field rule and the audit record."""
    with _lock:
        binding = _bindings.get(session_id) if session_id else None
    previous = getattr(_deferred, "state", None)
    _deferred.state = (binding,)
    try:
        yield binding
    finally:
        _deferred.state = previous


def in_deferred() -> bool:
    """Inside ``made_for``: a download is being made for a page session."""
    return getattr(_deferred, "state", None) is not None


def deferred_binding() -> tuple[str, str, str] | None:
    """(token hash, user name, area root) of the page session a download is being made for."""
    state = getattr(_deferred, "state", None)
    return state[0] if state else None


def installed() -> bool:
    return "app" in _installed


def _base() -> str:
    from streamlit import config

    base = (config.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}" if base else ""


def cookie_style(token: str) -> str:
    """CSS that makes the browser fetch the cookie (an invisible background image): Streamlit
    puts style-only HTML in its event container, so it takes no room on the page."""
    url = f"{_base()}/{SESSION_PATH}/{handoff(token)}"
    return f"<style>[data-testid='stApp']{{background-image:url('{url}');background-repeat:no-repeat;" \
           f"background-size:1px 1px;}}</style>"


def clear_cookie_style() -> str:
    return f"<style>[data-testid='stApp']{{background-image:url('{_base()}/{LOGOUT_PATH}');" \
           f"background-repeat:no-repeat;background-size:1px 1px;}}</style>"


# -- the guard in front of Streamlit's routes --------------------------------------------------------------------
_GIF = bytes.fromhex("47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b")


def _owners(file_id: str) -> set[str]:
    """The Streamlit sessions that made (and still show) the media file ``file_id``."""
    mgr = _installed.get("mgr")
    if mgr is None:
        return set()
    with mgr._lock:
        owners = {sid for sid, files in mgr._files_by_session_and_coord.items() if file_id in files.values()}
    with _lock:
        owners |= _deferred_owner.get(file_id, set())
    return owners


def media_allowed(cookie: str | None, file_id: str) -> tuple[bool, str]:
    """May the browser with session cookie ``cookie`` fetch media file ``file_id``?"""
    from dashboard.accounts import users
    from dashboard.core.config import settings

    token = token_of(cookie)
    if token is None:
        return False, "需要登录：没有有效的看板会话"
    name, reason = check(token, settings().auth.idle_minutes)
    if name is None:
        return False, f"会话已失效（{reason}），请重新登录"
    user = users.get(name)
    if user is None or user.disabled or user.area_root is None:
        return False, "账号已停用或没有区域权限"
    h = sessions.token_hash(token)
    owners = _owners(file_id)
    with _lock:
        bound = [_bindings.get(sid) for sid in owners]
    if not any(b and b[0] == h and b[2].startswith(user.area_root) for b in bound):
        return False, "该文件不属于本会话或不在账号的区域权限内"
    return True, ""


def _cookie(scope, wanted: str = COOKIE) -> str | None:
    """A cookie (default: the dashboard's session cookie) from the request's Cookie headers (parsed by hand:
    the standard library's parser gives up on the whole header at the first cookie it dislikes)."""
    for key, value in scope.get("headers", []):
        if key != b"cookie":
            continue
        for part in value.decode("latin-1").split(";"):
            name, _, content = part.strip().partition("=")
            if name == wanted:
                return content.strip().strip('"') or None
    return None


def cookie_header(name: str, value: str, base: str, secure: bool, max_age: int | None = None) -> bytes:
    """A ``Set-Cookie`` value for one of the dashboard's cookies: ``HttpOnly; SameSite=Strict`` under the app's
    base path, ``Secure`` when asked (HTTPS), ``Max-Age=0`` to delete it."""
    parts = [f"{name}={value}", f"Path={base or '/'}", "HttpOnly", "SameSite=Strict"]
    if max_age is not None:
        parts.append(f"Max-Age={max_age}")
    if secure:
        parts.append("Secure")
    return "; ".join(parts).encode()


async def _answer(send, status: int, body: bytes = b"", content_type: str = "text/plain; charset=utf-8",
                  headers: list[tuple[bytes, bytes]] | None = None) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", content_type.encode()), (b"content-length", str(len(body)).encode()),
                            (b"cache-control", b"no-store"), *(headers or [])]})
    await send({"type": "http.response.body", "body": body})


def _secure(scope) -> bool:
    if scope.get("scheme") == "https":
        return True
    return any(k == b"x-forwarded-proto" and v.strip().lower() == b"https" for k, v in scope.get("headers", []))


class Guard:
    """ASGI layer in front of Streamlit's routes (see the module's description)."""

    def __init__(self, inner):
        self.inner = inner

    async def __call__(self, scope, receive, send):
        if scope.get("type") != "http":
            return await self.inner(scope, receive, send)
        base = _base()
        path = re.sub("/{2,}", "/", scope.get("path", ""))
        if base and path.startswith(base):
            path = path[len(base):]
        if path.startswith(f"/{SESSION_PATH}/"):
            value = _take_handoff(path.rsplit("/", 1)[-1])
            if value is None:
                return await _answer(send, 404, "登录凭据已失效".encode())
            return await _answer(send, 200, _GIF, "image/gif",
                                 [(b"set-cookie", cookie_header(COOKIE, value, base, _secure(scope)))])
        if path == f"/{login_form.LOGIN_PATH}":
            return await login_form.post(scope, receive, send, base, _secure(scope))
        if login_form.is_page_request(scope, path) and await login_form.page(scope, send, base, path, _cookie(scope),
                                                                               _secure(scope)):
            return
        if path == f"/{LOGOUT_PATH}":
            return await _answer(send, 200, _GIF, "image/gif",
                                 [(b"set-cookie", cookie_header(COOKIE, "", base, False, max_age=0))])
        if path.startswith("/media/"):
            if scope.get("method") == "OPTIONS":
                return await _answer(send, 403, "不允许跨站访问".encode())
            file_id = path.rsplit("/", 1)[-1].split(".", 1)[0]
            ok, why = await asyncio.to_thread(media_allowed, _cookie(scope), file_id)
            if not ok:
                return await _answer(send, 403, f"拒绝访问：{why}。".encode())
        elif path.startswith("/app/static/"):
            if not path.startswith("/app/static/vendor/") or ".." in path:
                return await _answer(send, 404, "没有此文件".encode())
        elif path.startswith("/_stcore/upload_file"):
            token = token_of(_cookie(scope))
            if token is None or (await asyncio.to_thread(_live, token)) is None:
                return await _answer(send, 403, "需要登录后才能上传文件。".encode())
        elif path.startswith("/_stcore/metrics"):
            return await _answer(send, 404, b"")
        return await self.inner(scope, receive, send)


def _live(token: str) -> str | None:
    from dashboard.core.config import settings

    return check(token, settings().auth.idle_minutes)[0]


def _watch_deferred(mgr) -> None:
    """Remember which session a deferred download (built on click) was made for: Streamlit leaves
    the file it makes then unmapped to any session."""
    original = mgr.execute_deferred

    def execute_deferred(file_id: str) -> str:
        with mgr._lock:
            entry = mgr._deferred_callables.get(file_id)
            sid = entry["session_id"] if entry else None
        with made_for(sid):
            url = original(file_id)
        if sid:
            made = url.rsplit("/", 1)[-1].split("?", 1)[0].split(".", 1)[0]
            with _lock:
                _deferred_owner.setdefault(made, set()).add(sid)
                for gone in [f for f in _deferred_owner if f not in mgr._file_metadata]:
                    del _deferred_owner[gone]  # Streamlit has deleted the file
        return url

    mgr.execute_deferred = execute_deferred


def install() -> bool:
    """Put the Guard in front of the running server's routes (once per process). False when no
    Streamlit server runs in this process (AppTest, the command line)."""
    with _lock:
        if "app" in _installed:
            return True
    try:
        from starlette.applications import Starlette
        from streamlit import runtime
    except ImportError:  # pragma: no cover
        return False
    if not runtime.exists():
        return False
    apps = [o for o in gc.get_objects() if type(o) is Starlette]
    if len(apps) != 1:
        return False
    app = apps[0]
    with _lock:
        if "app" in _installed:
            return True
        if app.middleware_stack is None:
            app.middleware_stack = app.build_middleware_stack()
        app.middleware_stack = Guard(app.middleware_stack)
        mgr = runtime.get_instance().media_file_mgr
        _watch_deferred(mgr)
        _installed.update(app=app, mgr=mgr)
    return True


# -- the launcher: the Guard from the server's first request -----------------------------------------------------
def _guarded_app_factory(original):
    def create_starlette_app(runtime):
        from starlette.middleware import Middleware

        app = original(runtime)
        app.user_middleware.insert(0, Middleware(Guard))  # outermost of the app's own layers
        with _lock:
            _watch_deferred(runtime.media_file_mgr)
            _installed.update(app=app, mgr=runtime.media_file_mgr)
        from dashboard import warmup

        if warmup.enabled():
            warmup.at_start()  # imports and the database's open before the first leader comes
        return app

    return create_starlette_app


def main(argv: list[str] | None = None) -> int:
    """``python -m dashboard.accounts.serve streamlit_app.py [streamlit run options]``: ``streamlit run``
    with the Guard in place before the first request (``make run`` starts the dashboard so).
    Plain ``streamlit run streamlit_app.py`` installs it at the first page run instead, which
    is before any media file exists."""
    import sys

    from streamlit.web import cli
    from streamlit.web.server.starlette import starlette_server

    starlette_server.create_starlette_app = _guarded_app_factory(starlette_server.create_starlette_app)
    args = sys.argv[1:] if argv is None else argv
    sys.argv = ["streamlit", "run", *args]
    return cli.main(prog_name="streamlit")


if __name__ == "__main__":  # pragma: no cover
    # run the imported module's main, not this copy's: the page runs import ``dashboard.accounts.serve``,
    # and the Guard must read the bindings they write
    from dashboard.accounts.serve import main as _main

    raise SystemExit(_main())
