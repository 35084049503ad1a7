#!/usr/bin/env bash
# 浏览器测试与图表导出需要 Debian 的 chromium 和 fonts-noto-cjk（中文字体），PDF 检查需要 poppler-utils，
# Word/PowerPoint/Excel 文件（督办通知单等）转 PDF 检查需要 LibreOffice（无界面版）。
# 缺少时：以 root（或免密 sudo）运行则自动安装；否则给出明确提示，在 CI（CI=true）中直接失败。
set -euo pipefail

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
dpkg -s fonts-noto-cjk >/dev/null 2>&1 || need+=(fonts-noto-cjk)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-writer-nogui libreoffice-impress-nogui libreoffice-calc-nogui)
# 浏览器基准的多进程部分（bench/cluster.py）另需 nginx：`ensure_browser_deps.sh --nginx`
if [ "${1:-}" = "--nginx" ]; then
  command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx-light)
fi

if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi

echo "正在安装浏览器测试依赖：${need[*]}"
if [ "$(id -u)" = "0" ]; then
  SUDO=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  SUDO="sudo -n"
else
  echo "缺少 ${need[*]}，且没有 root 权限自动安装。请运行：sudo apt-get install -y ${need[*]}" >&2
  if [ "${CI:-}" = "true" ]; then
    echo "错误：CI 中不能缺少浏览器测试依赖。" >&2
    exit 1
  fi
  echo "警告：浏览器测试会因此失败（不会被跳过）。" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
command -v chromium >/dev/null 2>&1 || { echo "错误：chromium 安装后仍找不到" >&2; exit 1; }
