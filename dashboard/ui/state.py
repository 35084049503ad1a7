"""页面状态 — the filters of the current run, kept in the URL.

The URL is the single source of truth: every run parses it (``init``), writes back a
normalised version (so a copied link reopens exactly this view), and widgets change
the view only by writing new filters (``set_filters``). ``go_to`` and ``drill`` are the
one place where the area scope changes — the sidebar, the breadcrumb, ranking rows,
chart bars and map polygons all call them, and tests can call them directly.
"""

from __future__ import annotations

import streamlit as st

from dashboard.accounts import access
from dashboard.core import filters as flt
from dashboard.store import db

_KEY = "_filters"
_WARNINGS = "_filter_warnings"


def init() -> flt.Filters:
    """Parse the URL into filters for this run and normalise the URL."""
    params = st.query_params.to_dict()
    params, outside = access.outside_params(params, db.areas())  # codes of other areas: not even named
    f, warnings = flt.parse_filters(params, db.areas(), db.as_of(), db.data_start())
    f, refused = access.clamp(f, db.areas(), explicit=bool(outside) or any(params.get(k) for k in flt.SCOPE_LEVELS))
    if outside and not refused:
        refused = access.refusal(db.areas())
    if refused:
        warnings = [refused] + warnings
    st.session_state[_KEY] = f
    st.session_state[_WARNINGS] = warnings
    _write_url(f)
    return f


def current() -> flt.Filters:
    """The filters of this run (``init`` must have run, as the entry script does)."""
    access.ensure_entry_ran()
    return st.session_state[_KEY]


def warnings() -> list[str]:
    return st.session_state.get(_WARNINGS, [])


def _write_url(f: flt.Filters) -> None:
    now = st.query_params.to_dict()
    params = {k: v for k, v in now.items() if k not in flt.FILTER_PARAMS}
    params.update(f.to_query_params())
    if params != now:
        st.query_params.from_dict(params)


def set_filters(f: flt.Filters) -> None:
    f, refused = access.clamp(f, db.areas(), explicit=True)
    if refused:
        st.session_state[_WARNINGS] = [refused]
    st.session_state[_KEY] = f
    _write_url(f)


def go_to(code: str) -> None:
    """Show the area ``code`` ('' = whole city): filters and breadcrumb follow."""
    set_filters(flt.scope_to(current(), code, db.areas()))


def drill(code: str) -> None:
    """Drill from the current scope into a child area (grids keep their community)."""
    set_filters(flt.drill_into(current(), code, db.areas()))


def set_page_param(key: str, value: str | None) -> None:
    """A page's own URL parameter (e.g. the chosen metric on the map)."""
    if key in flt.FILTER_PARAMS:
        raise ValueError(f"{key} is a filter parameter")
    if value is None:
        if key in st.query_params:
            del st.query_params[key]
    else:
        st.query_params[key] = value
