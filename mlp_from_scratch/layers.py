"""Layers: one contract for all of them.

Every layer has

* ``forward(x, training=False) -> y``: ``x`` has shape ``(batch, in_features)``;
  ``training`` switches Dropout and BatchNorm between their two behaviours.
* ``backward(grad_y) -> grad_x``: takes ∂L/∂y of shape ``(batch, out_features)``,
  writes ∂L/∂θ into ``grads`` and returns ∂L/∂x of shape ``(batch, in_features)``.
  It uses what the last ``forward`` cached, so call them in pairs.
* ``backward_params(grad_y)``: the same when ∂L/∂x is not needed (a model's first layer,
  whose input is the data); it only fills ``grads``, skipping work where it can.
* ``params`` and ``grads``: dicts with the same keys and shapes (empty when the layer
  has nothing to learn). ``backward`` writes gradients *in place*, and optimizers
  update parameters in place, because ``Sequential`` turns them into views of one
  contiguous buffer (see ``model.py``).
* ``buffers``: state that is saved with the model but not learned (BatchNorm's running
  statistics).

So Dropout and BatchNorm slot in without any change to the model or the training loop.
"""

from __future__ import annotations

from collections.abc import Callable

import math

import numpy as np

from . import activations as act
from . import kernels

DType = type[np.floating] | np.dtype


class Layer:
    """Base class. ``in_features`` is the input width the layer requires (None: any)."""

    in_features: int | None = None

    def __init__(self) -> None:
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}
        self.buffers: dict[str, np.ndarray] = {}

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        raise NotImplementedError

    def backward(self, grad_out: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def backward_params(self, grad_out: np.ndarray) -> None:
        """``backward`` for when ∂L/∂x is not needed (the first layer of a model, whose
        input is the data): only fills ``grads``. Layers that can skip work override it;
        Dense skips its largest product, g Wᵀ."""
        self.backward(grad_out)

    def output_features(self, in_features: int) -> int:
        """Width of the output for an input of width ``in_features``."""
        return in_features

    def config(self) -> dict:
        """Constructor arguments as JSON-friendly values (used by save/load)."""
        return {}

    def _check_input(self, x: np.ndarray) -> None:
        if x.ndim != 2 or (self.in_features is not None and x.shape[1] != self.in_features):
            width = "features" if self.in_features is None else self.in_features
            raise ValueError(
                f"{self!r} expects input of shape (batch, {width}), got shape {x.shape}"
            )

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.config().items())
        return f"{type(self).__name__}({args})"


class Dense(Layer):
    """Fully connected layer ``y = x W + b``.

    ``W`` has shape ``(in_features, out_features)`` and ``b`` shape ``(out_features,)``,
    so a batch ``x`` of shape ``(batch, in_features)`` becomes ``(batch, out_features)``
    in one matrix product.

    ``init`` scales the random weights so activations keep their size layer after layer:
    ``"he"`` (std √(2/in), for ReLU-like activations) or ``"xavier"``/``"glorot"``
    (std √(2/(in+out)), for tanh and sigmoid). Biases start at zero.
    """

    def __init__(
        self,
        in_features: int,
        out_features: int,
        *,
        rng: np.random.Generator,
        init: str = "he",
        dtype: DType = np.float32,
    ) -> None:
        super().__init__()
        if in_features < 1 or out_features < 1:
            raise ValueError(f"Dense needs positive sizes, got {in_features} -> {out_features}")
        scales = {
            "he": math.sqrt(2 / in_features),
            "xavier": math.sqrt(2 / (in_features + out_features)),
            "glorot": math.sqrt(2 / (in_features + out_features)),
        }
        if init not in scales:
            raise ValueError(f"unknown init {init!r}; choose one of {sorted(scales)}")
        self.in_features, self.out_features, self.init = in_features, out_features, init
        W = rng.standard_normal((in_features, out_features), dtype=dtype)
        W *= scales[init]
        self.params = {"W": W, "b": np.zeros(out_features, dtype=dtype)}
        self.grads = {k: np.zeros_like(v) for k, v in self.params.items()}

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        self._check_input(x)
        self._x = x
        y = x @ self.params["W"]
        y += self.params["b"]  # in place: `x @ W + b` would allocate a second array
        return y

    def backward(self, grad_out: np.ndarray) -> np.ndarray:
        self.backward_params(grad_out)
        return grad_out @ self.params["W"].T  # dL/dx = g Wᵀ, (batch, in_features)

    def backward_params(self, grad_out: np.ndarray) -> None:
        # dL/dW = xᵀ g and dL/db = Σ_batch g, written into the existing gradient arrays.
        np.matmul(self._x.T, grad_out, out=self.grads["W"])
        np.sum(grad_out, axis=0, out=self.grads["b"])

    def output_features(self, in_features: int) -> int:
        return self.out_features

    def config(self) -> dict:
        return {"in_features": self.in_features, "out_features": self.out_features,
                "init": self.init}


class Activation(Layer):
    """An elementwise activation σ: forward σ(z), backward g ⊙ σ'(z)."""

    function: Callable[[np.ndarray], np.ndarray] = staticmethod(act.identity)
    derivative: Callable[[np.ndarray], np.ndarray] = staticmethod(act.identity_derivative)

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        self._check_input(x)
        self._z = x
        return self.function(x)

    def backward(self, grad_out: np.ndarray) -> np.ndarray:
        return grad_out * self.derivative(self._z)


class Identity(Activation):
    """σ(z) = z: the output layer of a regression net."""


class ReLU(Activation):
    """σ(z) = max(z, 0), backward g ⊙ [z > 0].

    The hidden layers of every MNIST net are ReLUs, so both directions use compiled
    loops (``kernels.py``): one pass over memory instead of NumPy's two or three.
    """

    function = staticmethod(kernels.relu)

    def backward(self, grad_out: np.ndarray) -> np.ndarray:
        return kernels.relu_backward(grad_out, self._z)


