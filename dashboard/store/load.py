"""导入本市数据 — build a dashboard database from a folder of files.

    python -m dashboard.store.load --source 我的数据/ --out data/city.duckdb [--label 某某市]

The folder holds one file per table, named as in ``docs/data_model.md``
(``districts.csv``, ``tickets.csv``, …). Each may be ``.csv`` (UTF-8, UTF-8 with BOM
or GBK/GB18030 as exported by Excel), ``.xlsx`` (first sheet), and the four area
tables may also be ``.geojson`` (properties = columns, geometry = boundary). A CSV of
an area table carries its boundary as WKT text in a ``geometry`` column.

Nothing is written to ``--out`` unless every file passes every check; errors are
printed in Chinese with file, line and what to fix, and the exit status is 1. Any other
failure (a folder where a file should be, an output path that cannot be written, Ctrl-C or
``kill``) is reported in Chinese too; the temporary file is always removed. An .xlsx is
refused when it would inflate beyond ``MAX_XLSX_UNCOMPRESSED`` or holds more than
``MAX_XLSX_ROWS`` rows (an .xlsx is a zip: 6 MB may unpack to 1.5 GB).
"""

from __future__ import annotations

import argparse
import io
import json
import re
import sys
import zipfile
from datetime import datetime
from pathlib import Path

import pandas as pd

from dashboard.core import geo, schema
from dashboard.core.config import ConfigError, load_settings
from dashboard.store import build
from dashboard.store.build import BuildReport, DatabaseBuilder, DataValidationError, OutputError
from dashboard.store.workdays import CalendarCoverageError

ENCODINGS = ("utf-8-sig", "gb18030")
MAX_XLSX_UNCOMPRESSED = 200 * 2**20  # bytes of XML inside an .xlsx
MAX_XLSX_ROWS = 1_000_000


def read_text_csv(path: Path) -> pd.DataFrame:
    """Read a CSV as text, trying UTF-8 then GB18030 (a superset of GBK)."""
    raw = path.read_bytes()
    for enc in ENCODINGS:
        try:
            text = raw.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise DataValidationError([f"{path.name} 的编码无法识别：请另存为 UTF-8 或 GBK 编码的 CSV"])
    try:
        return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_values=[""], skipinitialspace=True)
    except pd.errors.ParserError as e:
        if build.interrupted():  # Ctrl-C inside the parser comes out as a parser error
            raise KeyboardInterrupt from None
        raise DataValidationError([f"{path.name} 不是规范的 CSV（{e}）：请检查引号和分隔符，或另存为 .xlsx"]) from None
    except pd.errors.EmptyDataError:
        raise DataValidationError([f"{path.name} 是空文件"]) from None


def read_geojson(path: Path) -> pd.DataFrame:
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
        rows = []
        for feat in data["features"]:
            props = {k: (None if v is None else str(v)) for k, v in (feat.get("properties") or {}).items()}
            props["geometry"] = json.dumps(feat["geometry"])
            rows.append(props)
    except (ValueError, KeyError, TypeError) as e:
        raise DataValidationError([f"{path.name} 不是有效的 GeoJSON FeatureCollection（{e}）"]) from None
    return pd.DataFrame(rows)


def find_file(folder: Path, table: schema.Table) -> Path | None:
    exts = [".csv", ".xlsx"] + ([".geojson"] if "geom" in table.column_names else [])
    found = [folder / f"{table.import_file}{ext}" for ext in exts if (folder / f"{table.import_file}{ext}").exists()]
    if len(found) > 1:
        raise DataValidationError([f"{table.import_file} 有多个文件（{'、'.join(p.name for p in found)}），请只保留一个"])
    return found[0] if found else None


