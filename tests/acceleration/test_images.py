"""Grid images (backprop_kit.acceleration.images): the pixels matplotlib makes, made faster, and kept
while unchanged.  ``images.show_grid`` makes them here as it does on an accelerated figure."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.colors import BoundaryNorm, ListedColormap
from matplotlib.image import AxesImage

from backprop_kit.acceleration.images import GridImage
from backprop_kit.views.images import show_grid

RNG = np.random.default_rng(189)


pytestmark = pytest.mark.usefixtures("accelerated_grids")


def _both(data, figsize=(4.2, 3.4), limits=None, **settings):
    """The same image drawn by a GridImage and by matplotlib's AxesImage: (grid image, renderer)."""
    figure, ax = plt.subplots(figsize=figsize, dpi=100)
    image = show_grid(ax, data, **settings)
    if limits is not None:
        ax.set_xlim(*limits[:2])
        ax.set_ylim(*limits[2:])
    figure.canvas.draw()
    return image, figure.canvas.get_renderer()


def _matplotlib_pixels(image, renderer):
    pixels, left, bottom, _ = AxesImage.make_image(image, renderer)
    return pixels, left, bottom


def _grid_pixels(image, renderer):
    image._made.clear()  # made now, not kept from the last draw
    pixels, left, bottom, _ = image.make_image(renderer)
    return pixels, left, bottom


def _differing(image, renderer, but_the_edges=False):
    """How many pixels differ between the two (and where the images are placed must agree).
    ``but_the_edges``: not counting the outermost pixels, which matplotlib blends with nothing where
    the image covers only part of them (GridImage paints them whole; the axes' spines cover them)."""
    ours, left, bottom = _grid_pixels(image, renderer)
    theirs, their_left, their_bottom = _matplotlib_pixels(image, renderer)
    assert (left, bottom) == (their_left, their_bottom), "the image is placed where matplotlib places it"
    assert ours.shape == theirs.shape and ours.dtype == np.uint8
    if but_the_edges:
        ours, theirs = ours[1:-1, 1:-1], theirs[1:-1, 1:-1]
    return int((ours != theirs).any(axis=2).sum()), ours.shape[0] * ours.shape[1]


@pytest.mark.parametrize("origin", ["lower", "upper"])
@pytest.mark.parametrize("interpolation", ["nearest", "auto"])
def test_nearest_cells_are_exactly_what_matplotlib_draws(origin, interpolation):
    data = RNG.random((13, 17))  # not square, so a swapped or flipped axis shows
    image, renderer = _both(data, extent=(-1, 2, -0.5, 3), origin=origin, interpolation=interpolation,
                            cmap="Greys", vmin=0, vmax=1, alpha=0.35)
    assert _differing(image, renderer)[0] == 0


def test_reversed_axes_missing_values_and_a_colour_for_them_match_matplotlib():
    data = RNG.random((6, 9)) * 2 - 1
    data[:, 4] = np.nan  # heatmaps.py leaves a blank column this way
    colours = matplotlib.colormaps["RdBu"].with_extremes(bad="white")
    image, renderer = _both(data, cmap=colours, vmin=-1, vmax=1, aspect="auto", interpolation="nearest",
                            limits=(8.5, -0.5, -0.5, 5.5))  # x runs right to left
    assert _differing(image, renderer, but_the_edges=True)[0] == 0


def test_bilinear_bands_match_matplotlib_but_for_a_few_edge_pixels():
    u, v = np.meshgrid(np.linspace(-3, 3, 121), np.linspace(-2, 4, 121))
    heights = (u - 0.3) ** 2 + 2 * (v - 1) ** 2 + np.sin(3 * u)
    levels = np.linspace(heights.min(), heights.max() * 1.0001, 13)
    half_u, half_v = 3 / 120, 3 / 120  # the surface's cells reach half a cell past the mesh, as in surfaces.py
    image, renderer = _both(heights, extent=(-3 - half_u, 3 + half_u, -2 - half_v, 4 + half_v), origin="lower",
                            cmap="cividis", norm=BoundaryNorm(levels, 256), interpolation="bilinear",
                            interpolation_stage="data", aspect="auto", limits=(-3, 3, -2, 4))
    differing, total = _differing(image, renderer)
    # Agg weighs neighbours in fixed point: a value on a band's edge may fall either side
    assert differing < total / 1000, f"{differing} of {total} pixels differ"


@pytest.mark.parametrize("case", ["log axis", "smaller than its cells", "bilinear colours"])
def test_what_numpy_does_not_sample_is_left_to_matplotlib(case, monkeypatch):
    settings = dict(extent=(1, 100, 1, 100), cmap="viridis", interpolation="nearest")
    data = RNG.random((20, 20))
    if case == "smaller than its cells":  # auto interpolation smooths when downsampling
        data, settings["interpolation"] = RNG.random((600, 600)), "auto"
    if case == "bilinear colours":
        settings.update(interpolation="bilinear", interpolation_stage="rgba")
    image, renderer = _both(data, **settings)
    if case == "log axis":
        image.axes.set_xscale("log")
    asked = []
    monkeypatch.setattr(AxesImage, "make_image", lambda *args, **kwargs: asked.append(args) or (None, 0, 0, None))
    image._made.clear()
    image.make_image(renderer)
    assert len(asked) == 1, "matplotlib makes this image"


