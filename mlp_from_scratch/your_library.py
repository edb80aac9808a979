"""Your library: the pieces you wrote in notebooks 04 to 09, gathered for notebook 09.

``load()`` finds your earlier notebooks, takes each piece's solution cell (by its nbgrader
``grade_id``), runs that cell alone in a fresh namespace holding only ``np`` and ``math``,
checks the piece quickly against the package, and returns a namespace of pieces::

    lib = mfs.your_library.load()          # prints one line per piece: yours or the reference
    model = lib.Sequential(lib.Dense(W1, b1), lib.ReLU(), lib.Dense(W2, b2))

A piece that is missing, unanswered (``NotImplementedError``), raises, or fails its check is
replaced by a reference with the same contract (the classes and functions below), so a
missing piece costs only its own points. Nothing else of a notebook runs: no other cell,
no output, no global of the notebook.

The contract of every piece (arrays are ``(batch, features)``):

- ``Dense(W, b)``: W ``(in, out)``, b ``(out,)``; ``params = {"W": W, "b": b}``, ``grads``;
  ``forward(x, training=False)`` ``(batch, in) -> (batch, out)``; ``backward(grad_y)``
  ``(batch, out) -> (batch, in)``, filling ``grads["W"]``, ``grads["b"]``; float32 stays float32.
- ``ReLU()``, ``Tanh()``, ``Sigmoid()``: no parameters, the same ``forward`` / ``backward``.
- ``Sequential(*layers)``: ``forward(x, training=False)``, ``backward(grad_y) -> grad_x``,
  ``parameters()`` and ``gradients()`` (lists of arrays, layer by layer, in the same order).
- ``check_layer_gradients(layer, x)``: the largest relative error of a layer's backward
  against central differences.
- ``init_weights(fan_in, fan_out, kind, rng)``: W ``(fan_in, fan_out)`` float32, kind "he"
  or "xavier".
- ``Adam(lr, beta1, beta2, eps)``, ``Nesterov(lr, momentum)``, ``AdamW(lr, beta1, beta2,
  eps, weight_decay)``: ``step(p, g)`` updates ONE array ``p`` in place.
- ``layernorm_backward(grad_out, x, gamma, eps=1e-5) -> (grad_x, grad_gamma, grad_beta)``.
- ``softmax_cross_entropy(z, y) -> (loss, grad_z)``: mean over the batch, stable for large z.
- ``train_loop(model, loss, optimizer, X, y, num_epochs, batch_size, rng)`` -> batch losses.
- ``fit_early_stopping(model, loss, optimizer, X, y, X_val, y_val, max_epochs, patience,
  batch_size, rng)`` -> (validation accuracies per epoch, best epoch, from 1).
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import types
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np

from .activations import relu, relu_derivative, sigmoid, sigmoid_derivative, tanh, tanh_derivative
from .layers import Dense as _PackageDense
from .losses import SoftmaxCrossEntropy
from .optimizers import SGD
from .optimizers import Adam as _PackageAdam
from .optimizers import AdamW as _PackageAdamW
from .training import minibatches

# ---------------------------------------------------------------------------------------
# The references: the same contract as your pieces, built on the package where it serves.
# ---------------------------------------------------------------------------------------


class Dense:
    """A dense layer. W: (in, out), b: (out,); x: (batch, in) -> (batch, out)."""

    def __init__(self, W: np.ndarray, b: np.ndarray) -> None:
        self.params = {"W": W, "b": b}
        self.grads: dict[str, np.ndarray] = {}

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        self.x = x
        return x @ self.params["W"] + self.params["b"]

    def backward(self, grad_y: np.ndarray) -> np.ndarray:
        """grad_y: (batch, out) -> grad_x (batch, in); fills grads["W"] (in, out), grads["b"] (out,)."""
        self.grads["W"] = self.x.T @ grad_y
        self.grads["b"] = grad_y.sum(axis=0)
        return grad_y @ self.params["W"].T


class _Elementwise:
    """An activation a = f(z), elementwise: (batch, features) -> (batch, features)."""

    function: Callable[[np.ndarray], np.ndarray]
    derivative: Callable[[np.ndarray], np.ndarray]

    def __init__(self) -> None:
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        self.x = x
        return type(self).function(x).astype(x.dtype, copy=False)

    def backward(self, grad_y: np.ndarray) -> np.ndarray:
        return (grad_y * type(self).derivative(self.x)).astype(grad_y.dtype, copy=False)


class ReLU(_Elementwise):
    function, derivative = relu, relu_derivative


class Tanh(_Elementwise):
    function, derivative = tanh, tanh_derivative


class Sigmoid(_Elementwise):
    function, derivative = sigmoid, sigmoid_derivative


class Sequential:
    """Layers applied in order; parameters() / gradients() list every layer's arrays."""

    def __init__(self, *layers) -> None:
        self.layers = list(layers)

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        for layer in self.layers:
            x = layer.forward(x, training)
        return x

    def backward(self, grad_y: np.ndarray) -> np.ndarray:
        for layer in reversed(self.layers):
            grad_y = layer.backward(grad_y)
        return grad_y

    def parameters(self) -> list[np.ndarray]:
        return [p for layer in self.layers for p in layer.params.values()]

    def gradients(self) -> list[np.ndarray]:
        return [layer.grads[name] for layer in self.layers for name in layer.params]


