"""Helpers for AppTest page tests: run the real app (entry script + st.navigation) on a
page with URL parameters, and read what it shows."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT


def run_page(page: str | None = None, params: dict | None = None, timeout: int = 60,
             user: str | None = "test_city") -> AppTest:
    """Run the app with ``params`` in the URL, logged in as ``user`` (an account of the
    fixture's application database; None = not logged in); then switch to
    ``pages/<page>.py`` if given."""
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=timeout)
    if user:
        log_in(at, user)
    for k, v in (params or {}).items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, at.exception
    if page and page != "overview":
        at.switch_page(f"pages/{page}.py")
        at.run()
        assert not at.exception, at.exception
    return at


def log_in(at: AppTest, user: str) -> None:
    """The session state a successful login leaves (the login form itself is tested in
    tests/test_access.py)."""
    import time

    at.session_state["_auth_user"] = user
    at.session_state["_auth_seen"] = time.time()


def kpis(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def kpi(at: AppTest, label: str):
    return next(m for m in at.metric if m.label == label)


def frames(at: AppTest) -> list:
    return [d.value for d in at.dataframe]


def frame_with(at: AppTest, column: str):
    return next(d.value for d in at.dataframe if column in d.value.columns)


def subheaders(at: AppTest) -> list[str]:
    return [s.value for s in at.subheader]
