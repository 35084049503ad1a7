"""构建数据库 — the one way a dashboard database file is written.

Both the sample-city generator and the import of a city's own files go through
``DatabaseBuilder``:

1. rows are *staged* in a temporary DuckDB file next to the target
   (``append_frame`` for typed data frames, ``add_text_table`` for text read from
   CSV/Excel, which is type-checked with line numbers);
2. ``finish`` validates everything (required columns, types, enumerations, code
   formats, unique keys, unknown area codes, parent/child consistency, ticket time
   order, geometry, calendar coverage) and raises ``DataValidationError`` with Chinese
   messages naming the file, the line and what to do;
3. derived columns are computed (due times from the working-day calendar and the
   configured time limits, handling time in working days, areas in km²);
4. the final tables are written with their Chinese comments, tickets in time order,
   the file is renamed to its own build name ``<stem>.<version>.duckdb`` next to the
   target, and the target path becomes a symbolic link to it (one ``os.replace`` of the
   link: readers see the old build or the new one, never a mix). The newest
   ``[refresh] keep_versions`` builds are kept (for a run still reading one, and rollback), older ones removed.

Why a file per build: DuckDB hands back the database already open in a process when the
same path is opened again, so a file replaced under the same name never reaches a running
dashboard. The dashboard follows the link at the start of every page run (``dashboard/store/db.py``).
Readers never see a half-written database: until step 4 the target is untouched, and
on any error the temporary file is removed.
"""

from __future__ import annotations

import errno
import fcntl
import json
import math
import os
import re
import signal
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import shapely

from dashboard.core import geo, schema
from dashboard.core.config import Settings, settings as current_settings
from dashboard.core.schema import Table, TABLE_BY_NAME
from dashboard.store.workdays import CalendarCoverageError, WorkdayCalendar

MAX_EXAMPLES = 5
TRUE_WORDS = ("1", "true", "t", "yes", "y", "是", "有", "√")
FALSE_WORDS = ("0", "false", "f", "no", "n", "否", "无", "×")
TIMESTAMP_FORMATS = ["%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y-%m-%d %H:%M", "%Y/%m/%d",
                     "%Y年%m月%d日 %H:%M:%S", "%Y年%m月%d日 %H:%M", "%Y年%m月%d日", "%Y%m%d%H%M%S"]
DATE_FORMATS = ["%Y/%m/%d", "%Y年%m月%d日", "%Y%m%d"]
# Plausible ranges: values outside them are refused with the row (they are typing or export errors).
CHINA_LON, CHINA_LAT = (73.0, 136.0), (3.0, 54.0)  # WGS-84 extent of China, with a margin
MAX_EXTENSION_WORKDAYS = 365
MAX_TEXT_CHARS = 5_000  # one cell of text (a ticket's content included)
NONNEGATIVE = ("population", "households", "area_km2", "max_score", "extension_count", "extension_workdays", "return_count")


class DataValidationError(ValueError):
    """The data cannot be built; ``problems`` are Chinese sentences, one per issue."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        head = f"数据有 {len(problems)} 处问题，数据库未做任何改动：\n"
        super().__init__(head + "\n".join(f"  - {p}" for p in problems))


class OutputError(ValueError):
    """The database cannot be written where asked (message in Chinese: what and what to do)."""


_interrupted: list[int] = []  # signals received (set by the handlers of install_signal_handlers)


def install_signal_handlers() -> None:
    """Ctrl-C and ``kill`` (SIGTERM) raise KeyboardInterrupt in the main thread, so the builder's
    clean-up runs (temporary file removed, target untouched). The signal is remembered: a CSV
    parser that turns the interrupt into its own error is not mistaken for a bad file."""
    def handler(signum, frame):
        _interrupted.append(signum)
        raise KeyboardInterrupt(signum)

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, handler)


def interrupted() -> bool:
    return bool(_interrupted)


def describe_failure(exc: BaseException, out: Path | str | None = None, source: Path | str | None = None) -> str:
    """Any failure of a build as a Chinese sentence: what went wrong, with which file, what to do."""
    out_text = f"数据库 {out}" if out else "数据库"
    keep = f"{out_text} 未做任何改动。"
    name = getattr(exc, "filename", None)
    if isinstance(exc, (DataValidationError, OutputError)):
        return str(exc)
    if isinstance(exc, KeyboardInterrupt):
        return f"已中断。{keep}临时文件已删除，可以重新运行。"
    if isinstance(exc, IsADirectoryError):
        return f"{name or out} 是一个文件夹，这里需要一个文件。请改用文件路径，或移走这个文件夹。{keep}"
    if isinstance(exc, (NotADirectoryError, FileExistsError)):
        return (f"{name or out} 已经是一个文件，不能在它下面建文件夹或文件。请换一个输出路径"
                f"（如 data/city.duckdb）。{keep}")
    if isinstance(exc, PermissionError) or "Permission denied" in str(exc) or "Read-only" in str(exc):
        return f"没有权限写入或读取 {name or out}（目录只读或权限不足）。请换一个可写的输出路径，或请管理员开放权限。{keep}"
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC or "No space left" in str(exc):
        return f"磁盘空间不足，无法写入 {out}。请清理磁盘后重试。{keep}"
    if isinstance(exc, FileNotFoundError):
        return f"找不到 {name or source or out}。请检查路径。{keep}"
    where = f"（数据文件夹 {source}）" if source else ""
    detail = str(exc).splitlines()[0][:200] if str(exc) else ""
    return (f"构建时遇到意外错误{where}：{type(exc).__name__} {detail}。{keep}"
            "请检查数据文件是否完整、数值是否在合理范围；如仍无法解决，请把这段信息告知系统管理员。")


def remove_own_temporaries(out_path: Path | str) -> None:
    """After a failure outside the builder's reach (an interrupt between creating it and entering
    its ``with``): this process's temporary files of ``out_path``."""
    out_path = Path(out_path)
    out_path = out_path.parent.resolve() / out_path.name if out_path.parent.exists() else out_path
    for suffix in ("tmp", "tmp.wal", "link"):
        try:
            out_path.with_name(f".{out_path.name}.{os.getpid()}.{suffix}").unlink(missing_ok=True)
        except OSError:
            pass


_TEMP = re.compile(r"\.(?P<name>.+)\.(?P<pid>\d+)\.(?:tmp|tmp\.wal|link)")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_temporaries(out_path: Path) -> list[Path]:
    """Temporary files of builds of ``out_path`` whose process is gone (kill -9, power cut)."""
    removed = []
    for p in out_path.parent.glob(f".{out_path.name}.*"):
        m = _TEMP.fullmatch(p.name)
        if m and m["name"] == out_path.name and int(m["pid"]) != os.getpid() and not _alive(int(m["pid"])):
            try:
                p.unlink()
                removed.append(p)
            except OSError:
                pass
    return removed


class _OutputLock:
    """An exclusive lock on the output path (``.<name>.lock`` beside it, ``flock``): two builds of
    the same database never run at once. The kernel releases it when the process ends, however
    it ends; the file is removed on release (a lock taken on a file already removed is retried)."""

    def __init__(self, out_path: Path):
        self.path = out_path.with_name(f".{out_path.name}.lock")
        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = os.pread(fd, 64, 0).decode(errors="replace").strip()
                os.close(fd)
                raise OutputError(f"另一个导入或生成程序正在写入 {out_path}（进程 {holder or '未知'}）。"
                                  "请等它完成后再运行；数据库未做任何改动。") from None
            try:
                same = os.stat(self.path).st_ino == os.fstat(fd).st_ino
            except FileNotFoundError:
                same = False
            if same:
                break
            os.close(fd)  # the holder before us removed the file: lock the new one
        self.fd = fd
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)

    def release(self) -> None:
        if self.fd is not None:
            try:
                self.path.unlink()
            except FileNotFoundError:
                pass
            os.close(self.fd)  # closing releases the flock
            self.fd = None


