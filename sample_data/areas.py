"""区域 — the area hierarchy of 云川市: 区/县 → 街道/镇/乡 → 社区/村 → 网格.

Built top-down on the grid cells of ``sample_data.geometry``:

* the dense core (城区: cells whose seed density is at least ``URBAN_DENSITY``) is
  split into the urban 区, the ring around it into the outer districts (县, 县级市,
  a suburban 区 at large scale);
* each district is split into streets, each street into communities, by contiguous
  region growing (so every region is connected and the cell counts are balanced);
* kinds follow urbanisation: urban streets are 街道 with 社区, rural ones 镇/乡 with 村;
* codes follow docs/domain.md「区域层级」: district ``9901`` + 2 digits (区 01–, 县 21–, 县级市 81–),
  street + 3 digits (街道 001–, 镇 101–, 乡 201–), community + 3 digits (社区 001–,
  村 201–), grid + 3 digits;
* a few grids per street are 专属网格 (schools, hospitals, parks, markets, offices);
* households and population are drawn per grid and summed upwards, and every area
  polygon is the exact union of its children.

The latent 治理水平 (``street_quality``, ``community_quality``) lives here too: it is
an attribute of the fictional places that tickets, assessment and organisations all
reflect, so that rankings agree across pages and have a clear top and bottom.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
import pandas as pd

from sample_data import geometry as geo
from sample_data import names
from sample_data.random import stream
from sample_data.scales import Scale

CITY_CODE = "990100"
CODE_PREFIX = CITY_CODE[:4]
CENTRE_LON, CENTRE_LAT = 112.9, 28.2
URBAN_DENSITY = 4.0  # seed density (rural floor = 1) from which a cell is urban (城区)
TOWN_DENSITY = 1.8  # … and from which it belongs to a town centre (镇区)
POINTS_PER_GRID = 48  # pool of interior points per grid for ticket locations
DEDICATED_SHARE = 0.035  # share of a street's grids that are 专属网格

DEDICATED_MIX = {  # 专属网格类别 by street kind
    "街道": {"学校": 0.35, "医院": 0.15, "商圈市场": 0.25, "机关企事业单位": 0.25},
    "镇": {"学校": 0.35, "产业园区": 0.30, "商圈市场": 0.20, "机关企事业单位": 0.15},
    "乡": {"学校": 0.50, "产业园区": 0.20, "商圈市场": 0.30},
}
DEDICATED_PEOPLE = {  # (population range, share of grids with a few households)
    "学校": ((300, 2500), 0.2), "医院": ((200, 1200), 0.1), "产业园区": ((500, 4000), 0.6),
    "商圈市场": ((50, 600), 0.5), "机关企事业单位": ((30, 400), 0.2),
}


@dataclass
class CityMap:
    """The generated areas: one data frame per table (geometry as shapely) plus links."""

    districts: pd.DataFrame
    streets: pd.DataFrame
    communities: pd.DataFrame
    grids: pd.DataFrame
    street_district: np.ndarray  # per street row: district row
    community_street: np.ndarray  # per community row: street row
    grid_community: np.ndarray  # per grid row: community row
    street_quality: np.ndarray  # latent 治理水平 per street (standard normal scores)
    community_quality: np.ndarray  # per community: street quality plus a local effect
    grid_points: np.ndarray  # (grids, POINTS_PER_GRID, 2) lon/lat strictly inside each grid

    @property
    def grid_street(self) -> np.ndarray:
        return self.community_street[self.grid_community]

    @property
    def grid_district(self) -> np.ndarray:
        return self.street_district[self.grid_street]

    def tables(self) -> dict[str, pd.DataFrame]:
        return {"districts": self.districts, "streets": self.streets,
                "communities": self.communities, "grids": self.grids}


def build_city(scale: Scale, seed: int) -> CityMap:
    """Generate the whole area hierarchy for ``scale`` from ``seed``."""
    rng = stream(seed, "geometry")
    outline = geo.city_outline(rng, scale.radius_km)
    centres = geo.density_centres(rng, outline, scale.radius_km, scale.satellites)
    points = geo.relax(geo.seed_points(rng, outline, scale.grids, centres), outline)
    frame = geo.LocalFrame(CENTRE_LON, CENTRE_LAT)
    cells = geo.grid_cells(points, outline, frame)
    neighbours = geo.adjacency(cells)
    dens = geo.density(points, centres)

    rng = stream(seed, "hierarchy")
    cell_district, district_kind = _split_districts(scale, points, dens, neighbours, rng)
    cell_street, street_district, street_kind = _split_streets(scale, cell_district, district_kind, points, dens,
                                                               neighbours, rng)
    cell_comm, comm_street, comm_kind = _split_communities(scale, cell_street, street_kind, points, dens,
                                                           neighbours, rng)

    order = np.lexsort((points[:, 0], -points[:, 1], cell_comm))  # grids: by community, north-west first
    cells, cell_comm = cells[order], cell_comm[order]

    rng = stream(seed, "names")
    pool = names.StemPool(rng)
    districts, district_stems = _district_table(district_kind, rng)
    streets, street_stems = _street_table(street_kind, street_district, districts, pool)
    communities, comm_stems = _community_table(comm_kind, comm_street, streets, pool, rng)
    stems = _Stems(district_stems[street_district], street_stems, comm_stems)
    grids = _grid_table(cell_comm, communities, streets, comm_street, stems, rng)
    grids["geometry"] = cells
    _sum_people(communities, grids, cell_comm)
    _sum_people(streets, communities, comm_street)
    _sum_people(districts, streets, street_district)
    communities["geometry"] = geo.union_groups(cells, cell_comm, len(communities))
    streets["geometry"] = geo.union_groups(communities["geometry"].to_numpy(), comm_street, len(streets))
    districts["geometry"] = geo.union_groups(streets["geometry"].to_numpy(), street_district, len(districts))

    rng = stream(seed, "quality")
    street_quality = _spread_scores(rng, len(streets))
    community_quality = 0.8 * street_quality[comm_street] + 0.6 * rng.standard_normal(len(communities))
    grid_points = geo.interior_points(cells, stream(seed, "points"), POINTS_PER_GRID)
    return CityMap(districts, streets, communities, grids, street_district, comm_street, cell_comm,
                   street_quality, community_quality, grid_points)


# -- splitting cells into regions ----------------------------------------------------------------

def _split_districts(scale: Scale, points, dens, neighbours, rng) -> tuple[np.ndarray, np.ndarray]:
    """Districts per cell (numbered in code order) and each district's kind (区/县/县级市)."""
    core, outer = _core_and_ring(points, dens, neighbours)
    labels = np.empty(len(points), dtype=np.int64)
    labels[core] = geo.grow_regions(core, scale.urban_districts, neighbours, points, rng)
    labels[outer] = scale.urban_districts + geo.grow_regions(outer, scale.outer_districts, neighbours, points, rng)
    n = scale.districts
    centre = np.array([points[labels == d].mean(axis=0) for d in range(n)])
    urbanity = np.array([(dens[labels == d] >= TOWN_DENSITY).mean() for d in range(n)])
    kinds = np.array(["区"] * scale.urban_districts + ["县"] * scale.outer_districts, dtype=object)
    outer_ids = np.arange(scale.urban_districts, n)
    by_town = outer_ids[np.argsort(-urbanity[outer_ids], kind="stable")]
    if len(outer_ids) >= 3:
        kinds[by_town[0]] = "县级市"
    if len(outer_ids) >= 6:
        kinds[by_town[1]] = "区"  # a suburban 区 (撤县设区)
    # code order: 区 from the centre outwards, then 县, then 县级市 (each clockwise)
    kind_rank = np.array([{"区": 0, "县": 1, "县级市": 2}[k] for k in kinds])
    is_core = np.arange(n) < scale.urban_districts
    dist = np.where(is_core, np.hypot(*centre.T), 0.0)
    angle = np.mod(np.arctan2(centre[:, 0], centre[:, 1]), 2 * np.pi)
    order = np.lexsort((angle, dist, ~is_core, kind_rank))
    return _renumber(labels, order), kinds[order]


