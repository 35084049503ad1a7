"""界面构件 — the building blocks pages are drawn with: the run's filters (``state``), components
(cards, tables, boards, download buttons), charts and maps.
"""
