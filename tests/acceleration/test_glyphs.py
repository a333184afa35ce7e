"""backprop_kit.acceleration.glyphs: text drawn from kept layouts and glyphs is matplotlib's own, pixel for pixel.

Independent truth: the same figure on a plain Agg canvas, drawn by matplotlib alone.
"""

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from backprop_kit.acceleration.glyphs import keep_glyphs

# What the demos draw: plain and bold numbers, rotated wire labels, the check table's monospace
# rows with symbols from a fallback font, mathematical text, small italics, an aliased label.
TEXTS = [
    ("0.4502", {}),
    ("-4.867", dict(fontweight="bold", fontsize=13)),
    ("\u2202q/\u2202x = 1", dict(rotation=31, style="italic")),
    ("\u2713 \u2202Loss/\u2202w1   0.001168 |  0.001168", dict(family="monospace")),
    (r"$\frac{\partial f}{\partial x} = \sqrt{2}\,\sigma(z)$", {}),
    ("small print", dict(fontsize=6, rotation=-90)),
    ("no antialiasing", dict(antialiased=False)),
]


def text_figure():
    """A figure of TEXTS placed in figure pixels, so moves can be whole or part pixels."""
    figure = Figure(figsize=(5, 3), dpi=130)
    FigureCanvasAgg(figure)
    texts = []
    for index, (text, style) in enumerate(TEXTS):
        at = np.array([20.0 + 40 * (index % 2), 20.0 + 50 * index])
        texts.append((figure.text(0, 0, text, transform=None, **style), at))
    figure.suptitle("the title stays where it is")
    return figure, texts


def drawn(figure, texts, move):
    for text, at in texts:
        text.set_position(at + move)
    figure.canvas.draw()
    return np.asarray(figure.canvas.buffer_rgba()).copy()


def test_kept_glyphs_draw_what_matplotlib_draws_wherever_the_text_goes():
    kept_figure, kept_texts = text_figure()
    kept = keep_glyphs(kept_figure.canvas)
    plain_figure, plain_texts = text_figure()
    sizes = []
    for move in [(0, 0), (3, 0), (7, -2), (3.25, 1.5), (10.015625, -7.3), (0.5, 0.5), (0, 0)]:
        mine, theirs = drawn(kept_figure, kept_texts, move), drawn(plain_figure, plain_texts, move)
        assert (mine != theirs).any(axis=2).sum() == 0, f"text moved by {move} differs"
        sizes.append(glyphs_kept(kept))
    assert sizes[0] > len(TEXTS), "the glyphs were not kept"
    assert sizes[1] == sizes[2] == sizes[0], "moved by whole pixels, text is drawn from the same glyphs"
    assert sizes[3] > sizes[2], "moved by part of a pixel, FreeType renders the glyphs afresh"
    assert sizes[-1] == sizes[-2], "back where it was: all kept"


def glyphs_kept(kept):
    return sum(len(table) for key, table in kept.items() if key[0] == "glyphs")


def test_a_text_drawn_again_where_it_was_is_drawn_from_merged_images_pixel_for_pixel():
    """From its second drawing at a place a text is drawn as images of its glyphs merged; where
    one glyph's ink meets another's ("/\\" in italics) the later one is blended over the first,
    as matplotlib does; a text clipped by its axes is cut at the same pixel."""
    figures = []
    for keep in (True, False):
        figure, texts = text_figure()
        texts.append((figure.text(0, 0, "a/\\/\\ f) rv", transform=None, family="serif", style="italic"),
                      np.array([150.0, 40.0])))
        ax = figure.add_axes((0.55, 0.1, 0.3, 0.3))
        ax.text(0.6, 0.5, "clipped at the axes' side", clip_on=True, fontsize=11)
        figures.append((figure, texts, keep_glyphs(figure.canvas) if keep else None))
    (kept_figure, kept_texts, kept), (plain_figure, plain_texts, _) = figures
    for move in [(0, 0), (0, 0), (0, 0), (3.25, 1.5), (3.25, 1.5), (3.25, 1.5), (0, 0)]:
        mine, theirs = drawn(kept_figure, kept_texts, move), drawn(plain_figure, plain_texts, move)
        assert (mine != theirs).any(axis=2).sum() == 0, f"text drawn again at {move} differs"
    images = {key[2]: value for key, value in kept.items() if key[0] == "text images"}
    assert all(isinstance(value, list) for value in images.values()), "a text drawn again was not merged"
    assert len(images["a/\\/\\ f) rv"]) > 1, "no glyphs' ink met: the blending order was not tested"
    assert len(images["0.4502"]) == 1


