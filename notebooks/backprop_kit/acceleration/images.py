"""Grid images that redraw fast: a live figure redraws an image whenever anything over it moves.

matplotlib's ``AxesImage`` resamples its data to the screen at every draw: for notebook 5's
452 x 477 px loss surface that is 7-8 ms, two thirds of it resampling the data and then a
mask of ones the same way.  A ``GridImage`` keeps the pixels it made and draws them again
while its data, colours and place stay the same (a point or a path moving over a surface:
0.3 ms), and otherwise samples the grid itself with numpy when it can: data seen straight on
(linear axes, no rotation), at screen resolution, nearest cell (colour the cells, then spread
them: 0.3 ms for notebook 3's surface, 2.8 with matplotlib) or bilinear at the data stage
(2.6 ms).  Nearest cells are matplotlib's pixel for pixel, including which cell a pixel centre
on an edge between two goes to; bilinear values differ from Agg's fixed-point weights in the
last bits, which moves a colour band's edge by a pixel in a few places.  One difference is
kept on purpose: where the image covers only part of a pixel at its own edge, matplotlib
blends that pixel with nothing and a GridImage paints it whole (the axes' spines lie there).
Anything else (a log axis, vector output, bilinear over missing values, smoothing when
downsampling) is left to matplotlib.

A picture can also be made ahead (``prepare``: while the kernel waits, for a slider's next
value) and is then found made when that data and those colours are set and drawn: pictures
are kept under what they show by value (a digest of the data, the norm's settings, the
colormap) when the norm is a plain or a boundary one; other norms count changes instead.

``Accelerator.grid_image`` makes one for ``images.show_grid`` (the teaching package's
``ax.imshow``) on an accelerated figure.
"""

import hashlib

import numpy as np
from matplotlib.colors import BoundaryNorm, Normalize
from matplotlib.image import AxesImage
from matplotlib.transforms import Bbox

# Below this many screen pixels per data cell matplotlib's "auto" interpolation smooths
# (antialiases) instead of sampling the nearest cell: left to matplotlib.
UPSAMPLED = 3
SUBPIXEL_BITS = 8  # matplotlib (Agg) finds where a pixel centre falls in 1/256ths of a cell
SUBPIXEL = 1 << SUBPIXEL_BITS
PICTURES_KEPT = 4  # the one shown, and those made ahead for a drag's next values (~0.9 MB each)