def _core_and_ring(points, dens, neighbours) -> tuple[np.ndarray, np.ndarray]:
    """The connected dense core around the centre, and the connected ring around it."""
    everything = np.arange(len(points))
    centre_cell = int(np.argmin(np.hypot(*points.T)))
    dense = geo.components(np.nonzero(dens >= URBAN_DENSITY)[0], neighbours)
    core = next((c for c in dense if centre_cell in c), np.array([centre_cell]))
    rest = geo.components(np.setdiff1d(everything, core), neighbours)
    ring = rest[0]
    core = np.setdiff1d(everything, ring)  # pockets enclosed by the core join it
    return core, ring


def _split_streets(scale: Scale, cell_district, district_kind, points, dens, neighbours, rng):
    """Streets per cell, each street's district and kind (街道/镇/乡), numbered in code order."""
    sizes = np.bincount(cell_district, minlength=len(district_kind))
    counts = allocate(scale.streets, sizes.astype(float), sizes)
    return _split(cell_district, counts, lambda d, cells: _street_kind(district_kind[d], dens[cells], rng),
                  ("街道", "镇", "乡"), points, neighbours, rng)


def _street_kind(district_kind: str, dens: np.ndarray, rng) -> str:
    if (dens >= URBAN_DENSITY).mean() >= 0.5:
        return "街道"
    if district_kind == "区" or (dens >= TOWN_DENSITY).mean() >= 0.3:
        return "镇"
    return "镇" if rng.uniform() < 0.6 else "乡"