def check_layer_gradients(layer, x: np.ndarray, seed: int = 0, h: float = 1e-5) -> float:
    """Largest relative error of ``layer.backward`` (grad_x and every grads[name]) against
    central differences of L = sum(forward(x) * R), for a fixed random R; x: (batch, in)."""
    x = np.array(x, dtype=np.float64)
    R = np.random.default_rng(seed).standard_normal(layer.forward(x).shape)
    analytic = {"x": layer.backward(R)}
    analytic.update({name: np.array(g, copy=True) for name, g in layer.grads.items()})
    errors = []
    for name, array in [("x", x), *layer.params.items()]:
        numeric = np.zeros(array.shape)
        for i in np.ndindex(array.shape):
            saved = array[i]
            array[i] = saved + h
            plus = np.sum(layer.forward(x) * R)
            array[i] = saved - h
            minus = np.sum(layer.forward(x) * R)
            array[i] = saved
            numeric[i] = (plus - minus) / (2 * h)
        scale = np.maximum(np.abs(analytic[name]) + np.abs(numeric), 1e-12)
        errors.append(float(np.max(np.abs(analytic[name] - numeric) / scale)))
    return max(errors)


def init_weights(fan_in: int, fan_out: int, kind: str, rng: np.random.Generator) -> np.ndarray:
    """Random W (fan_in, fan_out), float32, at the "he" or "xavier" scale (the package's Dense)."""
    if kind not in ("he", "xavier"):
        raise ValueError(f"unknown kind {kind!r}; choose 'he' or 'xavier'")
    return _PackageDense(fan_in, fan_out, rng=rng, init=kind).params["W"]


class Adam:
    """Adam for ONE array: step(p, g) updates p (any shape) in place (the package's Adam)."""

    def __init__(self, lr: float = 1e-3, beta1: float = 0.9, beta2: float = 0.999,
                 eps: float = 1e-8) -> None:
        self._adam = _PackageAdam(lr, beta1, beta2, eps)

    def step(self, p: np.ndarray, g: np.ndarray) -> None:
        self._adam.step([p], [g])


class Nesterov:
    """Nesterov momentum for ONE array (the package's SGD with ``nesterov=True``)."""

    def __init__(self, lr: float, momentum: float = 0.9) -> None:
        self._sgd = SGD(lr, momentum=momentum, nesterov=True)

    def step(self, p: np.ndarray, g: np.ndarray) -> None:
        self._sgd.step([p], [g])


class AdamW:
    """Adam with decoupled weight decay for ONE array (the package's AdamW)."""

    def __init__(self, lr: float = 1e-3, beta1: float = 0.9, beta2: float = 0.999,
                 eps: float = 1e-8, weight_decay: float = 1e-2) -> None:
        self._adamw = _PackageAdamW(lr, beta1, beta2, eps, weight_decay)

    def step(self, p: np.ndarray, g: np.ndarray) -> None:
        self._adamw.step([p], [g])


