"""数据刷新 — bring the live database up to date from the 12345 platform's export, with a
preview, versions and rollback; the same from the command line for scheduled jobs.

A refresh is a new build (``dashboard.store.build``): every table of the live build is copied
into the new one, the uploaded files change what they carry, and the whole build is
validated, derived (time limits recomputed on the current calendar) and swapped in
atomically. Readers keep the build their page run started with and see the new one on
their next run; a failed or cancelled refresh never touches the live build.

What an upload may hold (xlsx, csv or a zip of them):

* **The 12345 export** — one row per ticket with the platform's Chinese headers
  (``EXPORT_HEADERS``: 工单编号, 来电时间, 被反映区, 被反映街乡镇, 村/社区, 一/二/三级分类,
  工单状态, 办结时间, 是否有效回访, 是否联系, 是否解决, 是否满意, 主办单位 …). Area *names* are
  resolved to codes through the live build's areas. A 工单编号 not yet known is added; a
  known one is updated with the export's non-empty values (status, closing, visit results,
  extensions …); identical rows are counted as unchanged. Headers the platform of a city
  spells differently are mapped once on the 数据管理 page and saved per source.
* **Lists in the data model's own names** (``grids.csv``, ``grid_workers.xlsx``,
  ``social_orgs.csv`` … as in docs/data_model.md): they replace that table.

Versions: each build is its own file; the newest ``[refresh] keep_versions`` stay on disk,
listed with who made them and what changed (``data_versions`` in the application
database); a rollback points the database at an older one.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import sys
import tempfile
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd

from dashboard.core import schema
from dashboard.core.config import settings as current_settings
from dashboard.store import appdb, build, load
from dashboard.store.build import DatabaseBuilder, DataValidationError, OutputError

# The 12345 export's headers (and the spellings seen in several cities) → the data model's columns.
# *_name columns are area names, resolved to codes.
EXPORT_HEADERS = {
    "工单编号": "ticket_id", "工单号": "ticket_id", "编号": "ticket_id",
    "标题": "title", "诉求标题": "title", "主要内容": "content", "诉求内容": "content",
    "一级分类": "category_l1", "二级分类": "category_l2", "三级分类": "category_l3",
    "工单状态": "status", "状态": "status",
    "来电时间": "created_at", "受理时间": "created_at", "登记时间": "created_at",
    "签收时间": "signed_at", "首次联系时间": "first_contact_at", "办结时间": "closed_at",
    "紧急程度": "urgency", "来源渠道": "channel", "诉求渠道": "channel",
    "延期次数": "extension_count", "延期工作日数": "extension_workdays", "延期天数": "extension_workdays",
    "退单次数": "return_count", "是否重复": "is_repeat", "是否重复诉求": "is_repeat",
    "是否主动发现": "is_proactive", "被反映区": "district_name", "被反映街乡镇": "street_name",
    "村/社区": "community_name", "村社区": "community_name", "网格编码": "grid_code", "主办单位": "handling_unit",
    "是否有效回访": "visited", "是否联系": "contacted", "是否解决": "resolved", "是否满意": "satisfaction",
    "经度": "lon", "纬度": "lat",
}
AREA_NAME_COLUMNS = ("district_name", "street_name", "community_name")
DEFAULTS = {"channel": "12345热线", "urgency": "一般"}  # what the export usually leaves out
NEEDED = ("ticket_id", "title", "category_l1", "category_l2", "status", "created_at",
          "district_name", "street_name", "community_name")
MAX_UPLOAD_BYTES = 100 * 2**20
MAX_ZIP_UNCOMPRESSED = 400 * 2**20
MAX_ZIP_FILES = 50
COMPARED = [c.name for c in schema.TABLE_BY_NAME["tickets"].columns if not c.derived and c.name != "ticket_id"]
DERIVED = [c.name for c in schema.TABLE_BY_NAME["tickets"].columns if c.derived]

VERSIONS_SCHEMA = """
CREATE TABLE IF NOT EXISTS data_versions (
    build_file TEXT PRIMARY KEY,  -- the build's file name beside the database path
    made_at    TEXT NOT NULL,
    username   TEXT NOT NULL,
    summary    TEXT NOT NULL      -- JSON: files, new / updated / unchanged, data moment
);
CREATE TABLE IF NOT EXISTS export_mappings (
    source     TEXT PRIMARY KEY,  -- a name the staff give the export's origin, e.g. 市12345平台
    mapping    TEXT NOT NULL,     -- JSON: header → column
    saved_by   TEXT NOT NULL,
    saved_at   TEXT NOT NULL
);
"""


appdb.register_schema(VERSIONS_SCHEMA)


class RefreshError(ValueError):
    """A refresh refused before anything changed; Chinese message with what to do."""


@dataclass
class Problem:
    file: str
    row: int | None
    message: str
    fix: str

    def text(self) -> str:
        where = f"{self.file} 第 {self.row} 行" if self.row else self.file
        return f"{where}：{self.message}（{self.fix}）"


@dataclass
class Preview:
    """What applying the upload would do; nothing has changed yet."""
    files: list[str]
    tickets: pd.DataFrame | None  # the export mapped to the data model (codes resolved), as text
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    replaced_tables: dict[str, int] = field(default_factory=dict)  # table → rows of the replacing file
    problems: list[Problem] = field(default_factory=list)
    unmapped_headers: list[str] = field(default_factory=list)
    as_of: datetime | None = None
    folder: Path | None = None  # the uploaded files, unpacked

    rebuild_only: bool = False  # no files: the same data rebuilt (e.g. after the holiday notice was entered)

    @property
    def ok(self) -> bool:
        return not self.problems and (self.tickets is not None or bool(self.replaced_tables) or self.rebuild_only)

    def close(self) -> None:
        if self.folder and self.folder.exists():
            shutil.rmtree(self.folder, ignore_errors=True)


# -- reading the upload ----------------------------------------------------------------------------------------
def unpack(uploads: list[tuple[str, bytes]]) -> Path:
    """The uploaded files in a private temporary folder (a zip unpacked with size limits)."""
    folder = Path(tempfile.mkdtemp(prefix="refresh-"))
    try:
        for name, data in uploads:
            base = Path(name).name
            if len(data) > MAX_UPLOAD_BYTES:
                raise RefreshError(f"{base} 有 {len(data) / 2**20:,.0f} MB，超过单个文件 {MAX_UPLOAD_BYTES // 2**20} MB 的上限："
                                   "请按月份分批导出后再上传")
            if base.lower().endswith(".zip"):
                try:
                    with zipfile.ZipFile(io.BytesIO(data)) as z:
                        members = [m for m in z.infolist() if not m.is_dir()]
                        if len(members) > MAX_ZIP_FILES or sum(m.file_size for m in members) > MAX_ZIP_UNCOMPRESSED:
                            raise RefreshError(f"{base} 解压后过大（最多 {MAX_ZIP_FILES} 个文件、{MAX_ZIP_UNCOMPRESSED // 2**20} MB）")
                        for m in members:
                            inner = Path(m.filename).name  # no folders, no "../"
                            if inner and not inner.startswith("."):
                                (folder / inner).write_bytes(z.read(m))
                except zipfile.BadZipFile:
                    raise RefreshError(f"{base} 不是有效的 zip 压缩包：请重新压缩后上传") from None
            else:
                (folder / base).write_bytes(data)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return folder


def _is_table_file(path: Path) -> str | None:
    for t in schema.IMPORTED_TABLES:
        if path.stem == t.name and path.suffix.lower() in (".csv", ".xlsx", ".geojson"):
            return t.name
    return None


def map_headers(frame: pd.DataFrame, saved: dict[str, str] | None = None) -> tuple[pd.DataFrame, list[str]]:
    """The export's columns renamed to the data model's; headers nobody knows are returned."""
    known = {**EXPORT_HEADERS, **(saved or {})}
    rename, unknown = {}, []
    for h in frame.columns:
        name = str(h).strip()
        if name in known and known[name]:
            rename[h] = known[name]
        elif name in schema.TABLE_BY_NAME["tickets"].column_names or name in AREA_NAME_COLUMNS:
            rename[h] = name
        else:
            unknown.append(name)
    out = frame.rename(columns=rename)[list(rename.values())]
    return out.loc[:, ~out.columns.duplicated()], unknown


def _area_lookup(con) -> tuple[dict, dict, dict]:
    districts = {n: c for c, n in con.execute("SELECT district_code, name FROM live.districts").fetchall()}
    streets = {(d, n): c for c, d, n in con.execute("SELECT street_code, district_code, name FROM live.streets").fetchall()}
    communities = {(s, n): c for c, s, n in
                   con.execute("SELECT community_code, street_code, name FROM live.communities").fetchall()}
    return districts, streets, communities


def resolve_areas(frame: pd.DataFrame, con, file: str, first_line: int = 2) -> tuple[pd.DataFrame, list[Problem]]:
    """Area names → codes, level by level (a street is looked up in its district, a
    community in its street); names that match nothing are listed with their rows."""
    districts, streets, communities = _area_lookup(con)
    problems: list[Problem] = []
    d_codes, s_codes, c_codes = [], [], []
    for i, (dn, sn, cn) in enumerate(zip(frame["district_name"], frame["street_name"], frame["community_name"])):
        row = first_line + i
        d = districts.get(str(dn).strip()) if isinstance(dn, str) else None
        s = streets.get((d, str(sn).strip())) if d and isinstance(sn, str) else None
        c = communities.get((s, str(cn).strip())) if s and isinstance(cn, str) else None
        if d is None:
            problems.append(Problem(file, row, f"被反映区“{dn}”不在本市区县名录中", "核对区县名称，或先在数据管理中更新区县名录"))
        elif s is None:
            problems.append(Problem(file, row, f"街乡镇“{sn}”不在“{dn}”下", "核对街道/乡镇名称（须与名录一致）"))
        elif c is None:
            problems.append(Problem(file, row, f"村/社区“{cn}”不在“{sn}”下", "核对村/社区名称（须与名录一致）"))
        d_codes.append(d)
        s_codes.append(s)
        c_codes.append(c)
    out = frame.drop(columns=list(AREA_NAME_COLUMNS)).copy()
    out["district_code"], out["street_code"], out["community_code"] = d_codes, s_codes, c_codes
    return out, problems


def _attach(con, db_path: Path) -> None:
    con.execute("ATTACH ? AS live (READ_ONLY)", [os.path.realpath(db_path)])


# -- preview ---------------------------------------------------------------------------------------------------
def preview(db_path: Path | str, uploads: list[tuple[str, bytes]], saved_mapping: dict[str, str] | None = None,
            as_of: datetime | None = None) -> Preview:
    """Read and check the upload against the live database; count new, updated and
    unchanged tickets. Nothing is written. Call ``apply`` with the result, then ``close``."""
    db_path = Path(db_path)
    if not db_path.exists():
        raise RefreshError(f"找不到数据库 {db_path}：请先导入本市数据（python -m dashboard.store.load）")
    folder = unpack(uploads)
    files = sorted(p.name for p in folder.iterdir())
    result = Preview(files=files, tickets=None, folder=folder, as_of=as_of)
    con = duckdb.connect()
    try:
        _attach(con, db_path)
        exports = []
        for path in sorted(folder.iterdir()):
            table = _is_table_file(path)
            try:
                frame = load.read_table_file(path) if path.suffix.lower() in (".csv", ".xlsx", ".geojson") else None
            except DataValidationError as e:
                result.problems += [Problem(path.name, None, p, "修正后重新上传") for p in e.problems]
                continue
            if frame is None:
                result.problems.append(Problem(path.name, None, "文件类型无法识别", "请上传 .xlsx、.csv、.geojson 或 .zip"))
                continue
            if table and table != "tickets":
                result.replaced_tables[table] = len(frame)
                continue
            mapped, unknown = map_headers(frame, saved_mapping)
            result.unmapped_headers += [h for h in unknown if h not in result.unmapped_headers]
            missing = [c for c in NEEDED if c not in mapped.columns and not (table == "tickets" and c.endswith("_name"))]
            if missing:
                zh = {v: k for k, v in reversed(list(EXPORT_HEADERS.items()))}
                result.problems.append(Problem(path.name, None, "缺少必需的列：" + "、".join(zh.get(m, m) for m in missing),
                                               "在下方“列名对应”中指定这些列对应导出文件的哪一列，或换用平台的完整导出"))
                continue
            for col, value in DEFAULTS.items():
                if col not in mapped.columns:
                    mapped[col] = value
            if "district_name" in mapped.columns:
                mapped, area_problems = resolve_areas(mapped, con, path.name)
                result.problems += area_problems
            mapped.insert(0, "_file", path.name)
            mapped.insert(1, "_line", range(2, 2 + len(mapped)))
            exports.append(mapped)
        if exports:
            tickets = pd.concat(exports, ignore_index=True)
            result.tickets = tickets
            _check_tickets(con, tickets, result)
    finally:
        con.close()
    return result


def _check_tickets(con, tickets: pd.DataFrame, result: Preview) -> None:
    dup = tickets[tickets["ticket_id"].duplicated(keep=False)]
    for tid, group in dup.groupby("ticket_id"):
        lines = "、".join(f"{f} 第 {r} 行" for f, r in zip(group["_file"], group["_line"]))
        result.problems.append(Problem(group["_file"].iloc[0], int(group["_line"].iloc[0]),
                                       f"工单编号 {tid} 出现 {len(group)} 次（{lines}）", "每个工单只保留最新的一行"))
    cols = [c for c in tickets.columns if not c.startswith("_")]
    con.register("incoming", tickets[["_file", "_line", *cols]].astype(object).where(tickets.notna(), None))
    try:
        ids = con.execute("SELECT count(*) FILTER (WHERE l.ticket_id IS NULL), count(*) FILTER (WHERE l.ticket_id IS NOT NULL)"
                          " FROM (SELECT DISTINCT ticket_id FROM incoming) i LEFT JOIN live.tickets l USING (ticket_id)"
                          ).fetchall()[0]
        result.new = int(ids[0])
        known = int(ids[1])
        same = build.count_unchanged_tickets(con, [c for c in cols if c in COMPARED])
        result.unchanged = same
        result.updated = known - same
        live_as_of = con.execute("SELECT value FROM live.meta WHERE key = 'as_of'").fetchall()[0][0]
        # The export's latest moment becomes the new 数据截至 unless the staff give one.
        if result.as_of is None:
            latest = _latest(tickets)
            result.as_of = max(latest, datetime.fromisoformat(live_as_of)) if latest else datetime.fromisoformat(live_as_of)
    finally:
        con.unregister("incoming")


def _latest(tickets: pd.DataFrame) -> datetime | None:
    moments = []
    for c in ("created_at", "closed_at", "first_contact_at", "signed_at"):
        if c in tickets.columns:
            parsed = pd.to_datetime(tickets[c], errors="coerce", format="mixed")
            if parsed.notna().any():
                moments.append(parsed.max())
    return max(moments).to_pydatetime() if moments else None


# -- apply -----------------------------------------------------------------------------------------------------
def apply(db_path: Path | str, p: Preview, username: str, label: str | None = None) -> build.BuildReport:
    """Build the refreshed database and swap it in; record the version. Raises
    ``DataValidationError`` (nothing changed) when the full checks find a problem."""
    if not p.ok:
        raise RefreshError("预览中还有问题（或没有可用的数据），不能应用：请修正文件后重新上传")
    db_path = Path(db_path)
    with duckdb.connect(os.path.realpath(db_path), read_only=True) as live:
        meta = dict(live.execute("SELECT key, value FROM meta").fetchall())
    cfg = current_settings()
    with DatabaseBuilder(db_path, dataset=meta.get("dataset", "user"), label=label or meta.get("label", "本市数据"),
                         settings=cfg, as_of=p.as_of,
                         extra_meta={"refreshed_by": username, "refreshed_from": ",".join(p.files)}) as b:
        b.con.execute("ATTACH ? AS live (READ_ONLY)", [os.path.realpath(db_path)])
        for table in schema.IMPORTED_TABLES:
            replacing = next((f for f in p.folder.iterdir() if _is_table_file(f) == table.name), None) \
                if table.name != "tickets" else None
            if replacing is not None:
                b.add_text_table(table.name, load.read_table_file(replacing), source=replacing.name)
            elif table.name == "tickets" and p.tickets is not None:
                b.stage_merged_tickets(p.tickets.drop(columns=["_file", "_line"]), source="12345 导出")
                b.sources["tickets"] = "、".join(sorted(set(p.tickets["_file"])))
            else:
                b.stage_copy(table.name)
                b.sources[table.name] = f"上一版本（{meta.get('built_at', '')[:16]}）"
        b.con.execute("DETACH live")
        report = b.finish()
    summary = {"files": p.files, "new": p.new, "updated": p.updated, "unchanged": p.unchanged,
               "replaced": p.replaced_tables, "as_of": report.meta["as_of"]}
    record_version(report.file.name, username, summary)
    appdb.audit("admin", username, what="数据刷新", build=report.file.name, **{k: v for k, v in summary.items() if k != "files"})
    return report


# -- versions ----------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Version:
    path: Path
    built_at: str
    as_of: str
    tickets: int
    current: bool
    by: str
    summary: dict


def record_version(build_file: str, username: str, summary: dict) -> None:
    with appdb.connect() as con:
        con.execute("INSERT OR REPLACE INTO data_versions VALUES (?, ?, ?, ?)",
                    [build_file, appdb.now().isoformat(), username, json.dumps(summary, ensure_ascii=False, default=str)])


def versions(db_path: Path | str) -> list[Version]:
    """The build files on disk, newest first, with who made them (a build made by the command
    line importer or the generator says so)."""
    db_path = Path(db_path)
    current = Path(os.path.realpath(db_path))
    with appdb.connect() as con:
        made = {r["build_file"]: r for r in con.execute("SELECT * FROM data_versions").fetchall()}
    out = []
    for path in reversed(build.builds(db_path)):
        try:
            with duckdb.connect(str(path), read_only=True) as c:
                meta = dict(c.execute("SELECT key, value FROM meta").fetchall())
        except duckdb.Error:
            continue
        rec = made.get(path.name)
        counts = json.loads(meta.get("row_counts", "{}"))
        out.append(Version(path, meta.get("built_at", ""), meta.get("as_of", "")[:16], int(counts.get("tickets", 0)),
                           path == current, rec["username"] if rec else "导入程序/示例数据",
                           json.loads(rec["summary"]) if rec else {}))
    return out


def rollback(db_path: Path | str, build_name: str, username: str) -> None:
    """Point the database at an older build (one atomic link swap)."""
    db_path = Path(db_path)
    target = next((p for p in build.builds(db_path) if p.name == build_name), None)
    if target is None:
        raise RefreshError(f"版本 {build_name} 不存在（可能已按保留份数清理）")
    build.point_to(db_path, target)
    appdb.audit("admin", username, what="数据回退", build=build_name)


# -- mappings and the error report ----------------------------------------------------------------------------------
def saved_mapping(source: str) -> dict[str, str]:
    with appdb.connect() as con:
        r = con.execute("SELECT mapping FROM export_mappings WHERE source = ?", [source]).fetchone()
    return json.loads(r[0]) if r else {}


def save_mapping(source: str, mapping: dict[str, str], username: str) -> None:
    with appdb.connect() as con:
        con.execute("INSERT OR REPLACE INTO export_mappings VALUES (?, ?, ?, ?)",
                    [source, json.dumps(mapping, ensure_ascii=False), username, appdb.now().isoformat()])


def error_report(p: Preview) -> bytes:
    from dashboard.core.export import to_xlsx

    frame = pd.DataFrame([{"文件": x.file, "行号": x.row, "问题": x.message, "修改方法": x.fix} for x in p.problems],
                         columns=["文件", "行号", "问题", "修改方法"])
    return to_xlsx(frame, "数据刷新错误报告", [f"文件：{'、'.join(p.files)}", f"共 {len(p.problems)} 处问题"])


def target_columns() -> dict[str, str]:
    """Columns an unknown header may be mapped to: the data model's ticket columns and the area names."""
    t = schema.TABLE_BY_NAME["tickets"]
    out = {c.name: c.zh for c in t.columns if not c.derived and not c.name.endswith("_code")}
    out.update({"district_name": "被反映区（名称）", "street_name": "被反映街乡镇（名称）", "community_name": "村/社区（名称）"})
    return out


