"""Blitting for a live ipympl figure: redraw only the artists that change.

A full matplotlib draw of a demo figure re-lays out and re-renders every text, tick
and patch (40-70 ms here); a slider move usually changes a dozen texts and bars.
``Blitter`` learns which artists change: the first time an artist changes it becomes
*animated* (left out of full draws), the figure is drawn once without it and that
image is kept as the background (texts in a column or a row with it are learnt with
it: a colour key's numbers change one by one along a drag, and each learning is a
full draw).  From then on a refresh repaints only where an
animated artist changed (its old place and its new one): the background there, then
every animated artist that reaches there, whole and in z-order, and what they paint
elsewhere is undone (a few ms for a slider step).  A place is a rectangle, or for a line
a string of small ones along it, so a legend beside a long curve is left alone.  What
would be drawn over an animated artist anywhere in its axes (a spine, a legend) is
animated with it.  New limits for an axes (a curve grew past its round number) redraw the
background only where that axes' still parts were and are now (its footprint: the box of
its ticks, labels and everything else of it that is not animated), as a full draw would
draw it there; limits set again to the values they had redraw nothing, and limits an axes
had earlier (since the last full draw) put back the background kept for them, when no other
axes reaches where it draws.  Anything else that
changes (an artist added, removed or seen changing for the first time, an axes moved)
makes the next refresh a full draw again.

Frames reach the browser in one of two ways.  When nothing has been sent for a while
(a single slider step, a click) the frame is sent at once: that saves ipympl's handshake,
a round trip in which ``draw_idle`` asks the browser to ask for a frame.  While frames
are flowing (a fast drag) the handshake is kept: the browser asks for a frame only once
it has the last one, so changes coalesce instead of queueing.

An animated artist is skipped by ``savefig``; the live figure is only ever shown
through its canvas, and the static figures of a notebook are separate figures.
"""

import contextlib
import functools
import time

import numpy as np
from matplotlib.axis import Axis
from matplotlib.collections import Collection
from matplotlib.image import AxesImage
from matplotlib.layout_engine import PlaceHolderLayoutEngine
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.offsetbox import OffsetBox
from matplotlib.patches import BoxStyle, Patch
from matplotlib.spines import Spine
from matplotlib.text import Annotation, Text
from matplotlib.transforms import Bbox

from .glyphs import keep_glyphs

# A frame sent less than this long ago may still be on its way to the browser or loading there:
# another one sent on top could overtake it, so the browser is asked instead (ipympl's handshake).
FRAME_IN_FLIGHT_S = 0.1
# Pixels added around what an artist says it covers: antialiased edges, rounding to whole pixels.
EDGE_PX = 3
TICK_REACH_PT = 12  # how far tick marks may stick out of their axes
BEST_LOCATION = 0  # matplotlib's code for a legend's loc="best"
MAX_LINE_BOXES = 32  # a line's place: at most this many boxes along it
MAX_KEPT_BACKGROUND_BYTES = 32 * 2 ** 20  # backgrounds kept for limits seen before (all axes together)
MARKERLESS = ("None", "none", "", " ", None)
NOWHERE = np.empty((0, 4), int)  # a place without pixels


