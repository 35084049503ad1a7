"""应用数据库 — the writable application database: accounts and the audit log.

Kept apart from the analytics file (DuckDB, read-only, replaced whole by every build) so
that a rebuild or a rollback of the data never touches who may log in or what they did.
SQLite (Python's own ``sqlite3``) rather than DuckDB: several app processes and the
``python -m dashboard.accounts.users`` command write to it at once, which SQLite's locking and WAL
journal handle and a DuckDB file (one writing process at a time) does not.

The audit log is append-only by construction: triggers refuse every UPDATE and every
DELETE of a row younger than the retention floor (180 days), so even code with a bug
cannot rewrite history; only ``purge_audit`` removes rows past the configured retention.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Iterator

RETENTION_FLOOR_DAYS = 180

SCHEMA = f"""
CREATE TABLE IF NOT EXISTS users (
    username      TEXT PRIMARY KEY,
    display_name  TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('city', 'district', 'street', 'admin')),
    area_code     TEXT,               -- '' = whole city; NULL = no area yet (sees nothing)
    password_hash TEXT,               -- argon2id; NULL for accounts of the header mode
    disabled      INTEGER NOT NULL DEFAULT 0,
    demo          INTEGER NOT NULL DEFAULT 0,   -- demo account: only usable on sample data
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until  TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS audit (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    at        TEXT NOT NULL,          -- local time, ISO 8601
    username  TEXT,
    action    TEXT NOT NULL,          -- login / login_failed / logout / view / export / admin / denied
    page      TEXT,
    scope     TEXT,
    detail    TEXT                    -- JSON
);
CREATE INDEX IF NOT EXISTS audit_at ON audit (at);
CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, '审计日志只能追加，不能修改'); END;
CREATE TRIGGER IF NOT EXISTS audit_no_early_delete BEFORE DELETE ON audit
WHEN OLD.at > strftime('%Y-%m-%dT%H:%M:%S', 'now', 'localtime', '-{RETENTION_FLOOR_DAYS} days')
BEGIN SELECT RAISE(ABORT, '审计日志保留期内的记录不能删除'); END;
"""

_lock = threading.Lock()
_ready: set[tuple[str, int]] = set()  # (database file, schemas applied)
_schemas: list[str] = []  # the tables of other modules (督办, data versions), created with the base ones


def register_schema(sql: str) -> None:
    """Tables a module keeps in the application database (``CREATE … IF NOT EXISTS``): created
    once per process and file by ``connect``, with the base tables, before any statement runs."""
    if sql not in _schemas:
        _schemas.append(sql)


def app_db_path() -> Path:
    """``DASHBOARD_APP_DB`` or the configured ``[auth] app_database``."""
    from dashboard.core.config import settings

    env = os.environ.get("DASHBOARD_APP_DB")
    return Path(env) if env else settings().auth.app_database


def now() -> datetime:
    return datetime.now().replace(microsecond=0)


@contextmanager
def connect(path: Path | None = None) -> Iterator[sqlite3.Connection]:
    """A short-lived connection in autocommit-per-statement mode with the schema in place."""
    path = Path(path or app_db_path())
    path.parent.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(str(path), timeout=10, isolation_level=None)
    try:
        con.row_factory = sqlite3.Row
        key = (str(path.resolve()), len(_schemas))
        if key not in _ready:
            with _lock:
                con.execute("PRAGMA journal_mode=WAL")
                for sql in (SCHEMA, *_schemas):
                    con.executescript(sql)
                _ready.add(key)
                try:
                    os.chmod(path, 0o600)  # accounts and the audit log: readable by the service only
                except OSError:
                    pass
        yield con
    finally:
        con.close()


def audit(action: str, username: str | None, page: str | None = None, scope: str | None = None,
          path: Path | None = None, **detail: Any) -> None:
    """Append one audit record."""
    with connect(path) as con:
        con.execute("INSERT INTO audit (at, username, action, page, scope, detail) VALUES (?, ?, ?, ?, ?, ?)",
                    [now().isoformat(), username, action, page, scope,
                     json.dumps(detail, ensure_ascii=False, default=str) if detail else None])


AUDIT_QUERY = """
SELECT * FROM audit
WHERE (? IS NULL OR at >= ?) AND (? IS NULL OR at < ?) AND (? IS NULL OR username = ?) AND (? IS NULL OR action = ?)
ORDER BY id DESC LIMIT ?"""


def audit_rows(since: datetime | None = None, until: datetime | None = None, username: str | None = None,
               action: str | None = None, limit: int = 5000, path: Path | None = None) -> list[dict]:
    """Audit records, newest first, filtered by time, user and action."""
    args = [since.isoformat() if since else None, until.isoformat() if until else None, username, action]
    args = [a for v in args for a in (v, v)]
    with connect(path) as con:
        return [dict(r) for r in con.execute(AUDIT_QUERY, [*args, int(limit)]).fetchall()]


def purge_audit(retention_days: int, path: Path | None = None) -> int:
    """Remove audit records older than ``retention_days`` (never fewer than 180 days)."""
    days = max(int(retention_days), RETENTION_FLOOR_DAYS)
    cutoff = (now() - timedelta(days=days + 1)).isoformat()
    with connect(path) as con:
        return con.execute("DELETE FROM audit WHERE at < ?", [cutoff]).rowcount