def _split_communities(scale: Scale, cell_street, street_kind, points, dens, neighbours, rng):
    """Communities per cell, each community's street and kind (社区/村), numbered in code order."""
    sizes = np.bincount(cell_street, minlength=len(street_kind))
    weight = sizes * np.where(street_kind == "街道", 1.0, 1.7)  # villages hold fewer grids
    counts = allocate(scale.communities, weight, sizes)
    return _split(cell_street, counts, lambda s, cells: _community_kind(street_kind[s], dens[cells]),
                  ("社区", "村"), points, neighbours, rng)


def _split(cell_parent, counts, kind_of, kind_order: tuple[str, ...], points, neighbours, rng):
    """Split each parent region ``p`` into ``counts[p]`` contiguous children.

    Returns the child of every cell, each child's parent and each child's kind
    (``kind_of(parent, cells)``), children numbered in code order within their parent.
    """
    labels = np.empty(len(cell_parent), dtype=np.int64)
    child_parent, kinds = [], []
    for p, k in enumerate(counts.tolist()):
        members = np.nonzero(cell_parent == p)[0]
        local = geo.grow_regions(members, k, neighbours, points, rng)
        region_kinds = [kind_of(p, members[local == r]) for r in range(k)]
        order = _code_order(local, points[members], region_kinds, kind_order)
        labels[members] = len(kinds) + _renumber(local, order)
        child_parent += [p] * k
        kinds += [region_kinds[r] for r in order]
    return labels, np.array(child_parent), np.array(kinds, dtype=object)


def _community_kind(street_kind: str, dens: np.ndarray) -> str:
    if street_kind == "街道":
        return "社区"
    if street_kind == "镇" and (dens >= TOWN_DENSITY).mean() >= 0.5:
        return "社区"
    return "村"


def allocate(total: int, weights: np.ndarray, capacity: np.ndarray) -> np.ndarray:
    """Split ``total`` into integers ∝ ``weights`` (largest remainder), each in [1, capacity]."""
    share = total * weights / weights.sum()
    counts = np.clip(np.floor(share).astype(np.int64), 1, capacity)
    for i in np.argsort(-(share - np.floor(share)), kind="stable"):
        if counts.sum() >= total:
            break
        if counts[i] < capacity[i]:
            counts[i] += 1
    return counts


def _code_order(local: np.ndarray, pts: np.ndarray, kinds: list[str], kind_order: tuple[str, ...]) -> np.ndarray:
    """Region numbers sorted by kind, then from the city centre outwards."""
    k = len(kinds)
    dist = np.array([np.hypot(*pts[local == r].mean(axis=0)) for r in range(k)])
    rank = np.array([kind_order.index(x) for x in kinds])
    return np.lexsort((dist, rank))


def _renumber(labels: np.ndarray, order: np.ndarray) -> np.ndarray:
    """Relabel so that region ``order[i]`` becomes ``i``."""
    new = np.empty(len(order), dtype=np.int64)
    new[order] = np.arange(len(order))
    return new[labels]


# -- codes and names ---------------------------------------------------------------------------

@dataclass(frozen=True)
class _Stems:
    """Place stems used to name dedicated grids: per street (district, street) and per community."""

    street_district: np.ndarray
    street: np.ndarray
    community: np.ndarray


