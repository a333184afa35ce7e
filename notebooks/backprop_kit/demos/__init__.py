"""One module per notebook: the problem's graph, its live demo and its gradient check.

- ``staged_computation``  notebook 1, CS 189 DIS4 problem 1: f(x, y, z) = (x + y) z in two stages
- ``backprop_practice``   notebook 2, CS 189 DIS4 problem 2: backpropagation practice, (a) to (f)
- ``model_intuition``     notebook 3, CS 189 DIS4 problem 3: initialisation, parameter counts
- ``deep_learning``       notebook 4, CS 188 Disc 7C Q1: forward pass, ReLU-sigmoid net, max classifiers
- ``neural_nets``         notebook 5, CS 188 Disc 7C Q2: a two-weight sigmoid chain and gradient descent
"""
