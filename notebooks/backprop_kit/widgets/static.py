"""A static figure (drawn once, no controls), shown with its text alternative right under it.

A live figure carries its tables in a ``live.Readout``; a figure drawn once gets the same tables
(``views/texttable.py``) in the same region, inside a ``<details>`` whose summary is "Table of
values": closed, it is one line under the figure (the projected demo keeps its room) that a
keyboard or a screen reader opens like any disclosure.  It is plain HTML, not a widget, so it needs
no script and stays with the figure in a saved notebook, nbconvert's HTML and Colab.

``figure(...)`` makes the figure out of pyplot's automatic display, and ``show(figure, tables)``
shows it, then its tables: otherwise ipympl and the inline backend would show the figure after
the cell has run, below a text alternative written while it ran.
"""

from html import escape

import matplotlib
import matplotlib.pyplot as plt

from . import live

# The inline backend as pyplot names it (matplotlib >= 3.9 after %matplotlib inline, and before)
INLINE_BACKENDS = ("inline", "module://matplotlib_inline.backend_inline")


def figure(nrows=1, ncols=1, **subplot_kw):
    """A new figure and its axes (``plt.subplots``), kept for ``show`` to display."""
    with plt.ioff():  # not queued for the cell's automatic display: show() places it
        return plt.subplots(nrows, ncols, **subplot_kw)


def text_alternative(tables):
    """The HTML of a static figure's text alternative: ``tables`` (HTML strings from
    views/texttable.py) in a Readout's region, in a closed "Table of values" disclosure."""
    tables = "".join(tables)
    if "<table" not in tables:
        raise ValueError("a text alternative needs at least one table (from views/texttable.py)")
    return (f'<details class="bpk-static-figure-text"><summary style="cursor: pointer">'
            f'{escape(live.TABLE_TOGGLE)}</summary>{live.text_alternative_region(tables)}</details>')


def show(figure, tables):
    """Display ``figure`` (made by ``figure()``), then its text alternative ``tables``.

    With ipympl the figure is its canvas (a widget); with the inline backend it is a picture, and
    closed so that the cell's automatic display does not show it twice; on any other backend
    (a script, a test) it is left to pyplot."""
    from IPython.display import HTML, display

    if live.is_ipympl():
        display(figure.canvas)
    elif matplotlib.get_backend() in INLINE_BACKENDS:
        display(figure)
        plt.close(figure)
    display(HTML(text_alternative(tables)))
