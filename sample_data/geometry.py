"""几何 — the sample city's map, nested by construction (docs/domain.md「示例城市」).

1. A smooth, irregular city outline (城市边界) is drawn in a local kilometre frame
   around the city centre.
2. Seed points are scattered inside it with a density that falls with the distance
   from the centre (plus a few satellite towns), then relaxed a little (Lloyd) so the
   cells look like real grids: small urban grids (城区网格) in the core, large rural
   ones (农村网格) outside.
3. Their Voronoi cells, clipped to the outline, are the grids (网格). All coordinates
   are converted to WGS-84 and rounded point-wise to ``GRID_SIZE`` degrees, so two
   neighbouring cells share *identical* vertices and the cells form a valid polygon
   coverage (no gaps, no overlaps).
4. Cells are grouped top-down into contiguous regions on the cell adjacency graph
   (cells sharing an edge of positive length) — districts, then streets inside each
   district, then communities inside each street — by multi-source region growing.
5. Every region's polygon is the exact ``coverage_union_all`` of its children, so each
   level is the union of the level below.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass

import numpy as np
import shapely
from shapely import Polygon

GRID_SIZE = 1e-6  # degrees (≈ 0.1 m): every stored vertex lies on this grid
KM_PER_DEG_LAT = 110.574
KM_PER_DEG_LON_EQUATOR = 111.320


@dataclass(frozen=True)
class LocalFrame:
    """A local plane around (lon0, lat0) in kilometres, and back to WGS-84 degrees."""

    lon0: float
    lat0: float

    @property
    def km_per_deg_lon(self) -> float:
        return KM_PER_DEG_LON_EQUATOR * math.cos(math.radians(self.lat0))

    def to_degrees(self, xy: np.ndarray) -> np.ndarray:
        return np.column_stack([self.lon0 + xy[:, 0] / self.km_per_deg_lon,
                                self.lat0 + xy[:, 1] / KM_PER_DEG_LAT])

    def to_km(self, lonlat: np.ndarray) -> np.ndarray:
        return np.column_stack([(lonlat[:, 0] - self.lon0) * self.km_per_deg_lon,
                                (lonlat[:, 1] - self.lat0) * KM_PER_DEG_LAT])


@dataclass(frozen=True)
class Centre:
    """A bump of seed density: the city core or a satellite town (卫星城镇)."""

    x: float
    y: float
    radius: float  # km, Gaussian width
    weight: float  # peak density relative to the rural floor (1.0)


# -- outline and seed points ---------------------------------------------------------------

def city_outline(rng: np.random.Generator, radius_km: float, vertices: int = 360) -> Polygon:
    """A smooth random star-shaped polygon (km frame) about ``2 × radius_km`` across."""
    theta = np.linspace(0.0, 2 * np.pi, vertices, endpoint=False)
    r = np.ones_like(theta)
    for k in range(2, 13):
        amplitude = rng.uniform(0.3, 1.0) * 0.16 / k ** 1.15
        r += amplitude * np.cos(k * theta + rng.uniform(0, 2 * np.pi))
    r = radius_km * np.clip(r, 0.6, None)
    stretch = rng.uniform(0.85, 1.15)  # slightly elongated
    return Polygon(np.column_stack([r * np.cos(theta) * stretch, r * np.sin(theta) / stretch]))


def density_centres(rng: np.random.Generator, outline: Polygon, radius_km: float, satellites: int) -> list[Centre]:
    """The core (城区) at the origin and ``satellites`` towns spread around it."""
    centres = [Centre(0.0, 0.0, 0.18 * radius_km, 40.0)]
    start = rng.uniform(0, 2 * np.pi)
    for i in range(satellites):
        angle = start + 2 * np.pi * i / max(satellites, 1) + rng.uniform(-0.3, 0.3)
        reach = _reach(outline, angle) * rng.uniform(0.45, 0.75)
        centres.append(Centre(reach * math.cos(angle), reach * math.sin(angle), 0.05 * radius_km, rng.uniform(6.0, 10.0)))
    return centres


def _reach(outline: Polygon, angle: float) -> float:
    """Distance from the origin to the outline along ``angle``."""
    far = 10 * math.sqrt(outline.area)
    ray = shapely.LineString([(0, 0), (far * math.cos(angle), far * math.sin(angle))])
    hit = shapely.intersection(ray, outline.exterior)
    return float(min(math.hypot(p.x, p.y) for p in shapely.get_parts(shapely.get_parts(hit))))


def density(xy: np.ndarray, centres: list[Centre]) -> np.ndarray:
    """Relative seed density (rural floor = 1)."""
    out = np.ones(len(xy))
    for c in centres:
        d2 = (xy[:, 0] - c.x) ** 2 + (xy[:, 1] - c.y) ** 2
        out += c.weight * np.exp(-d2 / c.radius ** 2)
    return out


def seed_points(rng: np.random.Generator, outline: Polygon, n: int, centres: list[Centre]) -> np.ndarray:
    """``n`` points inside ``outline`` drawn by rejection from ``density``."""
    x0, y0, x1, y1 = outline.bounds
    peak = density(np.array([[c.x, c.y] for c in centres]), centres).max()
    shapely.prepare(outline)
    found: list[np.ndarray] = []
    total = 0
    while total < n:
        cand = rng.uniform((x0, y0), (x1, y1), size=(4 * n, 2))
        keep = shapely.contains_xy(outline, cand[:, 0], cand[:, 1])
        keep &= rng.uniform(size=len(cand)) * peak < density(cand, centres)
        found.append(cand[keep])
        total += int(keep.sum())
    return np.concatenate(found)[:n]


def relax(points: np.ndarray, outline: Polygon, iterations: int = 2, step: float = 0.7) -> np.ndarray:
    """Lloyd relaxation: move each point part of the way to its cell's centroid
    (a point that would leave the outline stays where it is)."""
    for _ in range(iterations):
        cells = voronoi_cells(points, outline)
        moved = points + step * (shapely.get_coordinates(shapely.centroid(cells)) - points)
        inside = shapely.contains_xy(outline, moved[:, 0], moved[:, 1])
        points = np.where(inside[:, None], moved, points)
    return points


def voronoi_cells(points: np.ndarray, outline: Polygon) -> np.ndarray:
    """Voronoi cells of ``points`` (in input order), clipped to ``outline``."""
    x0, y0, x1, y1 = outline.bounds
    pad = max(x1 - x0, y1 - y0)
    frame = shapely.box(x0 - pad, y0 - pad, x1 + pad, y1 + pad)
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(points), extend_to=frame, ordered=True))
    crossing = np.nonzero(~shapely.within(cells, outline))[0]
    cells[crossing] = [_polygonal(g) for g in shapely.intersection(cells[crossing], outline)]
    return cells


def _polygonal(geom):
    """Drop the points and lines an overlay may add where a cell only touches the outline."""
    if shapely.get_type_id(geom) != shapely.GeometryType.GEOMETRYCOLLECTION:
        return geom
    return shapely.union_all([p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon")])


# -- tessellation -------------------------------------------------------------------------

def grid_cells(points_km: np.ndarray, outline_km: Polygon, frame: LocalFrame) -> np.ndarray:
    """Grid polygons in WGS-84: clipped Voronoi cells forming an exact coverage.

    Coordinates are rounded point-wise (never snap-rounded per cell), so a vertex
    shared by two cells becomes the same rounded vertex in both. A cell that the
    outline cuts into several pieces keeps the piece holding its seed; the other
    pieces join the neighbour they share the longest edge with.
    """
    cells = voronoi_cells(points_km, outline_km)
    cells = shapely.transform(cells, frame.to_degrees)
    cells = shapely.set_precision(cells, GRID_SIZE, mode="pointwise")
    cells = shapely.remove_repeated_points(cells)
    seeds = frame.to_degrees(points_km)
    cells = _merge_stray_parts(cells, seeds)
    if not (shapely.is_valid(cells).all() and shapely.coverage_is_valid(cells)):
        raise RuntimeError("grid cells do not form a valid polygon coverage")  # guarded by tests/test_sample_city.py
    return cells


def _merge_stray_parts(cells: np.ndarray, seeds: np.ndarray) -> np.ndarray:
    cells = cells.copy()
    multi = np.nonzero(shapely.get_type_id(cells) == shapely.GeometryType.MULTIPOLYGON)[0]
    strays: list[Polygon] = []
    for i in multi:
        parts = shapely.get_parts(cells[i])
        home = shapely.contains_xy(parts, seeds[i, 0], seeds[i, 1])
        keep = int(np.argmax(home)) if home.any() else int(np.argmax(shapely.area(parts)))
        cells[i] = parts[keep]
        strays.extend(p for j, p in enumerate(parts) if j != keep)
    for part in strays:
        near = np.nonzero(shapely.intersects(cells, part))[0]
        shared = shapely.length(shapely.intersection(shapely.boundary(cells[near]), part.boundary))
        target = near[int(np.argmax(shared))]
        cells[target] = shapely.coverage_union_all([cells[target], part])
    return cells


def adjacency(cells: np.ndarray) -> list[np.ndarray]:
    """For every cell, the sorted indices of the cells sharing an edge of positive length.

    In a valid coverage shared edges match vertex for vertex, so two cells are
    neighbours exactly when a ring segment of one equals a ring segment of the other.
    """
    rings, ring_cell = shapely.get_rings(cells, return_index=True)
    coords, ring = shapely.get_coordinates(rings, return_index=True)
    q = np.round(coords / GRID_SIZE).astype(np.int64)
    start = np.nonzero(ring[:-1] == ring[1:])[0]
    a, b = q[start], q[start + 1]
    swap = (a[:, 0] > b[:, 0]) | ((a[:, 0] == b[:, 0]) & (a[:, 1] > b[:, 1]))
    a[swap], b[swap] = b[swap].copy(), a[swap].copy()
    owner = ring_cell[ring[start]]
    order = np.lexsort((owner, b[:, 1], b[:, 0], a[:, 1], a[:, 0]))
    key = np.column_stack([a, b])[order]
    owner = owner[order]
    same = np.all(key[1:] == key[:-1], axis=1) & (owner[1:] != owner[:-1])
    left, right = owner[:-1][same], owner[1:][same]
    pairs = np.unique(np.column_stack([np.concatenate([left, right]), np.concatenate([right, left])]), axis=0)
    bounds = np.searchsorted(pairs[:, 0], np.arange(len(cells) + 1))
    return [pairs[bounds[i]:bounds[i + 1], 1] for i in range(len(cells))]


def components(members: np.ndarray, neighbours: list[np.ndarray]) -> list[np.ndarray]:
    """Connected components of ``members`` (largest first), each sorted."""
    inside = set(members.tolist())
    seen: set[int] = set()
    found = []
    for start in members.tolist():
        if start in seen:
            continue
        seen.add(start)
        stack, comp = [start], [start]
        while stack:
            for n in neighbours[stack.pop()].tolist():
                if n in inside and n not in seen:
                    seen.add(n)
                    stack.append(n)
                    comp.append(n)
        found.append(np.array(sorted(comp), dtype=np.int64))
    found.sort(key=lambda c: (-len(c), int(c[0])))
    return found


# -- grouping cells into contiguous regions ---------------------------------------------------

def grow_regions(members: np.ndarray, k: int, neighbours: list[np.ndarray], xy: np.ndarray,
                 rng: np.random.Generator, rounds: int = 3) -> np.ndarray:
    """Split the connected cell set ``members`` into ``k`` contiguous regions.

    Multi-source region growing: the region with the fewest cells grows next, taking
    its unclaimed neighbouring cell closest to its seed, so regions stay connected,
    compact and balanced by cell count. Seeds start well spread (farthest-point
    sampling) and are moved to their region's centre for a few ``rounds``.
    Returns, for each member (in order), its region number 0..k-1.
    """
    k = max(1, min(k, len(members)))
    local = {int(c): i for i, c in enumerate(members)}
    nbrs = [[local[int(n)] for n in neighbours[c] if int(n) in local] for c in members]
    pts = xy[members]
    seeds = _spread_seeds(pts, k, rng)
    labels = _grow(nbrs, pts, seeds)
    for _ in range(rounds):
        seeds = _central_cells(pts, labels, k)
        labels = _grow(nbrs, pts, seeds)
    return labels


def _spread_seeds(pts: np.ndarray, k: int, rng: np.random.Generator) -> list[int]:
    seeds = [int(rng.integers(len(pts)))]
    dist = np.hypot(*(pts - pts[seeds[0]]).T)
    for _ in range(k - 1):
        nxt = int(np.argmax(dist))
        seeds.append(nxt)
        dist = np.minimum(dist, np.hypot(*(pts - pts[nxt]).T))
    return seeds


def _central_cells(pts: np.ndarray, labels: np.ndarray, k: int) -> list[int]:
    seeds = []
    for r in range(k):
        idx = np.nonzero(labels == r)[0]
        centre = pts[idx].mean(axis=0)
        seeds.append(int(idx[np.argmin(np.hypot(*(pts[idx] - centre).T))]))
    return seeds


def _grow(nbrs: list[list[int]], pts: np.ndarray, seeds: list[int]) -> np.ndarray:
    labels = np.full(len(pts), -1, dtype=np.int64)
    frontiers: list[list[tuple[float, int]]] = [[] for _ in seeds]
    sizes: list[tuple[int, int]] = []
    for r, s in enumerate(seeds):
        labels[s] = r
    for r, s in enumerate(seeds):
        _push_neighbours(frontiers[r], nbrs[s], labels, pts, pts[s])
        sizes.append((1, r))
    heapq.heapify(sizes)
    while sizes:
        size, r = heapq.heappop(sizes)
        frontier = frontiers[r]
        while frontier and labels[frontier[0][1]] >= 0:
            heapq.heappop(frontier)
        if not frontier:
            continue  # enclosed: this region stops growing
        _, cell = heapq.heappop(frontier)
        labels[cell] = r
        _push_neighbours(frontier, nbrs[cell], labels, pts, pts[seeds[r]])
        heapq.heappush(sizes, (size + 1, r))
    if (labels < 0).any():
        raise ValueError("cell set is not connected")
    return labels


def _push_neighbours(frontier: list[tuple[float, int]], cells: list[int], labels: np.ndarray,
                     pts: np.ndarray, seed_xy: np.ndarray) -> None:
    for n in cells:
        if labels[n] < 0:
            heapq.heappush(frontier, (float(np.hypot(*(pts[n] - seed_xy))), n))


# -- unions and points ----------------------------------------------------------------------

def union_groups(geoms: np.ndarray, groups: np.ndarray, n_groups: int) -> np.ndarray:
    """Exact union of the coverage ``geoms`` per group number 0..n_groups-1."""
    order = np.argsort(groups, kind="stable")
    bounds = np.searchsorted(groups[order], np.arange(n_groups + 1))
    return np.array([shapely.coverage_union_all(geoms[order[bounds[g]:bounds[g + 1]]]) for g in range(n_groups)],
                    dtype=object)


def interior_points(cells: np.ndarray, rng: np.random.Generator, per_cell: int, decimals: int = 6) -> np.ndarray:
    """``per_cell`` random points strictly inside each cell, rounded to ``decimals``.

    Returns an array of shape (n_cells, per_cell, 2) of (lon, lat).
    """
    shapely.prepare(cells)
    bounds = shapely.bounds(cells)
    out = np.empty((len(cells), per_cell, 2))
    filled = np.zeros(len(cells), dtype=np.int64)
    todo = np.arange(len(cells))
    while len(todo):
        idx = np.repeat(todo, 2 * per_cell)
        lo, hi = bounds[idx, :2], bounds[idx, 2:]
        cand = np.round(rng.uniform(lo, hi), decimals)
        inside = shapely.contains_xy(cells[idx], cand[:, 0], cand[:, 1])
        idx, cand = idx[inside], cand[inside]
        for cell, start, stop in _runs(idx):
            take = min(per_cell - filled[cell], stop - start)
            out[cell, filled[cell]:filled[cell] + take] = cand[start:start + take]
            filled[cell] += take
        todo = todo[filled[todo] < per_cell]
    shapely.destroy_prepared(cells)
    return out


def _runs(sorted_ids: np.ndarray):
    """(value, start, stop) for each run of equal values in a sorted array."""
    if not len(sorted_ids):
        return
    starts = np.concatenate([[0], np.nonzero(np.diff(sorted_ids))[0] + 1])
    stops = np.concatenate([starts[1:], [len(sorted_ids)]])
    for s, e in zip(starts, stops):
        yield int(sorted_ids[s]), int(s), int(e)