def _layer_normalize(x: np.ndarray, eps: float) -> np.ndarray:
    """Each row standardised over its own features (layer norm before gamma and beta)."""
    return (x - x.mean(axis=1, keepdims=True)) / np.sqrt(x.var(axis=1, keepdims=True) + eps)


def layernorm_backward(grad_out: np.ndarray, x: np.ndarray, gamma: np.ndarray,
                       eps: float = 1e-5) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Backward of y = gamma * x_hat + beta, x_hat = layer-normalised x. grad_out, x:
    (batch, features); gamma: (features,). grad_x by central differences of x_hat in
    float64 (one nudge per feature, in every row at once): notebook 08's task derives the
    formula, which this reference does not write out."""
    x64, g_hat = x.astype(np.float64), (grad_out * gamma).astype(np.float64)   # dL/dx_hat
    h = 1e-5 * np.sqrt(x64.var(axis=1) + eps)                                  # a step per row
    grad_x = np.empty_like(x64)
    for k in range(x.shape[1]):
        nudge = np.zeros_like(x64)
        nudge[:, k] = h
        change = _layer_normalize(x64 + nudge, eps) - _layer_normalize(x64 - nudge, eps)
        grad_x[:, k] = (g_hat * change).sum(axis=1) / (2 * h)
    x_hat = _layer_normalize(x64, eps)
    return (grad_x.astype(grad_out.dtype), (grad_out * x_hat).sum(axis=0).astype(grad_out.dtype),
            grad_out.sum(axis=0))


def softmax_cross_entropy(z: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean cross-entropy of the softmax of logits z (batch, classes) with labels y (batch,),
    and its gradient (batch, classes) in z's dtype (the package's loss)."""
    loss, grad = SoftmaxCrossEntropy()(z, y)
    return float(loss), grad


def train_loop(model, loss, optimizer, X: np.ndarray, y: np.ndarray, num_epochs: int,
               batch_size: int, rng: np.random.Generator) -> list[float]:
    """Mini-batch training, a new order from rng every epoch (the package's minibatches);
    returns the batch losses."""
    losses = []
    for _ in range(num_epochs):
        for X_batch, y_batch in minibatches(X, y, batch_size, rng=rng):
            value, grad = loss(model.forward(X_batch, training=True), y_batch)
            model.backward(grad)
            optimizer.step(model.parameters(), model.gradients())
            losses.append(value)
    return losses


def fit_early_stopping(model, loss, optimizer, X, y, X_val, y_val, max_epochs: int,
                       patience: int, batch_size: int, rng: np.random.Generator):
    """train_loop one epoch at a time; stops after ``patience`` epochs without a better
    validation accuracy, and ends with the best epoch's parameters in the model.
    Returns (the validation accuracy of every epoch, the best epoch counted from 1)."""
    accuracies, best, best_params = [], 0, None
    for epoch in range(1, max_epochs + 1):
        train_loop(model, loss, optimizer, X, y, 1, batch_size, rng)
        accuracies.append(float(np.mean(model.forward(X_val, training=False).argmax(axis=1) == y_val)))
        if best == 0 or accuracies[-1] > accuracies[best - 1]:
            best, best_params = epoch, [p.copy() for p in model.parameters()]
        elif epoch - best >= patience:
            break
    for p, kept in zip(model.parameters(), best_params):
        p[...] = kept
    return accuracies, best


# ---------------------------------------------------------------------------------------
# The quick checks: each raises AssertionError with what is wrong, never the answer.
# ---------------------------------------------------------------------------------------


def _close(name: str, got, want, rtol: float = 1e-4, atol: float = 1e-6) -> None:
    got = np.asarray(got)
    assert got.shape == np.shape(want), f"{name} has shape {got.shape}, expected {np.shape(want)}"
    assert np.allclose(got, want, rtol=rtol, atol=atol), f"{name} differs from the reference"


