"""The date picker in Chinese as far as Streamlit 1.67 allows, in a real browser with a Chinese locale:
dates typed and shown as 2025-10-01, the calendar's month and weekday names Chinese (they follow the
browser's language), Chinese help text, and Streamlit's English-only range shortcuts ("Date range",
"Select…") hidden. The calendar's screen-reader labels ("Previous month") cannot be changed."""

import pytest

from tests.browser.conftest import open_app

pytestmark = pytest.mark.browser


def test_the_custom_period_picker_shows_no_english(page, app_server):
    open_app(page, app_server, "overview", "period=custom&start=2025-10-01&end=2025-10-31")
    picker = page.locator('[data-testid="stSidebar"] [data-testid="stDateInput"]')
    assert "起止日期" in picker.inner_text()
    field = "".join(picker.locator('[data-testid="stDateInputField"]').inner_text().split())
    assert field == "2025-10-01–2025-10-31"
    picker.get_by_role("button", name="Choose date range").click()
    calendar = page.locator('[data-testid="stDateInputCalendar"]')
    calendar.wait_for()
    text = calendar.inner_text()
    assert "十月" in text and "2025年" in text and all(d in text for d in "一二三四五六日")
    for english in ("Date range", "Select", "October", "Mon", "Su"):
        assert english not in text, english
    assert calendar.locator('[data-testid="stDateInputQuickSelect"]').is_hidden()
    page.keyboard.press("Escape")
    picker.locator('[data-testid="stTooltipIcon"]').hover()
    page.get_by_text("先点开始日，再点结束日").wait_for()
