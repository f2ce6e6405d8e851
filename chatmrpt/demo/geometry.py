"""The shape of a demo state: its outline, towns, ward seed points, ward polygons and LGAs.

Everything is laid out in kilometres on a local plane around the state's centre and turned
into longitude/latitude at the end (an equirectangular projection is plenty at state scale).
Wards are Voronoi cells of a jittered hexagonal grid, pulled towards towns so that urban
wards are small and rural wards large, as in the field.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components

KM_PER_DEG_LAT = 110.57
KM_PER_DEG_LON_EQUATOR = 111.32

# Nigeria's extent, which a demo state must stay inside
LON_RANGE = (3.0, 14.0)
LAT_RANGE = (4.0, 14.0)

# average ward area; real Nigerian wards average ~100 km², Kano's ~40 km²
MEAN_WARD_AREA_KM2 = 50.0
# above this total a state would not fit in Nigeria's extent, so wards get smaller instead
MAX_STATE_AREA_KM2 = 300_000.0
# outline radius varies by at most this share around its mean (keeps it star-shaped)
OUTLINE_WOBBLE = 0.4
MAX_STRETCH = 1.4
OUTLINE_VERTICES = 480
# coordinates are rounded to 1e-7 degrees (about 1 cm)
COORDINATE_GRID = 1e-7


@dataclass(frozen=True)
class Town:
    x: float
    y: float
    radius: float  # km; the town's pull on ward seeds and its urban footprint
    pull: float  # ward density at the centre is about 1 / pull**2 times the rural density
    intensity: float  # urban share at the centre (0-1)


@dataclass(frozen=True)
class Layout:
    lon0: float
    lat0: float
    spacing: float  # km between rural ward seeds
    outline: shapely.Polygon  # km plane
    towns: tuple[Town, ...]
    seeds: np.ndarray  # (n, 2) km plane, one per ward

    @property
    def km_per_deg_lon(self) -> float:
        return KM_PER_DEG_LON_EQUATOR * float(np.cos(np.radians(self.lat0)))

    def to_lonlat(self, xy: np.ndarray) -> np.ndarray:
        out = np.empty_like(xy, dtype=float)
        out[:, 0] = self.lon0 + xy[:, 0] / self.km_per_deg_lon
        out[:, 1] = self.lat0 + xy[:, 1] / KM_PER_DEG_LAT
        return out

    @property
    def extent_km(self) -> float:
        minx, miny, maxx, maxy = self.outline.bounds
        return float(max(maxx - minx, maxy - miny))


def smooth_field(
    rng: np.random.Generator, xy: np.ndarray, lengthscale: float, features: int = 32
) -> np.ndarray:
    """Spatially correlated noise with mean ~0 and sd ~1 (random Fourier features of a
    Gaussian kernel): O(n * features), so 100,000 wards cost milliseconds, not an n² kernel."""
    omega = rng.normal(0.0, 1.0 / lengthscale, size=(features, 2))
    phase = rng.uniform(0.0, 2 * np.pi, size=features)
    return np.sqrt(2.0 / features) * np.cos(xy @ omega.T + phase).sum(axis=1)


def _outline(rng: np.random.Generator, area_km2: float) -> shapely.Polygon:
    orders = np.arange(2, 25)
    amp = rng.uniform(0.3, 1.0, size=orders.size) / orders**1.2
    amp *= OUTLINE_WOBBLE / amp.sum()
    phase = rng.uniform(0, 2 * np.pi, size=orders.size)
    theta = np.linspace(0, 2 * np.pi, OUTLINE_VERTICES, endpoint=False)
    r = 1.0 + (amp[:, None] * np.cos(orders[:, None] * theta + phase[:, None])).sum(axis=0)
    # states are rarely round: stretch along a random direction
    stretch = rng.uniform(1.0, MAX_STRETCH)
    turn = rng.uniform(0, np.pi)
    u, v = stretch * r * np.cos(theta), r * np.sin(theta)
    x = u * np.cos(turn) - v * np.sin(turn)
    y = u * np.sin(turn) + v * np.cos(turn)
    shape = shapely.Polygon(np.column_stack([x, y]))
    scale = np.sqrt(area_km2 / shape.area)
    # a very large, elongated state could overshoot Nigeria's extent: shrink it to fit
    # (measured at the equator, where a degree of longitude is widest)
    width, height = (np.ptp(x) * scale, np.ptp(y) * scale)
    fit_width = (
        (LON_RANGE[1] - LON_RANGE[0] - 0.2)
        * KM_PER_DEG_LON_EQUATOR
        * np.cos(np.radians(LAT_RANGE[1]))
    )
    fit_height = (LAT_RANGE[1] - LAT_RANGE[0] - 0.2) * KM_PER_DEG_LAT
    scale *= min(1.0, fit_width / width, fit_height / height)
    return shapely.Polygon(np.column_stack([x * scale, y * scale]))


def _centre(state_lon: float, state_lat: float, outline: shapely.Polygon) -> tuple[float, float]:
    """The state's centre, moved just enough for the whole outline to stay inside Nigeria."""
    minx, miny, maxx, maxy = outline.bounds
    margin = 0.05
    lat_lo = LAT_RANGE[0] + margin - miny / KM_PER_DEG_LAT
    lat_hi = LAT_RANGE[1] - margin - maxy / KM_PER_DEG_LAT
    lat0 = float(np.clip(state_lat, lat_lo, max(lat_lo, lat_hi)))
    kx = KM_PER_DEG_LON_EQUATOR * np.cos(np.radians(lat0))
    lon_lo = LON_RANGE[0] + margin - minx / kx
    lon_hi = LON_RANGE[1] - margin - maxx / kx
    lon0 = float(np.clip(state_lon, lon_lo, max(lon_lo, lon_hi)))
    return lon0, lat0


