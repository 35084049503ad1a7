"""数据库访问 — run the questions in ``queries/*.sql`` against the dashboard database.

* The configured path (``[database] path`` / ``DASHBOARD_DB``) is a *pointer*: the builder
  writes every build to its own file ``<stem>.<version>.duckdb`` next to it and turns the
  configured path into a symbolic link to the newest build (``dashboard/store/build.py``). An
  old single-file database at that path is read as before.
* Every page run starts with ``page_run()``: the first question of the run follows the
  pointer (one ``readlink`` and ``stat``) and pins that build for the whole run, its worker
  threads included, so a run never mixes two builds. A build nobody's run uses any more and
  that is no longer the newest is closed. (DuckDB hands back the already open database when
  the same path is opened again, so each build must have its own file name.)
* Each build is opened **read-only** once; each query runs on its own ``cursor()`` (a DuckDB
  connection is not usable from two threads at once; cursors are).
* Parameters are **bound**, never formatted into SQL text. Each ``.sql`` file names its
  parameters as ``$name``; the runner passes exactly those and refuses a call that
  lacks one.
* Small results are cached with ``st.cache_data`` keyed by the build (its file signature), the
  query and its parameters. Raw ticket rows are never cached. ``DASHBOARD_RESULT_CACHE=0``
  turns the result cache off (the benchmark measures both ways).
* A build keeps the answers to the standard views' questions (``dashboard.store.stored_views``):
  ``Database.query`` takes a kept answer when its key (query text and every parameter) is in the build.
"""

from __future__ import annotations

import contextvars
import hashlib
import os
import threading
import warnings
from collections import OrderedDict
from concurrent.futures import Future
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, TypeVar

from datetime import date, datetime

import duckdb
import pandas as pd
import streamlit as st
from streamlit.logger import get_logger

from dashboard.core.areas import AreaIndex
from dashboard.core.config import settings
from dashboard.core.schema import SCHEMA_VERSION
from dashboard.store import stored_views
from dashboard.store.sql import load_query, macros_digest
from dashboard.store.workdays import WorkdayCalendar

T = TypeVar("T")
log = get_logger(__name__)

BUILD_COMMAND = "make demo-db"
# DuckDB warns that Arrow output of execute() copies the rows; for our small results that copy is
# cheaper than the second planning a relation (sql()) costs. Set once: catch_warnings is not thread-safe.
warnings.filterwarnings("ignore", message="Arrow output on a DB-API result", category=UserWarning)


class DatabaseUnavailable(RuntimeError):
    """The database file is missing, unreadable or of another version (message in Chinese)."""


def file_signature(path: Path) -> tuple[str, int, int, int]:
    """(file, inode, mtime, size) of the build ``path`` points to (symbolic links followed)."""
    target = os.path.realpath(path)
    st_ = os.stat(target)
    return (target, st_.st_ino, st_.st_mtime_ns, st_.st_size)


def bind(name: str, params: dict):
    """``queries/<name>.sql`` and exactly its named parameters from ``params``; a call that lacks one is refused."""
    q = load_query(name)
    missing = q.params - params.keys()
    if missing:
        raise TypeError(f"query {name!r} needs parameters {sorted(missing)}")
    return q, {k: params[k] for k in q.params}


