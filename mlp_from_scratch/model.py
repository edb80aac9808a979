"""The sequential model: layers applied one after another."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from .layers import Layer
from .validation import check_int, check_real_array


def all_finite(x: np.ndarray) -> bool:
    """True when ``x`` holds no NaN or infinity.

    Min and max propagate NaN, and an infinity would be one of them: two passes without
    the temporary boolean array of ``np.isfinite(x).all()`` (47 MB for MNIST's training
    set, whose fresh pages cost more than the check itself).
    """
    return x.size == 0 or bool(np.isfinite(x.min()) and np.isfinite(x.max()))


class Sequential:
    """A stack of layers, ``Sequential(Dense(2, 3, rng=rng), Tanh(), Dense(3, 1, rng=rng))``.

    At construction it checks that the layer sizes chain (the error names the layer and
    both sizes) and moves every parameter into one contiguous vector, ``param_vector``,
    with the gradients in ``grad_vector``; each layer's ``params`` and ``grads`` become
    views into them. An optimizer then updates the whole model with a few operations
    on two long arrays instead of a loop over many small ones::

        optimizer.step([model.param_vector], [model.grad_vector])
    """

    def __init__(self, *layers: Layer) -> None:
        if len(layers) == 1 and isinstance(layers[0], (list, tuple)):
            raise TypeError("Sequential takes the layers as separate arguments: write "
                            "Sequential(*layers), not Sequential(layers)")
        if not layers:
            raise ValueError("Sequential needs at least one layer")
        first_seen: dict[int, int] = {}
        for i, layer in enumerate(layers):
            if isinstance(layer, type) and issubclass(layer, Layer):
                raise TypeError(f"layer {i} is the class {layer.__name__}, not a layer; "
                                f"did you mean {layer.__name__}()?")
            if not isinstance(layer, Layer):
                raise TypeError(f"layer {i} is {layer!r}, not a Layer")
            if id(layer) in first_seen:
                # A layer caches its last input for backward, so one object in two places
                # would backpropagate the second place's input through the first.
                raise ValueError(
                    f"layer {i} is the same {layer!r} object as layer {first_seen[id(layer)]}; "
                    f"each position needs its own instance: write {type(layer).__name__}(...) "
                    "again instead of reusing the variable")
            first_seen[id(layer)] = i
        self.layers = list(layers)
        self.in_features, self.out_features = self._check_sizes()
        self.training = False
        self.param_vector, self.grad_vector = self._flatten_parameters()

    def _check_sizes(self) -> tuple[int | None, int | None]:
        """The model's input and output widths; raises if neighbouring sizes differ."""
        width: int | None = None  # unknown until a layer with a fixed input width
        source = "the input"
        for i, layer in enumerate(self.layers):
            need = layer.in_features
            if need is not None:
                if width is not None and need != width:
                    raise ValueError(
                        f"layer {i} {layer!r} expects {need} input features, but {source} "
                        f"produces {width}; make the two sizes equal"
                    )
                width = need
            if width is not None:
                width = layer.output_features(width)
            source = f"layer {i} {layer!r}"
        first = next((layer.in_features for layer in self.layers
                      if layer.in_features is not None), None)
        return first, width

    def _flatten_parameters(self) -> tuple[np.ndarray, np.ndarray]:
        arrays = [p for layer in self.layers for p in layer.params.values()]
        dtypes = {a.dtype for a in arrays}
        if len(dtypes) > 1:
            raise ValueError(f"all parameters must share one dtype, got {sorted(map(str, dtypes))}")
        dtype = dtypes.pop() if dtypes else np.dtype(np.float32)
        size = sum(a.size for a in arrays)
        params, grads = np.empty(size, dtype), np.zeros(size, dtype)
        offset = 0
        for layer in self.layers:
            for name, value in layer.params.items():
                n = value.size
                view = params[offset:offset + n].reshape(value.shape)
                view[...] = value
                layer.params[name] = view
                layer.grads[name] = grads[offset:offset + n].reshape(value.shape)
                offset += n
        return params, grads

    @property
    def dtype(self) -> np.dtype:
        return self.param_vector.dtype

    def train(self) -> Sequential:
        """Training mode: Dropout drops, BatchNorm uses batch statistics."""
        self.training = True
        return self

    def eval(self) -> Sequential:
        """Evaluation mode: Dropout is the identity, BatchNorm uses running statistics."""
        self.training = False
        return self

    def forward(self, x: np.ndarray, training: bool | None = None) -> np.ndarray:
        """Outputs ``(batch, out_features)`` for inputs ``(batch, in_features)``.

        ``training`` defaults to the mode set by ``train()`` / ``eval()``.
        Inputs are cast to the model's dtype (float64 data would otherwise turn every
        product into float64 and double the time). Inputs with NaN or infinity raise
        ``ValueError`` (a saturating layer such as Tanh would otherwise turn an infinity
        into a plausible-looking output).
        """
        x = check_real_array(x, "the model's input x")
        if x.ndim == 2 and not all_finite(x):
            raise ValueError("the model's input x contains NaN or infinity; check the data "
                             "preprocessing (e.g. np.isnan(X).any(axis=1) finds the rows)")
        return self._forward(x, training)

    def _forward(self, x: np.ndarray, training: bool | None = None) -> np.ndarray:
        """``forward`` for inputs already checked to be finite (``fit`` checks the whole
        data set once, ``predict`` all its rows), so no step pays a pass over its batch."""
        x = check_real_array(x, "the model's input x")
        if x.dtype != self.dtype:
            x = x.astype(self.dtype)
        if x.ndim != 2 or (self.in_features is not None and x.shape[1] != self.in_features):
            raise ValueError(
                f"the model expects inputs of shape (batch, {self.in_features}), got shape "
                f"{x.shape}" + ("; reshape images with X.reshape(len(X), -1)" if x.ndim > 2 else "")
            )
        training = self.training if training is None else training
        for layer in self.layers:
            x = layer.forward(x, training)
        self._out_shape = x.shape
        return x

    def backward(self, grad_out: np.ndarray, *, input_grad: bool = True) -> np.ndarray | None:
        """Backpropagate ∂L/∂outputs ``(batch, out_features)``; fills ``grad_vector`` and
        returns ∂L/∂inputs ``(batch, in_features)``.

        With ``input_grad=False`` (what ``fit`` uses) it returns None and skips the work
        that only ∂L/∂inputs needs: the layers before the first one with parameters, and
        that layer's own input gradient (for a first Dense layer on 784 pixels, that
        product is a fifth to a quarter of the step's matrix multiplications).
        """
        shape = getattr(self, "_out_shape", None)
        if shape is None:
            raise ValueError("backward was called before forward: call "
                             "model.forward(X_batch, training=True) on this batch first")
        grad_out = check_real_array(grad_out, "grad_out")
        if grad_out.shape != shape:
            raise ValueError(f"grad_out has shape {grad_out.shape}, but the last forward "
                             f"returned shape {shape}; pass the loss gradient of that "
                             "forward's output (same batch, one entry per output)")
        if input_grad:
            for layer in reversed(self.layers):
                grad_out = layer.backward(grad_out)
            return grad_out
        first = next((i for i, layer in enumerate(self.layers) if layer.params), len(self.layers))
        for layer in reversed(self.layers[first + 1:]):
            grad_out = layer.backward(grad_out)
        if first < len(self.layers):
            self.layers[first].backward_params(grad_out)
        return None

    def predict(self, x: np.ndarray, batch_size: int = 2048) -> np.ndarray:
        """Outputs in evaluation mode, ``(n, out_features)``, computed in batches to bound
        memory."""
        batch_size = check_int(batch_size, "batch_size")
        x = check_real_array(x, "the model's input x")
        if x.ndim == 2 and not all_finite(x):
            raise ValueError("inputs contain NaN or infinity; check the data preprocessing")
        parts = [self._forward(x[i:i + batch_size], training=False)
                 for i in range(0, max(len(x), 1), batch_size)]
        return np.concatenate(parts) if len(parts) > 1 else parts[0]

    def parameters(self) -> list[np.ndarray]:
        """Every parameter array, layer by layer (views into ``param_vector``)."""
        return [p for layer in self.layers for p in layer.params.values()]

    def gradients(self) -> list[np.ndarray]:
        """The gradient arrays matching ``parameters()``."""
        return [g for layer in self.layers for g in layer.grads.values()]

    def num_parameters(self) -> int:
        return int(self.param_vector.size)

    def summary(self) -> str:
        """A table of layers, output widths and parameter counts."""
        rows = [("layer", "output shape", "parameters")]
        width = self.in_features
        for i, layer in enumerate(self.layers):
            if width is not None:
                width = layer.output_features(width)
            count = sum(p.size for p in layer.params.values())
            rows.append((f"{i}: {layer!r}", f"(batch, {width})", f"{count:,}"))
        rows.append(("total", "", f"{self.num_parameters():,}"))
        w0 = max(len(r[0]) for r in rows)
        w1 = max(len(r[1]) for r in rows)
        w2 = max(len(r[2]) for r in rows)
        lines = [f"{a:<{w0}}  {b:<{w1}}  {c:>{w2}}" for a, b, c in rows]
        rule = "-" * len(lines[0])
        return "\n".join([lines[0], rule, *lines[1:-1], rule, lines[-1]])

    def __iter__(self) -> Iterator[Layer]:
        return iter(self.layers)

    def __len__(self) -> int:
        return len(self.layers)

    def __getitem__(self, i: int) -> Layer:
        return self.layers[i]

    def __repr__(self) -> str:
        inner = ",\n".join(f"  {layer!r}" for layer in self.layers)
        return f"Sequential(\n{inner}\n)"
