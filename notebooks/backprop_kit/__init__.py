"""Shared code for the backpropagation notebooks.

One small idea per module:

- ``graph``     the computation-graph model (nodes, wires, local derivatives)
- ``values``    compact text for scalars, vectors and matrices
- ``drawing``   matplotlib drawing of a graph, updated in place
- ``gradcheck`` centred finite differences and gradient comparison
- ``checks``    one-line answer checks used by the autograder tests
- ``live``      the persistent live figure (ipympl, inline fallback) and sliders
- ``needs``     what the kit needs installed, said in one sentence when it is missing
- ``twolayer``  a small two-layer network trained by gradient descent (numpy only)
- ``layers``    a fully connected network drawn as columns of units, updated in place
- ``images``    grid images (surfaces, heat maps): ``ax.imshow`` for what the kit draws
- ``demos``     one module per notebook that wires the pieces to its problem

Apart: ``acceleration``, the optional layer that makes a live ipympl figure fast on the
stack it was tested on (private matplotlib and ipympl parts); only ``live`` imports it,
when a live figure is made, and everything works without it.

The package lives inside ``notebooks/`` so that a student who downloads only
that folder (and the Gradescope autograder, which ships a copy) can import it.
"""

__version__ = "0.1.0"
