"""Page data: cached loaders that turn filters into query results and figures-ready
frames. Pages import these modules; SQL lives in ``queries/``."""
