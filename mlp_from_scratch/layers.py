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
from .validation import check_generator, check_int, check_real, check_real_array

DType = type[np.floating] | np.dtype


def _check_dtype(dtype: DType, owner: str) -> np.dtype:
    """float32 or float64, the two dtypes the optimizers and compiled loops handle."""
    try:
        resolved = np.dtype(dtype)
    except TypeError as err:
        raise TypeError(f"{owner} dtype must be np.float32 or np.float64, got {dtype!r}") from err
    if resolved not in (np.float32, np.float64):
        raise TypeError(f"{owner} dtype must be np.float32 or np.float64, got {resolved}")
    return resolved


def _for_kernel(x: np.ndarray) -> np.ndarray:
    """``x`` as a C-contiguous float32/float64 array: the layouts and dtypes the compiled
    loops are built for. A no-op (no copy) for the arrays a model passes."""
    if x.dtype not in _KERNEL_DTYPES:
        x = x.astype(np.float64 if x.dtype.itemsize > 4 else np.float32)
    return x if x.flags.c_contiguous else np.ascontiguousarray(x)


_KERNEL_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))


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
        Dense skips its largest product, the one for ∂L/∂x."""
        self.backward(grad_out)

    def output_features(self, in_features: int) -> int:
        """Width of the output for an input of width ``in_features``."""
        return in_features

    def config(self) -> dict:
        """Constructor arguments as JSON-friendly values (used by save/load)."""
        return {}

    def _check_input(self, x: np.ndarray) -> np.ndarray:
        """``x`` as a real 2-D array of the width this layer takes (cheap: no pass over
        the elements); complex, string or object inputs raise TypeError."""
        x = check_real_array(x, lambda: f"the input of {self!r}")
        if x.ndim != 2 or (self.in_features is not None and x.shape[1] != self.in_features):
            width = "features" if self.in_features is None else self.in_features
            raise ValueError(
                f"{self!r} expects input of shape (batch, {width}), got shape {x.shape}"
            )
        return x

    def _check_grad(self, grad_out: np.ndarray, cached: np.ndarray | None) -> np.ndarray:
        """``grad_out`` as a real array of the shape of the last forward's output.

        Backward reads the cache of the last forward, so a gradient of another shape
        (fewer rows, more columns) would pair values with the wrong examples, or make a
        compiled loop read past the end of an array.
        """
        if cached is None:
            raise ValueError(f"{self!r}.backward was called before forward: call "
                             "forward(x, training=True) on this batch first")
        grad_out = check_real_array(grad_out,
                                    lambda: f"the gradient passed to {self!r}.backward")
        # Subclasses written elsewhere may not record it: an elementwise layer's output
        # has its input's shape.
        shape = getattr(self, "_out_shape", None) or cached.shape
        if grad_out.shape != shape:
            raise ValueError(
                f"{self!r}.backward got a gradient of shape {grad_out.shape}, but the last "
                f"forward returned shape {shape}; the gradient must have the output's shape "
                "(the same batch, one entry per output)")
        return grad_out

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.config().items())
        return f"{type(self).__name__}({args})"


class Dense(Layer):
    """Fully connected layer: each output is a weighted sum of all the inputs plus a bias
    (notebook 03 writes its forward pass, notebook 04 its backward pass).

    ``W`` has shape ``(in_features, out_features)`` and ``b`` shape ``(out_features,)``;
    a batch ``x`` of shape ``(batch, in_features)`` becomes ``(batch, out_features)``.

    ``init`` scales the random weights so activations keep their size layer after layer:
    ``"he"`` (for ReLU-like activations) or ``"xavier"``/``"glorot"`` (for tanh and
    sigmoid); notebook 05 derives their scales. Biases start at zero.
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
        in_features = check_int(in_features, "Dense in_features")
        out_features = check_int(out_features, "Dense out_features")
        check_generator(rng, "Dense rng")
        dtype = _check_dtype(dtype, "Dense")
        scales = {
            "he": math.sqrt(2 / in_features),
            "xavier": math.sqrt(2 / (in_features + out_features)),
            "glorot": math.sqrt(2 / (in_features + out_features)),
        }
        if not isinstance(init, str) or init not in scales:
            raise ValueError(f"unknown init {init!r}; choose one of {sorted(scales)}")
        self.in_features, self.out_features, self.init = in_features, out_features, init
        W = rng.standard_normal((in_features, out_features), dtype=dtype)
        W *= scales[init]
        self.params = {"W": W, "b": np.zeros(out_features, dtype=dtype)}
        self.grads = {k: np.zeros_like(v) for k, v in self.params.items()}

    _x = None

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        x = self._check_input(x)
        self._x = x
        y = x @ self.params["W"]
        y += self.params["b"]  # in place: `x @ W + b` would allocate a second array
        self._out_shape = y.shape
        return y

    def backward(self, grad_out: np.ndarray) -> np.ndarray:
        grad_out = self._check_grad(grad_out, self._x)
        self._backward_params(grad_out)
        return grad_out @ self.params["W"].T  # dL/dx = g Wᵀ, (batch, in_features)

    def backward_params(self, grad_out: np.ndarray) -> None:
        self._backward_params(self._check_grad(grad_out, self._x))

    def _backward_params(self, grad_out: np.ndarray) -> None:
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

    _z = None

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        x = self._check_input(x)
        self._z = x
        self._out_shape = x.shape
        return self.function(x)

    def backward(self, grad_out: np.ndarray) -> np.ndarray:
        return self._check_grad(grad_out, self._z) * self.derivative(self._z)