# -- command line ----------------------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dashboard.store.refresh", description="用 12345 导出等文件刷新看板数据")
    parser.add_argument("--db", type=Path, help="数据库路径（默认取配置 [database] path）")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("apply", help="预览并应用（默认只预览）")
    p.add_argument("files", nargs="+", type=Path)
    p.add_argument("--yes", action="store_true", help="预览无问题时直接应用（定时任务用）")
    p.add_argument("--source", default="", help="已保存的列名对应方案名称")
    p.add_argument("--as-of", help="数据截至时间 YYYY-MM-DD HH:MM:SS（默认取文件中最晚的时间）")
    p.add_argument("--user", default="命令行", help="记入版本和审计日志的操作人")
    sub.add_parser("versions", help="列出保留的版本")
    r = sub.add_parser("rollback", help="回退到某个版本")
    r.add_argument("build_file")
    r.add_argument("--user", default="命令行")
    args = parser.parse_args(argv)
    db_path = args.db or current_settings().database
    try:
        if args.command == "versions":
            for v in versions(db_path):
                s = v.summary
                what = f"新增 {s.get('new', 0):,}、更新 {s.get('updated', 0):,}" if s else ""
                print(f"{'→' if v.current else ' '} {v.path.name}  数据截至 {v.as_of}  工单 {v.tickets:,}  {v.by}  {what}")
            return 0
        if args.command == "rollback":
            rollback(db_path, args.build_file, args.user)
            print(f"已回退到 {args.build_file}")
            return 0
        uploads = [(f.name, f.read_bytes()) for f in args.files]
        as_of = datetime.fromisoformat(args.as_of) if args.as_of else None
        pv = preview(db_path, uploads, saved_mapping(args.source) if args.source else None, as_of)
        try:
            print(f"预览：新增 {pv.new:,} 件，更新 {pv.updated:,} 件，未变 {pv.unchanged:,} 件"
                  + (f"；替换 {'、'.join(f'{k}（{n:,} 行）' for k, n in pv.replaced_tables.items())}" if pv.replaced_tables else "")
                  + (f"；数据截至 {pv.as_of:%Y-%m-%d %H:%M}" if pv.as_of else ""))
            if pv.unmapped_headers:
                print("未识别的列（已忽略）：" + "、".join(pv.unmapped_headers))
            for x in pv.problems[:50]:
                print("  - " + x.text(), file=sys.stderr)
            if pv.problems:
                print(f"共 {len(pv.problems)} 处问题，数据库未做任何改动。", file=sys.stderr)
                return 1
            if not args.yes:
                print("未应用。确认无误后加 --yes 应用。")
                return 0
            report = apply(db_path, pv, args.user)
            print(f"已应用：新版本 {report.file.name}，用时 {report.seconds:.1f} 秒")
        finally:
            pv.close()
    except (RefreshError, DataValidationError, OutputError) as e:
        print(f"错误：{e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