def test_pixels_are_kept_until_the_data_colours_or_place_change():
    image, renderer = _both(RNG.random((10, 10)), extent=(0, 1, 0, 1), cmap="viridis", interpolation="nearest")
    first = image.make_image(renderer)
    assert image.make_image(renderer) is first, "nothing changed: the same pixels"
    changes = {
        "data": lambda: image.set_data(RNG.random((10, 10))),
        "colour limits": lambda: image.set_clim(0.2, 0.8),
        "colormap": lambda: image.set_cmap(ListedColormap(["white", "black"])),
        "norm": lambda: image.set_norm(BoundaryNorm([0, 0.5, 1], 2)),
        "alpha": lambda: image.set_alpha(0.5),
        "axes limits": lambda: image.axes.set_xlim(-1, 3),
        "extent": lambda: image.set_extent((0, 2, 0, 1)),  # the limits no longer follow it
    }
    for what, change in changes.items():
        before = image.make_image(renderer)
        change()
        after = image.make_image(renderer)
        assert after is not before, f"a new {what} makes new pixels"
        pixels, left, bottom = _matplotlib_pixels(image, renderer)
        assert np.array_equal(after[0], pixels) and (after[1], after[2]) == (left, bottom), \
            f"after a new {what} the pixels are matplotlib's"


def test_a_whole_figure_looks_the_same_through_show_grid_and_imshow():
    data = RNG.random((31, 31))
    pictures = []
    for draw in (show_grid, lambda ax, d, **kw: ax.imshow(d, **kw)):
        figure, ax = plt.subplots(figsize=(4, 3), dpi=100)
        draw(ax, data, extent=(-2, 2, -2, 2), origin="lower", cmap="Greys", vmin=0, vmax=1, alpha=0.35,
             aspect="equal")
        ax.plot([-2, 2], [-1, 1.5])
        figure.canvas.draw()
        pictures.append(np.asarray(figure.canvas.buffer_rgba()).copy())
        assert ax.get_xlim() == (-2, 2) and ax.get_ylim() == (-2, 2)
        plt.close(figure)
    assert np.array_equal(*pictures)
    figure = plt.figure()
    assert isinstance(show_grid(figure.add_subplot(), data), GridImage)
    plt.close(figure)


def test_nearest_cells_match_matplotlib_over_many_sizes_including_edges_on_pixel_centres():
    rng = np.random.default_rng(7)
    for trial in range(60):
        rows, columns = rng.integers(2, 25, size=2)
        width, height = rng.choice([2.0, 3.0, 3.25, 4.1, 5.0]), rng.choice([2.0, 2.5, 3.0, 4.4])
        origin = rng.choice(["lower", "upper"])
        limits = (columns - 0.5, -0.5, -0.5, rows - 0.5) if trial % 3 == 0 else None  # some run right to left
        image, renderer = _both(rng.random((rows, columns)), figsize=(width, height), origin=origin,
                                interpolation="nearest", aspect="auto", cmap="viridis", limits=limits)
        differing, _ = _differing(image, renderer, but_the_edges=True)
        assert differing == 0, (rows, columns, width, height, origin, limits)
        plt.close(image.figure)


def test_a_picture_made_ahead_is_the_one_drawn_for_that_data_and_colours(monkeypatch):
    """prepare(data, norm) makes the picture while nothing waits for it; set and drawn later, that
    data and those colours find it made (no sampling) and it is what sampling then would give.  Other
    colours for the same data (other boundaries) are not taken for it."""
    image, renderer = _both(RNG.random((12, 12)), extent=(0, 1, 0, 1), cmap="cividis", interpolation="bilinear",
                            interpolation_stage="data", norm=BoundaryNorm(np.linspace(0, 1, 6), 256))
    sampled = []
    sample = GridImage._sampled
    monkeypatch.setattr(GridImage, "_sampled", lambda self, *args: sampled.append(1) or sample(self, *args))
    data, boundaries = RNG.random((12, 12)), np.linspace(0, 1.2, 9)
    image.prepare(data, BoundaryNorm(boundaries, 256))
    assert sampled == [1]
    image.set_data(data)
    image.set_norm(BoundaryNorm(boundaries, 256))
    made = image.make_image(renderer)
    assert sampled == [1], "set and drawn, the picture made ahead is found"
    image._made.clear()
    assert np.array_equal(made[0], image.make_image(renderer)[0]), "the picture made ahead is the one sampled now"
    image.set_norm(BoundaryNorm(boundaries * 0.9, 256))
    image.make_image(renderer)
    assert sampled == [1, 1, 1], "other boundaries: another picture"
