"""Several app processes behind one proxy, for the benchmark: ``Cluster(db, processes=2)`` starts that many
launchers of ``make run`` (``python -m dashboard.accounts.serve``, each on its own free port, all on the
same read-only database file) and Debian's nginx in front of them (``deploy/nginx-sticky.conf``, filled in
with the ports), and gives the proxy's address as ``url``.

Sessions are sticky: nginx gives each browser a ``st_route`` cookie on its first request and sends every
later request with that cookie (the page, its WebSocket, media and uploads) to the same process —
Streamlit keeps a session, its media files and this app's login binding in that process's memory.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from dashboard.testing import AppServer, end_process, free_port, wait_healthy

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "deploy" / "nginx-sticky.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def nginx_config(listen: int, ports: list[int], workdir: Path) -> str:
    """The template with the proxy's port, the app processes and nginx's own files (pid, logs, temp) in
    ``workdir``, so the benchmark runs nginx as a normal program, without touching /etc/nginx."""
    upstreams = "\n".join(f"        server 127.0.0.1:{p};" for p in ports)
    text = TEMPLATE.read_text(encoding="utf-8")
    text = text.replace("listen 80;", f"listen 127.0.0.1:{listen};")
    text = text.replace("        server 127.0.0.1:8501;\n        server 127.0.0.1:8502;", upstreams)
    head = f"pid {workdir}/nginx.pid;\nerror_log {workdir}/error.log warn;\nworker_processes 1;\n"
    temps = "".join(f"    {k}_temp_path {workdir}/{k};\n" for k in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    return head + text.replace("http {\n", f"http {{\n    access_log off;\n{temps}", 1)


class Cluster:
    def __init__(self, db_path: Path, processes: int = 2, app_db: Path | None = None):
        if not Path(NGINX).exists():
            raise RuntimeError("找不到 nginx：运行 `sudo apt-get install -y nginx-light`（多进程部署的基准需要它）")
        self.servers = [AppServer(db_path, app_db=app_db, command=[sys.executable, "-m", "dashboard.accounts.serve"])
                        for _ in range(processes)]
        self.workdir = Path(tempfile.mkdtemp(prefix="bench-nginx-"))
        port = free_port()
        conf = self.workdir / "nginx.conf"
        conf.write_text(nginx_config(port, [s.port for s in self.servers], self.workdir), encoding="utf-8")
        self.nginx = subprocess.Popen([NGINX, "-c", str(conf), "-p", str(self.workdir), "-g", "daemon off;"],
                                      stdout=subprocess.DEVNULL, stderr=open(self.workdir / "stderr.log", "w"))
        self.url = f"http://127.0.0.1:{port}"
        wait_healthy(self.url, self.nginx, 20, f"nginx (see {self.workdir / 'stderr.log'})")

    def stop(self) -> None:
        end_process(self.nginx)
        for s in self.servers:
            s.stop()
        shutil.rmtree(self.workdir, ignore_errors=True)


if __name__ == "__main__":  # python -m bench.cluster [processes]: serve the demo city behind nginx until Ctrl-C
    c = Cluster(ROOT / "data" / "demo.duckdb", int(sys.argv[1]) if len(sys.argv) > 1 else 2,
                app_db=Path(os.environ["DASHBOARD_APP_DB"]) if os.environ.get("DASHBOARD_APP_DB") else None)
    print(c.url, flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        c.stop()
