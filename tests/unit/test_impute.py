import numpy as np
import pandas as pd
from shapely.geometry import box

from chatmrpt.analysis.impute import (
    COLUMN_MEAN,
    SPATIAL,
    Neighbours,
    impute_missing,
    queen_neighbours,
)


def grid(nx, ny):
    return [box(i, j, i + 1, j + 1) for j in range(ny) for i in range(nx)]


def test_queen_includes_corners():
    adj = queen_neighbours(grid(3, 3))
    centre = 4
    assert adj.of(centre).tolist() == [0, 1, 2, 3, 5, 6, 7, 8]
    assert adj.of(0).tolist() == [1, 3, 4]  # corner cell: right, above, diagonal
    assert not (adj.ward == adj.neighbour).any()
    pairs = set(zip(adj.ward.tolist(), adj.neighbour.tolist(), strict=True))
    assert pairs == {(b, a) for a, b in pairs}


def test_queen_matches_libpysal():
    # the contiguity the field uses (PySAL's queen weights) is what ours must equal
    import geopandas as gpd
    import libpysal

    rng = np.random.default_rng(1)
    import shapely

    pts = shapely.multipoints(rng.random((60, 2)))
    cells = shapely.intersection(np.array(shapely.voronoi_polygons(pts).geoms), box(0, 0, 1, 1))
    gdf = gpd.GeoDataFrame(geometry=cells)
    ours = queen_neighbours(gdf.geometry.to_numpy())
    theirs = libpysal.graph.Graph.build_contiguity(gdf, rook=False).sparse
    rows, cols = theirs.nonzero()
    assert sorted(zip(rows.tolist(), cols.tolist(), strict=True)) == sorted(
        zip(ours.ward.tolist(), ours.neighbour.tolist(), strict=True))


def test_wards_without_geometry_have_no_neighbours():
    geoms = grid(2, 1) + [None]
    adj = queen_neighbours(geoms)
    assert adj.of(2).size == 0 and adj.of(0).tolist() == [1]


def test_neighbours_of_some_rows_are_those_of_all_rows():
    # only the wards with a gap are looked up; each one's neighbours, and so the filled
    # values, are the same as from the whole contiguity
    rng = np.random.default_rng(3)
    import shapely

    pts = shapely.multipoints(rng.random((80, 2)))
    cells = list(shapely.intersection(np.array(shapely.voronoi_polygons(pts).geoms),
                                      box(0, 0, 1, 1)))
    cells[5] = None  # a ward without a shape has no neighbours either way
    rows = np.array([0, 5, 17, 42, 79])
    every = queen_neighbours(cells)
    some = queen_neighbours(cells, rows=rows)
    assert set(some.ward.tolist()) <= set(rows.tolist())
    for r in range(len(cells)):
        expected = every.of(r).tolist() if r in rows else []
        assert some.of(r).tolist() == expected
    values = rng.random((80, 3))
    values[rows, 1] = np.nan
    values[rows[:2], 2] = np.nan
    frame = pd.DataFrame(values, columns=["a", "b", "c"])
    full, _, full_report = impute_missing(frame, every)
    part, _, part_report = impute_missing(frame, some)
    assert full.to_numpy().tobytes() == part.to_numpy().tobytes()
    assert full_report == part_report
    assert queen_neighbours(cells, rows=[]).ward.size == 0


def test_neighbour_mean_uses_only_observed_values():
    # 1x4 strip: a b c d ; b and c missing. b's neighbours a, c -> only a observed.
    values = pd.DataFrame({"v": [1.0, np.nan, np.nan, 7.0]})
    filled, flags, report = impute_missing(values, queen_neighbours(grid(4, 1)))
    assert filled["v"].tolist() == [1.0, 1.0, 7.0, 7.0]
    assert flags["v"].tolist() == [False, True, True, False]
    assert [r["method"] for r in report] == [SPATIAL, SPATIAL]


def test_order_independent():
    values = pd.DataFrame({"v": [np.nan, 2.0, np.nan, 4.0, np.nan, 6.0, 7.0, np.nan, 9.0]})
    adj = queen_neighbours(grid(3, 3))
    a, _, _ = impute_missing(values, adj)
    perm = np.random.default_rng(0).permutation(9)
    moved = np.argsort(perm)  # the new position of each ward
    permuted = Neighbours.from_pairs(9, moved[adj.ward], moved[adj.neighbour])
    b, _, _ = impute_missing(values.iloc[perm].reset_index(drop=True), permuted)
    assert np.allclose(a["v"].to_numpy()[perm], b["v"].to_numpy())


def test_isolated_ward_gets_column_mean():
    values = pd.DataFrame({"v": [1.0, 3.0, np.nan]})
    geoms = grid(2, 1) + [box(10, 10, 11, 11)]
    filled, _, report = impute_missing(values, queen_neighbours(geoms),
                                       pd.Series(["A", "B", "C"]))
    assert filled["v"].iloc[2] == 2.0
    assert report == [{"ward": "C", "row": 2, "variable": "v", "method": COLUMN_MEAN, "value": 2.0}]


def test_no_boundaries_column_mean():
    values = pd.DataFrame({"v": [1.0, np.nan, 5.0], "w": [1.0, 1.0, 1.0]})
    filled, flags, report = impute_missing(values, None)
    assert filled["v"].iloc[1] == 3.0 and not flags["w"].any() and len(report) == 1


def test_neighbour_sums_equal_a_sparse_row_product_to_the_bit():
    # the sums behind a filled value are those of the sparse matrix the analysis used before
    import shapely
    from scipy import sparse

    rng = np.random.default_rng(2)
    pts = shapely.multipoints(rng.random((80, 2)))
    cells = shapely.intersection(np.array(shapely.voronoi_polygons(pts).geoms), box(0, 0, 1, 1))
    adj = queen_neighbours(cells)
    matrix = sparse.csr_matrix((np.ones(adj.ward.size), (adj.ward, adj.neighbour)), shape=(80, 80))
    x = rng.random(80) * 1e3
    rows = np.flatnonzero(rng.random(80) < 0.3)
    assert adj.sums(rows, x).tolist() == (matrix[rows] @ x).tolist()