class Blitter:
    """Attach to an ipympl figure; call ``request()`` instead of ``canvas.draw_idle()``."""

    def __init__(self, figure):
        self.figure = figure
        self.canvas = figure.canvas
        self.dynamic = []  # animated artists, in the order they are drawn (z-order)
        self._drawn_at = {}  # animated artist -> its place when last drawn (see _place)
        self._best_legend_at = {}  # legend at loc="best" -> (width, height, spot) when last drawn
        self.blits = self.full_draws = 0  # how each browser request was answered (tests, profiling)
        self.background_redraws = 0  # blits that drew an axes' background for new limits (the same)
        self._background = None
        self._layout = None  # _background_layout() at the last full draw
        self._footprints = {}  # axes -> rectangle holding its still parts as the background shows them
        self._zones = {}  # axes -> rectangle holding every footprint it had since the last full draw
        self._kept = {}  # axes -> {its limits: (footprint, background pixels in its zone)}
        self._rescaled = set()  # axes with new limits whose background is not yet redrawn
        self._blit_requested = False
        self._last_frame_at = float("-inf")  # time.monotonic() when a frame was last sent
        self._browser_will_ask = False  # it was told to ask for a frame and has not yet
        self._full_draw = self.canvas.draw
        self._ask_browser = self.canvas.draw_idle
        # The browser's "draw" request reaches the canvas as handle_draw (matplotlib's WebAgg
        # protocol); answering it here lets a request be served by a blit.
        self.canvas.handle_draw = self._answer_draw_request
        self.canvas.draw_idle = self._draw_idle  # ipympl itself calls it too (a new browser view)
        self.canvas.mpl_connect("draw_event", self._after_full_draw)
        self.glyphs = keep_glyphs(self.canvas)  # text drawn again is most of a step: draw it from kept glyphs

    def request(self):
        """Show the figure's current state: a blit when only animated artists changed."""
        if self._background is not None and self.figure.stale:
            self._learn()
        self._blit_requested = self._background is not None and not self.figure.stale
        if self._browser_is_idle():
            self._answer_draw_request()  # send the frame now
        else:
            self._draw_idle()  # ask the browser to ask for it when it is ready

    def _browser_is_idle(self):
        """A front end shows the canvas and no frame is on its way, sent or asked for."""
        # ipympl stops syncing the data URL once a front end has said it shows the canvas
        shown = getattr(self.canvas, "syncing_data_url", True) is False
        return (shown and not self._browser_will_ask
                and time.monotonic() - self._last_frame_at > FRAME_IN_FLIGHT_S)

    def _draw_idle(self):
        self._browser_will_ask = True
        self._ask_browser()

    # ---- the two ways of answering the browser ---------------------------------------

    def _answer_draw_request(self, _event=None):
        self._browser_will_ask = False
        try:
            self._send_frame()
        finally:
            self._last_frame_at = time.monotonic()

    def _send_frame(self):
        if self._blit_requested and self._background is not None and not self.figure.stale:
            self._blit_requested = False
            self.blits += 1
            # WebAgg: send the changed pixels (frames.py looks for them only where they were repainted)
            self.canvas.blit(self._repaint_changes())
        else:
            self._blit_requested = False
            self.full_draws += 1
            self._full_draw()

    def _after_full_draw(self, _event):
        """A full draw just rendered everything but the animated artists: keep it, then add them."""
        renderer = self.canvas.get_renderer()
        self._background = np.asarray(renderer.buffer_rgba()).copy()
        leaves = dict(_leaf_artists(self.figure))
        self._footprints = {ax: self._footprint(ax, leaves, renderer) for ax in self.figure.axes}
        self._zones, self._kept, self._rescaled = dict(self._footprints), {}, set()
        self._keep_backgrounds(self.figure.axes)  # the limits a drag starts from
        # A full draw leaves stale what it skipped (an empty text, a hidden arrow), and measuring
        # marks some parts moved (a legend's boxes); as they are now is as drawn, so only a later
        # change marks them changed.
        _as_drawn(leaves)
        self.figure.stale = False
        self._layout = self._background_layout(leaves)
        self._draw_dynamic()

    def _background_layout(self, leaves):
        """What the background shows besides the artists' own looks: where each axes is, its
        limits and scales, and which still artists (of ``leaves``) are visible in it."""
        axes = tuple((id(ax), ax.get_visible(), tuple(ax.bbox.bounds), tuple(ax.viewLim.bounds),
                      ax.get_xscale(), ax.get_yscale()) for ax in self.figure.axes)
        shown = frozenset(id(a) for a in leaves if not a.get_animated() and _shows(a))
        return axes, shown

    def _draw_dynamic(self):
        """Draw every animated artist over a fresh full draw and note where each one went."""
        renderer = self.canvas.get_renderer()
        was_stale = self.figure.stale
        self._drawn_at, self._best_legend_at = {}, {}
        for artist in self.dynamic:
            if _shows(artist) and artist.figure is self.figure:
                artist.draw(renderer)
                self._note_place(artist, renderer)
            _mark_drawn(artist)
        self._keep_fresh(was_stale)

    def _keep_fresh(self, was_stale):
        # Drawing moves parts into place (a legend's boxes, an annotation's arrow), which marks them
        # and so the figure stale.  That is no change: left stale, the next frame would be a full draw.
        if not was_stale:
            self.figure.stale = False

    def _repaint_changes(self):
        """Repaint where an animated artist changed: its old place and its new one.

        There the background is put back and every animated artist that reaches there is drawn
        again, whole and in z-order, so inside those places the pixels are what a full redraw
        gives.  What the redrawn artists paint outside them is undone: nothing changed there.
        Returns the display box that holds the places repainted."""
        renderer = self.canvas.get_renderer()
        was_stale = self.figure.stale
        places = [NOWHERE]
        changed = [a for a in self.dynamic if _changed(a)]
        if self._rescaled:
            rescaled, self._rescaled = self._rescaled, set()
            places.append(self._redraw_background_of(rescaled, renderer))
            # what an animated artist of theirs draws moved with the limits (or may have)
            changed += [a for a in self.dynamic if a.axes in rescaled and a not in changed]
        with _layouts_kept(self.dynamic):  # each measured and drawn here, a legend asked if it moved
            # a legend at loc="best" moves when what it avoids moves, without being changed itself
            moved_axes = {a.axes for a in changed}
            changed += [a for a in self._best_legend_at if a not in changed and a.axes in moved_axes
                        and self._legend_moved(a, renderer)]
            for artist in changed:
                if artist in self._drawn_at:
                    places.append(self._drawn_at.pop(artist))
                if _shows(artist) and artist.figure is self.figure:
                    self._note_place(artist, renderer)
                    places.append(self._drawn_at[artist])
            # (an artist that changed in place gives the same rectangle twice: copied once)
            places = _distinct(np.concatenate(places))
            if not len(places):
                return Bbox.null()
            redrawn = _reaching(places, [artist for artist in self.dynamic if artist in self._drawn_at],
                                self._drawn_at)  # in z-order
            pixels = np.asarray(renderer.buffer_rgba())
            height = pixels.shape[0]
            # the redrawn artists paint only inside their places: keep what is there to undo it (none
            # may be redrawn: a lone artist hidden leaves its old place to the background alone)
            painted = [_region(rectangle, height) for rectangle in
                       _distinct(np.concatenate([NOWHERE] + [self._drawn_at[artist] for artist in redrawn])).tolist()]
            kept = [pixels[region].copy() for region in painted]
            regions = [_region(rectangle, height) for rectangle in places.tolist()]
            for region in regions:
                pixels[region] = self._background[region]
            for artist in redrawn:
                artist.draw(renderer)
        # drawing marks some parts changed (a legend places its boxes): as drawn now is no change
        for artist in redrawn + changed:
            _mark_drawn(artist)
        # the paint is undone everywhere, then the places as repainted are put back
        repainted = [pixels[region].copy() for region in regions]
        for region, before in zip(painted, kept):
            pixels[region] = before
        for region, after in zip(regions, repainted):
            pixels[region] = after
        self._keep_fresh(was_stale)
        x0, y0, x1, y1 = _enclosing([places])
        return Bbox.from_extents(x0, y0, x1, y1)

    def _note_place(self, artist, renderer):
        """Record where ``artist`` is drawn now (a loc="best" legend: also its size and spot, to see it move)."""
        self._drawn_at[artist] = self._place(artist, renderer)
        self._best_legend_at.pop(artist, None)
        if isinstance(artist, Legend) and artist._get_loc() == BEST_LOCATION:
            box = artist._legend_box.get_bbox(renderer)  # its size, which only a change of its parts changes
            self._best_legend_at[artist] = box.width, box.height, _best_spot(artist, box.width, box.height, renderer)

    def _legend_moved(self, legend, renderer):
        """Whether loc="best" now puts ``legend`` elsewhere (0.7 ms; drawing it takes 8)."""
        width, height, spot = self._best_legend_at[legend]
        return _best_spot(legend, width, height, renderer) != spot

    def _place(self, artist, renderer):
        """The pixels drawing ``artist`` may touch: an (n, 4) array of rectangles (x0, y0, x1, y1)
        in whole pixels from the bottom left.  One rectangle for most artists; a string of small
        ones along a line, so that what sits near a long curve (a legend) is drawn again only
        when the curve changes near it, not whenever it changes."""
        width, height = self.canvas.get_width_height(physical=True)
        boxes = _drawn_boxes(artist, renderer)
        if boxes is None:
            boxes = np.array([self.figure.bbox.extents])
        elif np.isnan(boxes).any():
            return np.array([(0, 0, width, height)])
        clip = _clip_box(artist)
        if clip is not None:
            boxes = np.hstack([np.maximum(boxes[:, :2], clip.p0), np.minimum(boxes[:, 2:], clip.p1)])
        # a box turned inside out is nothing drawn: a line without points, an artist clipped away
        boxes = boxes[(boxes[:, 0] <= boxes[:, 2]) & (boxes[:, 1] <= boxes[:, 3])]
        low = np.floor(np.clip(boxes[:, :2] - EDGE_PX, 0, (width, height)))
        high = np.ceil(np.clip(boxes[:, 2:] + EDGE_PX, 0, (width, height)))
        return np.hstack([low, high]).astype(int)

    # ---- new limits: the background redrawn where an axes is -------------------------

    def _only_new_limits(self, layout):
        """The axes whose limits alone differ from the background's, when nothing else about the
        layout does and each can be redrawn on its own; else an empty set (a full draw)."""
        (before, shown_before), (now, shown_now) = self._layout, layout
        # (a layout engine, such as constrained layout, moves axes at a full draw to fit new tick
        # labels; subfigures draw their own axes)
        if shown_before != shown_now or len(before) != len(now) or self.figure.subfigs \
                or not isinstance(self.figure.get_layout_engine(), (type(None), PlaceHolderLayoutEngine)):
            return set()
        axes = {id(ax): ax for ax in self.figure.axes}
        rescaled = set()
        for old, new in zip(before, now):
            if old[:3] + old[4:] != new[:3] + new[4:] or new[0] not in axes:
                return set()
            if old[3] != new[3]:
                ax = axes[new[0]]
                if ax.get_aspect() != "auto" or ax not in self._footprints:
                    return set()  # fixed aspect: new limits may move the axes box at a draw
                rescaled.add(ax)
        return rescaled

    def _redraw_background_of(self, rescaled, renderer):
        """Redraw the background where the ``rescaled`` axes' still parts were and are now (their
        zones): the figure's patch, then in a full draw's order every still artist that reaches
        there, whole, with what they paint elsewhere undone.  Returns those places (rectangles).

        A drag moves limits back and forth between a few round numbers: an axes alone in its zone
        (no other axes' zone overlaps it) keeps its background there for each of its limits, and
        limits it had before are put back from what was kept instead of drawn again."""
        height = self._background.shape[0]
        kept = [self._kept.get(ax, {}).get(_limits(ax)) if self._alone(ax) else None for ax in rescaled]
        if all(entry is not None for entry in kept):
            for ax, (footprint, pixels) in zip(rescaled, kept):
                self._footprints[ax] = footprint
                self._background[_region(self._zones[ax][0], height)] = pixels
            return np.concatenate([self._zones[ax] for ax in rescaled])
        leaves = dict(_leaf_artists(self.figure))
        # measuring and drawing an axis asks for its ticks ~7 times: each axis works them out once
        with _layouts_kept([axis for ax in self.figure.axes for axis in ax._axis_map.values()]):
            places = self._draw_background_in_zones(rescaled, leaves, renderer)
        _as_drawn(leaves)  # nothing still changed since _learn looked: what is stale, measuring did
        self.background_redraws += 1
        # (an axes whose zone this redraw reached is not alone: what it kept is never used again)
        self._keep_backgrounds(rescaled)
        return places

    def _draw_background_in_zones(self, rescaled, leaves, renderer):
        """Measure each of ``rescaled`` for its footprint now, widen its zone to hold it, and draw
        the background in those zones; returns the zones."""
        height = self._background.shape[0]
        for ax in rescaled:
            self._footprints[ax] = self._footprint(ax, leaves, renderer)
            zone = np.array([_enclosing([self._zones[ax], self._footprints[ax]])])
            if not np.array_equal(zone, self._zones[ax]):
                self._zones[ax] = zone
                self._kept.pop(ax, None)  # kept for a smaller zone
        places = np.concatenate([self._zones[ax] for ax in rescaled])
        pixels = np.asarray(renderer.buffer_rgba())
        screen = pixels.copy()
        self.figure.patch.draw(renderer)
        for artist in self.figure._get_draw_artists(renderer):  # still ones, in z-order, as Figure.draw
            reach = self._footprints.get(artist)
            if reach is None:
                reach = _drawn_boxes(artist, renderer)
            if reach is None or _overlap(reach, places):
                artist.draw(renderer)
        for rectangle in places:
            region = _region(rectangle, height)
            self._background[region] = pixels[region]
        pixels[...] = screen
        return places

    def keep_backgrounds_ahead(self):
        """For the figure as set now, which is not shown (a rehearsal's next step): where only some
        axes' limits differ from the shown ones, draw their background for the new limits and keep
        it, as the step there would (then it only puts it back).  The background shown is left as
        it was.  Returns those axes: ``keep_backgrounds`` keeps theirs again once set back (a
        widened zone forgets what was kept for the smaller one)."""
        if self._rescaled:  # limits shown whose background is not yet drawn: the next frame's work
            return set()
        leaves = dict(_leaf_artists(self.figure))
        rescaled = {ax for ax in self._only_new_limits(self._background_layout(leaves))
                    if _limits(ax) not in self._kept.get(ax, {}) and self._alone(ax)}
        if not rescaled:
            return set()
        footprints, shown, height = dict(self._footprints), self._background.copy(), self._background.shape[0]
        with _layouts_kept([axis for ax in self.figure.axes for axis in ax._axis_map.values()]):
            places = self._draw_background_in_zones(rescaled, leaves, self.canvas.get_renderer())
        self._keep_backgrounds(rescaled)
        for rectangle in places:  # the shown limits' background again (a zone may have grown: kept)
            region = _region(rectangle, height)
            self._background[region] = shown[region]
        self._footprints = footprints
        return rescaled

    def keep_backgrounds(self, axes):
        """Keep the shown background of each of ``axes`` that is alone, under its limits now."""
        self._keep_backgrounds(axes)

    def _alone(self, ax):
        """Whether no other axes' zone overlaps the zone of ``ax``."""
        return not any(_overlap(self._zones[ax], zone) for other, zone in self._zones.items() if other is not ax)

    def _keep_backgrounds(self, axes):
        """Keep the background in the zone of each of ``axes`` that is alone, for its limits now."""
        height = self._background.shape[0]
        for ax in axes:
            if self._alone(ax):
                pixels = self._background[_region(self._zones[ax][0], height)].copy()
                self._kept.setdefault(ax, {})[_limits(ax)] = (self._footprints[ax], pixels)
        kept_bytes = sum(kept.nbytes for entries in self._kept.values() for _, kept in entries.values())
        if kept_bytes > MAX_KEPT_BACKGROUND_BYTES:
            self._kept = {}

    def _footprint(self, ax, leaves, renderer):
        """A rectangle (as a place) holding every still part of ``ax`` that a full draw draws."""
        boxes = [np.array([ax.bbox.extents])]  # (its axis leaves hold its tick marks and labels)
        for artist in leaves:
            if artist.axes is ax and not artist.get_animated() and _shows(artist):
                clip = _clip_box(artist)
                # a clipped artist stays inside its clip box (mostly the axes): no need to measure it
                box = _drawn_boxes(artist, renderer) if clip is None else None
                if box is None or np.isnan(box).any():  # its clip box, or it may be anywhere
                    box = np.array([(clip or self.figure.bbox).extents])
                boxes.append(box)
        boxes = np.concatenate(boxes)
        boxes = boxes[(boxes[:, 0] <= boxes[:, 2]) & (boxes[:, 1] <= boxes[:, 3])]
        width, height = self.canvas.get_width_height(physical=True)
        low = np.floor(np.clip(boxes[:, :2].min(axis=0) - EDGE_PX, 0, (width, height)))
        high = np.ceil(np.clip(boxes[:, 2:].max(axis=0) + EDGE_PX, 0, (width, height)))
        return np.array([np.concatenate([low, high])]).astype(int)

    # ---- learning which artists change -----------------------------------------------

    def _learn(self):
        """Make every artist that changed since the last draw animated (and what must stay above it)."""
        leaves = dict(_leaf_artists(self.figure))  # artist -> its place in the drawing order
        # forget artists no longer in the figure (removed, or replaced like a new legend of an axes)
        self.dynamic = [a for a in self.dynamic if a in leaves]
        changed = [a for a in leaves
                   if a.stale and not a.get_animated() and _shows(a)
                   and not isinstance(a, Axis)]  # an axis changes with its limits: the layout says
        if not changed:
            layout = self._background_layout(leaves)
            if self._layout == layout:
                # Limits set again to what they were (autoscaling, set_xlim in an update) leave the
                # background right, though matplotlib marks the figure stale: a blit will do.
                self.figure.stale = False
                return
            rescaled = self._only_new_limits(layout)
            if rescaled:  # the next frame redraws their footprints of the background
                self._rescaled |= rescaled
                self._layout = layout
                self.figure.stale = False
            return  # otherwise the layout changed: a full draw, nothing to learn
        # an axes, and the figure, draw their background patch first whatever its z-order: never
        # over anything
        patches = {self.figure.patch, *(ax.patch for ax in self.figure.axes)}
        still = [a for a in leaves if not a.get_animated() and _shows(a) and a not in changed
                 and a not in patches]
        changed += _texts_in_line_with(changed, still)
        still = [a for a in still if a not in changed]
        new = _with_artists_above(changed, still, leaves, self.canvas.get_renderer(), self.figure.bbox)
        for artist in new:
            artist.set_animated(True)
        # drawn in the order a full draw would draw them, so overlaps come out the same
        self.dynamic = sorted(self.dynamic + new, key=lambda a: leaves.get(a, ()))
        self.figure.stale = True  # the background still shows them: draw it again without them


