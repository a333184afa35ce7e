"""Stepping through a computation graph: the forward pass node by node, then the backward pass
wire by wire, each backward step as upstream x local = downstream with its numbers.

The steps are read off a graph whose values and gradients a demo has already written from the
student's own functions (``graph.py``): nothing here computes a value or a gradient.  A demo may
add what it knows besides: the student's own local derivatives (``local``, notebook 5's links)
and finite-difference estimates (``reference``, of gradients; ``local_reference``, of local
derivatives).  With them each backward step says whether its numbers agree, so a wrong local
derivative shows at its own step: the first whose downstream is off while its upstream is right.
"""

from dataclasses import dataclass

import numpy as np

from .gradcheck import RELATIVE_TOLERANCE, relative_error
from ..values import format_value, is_missing

FORWARD, BACKWARD = "forward", "backward"
ARROW = "\u2192"
TIMES = "\u00d7"


@dataclass(frozen=True)
class Step:
    """One step; the view shows ``values`` and ``grads`` reached so far and highlights ``wires``."""

    phase: str  # FORWARD or BACKWARD
    number: int  # 1-based, within its phase
    count: int  # how many steps its phase has
    wires: tuple  # the highlighted wires: (src, dst), or (name, None) for an output's stub
    values: frozenset  # the nodes whose value is shown by now
    grads: frozenset  # the wires (keys as in ``wires``) whose gradient is shown by now
    # what happens, with its numbers, in pieces: (name, text), the name "" for joining words; the
    # named ones ("upstream", "local", "downstream", "value") are what a page marks up
    parts: tuple
    node: str = ""  # a forward step's node, whose value appears
    wire: tuple = ()  # a backward step's wire (src, dst); () for the output's own gradient
    upstream: str = ""  # "df/dq = -4": the gradient at the wire's destination
    local: str = ""  # "\u2202q/\u2202x = 1", with its number where there is one
    downstream: str = ""  # "df/dx = -4": what the wire carries back (its share, where it has one)
    verdict: str = ""  # what finite differences say at this step ("" when nothing is compared)
    ok: object = None  # True agrees, False disagrees, None not compared

    @property
    def heading(self):
        return f"{self.phase} {self.number}/{self.count}"

    @property
    def body(self):
        """What happens: "q = x + y = 3", "x → q: upstream df/dq = -4 × local ... = downstream ..."."""
        return "".join(text for _name, text in self.parts)

    @property
    def text(self):
        """The step in one line: "backward 4/5, x -> q: upstream df/dq = -4 x local ... = downstream df/dx = -4"."""
        return f"{self.heading}, {self.body}"


def build(graph, no_gradient=(), *, reference=None, trusted=(), local=None, local_reference=None,
          tolerance=RELATIVE_TOLERANCE):
    """The steps through ``graph``: forward (its inputs at once, then each node in topological
    order), then backward (the output's gradient 1, then each wire that carries a gradient, from
    the output back).  ``no_gradient`` names nodes whose wires carry no gradient (data, or every
    node of a forward-only drawing).

    ``reference``: {node, or (src, dst) for a wire's own share: a finite-difference estimate};
    ``trusted``: nodes and wires whose gradient the demo worked out itself (from the worksheet's
    functions or finite differences): right as an upstream, not the student's to check;
    ``local``: {(src, dst): the student's own local derivative} (else downstream / upstream);
    ``local_reference``: {(src, dst): a finite-difference estimate of the local derivative}.
    """
    no_gradient = frozenset(no_gradient)
    order = graph.topological_order()
    sinks = [node.name for node in graph.sinks()]
    forward = _forward(graph, order, sinks)
    backward = _Backward(graph, order, sinks, no_gradient, reference, frozenset(trusted), local or {},
                         local_reference or {}, tolerance).steps(frozenset(order))
    return _numbered(forward) + _numbered(backward)


def _numbered(steps):
    return [Step(number=i, count=len(steps), **fields) for i, fields in enumerate(steps, start=1)]


def _stub_or_wires(graph, name, sinks):
    return tuple(e.key for e in graph.edges_from(name)) + (((name, None),) if name in sinks else ())


