"""规模 — the sizes of the sample city (tiny for tests, demo for ``make run``, large for benchmarks)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scale:
    name: str
    urban_districts: int  # 城区的区 (core)
    outer_districts: int  # 外围的县/县级市/区
    streets: int  # 街道/乡镇, allocated to districts by cell count
    communities: int  # 社区/村 (approximate: allocated by street)
    grids: int  # 网格 (exact: one Voronoi cell each)
    tickets: int  # 工单 over the two years before as-of (exact)
    radius_km: float  # rough radius of the city outline
    satellites: int  # satellite towns (县城、镇区) outside the core

    @property
    def districts(self) -> int:
        return self.urban_districts + self.outer_districts


SCALES: dict[str, Scale] = {
    "tiny": Scale("tiny", 1, 1, 6, 30, 200, 5_000, 9.0, 1),
    "demo": Scale("demo", 3, 3, 40, 400, 3_000, 300_000, 25.0, 4),
    "large": Scale("large", 7, 9, 300, 6_000, 30_600, 10_000_000, 65.0, 12),
}