class GridImage(AxesImage):
    """An ``AxesImage`` that keeps its last pixels and samples an upsampled grid with numpy."""

    def __init__(self, ax, **kwargs):
        self._version = 0  # counts changes of data and colours (norm, colormap, limits)
        self._made = {}  # (what the pixels show, where and how) -> make_image's answer; the latest last
        self._digest = (None, None)  # (version, digest of the data then)
        super().__init__(ax, **kwargs)

    def set_data(self, A):
        super().set_data(A)
        self._version += 1

    def changed(self):
        super().changed()  # a new norm, colormap or colour limits
        self._version += 1

    def make_image(self, renderer, magnification=1.0, unsampled=False):
        trans = self.get_transform()
        if (unsampled or magnification != 1.0 or not trans.is_affine or self._A.ndim != 2
                or np.ndim(self.get_alpha()) > 0):
            return super().make_image(renderer, magnification, unsampled)
        corners, clip, place, straight = self._place()
        key = (self._shown() or self._version, place)
        made = self._made.get(key)
        if made is None:
            made = self._sampled(corners, clip, self._A, self.norm) if straight else None
            if made is None:
                made = super().make_image(renderer, magnification, unsampled)
            self._keep(key, made)
        return made

    def prepare(self, data, norm):
        """Make the picture of ``data`` coloured through ``norm`` (and this image's colormap) where
        the image is now, ahead of drawing it: set and drawn later, it is found made.  Does nothing
        for a norm whose settings are not known here or a picture left to matplotlib."""
        data = self._normalize_image_array(data)
        if data.ndim != 2 or not self.get_transform().is_affine or np.ndim(self.get_alpha()) > 0:
            return
        shown = self._shown(data, norm)
        corners, clip, place, straight = self._place()
        if shown is None or not straight or (shown, place) in self._made:
            return
        made = self._sampled(corners, clip, data, norm)
        if made is not None:
            self._keep((shown, place), made)

    def _place(self):
        """(corners in display pixels, clip box, key of all that places and samples the picture,
        whether it is seen straight on: neither rotated nor skewed, else left to matplotlib)."""
        x1, x2, y1, y2 = self.get_extent()
        trans = self.get_transform()
        corners = trans.transform([(x1, y1), (x2, y2)])
        (skew_x, skew_y) = trans.get_matrix()[[0, 1], [1, 0]]
        clip = ((self.get_clip_box() or self.axes.bbox) if self.get_clip_on()
                else self.get_figure(root=True).bbox)
        place = (corners.tobytes(), tuple(clip.extents), self._get_scalar_alpha(), self.origin,
                 self.get_interpolation(), self.get_interpolation_stage(), self.get_resample(),
                 self.get_filternorm(), self.get_filterrad())
        return corners, clip, (*place, trans.get_matrix().tobytes()), skew_x == 0 and skew_y == 0

    def _shown(self, data=None, norm=None):
        """What the picture shows, by value: a digest of the data (the image's own by default), the
        norm's settings, the colormap; None for a norm whose settings are not known here."""
        norm = self.norm if norm is None else norm
        if type(norm) is BoundaryNorm:
            settings = ("bands", norm.boundaries.tobytes(), norm.Ncmap, norm.extend, norm.clip)
        elif type(norm) is Normalize and norm.vmin is not None and norm.vmax is not None:
            settings = ("linear", norm.vmin, norm.vmax, norm.clip)
        else:
            return None
        if data is None:  # the image's own data: digested once a change
            if self._digest[0] != self._version:
                self._digest = (self._version, _digest(self._A))
            digest = self._digest[1]
        else:
            digest = _digest(data)
        cmap = self.get_cmap()
        return digest, settings, id(cmap), cmap.name

    def _keep(self, key, made):
        self._made.pop(key, None)
        self._made[key] = made
        while len(self._made) > PICTURES_KEPT:
            del self._made[next(iter(self._made))]  # the oldest

    def _sampled(self, corners, clip, data, norm):
        """make_image's answer (pixels, left, bottom, transform) for ``data`` coloured through
        ``norm``, from numpy, or None to leave it to matplotlib."""
        image_box = Bbox(np.sort(corners, axis=0))
        shown = Bbox.intersection(image_box, clip)
        if shown is None:
            return None, 0, 0, None
        # matplotlib's rounding of the shown part to whole pixels (AxesImage._make_image)
        left, bottom, right, top = shown.extents
        left, right = np.floor(left + 0.5), np.floor(right + 0.5 + 1e-8)
        bottom, top = np.ceil(bottom - 0.5 - 1e-8), np.ceil(top - 0.5)
        if right <= left or top <= bottom:
            return None, 0, 0, None
        rows, columns = data.shape
        # where pixel centres fall in the grid, in cells from the edge of its first row and column
        first_row_y = corners[0, 1] if self.origin == "lower" else corners[1, 1]
        last_row_y = corners[1, 1] if self.origin == "lower" else corners[0, 1]
        at_x = (left + 0.5 + np.arange(right - left) - corners[0, 0]) * (columns / (corners[1, 0] - corners[0, 0]))
        # pixel rows from the bottom up, as make_image's pictures are stored
        at_y = (bottom + 0.5 + np.arange(top - bottom) - first_row_y) * (rows / (last_row_y - first_row_y))
        upsampling = min(abs(corners[1, 0] - corners[0, 0]) / columns, abs(last_row_y - first_row_y) / rows)
        interpolation, stage = self.get_interpolation(), self.get_interpolation_stage()
        if interpolation in ("auto", "antialiased"):  # matplotlib's choice: nearest when upsampling this much
            if upsampling < UPSAMPLED:
                return None
            interpolation = "nearest"
        if stage in ("auto", "antialiased"):
            stage = "data" if upsampling >= UPSAMPLED else "rgba"
        if interpolation == "nearest":  # the same at either stage: colour the cells, then spread them
            # on an edge between cells matplotlib takes the earlier column, and the row above
            row_index = _nearest_cells(at_y, rows, along_a_row=False, edge_to_earlier=self.origin == "upper")
            column_index = _nearest_cells(at_x, columns, along_a_row=True, edge_to_earlier=True)
            colours = self._coloured(data, norm)
            packed = np.ascontiguousarray(colours).view(np.uint32)[:, :, 0]  # a pixel as one number: moved faster
            spread = np.ascontiguousarray(packed[row_index][:, column_index])
            pixels = spread.view(np.uint8).reshape(*spread.shape, 4)
        elif (interpolation == "bilinear" and stage == "data" and not np.ma.is_masked(data)
              and min(rows, columns) > 1):
            pixels = self._coloured(_bilinear(np.ma.getdata(data), at_y, at_x), norm)
        else:
            return None
        return pixels, left, bottom, None  # (the transform is only used to draw unsampled images)

    def _coloured(self, values, norm):
        """RGBA bytes of ``values`` through ``norm`` and the colormap, times a scalar alpha (as matplotlib)."""
        # (an image without colour limits takes them from the whole grid here, matplotlib from the
        # part on screen: the kit's images all have theirs)
        pixels = self.to_rgba(norm(values), bytes=True, norm=False)
        alpha = self._get_scalar_alpha()
        if alpha != 1:
            pixels[:, :, 3] = (pixels[:, :, 3].astype(np.float32) * alpha).astype(np.uint8)
        return pixels


