"""Glyphs rendered once and kept: a live figure's text drawn again costs a lookup per glyph.

matplotlib's Agg renderer lays every text out with FreeType and renders each of its glyphs
again on every draw.  In a demo's slider step most of the time goes there (notebook 5
draws ~575 glyphs a step, most of them the same characters at the same places).  What
FreeType makes of a glyph depends only on the font, size, resolution, rotation and the
sub-pixel part of where it goes (FreeType counts in 1/64 px): moved by whole pixels it is
the same bitmap, moved.  So ``keep_glyphs(canvas)`` makes the canvas's renderers keep
each text's layout and each glyph's bitmap under exactly those keys, and draw from them:
the same pixels, without FreeType.  It also keeps each font's height metrics, which
matplotlib's text layout reads from the font's tables for every text it measures or draws
(the OS/2 table alone takes 30 us to read; a step of notebook 5 lays out ~70 texts).

It re-does two private methods of matplotlib's RendererAgg (``draw_text`` and
``_draw_text_glyphs_and_boxes``, matplotlib 3.11, pinned) and gives the renderer the
``_get_font_height_metrics`` that text.py asks a renderer for (PDF and PS renderers have
one) with the values text.py would work out itself; tests compare its pixels and text
boxes with matplotlib's own for plain, rotated, bold, multi-line, mathematical and
fallback-font text.
"""

import functools
import math

import matplotlib as mpl
import numpy as np
from matplotlib.backends.backend_agg import get_hinting_flag
from matplotlib.font_manager import fontManager, get_font
from matplotlib.ft2font import RenderMode

MAX_KEPT = 50_000  # layouts and glyph bitmaps (a few hundred bytes each); past it all are forgotten
SUBPIXEL = 0x40  # FreeType's 26.6 fixed point: 64 steps to a pixel


def keep_glyphs(canvas):
    """Make ``canvas`` (an Agg canvas: ipympl's is one) draw text from kept layouts and glyphs;
    returns the dict they are kept in."""
    kept = {}
    new_renderer = canvas.get_renderer

    def get_renderer():
        renderer = new_renderer()  # a new one after a resize or a change of resolution
        if not getattr(renderer, "_keeps_glyphs", False):
            renderer._keeps_glyphs = True
            renderer.draw_text = functools.partial(_draw_text, renderer, kept, renderer.draw_text)
            renderer._draw_text_glyphs_and_boxes = functools.partial(
                _draw_glyphs, renderer, kept, renderer._draw_text_glyphs_and_boxes)
            renderer._get_font_height_metrics = functools.partial(_font_height_metrics, renderer, kept)
        return renderer

    canvas.get_renderer = get_renderer
    return kept


def _draw_text(renderer, kept, draw_text, gc, x, y, s, prop, angle, ismath=False, mtext=None):
    """RendererAgg.draw_text, with the layout of plain text kept."""
    if ismath:
        return draw_text(gc, x, y, s, prop, angle, ismath=ismath, mtext=mtext)
    features = mtext.get_fontfeatures() if mtext is not None else None
    language = mtext.get_language() if mtext is not None else None
    flags = get_hinting_flag()
    size = prop.get_size_in_points()
    # what matplotlib's get_font and _layout depend on (the two factors pick another FT2Font)
    key = ("layout", _font_files(kept, prop), mpl.rcParams["text.hinting_factor"],
           mpl.rcParams["text.kerning_factor"], size, renderer.dpi, s, flags,
           None if features is None else tuple(features), language)
    layout = kept.get(key)
    if layout is None:
        font = renderer._prepare_font(prop)
        layout = kept[key] = [(item.ft_object, item.glyph_index, item.x, item.y) for item in font._layout(
            s, flags=flags, features=features, language=language)]
    renderer._draw_text_glyphs_and_boxes(
        gc, x, y, angle, ((font, size, glyph, 0, 1, dx, dy) for font, glyph, dx, dy in layout), [])


# what matplotlib's choice of font reads from rcParams besides the font properties themselves
FONT_RC_LISTS = ("font.family", "font.serif", "font.sans-serif", "font.cursive", "font.fantasy", "font.monospace")
FONT_RC_VALUES = ("font.style", "font.variant", "font.weight", "font.stretch", "font.size")


