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
A text drawn a second time at the same place (a label near what changed is drawn again
with it) is from then on drawn as one image of its glyphs, not glyph by glyph: notebook 5's
~430 glyph draws a step become ~25 (3.5 ms of its 25).

A new text costs FreeType ~20 us a character (each glyph loaded and hinted again), and
matplotlib lays it out twice, to measure it and to draw it.  Here it is laid out once: it
is measured from the layout it is drawn from (with each glyph's box and advance read once),
and a text with spaces is joined from the kept layouts of its words, so only its new words
are laid out (a drag across notebook 5's x: ~24 layouts a step instead of ~55; its median step
without a browser 53 -> 38 ms).  A new word is put together from its characters' layouts once
FreeType was seen to set each pair of neighbours in it side by side (a new number, mostly:
~3 FreeType layouts a step of that drag instead of ~24; 37 -> 32 ms); the first new number in a
font and size learns every pair of digits and signs at once (then none a step).  What is kept
for one font and size (a ``_Face``) is found once a text, and its characters, words and glyph
boxes are looked up inside it by themselves; a new text is merged into a few images before it
is drawn, as a text drawn again is (that drag: 33 -> 29 ms).

It re-does two private methods of matplotlib's RendererAgg (``draw_text`` and
``_draw_text_glyphs_and_boxes``, matplotlib 3.11, pinned) and ``get_text_width_height_descent``,
and gives the renderer the ``_get_font_height_metrics`` that text.py asks a renderer for (PDF
and PS renderers have one) with the values text.py would work out itself; tests compare its
pixels, text boxes, measurements and layouts with matplotlib's and FreeType's own for plain,
rotated, bold, multi-line, mathematical and fallback-font text.
"""

import functools
import math
import unicodedata

import matplotlib as mpl
import numpy as np
from matplotlib.backends.backend_agg import get_hinting_flag
from matplotlib.font_manager import fontManager, get_font
from matplotlib.ft2font import RenderMode

MAX_KEPT = 50_000  # layouts, glyph bitmaps, texts' images; past either limit all are forgotten
MAX_KEPT_BYTES = 32 * 2**20
SEEN_ONCE = "drawn here once"  # a text's mark before it is drawn there again and its images are made
SUBPIXEL = 0x40  # FreeType's 26.6 fixed point: 64 steps to a pixel
# Unicode's bidirectional classes of characters laid out left to right in place: letters, digits,
# number signs and separators, other neutrals (symbols, punctuation), white space.
LEFT_TO_RIGHT = frozenset({"L", "EN", "ES", "ET", "CS", "ON", "WS"})


def keep_glyphs(canvas):
    """Make ``canvas`` (an Agg canvas: ipympl's is one) draw text from kept layouts and glyphs;
    returns the dict they are kept in."""
    kept = _Kept()
    new_renderer = canvas.get_renderer

    def get_renderer():
        return keep_glyphs_on(new_renderer(), kept)  # a new one after a resize or a change of resolution

    canvas.get_renderer = get_renderer
    return kept


def keep_glyphs_on(renderer, kept):
    """Make the Agg ``renderer`` draw text from what ``kept`` (keep_glyphs') holds; returns it."""
    if not getattr(renderer, "_keeps_glyphs", False):
        renderer._keeps_glyphs = True
        renderer.draw_text = functools.partial(_draw_text, renderer, kept, renderer.draw_text)
        renderer._draw_text_glyphs_and_boxes = functools.partial(
            _draw_glyphs, renderer, kept, renderer._draw_text_glyphs_and_boxes)
        renderer._get_font_height_metrics = functools.partial(_font_height_metrics, renderer, kept)
        renderer.get_text_width_height_descent = functools.partial(
            _text_extent, renderer, kept, renderer.get_text_width_height_descent)
    return renderer


def _draw_text(renderer, kept, draw_text, gc, x, y, s, prop, angle, ismath=False, mtext=None):
    """RendererAgg.draw_text, with the layout of plain text kept."""
    if ismath:
        return draw_text(gc, x, y, s, prop, angle, ismath=ismath, mtext=mtext)
    features = mtext.get_fontfeatures() if mtext is not None else None
    language = mtext.get_language() if mtext is not None else None
    face, layout = _layout(renderer, kept, s, prop, features, language)
    glyphs = ((font, face.size, glyph, 0, 1, dx, dy) for font, glyph, dx, dy in layout)
    # a text drawn again where it was drawn before (most of a step's text: labels near what
    # changed) is drawn as a few images, not glyph by glyph; kept from its second drawing on
    images_key = ("text images", face, s, _features_key(features), language, x, y, angle, renderer.height,
                  gc.get_antialiased())
    # (each draw_text_image takes ~5-6 us, most of it reading the gc: a new text is merged first as
    # well, ~2.5 us a glyph, though kept only from its second drawing: most new texts are drawn once)
    images = kept.get(images_key)
    if images is None or images is SEEN_ONCE:
        merged = _merged(_placed_glyphs(renderer, kept, x, y, angle, glyphs, gc.get_antialiased()))
        if images is None and not kept.rehearsing:
            _keep(kept, images_key, SEEN_ONCE)
        else:
            _keep(kept, images_key, merged, sum(image.nbytes for image, _, _ in merged))
        images = merged
    for image, left, bottom in images:
        renderer._renderer.draw_text_image(image, left, bottom, 0, gc)


def _layout(renderer, kept, s, prop, features=None, language=None):
    """(the face, [(font, glyph, x, y) of each glyph]): FreeType's layout of the plain text ``s``,
    kept (~20 us a character: FreeType loads and hints each glyph again)."""
    face = _face(renderer, kept, prop)
    return face, _layout_in(renderer, kept, face, s, prop, features, language)


class _Face:
    """What is kept for text in one setting of everything a layout depends on besides the text:
    the font files, what matplotlib's get_font and _layout read (the two rcParams factors pick
    another FT2Font), the size, resolution and hinting.  Found once a text (a dozen rcParams
    reads, ~5 us); inside, a word's characters and glyphs are looked up by themselves alone
    (a lookup under all of the setting cost ~1 us: a new check-table row looks up ~60)."""

    def __init__(self, size, flags):
        self.size, self.flags = size, flags
        self.layouts = {}  # (text, features, language) -> [(font, glyph, x, y)]
        self.boxes = {}  # (font, glyph) -> (FreeType's control box, advance), 26.6 fixed point
        # with a letter in the text or not -> {(character, next character): FreeType sets them side by side}
        self.side_by_side = {False: {}, True: {}}
        self.knows_number_pairs = False  # EVERY_NUMBER_PAIR was laid out in it


def _face(renderer, kept, prop):
    """The _Face kept for the setting of ``prop`` on ``renderer``."""
    size, flags = prop.get_size_in_points(), get_hinting_flag()
    key = ("face", _font_files(kept, prop), mpl.rcParams["text.hinting_factor"],
           mpl.rcParams["text.kerning_factor"], size, renderer.dpi, flags)
    face = kept.get(key)
    if face is None:
        face = _Face(size, flags)
        _keep(kept, key, face)
    return face


def _features_key(features):
    return None if features is None else tuple(features)


def _layout_in(renderer, kept, face, s, prop, features=None, language=None):
    """_layout in a face already found."""
    key = (s, _features_key(features), language)
    layout = face.layouts.get(key)
    if layout is None:
        plain = features is None and language is None
        if plain and " " in s and s.strip(" ") and _joinable(s):
            layout = _joined_at_spaces(renderer, kept, face, s, prop)
        elif plain and len(s) > 1 and _joinable(s):
            layout = _composed(renderer, kept, face, s, prop)
        else:
            layout = _laid_out_by_freetype(renderer, s, prop, features, language)
        _keep(kept, key, layout, table=face.layouts)
    return layout


def _laid_out_by_freetype(renderer, s, prop, features=None, language=None):
    font = renderer._prepare_font(prop)
    return [(item.ft_object, item.glyph_index, item.x, item.y) for item in font._layout(
        s, flags=get_hinting_flag(), features=features, language=language)]


def _every_pair(alphabet):
    """A string in which each character of ``alphabet`` stands once before every one of them
    (itself too): a de Bruijn sequence of order 2, closed."""
    order = []

    def visit(character):  # an Eulerian circuit of the complete graph with loops (Hierholzer's)
        while unvisited[character]:
            visit(unvisited[character].pop())
        order.append(character)

    unvisited = {character: list(alphabet) for character in alphabet}
    visit(alphabet[0])
    return "".join(reversed(order))


# The characters of the numbers the demos write; when a face first meets a new number, FreeType lays
# out EVERY_NUMBER_PAIR once (226 characters, 3-4 ms) instead of a few new numbers a step over the
# first dozens of steps of a drag (0.2-0.45 ms each: a pair not seen yet in nearly every one).
NUMBER_CHARACTERS = frozenset("0123456789.,+-\u2212")
EVERY_NUMBER_PAIR = _every_pair(sorted(NUMBER_CHARACTERS))


def _composed(renderer, kept, face, s, prop):
    """The layout of the word ``s`` (no spaces) put together from its characters' own layouts, when
    FreeType was seen to lay out each pair of neighbours in it side by side, unkerned and unchanged;
    else FreeType's, which shows more pairs.  Mostly numbers: a drag across notebook 5's x writes
    ~25 new ones a step, ~0.2 ms each for FreeType (each glyph loaded and hinted again), and after
    a few steps every pair of digits has been seen.

    A pair is known per font, size and everything else the layout depends on, and per kind of
    text: with a letter in it every character takes the letter's script (Latin: ``_joinable``),
    without one none has a script, and fonts may kern by script (no pair of digits and signs in
    the DejaVu fonts differs between the two: a guard for other fonts).  A pair seen kerned
    (DejaVu's "AV") or a character made into another glyph (a ligature) is never put together:
    FreeType lays out every text that holds it.  The tests compare these layouts with FreeType's
    for seeded random words."""
    singles = []
    for character in s:
        single = _layout_in(renderer, kept, face, character, prop)
        if len(single) != 1:  # no glyph, or several: not a character this can put together
            return _laid_out_by_freetype(renderer, s, prop)
        singles.append(single[0])
    pairs = face.side_by_side[any(map(str.isalpha, s))]
    composed, pen = [], 0  # pen: where the next glyph starts, in 26.6 fixed point
    for font, glyph, x, y in singles:
        composed.append((font, glyph, x + pen / SUBPIXEL, y))
        pen += _glyph_box(renderer, kept, face, font, glyph)[1]
    if all(pairs.get(pair) for pair in zip(s, s[1:])):
        return composed
    if not face.knows_number_pairs and NUMBER_CHARACTERS.issuperset(s):
        # the first new number of this face: learn every pair a number can hold at once
        face.knows_number_pairs = True
        _composed(renderer, kept, face, EVERY_NUMBER_PAIR, prop)
        if all(pairs.get(pair) for pair in zip(s, s[1:])):
            return composed
    layout = _laid_out_by_freetype(renderer, s, prop)
    if len(layout) == len(composed):  # one glyph a character: each pair of neighbours tells
        for index, pair in enumerate(zip(s, s[1:])):
            (*mine, my_x, my_y), (*next_mine, next_x, next_y) = composed[index:index + 2]
            (*theirs, their_x, their_y), (*next_theirs, next_their_x, next_their_y) = layout[index:index + 2]
            side_by_side = (mine == theirs and next_mine == next_theirs and my_y == their_y
                            and next_y == next_their_y and next_x - my_x == next_their_x - their_x)
            known = pairs.get(pair)
            if known is None or (known and not side_by_side):  # once seen kerned, never put together
                _keep(kept, pair, side_by_side, table=pairs)
    return layout


def _joined_at_spaces(renderer, kept, face, s, prop):
    """The layout of ``s`` put together from the kept layouts of its words and its spaces.  FreeType
    lays a line out glyph after glyph, and nothing in the fonts here (kerning, ligatures) reaches
    across a space, so a word laid out once serves every text it is in: a row of the check table
    ("✓ ∂Loss/∂w1   0.001168 |  0.001168") changes in its numbers only.  The tests compare
    these layouts with FreeType's own for a thousand random texts in every family and style the
    demos use (27,000 when this was written)."""
    [(space_font, space_glyph, _, space_y)] = _layout_in(renderer, kept, face, " ", prop)
    space_advance = _glyph_box(renderer, kept, face, space_font, space_glyph)[1]
    joined, pen = [], 0  # pen: where the next word starts, in 26.6 fixed point
    for index, word in enumerate(s.split(" ")):
        if index:
            joined.append((space_font, space_glyph, pen / SUBPIXEL, space_y))
            pen += space_advance
        layout = _layout_in(renderer, kept, face, word, prop)
        joined += [(font, glyph, x + pen / SUBPIXEL, y) for font, glyph, x, y in layout]
        if layout:  # the word ends where its last glyph's advance does
            font, glyph, x, _ = layout[-1]
            pen += round(x * SUBPIXEL) + _glyph_box(renderer, kept, face, font, glyph)[1]
    return joined


def _joinable(s):
    """Whether a layout of ``s`` can be joined from its words: every character is laid out left to
    right in its own place (no right-to-left script, which the layout reorders, and no combining
    mark, which attaches to a space too), and every letter is Latin.  Characters common to all
    scripts (digits, signs, symbols) take the script of the text around them, and the fonts kern
    by script: in "σ -T" the "-" is Greek, so it is not kerned with the "T" as in "-T" alone."""
    return all(map(_in_joinable_text, s))


@functools.lru_cache(maxsize=4096)
def _in_joinable_text(character):
    return (unicodedata.bidirectional(character) in LEFT_TO_RIGHT
            and (not unicodedata.category(character).startswith("L")
                 or unicodedata.name(character, "").startswith("LATIN ")))


def _text_extent(renderer, kept, measure_plainly, s, prop, ismath):
    """RendererAgg.get_text_width_height_descent, for plain text from its kept layout: measuring a
    text laid it out once more (FT2Font.set_text), and drawing it lays it out again.

    FT2Font.set_text's box (26.6 fixed point) runs across from the first glyph's origin to the end of
    the farthest advance and up and down over each glyph's control box, each where the layout puts
    it; its width, height and depth are these, the same to the last bit (the tests compare them
    with matplotlib's for 1,200 random texts; 8,100 when this was written)."""
    if ismath:  # mathematical text, TeX: laid out by matplotlib, not FreeType
        return measure_plainly(s, prop, ismath)
    face, layout = _layout(renderer, kept, s, prop)
    if not layout:
        return 0.0, 0.0, 0.0
    boxes = face.boxes
    left = bottom = math.inf
    right = top = -math.inf
    for font, glyph, x, y in layout:
        (x0, y0, x1, y1), advance = boxes.get((font, glyph)) or _glyph_box(renderer, kept, face, font, glyph)
        x, y = round(x * SUBPIXEL), round(y * SUBPIXEL)
        left, right = min(left, x), max(right, x + advance)
        bottom, top = min(bottom, y + y0), max(top, y + y1)
    return (right - left) / 64.0, (top - bottom) / 64.0, -bottom / 64.0


def _glyph_box(renderer, kept, face, font, glyph):
    """((x0, y0, x1, y1) FreeType's control box of ``glyph`` of ``font`` (an FT2Font: the object,
    made for one file and hinting factor, is the key) in ``face``, its advance), in 26.6 fixed
    point, kept."""
    box = face.boxes.get((font, glyph))
    if box is None:
        font.set_size(face.size, renderer.dpi)
        loaded = font.load_glyph(glyph, face.flags)
        box = loaded.bbox, loaded.horiAdvance
        _keep(kept, (font, glyph), box, table=face.boxes)
    return box


def _merged(placed):
    """Glyph bitmaps placed as draw_text_image places them, (image, left, bottom), merged into
    as few images that draw the same pixels.  draw_text_image leaves a pixel whose coverage is
    0 as it is, so glyphs whose inked pixels do not meet draw the same as one image of them all;
    where a glyph's ink meets the ink before it, it starts the next image, blended over the
    last as matplotlib blends one glyph over another."""
    placed = [glyph for glyph in placed if glyph[0].size]
    if not placed:
        return []
    left = min(x for _, x, _ in placed)
    right = max(x + image.shape[1] for image, x, _ in placed)
    top = min(bottom - image.shape[0] for image, _, bottom in placed)
    bottom = max(bottom for _, _, bottom in placed)
    merged, ink = [], None
    inked_to = -math.inf  # the right edge of the ink so far: a glyph starting past it meets none
    for image, x, y in placed:
        where = slice(y - image.shape[0] - top, y - top), slice(x - left, x - left + image.shape[1])
        if x < inked_to and np.logical_and(ink[where], image).any():
            inked_to = -math.inf
        if inked_to == -math.inf:
            ink = np.zeros((bottom - top, right - left), np.uint8)
            merged.append((ink, left, bottom))
        ink[where] |= image
        inked_to = max(inked_to, x + image.shape[1])
    return merged


class _Kept(dict):
    nbytes = 0  # of the bitmaps kept
    rehearsing = False  # a text drawn now is drawn again soon (rehearsal.py): its images kept at once
    entries = 0  # kept here and in the tables kept here


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
        files = tuple(fontManager._find_fonts_by_props(prop))
        _keep(kept, key, files)
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
        _keep(kept, key, heights)
    return heights


def _draw_glyphs(renderer, kept, draw_plainly, gc, x, y, angle, glyphs, boxes):
    """RendererAgg._draw_text_glyphs_and_boxes, with each glyph's bitmap kept."""
    for image, left, bottom in _placed_glyphs(renderer, kept, x, y, angle, glyphs, gc.get_antialiased()):
        if image.size:  # a space has no bitmap (a check-table row: ~10 of its ~35 glyphs)
            renderer._renderer.draw_text_image(image, left, bottom, 0, gc)
    boxes = list(boxes)
    if boxes:  # the rules of mathematical text (a fraction's bar), drawn as matplotlib draws them
        draw_plainly(gc, x, y, angle, [], boxes)


def _placed_glyphs(renderer, kept, x, y, angle, glyphs, antialiased):
    """Each glyph's bitmap, from those kept, and where draw_text_image puts it: (image, left, bottom)
    in whole pixels, bottom counted downwards to the bitmap's lower side."""
    cos, sin = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    flags = get_hinting_flag()
    height = renderer.height
    style = (renderer.dpi, flags, antialiased, mpl.rcParams["text.hinting_factor"])
    transforms = {}  # (slant, extend) -> FreeType's matrix for them
    tables = {}  # (font, size, slant, extend) -> the bitmaps kept for them
    for font, size, glyph, slant, extend, dx, dy in glyphs:  # dy is upwards
        if (slant, extend) not in transforms:
            transforms[slant, extend] = (0x10000 * np.array([[cos, -sin], [sin, cos]])
                                         @ [[extend, extend * slant], [0, 1]]).round().astype(int)
        matrix = transforms[slant, extend]
        bitmaps = tables.get((font, size, slant, extend))
        if bitmaps is None:  # the FT2Font object (one file and hinting factor) and all else that shapes a bitmap
            bitmaps = tables[font, size, slant, extend] = _bitmaps(kept, (font, size, matrix.tobytes(), *style))
        at_x = round(SUBPIXEL * (x + dx * cos - dy * sin))  # FreeType's y is upwards
        at_y = round(SUBPIXEL * (height - y + dx * sin + dy * cos))
        key = (glyph, at_x % SUBPIXEL, at_y % SUBPIXEL)
        bitmap = bitmaps.get(key)
        if bitmap is None:
            font.set_size(size, renderer.dpi)
            font._set_transform(matrix, [at_x, at_y])
            drawn = font._render_glyph(glyph, flags, RenderMode.NORMAL if antialiased else RenderMode.MONO)
            image = drawn.buffer if antialiased else drawn.buffer * 0xFF
            # kept relative to the whole pixel it was drawn at
            bitmap = image, drawn.left - at_x // SUBPIXEL, drawn.top - at_y // SUBPIXEL
            _keep(kept, key, bitmap, image.nbytes, table=bitmaps)
        image, left, top = bitmap
        # draw_text_image's y is downwards and at the bitmap's bottom side
        yield image, left + at_x // SUBPIXEL, int(height) - (top + at_y // SUBPIXEL) + image.shape[0]


def _bitmaps(kept, setting):
    """The table of glyph bitmaps kept for ``setting``: {(glyph, x, y in 1/64 px): bitmap}."""
    key = ("glyphs", *setting)
    table = kept.get(key)
    if table is None:
        table = {}
        _keep(kept, key, table)
    return table


def _keep(kept, key, value, nbytes=0, table=None):
    """table[key] = value (``table``: ``kept`` itself, or a table kept in it), everything forgotten
    first when past MAX_KEPT entries (the tables' counted too) or MAX_KEPT_BYTES of bitmaps.  A
    table forgotten meanwhile may still be filled by whoever holds it: it is thrown away after."""
    kept.nbytes += nbytes
    kept.entries += 1
    if kept.entries > MAX_KEPT or kept.nbytes > MAX_KEPT_BYTES:
        kept.clear()
        kept.nbytes, kept.entries = nbytes, 1
    (kept if table is None else table)[key] = value
