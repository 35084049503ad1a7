"""核心 — the domain with no Streamlit and no database: the data model (schema), configuration, the area hierarchy,
filters and periods, the metric registry and number format, rankings, geometry, text escaping,
and the Excel/CSV writer.
"""