def _layer_agrees(make, reference, x: np.ndarray, name: str) -> None:
    """forward, backward (float64 values, float32 dtypes) of layer make() against reference."""
    rng = np.random.default_rng(1)
    grad_y = rng.standard_normal(reference.forward(x).shape)
    ours, theirs = make(), reference
    _close(f"{name}.forward(x)", ours.forward(x, training=False), theirs.forward(x))
    _close(f"{name}.backward(grad_y)", ours.backward(grad_y), theirs.backward(grad_y))
    for key in theirs.grads:
        _close(f"{name}.grads[{key!r}]", ours.grads.get(key), theirs.grads[key])
    x32, g32 = x.astype(np.float32), grad_y.astype(np.float32)
    ours = make(np.float32)
    assert ours.forward(x32).dtype == np.float32, f"{name}.forward turns float32 into float64"
    assert ours.backward(g32).dtype == np.float32, f"{name}.backward turns float32 into float64"


def _check_dense(pieces) -> None:
    rng = np.random.default_rng(0)
    W, b, x = rng.standard_normal((4, 3)), rng.standard_normal(3), rng.standard_normal((5, 4))
    made = pieces.Dense(W.copy(), b.copy())
    assert set(made.params) == {"W", "b"}, "Dense.params should hold 'W' and 'b'"
    _layer_agrees(lambda dtype=np.float64: pieces.Dense(W.astype(dtype), b.astype(dtype)),
                  Dense(W, b), x, "Dense")


def _check_activations(pieces) -> None:
    x = np.random.default_rng(0).standard_normal((5, 4)) * 3
    for name in ("ReLU", "Tanh", "Sigmoid"):
        _layer_agrees(lambda dtype=np.float64, name=name: getattr(pieces, name)(),
                      globals()[name](), x, name)
    with np.errstate(over="raise"):
        try:
            out = pieces.Sigmoid().forward(np.array([[-1000.0, 1000.0]]))
        except FloatingPointError:
            raise AssertionError("Sigmoid overflows for large |z|") from None
    _close("Sigmoid.forward([-1000, 1000])", out, [[0.0, 1.0]])


def _check_sequential(pieces) -> None:
    rng = np.random.default_rng(0)
    shapes = [(4, 6), (6,), (6, 3), (3,)]
    arrays = [rng.standard_normal(s) for s in shapes]
    x, modes = rng.standard_normal((5, 4)), []

    class Probe(ReLU):
        def forward(self, x, training=False):
            modes.append(training)
            return super().forward(x, training)

    def build(make):
        return make(Dense(arrays[0].copy(), arrays[1].copy()), Probe(),
                    Dense(arrays[2].copy(), arrays[3].copy()))

    ours, theirs = build(pieces.Sequential), build(Sequential)
    _close("Sequential.forward(x)", ours.forward(x, training=True), theirs.forward(x))
    assert modes[0] is True, "Sequential.forward does not pass training=True on to its layers"
    grad_y = rng.standard_normal((5, 3))
    _close("Sequential.backward(grad_y)", ours.backward(grad_y), theirs.backward(grad_y))
    for what, got, want in (("parameters()", ours.parameters(), theirs.parameters()),
                            ("gradients()", ours.gradients(), theirs.gradients())):
        got = list(got)
        assert len(got) == 4, f"Sequential.{what} holds {len(got)} arrays for 2 Dense layers, expected 4"
        for i, (a, b) in enumerate(zip(got, want)):
            _close(f"Sequential.{what}[{i}]", a, b)
    assert ours.parameters()[0] is ours.layers[0].params["W"], (
        "Sequential.parameters() should give the layers' own arrays, so an optimizer updates them")


def _check_check_layer_gradients(pieces) -> None:
    rng = np.random.default_rng(0)
    W, b, x = rng.standard_normal((3, 2)), rng.standard_normal(2), rng.standard_normal((4, 3))
    right = pieces.check_layer_gradients(Dense(W.copy(), b.copy()), x.copy())
    assert right < 1e-6, "check_layer_gradients finds a large error in a correct Dense layer"

    class Broken(Dense):
        def backward(self, grad_y):
            grad_x = super().backward(grad_y)
            self.grads["W"] = 2 * self.grads["W"]
            return grad_x

    wrong = pieces.check_layer_gradients(Broken(W.copy(), b.copy()), x.copy())
    assert wrong > 1e-2, "check_layer_gradients misses a wrong grads['W']"