def _font_files(kept, prop):
    """The font files matplotlib picks for ``prop`` (its first choice and fallbacks), kept under all
    that the choice depends on: matplotlib's own cache sits behind ~30 us of copying and
    looking up per call, and a text drawn asks twice."""
    rc = mpl.rcParams
    key = ("fonts", tuple(prop.get_family()), prop.get_style(), prop.get_variant(), prop.get_weight(),
           prop.get_stretch(), prop.get_size_in_points(), prop.get_file(), prop.get_math_fontfamily(),
           len(fontManager.ttflist), *[tuple(rc[name]) for name in FONT_RC_LISTS],
           *[rc[name] for name in FONT_RC_VALUES])
    files = kept.get(key)
    if files is None:
        files = kept[key] = tuple(fontManager._find_fonts_by_props(prop))
    return files


def _font_height_metrics(renderer, kept, prop):
    """(ascent, descent, line gap) in pixels of the font for ``prop``, from its OS/2 table (else its
    hhea table): what text.py works out for a renderer without this method, kept."""
    key = ("heights", _font_files(kept, prop), prop.get_size_in_points(), renderer.dpi)
    heights = kept.get(key)
    if heights is None:
        font = get_font(list(key[1]))
        heights = (None, None, None)  # no table: text.py measures the font itself
        for table_name, gap, ascent, descent in [("OS/2", "sTypoLineGap", "sTypoAscender", "sTypoDescender"),
                                                 ("hhea", "lineGap", "ascent", "descent")]:
            table = font.get_sfnt_table(table_name)
            if table is not None:
                # in text.py's order of operations, so the numbers are the same to the last bit
                scale = 1 / font.get_sfnt_table("head")["unitsPerEm"] * prop.get_size_in_points() * renderer.dpi / 72
                heights = (table[ascent] * scale, -table[descent] * scale, table[gap] * scale)
                break
        kept[key] = heights
    return heights


def _draw_glyphs(renderer, kept, draw_plainly, gc, x, y, angle, glyphs, boxes):
    """RendererAgg._draw_text_glyphs_and_boxes, with each glyph's bitmap kept."""
    if len(kept) > MAX_KEPT:  # here, so that mathematical text (which is not laid out above) counts too
        kept.clear()
    cos, sin = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    flags = get_hinting_flag()
    antialiased = gc.get_antialiased()
    height = renderer.height
    style = (renderer.dpi, flags, antialiased, mpl.rcParams["text.hinting_factor"])
    transforms = {}  # (slant, extend) -> FreeType's matrix for them, and its key
    for font, size, glyph, slant, extend, dx, dy in glyphs:  # dy is upwards
        if (slant, extend) not in transforms:
            matrix = (0x10000 * np.array([[cos, -sin], [sin, cos]])
                      @ [[extend, extend * slant], [0, 1]]).round().astype(int)
            transforms[slant, extend] = matrix, matrix.tobytes()
        matrix, matrix_key = transforms[slant, extend]
        at_x = round(SUBPIXEL * (x + dx * cos - dy * sin))  # FreeType's y is upwards
        at_y = round(SUBPIXEL * (height - y + dx * sin + dy * cos))
        key = (font.fname, font.family_name, font.style_name, size, glyph, matrix_key,
               at_x % SUBPIXEL, at_y % SUBPIXEL, *style)
        bitmap = kept.get(key)
        if bitmap is None:
            font.set_size(size, renderer.dpi)
            font._set_transform(matrix, [at_x, at_y])
            drawn = font._render_glyph(glyph, flags, RenderMode.NORMAL if antialiased else RenderMode.MONO)
            image = drawn.buffer if antialiased else drawn.buffer * 0xFF
            # kept relative to the whole pixel it was drawn at
            bitmap = kept[key] = image, drawn.left - at_x // SUBPIXEL, drawn.top - at_y // SUBPIXEL
        image, left, top = bitmap
        # draw_text_image's y is downwards and at the bitmap's bottom side
        renderer._renderer.draw_text_image(
            image, left + at_x // SUBPIXEL, int(height) - (top + at_y // SUBPIXEL) + image.shape[0], 0, gc)
    boxes = list(boxes)
    if boxes:  # the rules of mathematical text (a fraction's bar), drawn as matplotlib draws them
        draw_plainly(gc, x, y, angle, [], boxes)
