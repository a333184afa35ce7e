"""Text alternatives: what a figure shows, as HTML tables a screen reader can read.

Every live figure has one, shown under it by ``widgets/live.py``'s ``Readout`` and updated with
the controls: for a computation graph, a table of each node's forward value and gradient (and
of the wires that carry their own share of a gradient or that a check flagged); for the other
drawings, short tables of what they show (``rows_table``), built here from the views' own state.
Each is a real ``<table>`` with a ``<caption>`` and ``<th scope>`` headers, so that a screen
reader names the row and the column of every number.  A table says what its figure says and no
more: a number the figure hides until the student has tried the part (``widgets/reveal.py``) is
"?" here too, because the tables read the views' texts and the model's numbers, never answers.
"""

from html import escape

import numpy as np

from ..values import MISSING, format_number, format_value, is_missing

NOT_DIFFERENTIATED = "not differentiated"
CELL = "padding: 1px 8px; text-align: left"


def table(caption, columns, rows):
    """A ``<table>`` captioned ``caption``: ``columns`` are the column headers (the first one heads
    the row headers), each row's first cell is its row header.  Every cell is text (escaped)."""
    if not columns:
        raise ValueError("a table needs at least one column header")
    head = "".join(f'<th scope="col" style="{CELL}">{escape(str(c))}</th>' for c in columns)
    body = []
    for row in rows:
        row = list(row)
        if len(row) != len(columns):
            raise ValueError(f"a row of {caption!r} has {len(row)} cells for {len(columns)} columns: {row}")
        first, rest = row[0], row[1:]
        cells = "".join(f'<td style="{CELL}">{escape(str(v))}</td>' for v in rest)
        body.append(f'<tr><th scope="row" style="{CELL}">{escape(str(first))}</th>{cells}</tr>')
    # side by side where they fit (the page's line height is a slider's: too tall for rows of numbers)
    return (f'<table class="bpk-text-table" style="display: inline-table; vertical-align: top; '
            f'border-collapse: collapse; margin: 4px 24px 4px 0; line-height: 1.3">'
            f'<caption style="text-align: left; font-weight: bold">{escape(caption)}</caption>'
            f'<thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>')


def rows_table(caption, rows, columns=("quantity", "value")):
    """Simple label/value rows (``[(label, value), ...]`` or longer rows with ``columns`` to match)."""
    return table(caption, list(columns), [[*row] for row in rows])


def full_value(value):
    """Every entry of a number, a vector or a matrix (a wire shows a matrix as its shape and norm;
    a table has room for all of it): matrices row by row, rows separated by semicolons."""
    if is_missing(value):
        return MISSING
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return MISSING
    if array.ndim == 0:
        return format_number(array)
    if array.ndim == 1:
        return "[" + ", ".join(format_number(v) for v in array) + "]"
    if array.ndim == 2:
        return "; ".join("[" + ", ".join(format_number(v) for v in row) + "]" for row in array)
    return format_value(value)


def _name(node):
    """How a node is named in a table: its caption (``q = x + y``), else its label."""
    return node.caption or node.label


def graph_table(view):
    """The table of a drawn computation graph (a ``GraphView``, or a bare ``ComputationGraph``):
    one row per node with its forward value and the gradient of the output with respect to it,
    then, where there are any, the wires that carry their own share of a gradient (a fan-out) or
    that a gradient check flagged, and the drawing's message."""
    graph = getattr(view, "graph", view)
    no_gradient = getattr(view, "no_gradient", frozenset())
    title = graph.title or "the computation graph"
    rows = []
    for node in graph.nodes.values():
        gradient = NOT_DIFFERENTIATED if node.name in no_gradient else full_value(node.grad)
        state = "off (no gradient flows through it)" if node.inactive else ""
        rows.append([_name(node), full_value(node.value), gradient + (f"; {state}" if state else "")])
    html = table(f"{title}: each node's forward value (above its wires) and gradient (below them)",
                 ["node", "forward value", "gradient of the output"], rows)
    wires = []
    for edge in graph.edges:
        if edge.src in no_gradient or (edge.grad is None and not edge.wrong):
            continue
        share = full_value(edge.grad if edge.grad is not None else graph.nodes[edge.src].grad)
        mark = "\u2717 disagrees with finite differences" if edge.wrong else ""
        src, dst = graph.nodes[edge.src], graph.nodes[edge.dst]
        wires.append([f"{src.label} \u2192 {_name(dst)}", share + ("" if edge.grad is None else " (its share)"),
                      mark or "\u2014"])
    if wires:
        html += table("wires with their own gradient: a fan-out's shares (they add up to the node's total) "
                      "and wires a check flagged", ["wire", "gradient it carries back", "check"], wires)
    message = getattr(view, "message", "")
    if message:
        html += f"<p>{escape(message)}</p>"
    return html


