"""Server-side PNG images: valid, of sensible size, different per map, repeatable."""

from __future__ import annotations

import io

import geopandas as gpd
import matplotlib
import numpy as np
import pandas as pd
import pytest
from PIL import Image

from chatmrpt.analysis.dataset import WardDataset
from chatmrpt.analysis.itn import plan_itn
from chatmrpt.analysis.params import AnalysisParams
from chatmrpt.analysis.pipeline import run_analysis
from chatmrpt.errors import InputError
from chatmrpt.viz import png
from chatmrpt.viz.layers import CATEGORY_COLOURS
from chatmrpt.viz.synthetic import synthetic_analysis
from tests.conftest import ILORIN_BOUNDARIES, ILORIN_TABLE

SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def result():
    return synthetic_analysis(120, seed=11)


@pytest.fixture(scope="module")
def ilorin():
    """The real Ilorin wards (35, names match the boundaries exactly) through the analysis."""
    boundaries = gpd.read_file(f"zip://{ILORIN_BOUNDARIES}")
    table = pd.read_csv(ILORIN_TABLE).drop(columns=["Unnamed: 0", "X"])
    wards = table.merge(
        boundaries[["WardName", "WardCode", "StateCode", "geometry"]],
        on="WardName",
        validate="one_to_one",
    )
    wards = gpd.GeoDataFrame(wards, geometry="geometry", crs=boundaries.crs).to_crs(4326)
    dataset = WardDataset(wards=wards, sources={"table": {"sha256": "ilorin"}})
    return run_analysis(dataset, AnalysisParams.from_dict({}))


def _image(data: bytes) -> Image.Image:
    assert data.startswith(SIGNATURE)
    image = Image.open(io.BytesIO(data))
    image.verify()
    return Image.open(io.BytesIO(data))


def test_every_map_kind_is_a_valid_png_of_reasonable_size(result):
    wards = result.wards
    plan = plan_itn(wards, total_nets=90_000, household_size=5)
    images = {
        kind: png.map_png(wards, kind, **kwargs)
        for kind, kwargs in [
            ("composite", {}),
            ("pca", {}),
            ("category", {}),
            ("consensus", {}),
            ("variable", {"variable": "rainfall"}),
            ("urban", {"threshold": 30}),
            ("itn", {"plan": plan}),
        ]
    }
    for kind, data in images.items():
        image = _image(data)
        assert 10_000 < len(data) < 400_000, kind
        assert 500 < image.width < 1400 and 400 < image.height < 1200, kind
    assert len({bytes(v) for v in images.values()}) == len(images)  # each map differs


def test_category_colours_appear_in_the_category_map(result):
    image = _image(png.map_png(result.wards, "category")).convert("RGB")
    colours = {f"#{r:02x}{g:02x}{b:02x}" for _, (r, g, b) in image.getcolors(1 << 16)}
    for colour in CATEGORY_COLOURS.values():
        assert colour in colours


def test_the_same_map_gives_the_same_bytes(result):
    assert png.map_png(result.wards, "composite") == png.map_png(result.wards, "composite")


def test_drawing_leaves_pyplot_and_the_backend_alone(result):
    backend = matplotlib.get_backend()
    png.map_png(result.wards, "category")
    png.rank_comparison_png(result.wards)
    assert matplotlib.get_backend() == backend
    import matplotlib.pyplot as plt

    assert plt.get_fignums() == []  # no figure was left in pyplot's global list


def test_charts_are_valid_pngs(result):
    wards = result.wards
    order = np.argsort(wards["composite_rank"].to_numpy())[:20]
    box = png.boxplot_png(result.model_scores(order), wards["WardName"].iloc[order].tolist(), 20)
    ranks = png.rank_comparison_png(wards)
    plan = plan_itn(wards, total_nets=90_000, household_size=5)
    bars = png.itn_coverage_png(plan)
    for data in (box, ranks, bars):
        image = _image(data)
        assert 5_000 < len(data) < 300_000
        assert image.width > 400
    assert len({box, ranks, bars}) == 3


def test_a_real_state_draws(ilorin):
    assert len(ilorin.wards) == 35
    for kind in ("composite", "category", "variable"):
        kwargs = {"variable": "val_housing_15"} if kind == "variable" else {}
        assert _image(png.map_png(ilorin.wards, kind, **kwargs)).width > 500


def test_no_boundaries_no_map(result):
    with pytest.raises(InputError):
        png.map_png(pd.DataFrame(result.wards.drop(columns="geometry")), "composite")
    blank = result.wards.copy()
    blank["geometry"] = None
    with pytest.raises(InputError):
        png.map_png(blank, "composite")



def test_the_picture_does_not_depend_on_how_the_full_colour_image_is_packed(result, monkeypatch):
    # the full-colour PNG is read back before the palette is made: packing it at zlib's
    # default level or not at all gives the same pixels, so the same palette and file
    figures = []
    real = png._png
    monkeypatch.setattr(png, "_png", lambda fig, dpi: (figures.append(fig), real(fig, dpi))[1])
    picture = png.map_png(result.wards, "category")
    buf = io.BytesIO()
    figures[0].savefig(buf, format="png", dpi=png.DPI, facecolor="white", bbox_inches="tight",
                       pad_inches=0.15)
    image = Image.open(io.BytesIO(buf.getvalue())).convert("RGB")
    palette = image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    packed = io.BytesIO()
    palette.save(packed, format="PNG", optimize=True)
    assert packed.getvalue() == picture
