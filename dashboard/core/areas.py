"""区域层级 — the area hierarchy 城市 → 区县 → 街道/乡镇 → 社区/村 → 网格 (docs/domain.md「区域层级」).

``AreaIndex`` answers "what is this code, who is its parent, what are its children"
for filters, breadcrumbs, drill-down and URL validation. The city itself has the
code ``''``: every other code starts with it, so "inside X" is ``starts_with(code, X)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import pandas as pd

from dashboard.core.schema import CODE_LENGTH, LEVEL_ZH

CHILD_LEVEL = {"city": "district", "district": "street", "street": "community", "community": "grid", "grid": None}
LEVEL_OF_LENGTH = {0: "city", **{n: lvl for lvl, n in CODE_LENGTH.items()}}


@dataclass(frozen=True)
class Area:
    code: str
    level: str
    parent_code: str | None
    name: str
    kind: str | None
    population: int | None
    households: int | None

    @property
    def level_zh(self) -> str:
        return LEVEL_ZH[self.level]

    @property
    def child_level(self) -> str | None:
        return CHILD_LEVEL[self.level]

    @property
    def child_len(self) -> int | None:
        child = self.child_level
        return CODE_LENGTH[child] if child else None


class AreaIndex:
    def __init__(self, frame: pd.DataFrame):
        self._by_code: dict[str, Area] = {}
        self._children: dict[str, list[str]] = {}
        # Plain Python lists (None for missing): row-by-row pandas access costs ~0.5 s for the
        # 37,000 areas of a large city, and this index is built on a fresh process's first page.
        cols = {c: frame[c].astype(object).where(frame[c].notna(), None).tolist()
                for c in ("code", "level", "parent_code", "name", "kind", "population", "households")}
        for code, level, parent, name, kind, population, households in zip(*cols.values()):
            area = Area(code, level, parent, name, kind, None if population is None else int(population),
                        None if households is None else int(households))
            self._by_code[code] = area
            if parent is not None:
                self._children.setdefault(parent, []).append(code)

    def __contains__(self, code: str) -> bool:
        return code in self._by_code

    def get(self, code: str) -> Area | None:
        return self._by_code.get(code)

    def __getitem__(self, code: str) -> Area:
        return self._by_code[code]

    @cached_property
    def city(self) -> Area:
        return self._by_code[""]

    def name(self, code: str | None) -> str:
        area = self._by_code.get(code or "")
        return area.name if area else str(code)

    def children(self, code: str) -> list[Area]:
        return [self._by_code[c] for c in self._children.get(code, [])]

    def ancestors(self, code: str) -> list[Area]:
        """City first, the area itself last."""
        chain = []
        area = self._by_code.get(code)
        while area is not None:
            chain.append(area)
            area = self._by_code.get(area.parent_code) if area.parent_code is not None else None
        return list(reversed(chain))

    def is_within(self, code: str, ancestor: str) -> bool:
        return code.startswith(ancestor)

    def count(self, level: str) -> int:
        return sum(1 for a in self._by_code.values() if a.level == level)
