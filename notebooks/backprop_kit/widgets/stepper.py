"""Step-through controls for a graph demo: the forward pass node by node, then the backward pass
wire by wire, at a person's pace or played for a room.

A "step through" toggle beside the demo's readout shows the controls in the readout's place (the
readout would tell every number at once, and a demo must still fit a projector's screen): a step
slider (focused, the arrow keys move it), previous and next buttons, a reset, and play at a chosen
pace (a Play widget linked to the slider in the browser, so it runs in JupyterLab and in Voila
alike).  The step's line is written over the drawing, and in a line of HTML that a screen reader
reads out as it changes.  The demo supplies ``make_steps()``, which reads the steps off its graph
at the current setting; the drawing asks for the current step at each refresh
(``GraphView.step_with``), so the steps follow the demo's own controls too.  Public ipywidgets
only (7.7 and 8).
"""

import html

from . import live

try:  # widgets are optional: the drawing and checks work without them
    import ipywidgets as widgets
except ImportError:  # pragma: no cover - the kit's requirements include them
    widgets = None

# name -> milliseconds per step while playing
PACES = {"slow (3 s)": 3000, "steady (2 s)": 2000, "brisk (1 s)": 1000, "fast (0.5 s)": 500}
PACE = "steady (2 s)"


class Stepper:
    """Step controls for ``views`` (a GraphView, or several of which ``shown()`` gives the one on
    screen) in ``live_figure``; ``make_steps()`` returns the steps (``model.steps.build``)."""

    def __init__(self, make_steps, live_figure, views, readout=None, shown=None):
        live.need_widgets()
        self._make = make_steps
        self.figure = live_figure
        self.views = list(views) if isinstance(views, (list, tuple)) else [views]
        self._shown = shown or (lambda: self.views[0])
        self.steps = []
        self._reuse = False  # a move of the step slider shows a step of the steps already made
        self._quiet = False  # the slider's range is being fitted: its value may move, nothing to show
        self.toggle = widgets.ToggleButton(value=False, description="step through",
                                           tooltip="The forward pass node by node, then the backward pass "
                                                   "wire by wire (arrow keys on the step slider)",
                                           layout=widgets.Layout(width="max-content"))
        self.slider = live.slider("step", 1, 1, 1, 1, integer=True)
        self.previous = self._button("\u25c0 previous", lambda: self.go(self.slider.value - 1))
        self.next = self._button("next \u25b6", lambda: self.go(self.slider.value + 1))
        self.reset = self._button("reset", self.restart)
        self.play = widgets.Play(value=1, min=1, max=1, step=1, interval=PACES[PACE], description="play",
                                 show_repeat=False)
        # in the browser: play moves the slider even while the kernel is busy, and the slider the play
        widgets.jslink((self.play, "value"), (self.slider, "value"))
        self.pace = widgets.Dropdown(options=list(PACES), value=PACE, description="pace",
                                     layout=widgets.Layout(width="max-content"))
        self.pace.style.description_width = "initial"
        self.pace.observe(lambda change: setattr(self.play, "interval", PACES[change["new"]]), names="value")
        # for screen readers (and tests): drawn over the figure for everyone else, so 1 px here
        self.line = widgets.HTML(layout=widgets.Layout(width="1px", height="1px", overflow="hidden", margin="0"))
        self.controls = [self.previous, self.slider, self.next, self.reset, self.play, self.pace]
        self.row = widgets.HBox(self.controls, layout=widgets.Layout(flex_flow="row wrap", align_items="center"))
        self.readout = readout
        if readout is not None:  # it takes the room the toggle leaves; its text wraps there
            readout.layout.flex = "1 1 0%"
            readout.layout.min_width = "0"
        self.widget = widgets.HBox([*([readout] if readout is not None else []), self.toggle, self.row, self.line],
                                   layout=widgets.Layout(flex_flow="row wrap", align_items="center"))
        self.slider.observe(self._moved, names="value")
        self.toggle.observe(lambda change: self.turn(change["new"]), names="value")
        self._show_controls(False)

    @staticmethod
    def _button(text, action):
        button = widgets.Button(description=text, layout=widgets.Layout(width="max-content"))
        button.on_click(lambda _button: action())
        return button

    # ---- what the buttons and the slider do ---------------------------------------------------

    @property
    def on(self):
        return self.toggle.value

    def turn(self, on):
        """Step mode on (controls shown, the drawing from the current step) or off (the full view)."""
        if self.toggle.value != on:
            self.toggle.value = on  # observed: comes back here
            return
        self._show_controls(on)
        for view in self.views:
            view.step_with(self.current if on else None)
        self._show()

    def _show_controls(self, on):
        for control in self.controls:
            control.disabled = not on  # off: no control to move (and none a test drives)
        self.row.layout.display = "flex" if on else "none"
        if self.readout is not None:
            self.readout.layout.display = "none" if on else None

    def go(self, number):
        """Show step ``number`` (1-based; kept within the steps there are)."""
        self.slider.value = min(max(number, self.slider.min), self.slider.max)

    def restart(self):
        """Back to the first step (and stop playing, where the Play widget can be told to)."""
        if "playing" in self.play.trait_names():  # ipywidgets 8; 7's Play stops at the end by itself
            self.play.playing = False
        self.go(1)

    def _moved(self, _change):
        if self._quiet or not self.on:
            return
        self._reuse = True
        try:
            self._show()
        finally:
            self._reuse = False

    def _show(self):
        self._shown().refresh()
        self.figure.refresh()

    # ---- the step shown ------------------------------------------------------------------------

    def current(self):
        """The step to draw now (the drawing calls this at each refresh in step mode): the steps made
        afresh from the demo's graph, unless only the step slider moved."""
        problem = ""
        if not (self._reuse and self.steps):
            try:
                self.steps = list(self._make())
            except Exception as error:  # a student's function failing in a way no check caught: the full view
                self.steps, problem = [], f"No steps to show: {type(error).__name__}: {error}"
            self._fit_range(len(self.steps))
        if not self.steps:
            self.line.value = html.escape(problem)
            return None
        step = self.steps[min(self.slider.value, len(self.steps)) - 1]
        self.line.value = step_html(step)
        return step

    def _fit_range(self, count):
        count = max(count, 1)
        if self.slider.max == count:
            return
        self._quiet = True
        try:
            for control in (self.slider, self.play):
                if control.value > count:
                    control.value = count
                control.max = count
        finally:
            self._quiet = False


