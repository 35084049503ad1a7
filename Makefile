# 基层治理督查考评看板 — 常用命令。README 顶部的两条命令：make run、make test。
SHELL   := /bin/bash
PYTHON  ?= python3.11
VENV    := .venv
PY      := $(VENV)/bin/python
DB      ?= data/demo.duckdb
SEED    ?= 20261120
PORT    ?= 8501
ADDRESS ?= 127.0.0.1

.PHONY: run test setup demo-db browser-deps bench bench-browser docs clean

## make run：建环境、装依赖、缺少时生成示例数据库，然后在 http://localhost:$(PORT) 启动看板
run: setup
	$(PY) -m sample_data.generate --scale demo --seed $(SEED) --out $(DB) --if-missing
	DASHBOARD_DB=$(DB) $(PY) -m dashboard.accounts.serve streamlit_app.py --server.port $(PORT) --server.address $(ADDRESS)

## make test：建环境、装依赖（含 Chromium 与中文字体），运行全部测试（含浏览器测试）
test: setup browser-deps
	$(PY) -m pytest

setup: $(VENV)/.installed

$(VENV)/.installed: requirements.txt
	@command -v $(PYTHON) >/dev/null || { echo "需要 Python 3.11：找不到 $(PYTHON)。请先安装 Python 3.11。"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

## 重新生成示例数据库（覆盖已有文件）
demo-db: setup
	$(PY) -m sample_data.generate --scale demo --seed $(SEED) --out $(DB)

browser-deps:
	bash scripts/ensure_browser_deps.sh

## 大规模基准测试（1000 万工单、3 万网格；首次需生成大样本）
bench: setup browser-deps
	$(PY) -m bench.run --write

## 浏览器端基准（示例城市）：首次打开（新浏览器 / 回访 / 缓存已热）、点击、10 和 30 个会话同时使用（一个浏览器点击、
## 其余会话不画页面；一个进程和 nginx 后的两个进程），10 个浏览器同时使用；写入 docs/benchmark.md
bench-browser: setup browser-deps
	bash scripts/ensure_browser_deps.sh --nginx
	$(PY) -m sample_data.generate --scale demo --seed $(SEED) --out $(DB) --if-missing
	$(PY) -m bench.browser --db $(DB) --processes 1,2 --write

## 由 dashboard/core/schema.py 重新生成 docs/data_model.md 与 docs/schema.sql
docs: setup
	$(PY) -m dashboard.core.schema --write-docs

clean:
	rm -rf $(VENV) data test-artifacts static/vendor