class Database:
    """A read-only dashboard database: one build file (``path`` may be the pointer to it)."""

    def __init__(self, path: Path, signature: tuple | None = None):
        self.path = Path(path)
        if not self.path.exists():
            raise DatabaseUnavailable(
                f"找不到数据库文件 {self.path}。请在项目目录运行 `{BUILD_COMMAND}` 生成示例数据库，"
                f"或用 `python -m dashboard.store.load --source 数据文件夹 --out {self.path}` 导入本市数据，然后刷新页面。")
        try:
            self.signature = signature or file_signature(self.path)
        except OSError:
            raise DatabaseUnavailable(f"数据库文件 {self.path} 无法读取（刚被替换或没有权限）。请刷新页面重试。") from None
        self.file = Path(self.signature[0])
        try:
            self.con = duckdb.connect(str(self.file), read_only=True)
            rows = self.con.execute("SELECT key, value FROM meta").fetchall()
        except duckdb.Error as e:
            raise DatabaseUnavailable(
                f"数据库文件 {self.path} 无法读取（{type(e).__name__}）。它可能已损坏或不是本看板的数据库。"
                f"请运行 `{BUILD_COMMAND}` 重新生成示例数据库，或重新导入本市数据。") from None
        self.meta: dict[str, str] = dict(rows)
        version = self.meta.get("schema_version")
        if version != str(SCHEMA_VERSION):
            self.con.close()
            raise DatabaseUnavailable(
                f"数据库文件 {self.path} 的数据模型版本为 {version}，本程序需要版本 {SCHEMA_VERSION}。"
                f"请运行 `{BUILD_COMMAND}` 重新生成，或用新版本重新导入。")
        self._lock = threading.Lock()
        self.closed = False
        # Macros stored in the file by the builder are current: no per-cursor definitions needed.
        self.stored_macros = self.meta.get("macros_sha256") == macros_digest()
        # Answers to the standard views' questions kept in the build when it was written (stored_views)
        self.stored = stored_views.stored_keys(self.con)
        self.live_runs = 0  # questions run on DuckDB by this process (diagnostics and tests)
        self.stored_hits = 0  # … and answered from the kept answers

    @property
    def is_sample(self) -> bool:
        return self.meta.get("dataset") == "sample"

    def close(self) -> None:
        self.closed = True
        self.con.close()

    def query(self, name: str, **params: Any) -> pd.DataFrame:
        """Run ``queries/<name>.sql`` with exactly its named parameters bound — or, when the build keeps the
        answer to this very question (same query text, same parameters: ``stored_views.key``), take that."""
        return self.arrow(name, **params).to_pandas(date_as_object=False)

    def arrow(self, name: str, *, _live: bool = False, **params: Any):
        """``query`` as an Arrow table (what the builder keeps); ``_live`` runs it even when an answer is kept."""
        q, bound = bind(name, params)
        cur = self.con.cursor()
        try:
            if self.stored and not _live and stored_views.enabled():
                k = stored_views.key(q, bound)
                if k in self.stored:
                    try:
                        table = stored_views.stored_result(cur, k)
                    except Exception:  # noqa: BLE001  (a damaged answer in the file: ask DuckDB instead)
                        log.warning("构建中保存的 %s 答案无法读取，改为实时查询", name)
                    else:
                        self.stored_hits += 1
                        return table
            self.live_runs += 1
            if q.setup and not self.stored_macros:
                cur.execute(q.setup)
            # execute(), not sql(): a relation binds and plans the query once to learn its columns and
            # again to run it (5–15 ms more for the larger questions). Through Arrow: 3–4× faster than
            # .df() for text-heavy results (lists of grids, organisations, tickets); dates stay datetime64.
            return cur.execute(q.sql, bound).to_arrow_table()
        finally:
            cur.close()


# -- open builds: which runs use them, which is the newest ------------------------------------------------
_open_builds: dict[tuple, Database] = {}  # signature -> the open build
_users: dict[tuple, int] = {}  # signature -> page runs (and single calls) using it right now
_newest: dict[str, tuple] = {}  # configured path -> signature of the build it pointed to last
_builds_lock = threading.Lock()


def _acquire(path: Path) -> Database:
    """The build ``path`` points to now, counted as used until ``_release``."""
    if not path.exists():
        Database(path)  # raises DatabaseUnavailable with the Chinese explanation
    try:
        sig = file_signature(path)
    except OSError:  # replaced between exists() and stat()
        sig = file_signature(path)
    opened = False
    with _builds_lock:
        database = _open_builds.get(sig)
        if database is None:
            # An old single-file database replaced in place has the same file name: DuckDB would hand
            # back the open instance, so the old one is closed first — or kept while a run still uses it.
            in_use = None
            for other in [s for s in _open_builds if s[0] == sig[0]]:
                if _users.get(other, 0):
                    in_use = _open_builds[other]
                else:
                    _open_builds.pop(other).close()
                    _users.pop(other, None)
            if in_use is not None:
                database = in_use
            else:
                database = _open_builds[sig] = Database(path, sig)
                opened = True
        _users[database.signature] = _users.get(database.signature, 0) + 1
        _newest[str(path)] = database.signature
        _close_unused()
    if opened and _serving():
        for listener in list(_build_listeners):  # e.g. the warm-up: the views leaders open first, into the cache
            listener(database.signature)
    return database


_build_listeners: list[Callable[[tuple], None]] = []


