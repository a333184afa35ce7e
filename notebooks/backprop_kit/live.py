"""One persistent figure plus sliders: the live-demo pattern every notebook uses.

With ipympl the figure is itself a widget: a slider move changes artists and
calls ``draw_idle``, which only requests a draw, so fast drags coalesce instead
of queueing.  Without ipympl (a plain nbconvert run, some hosted notebooks) the
same figure is re-rendered as a PNG into an Output widget: slower, same code.
"""

import html
import importlib.util

import matplotlib
import matplotlib.pyplot as plt

try:  # widgets are optional: the drawing and checks work without them
    import ipywidgets as widgets
    from IPython.display import clear_output, display
except ImportError:  # pragma: no cover - the kit's requirements include them
    widgets = None

IPYMPL_BACKEND = "module://ipympl.backend_nbagg"


def _in_kernel():
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and hasattr(shell, "kernel")


def use_live_backend():
    """Switch to ipympl where it is installed and we run in a kernel; say which backend."""
    if _in_kernel() and importlib.util.find_spec("ipympl") is not None:
        from IPython import get_ipython

        get_ipython().run_line_magic("matplotlib", "widget")
        return "ipympl"
    if _in_kernel():
        from IPython import get_ipython

        get_ipython().run_line_magic("matplotlib", "inline")
        return "inline"
    return matplotlib.get_backend()


def is_ipympl():
    return matplotlib.get_backend() == IPYMPL_BACKEND


class LiveFigure:
    """A figure that is drawn once and refreshed in place.

    ``LiveFigure(ncols=2, width_ratios=[2, 1])`` makes the figure and its axes;
    ``widget`` is what to put in a layout; ``refresh()`` shows the changes.
    """

    def __init__(self, nrows=1, ncols=1, figsize=(11, 4.5), **subplot_kw):
        with plt.ioff():  # shown by our layout, not by the cell's automatic display
            self.figure, self.axes = plt.subplots(nrows, ncols, figsize=figsize, **subplot_kw)
        self.interactive = is_ipympl()
        if self.interactive:
            canvas = self.figure.canvas
            canvas.header_visible = False
            canvas.footer_visible = False
            canvas.toolbar_visible = False
            canvas.resizable = False
            self.widget = canvas
        else:
            plt.close(self.figure)  # keep it out of pyplot's list so inline shows it only once
            self.widget = widgets.Output() if widgets is not None else None
        self.refresh()

    def refresh(self):
        if self.interactive:
            self.figure.canvas.draw_idle()
        elif self.widget is not None and _in_kernel():
            with self.widget:
                clear_output(wait=True)
                display(self.figure)


def slider(name, value, low, high, step=0.1, description=None, integer=False):
    """A labelled slider whose readout can also be typed into."""
    kind = widgets.IntSlider if integer else widgets.FloatSlider
    options = dict(value=value, min=low, max=high, step=step, description=description or name,
                   continuous_update=True, layout=widgets.Layout(width="320px"))
    if not integer:
        options["readout_format"] = ".2f"
    return kind(**options)


def dropdown(name, options, value=None, description=None):
    """A labelled choice among ``options`` (e.g. activation names); works in ``controls`` like a slider."""
    options = list(options)
    if not options:
        raise ValueError(f"dropdown {name!r} needs at least one option")
    value = options[0] if value is None else value
    if value not in options:
        raise ValueError(f"dropdown {name!r}: {value!r} is not one of {options}")
    return widgets.Dropdown(options=options, value=value, description=description or name,
                            layout=widgets.Layout(width="320px"))


def controls(sliders, on_change):
    """Call ``on_change(**values)`` whenever any slider in {name: slider} moves; return a VBox."""

    def changed(_event=None):
        on_change(**{name: s.value for name, s in sliders.items()})

    for s in sliders.values():
        s.observe(changed, names="value")
    return widgets.VBox(list(sliders.values()))


def app(control_panel, live_figure, *below):
    """Controls on the left, the live figure on the right, the widgets in ``below`` under them."""
    top = widgets.HBox([control_panel, live_figure.widget])
    return widgets.VBox([top, *below]) if below else top


class Readout:
    """The current numbers as text beside the figure: readable by screen readers and by browser tests.

    ``show({"f": "-12", "df/dx": "-4"})`` renders one line of name = value pairs; each pair
    is a ``<span data-name=...>`` so a test can find a number without parsing the figure.
    """

    def __init__(self):
        self.widget = widgets.HTML() if widgets is not None else None
        self.values = {}

    def show(self, values):
        self.values = dict(values)
        if self.widget is not None:
            spans = " &nbsp; ".join(
                f'<span class="bpk-readout" data-name="{html.escape(name)}">{html.escape(name)} = '
                f"<b>{html.escape(text)}</b></span>" for name, text in self.values.items())
            self.widget.value = f'<div style="font-size: 1.1em">{spans}</div>'
