"""演示模式 in AppTest: the cover, one topic per slide with hand-computed numbers, URL-driven
slide/topics/timer with Chinese warnings for bad values, and no sidebar."""

from tests.pages import kpis, run_page

OCTOBER = {"period": "custom", "start": "2025-10-01", "end": "2025-10-31", "compare": "mom"}


def test_cover_then_topics(app_env):
    at = run_page("present", {**OCTOBER, "topics": "tickets,overview"})
    text = " ".join(m.value for m in at.markdown)
    assert "议程：诉求工单 → 总览" in text and "数据截至 2025-11-10 12:00" in text
    assert at.sidebar.selectbox == []  # no filters in presentation mode
    at.button(key="present_next").click().run()
    assert at.query_params["slide"] == "2"
    assert at.title[0].value == "诉求工单｜全市"
    assert kpis(at)["办结量"] == "11 件"
    at.button(key="present_next").click().run()
    assert at.title[0].value == "总览｜全市" and kpis(at)["三率综合得分"] == "79.4 分"
    assert at.button(key="present_next").disabled  # the last slide: → (and the timer) stop here
    assert at.query_params["slide"] == "3"


def test_assessment_slide_says_it_compares_rounds_and_every_slide_says_sample(app_env):
    """The fixture's rounds: 2024 against 2023 (tests/test_assessment.py). Not 环比 September."""
    at = run_page("present", {**OCTOBER, "topics": "assessment", "slide": "2"})
    caption = at.caption[0].value
    assert "对比：上一轮（2023" in caption and "环比" not in caption
    lines = [m.value for m in at.markdown]
    assert "第 2 名　乙县　**62.0 分**　持平　:red[连续 2 期]" in lines  # below 75 in 2023 and 2024


def test_a_slide_in_the_url_opens_directly_at_the_chosen_scope(app_env):
    at = run_page("present", {**OCTOBER, "district": "990101", "topics": "overview", "slide": "2"})
    assert at.title[0].value == "总览｜全市 › 甲区"
    assert kpis(at)["受理量"] == "11 件"


def test_bad_presentation_parameters_warn_and_fall_back(app_env):
    at = run_page("present", {**OCTOBER, "topics": "overview,foo", "slide": "9", "interval": "fast"})
    texts = [w.value for w in at.warning]
    assert "未知的主题：foo，已忽略。" in texts
    assert any("页码“9”不存在" in t for t in texts)
    assert any("自动翻页间隔“fast”无效" in t for t in texts)
