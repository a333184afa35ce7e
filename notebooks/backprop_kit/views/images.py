"""Grid images (a loss surface, a heat map, decision shading): ``ax.imshow`` for what the kit draws.

On an accelerated live figure (live.py) a grid is the acceleration layer's image, which draws
the same grid faster and can make its next picture ahead of time; everywhere else it is
matplotlib's own ``AxesImage``.
"""

from matplotlib.image import AxesImage

from ..widgets import live


def show_grid(ax, data, *, extent=None, aspect=None, alpha=None, vmin=None, vmax=None, **settings):
    """Like ``ax.imshow(data, ...)`` (``settings``: cmap, norm, origin, interpolation,
    interpolation_stage, zorder, visible); the axes' aspect is left alone unless given."""
    accelerator = live.accelerator_of(ax.figure)
    image = (AxesImage if accelerator is None else accelerator.grid_image)(ax, extent=extent, **settings)
    image.set_data(data)
    image.set_alpha(alpha)
    image.set_clip_path(ax.patch)
    if vmin is not None or vmax is not None:
        image.set_clim(vmin, vmax)
    if aspect is not None:
        ax.set_aspect(aspect)
    image.set_extent(image.get_extent())  # as imshow: an autoscaling axes is fitted to the image
    ax.add_image(image)
    return image


def prepare(image, data, norm):
    """Have ``image`` make its picture of ``data`` coloured through ``norm`` ahead of drawing it,
    where it can (an accelerated figure's grid); a plain image makes it when drawn."""
    make_ahead = getattr(image, "prepare", None)
    if make_ahead is not None:
        make_ahead(data, norm)