def check_xlsx_size(path: Path) -> None:
    """Refuse an .xlsx that would unpack to more than the limits, before reading it."""
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
            inflated = sum(i.file_size for i in infos)
            sheets = sorted(i.filename for i in infos if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", i.filename))
            head = z.open(sheets[0]).read(4096).decode("utf-8", errors="replace") if sheets else ""
    except (zipfile.BadZipFile, OSError, KeyError) as e:
        raise DataValidationError([f"{path.name} 不是有效的 .xlsx 文件（{type(e).__name__}）：请用 Excel 另存为 .xlsx 或 CSV"]) from None
    if inflated > MAX_XLSX_UNCOMPRESSED:
        raise DataValidationError([f"{path.name} 解压后有 {inflated / 2**20:,.0f} MB，超过 .xlsx 的上限 "
                                   f"{MAX_XLSX_UNCOMPRESSED / 2**20:,.0f} MB：请另存为 CSV（UTF-8）再导入"])
    m = re.search(r'<dimension ref="[A-Z]+\d+:[A-Z]+(\d+)"', head)
    if m and int(m.group(1)) - 1 > MAX_XLSX_ROWS:
        raise DataValidationError([f"{path.name} 有 {int(m.group(1)) - 1:,} 行，超过 .xlsx 的上限 {MAX_XLSX_ROWS:,} 行："
                                   "请另存为 CSV（UTF-8）再导入"])


def read_table_file(path: Path) -> pd.DataFrame:
    if path.is_dir():
        raise DataValidationError([f"{path} 是一个文件夹，这里应是一个数据文件：请移走或改名这个文件夹"])
    if path.suffix == ".csv":
        return read_text_csv(path)
    if path.suffix == ".xlsx":
        check_xlsx_size(path)
        try:
            return pd.read_excel(path, dtype=str)
        except Exception as e:  # openpyxl raises many kinds
            raise DataValidationError([f"{path.name} 无法作为 Excel 文件读取（{e}）"]) from None
    return read_geojson(path)


def crs_for(crs: dict[str, str] | None, table: schema.Table, path: Path) -> str:
    """The declared coordinate system of one file: by file name, by table file stem, or for all ("*")."""
    crs = crs or {}
    return crs.get(path.name) or crs.get(table.import_file) or crs.get("*") or "wgs84"


def parse_crs(values: list[str] | None) -> dict[str, str]:
    """``--crs gcj02`` (every file) and ``--crs grids=gcj02`` / ``--crs grids.geojson=bd09`` (one file)."""
    out = {}
    for value in values or []:
        name, _, system = value.rpartition("=")
        try:
            out[name.strip() or "*"] = geo.crs_key(system)
        except ValueError:
            raise DataValidationError([f"--crs {value}：坐标系“{system}”无法识别，应为 "
                                       + "、".join(f"{k}（{v}）" for k, v in geo.CRS_NAMES.items())]) from None
    return out


def load_folder(source: Path, out: Path, label: str | None = None, settings=None,
                as_of: datetime | None = None, crs: dict[str, str] | None = None, keep_views: bool = True) -> BuildReport:
    """Build ``out`` from the files in ``source``; raise DataValidationError on bad data.
    ``crs``: declared coordinate systems (see ``crs_for``); everything is stored as WGS-84. ``keep_views``: keep
    the standard views' answers in the build (``dashboard.store.stored_views``)."""
    source = Path(source)
    if not source.is_dir():
        raise DataValidationError([f"找不到数据文件夹 {source}"])
    unknown = sorted(set(crs or {}) - {"*"} - {t.import_file for t in schema.IMPORTED_TABLES}
                     - {f"{t.import_file}{e}" for t in schema.IMPORTED_TABLES for e in (".csv", ".xlsx", ".geojson")})
    if unknown:
        raise DataValidationError([f"--crs 中的 {'、'.join(unknown)} 不是数据文件名（如 grids 或 grids.geojson）"])
    settings = settings or load_settings()
    with DatabaseBuilder(out, dataset="user", label=label or "本市数据", settings=settings, as_of=as_of,
                         extra_meta={"source_folder": str(source.resolve())}, keep_views=keep_views) as builder:
        problems: list[str] = []
        for table in schema.IMPORTED_TABLES:
            try:
                path = find_file(source, table)
                if path is None:
                    continue
                frame = read_table_file(path)
                builder.add_text_table(table.name, frame, source=path.name, crs=crs_for(crs, table, path))
            except DataValidationError as e:
                problems.extend(e.problems)
            except (OSError, UnicodeError) as e:  # unreadable: permissions, a device, a vanished file
                problems.append(f"{table.import_file} 的文件无法读取（{type(e).__name__}）：请检查文件权限，或重新复制这个文件")
        if problems:
            raise DataValidationError(problems)
        return builder.finish()


def _moment(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{text}”不是有效的时间，应为 YYYY-MM-DD HH:MM:SS") from None


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="从文件夹导入本市数据，生成看板数据库（全部检查通过才写入）")
    ap.add_argument("--source", required=True, type=Path, help="数据文件夹（每张表一个文件，见 docs/data_model.md）")
    ap.add_argument("--out", type=Path, help="输出数据库文件（默认为配置中的数据库路径）")
    ap.add_argument("--label", help="数据集名称，显示在页面上，如“某某市 2026 年数据”")
    ap.add_argument("--crs", action="append", metavar="[文件=]坐标系",
                    help="输入坐标系：wgs84（默认）、gcj02（高德/腾讯）、bd09（百度）、cgcs2000（天地图）。"
                         "只写坐标系对所有文件生效，写“grids=gcj02”只对该文件；可重复。导入时统一转为 WGS-84")
    ap.add_argument("--as-of", type=_moment, help='数据截至时间，如 "2026-11-20 18:00:00"（默认为最后一条工单记录的时间）')
    args = ap.parse_args(argv)
    out = args.out
    try:
        settings = load_settings()
        out = args.out or settings.database
        report = load_folder(args.source, out, args.label, settings, as_of=args.as_of, crs=parse_crs(args.crs))
    except (DataValidationError, CalendarCoverageError, ConfigError, OutputError) as e:
        print(f"导入失败：{e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt as e:
        if out:
            build.remove_own_temporaries(out)
        print(f"导入失败：{build.describe_failure(e, out, args.source)}", file=sys.stderr)
        return 130
    except Exception as e:  # anything else: a Chinese sentence, never a traceback
        if out:
            build.remove_own_temporaries(out)
        print(f"导入失败：{build.describe_failure(e, out, args.source)}", file=sys.stderr)
        return 1
    print(f"已生成 {report.path}（用时 {report.seconds:.1f} 秒；{report.kept_views_line()}）")
    for name, n in report.rows.items():
        print(f"  {schema.TABLE_BY_NAME[name].zh}（{name}）：{n:,} 行")
    for w in report.warnings:
        print(f"  注意：{w}")
    return 0


if __name__ == "__main__":
    build.install_signal_handlers()
    sys.exit(main())
