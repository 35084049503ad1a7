"""导入本市数据 — build a dashboard database from a folder of files.

    python -m dashboard.load --source 我的数据/ --out data/city.duckdb [--label 某某市]

The folder holds one file per table, named as in ``docs/data_model.md``
(``districts.csv``, ``tickets.csv``, …). Each may be ``.csv`` (UTF-8, UTF-8 with BOM
or GBK/GB18030 as exported by Excel), ``.xlsx`` (first sheet), and the four area
tables may also be ``.geojson`` (properties = columns, geometry = boundary). A CSV of
an area table carries its boundary as WKT text in a ``geometry`` column.

Nothing is written to ``--out`` unless every file passes every check; errors are
printed in Chinese with file, line and what to fix, and the exit status is 1.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
from datetime import datetime
from pathlib import Path

import pandas as pd

from dashboard import schema
from dashboard.build import BuildReport, DatabaseBuilder, DataValidationError
from dashboard.config import ConfigError, load_settings
from dashboard.workdays import CalendarCoverageError

ENCODINGS = ("utf-8-sig", "gb18030")


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


def read_table_file(path: Path) -> pd.DataFrame:
    if path.suffix == ".csv":
        return read_text_csv(path)
    if path.suffix == ".xlsx":
        try:
            return pd.read_excel(path, dtype=str)
        except Exception as e:  # openpyxl raises many kinds
            raise DataValidationError([f"{path.name} 无法作为 Excel 文件读取（{e}）"]) from None
    return read_geojson(path)


def load_folder(source: Path, out: Path, label: str | None = None, settings=None,
                as_of: datetime | None = None) -> BuildReport:
    """Build ``out`` from the files in ``source``; raise DataValidationError on bad data."""
    source = Path(source)
    if not source.is_dir():
        raise DataValidationError([f"找不到数据文件夹 {source}"])
    settings = settings or load_settings()
    with DatabaseBuilder(out, dataset="user", label=label or "本市数据", settings=settings, as_of=as_of,
                         extra_meta={"source_folder": str(source.resolve())}) as builder:
        problems: list[str] = []
        for table in schema.IMPORTED_TABLES:
            try:
                path = find_file(source, table)
                if path is None:
                    continue
                frame = read_table_file(path)
                builder.add_text_table(table.name, frame, source=path.name)
            except DataValidationError as e:
                problems.extend(e.problems)
        if problems:
            raise DataValidationError(problems)
        return builder.finish()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="从文件夹导入本市数据，生成看板数据库（全部检查通过才写入）")
    ap.add_argument("--source", required=True, type=Path, help="数据文件夹（每张表一个文件，见 docs/data_model.md）")
    ap.add_argument("--out", type=Path, help="输出数据库文件（默认为配置中的数据库路径）")
    ap.add_argument("--label", help="数据集名称，显示在页面上，如“某某市 2026 年数据”")
    args = ap.parse_args(argv)
    try:
        settings = load_settings()
        out = args.out or settings.database
        report = load_folder(args.source, out, args.label, settings)
    except (DataValidationError, CalendarCoverageError, ConfigError) as e:
        print(f"导入失败：{e}", file=sys.stderr)
        return 1
    print(f"已生成 {report.path}（用时 {report.seconds:.1f} 秒）")
    for name, n in report.rows.items():
        print(f"  {schema.TABLE_BY_NAME[name].zh}（{name}）：{n:,} 行")
    for w in report.warnings:
        print(f"  注意：{w}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
