"""随机数 — independent, reproducible random streams.

Each part of the generator draws from its own ``numpy`` generator seeded with
``[seed, stream number, *extra]`` (for instance one per ticket month), so changing
one part never shifts the random numbers of another, and chunks can be generated in
any order. Stream numbers are fixed integers, never ``hash()`` of a string (which
differs between Python processes).
"""

from __future__ import annotations

import numpy as np

STREAMS = {
    "geometry": 1, "hierarchy": 2, "names": 3, "quality": 4, "points": 5,
    "workers": 6, "ticket_plan": 7, "tickets": 8, "orgs": 9, "assessment": 10,
}


def stream(seed: int, name: str, *extra: int) -> np.random.Generator:
    """The generator for part ``name`` (and optional chunk numbers) of the city."""
    return np.random.default_rng([int(seed), STREAMS[name], *map(int, extra)])
