"""会话记录 — the browser logins behind the session cookie, kept in the application database.

The cookie is ``<token>.<signature>``: a random token, signed with HMAC-SHA256 by a key generated into
the application database on first use (never in the repository). A record per login (``web_sessions``:
the token's SHA-256, user, created, last seen, expiry, revoked) lets a reload log the browser back in
until the idle timeout or ``[auth] session_hours``; logging out or disabling the account revokes it.
What the web server does with the cookie (media, uploads, setting it) is ``dashboard.accounts.serve``.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from datetime import datetime, timedelta

from dashboard.store import appdb

TOUCH_SECONDS = 60  # last_seen is written at most once a minute per login

SCHEMA = """
CREATE TABLE IF NOT EXISTS web_sessions (
    token_hash  TEXT PRIMARY KEY,   -- SHA-256 of the cookie's token: the database never holds a usable cookie
    username    TEXT NOT NULL,
    mode        TEXT NOT NULL,      -- local / header / oidc
    created_at  TEXT NOT NULL,
    last_seen   TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    revoked_at  TEXT
);
CREATE INDEX IF NOT EXISTS web_sessions_user ON web_sessions (username);
CREATE TABLE IF NOT EXISTS app_keys (
    name        TEXT PRIMARY KEY,
    value       TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
"""
appdb.register_schema(SCHEMA)

_touched: dict[str, float] = {}  # token hash → when last_seen was last written


# -- the signing key and the cookie value ---------------------------------------------------------------------
_keys: dict[str, bytes] = {}  # application database file → its key (read once per process)


def _key() -> bytes:
    """The cookie-signing key, generated into the application database on first use."""
    path = str(appdb.app_db_path())
    if path not in _keys:
        with appdb.connect() as con:
            con.execute("INSERT OR IGNORE INTO app_keys (name, value, created_at) VALUES ('cookie', ?, ?)",
                        [secrets.token_hex(32), appdb.now().isoformat()])
            _keys[path] = bytes.fromhex(con.execute("SELECT value FROM app_keys WHERE name = 'cookie'").fetchone()[0])
    return _keys[path]


def _sign(token: str) -> str:
    return hmac.new(_key(), token.encode(), hashlib.sha256).hexdigest()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def cookie_value(token: str) -> str:
    return f"{token}.{_sign(token)}"


def token_of(value: str | None) -> str | None:
    """The token of a cookie value whose signature is right, else None."""
    if not value or value.count(".") != 1:
        return None
    token, signature = value.split(".")
    if not token or not hmac.compare_digest(signature.encode(), _sign(token).encode()):
        return None
    return token


# -- login records --------------------------------------------------------------------------------------------
def start(username: str, mode: str, hours: int) -> str:
    """A new login record; returns its token (kept in the page session, sent as the cookie)."""
    token = secrets.token_urlsafe(32)
    moment = appdb.now()
    with appdb.connect() as con:
        con.execute("INSERT INTO web_sessions (token_hash, username, mode, created_at, last_seen, expires_at)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    [token_hash(token), username, mode, moment.isoformat(), moment.isoformat(),
                     (moment + timedelta(hours=hours)).isoformat()])
    return token


def check(token: str | None, idle_minutes: int) -> tuple[str | None, str]:
    """(user name, '') for a live login; (None, reason) with reason 'idle', 'expired',
    'revoked' or 'unknown' otherwise. An idle or expired record is revoked on the way."""
    if not token:
        return None, "unknown"
    with appdb.connect() as con:
        r = con.execute("SELECT * FROM web_sessions WHERE token_hash = ?", [token_hash(token)]).fetchone()
        if r is None:
            return None, "unknown"
        if r["revoked_at"]:
            return None, "revoked"
        moment = appdb.now()
        reason = ("expired" if datetime.fromisoformat(r["expires_at"]) <= moment else
                  "idle" if moment - datetime.fromisoformat(r["last_seen"]) > timedelta(minutes=idle_minutes) else "")
        if reason:
            con.execute("UPDATE web_sessions SET revoked_at = ? WHERE token_hash = ?", [moment.isoformat(), r["token_hash"]])
            return None, reason
    return r["username"], ""


class OneTime:
    """Values kept in this process for ``seconds``, each taken at most once (the cookie hand-off codes, the login
    layer's hand-overs, the fresh-login notes)."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self._lock = threading.Lock()
        self._items: dict[str, tuple[object, float]] = {}  # key → (value, valid until)

    def put(self, key: str, value: object) -> None:
        now = time.monotonic()
        with self._lock:
            for k in [k for k, (_, until) in self._items.items() if until < now]:
                del self._items[k]
            self._items[key] = (value, now + self.seconds)

    def take(self, key: str):
        """The value kept under ``key`` (then gone), or None when there is none or it is too late."""
        with self._lock:
            entry = self._items.pop(key, None)
        return entry[0] if entry and entry[1] >= time.monotonic() else None


FRESH_SECONDS = 120
_fresh = OneTime(FRESH_SECONDS)  # token hash → True: the login layer made it (its first page session is no reload)


def note_fresh(token: str) -> None:
    """A login just made by the login layer (``login_form``): audited there, so the page session that
    picks it up from the cookie next is not recorded as a reload."""
    _fresh.put(token_hash(token), True)


def take_fresh(token: str) -> bool:
    """Whether ``token`` was made by the login layer moments ago and no page session has used it yet."""
    return _fresh.take(token_hash(token)) is not None


def touch(token: str) -> None:
    """Note activity of a login (for its idle timeout across reloads), at most once a minute."""
    h = token_hash(token)
    if time.monotonic() - _touched.get(h, -1e9) < TOUCH_SECONDS:
        return
    if len(_touched) > 1000:  # only a throttle: forgetting it costs one extra write
        _touched.clear()
    _touched[h] = time.monotonic()
    with appdb.connect() as con:
        con.execute("UPDATE web_sessions SET last_seen = ? WHERE token_hash = ? AND revoked_at IS NULL",
                    [appdb.now().isoformat(), h])


def revoke(token: str) -> None:
    with appdb.connect() as con:
        con.execute("UPDATE web_sessions SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL",
                    [appdb.now().isoformat(), token_hash(token)])


def revoke_user(username: str, path=None) -> int:
    """End every browser login of an account (when it is disabled)."""
    with appdb.connect(path) as con:
        return con.execute("UPDATE web_sessions SET revoked_at = ? WHERE username = ? AND revoked_at IS NULL",
                           [appdb.now().isoformat(), username]).rowcount
