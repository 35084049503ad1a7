"""`bench.run --write` replaces only its own sections of docs/benchmark.md: the browser, data refresh and
large-city sections written by other benchmarks (and by hand) stay, in their order."""

from bench.run import keep_other_sections


def test_the_report_replaces_its_sections_and_keeps_the_others():
    old = ("# 基准测试结果\n\n旧表\n\n## 内存\n\n旧内存\n\n## 数据刷新（每日增量）\n\n刷新表\n\n"
           "## 浏览器：大规模城市\n\n### 小节\n\n大规模\n")
    report = "# 基准测试结果\n\n新表\n\n## 内存\n\n新内存\n"
    assert keep_other_sections(report, old) == (
        "# 基准测试结果\n\n新表\n\n## 内存\n\n新内存\n\n## 数据刷新（每日增量）\n\n刷新表\n\n"
        "## 浏览器：大规模城市\n\n### 小节\n\n大规模\n")
    assert keep_other_sections(report, "") == report