class Identity(Activation):
    """σ(z) = z: the output layer of a regression net."""


class ReLU(Activation):
    """σ(z) = max(z, 0).

    The hidden layers of every MNIST net are ReLUs, so on their large arrays both directions
    use compiled loops (``kernels.py``): one pass over memory instead of NumPy's two or three.
    """

    # The formula, as the other activations hold theirs. forward and backward run the
    # kernels, looked up at each call: kernels.py picks NumPy's or the compiled version by
    # the array's size (the same numbers either way), never when the package is imported.
    function = staticmethod(act.relu)

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        x = _for_kernel(self._check_input(x))
        self._z = x
        self._out_shape = x.shape
        return kernels.relu(x)

    def backward(self, grad_out: np.ndarray) -> np.ndarray:
        # The compiled loop indexes both arrays with z's shape and does no bounds
        # checking: _check_grad makes the shapes equal, _for_kernel the layout and dtype.
        grad_out = _for_kernel(self._check_grad(grad_out, self._z))
        return kernels.relu_backward(grad_out, self._z)


class _SquashingActivation(Activation):
    """An activation whose derivative is a function of its output s = σ(z):
    ``derivative_of_output(s)``. Backward reuses the s that forward computed, so the
    exponential (or tanh) runs once per step instead of twice."""

    derivative_of_output: Callable[[np.ndarray], np.ndarray]
    _s = None

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        self._s = super().forward(x, training)
        return self._s

    def backward(self, grad_out: np.ndarray) -> np.ndarray:
        return self._check_grad(grad_out, self._z) * self.derivative_of_output(self._s)


class Sigmoid(_SquashingActivation):
    """σ(z) = 1 / (1 + e^{-z}), squashing to (0, 1)."""

    function = staticmethod(act.sigmoid)
    derivative = staticmethod(act.sigmoid_derivative)
    derivative_of_output = staticmethod(lambda s: s * (1 - s))


class Tanh(_SquashingActivation):
    """σ(z) = tanh(z), squashing to (−1, 1)."""

    function = staticmethod(act.tanh)
    derivative = staticmethod(act.tanh_derivative)
    derivative_of_output = staticmethod(lambda t: 1 - t * t)


class LeakyReLU(Activation):
    """σ(z) = z for z > 0, αz otherwise."""

    def __init__(self, alpha: float = 0.01) -> None:
        super().__init__()
        self.alpha = check_real(alpha, "LeakyReLU alpha", low=0.0,
                                fix="the slope for negative inputs, e.g. 0.01")

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

    _s = None

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        x = self._check_input(x)
        self._s = act.softmax(x)
        self._out_shape = x.shape
        return self._s

    def backward(self, grad_out: np.ndarray) -> np.ndarray:
        # Vector-Jacobian product with J = diag(s) − s sᵀ, without forming J:
        # (gᵀJ)_j = s_j (g_j − Σ_i g_i s_i).
        grad_out = self._check_grad(grad_out, self._s)
        s = self._s
        return s * (grad_out - (grad_out * s).sum(axis=1, keepdims=True))


