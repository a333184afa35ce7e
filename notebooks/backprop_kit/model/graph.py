"""The computation-graph model that every notebook draws.

A graph here is a picture of a computation, not an engine: the student's own
forward and backward functions produce the numbers and the notebook writes them
onto the graph.  Keeping the model passive means a wrong student function shows
up as wrong numbers on the right picture.

Each wire (edge) carries, in the CS231n convention, the forward value of its
source above it and the gradient of the final output with respect to that value
below it.  Where a node fans out, each wire may carry its own share of the
gradient (``Edge.grad``); otherwise it shows the source node's total gradient.
"""

from dataclasses import dataclass, field

NODE_KINDS = ("input", "param", "op", "output")


@dataclass
class Node:
    name: str  # key used by the notebook, e.g. "q"
    label: str  # drawn inside the node: "x", "+", "\u00d7", "\u03c3", "ReLU"
    kind: str = "op"
    caption: str = ""  # drawn under the node, e.g. "q = x + y"
    pos: tuple | None = None  # (column, row) to override the automatic layout
    value: object = None
    grad: object = None
    inactive: bool = False  # e.g. a ReLU whose input is negative: drawn greyed out


@dataclass
class Edge:
    src: str
    dst: str
    local: str = ""  # the local derivative as text, e.g. "\u2202f/\u2202q = z"
    grad: object = None  # this wire's share of the gradient; None: use the source's
    wrong: str = ""  # set by a gradient check: what is off on this wire

    @property
    def key(self):
        return (self.src, self.dst)


@dataclass
class ComputationGraph:
    """Nodes and wires of one computation, in the order they were added."""

    title: str = ""
    nodes: dict = field(default_factory=dict)
    edges: list = field(default_factory=list)

    def add_node(self, name, label=None, kind="op", caption="", pos=None):
        if kind not in NODE_KINDS:
            raise ValueError(f"node kind must be one of {NODE_KINDS}; got {kind!r}")
        if name in self.nodes:
            raise ValueError(f"the graph already has a node called {name!r}")
        node = Node(name, name if label is None else label, kind, caption, pos)
        self.nodes[name] = node
        return node

    def add_edge(self, src, dst, local=""):
        for end in (src, dst):
            if end not in self.nodes:
                known = ", ".join(self.nodes)
                raise ValueError(f"a wire names node {end!r}, which is not in the graph ({known})")
        if src == dst:
            raise ValueError(f"a wire cannot go from {src!r} to itself")
        if self.edge(src, dst) is not None:
            raise ValueError(f"the wire {src!r} -> {dst!r} is listed twice")
        edge = Edge(src, dst, local)
        self.edges.append(edge)
        self._check_acyclic()
        return edge

    def edge(self, src, dst):
        return next((e for e in self.edges if e.key == (src, dst)), None)

    def edges_from(self, name):
        return [e for e in self.edges if e.src == name]

    def edges_into(self, name):
        return [e for e in self.edges if e.dst == name]

    def sinks(self):
        """Nodes with no outgoing wire: their output is drawn as a stub to the right."""
        return [n for n in self.nodes.values() if not self.edges_from(n.name)]

    # ---- numbers written by the notebook -------------------------------------------

    def set_values(self, values):
        self._assign("value", values)

    def set_grads(self, grads):
        self._assign("grad", grads)

    def set_edge_grads(self, grads):
        """Per-wire gradient shares, keyed by (src, dst), for nodes that fan out."""
        for key, grad in grads.items():
            edge = self.edge(*key)
            if edge is None:
                raise KeyError(f"no wire {key[0]!r} -> {key[1]!r} in the graph")
            edge.grad = grad

    def clear_marks(self):
        for edge in self.edges:
            edge.wrong = ""

    def mark_wires_from(self, problems):
        """Mark every wire out of each node with its problem (``{node: sentence}``, "" when right);
        clear all other marks."""
        self.clear_marks()
        for name, problem in problems.items():
            for edge in self.edges_from(name):
                edge.wrong = problem

    def _assign(self, attribute, mapping):
        for name, number in mapping.items():
            if name not in self.nodes:
                raise KeyError(f"no node {name!r} in the graph (nodes: {', '.join(self.nodes)})")
            setattr(self.nodes[name], attribute, number)

    # ---- layout ------------------------------------------------------------------

    def layout(self):
        """Return {name: (x, y)}: columns by longest path from an input, rows centred."""
        column = {}
        for name in self.topological_order():
            parents = [e.src for e in self.edges_into(name)]
            column[name] = 1 + max((column[p] for p in parents), default=-1)
        by_column = {}
        for name, col in column.items():
            by_column.setdefault(col, []).append(name)
        positions = {}
        for col, names in by_column.items():
            for row, name in enumerate(names):
                positions[name] = (float(col), (len(names) - 1) / 2.0 - row)
        for node in self.nodes.values():
            if node.pos is not None:
                positions[node.name] = (float(node.pos[0]), float(node.pos[1]))
        return positions

    def topological_order(self):
        """Node names, each after every node with a wire into it (ties in the order they were added)."""
        indegree = {name: len(self.edges_into(name)) for name in self.nodes}
        ready = [name for name in self.nodes if indegree[name] == 0]
        order = []
        while ready:
            name = ready.pop(0)
            order.append(name)
            for edge in self.edges_from(name):
                indegree[edge.dst] -= 1
                if indegree[edge.dst] == 0:
                    ready.append(edge.dst)
        return order

    def _check_acyclic(self):
        if len(self.topological_order()) != len(self.nodes):
            last = self.edges.pop()
            raise ValueError(f"the wire {last.src!r} -> {last.dst!r} would make a cycle")