def step_html(step):
    """The step as a line of HTML (read aloud as it changes): each number in a span a test can find."""
    def span(name, text):
        if not name:
            return html.escape(text)
        return f'<span class="bpk-step-part" data-name="{name}">{html.escape(text)}</span>'

    body = "".join(span(name, text) for name, text in step.parts)
    verdict = f"<br>{span('verdict', step.verdict)}" if step.verdict else ""
    wire = html.escape(" -> ".join(step.wire)) if step.wire else ""
    return (f'<div class="bpk-step" aria-live="polite" data-phase="{step.phase}" data-number="{step.number}" '
            f'data-wire="{wire}" style="font-size: 1.1em"><b>{html.escape(step.heading)}</b>, {body}{verdict}</div>')


def app(control_panel, live_figure, views, make_steps, readout, *below, shown=None):
    """``live.app`` with the step toggle beside the ``readout`` (a ``live.Readout``, its tables'
    toggle among the controls): ``views``, ``make_steps`` and ``shown`` as for ``Stepper``.  The
    stepper is kept on the app (``app.stepper``)."""
    stepper = Stepper(make_steps, live_figure, views, live.place_readout(control_panel, readout), shown)
    layout = live.app(control_panel, live_figure, stepper.widget, *below)
    layout.stepper = stepper
    return layout
