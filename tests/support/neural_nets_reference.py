"""Notebook 5 written out by hand, independent of the notebook: the forward pass, the loss, each
local derivative and the update, as the demo's ``Answers``."""

import math

from backprop_kit.demos import neural_nets as nn


def g(z):
    return 1 / (1 + math.exp(-z))


def forward(x, w1, w2):
    z1 = x * w1
    a1 = g(z1)
    z2 = a1 * w2
    return z1, a1, z2, g(z2)


def loss(x, y_star, w1, w2):
    return 0.5 * (forward(x, w1, w2)[3] - y_star) ** 2


LINKS = {
    "dloss_da2": lambda a2, y_star: a2 - y_star,
    "da2_dz2": lambda z2, a2: a2 * (1 - a2),
    "dz2_dw2": lambda a1, w2: a1,
    "dz2_da1": lambda a1, w2: w2,
    "da1_dz1": lambda z1, a1: a1 * (1 - a1),
    "dz1_dw1": lambda x, w1: x,
}


def dloss_dw2(x, y_star, w1, w2):
    z1, a1, z2, a2 = forward(x, w1, w2)
    return (a2 - y_star) * a2 * (1 - a2) * a1


def dloss_dw1(x, y_star, w1, w2):
    z1, a1, z2, a2 = forward(x, w1, w2)
    return (a2 - y_star) * a2 * (1 - a2) * w2 * a1 * (1 - a1) * x


def gradient_step(w1, w2, grad_w1, grad_w2, alpha):
    return w1 - alpha * grad_w1, w2 - alpha * grad_w2


def answers(**changes):
    functions = dict(forward=forward, loss=loss, **LINKS, dloss_dw2=dloss_dw2, dloss_dw1=dloss_dw1,
                     gradient_step=gradient_step)
    functions.update(changes)
    return nn.Answers(**functions)
