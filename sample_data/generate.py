"""示例数据生成 — build the sample city database (示例数据：云川市，虚构城市).

    python -m sample_data.generate --scale tiny|demo|large --seed N --out PATH
                                   [--as-of "2026-11-20 18:00:00"] [--if-missing]

Everything is derived from the seed and the scale — never from the clock — so the
same arguments give the same table contents (only ``meta.built_at`` differs). Rows
go through ``dashboard.store.build.DatabaseBuilder``, which validates them, derives the due
times from the working-day calendar and ``config/settings.toml``, and replaces PATH
atomically; on any error PATH is left as it was.

``--if-missing`` does nothing when PATH already holds a readable database of this
schema version, generator version, scale, seed and as-of (``make run`` uses it).
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Callable

import duckdb
import pandas as pd

from dashboard.store.build import (BuildReport, DatabaseBuilder, DataValidationError, OutputError, describe_failure,
                             install_signal_handlers, remove_own_temporaries)
from dashboard.core.config import ConfigError, Settings, settings as current_settings
from dashboard.core.schema import SCHEMA_VERSION
from dashboard.store.workdays import CalendarCoverageError
from sample_data.areas import CITY_CODE, build_city
from sample_data.assessment import build_assessment
from sample_data.names import CITY_NAME
from sample_data.orgs import build_orgs
from sample_data.scales import SCALES, Scale
from sample_data.tickets import plan_tickets, ticket_chunks
from sample_data.workers import build_workers

GENERATOR_VERSION = "1"  # bump whenever the generated contents change
DEFAULT_AS_OF = datetime(2026, 11, 20, 18, 0, 0)
LABEL = "示例数据：云川市（虚构城市）"


def generate(out: Path | str, scale: Scale, seed: int, as_of: datetime = DEFAULT_AS_OF,
             settings: Settings | None = None, log: Callable[[str], None] = print) -> BuildReport:
    """Generate the sample city and write it to ``out`` (atomically)."""
    started = time.perf_counter()
    settings = settings or current_settings()

    def step(text: str) -> None:
        log(f"[{time.perf_counter() - started:6.1f}s {peak_rss_mb():6.0f} MB] {text}")

    meta = {"seed": str(seed), "scale": scale.name, "generator_version": GENERATOR_VERSION}
    with DatabaseBuilder(out, dataset="sample", label=LABEL, as_of=as_of, settings=settings,
                         extra_meta=meta) as builder:
        city = build_city(scale, seed)
        builder.append_frame("city", pd.DataFrame({"city_code": [CITY_CODE], "name": [CITY_NAME]}))
        for table, frame in city.tables().items():
            builder.append_frame(table, frame)
        step(f"区域：{len(city.districts)} 区县、{len(city.streets)} 街道/乡镇、"
             f"{len(city.communities)} 社区/村、{len(city.grids)} 网格")

        workers, assignments, has_fulltime = build_workers(city, seed)
        builder.append_frame("grid_workers", workers)
        builder.append_frame("grid_assignments", assignments)
        step(f"网格员：{len(workers)} 人，{len(assignments)} 条配置")

        plan = plan_tickets(city, has_fulltime, scale.tickets, seed, as_of, settings)
        written = 0
        for chunk in ticket_chunks(plan, seed):
            builder.append_frame("tickets", chunk)
            written += len(chunk)
            step(f"工单：{chunk['created_at'].iloc[0]:%Y-%m} 月 {len(chunk):,} 条（累计 {written:,}）")

        builder.append_frame("social_orgs", build_orgs(city, seed, as_of.date()))
        cutoffs = list(settings.grade_cutoffs.values())
        for table, frame in build_assessment(city, seed, as_of.date(), cutoffs).items():
            builder.append_frame(table, frame)
        step("社会组织、考核数据已生成；校验并写入数据库 …")
        return builder.finish()


def is_current(path: Path, scale: Scale, seed: int, as_of: datetime) -> bool:
    """Whether ``path`` is a readable sample database built with exactly these settings."""
    if not path.is_file():
        return False
    try:
        con = duckdb.connect(str(path), read_only=True)
        try:
            meta = dict(con.execute("SELECT key, value FROM meta").fetchall())
        finally:
            con.close()
    except duckdb.Error:
        return False
    from dashboard.store.sql import macros_digest  # summaries (ticket_daily) are built with the shared macros

    wanted = {"schema_version": str(SCHEMA_VERSION), "generator_version": GENERATOR_VERSION,
              "scale": scale.name, "seed": str(seed), "as_of": pd.Timestamp(as_of).isoformat(sep=" "),
              "macros_sha256": macros_digest()}
    return all(meta.get(k) == v for k, v in wanted.items())


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def summary(report: BuildReport, seconds: float) -> str:
    size_mb = report.path.stat().st_size / 2**20
    rows = "\n".join(f"  {table:<24}{count:>12,}" for table, count in report.rows.items())
    return (f"已生成 {report.path}\n{rows}\n{report.kept_views_line()}\n"
            f"用时 {seconds:.1f} 秒，文件 {size_mb:.1f} MB，内存峰值 {peak_rss_mb():.0f} MB")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="python -m sample_data.generate", description="生成示例城市数据库（云川市，虚构）")
    ap.add_argument("--scale", choices=sorted(SCALES), default="demo", help="规模：tiny（测试）、demo（演示）、large（基准）")
    ap.add_argument("--seed", type=int, default=20261120, help="随机种子（同一种子、同一规模得到相同数据）")
    ap.add_argument("--out", type=Path, required=True, help="输出的 DuckDB 文件")
    ap.add_argument("--as-of", type=datetime.fromisoformat, default=DEFAULT_AS_OF,
                    help='数据截至时间，默认 "2026-11-20 18:00:00"；工单覆盖此前两年')
    ap.add_argument("--if-missing", action="store_true", help="已有同版本、同规模、同种子的数据库时不重建")
    return ap.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    scale = SCALES[args.scale]
    if args.if_missing and is_current(args.out, scale, args.seed, args.as_of):
        print(f"示例数据库 {args.out} 已存在且是最新的（规模 {scale.name}，种子 {args.seed}），跳过生成。")
        return 0
    started = time.perf_counter()
    try:
        report = generate(args.out, scale, args.seed, args.as_of)
    except (DataValidationError, CalendarCoverageError, ConfigError, OutputError) as e:
        print(f"示例数据库未生成，{args.out} 保持不变：\n{e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt as e:
        remove_own_temporaries(args.out)
        print(f"示例数据库未生成：{describe_failure(e, args.out)}", file=sys.stderr)
        return 130
    except Exception as e:  # anything else: a Chinese sentence, never a traceback
        remove_own_temporaries(args.out)
        print(f"示例数据库未生成：{describe_failure(e, args.out)}", file=sys.stderr)
        return 1
    for warning in report.warnings:
        print(f"注意：{warning}")
    print(summary(report, time.perf_counter() - started))
    return 0


if __name__ == "__main__":
    install_signal_handlers()  # Ctrl-C and kill: the builder removes its temporary file
    sys.exit(main())