def _towns(
    rng: np.random.Generator, outline: shapely.Polygon, n_wards: int, spacing: float
) -> tuple[Town, ...]:
    count = 1 + max(1, round(np.sqrt(n_wards) / 6))
    # the capital holds about a tenth of the wards, like Kano metro's 66 of 484
    capital_radius = spacing * max(2.5, 0.18 * np.sqrt(n_wards))
    inner = shapely.buffer(outline, -2 * spacing)
    if inner.is_empty:
        inner = outline
    minx, miny, maxx, maxy = inner.bounds
    shapely.prepare(inner)
    towns: list[Town] = []
    attempts = 0
    while len(towns) < count and attempts < count * 200:
        attempts += 1
        x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        if not shapely.contains_xy(inner, x, y):
            continue
        if towns:
            radius = capital_radius * float(rng.uniform(0.25, 0.55))
            radius = max(radius, 1.5 * spacing)
            pull, intensity = float(rng.uniform(0.35, 0.55)), float(rng.uniform(0.55, 0.9))
        else:
            radius, pull, intensity = capital_radius, 0.22, 1.0
        # towns keep their distance so they stay distinct places
        if any(np.hypot(x - t.x, y - t.y) < 1.5 * (radius + t.radius) for t in towns):
            continue
        towns.append(Town(float(x), float(y), float(radius), pull, intensity))
    return tuple(towns)


def _pull_towards_towns(xy: np.ndarray, towns: tuple[Town, ...]) -> np.ndarray:
    """Radial contraction r -> r * (1 - (1 - pull) * exp(-(r/R)^2)) around each town.

    Monotone in r (its derivative is at least ``pull``), so seeds never cross each other
    and the grid stays a valid point set: dense in the centre, unchanged far away.
    """
    out = xy.copy()
    for t in towns:
        dx, dy = out[:, 0] - t.x, out[:, 1] - t.y
        factor = 1.0 - (1.0 - t.pull) * np.exp(-(dx * dx + dy * dy) / t.radius**2)
        out[:, 0] = t.x + dx * factor
        out[:, 1] = t.y + dy * factor
    return out