def _check_init_weights(pieces) -> None:
    for kind, std in (("he", math.sqrt(2 / 400)), ("xavier", math.sqrt(2 / 700))):
        W = pieces.init_weights(400, 300, kind, np.random.default_rng(0))
        assert isinstance(W, np.ndarray) and W.shape == (400, 300), (
            f"init_weights(400, 300, {kind!r}, rng) should be an array of shape (400, 300)")
        assert W.dtype == np.float32, f"init_weights gives {W.dtype}, not float32"
        assert abs(W.std() / std - 1) < 0.05 and abs(W.mean()) < 0.05 * std, (
            f"init_weights(400, 300, {kind!r}, rng) has the wrong spread")
    again = pieces.init_weights(5, 4, "he", np.random.default_rng(3))
    assert np.array_equal(again, pieces.init_weights(5, 4, "he", np.random.default_rng(3))), (
        "init_weights does not draw from the rng passed in")


def _check_optimizer(make_ours: Callable, make_reference: Callable, name: str) -> None:
    rng = np.random.default_rng(0)
    p0, grads = rng.standard_normal((3, 4)), rng.standard_normal((5, 3, 4))
    ours, theirs = p0.copy(), p0.copy()
    a, b, other = make_ours(), make_reference(), make_ours()
    for k, g in enumerate(grads, 1):
        a.step(ours, g.copy())
        other.step(np.zeros(2), np.ones(2))        # a second object must not share state
        b.step(theirs, g.copy())
        _close(f"{name}: p after step {k}", ours, theirs, rtol=1e-6, atol=1e-9)


def _check_adam(pieces) -> None:
    _check_optimizer(lambda: pieces.Adam(lr=0.01), lambda: Adam(lr=0.01), "Adam")


def _check_nesterov(pieces) -> None:
    _check_optimizer(lambda: pieces.Nesterov(0.1, 0.9), lambda: Nesterov(0.1, 0.9), "Nesterov")


def _check_adamw(pieces) -> None:
    _check_optimizer(lambda: pieces.AdamW(0.01, 0.9, 0.999, 1e-8, 0.1),
                     lambda: AdamW(0.01, 0.9, 0.999, 1e-8, 0.1), "AdamW")


def _check_layernorm_backward(pieces) -> None:
    rng = np.random.default_rng(0)
    g, x, gamma = rng.standard_normal((4, 5)), rng.standard_normal((4, 5)), rng.standard_normal(5)
    got = pieces.layernorm_backward(g, x, gamma)
    for name, a, b in zip(("grad_x", "grad_gamma", "grad_beta"), got, layernorm_backward(g, x, gamma)):
        _close(f"layernorm_backward's {name}", a, b)


def _check_softmax_cross_entropy(pieces) -> None:
    rng = np.random.default_rng(0)
    z, y = rng.standard_normal((6, 4)) * 3, rng.integers(0, 4, 6)
    value, grad = pieces.softmax_cross_entropy(z.copy(), y.copy())
    want_value, want_grad = softmax_cross_entropy(z, y)
    _close("softmax_cross_entropy's loss", value, want_value)
    _close("softmax_cross_entropy's grad_z", grad, want_grad)
    with np.errstate(all="ignore"):
        value, grad = pieces.softmax_cross_entropy(z.astype(np.float32) * 1e4, y)
    assert np.isfinite(value) and np.isfinite(grad).all(), "softmax_cross_entropy overflows for logits of 1e4"
    assert grad.dtype == np.float32, "softmax_cross_entropy turns float32 logits into a float64 gradient"


def _stand_ins():
    """A 3-4-2 model of the reference pieces, a per-array Adam, and 40 rows of two
    separated clusters (learnable)."""
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 40)
    X = rng.standard_normal((40, 3)) + 2.0 * (2 * y[:, None] - 1)
    model = Sequential(Dense(rng.standard_normal((3, 4)), np.zeros(4)), ReLU(),
                       Dense(rng.standard_normal((4, 2)), np.zeros(2)))
    return model, PerArray(lambda: Adam(lr=0.05)), X, y