def test_a_new_renderer_after_a_resize_keeps_glyphs_too():
    kept_figure, kept_texts = text_figure()
    kept = keep_glyphs(kept_figure.canvas)
    plain_figure, plain_texts = text_figure()
    for figure in (kept_figure, plain_figure):
        figure.set_dpi(97)
    size = kept.entries
    mine, theirs = drawn(kept_figure, kept_texts, (1, 1)), drawn(plain_figure, plain_texts, (1, 1))
    assert (mine != theirs).any(axis=2).sum() == 0
    assert kept.entries > size


def test_the_kept_glyphs_are_forgotten_past_their_limit(monkeypatch):
    from backprop_kit.acceleration import glyphs

    figure, texts = text_figure()
    everything = _kept_after_drawing(figure, texts)
    monkeypatch.setattr(glyphs, "MAX_KEPT", 20)
    figure, texts = text_figure()
    kept = _kept_after_drawing(figure, texts)
    assert kept.entries < everything.entries / 2, "past the limit, what was kept is forgotten"
    monkeypatch.setattr(glyphs, "MAX_KEPT", 10**6)
    monkeypatch.setattr(glyphs, "MAX_KEPT_BYTES", everything.nbytes // 3)
    figure, texts = text_figure()
    kept = _kept_after_drawing(figure, texts)
    assert 0 < kept.nbytes <= everything.nbytes // 3, "past the bytes limit, the bitmaps kept are forgotten"


def _kept_after_drawing(figure, texts):
    kept = keep_glyphs(figure.canvas)
    drawn(figure, texts, (0, 0))
    return kept


def test_a_turned_glyph_is_not_drawn_from_the_upright_one():
    """The same glyph at the same point, upright and turned: each has its own bitmap."""
    figures = []
    for keep in (True, False):
        figure = Figure(figsize=(2, 2), dpi=100)
        FigureCanvasAgg(figure)
        if keep:
            keep_glyphs(figure.canvas)
        for angle in (0, 90, 45):  # anchored at the baseline's left end: the first glyph starts there
            figure.text(0, 0, "0.45", transform=None, rotation=angle, rotation_mode="anchor").set_position((100, 100))
        figure.canvas.draw()
        figures.append(np.asarray(figure.canvas.buffer_rgba()).copy())
    assert (figures[0] != figures[1]).any(axis=2).sum() == 0



def test_mathematical_text_alone_is_forgotten_past_the_limit_too(monkeypatch):
    from backprop_kit.acceleration import glyphs

    monkeypatch.setattr(glyphs, "MAX_KEPT", 10)
    figure = Figure(figsize=(4, 3), dpi=100)
    FigureCanvasAgg(figure)
    kept = keep_glyphs(figure.canvas)
    for row in range(8):  # mathematical text is laid out by matplotlib's mathtext, then drawn from kept glyphs
        figure.text(0.05, 0.1 + 0.1 * row, rf"$\sigma(w_{row} x + b_{row}) = \frac{{{row}}}{{7}}$")
    figure.canvas.draw()
    assert 0 < kept.entries <= 10 + 20, "one text's glyphs past the limit at most"


def test_kept_font_heights_give_every_text_the_box_matplotlib_gives_it():
    kept_figure, kept_texts = text_figure()
    kept = keep_glyphs(kept_figure.canvas)
    plain_figure, plain_texts = text_figure()
    for figure, texts in ((kept_figure, kept_texts), (plain_figure, plain_texts)):
        figure.text(0.5, 0.5, "two lines\nof text", fontsize=9, linespacing=1.4)
        figure.text(0.1, 0.9, "spaced\nout", family="monospace", linespacing="normal")
        drawn(figure, texts, (0, 0))
    for mine, theirs in zip(kept_figure.texts, plain_figure.texts, strict=True):
        assert mine.get_window_extent().bounds == theirs.get_window_extent().bounds, mine.get_text()
    assert any(key[0] == "heights" for key in kept), "the heights were not kept"
    assert np.array_equal(drawn(kept_figure, kept_texts, (0, 0)), drawn(plain_figure, plain_texts, (0, 0)))


def test_a_new_font_family_setting_picks_the_new_font_not_the_kept_one():
    """The kept choice of font files is kept under the rcParams it depends on: after
    font.sans-serif changes, a figure drawn again is drawn in the new font, as matplotlib
    draws it again (both drawn before: matplotlib keeps text sizes per renderer)."""
    import matplotlib as mpl

    kept_figure, kept_texts = text_figure()
    keep_glyphs(kept_figure.canvas)
    plain_figure, plain_texts = text_figure()
    before = drawn(kept_figure, kept_texts, (0, 0))
    drawn(plain_figure, plain_texts, (0, 0))
    with mpl.rc_context({"font.sans-serif": ["DejaVu Serif"]}):
        mine, theirs = drawn(kept_figure, kept_texts, (0, 0)), drawn(plain_figure, plain_texts, (0, 0))
    assert (theirs != before).any(), "the new font setting changed nothing: the test could not fail"
    assert (mine != theirs).any(axis=2).sum() == 0, "drawn in the kept font, not the one now chosen"


def test_kept_layouts_measure_every_text_as_matplotlib_measures_it():
    """Measuring from the kept layout (each glyph's box and advance read once) gives matplotlib's
    width, height and depth to the last bit: seeded random texts of the demos' characters, a
    fallback font's among them, in the sizes, weights and families they use."""
    import random

    from matplotlib.font_manager import FontProperties

    characters = "0123456789-+.,=()[]|/ abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ" \
                 "\u2202\u2713\u2717\u00d7\u00b7\u00b2\u00bd\u2212\u2016\u2192\u03c3\u221e\u2248\u00e9"
    rng = random.Random(7)
    compared = 0
    for dpi in (72, 100, 130):
        kept_canvas, plain_canvas = (FigureCanvasAgg(Figure(dpi=dpi)) for _ in range(2))
        keep_glyphs(kept_canvas)
        mine, theirs = kept_canvas.get_renderer(), plain_canvas.get_renderer()
        for _ in range(400):
            font = FontProperties(size=rng.choice([6, 8, 9.5, 11, 13, 14.3]),
                                  weight=rng.choice(["normal", "bold"]), style=rng.choice(["normal", "italic"]),
                                  family=rng.choice(["sans-serif", "monospace", "serif"]))
            text = "".join(rng.choice(characters) for _ in range(rng.randint(0, 16)))
            assert (mine.get_text_width_height_descent(text, font, ismath=False)
                    == theirs.get_text_width_height_descent(text, font, ismath=False)), (text, font, dpi)
            compared += 1
    assert compared == 1200


def test_a_new_text_measured_and_drawn_is_laid_out_once(monkeypatch):
    figure, texts = text_figure()
    keep_glyphs(figure.canvas)
    drawn(figure, texts, (0, 0))
    layouts = _freetype_layouts(monkeypatch)
    texts[0][0].set_text("QZX")  # new characters in that font
    drawn(figure, texts, (0, 0))
    assert texts[0][0].get_window_extent().width > 0
    # its new characters alone (to put later words together from), then the whole, once
    assert layouts == [("_layout", c) for c in "QZX"] + [("_layout", "QZX")], f"laid out {layouts}"
    layouts.clear()
    texts[0][0].set_text("ZX")  # its one pair of neighbours seen side by side above
    drawn(figure, texts, (0, 0))
    assert layouts == [], f"laid out {layouts}: not put together from its characters"


def test_the_first_new_number_in_a_font_learns_every_pair_a_number_can_hold(monkeypatch):
    """FreeType lays out one string holding every pair of digits and signs, then no number at all."""
    from backprop_kit.acceleration import glyphs

    figure = Figure(figsize=(3, 2), dpi=130)
    FigureCanvasAgg(figure)
    keep_glyphs(figure.canvas)
    text = figure.text(0.1, 0.5, "")
    layouts = _freetype_layouts(monkeypatch)
    for number in ["0.4502", "-12,345.6789", "+0.0701", "\u22123.25", "99.9"]:
        text.set_text(number)
        figure.canvas.draw()
    laid_out = [s for _, s in layouts]
    # the first number's characters, the others' on their first appearance in the string, the string
    others = dict.fromkeys(c for c in glyphs.EVERY_NUMBER_PAIR if c not in "0.452")
    assert laid_out == [*"0.452", *others, glyphs.EVERY_NUMBER_PAIR], f"laid out {laid_out}"
    assert set(others) | set("0.452") == glyphs.NUMBER_CHARACTERS


def _freetype_layouts(monkeypatch):
    """A list that collects FreeType's layouts from now on: (its method's name, the text)."""
    import matplotlib.ft2font as ft2font

    layouts = []
    for name in ("_layout", "set_text"):
        method = getattr(ft2font.FT2Font, name)
        monkeypatch.setattr(ft2font.FT2Font, name,
                            lambda font, s, *args, _method=method, _name=name, **kwargs:
                            layouts.append((_name, s)) or _method(font, s, *args, **kwargs))
    return layouts


def test_a_text_with_spaces_is_laid_out_from_its_words_as_freetype_lays_it_out_whole():
    """Kept layouts of words joined at spaces equal FreeType's layout of the whole text, glyph for
    glyph and position for position: seeded random texts (kerning pairs such as "AV" and "Te",
    ligatures such as "fi", a fallback font's symbols) in every family, weight and style the demos use."""
    import random

    from matplotlib.backends.backend_agg import get_hinting_flag
    from matplotlib.font_manager import FontProperties

    from backprop_kit.acceleration import glyphs

    characters = "0123456789-+.,=()[]|/abcdefghijklmnopqrstuvwxyzAVTWYLfiTe\u2202\u2713\u2717\u00d7\u00b2\u2212\u03c3\u00e9" \
                 + " " * 12
    rng = random.Random(11)
    joined = 0
    # a Greek letter before a word of signs (the "-" of "\u03c3 -T" is Greek, not kerned with "T")
    assert not glyphs._joinable("\u03c3 -T") and glyphs._joinable("\u2713 \u2202Loss/\u2202w1  -0.5 | -0.5 \u00e9")
    for dpi in (72, 130):
        canvas = FigureCanvasAgg(Figure(dpi=dpi))
        kept = keep_glyphs(canvas)
        renderer = canvas.get_renderer()
        for _ in range(1000):
            font = FontProperties(size=rng.choice([6, 9.5, 10, 13]), weight=rng.choice(["normal", "bold"]),
                                  style=rng.choice(["normal", "italic"]),
                                  family=rng.choice(["sans-serif", "monospace", "serif"]))
            text = "".join(rng.choice(characters) for _ in range(rng.randint(1, 24)))
            _, mine = glyphs._layout(renderer, kept, text, font)
            whole = renderer._prepare_font(font)._layout(text, flags=get_hinting_flag())
            assert [(f.fname, g, x, y) for f, g, x, y in mine] == \
                   [(i.ft_object.fname, i.glyph_index, i.x, i.y) for i in whole], (text, font)
            joined += " " in text.strip(" ") and glyphs._joinable(text)
    assert joined > 300, "too few texts were joined from words: the test could not fail"


def test_a_word_is_put_together_from_its_characters_as_freetype_lays_it_out_whole():
    """Words (no spaces) put together from their characters' layouts, where each pair of neighbours
    was seen unkerned, equal FreeType's layout of the whole word glyph for glyph and position for
    position: seeded random numbers and words (kerning pairs such as "AV" and "Te", ligatures such
    as "fi", a fallback font's symbols) in every family, weight and style the demos use."""
    import random

    from matplotlib.backends.backend_agg import get_hinting_flag
    from matplotlib.font_manager import FontProperties

    from backprop_kit.acceleration import glyphs

    rng = random.Random(13)
    alphabets = ["0123456789-.", "0123456789-.\u2212e+",
                 "0123456789-+.,=()[]|/abcdefiTeAVWYLfi\u2202\u2713\u00d7\u00b2\u00e9"]
    put_together = 0
    for dpi in (72, 130):
        canvas = FigureCanvasAgg(Figure(dpi=dpi))
        kept = keep_glyphs(canvas)
        renderer = canvas.get_renderer()
        by_freetype = []
        laid_out_by_freetype = glyphs._laid_out_by_freetype
        glyphs._laid_out_by_freetype = lambda renderer, s, *args: by_freetype.append(s) or \
            laid_out_by_freetype(renderer, s, *args)
        try:
            for _ in range(4000):
                font = FontProperties(size=rng.choice([10, 13]), weight=rng.choice(["normal", "bold"]),
                                      style=rng.choice(["normal", "italic"]),
                                      family=rng.choice(["sans-serif", "monospace", "serif"]))
                alphabet = rng.choices(alphabets, weights=[6, 2, 2])[0]
                text = "".join(rng.choice(alphabet) for _ in range(rng.randint(2, 11)))
                by_freetype.clear()
                _, mine = glyphs._layout(renderer, kept, text, font)
                whole = renderer._prepare_font(font)._layout(text, flags=get_hinting_flag())
                assert [(f.fname, g, x, y) for f, g, x, y in mine] == \
                       [(i.ft_object.fname, i.glyph_index, i.x, i.y) for i in whole], (text, font)
                put_together += text not in by_freetype
        finally:
            glyphs._laid_out_by_freetype = laid_out_by_freetype
    assert put_together > 2000, f"{put_together} words put together: the test could not fail"


def test_a_kerned_pair_is_never_put_together():
    """DejaVu Sans kerns "A" and "V": a word holding them is FreeType's, however often its other
    pairs were seen side by side."""
    from matplotlib.backends.backend_agg import get_hinting_flag
    from matplotlib.font_manager import FontProperties

    from backprop_kit.acceleration import glyphs

    canvas = FigureCanvasAgg(Figure(dpi=130))
    kept = keep_glyphs(canvas)
    renderer = canvas.get_renderer()
    font = FontProperties(family="DejaVu Sans", size=13)
    whole = renderer._prepare_font(font)._layout("AV", flags=get_hinting_flag())
    face, [(a_font, a_glyph, _, _)] = glyphs._layout(renderer, kept, "A", font)
    a_advance = glyphs._glyph_box(renderer, kept, face, a_font, a_glyph)[1]
    assert whole[1].x != a_advance / 64, "the font does not kern AV: the test could not fail"
    for word in ["A1", "1A", "V1", "1V", "AV", "VA", "1AV1", "AVA", "VAV", "AAVV", "A1V1A"]:
        _, mine = glyphs._layout(renderer, kept, word, font)
        whole = renderer._prepare_font(font)._layout(word, flags=get_hinting_flag())
        assert [(g, x, y) for _, g, x, y in mine] == [(i.glyph_index, i.x, i.y) for i in whole], word
    pairs = face.side_by_side[True]
    assert pairs[("A", "V")] is False and pairs[("A", "1")] is True