@contextlib.contextmanager
def _layouts_kept(artists):
    """Meanwhile each text among ``artists`` works its layout out once, each legend its boxes and
    its loc="best" spot, and each axis its ticks: a repaint measures a changed artist to know its
    place, then draws it (and asks whether a legend moved), and matplotlib works it all out each
    time (~30 us a text, ~1 ms a legend's spot or an axis's ticks).  Nothing is kept after: the
    artists may change before the next repaint."""
    kept = {}  # (id(artist), method name) -> (artist, method name, the method that keeps its results)
    for artist in artists:
        for part in _parts(artist):
            if isinstance(part, Text):
                methods = {"_get_layout": functools.partial(_kept_layout, part, {})}
            elif isinstance(part, Legend):
                methods = {"_find_best_position": _kept_results(part._find_best_position)}
            elif isinstance(part, OffsetBox):  # a legend's packers and areas, each measured from its parts
                methods = {"get_bbox": _kept_results(part.get_bbox),
                           "_get_bbox_and_child_offsets": _kept_results(part._get_bbox_and_child_offsets)}
            elif isinstance(part, Axis):  # its ticks for the limits now: measuring and drawing it asks ~7 times
                methods = {"_update_ticks": _kept_results(part._update_ticks)}
            else:
                continue
            kept.update(((id(part), name), (part, name, method)) for name, method in methods.items())
    for artist, name, method in kept.values():
        setattr(artist, name, method)
    try:
        yield
    finally:
        for artist, name, _ in kept.values():
            delattr(artist, name)  # the class's again


