"""存储 — the analytics database and what feeds it: the query catalogue and runner,
the builder, importer and refresh, the working-day calendar, and the application database
(accounts, audit, 督办). Only ``db`` imports Streamlit (its result cache); building does not.
"""
