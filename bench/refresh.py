"""Benchmark of a daily refresh: a 12345 export of ``--increment`` tickets (half of them updates
of open tickets, now closed and visited; half new ones of the next day) applied to a copy of the
large sample city (10 M tickets) with ``python -m dashboard.store.refresh``, as a scheduled job would.

    python -m bench.refresh [--db data/large.duckdb] [--increment 100000] [--write]

Measures the preview and the apply as whole processes: wall time and peak resident memory
(the process and DuckDB inside it), with DuckDB's memory limit from ``[refresh] memory_limit``.
``--write`` records the table in docs/benchmark.md (section “数据刷新”).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from bench.run import DEFAULT_DB, ROOT, ensure_large

SECTION = "## 数据刷新（每日增量）"


def make_export(db: Path, increment: int, out: Path, seed: int = 7) -> datetime:
    """The export as the platform writes it (Chinese headers, area names); returns its latest moment."""
    rng = np.random.default_rng(seed)
    con = duckdb.connect(str(db), read_only=True)
    as_of = datetime.fromisoformat(con.execute("SELECT value FROM meta WHERE key = 'as_of'").fetchall()[0][0])
    half = increment // 2
    open_ = con.execute(f"""
        SELECT t.ticket_id, t.title, t.category_l1, t.category_l2, t.created_at, d.name, s.name, c.name, t.handling_unit
        FROM tickets t JOIN districts d USING (district_code) JOIN streets s USING (street_code)
        JOIN communities c USING (community_code)
        WHERE t.closed_at IS NULL ORDER BY t.ticket_id LIMIT {half}""").fetchall()
    places = con.execute("""
        SELECT d.name, s.name, c.name FROM communities c JOIN streets s USING (street_code)
        JOIN districts d ON d.district_code = s.district_code ORDER BY c.community_code""").fetchall()
    cats = con.execute("SELECT DISTINCT category_l1, category_l2 FROM tickets ORDER BY 1, 2").fetchall()
    con.close()
    day = as_of + timedelta(hours=6)
    rows = []
    for tid, title, c1, c2, created, dn, sn, cn, unit in open_:
        closed = max(day - timedelta(minutes=int(rng.integers(0, 600))), created + timedelta(hours=1))
        rows.append([tid, title, c1, c2, "已办结", f"{created:%Y-%m-%d %H:%M:%S}", f"{closed:%Y-%m-%d %H:%M:%S}", dn, sn, cn,
                     unit or "", "是", "是", "是" if rng.random() < 0.85 else "否",
                     ["满意", "基本满意", "不满意"][int(rng.choice(3, p=[0.7, 0.2, 0.1]))]])
    for i in range(increment - len(rows)):
        dn, sn, cn = places[int(rng.integers(0, len(places)))]
        c1, c2 = cats[int(rng.integers(0, len(cats)))]
        created = as_of + timedelta(seconds=int(rng.integers(60, 6 * 3600)))
        rows.append([f"BENCH{i:07d}", "新增诉求", c1, c2, "办理中", f"{created:%Y-%m-%d %H:%M:%S}", "", dn, sn, cn, "",
                     "否", "", "", ""])
    head = ["工单编号", "标题", "一级分类", "二级分类", "工单状态", "来电时间", "办结时间", "被反映区", "被反映街乡镇", "村/社区",
            "主办单位", "是否有效回访", "是否联系", "是否解决", "是否满意"]
    pd.DataFrame(rows, columns=head).to_csv(out, index=False, encoding="utf-8-sig")
    return day


# Runs the command as its only child and prints that child's peak RSS: RUSAGE_CHILDREN of this
# process would also hold the peak of any earlier child (the generator of the large city).
_PEAK = ("import resource, subprocess, sys; r = subprocess.run(sys.argv[1:]); "
         "print('PEAK_KB', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); sys.exit(r.returncode)")


def timed(cmd: list[str]) -> tuple[float, float, str]:
    """Wall seconds and peak RSS (MB) of one child process, and its output."""
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", _PEAK, *cmd], cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    if proc.returncode != 0:
        sys.exit(f"失败：{' '.join(cmd)}\n{proc.stdout}\n{proc.stderr}")
    peak_kb = int(next(line.split()[1] for line in proc.stderr.splitlines() if line.startswith("PEAK_KB")))
    return seconds, peak_kb / 1024, proc.stdout.strip()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.refresh")
    ap.add_argument("--db", type=Path, default=DEFAULT_DB)
    ap.add_argument("--increment", type=int, default=100_000)
    ap.add_argument("--write", action="store_true")
    args = ap.parse_args(argv)
    ensure_large(args.db)
    work = ROOT / "data" / "refresh-bench"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    copy = work / "city.duckdb"
    shutil.copyfile(os.path.realpath(args.db), copy)  # the refresh makes new versions beside its own copy
    export = work / "12345导出.csv"
    t0 = time.perf_counter()
    make_export(copy, args.increment, export)
    made = time.perf_counter() - t0
    env_app = work / "app.sqlite3"
    os.environ["DASHBOARD_APP_DB"] = str(env_app)
    base = [sys.executable, "-m", "dashboard.store.refresh", "--db", str(copy), "apply", str(export)]
    pre_s, pre_mb, pre_out = timed(base)
    app_s, app_mb, app_out = timed(base + ["--yes", "--user", "基准测试"])
    with duckdb.connect(str(copy), read_only=True) as con:
        tickets = con.execute("SELECT count(*) FROM tickets").fetchall()[0][0]
    rows = [("生成导出文件（CSV）", made, None), ("预览（读取、对应区域、比对）", pre_s, pre_mb),
            ("应用（新版本：校验、时限、汇总、切换）", app_s, app_mb)]
    lines = [f"{SECTION}", "",
             f"{datetime.now():%Y-%m-%d %H:%M}，{platform.node()}，{os.cpu_count()} 核；大规模示例城市的副本，"
             f"导出 {args.increment:,} 行（一半为未办结工单的办结和回访更新，一半为新工单），应用后共 {tickets:,} 件工单。",
             f"预览输出：{pre_out.splitlines()[0] if pre_out else ''}", "",
             "| 步骤 | 用时（秒） | 进程峰值内存（MB） |", "|---|---:|---:|"]
    lines += [f"| {name} | {s:,.1f} | {'—' if mb is None else f'{mb:,.0f}'} |" for name, s, mb in rows]
    table = "\n".join(lines)
    print(table)
    if args.write:
        doc = ROOT / "docs" / "benchmark.md"
        text = doc.read_text(encoding="utf-8")
        if SECTION in text:
            head, _, rest = text.partition(SECTION)
            nxt = rest.find("\n## ")
            text = head + table + ("\n" + rest[nxt:] if nxt >= 0 else "\n")
        else:
            text = text.rstrip() + "\n\n" + table + "\n"
        doc.write_text(text, encoding="utf-8")
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
