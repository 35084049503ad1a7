"""数据管理 in a real browser: the administrator uploads a 12345 export, previews (1 new,
1 updated, 1 unchanged — tests/test_refresh.py), applies, and a new page shows the new data
moment 2025-11-12 10:00; then rolls back. A copy of the fixture city, not the shared one."""

import pytest

from dashboard.store.load import load_folder
from tests.browser.conftest import AppServer, open_app, screenshot, settle
from tests.conftest import FIXTURE_AS_OF, FIXTURE_DIR
from tests.test_refresh import ROWS, xlsx

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def own_city(tmp_path_factory, app_db):
    folder = tmp_path_factory.mktemp("refresh")
    path = folder / "city.duckdb"
    load_folder(FIXTURE_DIR, path, label="测试数据", as_of=FIXTURE_AS_OF)
    (folder / "12345导出.xlsx").write_bytes(xlsx(ROWS))
    server = AppServer(path, app_db=app_db)
    yield server, folder / "12345导出.xlsx"
    server.stop()


def test_upload_preview_apply_and_roll_back(page, own_city):
    server, export = own_city
    run = open_app(page, server, "data_admin", user="test_admin")
    main = page.locator('[data-testid="stMain"]')
    assert "数据截至 2025-11-10 12:00" in main.inner_text()
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(export))
    page.wait_for_selector("text=12345导出.xlsx")
    run = settle(page, run)
    main.get_by_role("button", name="预览").click()
    run = settle(page, run)
    text = main.inner_text()
    assert "工单新增 1 件、更新 1 件、未变 1 件" in text and "应用后数据截至 2025-11-12 10:00" in text
    screenshot(page, "data-admin-preview")
    main.get_by_role("button", name="应用").click()
    run = settle(page, run, timeout=120_000)
    assert "已应用：新版本" in main.inner_text()
    screenshot(page, "data-admin-applied")
    # the next page run of the same session shows the new data moment
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_role("link", name="总览").click()
    run = settle(page, run)
    assert "数据截至 2025-11-12 10:00" in main.inner_text()
    # … and so does a new session
    other = page.context.browser.new_page()
    open_app(other, server, "", user="test_city")
    assert "数据截至 2025-11-12 10:00" in other.locator('[data-testid="stMain"]').inner_text()
    other.close()
    # roll back to the version before
    sidebar.get_by_role("link", name="数据管理").click()
    run = settle(page, run)
    main.get_by_role("tab", name="版本与回退").click()
    main.get_by_text("我确认回退").click()
    run = settle(page, run)
    main.get_by_role("button", name="回退", exact=True).click()
    run = settle(page, run)
    assert "已回退到" in main.inner_text()
    sidebar.get_by_role("link", name="总览").click()
    settle(page, run)
    assert "数据截至 2025-11-10 12:00" in main.inner_text()