def build_layout(
    rng: np.random.Generator, n_wards: int, state_lon: float, state_lat: float
) -> Layout:
    area = min(n_wards * MEAN_WARD_AREA_KM2, MAX_STATE_AREA_KM2)
    outline = _outline(rng, area)
    lon0, lat0 = _centre(state_lon, state_lat, outline)
    # hexagonal grid with a few percent more points than wards; the surplus is dropped at
    # random, which leaves the occasional larger ward, as real ward sizes vary
    spacing = float(np.sqrt(area / (n_wards * 1.04) / (np.sqrt(3) / 2)))
    towns = _towns(rng, outline, n_wards, spacing)
    shapely.prepare(outline)
    minx, miny, maxx, maxy = outline.bounds
    while True:
        dy = spacing * np.sqrt(3) / 2
        cols = np.arange(minx - 2 * spacing, maxx + 2 * spacing, spacing)
        rows = np.arange(miny - 2 * spacing, maxy + 2 * spacing, dy)
        gx, gy = np.meshgrid(cols, rows)
        gx = gx + (np.arange(rows.size)[:, None] % 2) * spacing / 2
        grid = np.column_stack([gx.ravel(), gy.ravel()])
        grid += rng.normal(0.0, 0.2 * spacing, size=grid.shape)
        grid = _pull_towards_towns(grid, towns)
        inside = grid[shapely.contains_xy(outline, grid[:, 0], grid[:, 1])]
        if len(inside) >= n_wards:
            break
        spacing *= 0.98
    keep = np.sort(rng.choice(len(inside), size=n_wards, replace=False))
    return Layout(lon0, lat0, spacing, outline, towns, inside[keep])


def ward_polygons(layout: Layout) -> np.ndarray:
    """One polygon per seed, in seed order, in longitude/latitude (EPSG:4326).

    Voronoi cells tile the plane, so neighbouring wards share edges exactly (queen
    contiguity exists); cells crossing the outline are clipped to it.
    """
    seeds = layout.seeds
    env = shapely.box(*shapely.bounds(layout.outline)).buffer(10 * layout.spacing)
    cells = shapely.get_parts(
        shapely.voronoi_polygons(shapely.multipoints(seeds), extend_to=env, ordered=True)
    )
    shapely.prepare(layout.outline)
    crossing = ~shapely.within(cells, layout.outline)
    cells[crossing] = shapely.intersection(cells[crossing], layout.outline)

    cells = shapely.transform(cells, layout.to_lonlat)
    # pointwise rounding keeps shared vertices shared (both sides round the same numbers)
    cells = shapely.set_precision(cells, COORDINATE_GRID, mode="pointwise")
    bad = ~shapely.is_valid(cells)
    if bad.any():
        repaired = shapely.make_valid(cells[bad])
        cells[bad] = [_polygonal(g) for g in repaired]
    return cells


def _polygonal(geom):
    if shapely.get_type_id(geom) in (3, 6):
        return geom
    parts = [p for p in shapely.get_parts(geom) if shapely.get_type_id(p) in (3, 6)]
    return shapely.union_all(parts)


