"""One persistent figure plus sliders: the live-demo pattern every notebook uses.

With ipympl the figure is itself a widget: a slider move changes artists and the
figure is drawn again, at once when the browser is idle and else when it asks
(``pacing``), so drags coalesce instead of queueing.  Where the acceleration layer
supports the stack (``acceleration/``, imported here only, when a live figure is made)
it takes the figure over: only what changed is redrawn and only the changed pixels
are sent.
Without ipympl (a plain nbconvert run, some hosted notebooks) the same figure is
re-rendered as a PNG into an Image widget: slower, same code.
"""

import asyncio
import html
import importlib.util
import io
import logging
import weakref

from . import needs, pacing

try:  # a student's stack may lack them: one sentence naming what to install, not a traceback
    import matplotlib
    import matplotlib.pyplot as plt
except ImportError as error:
    raise needs.missing("numpy", "matplotlib") from error
needs.check(["numpy", "matplotlib"])  # too old (read from the modules just imported)

try:  # widgets are optional: the drawing and checks work without them
    import ipywidgets as widgets
except ImportError:  # pragma: no cover - the kit's requirements include them
    widgets = None

IPYMPL_BACKEND = "module://ipympl.backend_nbagg"
SLIDER_WIDTH_PX = 320  # a slider with its description and readout: the width of one control
# ipywidgets gives a description 80 px of its 15 px type (5.3 em, ~9 characters) and cuts what is
# longer; a panel with longer names widens every description to the longest (CHAR_EM per
# character: a generous average for the widget font) and every control with it.
LABEL_EM = 80 / 15
CHAR_EM = 0.6
# A figure up to this wide has its controls beside it; a wider one has them above it.
BESIDE_FIGURES_UP_TO_IN = 8
# Set by projector_mode(): how much larger than normal figures and widget text are drawn.
_projector_scale = None
NORMAL_DPI = 100  # a figure's dots per inch at scale 1: one dot a screen pixel
# On a projector no figure text is smaller than this, in screen pixels (CSS px of a 1920x1080
# screen): type that reads from the back of a room
SMALLEST_PROJECTED_PX = 14
# figure -> a weak reference to the Accelerator on it (which holds the figure: held strongly here,
# it would keep every figure alive)
_accelerators = weakref.WeakKeyDictionary()
log = logging.getLogger(__name__)


def _in_kernel():
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and hasattr(shell, "kernel")