def _numbered(kinds: np.ndarray, starts: dict[str, int], width: int, parents: np.ndarray) -> list[str]:
    """Sequence numbers per kind, restarting for every parent, zero-padded to ``width``."""
    counters: dict[tuple[int, str], int] = {}
    out = []
    for parent, kind in zip(parents.tolist(), kinds.tolist()):
        key = (parent, kind)
        counters[key] = counters.get(key, 0) + 1
        out.append(str(starts[kind] + counters[key] - 1).zfill(width))
    return out


def _district_table(kinds: np.ndarray, rng) -> tuple[pd.DataFrame, np.ndarray]:
    n_urban = int((kinds == "区").sum())
    urban, outer = names.district_stems(rng, n_urban, len(kinds) - n_urban)
    stems = np.array(urban + outer, dtype=object)
    suffix = {"区": "区", "县": "县", "县级市": "市"}
    numbers = _numbered(kinds, {"区": 1, "县": 21, "县级市": 81}, 2, np.zeros(len(kinds), dtype=np.int64))
    table = pd.DataFrame({"district_code": [CODE_PREFIX + n for n in numbers],
                          "name": [s + suffix[k] for s, k in zip(stems, kinds)], "kind": kinds})
    return table, stems


def _street_table(kinds, street_district, districts: pd.DataFrame, pool: names.StemPool):
    parent = districts["district_code"].to_numpy()[street_district]
    numbers = _numbered(kinds, {"街道": 1, "镇": 101, "乡": 201}, 3, street_district)
    stems = np.array([pool.take() for _ in kinds], dtype=object)
    table = pd.DataFrame({"street_code": [p + n for p, n in zip(parent, numbers)], "district_code": parent,
                          "name": [s + k for s, k in zip(stems, kinds)], "kind": kinds})
    return table, stems


def _community_table(kinds, comm_street, streets: pd.DataFrame, pool: names.StemPool, rng):
    parent = streets["street_code"].to_numpy()[comm_street]
    numbers = _numbered(kinds, {"社区": 1, "村": 201}, 3, comm_street)
    stems = np.array([pool.take() for _ in kinds], dtype=object)
    table = pd.DataFrame({"community_code": [p + n for p, n in zip(parent, numbers)], "street_code": parent,
                          "district_code": streets["district_code"].to_numpy()[comm_street],
                          "name": [names.community_name(rng, s, k) for s, k in zip(stems, kinds)], "kind": kinds})
    return table, stems


# -- grids ------------------------------------------------------------------------------------------

def _grid_table(cell_comm, communities: pd.DataFrame, streets: pd.DataFrame, comm_street, stems: _Stems, rng):
    """Grid rows (cells are sorted by community): codes, names, kinds and people."""
    n = len(cell_comm)
    first = np.searchsorted(cell_comm, np.arange(len(communities)))
    street_kind = streets["kind"].to_numpy()
    dedicated = _pick_dedicated(cell_comm, comm_street, street_kind, rng)
    comm_code = communities["community_code"].to_numpy()
    comm_name = communities["name"].to_numpy()
    used: set[str] = set()
    grid_names, comprehensive_no = [], {}
    for i, (c, dtype) in enumerate(zip(cell_comm.tolist(), dedicated.tolist())):
        if dtype is None:
            comprehensive_no[c] = comprehensive_no.get(c, 0) + 1
            grid_names.append(f"{comm_name[c]}第{comprehensive_no[c]}网格")
        else:
            s = int(comm_street[c])
            grid_names.append(_dedicated_name(dtype, street_kind[s] == "街道", stems.street_district[s],
                                              stems.street[s], stems.community[c], used) + "网格")
    seq = np.arange(n) - first[cell_comm] + 1
    table = pd.DataFrame({
        "grid_code": [comm_code[c] + str(k).zfill(3) for c, k in zip(cell_comm.tolist(), seq.tolist())],
        "community_code": comm_code[cell_comm],
        "street_code": communities["street_code"].to_numpy()[cell_comm],
        "district_code": communities["district_code"].to_numpy()[cell_comm],
        "name": grid_names,
        "kind": np.where(pd.isna(dedicated), "综合网格", "专属网格").astype(object),
        "dedicated_type": dedicated,
    })
    urban = communities["kind"].to_numpy()[cell_comm] == "社区"
    table["population"], table["households"] = _grid_people(dedicated, urban, rng)
    return table