def _check_train_loop(pieces) -> None:
    model, optimizer, X, y = _stand_ins()
    before = [p.copy() for p in model.parameters()]
    losses = pieces.train_loop(model, softmax_cross_entropy, optimizer, X, y, 3, 16,
                               np.random.default_rng(5))
    losses = np.asarray(list(losses), dtype=np.float64)
    assert losses.shape == (9,), (f"train_loop returned {losses.size} batch losses for 3 epochs "
                                  "of 40 rows in batches of 16, expected 9")
    assert all(not np.array_equal(a, b) for a, b in zip(model.parameters(), before)), (
        "train_loop left some parameters unchanged")
    assert losses[-3:].mean() < losses[:3].mean(), "train_loop: the loss did not fall"


def _check_fit_early_stopping(pieces) -> None:
    (m1, o1, X, y), (m2, o2, _, _) = _stand_ins(), _stand_ins()
    got = pieces.fit_early_stopping(m1, softmax_cross_entropy, o1, X, y, X[:20], y[:20], 6, 2, 16,
                                    np.random.default_rng(5))
    want = fit_early_stopping(m2, softmax_cross_entropy, o2, X, y, X[:20], y[:20], 6, 2, 16,
                              np.random.default_rng(5))
    _close("fit_early_stopping's validation accuracies", list(got[0]), want[0])
    assert int(got[1]) == want[1], "fit_early_stopping's best epoch differs from the reference"
    for i, (a, b) in enumerate(zip(m1.parameters(), m2.parameters())):
        _close(f"the parameters after fit_early_stopping ({i})", a, b)


class PerArray:
    """optimizer.step(params, grads) from one-array optimizers: make() gives each
    parameter array its own (e.g. make = lambda: lib.Adam(lr=1e-3))."""

    def __init__(self, make: Callable[[], object]) -> None:
        self.make, self.optimizers = make, []

    def step(self, params: list[np.ndarray], grads: list[np.ndarray]) -> None:
        while len(self.optimizers) < len(params):
            self.optimizers.append(self.make())
        for optimizer, p, g in zip(self.optimizers, params, grads):
            optimizer.step(p, g)


# ---------------------------------------------------------------------------------------
# The pieces and where they are
# ---------------------------------------------------------------------------------------

#: (label, notebook, solution cell grade_id, names the cell defines, check), in teaching order.
PIECES = [
    ("Dense", "04_backpropagation", "nb04_dense_layer", ("Dense",), _check_dense),
    ("ReLU, Tanh, Sigmoid", "04_backpropagation", "nb04_activation_layers",
     ("ReLU", "Tanh", "Sigmoid"), _check_activations),
    ("Sequential", "04_backpropagation", "nb04_sequential", ("Sequential",), _check_sequential),
    ("check_layer_gradients", "04_backpropagation", "nb04_check_layer_gradients",
     ("check_layer_gradients",), _check_check_layer_gradients),
    ("init_weights", "05_initialization", "nb05_init_weights", ("init_weights",), _check_init_weights),
    ("Adam", "06_optimizers", "nb06_adam", ("Adam",), _check_adam),
    ("Nesterov", "06_optimizers", "nb06_nesterov", ("Nesterov",), _check_nesterov),
    ("AdamW", "06_optimizers", "nb06_adamw", ("AdamW",), _check_adamw),
    ("layernorm_backward", "08_batch_normalization", "nb08_layernorm_backward",
     ("layernorm_backward",), _check_layernorm_backward),
    ("softmax_cross_entropy", "09_mnist", "nb09_softmax_cross_entropy",
     ("softmax_cross_entropy",), _check_softmax_cross_entropy),
    ("train_loop", "09_mnist", "nb09_training_loop", ("train_loop",), _check_train_loop),
    ("fit_early_stopping", "09_mnist", "nb09_early_stopping", ("fit_early_stopping",),
     _check_fit_early_stopping),
]