def _forward(graph, order, sinks):
    """Step fields of the forward pass: the inputs together (they are given), then each node."""
    # what is given: inputs and parameters with no wire in (of a graph still unwired, not its operations)
    inputs = [name for name in order if not graph.edges_into(name) and graph.nodes[name].kind in ("input", "param")]
    steps, shown = [], frozenset()
    if inputs:
        shown = frozenset(inputs)
        listed = ", ".join(f"{name} = {format_value(graph.nodes[name].value)}" for name in inputs)
        wires = tuple(key for name in inputs for key in _stub_or_wires(graph, name, sinks))
        steps.append(dict(phase=FORWARD, wires=wires, values=shown, grads=frozenset(),
                          parts=(("", f"the input{'s' if len(inputs) > 1 else ''} "), ("value", listed))))
    for name in order:
        if name in inputs:
            continue
        shown = shown | {name}
        node = graph.nodes[name]
        said = node.caption or (_output_name(graph, name) if name in sinks else name)
        steps.append(dict(phase=FORWARD, wires=_stub_or_wires(graph, name, sinks), values=shown, grads=frozenset(),
                          node=name, parts=(("value", f"{said} = {format_value(node.value)}"),)))
    return steps


def _output_name(graph, name):
    """An output's name in sentences: its label where that is a word ("Loss" for L), else its name."""
    label = graph.nodes[name].label
    return label if label.isidentifier() else name


def _agree(got, estimate, tolerance):
    """True when two gradients agree as a gradient check says, False when not, None when one is missing."""
    if is_missing(got) or is_missing(estimate):
        return None
    try:
        got, estimate = np.asarray(got, dtype=float), np.asarray(estimate, dtype=float)
    except (TypeError, ValueError):
        return False
    return got.shape == estimate.shape and relative_error(got, estimate) <= tolerance


def _scalar(value):
    """``value`` as a float when it is one number, else None."""
    if is_missing(value):
        return None
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return None
    return float(array) if array.ndim == 0 else None


def _ratio(downstream, upstream):
    """downstream / upstream: the local derivative a backward step used, where upstream is one
    nonzero number (entrywise for a vector downstream); None elsewhere (a Jacobian is no ratio)."""
    up = _scalar(upstream)
    if up is None or up == 0 or is_missing(downstream):
        return None
    try:
        ratio = np.asarray(downstream, dtype=float) / up
    except (TypeError, ValueError):
        return None
    return float(ratio) if ratio.ndim == 0 else ratio