def queen_pairs(cells: np.ndarray) -> np.ndarray:
    """(m, 2) array of ward index pairs i < j whose polygons share at least one vertex.

    Works because neighbouring cells carry bit-identical shared vertices (see
    ``ward_polygons``); a vertex hash join is O(n log n), no spatial index needed.
    """
    coords, owner = shapely.get_coordinates(cells, return_index=True)
    xi = np.round(coords[:, 0] / COORDINATE_GRID).astype(np.int64)
    yi = np.round(coords[:, 1] / COORDINATE_GRID).astype(np.int64)
    key = (xi << 28) | yi
    order = np.lexsort((owner, key))
    key, owner = key[order], owner[order]
    found = []
    # a Voronoi vertex is shared by 3 cells, rarely by 4-5
    for step in range(1, 6):
        same = (key[step:] == key[:-step]) & (owner[step:] != owner[:-step])
        found.append(np.column_stack([owner[:-step][same], owner[step:][same]]))
    pairs = np.sort(np.concatenate(found), axis=1)
    n = len(cells)
    code = np.unique(pairs[:, 0] * n + pairs[:, 1])
    return np.column_stack([code // n, code % n])


def group_into_lgas(
    rng: np.random.Generator,
    xy: np.ndarray,
    spacing: float,
    pairs: np.ndarray,
    target: int = 18,
    smallest: int = 12,
    largest: int = 36,
) -> np.ndarray:
    """LGA number (0-based) for each ward: neighbouring wards, ``smallest``..``largest`` per LGA.

    Recursive bisection along each group's long axis, with the cut tilted and made wavy by
    smooth noise so that LGA borders do not look ruled. O(n log n); every LGA size stays in
    bounds because each cut keeps both halves' average LGA size in bounds.
    """
    n = len(xy)
    k = int(np.clip(round(n / target), -(-n // largest), max(1, n // smallest)))
    wobble = 0.5 * spacing * smooth_field(rng, xy, 3.0 * spacing, features=32)
    labels = np.empty(n, dtype=np.int64)
    next_label = 0
    stack = [(np.arange(n), k)]
    while stack:
        idx, k_here = stack.pop()
        if k_here == 1:
            labels[idx] = next_label
            next_label += 1
            continue
        k1 = k_here // 2
        k2 = k_here - k1
        pts = xy[idx]
        centred = pts - pts.mean(axis=0)
        cov = centred.T @ centred
        evals, evecs = np.linalg.eigh(cov)
        axis = evecs[:, int(np.argmax(evals))]
        angle = np.arctan2(axis[1], axis[0]) + rng.uniform(-0.5, 0.5)
        proj = centred @ np.array([np.cos(angle), np.sin(angle)]) + wobble[idx]
        m = len(idx)
        n1 = round(m * k1 / k_here * (1 + rng.uniform(-0.25, 0.25)))
        n1 = int(
            np.clip(n1, max(k1 * smallest, m - k2 * largest), min(k1 * largest, m - k2 * smallest))
        )
        order = np.argsort(proj, kind="stable")
        stack.append((idx[order[:n1]], k1))
        stack.append((idx[order[n1:]], k2))
    return _make_contiguous(labels, pairs, smallest=10, largest=40)


def _make_contiguous(
    labels: np.ndarray, pairs: np.ndarray, smallest: int, largest: int
) -> np.ndarray:
    """Hand stray pieces of an LGA (a ward or two cut off by a wavy border) to the LGA
    that surrounds them, so every LGA is one connected area."""
    n = len(labels)
    labels = labels.copy()
    both = np.concatenate([pairs, pairs[:, ::-1]])
    adjacency = csr_matrix((np.ones(len(both)), (both[:, 0], both[:, 1])), shape=(n, n))
    for _ in range(5):
        same = labels[pairs[:, 0]] == labels[pairs[:, 1]]
        graph = csr_matrix(
            (np.ones(int(same.sum())), (pairs[same, 0], pairs[same, 1])), shape=(n, n)
        )
        n_pieces, piece = connected_components(graph, directed=False)
        piece_size = np.bincount(piece, minlength=n_pieces)
        piece_label = np.empty(n_pieces, dtype=labels.dtype)
        piece_label[piece] = labels
        # the largest piece of each LGA stays; ties go to the lower piece number
        order = np.lexsort((np.arange(n_pieces), -piece_size, piece_label))
        first = np.ones(n_pieces, dtype=bool)
        first[1:] = piece_label[order[1:]] != piece_label[order[:-1]]
        is_main = np.zeros(n_pieces, dtype=bool)
        is_main[order[first]] = True
        if is_main.all():
            break
        ward_order = np.argsort(piece, kind="stable")
        bounds = np.searchsorted(piece[ward_order], np.arange(n_pieces + 1))
        for p in np.flatnonzero(~is_main):
            members = ward_order[bounds[p] : bounds[p + 1]]
            around = adjacency[members].indices
            around = around[labels[around] != labels[members[0]]]
            if around.size:
                votes = np.bincount(labels[around]).astype(float)
                sizes = np.bincount(labels, minlength=votes.size)[: votes.size]
                votes[sizes + len(members) > largest] *= 1e-3  # only if nothing else fits
                labels[members] = int(np.argmax(votes))
    # an LGA that lost pieces may now be too small: merge it into its smallest neighbour
    sizes = np.bincount(labels)
    for lga in np.flatnonzero(sizes < smallest):
        if sizes[lga] == 0 or sizes[lga] >= smallest:
            continue
        members = np.flatnonzero(labels == lga)
        around = adjacency[members].indices
        others = np.unique(labels[around[labels[around] != lga]])
        if others.size:
            target = int(others[np.argmin(sizes[others])])
            if sizes[target] + sizes[lga] <= largest:
                labels[members] = target
                sizes[target] += sizes[lga]
                sizes[lga] = 0
    return np.unique(labels, return_inverse=True)[1]