def find_notebook(name: str, folder: Path) -> Path | None:
    """Notebook ``name`` (e.g. "04_backpropagation") seen from 09's ``folder``: beside it
    (notebooks/), in ``../name/`` (nbgrader's release), or, while nbgrader autogrades
    ``course/autograded/<student>/09_mnist``, in ``course/submitted/<student>/name/``."""
    candidates = [folder / f"{name}.ipynb", folder.parent / name / f"{name}.ipynb"]
    if folder.parent.parent.name == "autograded":
        student = folder.parent.name
        candidates.append(folder.parents[2] / "submitted" / student / name / f"{name}.ipynb")
    return next((path for path in candidates if path.is_file()), None)


def solution_source(path: Path, grade_id: str) -> str | None:
    """The source of the solution cell ``grade_id`` of notebook ``path``, or None."""
    cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
    for cell in cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("solution") and meta.get("grade_id") == grade_id:
            source = cell.get("source", "")
            return "".join(source) if isinstance(source, list) else source
    return None


def run_alone(source: str, names: tuple[str, ...], given: dict | None = None) -> dict:
    """Run a solution cell in a fresh namespace of np, math and ``given``; its ``names``.
    Its printed output is dropped. Raises what the cell raises, or NameError if a name is
    missing."""
    namespace = {"np": np, "math": math, "__name__": "your_library_piece", **(given or {})}
    with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exec(compile(source, "<your solution cell>", "exec"), namespace)
    missing = [n for n in names if n not in namespace]
    if missing:
        raise NameError(f"the cell does not define {', '.join(missing)}")
    return {n: namespace[n] for n in names}


def _why(error: BaseException) -> str:
    """An exception in a few stable words, for the report line."""
    if isinstance(error, NotImplementedError):
        return "is not answered yet (NotImplementedError)"
    if isinstance(error, AssertionError):
        return f"fails its check ({error})"
    text = str(error).splitlines()[0] if str(error) else ""
    return f"raises {type(error).__name__}" + (f" ({text[:100]})" if text else "")


def load(folder: str | Path | None = None, *, quiet: bool = False) -> types.SimpleNamespace:
    """Your pieces, from the solution cells of your notebooks seen from ``folder`` (09's
    folder; by default the working directory, which is the notebook's own in Jupyter).

    Prints one line per piece ("Dense (04): yours", or why the reference is used in its
    place) unless ``quiet``. Returns a namespace with every name of the contract (module
    docstring), ``PerArray``, ``yours`` (the set of labels that are yours) and ``report``
    (the printed lines).
    """
    folder = Path.cwd() if folder is None else Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"load(folder={str(folder)!r}): no such folder; give the "
                                "folder of notebook 09")
    lib = types.SimpleNamespace(PerArray=PerArray, yours=set(), report=[])
    for label, notebook, grade_id, names, check in PIECES:
        where = f"{label} ({notebook[:2]})"
        path = find_notebook(notebook, folder)
        error: BaseException | None = None
        if path is None:
            why = f"not found ({notebook}.ipynb is not beside this notebook)"
        else:
            try:
                source = solution_source(path, grade_id)
            except (OSError, ValueError) as reading:
                source, why = None, f"not read ({path.name}: {type(reading).__name__})"
            else:
                why = f"not found (no solution cell {grade_id} in {path.name})"
            if source is not None:
                given = {"train_loop": lib.train_loop} if "fit_early_stopping" in names else {}
                try:
                    pieces = run_alone(source, names, given)
                    with np.errstate(all="ignore"), warnings.catch_warnings():
                        warnings.simplefilter("ignore")
                        check(types.SimpleNamespace(**pieces))
                except Exception as failure:   # the student's code: anything may go wrong
                    error = failure
                else:
                    vars(lib).update(pieces)
                    lib.yours.add(label)
                    lib.report.append(f"{where}: yours")
                    continue
                why = _why(error)
        vars(lib).update({n: globals()[n] for n in names})
        lib.report.append(f"{where}: yours {why}: the reference is used in its place"
                          if error is not None else f"{where}: {why}: the reference is used in its place")
    if not quiet:
        print("\n".join(lib.report))
    return lib
