"""查询目录 — the questions in ``queries/*.sql``: their text, their ``$parameters`` and the shared macros.

No database is opened and Streamlit is not imported here: the builder stores the macros
(``persistent_macro_sql``), ``dashboard.store.params`` reads each question's parameters, and the runner
(``dashboard.store.db``) sends the text.

* Each ``.sql`` file is one question with a header comment saying what it answers and what each
  ``$parameter`` means; parameters are bound by the runner, never formatted into SQL text.
* ``queries/macros.sql`` holds the shared definitions (``CREATE OR REPLACE TEMP MACRO …``); a query
  carries, as ``setup``, the definitions of the macros it uses (and the macros those use).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache

from dashboard.core.config import ROOT

QUERIES_DIR = ROOT / "queries"
_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_STRING = re.compile(r"'(?:[^']|'')*'")
_STRING_OR_COMMENT = re.compile(r"('(?:[^']|'')*')|--[^\n]*")

MACROS_FILE = "macros"
_MACRO = re.compile(r"CREATE\s+OR\s+REPLACE\s+TEMP\s+MACRO\s+([A-Za-z_][A-Za-z0-9_]*)", re.I)


@dataclass(frozen=True)
class SqlQuery:
    name: str
    text: str
    params: frozenset[str]
    sql: str  # what DuckDB is sent: the text without its comments (parsing Chinese comments costs ~3 ms a query)
    header: str  # the leading comment: what the query answers and what its parameters mean
    setup: str  # definitions of the shared macros (queries/macros.sql) this query uses


def _without_comments(text: str) -> str:
    """SQL text without its ``--`` comments (a ``--`` inside a string literal is kept)."""
    return _STRING_OR_COMMENT.sub(lambda m: m.group(1) or "", text)


def _strip(text: str) -> str:
    """Code only: no comments, string literals emptied (to find parameters and macro calls)."""
    return _STRING.sub("''", _without_comments(text))


@lru_cache(maxsize=1)
def macros() -> dict[str, str]:
    """Shared SQL macros from queries/macros.sql: name -> CREATE statement."""
    code = _without_comments((QUERIES_DIR / f"{MACROS_FILE}.sql").read_text(encoding="utf-8"))
    out = {}
    for stmt in (s.strip() for s in code.split(";")):
        m = _MACRO.match(stmt)
        if m:
            out[m.group(1)] = stmt
    return out


def macros_digest() -> str:
    """Fingerprint of queries/macros.sql; a database built with the same macros stores them
    (``meta.macros_sha256``) and queries then skip defining them on every cursor."""
    return hashlib.sha256((QUERIES_DIR / f"{MACROS_FILE}.sql").read_bytes()).hexdigest()


def persistent_macro_sql() -> list[str]:
    """The shared macros as statements that store them in a database file (used by the builder)."""
    return [_MACRO.sub(lambda m: f"CREATE OR REPLACE MACRO {m.group(1)}", stmt, count=1) for stmt in macros().values()]


def _macros_used(code: str, seen: set[str] | None = None) -> list[str]:
    seen = set() if seen is None else seen
    found = []
    for name, stmt in macros().items():
        if name not in seen and re.search(rf"\b{name}\s*\(", code):
            seen.add(name)
            body = stmt[stmt.index("AS"):]  # macros may use other macros
            found += _macros_used(body, seen) + [name]
    return found


@lru_cache(maxsize=None)
def load_query(name: str) -> SqlQuery:
    path = QUERIES_DIR / f"{name}.sql"
    text = path.read_text(encoding="utf-8")
    code = _strip(text)
    header = "\n".join(line[2:].strip() for line in text.splitlines() if line.startswith("--"))
    setup = ";\n".join(macros()[m] for m in _macros_used(code))
    return SqlQuery(name, text, frozenset(_PARAM.findall(code)), _without_comments(text), header, setup)


def all_queries() -> list[str]:
    """Every question in queries/ (macros.sql is shared definitions, not a question)."""
    return sorted(p.stem for p in QUERIES_DIR.glob("*.sql") if p.stem != MACROS_FILE)
