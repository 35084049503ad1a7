"""预先计算的视图 — answers to the standard views' questions, computed when a build is written and kept in it.

When the builder has written a build (``dashboard.store.build``), it asks the questions of the views leaders
open first (``dashboard.warmup.precompute``: 总览, 诉求工单 and 网格地图 of the city, 总览 of each district,
for the standard periods) and keeps each answer in the build's table ``view_results``, one row per
question. A server that opens the build answers those questions from the table (about 1 ms) instead of
running them (at 10 M tickets 50–500 ms each), so the first leader after a start or a refresh does not wait,
and the warm-up no longer competes with the leaders' page runs for the cores.

Why a kept answer can never be stale: its **key** is a SHA-256 of everything that shapes it — the
question's name, its SQL text and macro definitions (as sent to DuckDB), the DuckDB version, and every
bound parameter (the period's bounds, the area, and each setting a query uses: weights, grade limits,
thresholds, targets — all of them reach SQL only as parameters). A changed setting, a changed query or a
custom period is another key, which is not in the table, so that question runs live. The data itself is
the build's own: a build is never changed after it is written (a refresh writes a new one).

``tests/test_stored_views.py`` proves that every kept answer equals the live one, that a changed setting
and a custom period run live, and what a damaged table does. ``DASHBOARD_STORED_VIEWS=0`` ignores the
table (the benchmark measures both ways).
"""

from __future__ import annotations

import contextvars
import hashlib
import os
import threading
from contextlib import contextmanager
from functools import lru_cache

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from dashboard.core import schema
from dashboard.store.sql import SqlQuery, macros_digest

TABLE = "view_results"
DDL = """CREATE TABLE view_results (
    key VARCHAR NOT NULL,
    query VARCHAR NOT NULL,
    params VARCHAR NOT NULL,
    row_count BIGINT NOT NULL,
    result BLOB NOT NULL
)"""
COMMENT = schema.VIEW_RESULTS_COMMENT
COLUMNS = {"key": "查询与参数的 SHA-256", "query": "查询名（queries/*.sql）", "params": "参数（便于核对）",
           "row_count": "结果行数", "result": "结果（Parquet，含 Arrow 类型）"}


def comment_sql() -> list[str]:
    """The table's Chinese comments (constant text of this module, as in ``dashboard.core.schema``)."""
    return [f"COMMENT ON TABLE {TABLE} IS '{COMMENT}'"] + [
        f"COMMENT ON COLUMN {TABLE}.{column} IS '{zh}'" for column, zh in COLUMNS.items()]


def enabled() -> bool:
    return os.environ.get("DASHBOARD_STORED_VIEWS", "1") != "0"


@lru_cache(maxsize=1)
def _common() -> str:
    return repr((macros_digest(), duckdb.__version__))


def key(q: SqlQuery, bound: dict) -> str:
    """The key of question ``q`` with its bound parameters (see the module text for what it covers)."""
    text = repr((q.name, q.sql, q.setup, _common(), tuple(sorted(bound.items()))))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def to_bytes(table: pa.Table) -> bytes:
    """``table`` as Parquet: what lies under a null is not written (DuckDB leaves whatever the memory held there,
    which Arrow IPC would copy into the file), so the same answer always gives the same bytes; the Arrow schema
    travels along, so the answer reads back with the same types."""
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression="zstd")
    return sink.getvalue().to_pybytes()


def from_bytes(data: bytes) -> pa.Table:
    return pq.read_table(pa.BufferReader(data))


def stored_keys(con) -> frozenset[str]:
    """The keys a build holds (none when it was written before this table existed)."""
    try:
        return frozenset(k for (k,) in con.execute("SELECT key FROM view_results").fetchall())
    except duckdb.CatalogException:
        return frozenset()


def stored_result(cur, k: str) -> pa.Table:
    (data,) = cur.execute("SELECT result FROM view_results WHERE key = $key", {"key": k}).fetchone()
    return from_bytes(data)


# -- recording (while a build is written) ------------------------------------------------------------------
class Recording:
    """The answers asked while recording: key -> (query, params, Arrow table)."""

    def __init__(self) -> None:
        self.results: dict[str, tuple[str, str, pa.Table]] = {}
        self._lock = threading.Lock()

    def get(self, k: str) -> pa.Table | None:
        with self._lock:
            hit = self.results.get(k)
        return None if hit is None else hit[2]

    def add(self, k: str, name: str, bound: dict, table: pa.Table) -> None:
        with self._lock:
            self.results.setdefault(k, (name, repr(tuple(sorted(bound.items()))), table))


_recording: contextvars.ContextVar[Recording | None] = contextvars.ContextVar("dashboard_stored_views", default=None)


def recording_now() -> Recording | None:
    return _recording.get()


@contextmanager
def recording():
    """Inside: ``db.query`` runs every question live (no cache, no kept answer) and records its answer."""
    rec = Recording()
    token = _recording.set(rec)
    try:
        yield rec
    finally:
        _recording.reset(token)


def write(con, rec: Recording) -> int:
    """Keep the recorded answers in the build ``con`` is writing (one transaction: all of them or none)."""
    con.execute("BEGIN")
    try:
        con.execute(DDL)
        con.executemany("INSERT INTO view_results VALUES (?, ?, ?, ?, ?)",
                        [(k, name, params, table.num_rows, to_bytes(table))
                         for k, (name, params, table) in rec.results.items()])
        for stmt in comment_sql():
            con.execute(stmt)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return len(rec.results)
