"""Widgets: the live figure and its controls.

- ``live``  one persistent figure plus sliders (ipympl, inline pictures without it), and the
            readout that carries the figure's text alternative
- ``pacing`` when a plain ipympl figure's new frame is sent: at once when the browser is idle
- ``needs`` what the kit needs installed, said in one sentence when it is missing or too old
- ``stepper`` step-through controls for a graph demo: forward node by node, backward wire by wire
- ``reveal`` predict, then reveal: a graded part's worked values stay hidden until it is tried
- ``static`` a figure drawn once, shown with its text alternative (a "Table of values") under it
"""