@dataclass
class BuildReport:
    path: Path  # the configured path: a link to ``file``
    rows: dict[str, int]
    seconds: float
    warnings: list[str] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)
    file: Path | None = None  # this build's own file
    kept_views: dict | None = None  # the standard views' answers kept in it (dashboard.warmup.precompute)

    def kept_views_line(self) -> str:
        k = self.kept_views
        return f"预先计算常用视图：{k['kept']} 个查询结果，用时 {k['seconds']:.1f} 秒" if k else "未预先计算常用视图"


# -- builds: one file per build, the configured path a link to the newest ------------------------------
def _build_pattern(out_path: Path) -> re.Pattern:
    suffix = out_path.suffix or ".duckdb"
    return re.compile(re.escape(out_path.stem) + r"\.(\d{8}-\d{6}-\d{6})" + re.escape(suffix))


def new_build_path(out_path: Path) -> Path:
    """``<stem>.<YYYYmmdd-HHMMSS-micro>.duckdb`` next to ``out_path`` (sorts by build time)."""
    version = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    path = out_path.with_name(f"{out_path.stem}.{version}{out_path.suffix or '.duckdb'}")
    while path.exists():  # two builds in one microsecond
        time.sleep(1e-6)
        path = new_build_path(out_path)
    return path


def builds(out_path: Path | str) -> list[Path]:
    """The build files of ``out_path``, oldest first."""
    out_path = Path(out_path)
    pattern = _build_pattern(out_path)
    if not out_path.parent.is_dir():
        return []
    return sorted(p for p in out_path.parent.iterdir() if pattern.fullmatch(p.name))


def follow_user_links(out_path: Path) -> Path:
    """A link the user made (data/city.duckdb → /srv/share/city.duckdb) is followed to the path it
    names, which then becomes the pointer; a link to one of its own builds is the pointer itself."""
    for _ in range(40):  # a loop of links ends here, and opening it fails with a clear error later
        if not out_path.is_symlink():
            return out_path
        target = Path(os.readlink(out_path))
        if _build_pattern(out_path).fullmatch(target.name) and (not target.is_absolute() or target.parent == out_path.parent):
            return out_path
        out_path = target if target.is_absolute() else out_path.parent / target
    return out_path


def point_to(out_path: Path, build: Path) -> None:
    """Make ``out_path`` a link to ``build`` in one atomic step (a relative link: the folder may move)."""
    link = out_path.with_name(f".{out_path.name}.{os.getpid()}.link")
    if link.is_symlink() or link.exists():
        link.unlink()
    os.symlink(build.name, link)
    try:
        os.replace(link, out_path)
    except BaseException:
        link.unlink(missing_ok=True)
        raise


def remove_old_builds(out_path: Path, keep: int) -> list[Path]:
    """Remove all but the newest ``keep`` builds (never the one ``out_path`` points to)."""
    current = Path(os.path.realpath(out_path))
    removed = []
    for old in builds(out_path)[:-keep] if keep > 0 else builds(out_path):
        if old != current:
            try:
                old.unlink()
                removed.append(old)
            except OSError:  # in use on a system that forbids it, or gone already: next build tries again
                pass
    return removed


def count_unchanged_tickets(con, cols: list[str]) -> int:
    """Rows of the registered text frame ``incoming`` whose ticket exists in ``live.tickets``
    with every supplied value equal (compared as text after the import's own conversions)."""
    if not cols:
        return 0
    t = TABLE_BY_NAME["tickets"]

    def live_text(c: str) -> str:
        return f"strftime(l.{_q(c)}, '%Y-%m-%d %H:%M:%S')" if t.column(c).type == "TIMESTAMP" else f"CAST(l.{_q(c)} AS VARCHAR)"

    def incoming_text(c: str) -> str:
        v = f"nullif(trim(CAST(i.{_q(c)} AS VARCHAR)), '')"
        typ = t.column(c).type
        if typ == "TIMESTAMP":
            return f"strftime({DatabaseBuilder._text_cast(v, typ)}, '%Y-%m-%d %H:%M:%S')"
        if typ in ("BOOLEAN", "INTEGER", "DOUBLE"):
            return f"CAST({DatabaseBuilder._text_cast(v, typ)} AS VARCHAR)"
        return v

    conds = " AND ".join(f"(nullif(trim(CAST(i.{_q(c)} AS VARCHAR)), '') IS NULL OR "
                         f"{live_text(c)} IS NOT DISTINCT FROM {incoming_text(c)})" for c in cols)
    return con.execute(f"SELECT count(*) FROM incoming i JOIN live.tickets l USING (ticket_id) WHERE {conds}").fetchall()[0][0]


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _lit(text: str) -> str:
    return "'" + str(text).replace("'", "''") + "'"


def _examples(rows: list[tuple], fmt) -> str:
    shown = "；".join(fmt(*r) for r in rows[:MAX_EXAMPLES])
    return shown