def _pick_dedicated(cell_comm, comm_street, street_kind, rng) -> np.ndarray:
    """专属网格类别 per cell (None for 综合网格): a few per street, at most one per community,
    only in communities with at least three grids."""
    out = np.full(len(cell_comm), None, dtype=object)
    per_comm = np.bincount(cell_comm)
    first = np.searchsorted(cell_comm, np.arange(len(per_comm)))
    for s, kind in enumerate(street_kind):
        comms = np.nonzero(comm_street == s)[0]
        eligible = comms[per_comm[comms] >= 3]
        cells_in_street = int(per_comm[comms].sum())
        k = min(len(eligible), max(1, round(DEDICATED_SHARE * cells_in_street)))
        mix = DEDICATED_MIX[kind]
        types = list(mix)
        p = np.array(list(mix.values()))
        for c in rng.choice(eligible, size=k, replace=False):
            out[first[c] + int(rng.integers(per_comm[c]))] = types[int(rng.choice(len(types), p=p / p.sum()))]
    return out


def _dedicated_name(dtype: str, urban: bool, dstem: str, sstem: str, cstem: str, used: set[str]) -> str:
    """The first unused plausible name for a 专属网格 (云川第二中学, 青川高新产业园 …)."""
    numbered = lambda pattern, upto: [pattern.format(names.chinese_number(i)) for i in range(1, upto)]  # noqa: E731
    candidates = {
        "学校": (numbered(names.CITY_STEM + "第{}中学", 60) if urban else [f"{sstem}中心学校", f"{sstem}中学"])
        + [f"{cstem}小学", f"{cstem}实验学校"],
        "医院": (numbered(names.CITY_NAME + "第{}人民医院", 10) + [f"{dstem}中医医院"] if urban
                 else [f"{sstem}卫生院"]) + [f"{cstem}医院"],
        "产业园区": [f"{dstem}高新产业园", f"{sstem}工业园", f"{cstem}产业园"],
        "商圈市场": ([f"{sstem}商圈", f"{cstem}商业街"] if urban else [f"{sstem}农贸市场"]) + [f"{cstem}集贸市场"],
        "机关企事业单位": [f"{dstem}行政中心", f"{sstem}机关大院", f"{cstem}企事业单位"],
    }[dtype]
    name = next((c for c in candidates if c not in used), None)
    if name is None:
        raise RuntimeError(f"no unused name for a {dtype} grid")
    used.add(name)
    return name


def _grid_people(dedicated: np.ndarray, urban: np.ndarray, rng) -> tuple[np.ndarray, np.ndarray]:
    """常住人口 and 户数 per grid: 250–600 households in urban comprehensive grids,
    fewer in villages, few or none in dedicated grids."""
    n = len(dedicated)
    households = np.where(urban, rng.triangular(250, 400, 620, n), rng.triangular(60, 170, 320, n))
    per_household = np.where(urban, rng.normal(2.6, 0.12, n), rng.normal(2.9, 0.15, n))
    population = households * per_household
    for dtype, ((lo, hi), share_homes) in DEDICATED_PEOPLE.items():
        idx = np.nonzero(dedicated == dtype)[0]
        population[idx] = rng.uniform(lo, hi, len(idx))
        homes = rng.uniform(size=len(idx)) < share_homes
        households[idx] = np.where(homes, rng.uniform(5, 60, len(idx)), 0)
    return np.round(population).astype(np.int64), np.round(households).astype(np.int64)


def _sum_people(parents: pd.DataFrame, children: pd.DataFrame, child_parent: np.ndarray) -> None:
    for col in ("population", "households"):
        parents[col] = np.bincount(child_parent, weights=children[col], minlength=len(parents)).astype(np.int64)


def _spread_scores(rng, n: int, extreme: float = 2.2) -> np.ndarray:
    """Evenly spread standard-normal scores in random order (a clear top and bottom),
    scaled so that none lies beyond ±``extreme``."""
    q = NormalDist().inv_cdf
    scores = np.array([q((i + 0.5) / n) for i in range(n)])
    scores *= min(1.0, extreme / np.abs(scores).max())
    return scores[rng.permutation(n)] + rng.normal(0, 0.15, n)