def on_new_build(listener: Callable[[tuple], None]) -> None:
    """Call ``listener(signature)`` whenever a server process opens a build it had not opened (the warm-up,
    ``dashboard.warmup``, registers itself from the entry script). Registering the same listener again is a no-op."""
    if listener not in _build_listeners:
        _build_listeners.append(listener)


def _serving() -> bool:
    """Inside a running Streamlit server (not the command line, the builder or AppTest)."""
    try:
        from streamlit.runtime import Runtime

        return Runtime.exists() and type(Runtime.instance()) is Runtime  # AppTest installs a stand-in
    except Exception:  # noqa: BLE001
        return False


def _release(database: Database) -> None:
    with _builds_lock:
        _users[database.signature] = _users.get(database.signature, 1) - 1
        _close_unused()


def _close_unused() -> None:
    """Close every build that no run uses and that is not the newest of its path (lock held)."""
    newest = set(_newest.values())
    for sig in [s for s in _open_builds if s not in newest and not _users.get(s, 0)]:
        _open_builds.pop(sig).close()
        _users.pop(sig, None)


def open_builds() -> list[tuple]:
    """Signatures of the builds open in this process (for tests and diagnostics)."""
    with _builds_lock:
        return list(_open_builds)


class _Pin:
    __slots__ = ("database",)

    def __init__(self) -> None:
        self.database: Database | None = None


_pin: contextvars.ContextVar[_Pin | None] = contextvars.ContextVar("dashboard_db_pin", default=None)


@contextmanager
def page_run():
    """One page run: every ``database()`` inside it (worker threads of ``in_parallel`` too)
    answers from the same build — the newest when the run asked its first question."""
    pin = _Pin()
    token = _pin.set(pin)
    try:
        yield
    finally:
        _pin.reset(token)
        if pin.database is not None:
            _release(pin.database)


@contextmanager
def reading(database: Database):
    """Every ``database()`` inside (worker threads of ``in_parallel`` too) answers from ``database``: a build
    that is not published yet (the builder keeping the standard views' answers, ``dashboard.warmup.precompute``)."""
    pin = _Pin()
    pin.database = database
    token = _pin.set(pin)
    try:
        yield
    finally:
        _pin.reset(token)


def database(path: Path | None = None) -> Database:
    """The build of this page run (see ``page_run``); outside a run, the newest build."""
    pin = _pin.get()
    if path is None and pin is not None:
        if pin.database is None:
            pin.database = _acquire(Path(settings().database))
        return pin.database
    database = _acquire(Path(path or settings().database))
    _release(database)  # still the newest: stays open until a newer build is in use
    return database


def result_cache_enabled() -> bool:
    return os.environ.get("DASHBOARD_RESULT_CACHE", "1") != "0"


@st.cache_data(max_entries=4000, show_spinner=False)
def _cached(signature: tuple, name: str, params: tuple, _database: Database) -> pd.DataFrame:
    return _database.query(name, **dict(params))


QUERY_THREADS = int(os.environ.get("DASHBOARD_QUERY_THREADS", "4"))
WORKER_PREFIX = "dashboard-worker"  # threads of in_parallel (the benchmark counts their time inside the caller's)


def in_parallel(calls: list[Callable[[], T]], workers: int = QUERY_THREADS) -> list[T]:
    """Run independent calls at the same time, results in the order given. DuckDB works without
    holding Python's lock and each query has its own cursor, so a page's questions overlap well
    even on two cores. The page's Streamlit context goes along (the result cache needs it);
    an exception in any call is raised here. ``DASHBOARD_QUERY_THREADS=1`` runs them one by one."""
    if len(calls) <= 1 or QUERY_THREADS <= 1:
        return [call() for call in calls]
    from concurrent.futures import ThreadPoolExecutor

    from streamlit.runtime.scriptrunner import add_script_run_ctx, get_script_run_ctx

    ctx = get_script_run_ctx(suppress_warning=True)
    contexts = [contextvars.copy_context() for _ in calls]  # the run's pinned build goes along (page_run)

    def run(call: Callable[[], T], context: contextvars.Context) -> T:
        if ctx is not None:
            add_script_run_ctx(threading.current_thread(), ctx)
        return context.run(call)

    with ThreadPoolExecutor(max_workers=min(workers, len(calls)), thread_name_prefix=WORKER_PREFIX) as pool:
        return list(pool.map(run, calls, contexts))