class DatabaseBuilder:
    """Stage, validate, derive and atomically write a dashboard database."""

    def __init__(self, out_path: Path | str, *, dataset: str, label: str,
                 settings: Settings | None = None, as_of: datetime | None = None,
                 extra_meta: dict[str, str] | None = None, threads: int | None = None, keep_views: bool = True):
        if dataset not in ("sample", "user"):
            raise ValueError("dataset must be 'sample' or 'user'")
        out_path = follow_user_links(Path(out_path).expanduser())
        if out_path.is_dir() and not out_path.is_symlink():
            raise OutputError(f"输出路径 {out_path} 是一个文件夹。请给出数据库文件的路径，如 {out_path / 'city.duckdb'}；"
                              "数据库未做任何改动。")
        for parent in (out_path.parent, *out_path.parent.parents):
            if parent.exists():
                if not parent.is_dir():
                    raise OutputError(f"输出路径 {out_path} 的上级 {parent} 是一个文件，不是文件夹。请换一个输出路径"
                                      "（如 data/city.duckdb）；数据库未做任何改动。")
                break
        out_path.parent.mkdir(parents=True, exist_ok=True)
        if not os.access(out_path.parent, os.W_OK | os.X_OK):
            raise OutputError(f"没有权限在 {out_path.parent} 中写文件（目录只读或权限不足）。请换一个可写的输出路径，"
                              "或请管理员开放权限；数据库未做任何改动。")
        self.out_path = out_path.parent.resolve() / out_path.name  # the link itself, not where it points
        self._lock = _OutputLock(self.out_path)
        remove_stale_temporaries(self.out_path)
        self.tmp_path = self.out_path.with_name(f".{self.out_path.name}.{os.getpid()}.tmp")
        self._remove_tmp()
        self.settings = settings or current_settings()
        self.dataset, self.label, self.as_of = dataset, label, as_of
        self.extra_meta = dict(extra_meta or {})
        self.keep_views = keep_views
        self.kept_views: dict | None = None
        self.sources: dict[str, str] = {}
        self.source_crs: dict[str, str] = {}  # file -> declared coordinate system, when not WGS-84
        self._staged: set[str] = set()
        self.warnings: list[str] = []
        self._started = time.perf_counter()
        self.con = None
        try:
            self.con = duckdb.connect(str(self.tmp_path))
            if threads:
                self.con.execute(f"SET threads = {int(threads)}")
            self.con.execute("SET memory_limit = ?", [self.settings.refresh.memory_limit])
            self.con.execute("SET preserve_insertion_order = true")
        except BaseException:  # Ctrl-C or kill while starting: nothing may stay behind
            self.abort()
            raise

    # -- context manager: any exception removes the temporary file -------------------
    def __enter__(self) -> "DatabaseBuilder":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None:
            self.abort()

    def abort(self) -> None:
        try:
            if self.con is not None:
                self.con.close()
        except Exception:  # pragma: no cover - closing twice
            pass
        self._remove_tmp()
        self._lock.release()

    def _remove_tmp(self) -> None:
        for p in (self.tmp_path, Path(str(self.tmp_path) + ".wal")):
            if p.exists():
                p.unlink()

    # -- staging --------------------------------------------------------------------------
    def _stage_table(self, table: Table) -> str:
        name = f"stage_{table.name}"
        if table.name not in self._staged:
            cols = ", ".join(f"{_q(c.name)} {c.sql_type}" for c in table.columns)
            self.con.execute(f"CREATE TABLE {name} (_row BIGINT, {cols})")
            self._staged.add(table.name)
        return name

    def append_frame(self, table_name: str, frame: pd.DataFrame, source: str = "生成程序") -> None:
        """Append typed rows (the generator's path). Geometry may be shapely or WKT."""
        table = TABLE_BY_NAME[table_name]
        frame = self._prepare_geometry(table, frame, source)
        unknown = [c for c in frame.columns if c not in table.column_names]
        if unknown:
            raise ValueError(f"{table_name}: unknown columns {unknown}")
        stage = self._stage_table(table)
        self.sources.setdefault(table_name, source)
        self.con.register("_incoming", frame)
        try:
            cols = ", ".join(_q(c) for c in frame.columns)
            self.con.execute(f"INSERT INTO {stage} ({cols}) SELECT {cols} FROM _incoming")
        finally:
            self.con.unregister("_incoming")

    def add_text_table(self, table_name: str, frame: pd.DataFrame, source: str, first_line: int = 2,
                       crs: str = "wgs84") -> None:
        """Add rows read as text (CSV/Excel): check every value's type, with line numbers.
        ``crs``: the coordinate system the file's boundaries and points are in (converted to WGS-84)."""
        table = TABLE_BY_NAME[table_name]
        frame = frame.copy()
        frame.columns = [str(c).strip() for c in frame.columns]
        crs = geo.crs_key(crs)
        if crs != "wgs84":
            self.source_crs[source] = crs
        if "geometry" in frame.columns or "geom" in frame.columns:
            frame = self._prepare_geometry(table, frame, source, crs)
        if crs not in ("wgs84", "cgcs2000") and {"lon", "lat"} <= set(frame.columns):
            lon, lat = pd.to_numeric(frame["lon"], errors="coerce"), pd.to_numeric(frame["lat"], errors="coerce")
            ok = np.isfinite(lon) & np.isfinite(lat)
            if ok.any():
                x, y = geo.points_to_wgs84(lon[ok].to_numpy(), lat[ok].to_numpy(), crs)
                frame.loc[ok, "lon"] = [f"{v:.7f}" for v in x]
                frame.loc[ok, "lat"] = [f"{v:.7f}" for v in y]
        problems = []
        missing = [c.name for c in table.columns if c.required and not c.derived and c.name not in frame.columns]
        if missing:
            described = "、".join(f"{m}（{table.column(m).zh}）" for m in missing)
            problems.append(f"{source} 缺少必填列：{described}。列名及含义见 docs/data_model.md")
        unknown = [c for c in frame.columns if c not in table.column_names]
        if unknown:
            self.warnings.append(f"{source} 中的列 {'、'.join(unknown)} 不在数据模型中，已忽略")
        if problems:
            raise DataValidationError(problems)
        keep = [c for c in frame.columns if c in table.column_names]
        text = frame[keep].copy()
        for c in keep:
            if c != "geom":
                text[c] = text[c].map(lambda v: None if v is None or (isinstance(v, float) and math.isnan(v)) else str(v))
        text.insert(0, "_row", np.arange(first_line, first_line + len(text), dtype=np.int64))
        self.con.register("_incoming_text", text)
        try:
            raw = f"raw_{table.name}"
            self.con.execute(f"CREATE OR REPLACE TEMP TABLE {raw} AS SELECT * FROM _incoming_text")
        finally:
            self.con.unregister("_incoming_text")
        self.sources[table_name] = source
        problems = []
        exprs = []
        for c in table.columns:
            if c.name not in keep:
                continue
            if c.name == "geom":
                exprs.append((c.name, "geom"))
                continue
            cleaned = f"NULLIF(trim(CAST({_q(c.name)} AS VARCHAR)), '')"
            conv = self._text_cast(cleaned, c.type)
            exprs.append((c.name, conv))
            bad = self.con.execute(
                f"SELECT _row, {cleaned} FROM {raw} WHERE {cleaned} IS NOT NULL AND ({conv}) IS NULL ORDER BY _row LIMIT {MAX_EXAMPLES + 1}"
            ).fetchall()
            if bad:
                want = {"INTEGER": "整数", "DOUBLE": "数字", "DECIMAL(7,2)": "数字（最多 2 位小数）", "BOOLEAN": "是/否（或 1/0）", "DATE": "日期 YYYY-MM-DD",
                        "TIMESTAMP": "时间 YYYY-MM-DD HH:MM:SS"}.get(c.type, c.type)
                problems.append(f"{source} 列 {c.name}（{c.zh}）应为{want}，以下值无法识别："
                                + _examples(bad, lambda r, v: f"第 {r} 行“{v}”"))
        if problems:
            raise DataValidationError(problems)
        stage = self._stage_table(table)
        cols = ", ".join(_q(n) for n, _ in exprs)
        sel = ", ".join(e for _, e in exprs)
        self.con.execute(f"INSERT INTO {stage} (_row, {cols}) SELECT _row, {sel} FROM {raw}")
        self.con.execute(f"DROP TABLE {raw}")

    @staticmethod
    def _text_cast(expr: str, typ: str) -> str:
        if typ == "BOOLEAN":
            t = ", ".join(_lit(w) for w in TRUE_WORDS)
            f = ", ".join(_lit(w) for w in FALSE_WORDS)
            return f"CASE WHEN lower({expr}) IN ({t}) THEN true WHEN lower({expr}) IN ({f}) THEN false END"
        if typ == "TIMESTAMP":
            fmts = "[" + ", ".join(_lit(f) for f in TIMESTAMP_FORMATS) + "]"
            return f"coalesce(TRY_CAST({expr} AS TIMESTAMP), try_strptime({expr}, {fmts}))"
        if typ == "DATE":
            fmts = "[" + ", ".join(_lit(f) for f in DATE_FORMATS) + "]"
            return f"coalesce(TRY_CAST({expr} AS DATE), CAST(try_strptime({expr}, {fmts}) AS DATE))"
        if typ == "INTEGER":
            return f"coalesce(TRY_CAST({expr} AS INTEGER), CASE WHEN TRY_CAST({expr} AS DOUBLE) = round(TRY_CAST({expr} AS DOUBLE)) THEN TRY_CAST(TRY_CAST({expr} AS DOUBLE) AS INTEGER) END)"
        if typ == "VARCHAR":
            return expr
        if typ.startswith("DECIMAL"):  # an exact decimal: more decimal places than the type holds is an error, not rounded
            return f"CASE WHEN TRY_CAST({expr} AS DECIMAL(38,10)) = TRY_CAST({expr} AS {typ}) THEN TRY_CAST({expr} AS {typ}) END"
        return f"TRY_CAST({expr} AS {typ})"

    def _prepare_geometry(self, table: Table, frame: pd.DataFrame, source: str, crs: str = "wgs84") -> pd.DataFrame:
        """Turn a ``geometry`` column (shapely, WKT or GeoJSON text) into WKB ``geom``."""
        if "geom" not in table.column_names:
            return frame
        col = "geometry" if "geometry" in frame.columns else ("geom" if "geom" in frame.columns else None)
        if col is None:
            return frame
        frame = frame.copy()
        values = frame.pop(col)
        wkb, problems, outside, swapped, repaired = [], [], [], [], []
        for i, v in enumerate(values):
            try:
                if isinstance(v, (bytes, bytearray)):
                    g = shapely.from_wkb(bytes(v))
                elif isinstance(v, str):
                    text = v.strip()
                    g = shapely.from_geojson(text) if text.startswith("{") else shapely.from_wkt(text)
                else:
                    g = v
                if g is None or g.is_empty or g.geom_type not in ("Polygon", "MultiPolygon"):
                    raise ValueError("not a polygon")
                if crs != "wgs84":
                    g = geo.to_wgs84(g, crs)
                x0, y0, x1, y1 = shapely.bounds(g)
                if not all(map(math.isfinite, (x0, y0, x1, y1))):
                    raise ValueError("not finite")
                if not (CHINA_LON[0] <= x0 and x1 <= CHINA_LON[1] and CHINA_LAT[0] <= y0 and y1 <= CHINA_LAT[1]):
                    looks_swapped = CHINA_LAT[0] <= x0 and x1 <= CHINA_LAT[1] and CHINA_LON[0] <= y0 and y1 <= CHINA_LON[1]
                    (swapped if looks_swapped else outside).append(i)
                    wkb.append(None)
                    continue
                if not g.is_valid:
                    reason = shapely.is_valid_reason(g)
                    before = polygon_area_km2(g) if g.area > 0 else 0.0
                    g = shapely.make_valid(g)
                    if g.geom_type not in ("Polygon", "MultiPolygon"):
                        g = shapely.union_all([p for p in shapely.get_parts(g) if p.geom_type in ("Polygon", "MultiPolygon")])
                    if g.is_empty or g.geom_type not in ("Polygon", "MultiPolygon"):
                        raise ValueError("nothing left after repair")
                    repaired.append((i, reason, before, polygon_area_km2(g)))
                wkb.append(shapely.to_wkb(g))
            except Exception:
                problems.append(i)
                wkb.append(None)
        lines = lambda rows: "、".join(str(i + 2) for i in rows[:MAX_EXAMPLES]) + ("等" if len(rows) > MAX_EXAMPLES else "")  # noqa: E731
        errors = []
        if problems:
            errors.append(f"{source} 的边界（geometry）无法识别为面（Polygon/MultiPolygon，WGS-84 的 WKT 或 GeoJSON）：第 {lines(problems)} 行")
        if swapped:
            errors.append(f"{source} 的边界坐标像是经度和纬度写反了（应为“经度 纬度”的顺序）：第 {lines(swapped)} 行")
        if outside:
            errors.append(f"{source} 的边界超出中国范围（经度 {CHINA_LON[0]:g}–{CHINA_LON[1]:g}，纬度 {CHINA_LAT[0]:g}–{CHINA_LAT[1]:g}），"
                          f"坐标可能不是经纬度（如投影坐标、米）：第 {lines(outside)} 行")
        if errors:
            raise DataValidationError(errors)
        for i, reason, before, after in repaired[:MAX_EXAMPLES]:
            change = f"，面积由 {before:,.3f} 变为 {after:,.3f} 平方公里" if abs(after - before) > 1e-3 * max(before, 1e-9) else ""
            self.warnings.append(f"{source} 第 {i + 2} 行的边界无效（{reason}），已自动修复{change}。请核对原始边界")
        if len(repaired) > MAX_EXAMPLES:
            self.warnings.append(f"{source} 另有 {len(repaired) - MAX_EXAMPLES} 个边界已自动修复")
        frame["geom"] = wkb
        return frame

    # -- validation -----------------------------------------------------------------------
    def _where(self, table: Table, row: int | None) -> str:
        src = self.sources.get(table.name, table.import_file)
        return f"{src} 第 {row} 行" if row is not None else src

    def _check(self, table: Table, sql: str, message, problems: list[str], params: dict | None = None) -> None:
        rows = self.con.execute(sql + f" LIMIT {MAX_EXAMPLES + 1}", params).fetchall()
        if rows:
            more = "等" if len(rows) > MAX_EXAMPLES else ""
            problems.append(message(rows) + more)

    def _validate(self) -> list[str]:
        problems: list[str] = []
        required_tables = ("city", "districts", "streets", "communities", "grids", "tickets")
        for name in required_tables:
            if name not in self._staged:
                t = TABLE_BY_NAME[name]
                problems.append(f"缺少 {t.zh} 数据（文件 {t.import_file}.csv）")
        if problems:
            return problems
        for t in schema.IMPORTED_TABLES:
            if t.name not in self._staged:
                self._stage_table(t)  # optional tables may be empty
            self._validate_table(t, problems)
        self._validate_relations(problems)
        return problems

    def _validate_table(self, t: Table, problems: list[str]) -> None:
        st = f"stage_{t.name}"
        w = lambda r: self._where(t, r)  # noqa: E731
        for c in t.columns:
            col = _q(c.name)
            if c.required and not c.derived:
                self._check(t, f"SELECT _row FROM {st} WHERE {col} IS NULL ORDER BY _row",
                            lambda rows, c=c: f"{c.zh}（{c.name}）不能为空：" + "、".join(w(r[0]) for r in rows[:MAX_EXAMPLES]), problems)
            if c.enum:
                allowed = ", ".join(_lit(v) for v in c.enum)
                self._check(t, f"SELECT _row, {col} FROM {st} WHERE {col} IS NOT NULL AND {col} NOT IN ({allowed}) ORDER BY _row",
                            lambda rows, c=c: f"{c.zh}（{c.name}）只能是 {' / '.join(c.enum)}，发现："
                            + _examples(rows, lambda r, v: f"{w(r)}“{v}”"), problems)
            if c.pattern:
                self._check(t, f"SELECT _row, {col} FROM {st} WHERE {col} IS NOT NULL AND NOT regexp_full_match({col}, {_lit(c.pattern)}) ORDER BY _row",
                            lambda rows, c=c: f"{c.zh}（{c.name}）格式不对（{c.note}），发现："
                            + _examples(rows, lambda r, v: f"{w(r)}“{v}”"), problems)
            if c.type == "VARCHAR" and c.name != "geom":
                self._check(t, f"SELECT _row FROM {st} WHERE contains({col}, chr(0)) ORDER BY _row",
                            lambda rows, c=c: f"{c.zh}（{c.name}）含有空字符（NUL，文件可能已损坏或不是文本）："
                            + "、".join(w(r[0]) for r in rows[:MAX_EXAMPLES]) + "。请检查导出方式后重新导出", problems)
                self._check(t, f"SELECT _row, length({col}) FROM {st} WHERE length({col}) > {MAX_TEXT_CHARS} ORDER BY _row",
                            lambda rows, c=c: f"{c.zh}（{c.name}）过长（每格最多 {MAX_TEXT_CHARS:,} 个字符）："
                            + _examples(rows, lambda r, n: f"{w(r)}（{n:,} 个字符）"), problems)
            if c.type == "DOUBLE":
                self._check(t, f"SELECT _row, {col} FROM {st} WHERE NOT isfinite({col}) ORDER BY _row",
                            lambda rows, c=c: f"{c.zh}（{c.name}）应为有限的数字，发现："
                            + _examples(rows, lambda r, v: f"{w(r)}“{v}”"), problems)
            if c.name in NONNEGATIVE and t.name != "tickets":  # tickets: checked with the other ticket rules
                self._check(t, f"SELECT _row, {col} FROM {st} WHERE {col} < 0 ORDER BY _row",
                            lambda rows, c=c: f"{c.zh}（{c.name}）不能为负数：" + _examples(rows, lambda r, v: f"{w(r)}“{v}”"),
                            problems)
        keys = ", ".join(_q(k) for k in t.primary_key)
        self._check(t, f"SELECT {keys}, count(*) FROM {st} GROUP BY ALL HAVING count(*) > 1 ORDER BY ALL",
                    lambda rows: f"{t.zh} 中 {'+'.join(t.primary_key)} 重复：" + "；".join("/".join(map(str, r[:-1])) + f"（{r[-1]} 次）" for r in rows[:MAX_EXAMPLES]),
                    problems)

    def _fk(self, child: str, cols: str, parent: str, pcols: str, what: str, problems: list[str], extra: str = "") -> None:
        t = TABLE_BY_NAME[child]
        conds = " AND ".join(f"c.{a} = p.{b}" for a, b in zip(cols.split(","), pcols.split(",")))
        nonnull = " AND ".join(f"c.{a} IS NOT NULL" for a in cols.split(","))
        sel = ", ".join(f"c.{a}" for a in cols.split(","))
        sql = (f"SELECT c._row, {sel} FROM stage_{child} c WHERE {nonnull} {extra} AND NOT EXISTS "
               f"(SELECT 1 FROM stage_{parent} p WHERE {conds}) ORDER BY c._row")
        self._check(t, sql, lambda rows: f"{what}：" + _examples(
            rows, lambda r, *v: f"{self._where(t, r)}“{'/'.join(map(str, v))}”"), problems)

    def _prefix(self, table: str, child: str, parent: str, problems: list[str]) -> None:
        t = TABLE_BY_NAME[table]
        sql = (f"SELECT _row, {child}, {parent} FROM stage_{table} WHERE {child} IS NOT NULL AND {parent} IS NOT NULL "
               f"AND NOT starts_with({child}, {parent}) ORDER BY _row")
        self._check(t, sql, lambda rows: f"{t.zh} 的 {child} 应以所属上级代码 {parent} 开头（行政区划代码逐级嵌套）："
                    + _examples(rows, lambda r, a, b: f"{self._where(t, r)} {a} 不以 {b} 开头"), problems)

    def _validate_relations(self, problems: list[str]) -> None:
        n_city = self.con.execute("SELECT count(*) FROM stage_city").fetchall()[0][0]
        if n_city != 1:
            problems.append(f"city 应恰好一行（本看板覆盖一个城市），实际 {n_city} 行")
        else:
            t = TABLE_BY_NAME["districts"]
            self._check(t, "SELECT d._row, d.district_code FROM stage_districts d, stage_city c "
                           "WHERE NOT starts_with(d.district_code, left(c.city_code, 4)) ORDER BY d._row",
                        lambda rows: "区县代码应以城市代码前 4 位开头：" + _examples(rows, lambda r, v: f"{self._where(t, r)}“{v}”"), problems)
        self._fk("streets", "district_code", "districts", "district_code", "街道/乡镇所属区县代码不存在", problems)
        self._prefix("streets", "street_code", "district_code", problems)
        self._fk("communities", "street_code", "streets", "street_code", "社区/村所属街道代码不存在", problems)
        for tab in ("communities", "grids", "tickets"):
            self._prefix(tab, "street_code", "district_code", problems)
        self._prefix("communities", "community_code", "street_code", problems)
        self._fk("grids", "community_code", "communities", "community_code", "网格所属社区/村代码不存在", problems)
        self._prefix("grids", "grid_code", "community_code", problems)
        self._prefix("grids", "community_code", "street_code", problems)
        self._fk("grid_workers", "community_code", "communities", "community_code", "网格员所属社区/村代码不存在", problems)
        self._fk("grid_assignments", "worker_id", "grid_workers", "worker_id", "网格员配置中的网格员编号不存在", problems)
        self._fk("grid_assignments", "grid_code", "grids", "grid_code", "网格员配置中的网格编码不存在", problems)
        self._fk("tickets", "community_code", "communities", "community_code",
                 "工单的村/社区代码不存在（请核对行政区划代码，或先导入该社区）", problems)
        self._prefix("tickets", "community_code", "street_code", problems)
        self._fk("tickets", "grid_code", "grids", "grid_code", "工单的网格编码不存在", problems)
        self._prefix("tickets", "grid_code", "community_code", problems)
        self._fk("social_orgs", "district_code", "districts", "district_code", "社会组织的区县代码不存在", problems)
        self._fk("social_orgs", "street_code", "streets", "street_code", "社会组织的街道代码不存在", problems)
        self._fk("social_orgs", "community_code", "communities", "community_code", "社会组织的社区/村代码不存在", problems)
        self._prefix("social_orgs", "street_code", "district_code", problems)
        self._prefix("social_orgs", "community_code", "street_code", problems)
        self._fk("assessment_indicators", "round_id", "assessment_rounds", "round_id", "考核指标的轮次编号不存在", problems)
        self._fk("assessment_scores", "round_id,indicator_code", "assessment_indicators", "round_id,indicator_code",
                 "考核得分的轮次/指标编号不存在", problems)
        self._fk("assessment_scores", "community_code", "communities", "community_code", "考核得分的社区/村代码不存在", problems)

        tk = TABLE_BY_NAME["tickets"]
        w = lambda r: self._where(tk, r)  # noqa: E731
        # The data describe one moment: nothing may happen after it (ticket_daily relies on it). Without a
        # declared moment it is the latest record — which may not lie in the future (now, at import).
        moment = self.as_of or datetime.now().replace(microsecond=0)
        what = "数据截至时间" if self.as_of is not None else "导入时刻（现在）"
        self._check(tk, "SELECT _row, ticket_id FROM stage_tickets WHERE created_at > $as_of OR closed_at > $as_of "
                        "OR signed_at > $as_of OR first_contact_at > $as_of ORDER BY _row",
                    lambda rows: f"工单的受理或办结时间晚于{what} {moment:%Y-%m-%d %H:%M}：" + _examples(rows, lambda r, v: f"{w(r)}（{v}）")
                    + "（签收、首次联系时间同样不能晚于它）。请检查这些时间，或用 --as-of 把截至时间设为最后一条记录之后。", problems, {"as_of": moment})
        self._check(tk, f"SELECT _row, extension_workdays FROM stage_tickets WHERE extension_workdays > {MAX_EXTENSION_WORKDAYS} ORDER BY _row",
                    lambda rows: f"延期合计工作日数（extension_workdays）超过 {MAX_EXTENSION_WORKDAYS} 个工作日，不合常理：" + _examples(rows, lambda r, v: f"{w(r)}“{v}”")
                    + "。请确认单位是工作日而不是小时或分钟", problems)
        self._check(tk, f"SELECT _row, lon, lat FROM stage_tickets WHERE NOT (lon BETWEEN {CHINA_LON[0]} AND {CHINA_LON[1]}) "
                        f"OR NOT (lat BETWEEN {CHINA_LAT[0]} AND {CHINA_LAT[1]}) ORDER BY _row",
                    lambda rows: f"工单的经纬度不在中国范围内（经度 {CHINA_LON[0]:g}–{CHINA_LON[1]:g}，纬度 {CHINA_LAT[0]:g}–{CHINA_LAT[1]:g}）："
                    + _examples(rows, lambda r, x, y: f"{w(r)}（{x}, {y}）") + "。请检查是否把经度和纬度写反，或坐标不是经纬度（度）", problems)
        for col, zh in (("signed_at", "签收时间"), ("first_contact_at", "首次联系时间"), ("closed_at", "办结时间")):
            self._check(tk, f"SELECT _row, ticket_id FROM stage_tickets WHERE {col} < created_at ORDER BY _row",
                        lambda rows, zh=zh: f"工单{zh}早于受理时间：" + _examples(rows, lambda r, v: f"{w(r)}（{v}）"), problems)
        self._check(tk, "SELECT _row, ticket_id, status FROM stage_tickets WHERE (status = '已办结') <> (closed_at IS NOT NULL) ORDER BY _row",
                    lambda rows: "工单状态与办结时间不一致（已办结必须有办结时间，未办结不能有办结时间）："
                    + _examples(rows, lambda r, v, s: f"{w(r)}（{v}，{s}）"), problems)
        self._check(tk, "SELECT _row, ticket_id FROM stage_tickets WHERE coalesce(visited, false) AND closed_at IS NULL ORDER BY _row",
                    lambda rows: "未办结的工单不应有有效回访：" + _examples(rows, lambda r, v: f"{w(r)}（{v}）"), problems)
        for col in ("extension_count", "extension_workdays", "return_count"):
            self._check(tk, f"SELECT _row, {col} FROM stage_tickets WHERE {col} < 0 ORDER BY _row",
                        lambda rows, col=col: f"{col} 不能为负数：" + _examples(rows, lambda r, v: f"{w(r)}“{v}”"), problems)
        sc = TABLE_BY_NAME["assessment_scores"]
        self._check(sc, "SELECT s._row, s.score, i.max_score FROM stage_assessment_scores s JOIN stage_assessment_indicators i "
                        "USING (round_id, indicator_code) WHERE s.score < 0 OR s.score > i.max_score ORDER BY s._row",
                    lambda rows: "考核得分超出 0 至该指标分值的范围：" + _examples(rows, lambda r, v, m: f"{self._where(sc, r)} 得分 {v}（满分 {m}）"), problems)
        ro = TABLE_BY_NAME["assessment_rounds"]
        self._check(ro, "SELECT _row, round_id FROM stage_assessment_rounds WHERE period_end < period_start ORDER BY _row",
                    lambda rows: "考核期结束早于开始：" + _examples(rows, lambda r, v: f"{self._where(ro, r)}（{v}）"), problems)
        og = TABLE_BY_NAME["social_orgs"]
        self._check(og, "SELECT _row, org_id FROM stage_social_orgs WHERE deregistered_on < registered_on ORDER BY _row",
                    lambda rows: "社会组织注销日期早于登记日期：" + _examples(rows, lambda r, v: f"{self._where(og, r)}（{v}）"), problems)
        self._check(og, "SELECT _row, org_id FROM stage_social_orgs WHERE (rating IS NULL) <> (rated_on IS NULL) ORDER BY _row",
                    lambda rows: "社会组织评估等级与评估日期须同时填写或同时为空：" + _examples(rows, lambda r, v: f"{self._where(og, r)}（{v}）"), problems)

    # -- staging from the live build (a refresh: dashboard/store/refresh.py) -------------------------
    # The live build is attached as ``live`` (read-only) on this builder's connection.
    def stage_copy(self, table_name: str) -> None:
        """Stage a table of the live build as it is. Tickets leave their time limits empty: they
        are recomputed on the current calendar and configuration, like any import."""
        table = TABLE_BY_NAME[table_name]
        stage = self._stage_table(table)
        cols = ", ".join(_q(c.name) for c in table.columns if not (table.name == "tickets" and c.derived))
        self.con.execute(f"INSERT INTO {stage} (_row, {cols}) SELECT NULL, {cols} FROM live.{table.name}")

    def stage_merged_tickets(self, incoming: pd.DataFrame, source: str) -> None:
        """Stage the live tickets merged with ``incoming`` (text, as read from an export, area codes
        resolved): a ticket not in the export as it is; a known one with the export's non-empty
        values over the live ones (an update need not repeat what did not change); a new one as
        given. Every incoming value is type-checked with its line first (``add_text_table``)."""
        table = TABLE_BY_NAME["tickets"]
        self.add_text_table("tickets", incoming, source=source)
        self.con.execute("ALTER TABLE stage_tickets RENAME TO incoming_tickets")
        self._staged.discard("tickets")
        stage = self._stage_table(table)
        plain = [c.name for c in table.columns if not c.derived]
        supplied = set(incoming.columns)
        cols = ", ".join(_q(c) for c in plain)
        merged = ", ".join("i.ticket_id" if c == "ticket_id" else
                           (f"coalesce(i.{_q(c)}, l.{_q(c)})" if c in supplied else f"l.{_q(c)}") for c in plain)
        fresh = ", ".join(f"i.{_q(c)}" for c in plain)
        self.con.execute(f"INSERT INTO {stage} (_row, {cols}) SELECT NULL, {cols} FROM live.tickets l "
                         f"WHERE NOT EXISTS (SELECT 1 FROM incoming_tickets i WHERE i.ticket_id = l.ticket_id)")
        self.con.execute(f"INSERT INTO {stage} (_row, {cols}) SELECT i._row, {merged} "
                         f"FROM incoming_tickets i JOIN live.tickets l USING (ticket_id)")
        self.con.execute(f"INSERT INTO {stage} (_row, {cols}) SELECT i._row, {fresh} FROM incoming_tickets i "
                         f"WHERE NOT EXISTS (SELECT 1 FROM live.tickets l WHERE l.ticket_id = i.ticket_id)")
        self.con.execute("DROP TABLE incoming_tickets")

    # Parent and child boundaries must coincide (a street is the union of its communities …). If a
    # child file sits off its parent by the GCJ-02 (or BD-09) shift, one of the two was exported from
    # 高德/腾讯 (百度) and declared WGS-84: a warning saying which, how far, and what to declare.
    SHIFT_PAIRS = (("streets", "districts", "district_code"), ("communities", "streets", "street_code"),
                   ("grids", "communities", "community_code"))
    SHIFT_SAMPLE = 200  # parents compared per pair (enough for a median; keeps a large city fast)

    def _check_relative_shift(self) -> None:
        for child, parent, key in self.SHIFT_PAIRS:
            if child not in self._staged or parent not in self._staged:
                continue
            pairs = self.con.execute(
                f"SELECT p.{key}, p.geom, list(c.geom) FROM stage_{parent} p JOIN stage_{child} c USING ({key}) "
                f"WHERE p.geom IS NOT NULL AND c.geom IS NOT NULL GROUP BY ALL ORDER BY p.{key} LIMIT {self.SHIFT_SAMPLE}").fetchall()
            if len(pairs) < 3:
                continue
            offsets, where = [], []
            for _, pgeom, cgeoms in pairs:
                pg = shapely.from_wkb(bytes(pgeom))
                cu = shapely.union_all(shapely.from_wkb([bytes(g) for g in cgeoms]))
                a, b = shapely.centroid(pg), shapely.centroid(cu)
                k = math.pi / 180 * geo.EARTH_RADIUS_M
                offsets.append(((b.x - a.x) * k * math.cos(math.radians(a.y)), (b.y - a.y) * k))
                where.append((a.x, a.y))
            dx, dy = np.median(np.array(offsets), axis=0)
            distance = math.hypot(dx, dy)
            if distance < 100:  # boundaries drawn by hand differ; 100 m is well below the GCJ-02 shift (300–700 m)
                continue
            lon, lat = np.median(np.array(where), axis=0)
            for crs in ("gcj02", "bd09"):
                sx, sy = geo.shift_m(lon, lat, crs)
                for sign, moved, other in ((1, child, parent), (-1, parent, child)):
                    if math.hypot(dx - sign * sx, dy - sign * sy) < 0.25 * math.hypot(sx, sy):
                        name = geo.CRS_NAMES[crs]
                        self.warnings.append(
                            f"{self.sources.get(moved, moved)} 的边界相对 {self.sources.get(other, other)} 整体偏移约 "
                            f"{distance:,.0f} 米，方向与 {name} 相对 WGS-84 的偏移一致：它可能是从地图软件导出的 {name} 坐标。"
                            f"若是，请用 --crs {TABLE_BY_NAME[moved].import_file}={crs} 声明后重新导入")
                        break
                else:
                    continue
                break

    # -- derivation ------------------------------------------------------------------------
    def _calendar(self) -> WorkdayCalendar:
        lo, hi, max_ext = self.con.execute(
            "SELECT min(created_at)::DATE, greatest(max(created_at), max(closed_at), max(first_contact_at))::DATE, "
            "coalesce(max(extension_workdays), 0) FROM stage_tickets").fetchall()[0]
        if lo is None:
            raise DataValidationError(["工单表没有数据：至少需要一条工单"])
        as_of = self._as_of(hi)
        hi = max(hi, as_of.date())
        longest = max(t.resolve if t.resolve_unit == "working_days" else math.ceil(t.resolve / 24) + 1
                      for t in self.settings.time_limits.values())
        span_days = 2 * (longest + int(max_ext)) + 40  # working days → generous calendar days
        # One year before the first ticket as well: 同比 and 环比 comparisons look back that far.
        return WorkdayCalendar.build(lo - timedelta(days=372), hi + timedelta(days=span_days), self.settings.calendar_override,
                                     provisional=self.settings.provisional_calendar)

    def _as_of(self, latest: date | None = None) -> datetime:
        if self.as_of is not None:
            return self.as_of
        ts = self.con.execute("SELECT greatest(max(created_at), max(closed_at), max(first_contact_at), max(signed_at)) FROM stage_tickets").fetchall()[0][0]
        return ts

    def _derive_tickets(self, cal: WorkdayCalendar) -> None:
        self.con.register("_cal", cal.to_frame())
        self.con.execute("CREATE TEMP TABLE cal AS SELECT day::DATE AS day, is_workday, workday_seq, holiday_name, source FROM _cal")
        self.con.unregister("_cal")
        self.con.execute("CREATE TEMP TABLE workday_by_seq AS SELECT workday_seq, day FROM cal WHERE is_workday")
        limits = pd.DataFrame([
            {"urgency": u, "reply": t.reply, "reply_unit": t.reply_unit, "resolve": t.resolve, "resolve_unit": t.resolve_unit}
            for u, t in self.settings.time_limits.items()])
        self.con.register("_limits", limits)
        self.con.execute("CREATE TEMP TABLE limits AS SELECT * FROM _limits")
        self.con.unregister("_limits")
        # Deadlines: N working days → end (23:59:59) of the N-th working day after the
        # creation date; N hours → creation time + N hours. Extensions add working days.
        self.con.execute("""
            CREATE TEMP TABLE ticket_derived AS
            WITH base AS (
                SELECT t.ticket_id, t.created_at, coalesce(t.extension_workdays, 0) AS ext,
                       l.reply, l.reply_unit, l.resolve, l.resolve_unit,
                       c.workday_seq AS created_seq, cc.workday_seq AS closed_seq
                FROM stage_tickets t
                JOIN limits l USING (urgency)
                JOIN cal c ON c.day = t.created_at::DATE
                LEFT JOIN cal cc ON cc.day = t.closed_at::DATE
            ), due AS (
                SELECT b.ticket_id, b.ext, b.closed_seq - b.created_seq AS handling_workdays,
                    CASE WHEN b.reply_unit = 'hours' THEN b.created_at + to_hours(b.reply)
                         ELSE wr.day + INTERVAL 86399 SECOND END AS reply_due,
                    CASE WHEN b.resolve_unit = 'hours' THEN b.created_at + to_hours(b.resolve)
                         ELSE wo.day + INTERVAL 86399 SECOND END AS original_due
                FROM base b
                LEFT JOIN workday_by_seq wr ON wr.workday_seq = b.created_seq + b.reply
                LEFT JOIN workday_by_seq wo ON wo.workday_seq = b.created_seq + b.resolve
            )
            SELECT d.ticket_id, d.reply_due, d.original_due, d.handling_workdays,
                   CASE WHEN d.ext = 0 THEN d.original_due ELSE we.day + INTERVAL 86399 SECOND END AS due
            FROM due d
            LEFT JOIN cal od ON od.day = d.original_due::DATE
            LEFT JOIN workday_by_seq we ON we.workday_seq = od.workday_seq + d.ext
        """)
        missing = self.con.execute("SELECT count(*) FROM ticket_derived WHERE reply_due IS NULL OR original_due IS NULL OR due IS NULL").fetchall()[0][0]
        if missing:
            raise DataValidationError([f"{missing} 条工单的办理时限超出工作日历范围，无法计算（请检查受理时间和延期天数）"])

    def _check_calendar_coverage(self, cal: WorkdayCalendar) -> None:
        used = self.con.execute("""
            SELECT DISTINCT year(d) FROM (
                SELECT created_at::DATE AS d FROM stage_tickets UNION ALL
                SELECT closed_at::DATE FROM stage_tickets WHERE closed_at IS NOT NULL UNION ALL
                SELECT due::DATE FROM ticket_derived UNION ALL SELECT reply_due::DATE FROM ticket_derived)
        """).fetchall()
        used_years = {r[0] for r in used} | {self._as_of().year}
        fallback = set(cal.uncovered_years()) & used_years
        if fallback:
            if not self.settings.allow_weekend_fallback:
                raise CalendarCoverageError(fallback, self.settings.calendar_override)
            self.warnings.append(f"{'、'.join(map(str, sorted(fallback)))} 年没有法定节假日数据，已按“仅周末休息”计算工作日，时限和工龄可能不准确")
        self._fallback_years = sorted(fallback)
        provisional = set(cal.provisional_years()) & used_years
        if provisional:
            self.warnings.append(f"{'、'.join(map(str, sorted(provisional)))} 年的节假日为暂定（按《全国年节及纪念日放假办法》推算，"
                                 f"未含调休上班日）；国务院放假通知发布后，请录入 {self.settings.calendar_override} 并重新构建")
        self._provisional_years = sorted(provisional)

    def _write_final(self, cal: WorkdayCalendar) -> dict[str, int]:
        con = self.con
        for t in schema.TABLES:
            con.execute(schema.create_table_sql(t))
        rows: dict[str, int] = {}
        for t in schema.IMPORTED_TABLES:
            cols = [c.name for c in t.columns]
            order = ", ".join(t.order_by) if t.order_by else "1"
            if t.name == "tickets":
                sel = []
                for c in cols:
                    if c in ("reply_due_at", "original_due_at", "due_at", "handling_workdays"):
                        src = {"reply_due_at": "reply_due", "original_due_at": "original_due", "due_at": "due",
                               "handling_workdays": "handling_workdays"}[c]
                        sel.append(f"coalesce(s.{c}, d.{src}) AS {c}" if c != "handling_workdays" else f"d.{src} AS {c}")
                    elif c in ("extension_count", "extension_workdays", "return_count"):
                        sel.append(f"coalesce(s.{c}, 0) AS {c}")
                    elif c in ("is_repeat", "is_proactive", "visited"):
                        sel.append(f"coalesce(s.{c}, false) AS {c}")
                    else:
                        sel.append(f"s.{c}")
                con.execute(f"INSERT INTO tickets SELECT {', '.join(sel)} FROM stage_tickets s "
                            f"JOIN ticket_derived d USING (ticket_id) ORDER BY s.created_at, s.ticket_id")
            elif t.name == "grid_workers":
                con.execute(f"INSERT INTO grid_workers SELECT worker_id, name, employment, community_code, coalesce(active, true) "
                            f"FROM stage_grid_workers ORDER BY {order}")
            else:
                con.execute(f"INSERT INTO {t.name} SELECT {', '.join(cols)} FROM stage_{t.name} ORDER BY {order}")
            rows[t.name] = con.execute(f"SELECT count(*) FROM {t.name}").fetchall()[0][0]
        # The closing-ordered projection of tickets (see schema: ticket_closing).
        closing = schema.TABLE_BY_NAME["ticket_closing"]
        cols = [c.name for c in closing.columns if c.name not in ("ticket_row", "closed_key")]
        con.execute(f"INSERT INTO ticket_closing SELECT rowid AS ticket_row, "
                    f"coalesce(closed_at, TIMESTAMP '9999-12-31') AS closed_key, {', '.join(cols)} "
                    f"FROM tickets ORDER BY {', '.join(closing.order_by)}")
        rows["ticket_closing"] = rows["tickets"]
        self._fill_area_km2()
        con.register("_calendar", cal.to_frame())
        con.execute("INSERT INTO workday_calendar SELECT day::DATE, is_workday, workday_seq, holiday_name, "
                    "source FROM _calendar ORDER BY day")
        con.unregister("_calendar")
        rows["workday_calendar"] = len(cal.is_workday)
        return rows

    # Summary tables, each filled from the one definition of its rule: a macro of queries/macros.sql
    # (stored in the file just before). (table, SELECT, parameters); rows in the table's order.
    SUMMARIES = (
        *(("ticket_daily", "SELECT $unit_len, * FROM ticket_day_counts('', $unit_len, TIMESTAMP '0001-01-01', "
           "TIMESTAMP '9999-12-31') ORDER BY area_code, day", {"unit_len": n}) for n in (9, 12)),  # streets, communities
        ("grid_staffing", "SELECT * FROM grid_staff() ORDER BY grid_code", None),
        ("multi_grid_workers", "SELECT * FROM multi_grid_staff() ORDER BY worker_id", None),
    )

    def _write_summaries(self) -> dict[str, int]:
        for table, select, params in self.SUMMARIES:
            self.con.execute(f"INSERT INTO {table} {select}", params)
        tables = dict.fromkeys(table for table, _, _ in self.SUMMARIES)
        return {t: self.con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in tables}

    def _fill_area_km2(self) -> None:
        """Areas from geometry (local equal-area approximation, < 0.5 % error at city scale)."""
        for level, table in schema.AREA_TABLES.items():
            key = f"{level}_code"
            df = self.con.execute(f"SELECT {key}, geom FROM {table} WHERE area_km2 IS NULL AND geom IS NOT NULL").df()
            if df.empty:
                continue
            geoms = shapely.from_wkb(df["geom"].map(bytes).tolist())
            df["area_km2"] = [polygon_area_km2(g) for g in geoms]
            self.con.register("_areas", df[[key, "area_km2"]])
            self.con.execute(f"UPDATE {table} SET area_km2 = a.area_km2 FROM _areas a WHERE {table}.{key} = a.{key}")
            self.con.unregister("_areas")

    def _write_meta(self, cal: WorkdayCalendar, rows: dict[str, int]) -> dict[str, str]:
        city_code, city_name = self.con.execute("SELECT city_code, name FROM city").fetchall()[0]
        as_of = self._as_of()
        first = self.con.execute("SELECT min(created_at) FROM tickets").fetchall()[0][0]
        meta = {
            "schema_version": str(schema.SCHEMA_VERSION),
            "dataset": self.dataset,
            "label": self.label,
            "city_code": city_code,
            "city_name": city_name,
            "as_of": pd.Timestamp(as_of).isoformat(sep=" "),
            "data_start": pd.Timestamp(first).isoformat(sep=" "),
            "built_at": datetime.now().isoformat(sep=" ", timespec="seconds"),
            "time_limits": json.dumps({u: t.__dict__ for u, t in self.settings.time_limits.items()}, ensure_ascii=False),
            "calendar_first_day": cal.first_day.isoformat(),
            "calendar_last_day": cal.last_day.isoformat(),
            "calendar_fallback_years": ",".join(map(str, getattr(self, "_fallback_years", []))),
            "calendar_provisional_years": ",".join(map(str, getattr(self, "_provisional_years", []))),
            "sources": json.dumps(self.sources, ensure_ascii=False),
            "source_crs": json.dumps(self.source_crs, ensure_ascii=False),
            "row_counts": json.dumps(rows, ensure_ascii=False),
            **self.extra_meta,
        }
        self.con.executemany("INSERT INTO meta VALUES (?, ?)", list(meta.items()))
        return meta

    # -- finish ---------------------------------------------------------------------------------
    def finish(self) -> BuildReport:
        """Validate, derive, write and atomically swap in the new database file."""
        try:
            problems = self._validate()
            if problems:
                raise DataValidationError(problems)
            self._check_relative_shift()
            cal = self._calendar()
            self._derive_tickets(cal)
            self._check_calendar_coverage(cal)
            rows = self._write_final(cal)
            meta = self._write_meta(cal, rows)
            self.con.execute(schema.AREAS_TABLE)
            from dashboard.store import sql  # the shared SQL macros, stored so queries need not define them
            for stmt in sql.persistent_macro_sql():
                self.con.execute(stmt)
            self.con.execute("INSERT INTO meta VALUES ('macros_sha256', ?)", [sql.macros_digest()])
            meta["macros_sha256"] = sql.macros_digest()
            rows.update(self._write_summaries())
            self.con.execute("UPDATE meta SET value = ? WHERE key = 'row_counts'", [json.dumps(rows, ensure_ascii=False)])
            for t in schema.TABLES:
                for stmt in schema.comment_sql(t):
                    self.con.execute(stmt)
            self.con.execute(f"COMMENT ON TABLE areas IS {_lit(schema.AREAS_COMMENT)}")
            for column, zh in schema.AREAS_COLUMNS.items():
                self.con.execute(f"COMMENT ON COLUMN areas.{column} IS {_lit(zh)}")
            for t in self._staged:
                self.con.execute(f"DROP TABLE IF EXISTS stage_{t}")
            self.con.execute("CHECKPOINT")
            self.con.close()
            if self.keep_views:  # the standard views' answers, kept in the build (dashboard.store.stored_views)
                from dashboard import warmup  # late: the views are the pages' own data functions, above the store

                self.kept_views = warmup.precompute(self.tmp_path)
                self.warnings += [f"常用视图未能预先计算（页面将实时计算）：{x}" for x in self.kept_views["failed"]]
            build = self._swap_in()
        except BaseException:
            self.abort()
            raise
        self._lock.release()
        return BuildReport(self.out_path, rows, time.perf_counter() - self._started, self.warnings, meta, build,
                           self.kept_views)

    def _swap_in(self) -> Path:
        """The finished temporary file becomes this build's file; the target links to it."""
        build = new_build_path(self.out_path)
        os.replace(self.tmp_path, build)  # atomic on one file system
        try:
            point_to(self.out_path, build)
        except BaseException:
            build.unlink(missing_ok=True)
            raise
        remove_old_builds(self.out_path, self.settings.refresh.keep_versions)
        return build


def polygon_area_km2(geom) -> float:
    """Area of a WGS-84 polygon in km² (local Lambert cylindrical equal-area projection)."""
    lat0 = math.radians(shapely.centroid(geom).y)
    r = 6371.0088
    def proj(coords):
        lon, lat = np.radians(coords[:, 0]), np.radians(coords[:, 1])
        return np.column_stack([r * lon * math.cos(lat0), r * np.sin(lat) / math.cos(lat0)])
    projected = shapely.transform(geom, proj)
    return float(projected.area)