def on_cell_run(method):
    """Call the bound ``method`` before every cell the student runs, for as long as its object lives
    (IPython's ``pre_run_cell`` event): a demo forgets what it worked out from the student's code,
    since a cell may change what that code reads.  Returns whether it will be called (only in IPython)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    if shell is None:
        return False
    method = weakref.WeakMethod(method)  # a demo run again replaces this one: let the old one go

    def before_cell(*_info):
        bound = method()
        if bound is None:
            shell.events.unregister("pre_run_cell", before_cell)
        else:
            bound()

    shell.events.register("pre_run_cell", before_cell)
    return True


def use_live_backend():
    """Switch to ipympl where it is installed and we run in a kernel (in Colab, with the widget
    manager ipympl needs there); say which backend.  A package missing or too old for the
    figures and controls gets one printed sentence naming what to install."""
    sentence = needs.problem()
    if sentence is not None:
        print(sentence)
    if not _in_kernel():
        return matplotlib.get_backend()
    from IPython import get_ipython

    shell = get_ipython()
    _enable_colab_widgets()
    if widgets is not None and importlib.util.find_spec("ipympl") is not None:
        try:
            shell.run_line_magic("matplotlib", "widget")
            return "ipympl"
        except Exception as error:  # an ipympl that does not fit this matplotlib: pictures still work
            print(f"ipympl could not start ({type(error).__name__}: {error}), so figures are redrawn as "
                  f'pictures: run  pip install --upgrade ipympl  and then restart the kernel.')
    shell.run_line_magic("matplotlib", "inline")
    return "inline"


def _enable_colab_widgets():
    """In Colab, let third-party widgets (ipympl's figures) show: Colab draws only its own otherwise."""
    try:
        from google.colab import output
    except ImportError:  # not Colab
        return False
    output.enable_custom_widget_manager()
    return True


def is_ipympl():
    """True when pyplot draws with ipympl.

    ``%matplotlib widget`` names the backend "widget" (matplotlib >= 3.9), ``matplotlib.use``
    with the module path keeps the path: both mean ipympl.
    """
    return matplotlib.get_backend() in (IPYMPL_BACKEND, "widget", "ipympl")


class LiveFigure:
    """A figure that is drawn once and refreshed in place.

    ``LiveFigure(ncols=2, width_ratios=[2, 1])`` makes the figure and its axes;
    ``widget`` is what to put in a layout; ``refresh()`` shows the changes.
    With ipympl the acceleration layer redraws only the artists that changed, where
    it supports the stack (``accelerator``; None: drawn plainly); ``blit=False``
    keeps it off (a plain ipympl figure, the tests' reference).
    """

    def __init__(self, nrows=1, ncols=1, figsize=(11, 4.5), blit=True, **subplot_kw):
        with plt.ioff():  # shown by our layout, not by the cell's automatic display
            self.figure, self.axes = plt.subplots(nrows, ncols, figsize=figsize, **subplot_kw)
        self.interactive = is_ipympl()
        self.accelerator = _accelerated(self.figure) if self.interactive and blit else None
        self._pacer = None  # a plain ipympl figure's FramePacer, made when first needed
        if self.interactive:
            canvas = self.figure.canvas
            canvas.header_visible = False
            canvas.footer_visible = False
            canvas.toolbar_visible = False
            canvas.resizable = False
            self.widget = canvas
        else:
            plt.close(self.figure)  # keep it out of pyplot's list so inline shows it only once
            # a picture of the figure in an Image widget, not the figure displayed in an Output widget:
            # nbclient's imitation of an Output widget (in Otter's run of the notebook behind
            # grader.export(), in nbconvert --execute) now and then hangs for ever (jupyter/nbclient#312)
            self.widget = widgets.Image(format="png") if widgets is not None else None
        self.refresh()

    def refresh(self):
        if self.accelerator is not None:
            try:
                if self.accelerator.attached:  # (a failure answering the browser detaches it)
                    self.accelerator.request()
                    return
            except Exception:  # the layer failed on this figure: from now on it is drawn plainly
                log.debug("the acceleration layer failed: the figure is drawn plainly", exc_info=True)
                self.accelerator.detach()
            _accelerators.pop(self.figure, None)
            self.accelerator = None
        if self.interactive:
            if self._pacer is None:
                self._pacer = pacing.FramePacer(self.figure.canvas)
            self._pacer.refresh()
        elif self.widget is not None and _in_kernel():
            picture = io.BytesIO()  # what the inline backend would show: the figure, cropped to its ink
            self.figure.savefig(picture, format="png", bbox_inches="tight")
            self.widget.value = picture.getvalue()

    def work_ahead(self, steps):
        """Run ``steps`` (callables) while the kernel waits, dropping what was left from the last
        call: what the next slider values will need.  Only an accelerated figure does; elsewhere
        nothing runs (the work is only ever ahead of need).  Returns whether they will run."""
        return self.accelerator is not None and self.accelerator.work_ahead(steps)

    def rehearse(self, show_next, show_now):
        """Draw, out of sight, what the next slider step will show anew (texts, the background of
        new limits), so that step finds it drawn: ``show_next()`` sets the figure's artists as that
        step will, ``show_now()`` sets them back exactly as shown (neither refreshes).  A step for
        ``work_ahead``; only an accelerated figure does it.  Returns whether it ran."""
        return self.accelerator is not None and self.accelerator.rehearse(show_next, show_now)


def _accelerated(figure):
    """The acceleration layer's Accelerator on ``figure``, or None where the layer is off, not
    tested on this stack, not shipped (an autograder's copy of the kit) or fails to set up."""
    try:
        from .. import acceleration

        accelerator = acceleration.accelerate(figure)
    except Exception:  # the figure works without it: a student sees no traceback
        log.debug("no acceleration for this figure", exc_info=True)
        return None
    if accelerator is not None:
        _accelerators[figure] = weakref.ref(accelerator)
    return accelerator


def accelerator_of(figure):
    """The Accelerator on ``figure`` (a live figure's), or None: it is drawn plainly."""
    accelerator = _accelerators.get(figure)
    accelerator = accelerator() if accelerator is not None else None
    return accelerator if accelerator is not None and accelerator.attached else None


def slider(name, value, low, high, step=0.1, description=None, integer=False):
    """A labelled slider whose readout can also be typed into."""
    need_widgets()
    kind = widgets.IntSlider if integer else widgets.FloatSlider
    width = round(SLIDER_WIDTH_PX * (_projector_scale or 1))
    options = dict(value=value, min=low, max=high, step=step, description=description or name,
                   continuous_update=True, layout=widgets.Layout(width=f"{width}px"))
    if not integer:
        options["readout_format"] = ".2f"
    return kind(**options)


def next_values(value, moved_by, step, bounds):
    """The values a slider dragged by ``moved_by`` reaches next: one ``step`` on in the direction it
    moved, then one back, within ``bounds`` (low, high); rounded to 9 places, as a kept value's key
    should be (a slider sends -2 + 23 x 0.1 = 0.30000000000000027 for the 0.2 + 0.1 worked out)."""
    step = step if moved_by > 0 else -step
    ahead = [round(value + step, 9), round(value - step, 9)]
    return [v for v in ahead if bounds[0] - 1e-9 <= v <= bounds[1] + 1e-9]


def drawn_ahead(ahead, moved_by, last_moved_by):
    """Of ``ahead`` (``next_values``'), the values whose step to draw ahead (``LiveFigure.rehearse``):
    the next one of a drag that kept its way; none after a turn (back and forth finds its steps kept)."""
    return ahead[:1] if moved_by * last_moved_by > 0 else []


def need_widgets():
    """Controls need ipywidgets (figures and checks do not): one sentence naming it if it is missing."""
    if widgets is None:
        raise needs.missing("ipywidgets")


def _choice(kind, name, options, value):
    """``options`` as a list and the chosen one (the first by default), or a ValueError saying what is wrong."""
    options = list(options)
    if not options:
        raise ValueError(f"{kind} {name!r} needs at least one option")
    value = options[0] if value is None else value
    if value not in options:
        raise ValueError(f"{kind} {name!r}: {value!r} is not one of {options}")
    return options, value


def dropdown(name, options, value=None, description=None):
    """A labelled choice among ``options`` (e.g. activation names); works in ``controls`` like a slider."""
    need_widgets()
    options, value = _choice("dropdown", name, options, value)
    width = round(SLIDER_WIDTH_PX * (_projector_scale or 1))
    return widgets.Dropdown(options=options, value=value, description=description or name,
                            layout=widgets.Layout(width=f"{width}px"))


def toggle(name, options, value=None, description=None):
    """A row of buttons, one per option (e.g. which loss), each wide enough for the longest name."""
    need_widgets()
    options, value = _choice("toggle", name, options, value)
    button_em = CHAR_EM * max(len(str(option)) for option in options) + 1  # the name and the padding
    buttons = widgets.ToggleButtons(options=options, value=value, description=description or name,
                                    style={"button_width": f"{button_em:.1f}em"},
                                    layout=widgets.Layout(width="max-content"))
    # ipywidgets 8 puts a toggle's description above its buttons: beside them, as a slider's, it
    # takes one row, not two
    buttons.add_class("widget-inline-hbox")
    return buttons


def controls(sliders, on_change):
    """Call ``on_change(**values)`` whenever any control in {name: widget} moves; return the panel.

    The panel lays its controls out in rows as wide as it is: one column beside a narrow
    figure, rows across the page above a wide one (see ``app``)."""

    def changed(_event=None):
        on_change(**{name: s.value for name, s in sliders.items()})

    for s in sliders.values():
        s.observe(changed, names="value")
    return panel(list(sliders.values()))


def panel(controls):
    """A box of ``controls`` that wraps them into rows, descriptions widened to the longest."""
    need_widgets()
    described = [c for c in controls if c.description and not isinstance(c, widgets.Checkbox)]
    label_em = max([LABEL_EM] + [CHAR_EM * len(c.description) + 0.5 for c in described])
    for control in described:
        control.style.description_width = f"{label_em:.1f}em"
        # a width in px is widened by the description's extra room (once: controls may share a Layout)
        if label_em > LABEL_EM and (control.layout.width or "").endswith("px"):
            control.layout.width = f"calc({control.layout.width} + {label_em - LABEL_EM:.1f}em)"
    return widgets.Box(controls, layout=widgets.Layout(display="flex", flex_flow="row wrap",
                                                         align_items="flex-start", align_content="flex-start"))


def app(control_panel, live_figure, *below):
    """The controls and the live figure, the widgets in ``below`` under them.

    Beside a narrow figure the controls stand in a column on its left; above a wide one they
    run in rows across the page, so that the whole demo fits one screen (a projector's 1080
    rows at the demo's scale) instead of a column of controls pushing the figure down.  A
    ``Readout`` in ``below`` is shown there with its toggle (its tables on screen) last among
    the controls."""
    need_widgets()
    below = [place_readout(control_panel, item) if isinstance(item, Readout) else item for item in below]
    top = widgets.HBox([control_panel, live_figure.widget])
    figure_width, _height = live_figure.figure.get_size_inches()
    if figure_width <= BESIDE_FIGURES_UP_TO_IN:
        control_panel.layout.flex_flow = "column"
        control_panel.layout.flex = "0 0 auto"
    else:
        control_panel.layout.width = "100%"
    # where even a column and a narrow figure do not fit (a narrow notebook) the figure goes under
    top.layout.flex_flow = "row wrap"
    return widgets.VBox([top, *below]) if below else top


def place_readout(control_panel, readout):
    """Put ``readout``'s toggle (its tables on screen) last among the controls; returns its widget."""
    if readout.toggle is not None:
        control_panel.children = (*control_panel.children, readout.toggle)
    return readout.widget


# A Readout's tables are sent once the controls have been still this long (s): a drag sends none
# on the way, a single step shows its numbers well within a second.
TABLES_AFTER_S = 0.3
# The tables of a Readout, while its toggle is off: out of sight but read by screen readers (the
# usual "visually hidden" rules), so the projected demo keeps its one screen.
VISUALLY_HIDDEN = ("position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; overflow: hidden; "
                   "clip: rect(0 0 0 0); clip-path: inset(50%); white-space: nowrap; border: 0")


TABLE_TOGGLE = "Table of values"  # what shows a figure's tables on screen (live and static figures alike)


def text_alternative_region(tables, hidden=False):
    """``tables`` (HTML from views/texttable.py) in the region that holds a figure's text
    alternative; ``hidden``: out of sight, still read by a screen reader."""
    style = f' style="{VISUALLY_HIDDEN}"' if hidden else ""
    return f'<div class="bpk-text-alternative" role="region" aria-label="the figure as tables"{style}>{tables}</div>'


class Readout:
    """The current numbers as text beside the figure, and the figure's text alternative.

    ``show({"f": "-12", "df/dx": "-4"}, tables)`` renders one line (``line``) of name = value pairs;
    each pair is a ``<span data-name=...>`` so a test can find a number without parsing the figure.
    ``tables`` (HTML from ``views/texttable.py``: what the figure shows, as captioned tables) go in
    their own widget (``table_area``, a ``div.bpk-text-alternative``), always there for a screen
    reader and shown on screen while ``toggle`` (a button "Table of values", which ``app`` puts
    among the controls) is on.  ``widget`` holds both.

    In a kernel the tables follow the controls once they rest (TABLES_AFTER_S): the browser lays
    out the whole tables again on every new value, and while a slider moves that work would hold
    up the figure's next frame.
    """

    def __init__(self):
        self.values = {}
        self.tables = ()
        self.toggle = self.line = self.table_area = self.widget = None
        self._pending = None
        if widgets is not None:
            self.line = widgets.HTML()
            self.table_area = widgets.HTML()
            self.widget = widgets.VBox([self.line, self.table_area])
            self.toggle = widgets.ToggleButton(value=False, description=TABLE_TOGGLE, icon="table",
                                               tooltip="Show the figure's numbers as tables (always there "
                                                       "for a screen reader)",
                                               layout=widgets.Layout(width="auto"))
            self.toggle.observe(lambda _change: self._render_tables(), names="value")

    def show(self, values, tables=None):
        """Show ``values`` ({name: text}) and, when given, new ``tables`` (HTML strings)."""
        self.values = dict(values)
        self._render_line()
        if tables is not None:
            self.tables = tuple(tables)
            self._render_tables_when_still()

    @property
    def text_alternative(self):
        """The tables' HTML, as the page gets it."""
        return "".join(self.tables)

    def _render_line(self):
        if self.line is None:
            return
        spans = " &nbsp; ".join(
            f'<span class="bpk-readout" data-name="{html.escape(name)}">{html.escape(name)} = '
            f"<b>{html.escape(text)}</b></span>" for name, text in self.values.items())
        text = f'<div style="font-size: 1.1em">{spans}</div>'
        if self.line.value != text:  # an unchanged readout sends nothing to the page
            self.line.value = text

    def _render_tables_when_still(self):
        if self._pending is not None:
            self._pending.cancel()
            self._pending = None
        loop = _running_loop() if _in_kernel() else None
        if loop is None:  # no kernel's event loop (a script, a test): at once
            self._render_tables()
        else:
            self._pending = loop.call_later(TABLES_AFTER_S, self._render_tables)

    def _render_tables(self):
        if self._pending is not None:  # the toggle, or the timer itself: what waits is done now
            self._pending.cancel()
            self._pending = None
        if self.table_area is None:
            return
        text = ""
        if self.tables:
            shown = self.toggle is not None and self.toggle.value
            text = text_alternative_region(self.text_alternative, hidden=not shown)
        if self.table_area.value != text:
            self.table_area.value = text


def _running_loop():
    """The kernel's asyncio loop while it handles a message or runs a cell, else None."""
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def projector_css(scale):
    """Style rules that make widget text, sliders and headings ``scale`` times their usual size."""

    def px(size):
        return f"{round(size * scale)}px"

    return f"""<style>
:root, body {{
  --jp-widgets-font-size: {px(15)};
  --jp-widgets-inline-height: {px(28)};
  --jp-widgets-inline-label-width: {px(80)};
  --jp-widgets-slider-handle-size: {px(16)};
  --jp-content-font-size1: {px(14)};
  --jp-ui-font-size1: {px(13)};
  --jp-code-font-size: {px(13)};
}}
/* ipympl draws a resize handle on its top canvas whenever it is live: no use on a projector */
.jupyter-matplotlib-canvas-div canvas + canvas {{ opacity: 0; }}
.jp-RenderedMarkdown h1 {{ font-size: {px(26)}; }}
.jp-RenderedMarkdown h2 {{ font-size: {px(20)}; }}
.jp-RenderedMarkdown h3 {{ font-size: {px(17)}; }}
.jp-OutputArea-output pre {{ font-size: {px(13)}; line-height: 1.35; }}
</style>"""


def projector_mode(scale=1.3):
    """Big type for a projector, for every figure and widget made after this call.

    Figures are drawn at ``scale`` times the usual dpi (text, lines and canvas all
    grow together and stay sharp) without ipympl's header, footer, toolbar and resize
    handle, and their smallest type is raised to SMALLEST_PROJECTED_PX on screen
    (``smallest_text_pt``: the views read it when they are made); sliders get ``scale``
    times wider; a style rule scales widget text.  The demo app (``./kit demo``) calls this
    first.  Returns the style as a widget to display (a widget, because notebook HTML outputs
    lose their <style> when untrusted).
    """
    global _projector_scale
    if isinstance(scale, bool) or not isinstance(scale, (int, float)) or not 0.5 <= scale <= 3:
        raise ValueError(f"projector_mode(scale): scale must be a number from 0.5 to 3; got {scale!r}")
    _projector_scale = float(scale)
    matplotlib.rcParams["figure.dpi"] = NORMAL_DPI * _projector_scale
    hook = f"{__name__}:plain_canvas"
    if hook not in matplotlib.rcParams["figure.hooks"]:
        matplotlib.rcParams["figure.hooks"] = [*matplotlib.rcParams["figure.hooks"], hook]
    if widgets is None:
        return None
    return widgets.HTML(projector_css(_projector_scale))


def smallest_text_pt():
    """The smallest type, in points, for a figure made now: what a projector shows at
    SMALLEST_PROJECTED_PX (projector_mode: figures at ``scale`` x NORMAL_DPI dots per inch), or None
    outside projector mode, where the drawings keep their own sizes."""
    if _projector_scale is None:
        return None
    return SMALLEST_PROJECTED_PX * 72 / (NORMAL_DPI * _projector_scale)


def plain_canvas(figure):
    """Only the plot: no ipympl title bar, toolbar, status line or resize handle (a pyplot figure hook)."""
    canvas = figure.canvas
    if hasattr(canvas, "header_visible"):  # an ipympl canvas
        canvas.header_visible = False
        canvas.footer_visible = False
        canvas.toolbar_visible = False
        canvas.resizable = False