class _Backward:
    """Step fields of the backward pass (one object per build: the graph and what the demo knows)."""

    def __init__(self, graph, order, sinks, no_gradient, reference, trusted, local, local_reference, tolerance):
        self.graph, self.order, self.no_gradient = graph, order, no_gradient
        sinks = [name for name in sinks if name not in no_gradient]
        # the output first (an unwired graph's other nodes have no wire out either)
        self.sinks = [name for name in sinks if graph.nodes[name].kind == "output"] or sinks
        self.reference, self.trusted = reference, trusted
        self.local, self.local_reference = local, local_reference
        self.tolerance = tolerance
        self.output = _output_name(graph, self.sinks[0]) if self.sinks else ""

    def _name(self, node):
        """A node in sentences: the output by its own name ("Loss"), the rest by theirs."""
        return self.output if node in self.sinks else node

    def _gradient_name(self, node):
        return f"d{self.output}/d{self._name(node)}"

    def steps(self, all_values):
        if not self.sinks:  # a forward-only drawing
            return []
        grads = frozenset((name, None) for name in self.sinks)
        start = f"{self._gradient_name(self.sinks[0])} = {format_value(self.graph.nodes[self.sinks[0]].grad)}"
        steps = [dict(phase=BACKWARD, wires=tuple(grads), values=all_values, grads=grads, downstream=start,
                      parts=(("", "start at the output: "), ("downstream", start)))]
        for dst in reversed(self.order):
            for edge in self.graph.edges_into(dst):
                if edge.src in self.no_gradient:
                    continue
                grads = grads | {edge.key}
                steps.append(self._wire(edge, all_values, grads))
        return steps

    def _wire(self, edge, all_values, grads):
        src, dst = edge.src, edge.dst
        up_value = self.graph.nodes[dst].grad
        share = edge.grad is not None
        down_value = edge.grad if share else self.graph.nodes[src].grad
        # a node that fans out with no share per wire shows its total on every wire: no one wire's product
        total = not share and len(self.graph.edges_from(src)) > 1
        up_name, down_name = self._gradient_name(dst), self._gradient_name(src)
        whose = " (this wire's share)" if share else f" (all {len(self.graph.edges_from(src))} wires)" if total else ""
        given = edge.key in self.local
        local_value = self.local[edge.key] if given else None if total else _ratio(down_value, up_value)
        local = self._local_text(edge, local_value)
        upstream = f"{up_name} = {format_value(up_value)}"
        downstream = f"{down_name} = {format_value(down_value)}{whose}"
        verdict, ok = self._verdict(edge, up_value, down_value, local_value if given else None, up_name, down_name)
        wire = f"{src} {ARROW} {self._name(dst)}: "
        if total or (not is_missing(up_value) and _scalar(up_value) is None):  # a Jacobian, or a total
            parts = (("", wire + "downstream "), ("downstream", downstream), ("", " from upstream "),
                     ("upstream", upstream), ("", " through local "), ("local", local))
        else:
            parts = (("", wire + "upstream "), ("upstream", upstream), ("", f" {TIMES} local "), ("local", local),
                     ("", " = downstream "), ("downstream", downstream))
        return dict(phase=BACKWARD, wires=(edge.key,), values=all_values, grads=grads, wire=edge.key,
                    upstream=upstream, local=local, downstream=downstream, verdict=verdict, ok=ok, parts=parts)

    def _local_text(self, edge, value):
        """The wire's local derivative: its written form where it has one ("\u2202f/\u2202q = z"),
        and its number here ("\u2202f/\u2202q = z = -4")."""
        written = edge.local if "\u2202" in edge.local else f"\u2202{self._name(edge.dst)}/\u2202{edge.src}" + (
            f" ({edge.local})" if edge.local else "")
        if is_missing(value):
            return written
        number = format_value(value)
        return written if written.endswith(f"= {number}") else f"{written} = {number}"

    def _reference_of(self, key):
        return ... if self.reference is None else self.reference.get(key, ...)

    def _verdict(self, edge, up, down, local, up_name, down_name):
        """(sentence, ok) for one wire: what finite differences of the student's own code say."""
        where = f"{edge.src} {ARROW} {self._name(edge.dst)}"
        if is_missing(down):
            return f"{down_name} is not computed yet.", None
        if (edge.key if edge.grad is not None else edge.src) in self.trusted:
            return "", None  # worked out by the demo, not the student's: nothing of theirs to check
        local_right = None
        if local is not None:  # the student's own local derivative (not read off the gradients)
            local_right = _agree(local, self.local_reference.get(edge.key, ...), self.tolerance)
            if local_right is False:
                return (f"\u2717 the local derivative on {where} is off: yours is {format_value(local)}, "
                        f"finite differences give {format_value(self.local_reference[edge.key])}."), False
            product = None if _scalar(up) is None or _scalar(local) is None else _scalar(up) * _scalar(local)
            if product is not None and _agree(down, product, self.tolerance) is False:
                return (f"\u2717 upstream {TIMES} local = {format_value(product)}, but {down_name} "
                        f"is {format_value(down)}."), False
        estimate = self._reference_of(edge.key if edge.grad is not None else edge.src)
        if is_missing(estimate):
            if local_right:
                return f"\u2713 the local derivative on {where} matches finite differences.", True
            return "", None
        if _agree(down, estimate, self.tolerance):
            return f"\u2713 {down_name} matches finite differences.", True
        if edge.dst in self.sinks or edge.dst in self.trusted:
            up_right = True  # the output's own gradient is 1 by definition; a trusted one is right
        else:
            up_right = _agree(up, self._reference_of(edge.dst), self.tolerance)
        off = f"{down_name} is off (finite differences give {format_value(estimate)})"
        if up_right:
            return f"\u2717 upstream {up_name} is right, so the local derivative on {where} is off: {off}.", False
        if up_right is False:
            return f"\u2717 {off}, but so is upstream {up_name}: fix the earlier step first.", False
        return f"\u2717 {off}.", False


def first_off(steps):
    """The first step whose numbers disagree with finite differences, or None."""
    return next((step for step in steps if step.ok is False), None)
