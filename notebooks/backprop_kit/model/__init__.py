"""The teaching model, with no drawing: what every notebook computes.

- ``graph``     the computation graph (nodes, wires, local derivatives, forward and backward)
- ``gradcheck`` centred finite differences and gradient comparison
- ``steps``     stepping through a graph: forward node by node, backward wire by wire
- ``twolayer``  a small two-layer network trained by gradient descent (numpy only)
"""