class Sigmoid(Activation):
    """σ(z) = 1 / (1 + e^{-z}), squashing to (0, 1)."""

    function = staticmethod(act.sigmoid)
    derivative = staticmethod(act.sigmoid_derivative)


class Tanh(Activation):
    """σ(z) = tanh(z), squashing to (−1, 1)."""

    function = staticmethod(act.tanh)
    derivative = staticmethod(act.tanh_derivative)


class LeakyReLU(Activation):
    """σ(z) = z for z > 0, αz otherwise."""

    def __init__(self, alpha: float = 0.01) -> None:
        super().__init__()
        self.alpha = alpha

    def function(self, z: np.ndarray) -> np.ndarray:
        return act.leaky_relu(z, self.alpha)

    def derivative(self, z: np.ndarray) -> np.ndarray:
        return act.leaky_relu_derivative(z, self.alpha)

    def config(self) -> dict:
        return {"alpha": self.alpha}


class Softmax(Layer):
    """Softmax over features: ``(batch, classes)`` logits to probabilities.

    For training a classifier, leave it out and use ``SoftmaxCrossEntropy`` on the
    logits: the combined gradient is simpler and cannot overflow.
    """

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        self._check_input(x)
        self._s = act.softmax(x)
        return self._s

    def backward(self, grad_out: np.ndarray) -> np.ndarray:
        # Vector-Jacobian product with J = diag(s) − s sᵀ, without forming J:
        # (gᵀJ)_j = s_j (g_j − Σ_i g_i s_i).
        s = self._s
        return s * (grad_out - (grad_out * s).sum(axis=1, keepdims=True))


class Dropout(Layer):
    """Inverted dropout: in training, zero each unit with probability ``p`` and scale the
    survivors by 1/(1−p), so the expected output equals the input and evaluation needs
    no rescaling; in evaluation, the identity.
    """

    def __init__(self, p: float, *, rng: np.random.Generator) -> None:
        super().__init__()
        if not 0 <= p < 1:
            raise ValueError(f"Dropout probability p must be in [0, 1), got {p}")
        self.p, self.rng = p, rng

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        self._check_input(x)
        if not training or self.p == 0:
            self._mask = None
            return x
        keep = self.rng.random(x.shape, dtype=np.float32) >= self.p
        self._mask = keep * x.dtype.type(1 / (1 - self.p))
        return x * self._mask

    def backward(self, grad_out: np.ndarray) -> np.ndarray:
        return grad_out if self._mask is None else grad_out * self._mask

    def config(self) -> dict:
        return {"p": self.p}


class BatchNorm(Layer):
    """Batch normalization over the batch axis for ``(batch, num_features)`` inputs.

    Training: normalise with the batch's own mean μ_B and variance σ²_B,
    x̂ = (x − μ_B) / √(σ²_B + ε), output y = γ x̂ + β, and update the running averages
    ``running = momentum · running + (1 − momentum) · batch statistic``.
    Evaluation: normalise with the running statistics, so one example's prediction does
    not depend on the rest of its batch.
    """

    def __init__(
        self,
        num_features: int,
        *,
        momentum: float = 0.9,
        eps: float = 1e-5,
        dtype: DType = np.float32,
    ) -> None:
        super().__init__()
        self.in_features, self.momentum, self.eps = num_features, momentum, eps
        self.params = {"gamma": np.ones(num_features, dtype), "beta": np.zeros(num_features, dtype)}
        self.grads = {k: np.zeros_like(v) for k, v in self.params.items()}
        self.buffers = {"running_mean": np.zeros(num_features, dtype),
                        "running_var": np.ones(num_features, dtype)}

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        self._check_input(x)
        if training:
            mean, var = x.mean(axis=0), x.var(axis=0)
            m = self.momentum
            self.buffers["running_mean"] *= m
            self.buffers["running_mean"] += (1 - m) * mean
            self.buffers["running_var"] *= m
            self.buffers["running_var"] += (1 - m) * var
        else:
            mean, var = self.buffers["running_mean"], self.buffers["running_var"]
        self._training = training
        self._inv_std = 1 / np.sqrt(var + self.eps)
        self._x_hat = (x - mean) * self._inv_std
        return self.params["gamma"] * self._x_hat + self.params["beta"]

    def backward(self, grad_out: np.ndarray) -> np.ndarray:
        x_hat, inv_std = self._x_hat, self._inv_std
        np.sum(grad_out * x_hat, axis=0, out=self.grads["gamma"])
        np.sum(grad_out, axis=0, out=self.grads["beta"])
        g_hat = grad_out * self.params["gamma"]  # dL/dx̂
        if not self._training:  # fixed statistics: a per-feature affine map
            return g_hat * inv_std
        # μ_B and σ²_B depend on every row, which adds the two mean terms:
        # dL/dx = (1/σ) (g − mean(g) − x̂ · mean(g ⊙ x̂)), with g = dL/dx̂.
        return inv_std * (g_hat - g_hat.mean(axis=0) - x_hat * (g_hat * x_hat).mean(axis=0))

    def output_features(self, in_features: int) -> int:
        return self.in_features

    def config(self) -> dict:
        return {"num_features": self.in_features, "momentum": self.momentum, "eps": self.eps}


#: Layer classes by name, for rebuilding a saved model.
LAYER_TYPES: dict[str, type[Layer]] = {
    cls.__name__: cls
    for cls in (Dense, Identity, ReLU, LeakyReLU, Sigmoid, Tanh, Softmax, Dropout, BatchNorm)
}