def _digest(data):
    """A digest of an image's data (a masked array): its values and its mask (~0.1 ms a 121 x 121 grid)."""
    digest = hashlib.blake2b(np.ascontiguousarray(np.ma.getdata(data)).tobytes(), digest_size=16)
    digest.update(str((data.shape, data.dtype.str)).encode())
    if np.ma.is_masked(data):
        digest.update(np.ascontiguousarray(np.ma.getmaskarray(data)).tobytes())
    return digest.digest()


def _nearest_cells(positions, cells, along_a_row, edge_to_earlier):
    """The cell each position (in cells) falls in, as matplotlib's nearest-neighbour sampling finds
    it: in 1/SUBPIXEL cells, a hair (1e-8) added and cut to whole ones, so a pixel centre exactly on
    an edge goes to the later cell (to the earlier one if ``edge_to_earlier``: matplotlib samples
    the grid flipped); along a row the positions are spaced evenly from the first to the last, which
    is taken without the hair."""
    if edge_to_earlier:
        positions = cells - positions
    scaled = positions * SUBPIXEL
    if along_a_row and len(scaled) > 1:
        steps = np.arange(len(scaled))
        scaled = scaled[0] + (scaled[-1] - scaled[0]) * steps / (len(scaled) - 1) + 1e-8
        scaled[-1] = positions[-1] * SUBPIXEL
    else:
        scaled = scaled + 1e-8
    found = np.clip(np.trunc(scaled).astype(int) >> SUBPIXEL_BITS, 0, cells - 1)
    return cells - 1 - found if edge_to_earlier else found


def _bilinear(data, at_y, at_x):
    """Values of the grid ``data`` at the positions (rows at_y by columns at_x, in cells), linear
    between cell centres and level from the outermost centres to the grid's edge."""
    rows, columns = data.shape
    row0, down = _between_centres(at_y, rows)
    column0, across = _between_centres(at_x, columns)
    down, across = down[:, None], across[None, :]
    data = data.astype(np.float64, copy=False)
    # across first (cells x pixels), then down: two small gathers instead of four large ones
    across_rows = data[:, column0] * (1 - across) + data[:, column0 + 1] * across
    return across_rows[row0] * (1 - down) + across_rows[row0 + 1] * down


def _between_centres(positions, cells):
    """For each position (in cells): the cell whose centre is at or before it, and how far on to the
    next centre (0 to 1), held level beyond the first and last centres."""
    from_centre = np.clip(positions - 0.5, 0, cells - 1)
    first = np.minimum(np.floor(from_centre).astype(int), cells - 2)
    return first, from_centre - first