def _kept_results(method):
    """``method`` (whose arguments are numbers and a renderer) working each result out once."""
    results = {}

    def kept(*args):
        key = tuple(arg if isinstance(arg, (int, float)) else id(arg) for arg in args)
        if key not in results:
            results[key] = method(*args)
        return results[key]

    return kept


def _kept_layout(text, layouts, renderer):
    # drawing a wrapped text lays out its wrapped lines: another text, another layout
    key = (id(renderer), text.get_text(), text.get_rotation())
    if key not in layouts:
        layouts[key] = Text._get_layout(text, renderer)
    return layouts[key]


def _limits(ax):
    """What a kept background of ``ax`` is kept under: its data limits."""
    return tuple(ax.viewLim.bounds)


def _as_drawn(leaves):
    """Mark every still artist of ``leaves`` unchanged."""
    for artist in leaves:
        if not artist.get_animated():
            artist.stale = False


def _changed(artist):
    """Whether an animated artist changed since it was drawn (a legend: any of its parts)."""
    return any(part.stale for part in _parts(artist))


def _mark_drawn(artist):
    # drawing leaves some parts marked changed (an empty text returns before it says it is drawn)
    for part in _parts(artist):
        part.stale = False


def _best_spot(legend, width, height, renderer):
    """Where loc="best" puts a legend of that size for the data as they are now (as Legend.draw does)."""
    return tuple(legend._find_best_position(width, height, renderer))


