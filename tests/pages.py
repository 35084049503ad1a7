"""Helpers for AppTest page tests: run the real app (entry script + st.navigation) on a
page with URL parameters, and read what it shows."""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser

import pandas as pd
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


@dataclass(frozen=True)
class Card:
    """What one KPI card shows (an HTML card of ``dashboard/ui/cards.py`` or an ``st.metric``)."""
    label: str
    value: str
    delta: str | None = None  # the change as shown, None without a comparison
    compare: str = ""  # the comparison's name, e.g. 环比
    note: str = ""  # the counts behind the value
    help: str = ""  # the definition shown on hover
    key: str = ""  # the metric's key (HTML cards)


class _CardParser(HTMLParser):
    """The text of each part of the cards in one HTML block, by the part's class."""
    PARTS = {"kpi-label": "label", "kpi-value": "value", "kpi-delta": "delta", "kpi-compare": "compare",
             "kpi-note": "note", "kpi-tip": "help"}

    def __init__(self):
        super().__init__()
        self.cards: list[dict] = []
        self.stack: list[str | None] = []  # the part each open element belongs to

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        if "kpi-card" in classes:
            self.cards.append({"key": a.get("data-kpi", "")})
        part = next((self.PARTS[c] for c in classes if c in self.PARTS), None)
        inherited = self.stack[-1] if self.stack else None
        self.stack.append(part or inherited)
        if tag == "p" and self.stack[-1] == "help" and self.cards[-1].get("help"):
            self.cards[-1]["help"] += "\n\n"

    def handle_endtag(self, tag):
        self.stack.pop()

    def handle_data(self, data):
        part = self.stack[-1] if self.stack else None
        if part and self.cards and not (part == "label" and data == "?"):
            self.cards[-1][part] = self.cards[-1].get(part, "") + data


def parse_cards(block: str) -> list[Card]:
    """The cards of one HTML block as a reader sees them (the ? of the definition left out)."""
    parser = _CardParser()
    parser.feed(block)
    return [Card(label=c.get("label", "").strip(), value=c.get("value", ""),
                 delta=c["delta"].removeprefix("↑ ").removeprefix("↓ ") if "delta" in c else None,
                 compare=c.get("compare", ""), note=c.get("note", ""), help=c.get("help", ""), key=c["key"])
            for c in parser.cards]


def cards(at: AppTest) -> list[Card]:
    """Every KPI the page shows, in order: the HTML cards, then any ``st.metric`` (presentation
    mode, the grid card of 网格地图)."""
    found = [card for block in at.html if 'class="kpi-grid"' in block.value for card in parse_cards(block.value)]
    return found + [Card(label=m.label, value=m.value, delta=m.delta, help=m.help or "") for m in at.metric]


class _TableParser(HTMLParser):
    """The header and the rows (text of each cell) of the HTML tables in one block."""

    def __init__(self):
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self.cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th") and self.tables:
            self.cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            self.tables[-1][-1].append("".join(self.cell))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def parse_tables(block: str) -> list[list[list[str]]]:
    """The tables of one HTML block: rows (the header first) of the texts of their cells."""
    parser = _TableParser()
    parser.feed(block)
    return parser.tables


def light_tables(at: AppTest) -> list[pd.DataFrame]:
    """The plain HTML tables (``components.show_light_table``) as frames of the texts shown, the first
    column as the index."""
    found = []
    for block in at.html:
        if 'class="light-table"' not in block.value:
            continue
        for header, *rows in parse_tables(block.value):
            frame = pd.DataFrame([r[1:] for r in rows], columns=header[1:], index=[r[0] for r in rows])
            frame.index.name = header[0]
            found.append(frame)
    return found


def kpis(at: AppTest) -> dict[str, str]:
    return {c.label: c.value for c in cards(at)}


def kpi(at: AppTest, label: str) -> Card:
    return next(c for c in cards(at) if c.label == label)


def frames(at: AppTest) -> list:
    return [d.value for d in at.dataframe]


def frame_with(at: AppTest, column: str):
    return next(d.value for d in at.dataframe if column in d.value.columns)


def subheaders(at: AppTest) -> list[str]:
    return [s.value for s in at.subheader]
