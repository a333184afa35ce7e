"""Shared code for the backpropagation notebooks.

The folders say what a module is, one small idea per module:

- ``model``    graph (the computation graph), gradcheck (finite differences), steps (a graph's
               forward pass node by node, backward pass wire by wire), twolayer (a two-layer
               network trained by gradient descent)
- ``views``    drawing, wirelabels, layers, gradbars, heatmaps, checklist, curves, surfaces,
               regions, images, typesizes: matplotlib drawings of the model, updated in place;
               texttable (what each figure shows, as tables: its text alternative)
- ``widgets``  live (the persistent figure and sliders), pacing (when a plain ipympl figure's
               frame is sent), needs (what to install, in a sentence),
               reveal (worked values hidden until the student has tried the part), stepper
               (step-through controls for a graph demo), static (a figure drawn once, with its
               text alternative under it)
- ``demos``    one module per notebook that wires the pieces to its problem
- ``checks``   one-line answer checks that the autograder tests call, naming catalogued mistakes
- ``otter_messages``  grader.check shows a check's sentence without Otter's test source (version-gated)
- ``values``   compact text for scalars, vectors and matrices, shared by all of the above

Apart: ``acceleration``, the optional layer that makes a live ipympl figure fast on the
stack it was tested on (private matplotlib and ipympl parts); only ``live`` imports it,
when a live figure is made, and everything works without it.

The package lives inside ``notebooks/`` so that a student who downloads only
that folder (and the Gradescope autograder, which ships a copy) can import it.
"""

__version__ = "0.1.0"