def heatmap_table(heatmap):
    """A ``GradientHeatmap`` entry by entry: yours beside the finite-difference estimate, as drawn
    (a hidden estimate is "?", a wrong entry keeps its cross)."""
    rows = []
    vector = len(heatmap.shape) < 2
    for r in range(heatmap.rows):
        for c in range(heatmap.cols):
            index = f"[{r}]" if vector else f"[{r}, {c}]"
            rows.append([f"{heatmap.label}{index}", heatmap.your_texts[r][c].get_text(),
                         heatmap.estimate_texts[r][c].get_text()])
    return table(f"{heatmap.label}: yours beside finite differences ({heatmap.status})",
                 ["entry", "yours", "finite differences"], rows)


def bars_table(bars):
    """``GradientBars`` as drawn: each gradient, yours (solid bar) and finite differences (hatched)."""
    return table("your gradients (solid bars) beside finite differences (hatched bars)",
                 ["gradient", "yours", "finite differences"], bars.shown)


def curves_table(curves, caption):
    """``LiveCurves``: each curve's first and last point and how many points it has."""
    xlabel = curves.ax.get_xlabel() or "x"
    rows = []
    for name, line in curves.lines.items():
        xs, ys = np.asarray(line.get_xdata(), dtype=float), np.asarray(line.get_ydata(), dtype=float)
        if not len(xs):
            rows.append([name, "0", MISSING, MISSING])
            continue
        rows.append([name, str(len(xs)), f"{xlabel} {format_number(xs[0])}: {format_number(ys[0])}",
                     f"{xlabel} {format_number(xs[-1])}: {format_number(ys[-1])}"])
    note = curves.note.get_text()
    return table(caption + (f" ({note})" if note else ""), ["curve", "points", "first", "last"], rows)


def checklist_table(checklist, caption):
    """A ``CheckList``'s lines: each quantity with its status in words as well as its symbol."""
    words = {"\u2713": "matches", "\u2717": "off", "?": "not checked yet"}
    rows = []
    for text in checklist.texts():
        if text:
            symbol, _, rest = text.partition(" ")
            rows.append([rest.strip(), words.get(symbol, symbol)])
    footer = checklist.footer.get_text()
    return table(caption + (f": {footer}" if footer else ""), ["line", "status"], rows)


def regions_table(regions, caption):
    """``DecisionRegions``: every point, the side it wants and whether the shading puts it there
    (with no classifier drawn, nothing is shaded and no point is judged), and the figure's note."""
    rows = []
    for (x1, x2), wants, wrong in zip(regions.points, regions.labels, regions.misclassified):
        rows.append([f"({format_number(x1)}, {format_number(x2)})",
                     "\u00d7, wants f \u2265 0" if wants else "\u2022, wants f < 0",
                     ("misclassified" if wrong else "right") if regions.shaded else "not shaded"])
    count = int(np.sum(regions.misclassified))
    judged = f"{count} of {len(rows)} points misclassified" if regions.shaded else "nothing shaded"
    note = regions.note.get_text().replace("\n", " ") if regions.note.get_visible() else ""
    return table(f"{caption}: {judged}" + (f" ({note})" if note else ""),
                 ["point (x1, x2)", "class", "shading"], rows)


def layers_table(view, caption):
    """A ``LayeredNetworkView``: each layer (its kind and width, hatched linear layers named so)
    and the weight matrix between each pair of layers."""
    drawn = view.describe()
    rows = [[label.replace("\n", ", "), "hatched: linear units" if kind == "linear" else kind]
            for label, kind in zip(drawn["labels"], view.kinds)]
    rows += [[gap.split(":")[0], f"weight matrix of shape{gap.split(':', 1)[1]}"] for gap in drawn["gaps"]]
    return table(caption, ["layer or matrix", "what it is"], rows)