class Dropout(Layer):
    """Inverted dropout: in training, zero each unit independently with probability ``p``
    and rescale the survivors so that the expected output equals the input; in evaluation,
    the identity, with no rescaling.
    """

    def __init__(self, p: float, *, rng: np.random.Generator) -> None:
        super().__init__()
        self.p = check_real(p, "Dropout probability p", low=0.0, high=1.0, high_open=True,
                            fix="the fraction of units to drop, e.g. 0.5")
        self.rng = check_generator(rng, "Dropout rng")

    _mask = _x = None

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        x = self._check_input(x)
        self._x, self._out_shape = x, x.shape
        if not training or self.p == 0:
            self._mask = None
            return x
        keep = self.rng.random(x.shape, dtype=np.float32) >= self.p
        dtype = x.dtype if x.dtype.kind == "f" else np.dtype(np.float32)
        self._mask = keep * dtype.type(1 / (1 - self.p))
        return x * self._mask

    def backward(self, grad_out: np.ndarray) -> np.ndarray:
        grad_out = self._check_grad(grad_out, self._x)
        return grad_out if self._mask is None else grad_out * self._mask

    def config(self) -> dict:
        return {"p": self.p}


class BatchNorm(Layer):
    """Batch normalization over the batch axis for ``(batch, num_features)`` inputs.

    Training: standardise each feature with the batch's own mean and variance (ε added
    to the variance), then scale by γ and shift by β, learned per feature; the running
    averages of the batch statistics are updated at every training batch.
    Evaluation: normalise with the running statistics, so one example's prediction does
    not depend on the rest of its batch.

    Conventions that differ from PyTorch's ``BatchNorm1d``:

    * ``momentum`` weighs the *old* running value (Keras' convention): our 0.9 is
      PyTorch's ``momentum=0.1``, and ``momentum=1`` freezes the statistics.
    * The running variance is the *biased* batch variance (divide by the batch size),
      the same σ²_B that training normalises with; PyTorch stores the unbiased one
      (divide by batch − 1).

    A training batch needs at least 2 rows (one row has variance 0: the output would be
    β whatever the input, and the running variance would be pulled towards 0); ``fit``
    never makes such a batch. A batch with NaN or infinity raises before the running
    statistics change, so one bad batch cannot poison them.
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
        num_features = check_int(num_features, "BatchNorm num_features")
        momentum = check_real(momentum, "BatchNorm momentum", low=0.0, high=1.0,
                              fix="it weighs the old running value: 0.9 is PyTorch's 0.1")
        eps = check_real(eps, "BatchNorm eps", low=0.0, low_open=True,
                         fix="a small positive number such as 1e-5")
        dtype = _check_dtype(dtype, "BatchNorm")
        self.in_features, self.momentum, self.eps = num_features, momentum, eps
        self.params = {"gamma": np.ones(num_features, dtype), "beta": np.zeros(num_features, dtype)}
        self.grads = {k: np.zeros_like(v) for k, v in self.params.items()}
        self.buffers = {"running_mean": np.zeros(num_features, dtype),
                        "running_var": np.ones(num_features, dtype)}

    _x_hat = None

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        x = self._check_input(x)
        if training:
            if len(x) < 2:
                raise ValueError(
                    f"{self!r} got a training batch of {len(x)} row(s); batch statistics "
                    "need at least 2 rows (with 1, the output is beta whatever the input). "
                    "Use batch_size >= 2, or forward(x, training=False) for single examples")
            mean, var = x.mean(axis=0), x.var(axis=0)
            # (num_features,) arrays: checking them is cheap, and it keeps a batch with
            # NaN or infinity from poisoning the running statistics for ever.
            if not (np.isfinite(mean).all() and np.isfinite(var).all()):
                raise ValueError(f"{self!r} got a training batch containing NaN or infinity; "
                                 "the running statistics were left unchanged. Check the "
                                 "inputs and the layers before this one")
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
        self._out_shape = x.shape
        return self.params["gamma"] * self._x_hat + self.params["beta"]

    def backward(self, grad_out: np.ndarray) -> np.ndarray:
        grad_out = self._check_grad(grad_out, self._x_hat)
        x_hat, inv_std = self._x_hat, self._inv_std
        np.sum(grad_out * x_hat, axis=0, out=self.grads["gamma"])
        np.sum(grad_out, axis=0, out=self.grads["beta"])
        g_hat = grad_out * self.params["gamma"]  # dL/dx̂
        if not self._training:  # fixed statistics: a per-feature affine map
            return g_hat * inv_std
        # μ_B and σ²_B depend on every row: the gradient flows through them too
        # (notebook 08's task derives it).
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