def _parts(artist):
    """The artist, and for a legend (which is drawn as one) everything in it."""
    yield artist
    if isinstance(artist, Legend):
        parts = list(artist.get_children())
        while parts:
            part = parts.pop()
            yield part
            parts.extend(part.get_children())


def _drawn_boxes(artist, renderer):
    """Display boxes (an (n, 4) array of x0, y0, x1, y1) that hold what ``artist`` draws, widened
    by its line width; None when it cannot say."""
    try:
        if isinstance(artist, Line2D):
            return _line_boxes(artist, renderer)
        box = _drawn_box(artist, renderer)
    except Exception:  # an artist that cannot say where it is: it may be anywhere
        return None
    return None if box is None else np.array([box.extents])


def _line_boxes(line, renderer):
    """Boxes along a line: each holds a run of consecutive points and the first point of the next
    run, so every segment between points (or a step of a stepped line) is in one of them."""
    points_to_px = renderer.points_to_pixels(1.0)
    points = line.get_transform().transform(line.get_xydata())  # as Line2D.get_window_extent
    points = points[~np.isnan(points).any(axis=1)]  # a missing point breaks the line: nothing drawn
    if len(points) == 0:
        return np.empty((0, 4))
    pad = line.get_linewidth() * points_to_px
    if line.get_marker() not in MARKERLESS:
        pad += (line.get_markersize() / 2 + line.get_markeredgewidth()) * points_to_px
    run = max(1, -(-len(points) // MAX_LINE_BOXES))  # points per box, rounded up
    starts = np.arange(0, len(points), run)
    low = np.minimum.reduceat(points, starts)
    high = np.maximum.reduceat(points, starts)
    following = points[starts[1:]]  # the first point of the next run
    low[:-1] = np.minimum(low[:-1], following)
    high[:-1] = np.maximum(high[:-1], following)
    return np.hstack([low - pad, high + pad])


def _drawn_box(artist, renderer):
    """The display box ``artist`` (not a line) draws in, widened by its line width; None when it cannot say."""
    points_to_px = renderer.points_to_pixels(1.0)
    if isinstance(artist, Axis):  # tick labels are in its tight box, tick marks are not
        tick_reach = TICK_REACH_PT * points_to_px
        return Bbox.union([artist.get_tightbbox(renderer) or Bbox.null(),
                           artist.axes.bbox.padded(tick_reach)])
    if isinstance(artist, Text):
        box = _text_box(artist, renderer)
        frame = artist.get_bbox_patch()
        if frame is not None and artist.get_visible() and artist.get_text():
            artist.update_bbox_position_size(renderer)
            box = Bbox.union([box, _frame_box(frame, renderer).padded(frame.get_linewidth() * points_to_px)])
        return box
    if isinstance(artist, Spine):  # its line: the ticks along it are its axis's (and slow to measure)
        artist._adjust_location()  # as Spine.draw does first: its path follows the limits
        return Patch.get_window_extent(artist, renderer).padded(artist.get_linewidth() * points_to_px)
    if isinstance(artist, Patch):  # a patch's box leaves out its line width
        return artist.get_window_extent(renderer).padded(artist.get_linewidth() * points_to_px)
    if isinstance(artist, (Legend, AxesImage)):
        return artist.get_window_extent(renderer)
    if isinstance(artist, Collection):
        return None  # a collection's own box misses its markers: its clip box bounds it
    return None


def _frame_box(frame, renderer):
    """The display box of a text's frame (a FancyBboxPatch).  A square box, or a round one with
    the corners its pad gives (veiled_text's), lies inside the text's box padded by that pad, so
    that box turned with the text holds it; worked out from the path's curves it took ~0.4 ms, for
    a note that changes with a slider.  Other styles (arrows, a larger rounding): from the path."""
    style = frame.get_boxstyle()
    if not (isinstance(style, BoxStyle.Square) or (isinstance(style, BoxStyle.Round) and not style.rounding_size)):
        return frame.get_window_extent(renderer)
    pad = style.pad * frame.get_mutation_scale()
    pad_up = pad * frame.get_mutation_aspect()  # the path is drawn with y squeezed by the aspect
    x0, y0 = frame.get_x() - pad, frame.get_y() - pad_up
    x1, y1 = frame.get_x() + frame.get_width() + pad, frame.get_y() + frame.get_height() + pad_up
    corners = frame.get_transform().transform([(x0, y0), (x1, y0), (x1, y1), (x0, y1)])
    return Bbox([corners.min(axis=0), corners.max(axis=0)])


def _text_box(text, renderer):
    """A text's box; an annotation's includes its arrow.  (Annotation.get_window_extent first tests
    whether the annotated point is in the axes, a third of a slider step's cost in notebook 4; a
    point outside only makes the box larger than needed.)"""
    if not isinstance(text, Annotation):
        return text.get_window_extent(renderer)
    text.update_positions(renderer)
    box = Text.get_window_extent(text, renderer)
    if text.arrow_patch is None:
        return box
    arrow = text.arrow_patch
    return Bbox.union([box, arrow.get_window_extent(renderer).padded(
        arrow.get_linewidth() * renderer.points_to_pixels(1.0))])


def _clip_box(artist):
    """The box an artist's drawing stops at, or None: an axis or a legend draws parts beyond it."""
    if artist.get_clip_on() and not isinstance(artist, (Axis, Legend)):
        return artist.get_clip_box()
    return None


def _overlap(a, b):
    """Whether a rectangle of place ``a`` overlaps one of place ``b``."""
    a, b = a[:, None, :], b[None, :, :]
    return bool(((a[..., 0] < b[..., 2]) & (b[..., 0] < a[..., 2])
                 & (a[..., 1] < b[..., 3]) & (b[..., 1] < a[..., 3])).any())


def _reaching(places, artists, drawn_at):
    """Those of ``artists`` (in their order) whose place (``drawn_at``) overlaps ``places``: all
    rectangles compared at once (one by one, ~5 us an artist; a repaint asks of ~100)."""
    if not artists:
        return []
    rectangles = [drawn_at[artist] for artist in artists]
    owners = np.repeat(np.arange(len(artists)), [len(r) for r in rectangles])
    rectangles = np.concatenate(rectangles)[:, None, :]
    meet = ((rectangles[..., 0] < places[:, 2]) & (places[:, 0] < rectangles[..., 2])
            & (rectangles[..., 1] < places[:, 3]) & (places[:, 1] < rectangles[..., 3])).any(axis=1)
    return [artists[index] for index in np.unique(owners[meet]).tolist()]


def _distinct(rectangles):
    """The rectangles of an (n, 4) array, each once."""
    return np.unique(rectangles, axis=0) if len(rectangles) > 1 else rectangles


def _enclosing(places):
    """The smallest rectangle (x0, y0, x1, y1) that holds all of ``places`` (empty ones hold nothing)."""
    rectangles = np.concatenate(places)
    rectangles = rectangles[(rectangles[:, 0] < rectangles[:, 2]) & (rectangles[:, 1] < rectangles[:, 3])]
    if not len(rectangles):
        return 0, 0, 0, 0
    return (*rectangles[:, :2].min(axis=0), *rectangles[:, 2:].max(axis=0))


def _region(rectangle, height):
    """The buffer's (rows, columns) for a rectangle (x0, y0, x1, y1) counted from the bottom left."""
    x0, y0, x1, y1 = rectangle
    return slice(height - y1, height - y0), slice(x0, x1)


def _shows(artist):
    """Whether a full draw draws the artist: visible, in a visible axes, and not a spine or an
    axis of an axes drawn without them (``axis("off")``, no frame)."""
    ax = artist.axes
    if not artist.get_visible() or (ax is not None and not ax.get_visible()):
        return False
    if isinstance(artist, Spine):
        return ax.axison and ax.get_frame_on()
    if isinstance(artist, Axis):
        return ax.axison
    return True


def _leaf_artists(figure):
    """(artist, place in the drawing order) for every artist without children.  The place is the
    path of (z-order, position) pairs from the figure down, the order matplotlib sorts and draws
    in.  An axis (its ticks and labels) counts as one artist, and so does a legend: it draws its
    frame before its entries, though it lists the frame last."""

    def walk(artist, place):
        # (an axis is not asked for its children: that makes new ticks, which marks it stale)
        children = [] if isinstance(artist, (Axis, Legend)) else artist.get_children()
        if not children:
            yield artist, place
            return
        for index, child in enumerate(children):
            yield from walk(child, place + ((child.get_zorder(), index),))

    yield from walk(figure, ())


def _texts_in_line_with(changed, still):
    """The still texts set in a column or a row with a changed one: of its axes and kind, in the same
    font size and coordinates, and at the same x or y (a colour key's numbers, a check list's rows).

    They change with it, but each only at the value of a drag that first reaches it, and every
    first change costs a full draw; learnt together, a drag pays for the column once."""
    def look(text):
        return type(text), text.axes, id(text.get_transform()), text.get_fontsize()

    lines = {}  # look -> the x and y of the changed texts with it
    for text in changed:
        if isinstance(text, Text) and text.axes is not None:
            x, y = text.get_unitless_position()
            xs, ys = lines.setdefault(look(text), (set(), set()))
            xs.add(x)
            ys.add(y)
    in_line = []
    for text in still:
        if isinstance(text, Text) and text.axes is not None and look(text) in lines:
            x, y = text.get_unitless_position()
            xs, ys = lines[look(text)]
            if x in xs or y in ys:
                in_line.append(text)
    return in_line


def _with_artists_above(changed, still, places, renderer, everywhere):
    """``changed`` plus every still artist drawn after one of them, in the same axes or on the
    figure itself, over where it is or may move to (anywhere in its axes).

    Animated artists are drawn after the background, so an unchanging artist that should
    cover a changing one (a node circle over the end of its wire, a spine a curve runs into)
    must be animated too.  A changing artist moves, so where it is now is not enough.
    """
    extents = {}

    def extent(artist):
        if id(artist) not in extents:
            try:
                # padded: antialiased edges reach a pixel or two beyond the box
                box = artist.get_tightbbox(renderer) if isinstance(artist, Axis) \
                    else artist.get_window_extent(renderer)
                extents[id(artist)] = box.padded(2) if box is not None else Bbox.null()
            except Exception:  # an artist that cannot say where it is: assume it is everywhere
                extents[id(artist)] = everywhere
        return extents[id(artist)]

    def reach(artist):
        if artist.axes is None:
            return extent(artist)
        return Bbox.union([extent(artist), artist.axes.bbox.padded(2)])

    chosen, still, queue = list(changed), list(still), list(changed)
    while queue:
        below = queue.pop()
        for artist in list(still):
            on_figure = len(places[artist]) == 1  # the figure's own, drawn after its axes
            if (artist.axes is below.axes or on_figure) and places[artist] > places[below] \
                    and extent(artist).overlaps(reach(below)):
                still.remove(artist)
                chosen.append(artist)
                queue.append(artist)
    return chosen
