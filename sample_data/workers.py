"""网格员 — grid workers (grid_workers) and their assignments (grid_assignments).

Per community (社区/村):

* each comprehensive grid (综合网格) normally has one active 专职网格员; about 5 % of
  the 专职 workers cover two or three grids of their community;
* some grids have no active 专职 worker (more often in weakly governed streets): a
  兼职 worker stands in, and in part of them the departed 专职 worker is still on file
  with ``active = false`` (离职未补) — these are the supervision targets;
* many grids also have a 兼职 helper (楼栋长, volunteer);
* every grid has a 网格长: a community staff member (兼职) leading up to four grids,
  or, in a dedicated grid (专属网格), a leader of the unit;
* a few more inactive workers are on file without any assignment.

``build_workers`` also returns, per grid, whether an active 专职 worker is assigned:
the ticket generator lets such grids report more (网格员上报).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sample_data.areas import CityMap
from sample_data.names import person_names
from sample_data.random import stream

VACANCY_RATE = 0.065  # comprehensive grids without an active 专职 worker (before the quality effect)
DEPARTED_SHARE = 0.45  # … of which the departed 专职 worker is still on file (inactive)
MULTI_GRID_SHARE = 0.05  # 专职 workers covering 2–3 grids
HELPER_SHARE = 0.3  # grids with an extra 兼职 网格员
LEADER_SPAN = 4  # grids per community 网格长
EXTRA_INACTIVE = 0.02  # inactive workers without assignments, per community worker


class _Roster:
    """Collects the worker and assignment rows of one community."""

    def __init__(self, community_code: str):
        self.community_code = community_code
        self.workers: list[tuple[str, str, str, bool]] = []  # worker_id, employment, community, active
        self.assignments: list[tuple[str, str, str]] = []  # worker_id, grid_code, duty

    def hire(self, employment: str, active: bool = True) -> str:
        worker_id = f"W{self.community_code}{len(self.workers) + 1:03d}"
        self.workers.append((worker_id, employment, self.community_code, active))
        return worker_id

    def assign(self, worker_id: str, grid_codes, duty: str = "网格员") -> None:
        self.assignments.extend((worker_id, g, duty) for g in grid_codes)


def build_workers(city: CityMap, seed: int) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray]:
    """(grid_workers, grid_assignments, has_fulltime per grid row)."""
    rng = stream(seed, "workers")
    grids = city.grids
    codes = grids["grid_code"].to_numpy()
    comprehensive = grids["kind"].to_numpy() == "综合网格"
    quality = city.street_quality[city.grid_street]
    p_vacant = np.clip(VACANCY_RATE * (1 - 0.4 * quality), 0.01, 0.25)
    vacant = comprehensive & (rng.uniform(size=len(grids)) < p_vacant)
    has_fulltime = comprehensive & ~vacant
    bounds = np.searchsorted(city.grid_community, np.arange(len(city.communities) + 1))
    workers, assignments = [], []
    for c, code in enumerate(city.communities["community_code"].tolist()):
        rows = np.arange(bounds[c], bounds[c + 1])
        roster = _Roster(code)
        _staff_community(roster, codes[rows], comprehensive[rows], vacant[rows], rng)
        workers += roster.workers
        assignments += roster.assignments
    names = person_names(rng, len(workers))
    worker_frame = pd.DataFrame(workers, columns=["worker_id", "employment", "community_code", "active"])
    worker_frame.insert(1, "name", names)
    assignment_frame = pd.DataFrame(assignments, columns=["worker_id", "grid_code", "duty"])
    return worker_frame, assignment_frame, has_fulltime


def _staff_community(roster: _Roster, codes, comprehensive, vacant, rng) -> None:
    covered = codes[comprehensive & ~vacant]
    i = 0
    while i < len(covered):  # 专职网格员, a few covering 2–3 grids
        span = 1
        if len(covered) - i >= 2 and rng.uniform() < MULTI_GRID_SHARE:
            span = int(rng.integers(2, min(3, len(covered) - i) + 1))
        roster.assign(roster.hire("专职"), covered[i:i + span])
        i += span
    for code in codes[vacant]:  # vacancies: a 兼职 stand-in, sometimes the departed worker on file
        if rng.uniform() < DEPARTED_SHARE:
            roster.assign(roster.hire("专职", active=False), [code])
        roster.assign(roster.hire("兼职"), [code])
    for code in codes[comprehensive & ~vacant]:
        if rng.uniform() < HELPER_SHARE:
            roster.assign(roster.hire("兼职"), [code])
    led = codes[comprehensive]
    for start in range(0, len(led), LEADER_SPAN):  # community staff as 网格长
        roster.assign(roster.hire("兼职"), led[start:start + LEADER_SPAN], duty="网格长")
    for code in codes[~comprehensive]:  # dedicated grids: staff and leader of the unit
        roster.assign(roster.hire("兼职"), [code])
        roster.assign(roster.hire("兼职"), [code], duty="网格长")
    extra = int(rng.poisson(EXTRA_INACTIVE * len(roster.workers)))
    for _ in range(extra):
        roster.hire("专职" if rng.uniform() < 0.5 else "兼职", active=False)
