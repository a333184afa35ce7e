"""A small two-layer network trained by full-batch gradient descent, in plain numpy.

x (inputs) -> hidden layer (tanh, sigmoid or ReLU) -> one sigmoid output, with the
mean binary cross-entropy as the loss.  Small enough that a slider move retrains it
from scratch in a few milliseconds, which is what the initialisation demos need.

Every sum over hidden units' inputs is written with broadcasting rather than a
matrix product on purpose: each hidden unit then goes through exactly the same
floating-point operations in the same order, so hidden units that start identical
stay *bitwise* identical (a BLAS matrix product may round different rows
differently, which would blur the symmetry the demo is about).
"""

from dataclasses import dataclass, field

import numpy as np

INITIALISATIONS = ("zeros", "constant", "random")


def _sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))  # the same function, without overflow warnings


ACTIVATIONS = {
    # name: (phi, phi' written in terms of z and h = phi(z), so that training reuses h)
    "tanh": (np.tanh, lambda z, h: 1.0 - h ** 2),
    "sigmoid": (_sigmoid, lambda z, h: h * (1.0 - h)),
    "relu": (lambda z: np.maximum(z, 0.0), lambda z, h: (z > 0).astype(float)),  # ReLU'(0) = 0
}


@dataclass
class Parameters:
    W1: np.ndarray  # (hidden, inputs): row j holds hidden unit j's incoming weights
    b1: np.ndarray  # (hidden,)
    w2: np.ndarray  # (hidden,): the output unit's weight on each hidden unit
    b2: float

    def copy(self):
        return Parameters(self.W1.copy(), self.b1.copy(), self.w2.copy(), float(self.b2))

    def units(self):
        """One row per hidden unit with everything it owns: [incoming weights | bias | outgoing weight]."""
        return np.column_stack([self.W1, self.b1, self.w2])


def initialise(kind, inputs, hidden, constant=0.5, scale=0.5, seed=0):
    """Parameters for ``kind``: "zeros", "constant" (every weight = ``constant``) or "random".

    Biases start at zero in every scheme, as is usual; "random" draws the weights from a
    normal distribution with standard deviation ``scale`` (seeded, so demos repeat).
    """
    if kind not in INITIALISATIONS:
        raise ValueError(f"initialisation must be one of {INITIALISATIONS}; got {kind!r}")
    if int(inputs) < 1 or int(hidden) < 1:
        raise ValueError(f"inputs and hidden must be at least 1; got inputs={inputs}, hidden={hidden}")
    shape = (int(hidden), int(inputs))
    if kind == "zeros":
        W1, w2 = np.zeros(shape), np.zeros(shape[0])
    elif kind == "constant":
        W1, w2 = np.full(shape, float(constant)), np.full(shape[0], float(constant))
    else:
        rng = np.random.default_rng(seed)
        W1, w2 = rng.normal(0.0, scale, shape), rng.normal(0.0, scale, shape[0])
    return Parameters(W1, np.zeros(shape[0]), w2, 0.0)


def _check_activation(activation):
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {tuple(ACTIVATIONS)}; got {activation!r}")


# ndarray.sum without its Python wrapper: the same reduction, and most of the cost of a sum
# over arrays this small (training sums a dozen times a step)
_sum = np.add.reduce


def forward(params, X, activation="tanh"):
    """Return (Z1, H, p): hidden pre-activations, hidden outputs, output probabilities."""
    _check_activation(activation)
    return _forward(params, X, activation)


def _forward(params, X, activation):
    phi, _ = ACTIVATIONS[activation]
    Z1 = _sum(X[:, None, :] * params.W1[None, :, :], axis=2) + params.b1
    H = phi(Z1)
    p = _sigmoid(_sum(H * params.w2, axis=1) + params.b2)
    return Z1, H, p


def loss(params, X, y, activation="tanh"):
    """Mean binary cross-entropy of the network's output probabilities against labels y in {0, 1}."""
    return _cross_entropy(forward(params, X, activation)[2], y)


def _cross_entropy(p, y):
    # np.clip and np.mean, spelt out: the same operations without their wrappers' cost, which
    # is most of the time on arrays this small (training calls this at every step)
    p = np.minimum(np.maximum(p, 1e-12), 1 - 1e-12)
    return float(-(_sum(y * np.log(p) + (1 - y) * np.log(1 - p)) / p.size))


def gradients(params, X, y, activation="tanh"):
    """Backpropagation: the gradient of ``loss`` as a Parameters of the same shapes."""
    _check_activation(activation)
    return _loss_and_gradients(params, X, y, activation)[1]


def _loss_and_gradients(params, X, y, activation):
    """(loss, gradients) from one forward pass: training needs both at every step."""
    _, dphi = ACTIVATIONS[activation]
    Z1, H, p = _forward(params, X, activation)
    dz2 = (p - y) / len(y)  # sigmoid output with cross-entropy: dL/dz2 = (p - y) / N
    dw2 = _sum(dz2[:, None] * H, axis=0)
    db2 = float(_sum(dz2))
    dZ1 = dz2[:, None] * params.w2[None, :] * dphi(Z1, H)
    dW1 = _sum(dZ1[:, :, None] * X[:, None, :], axis=0)
    db1 = _sum(dZ1, axis=0)
    return _cross_entropy(p, y), Parameters(dW1, db1, dw2, db2)


@dataclass
class History:
    """What one training run did, one entry per gradient step (index 0 = before training)."""

    params: list = field(default_factory=list)  # Parameters after each step (0: the initial ones)
    losses: list = field(default_factory=list)
    first_layer_grad_norms: list = field(default_factory=list)  # ||dL/dW1|| at each step taken

    @property
    def final(self):
        return self.params[-1]


def train(params, X, y, activation="tanh", learning_rate=0.5, epochs=200):
    """Full-batch gradient descent from ``params`` (left unchanged); returns the History."""
    _check_activation(activation)
    if int(epochs) < 0:
        raise ValueError(f"epochs must be 0 or more; got {epochs}")
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    if X.ndim != 2 or y.shape != (X.shape[0],):
        raise ValueError(f"X must be (points, inputs) and y (points,); got {X.shape} and {y.shape}")
    current = params.copy()
    history = History([current.copy()], [], [])
    for _ in range(int(epochs)):
        current_loss, grad = _loss_and_gradients(current, X, y, activation)
        history.losses.append(current_loss)
        flat = grad.W1.ravel()
        history.first_layer_grad_norms.append(float(np.sqrt(flat.dot(flat))))  # np.linalg.norm's sum
        current = Parameters(current.W1 - learning_rate * grad.W1, current.b1 - learning_rate * grad.b1,
                             current.w2 - learning_rate * grad.w2, current.b2 - learning_rate * grad.b2)
        history.params.append(current)
    history.losses.append(loss(current, X, y, activation))
    return history


def xor_blobs(points_per_blob=20, noise=0.35, seed=0):
    """A toy data set one hidden unit cannot fit: four blobs, label 1 where x1 * x2 > 0."""
    rng = np.random.default_rng(seed)
    centres = np.array([[1, 1], [-1, -1], [1, -1], [-1, 1]], dtype=float)
    X = np.concatenate([c + noise * rng.normal(size=(points_per_blob, 2)) for c in centres])
    y = np.repeat([1.0, 1.0, 0.0, 0.0], points_per_blob)
    return X, y