def query_many(requests: list[tuple[str, dict]]) -> list[pd.DataFrame]:
    """Run independent queries at the same time (``in_parallel``), results in the order asked."""
    return in_parallel([lambda r=r: query(r[0], **r[1]) for r in requests])


_scope_guard: Callable[[dict], None] | None = None


def set_scope_guard(guard: Callable[[dict], None]) -> None:
    """Install the access check that every page query passes first (``dashboard.accounts.access``)."""
    global _scope_guard
    _scope_guard = guard


_running: dict[str, Future] = {}  # queries being run right now, by their cache key
_running_lock = threading.Lock()


def query(name: str, **params: Any) -> pd.DataFrame:
    """Run a query on the current database; small results are cached. A page's parts asked at once
    (``in_parallel``) may ask the same question: it runs once, and the others wait for its result.
    The access check runs first, before the cache: a result cached for one user is never
    handed to a user who may not see its area."""
    if _scope_guard is not None:
        _scope_guard(params)
    db = database()
    rec = stored_views.recording_now()
    if rec is not None:  # a build being written keeps this answer (stored_views): live, not from any cache
        q, bound = bind(name, params)
        k = stored_views.key(q, bound)
        table = rec.get(k)
        if table is None:  # asked the first time (the views share many questions)
            table = db.arrow(name, _live=True, **params)
            rec.add(k, name, bound, table)
        return table.to_pandas(date_as_object=False)
    if not result_cache_enabled():
        return db.query(name, **params)
    args = tuple(sorted(params.items()))
    key = repr((db.signature, name, args))
    with _running_lock:
        running = _running.get(key)
        if running is None:
            _running[key] = mine = Future()
    if running is not None:
        return running.result().copy()
    try:
        result = _cached(db.signature, name, args, db)
        mine.set_result(result)
        return result
    except BaseException as e:
        mine.set_exception(e)
        raise
    finally:
        with _running_lock:
            del _running[key]


# -- results derived in Python from query results (cached like them) --------------------------------------
DERIVED_ENTRIES = 2000
_derived: "OrderedDict[tuple, Any]" = OrderedDict()
_derived_lock = threading.Lock()


def _settings_key() -> str:
    """The settings as part of a cache key: any changed weight, threshold or size is another key."""
    return hashlib.sha256(repr(settings()).encode("utf-8")).hexdigest()


def remember(name: str, scope: str, key: Any, compute: Callable[[], T]) -> T:
    """A value computed in Python from query results (the 总览 key points, its alert list), kept like a query
    result: per build (``Database.signature``), per settings (``_settings_key``), per ``name`` and ``key`` (the
    filters, hashable), at most ``DERIVED_ENTRIES`` of them, the least recently used dropped first. The access
    check runs first for ``scope``, as for a query, so a value computed for one user is never handed to a user
    who may not see its area. The value is shared by every session: callers must not change it.
    ``DASHBOARD_RESULT_CACHE=0`` computes it every time."""
    if _scope_guard is not None:
        _scope_guard({"scope": scope})
    if not result_cache_enabled() or stored_views.recording_now() is not None:
        return compute()
    k = (database().signature, _settings_key(), name, key)
    with _derived_lock:
        if k in _derived:
            _derived.move_to_end(k)
            return _derived[k]
    value = compute()  # two sessions may compute the same value at once: both get an equal one
    with _derived_lock:
        _derived[k] = value
        while len(_derived) > DERIVED_ENTRIES:
            _derived.popitem(last=False)
    return value


# -- the current build's reference data (cached per build) ---------------------------------------------
@st.cache_resource(max_entries=2, show_spinner=False)
def _areas(signature: tuple) -> AreaIndex:
    return AreaIndex(database().query("areas"))


def areas() -> AreaIndex:
    return _areas(database().signature)


@st.cache_resource(max_entries=2, show_spinner=False)
def _calendar(signature: tuple) -> WorkdayCalendar:
    return WorkdayCalendar.from_frame(database().query("workday_calendar"))


def workday_calendar() -> WorkdayCalendar:
    return _calendar(database().signature)


def as_of() -> datetime:
    """The data's cut-off moment (数据截至)."""
    return pd.Timestamp(database().meta["as_of"]).to_pydatetime()


def data_start() -> date:
    return pd.Timestamp(database().meta["data_start"]).date()
