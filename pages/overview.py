"""总览 — how the chosen area is doing in the chosen period, at a glance."""

from dashboard import ui
from dashboard.data import overview

f = ui.page_header("总览")
ui.kpi_cards(overview.kpi_row(f))
