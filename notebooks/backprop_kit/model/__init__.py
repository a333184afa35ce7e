"""The teaching model, with no drawing: what every notebook computes.

- ``graph``     the computation graph (nodes, wires, local derivatives, forward and backward)
- ``gradcheck`` centred finite differences and gradient comparison
- ``twolayer``  a small two-layer network trained by gradient descent (numpy only)
"""
