"""Who used the machine's cores during a measurement: the app's server processes, the benchmark's browsers,
and everything else — so that a slow result under load can be read as "the server was busy" or "drawing
was" (server and browsers share the cores of one machine here; a leader's browser runs on their own PC).

    with CpuSplit() as split:
        ...                      # the measurement
    split.result()  # {"wall_s", "server_s", "browser_s", "other_s", "cores"}

*server*: processes whose command line runs ``streamlit_app.py`` (``streamlit run`` or the launcher of
``make run``; several when several app processes sit behind a proxy) and the proxy (``nginx``);
*browser*: Chromium processes started by this benchmark (descendants of this process). CPU seconds are
user + system; a process that ends during the measurement is counted up to its last sample (every 0.2 s).
"""

from __future__ import annotations

import os
import threading
import time

import psutil


def _total(p: psutil.Process) -> float:
    t = p.cpu_times()
    return t.user + t.system


def _is_server(p: psutil.Process) -> bool:
    try:
        cmd = " ".join(p.cmdline())
        return "streamlit_app.py" in cmd or p.name().startswith("nginx")
    except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
        return False


class CpuSplit:
    def __init__(self, every_s: float = 0.2):
        self.every_s = every_s
        self.first: dict[int, float] = {}  # pid → CPU seconds when first seen
        self.last: dict[int, float] = {}
        self.kind: dict[int, str] = {}
        self._stop = threading.Event()

    def _sample(self) -> None:
        me = psutil.Process(os.getpid())
        browsers = []
        try:
            browsers = [c for c in me.children(recursive=True) if "chrom" in c.name().lower()]
        except psutil.Error:
            pass
        servers = [p for p in psutil.process_iter() if _is_server(p)]
        for kind, procs in (("browser", browsers), ("server", servers)):
            for p in procs:
                try:
                    v = _total(p)
                except psutil.Error:
                    continue
                self.kind.setdefault(p.pid, kind)
                # a process seen only after the start counts from 0 (it started during the measurement)
                self.first.setdefault(p.pid, v if self._started_with(p) else 0.0)
                self.last[p.pid] = v

    def _started_with(self, p: psutil.Process) -> bool:
        try:
            return p.create_time() < self.t0_epoch
        except psutil.Error:
            return False

    def _loop(self) -> None:
        while not self._stop.wait(self.every_s):
            self._sample()

    def __enter__(self) -> "CpuSplit":
        self.t0_epoch = time.time()
        self.t0 = time.perf_counter()
        self.machine0 = psutil.cpu_times()
        self._sample()
        self.thread = threading.Thread(target=self._loop, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._sample()
        self._stop.set()
        self.thread.join()
        self.wall = time.perf_counter() - self.t0
        m1 = psutil.cpu_times()
        self.machine = sum(getattr(m1, k) - getattr(self.machine0, k) for k in ("user", "system", "nice"))

    def result(self) -> dict:
        used = {"server": 0.0, "browser": 0.0}
        for pid, kind in self.kind.items():
            used[kind] += self.last[pid] - self.first[pid]
        return {"wall_s": self.wall, "server_s": used["server"], "browser_s": used["browser"],
                "other_s": max(self.machine - used["server"] - used["browser"], 0.0), "cores": psutil.cpu_count()}


def describe(split: dict) -> str:
    """One Chinese sentence: how much of the machine each part used."""
    whole = split["wall_s"] * split["cores"]
    share = lambda s: f"{s:,.0f} CPU 秒（{100 * s / whole:.0f}%）" if whole else "—"  # noqa: E731
    return (f"{split['wall_s']:,.0f} 秒内 {split['cores']} 个核共 {whole:,.0f} CPU 秒：看板服务端 {share(split['server_s'])}，"
            f"浏览器 {share(split['browser_s'])}，其他进程 {share(split['other_s'])}")
