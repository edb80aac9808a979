"""Optimizers: one contract for all of them.

``optimizer.step(params, grads)`` updates every array in ``params`` in place from the
matching array in ``grads``. State (velocities, moment estimates) is kept inside the
optimizer, one entry per position in the list, so always pass the arrays in the same
order. For a model, pass its two contiguous vectors::

    optimizer.step([model.param_vector], [model.grad_vector])

``lr`` is a plain attribute: a learning-rate schedule simply sets it before each step.
``weight_decay`` adds λθ to every gradient (L2 regularisation, L = L₀ + λ/2 ‖θ‖²);
it applies to all parameters, biases included, as PyTorch's ``weight_decay`` does.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from .kernels import adam_update


class Optimizer:
    """Base class: subclasses implement ``_update(state, p, g)`` for one array."""

    def __init__(self, lr: float, weight_decay: float = 0.0) -> None:
        if lr <= 0:
            raise ValueError(f"learning rate must be positive, got {lr}")
        self.lr, self.weight_decay = lr, weight_decay
        self.t = 0  # steps taken
        self._state: list[dict[str, np.ndarray]] = []

    def step(self, params: Sequence[np.ndarray], grads: Sequence[np.ndarray]) -> None:
        """One update of every array in ``params`` (in place)."""
        if len(params) != len(grads):
            raise ValueError(f"{len(params)} parameter arrays but {len(grads)} gradient arrays")
        if not self._state:
            self._state = [self._init_state(p) for p in params]
        self.t += 1
        for state, p, g in zip(self._state, params, grads):
            if p.dtype not in (np.float32, np.float64):
                raise TypeError(f"optimizers update float32 or float64 arrays, got dtype {p.dtype}; "
                                "create the parameters with one of those, e.g. "
                                "np.array(..., dtype=np.float32)")
            if p.shape != g.shape:
                raise ValueError(f"parameter of shape {p.shape} got a gradient of shape {g.shape}")
            if self.weight_decay:
                g = g + self.weight_decay * p
            self._update(state, p, g)

    def reset(self) -> None:
        """Forget all state, as if no step had been taken."""
        self.t, self._state = 0, []

    def _init_state(self, p: np.ndarray) -> dict[str, np.ndarray]:
        return {}

    def _update(self, state: dict[str, np.ndarray], p: np.ndarray, g: np.ndarray) -> None:
        raise NotImplementedError

    def __repr__(self) -> str:
        skip = {"t"}
        args = ", ".join(f"{k}={v!r}" for k, v in vars(self).items()
                         if not k.startswith("_") and k not in skip)
        return f"{type(self).__name__}({args})"


class SGD(Optimizer):
    """Stochastic gradient descent, optionally with (Nesterov) momentum.

    Plain: θ ← θ − η g. Momentum μ: v ← μ v + g, θ ← θ − η v, so steps along a
    consistent direction build up speed. Nesterov: θ ← θ − η (g + μ v), which looks
    one step ahead along the velocity.
    """

    def __init__(self, lr: float, momentum: float = 0.0, nesterov: bool = False,
                 weight_decay: float = 0.0) -> None:
        super().__init__(lr, weight_decay)
        if nesterov and not momentum:
            raise ValueError("Nesterov momentum needs momentum > 0")
        self.momentum, self.nesterov = momentum, nesterov

    def _init_state(self, p):
        return {"v": np.zeros_like(p)} if self.momentum else {}

    def _update(self, state, p, g):
        if not self.momentum:
            p -= self.lr * g
            return
        v = state["v"]
        v *= self.momentum
        v += g
        p -= self.lr * (g + self.momentum * v if self.nesterov else v)


class RMSProp(Optimizer):
    """RMSProp: divide each step by a running root-mean-square of that parameter's
    gradients, s ← ρ s + (1 − ρ) g², θ ← θ − η g / (√s + ε)."""

    def __init__(self, lr: float = 1e-3, rho: float = 0.9, eps: float = 1e-8,
                 weight_decay: float = 0.0) -> None:
        super().__init__(lr, weight_decay)
        self.rho, self.eps = rho, eps

    def _init_state(self, p):
        return {"s": np.zeros_like(p)}

    def _update(self, state, p, g):
        s = state["s"]
        s *= self.rho
        s += (1 - self.rho) * g * g
        p -= self.lr * g / (np.sqrt(s) + self.eps)


class Adam(Optimizer):
    """Adam: momentum on the gradient and RMSProp's scaling, with bias correction.

    m ← β₁ m + (1 − β₁) g,  v ← β₂ v + (1 − β₂) g²,
    m̂ = m / (1 − β₁ᵗ),  v̂ = v / (1 − β₂ᵗ),  θ ← θ − η m̂ / (√v̂ + ε).

    m and v start at zero, so early on they underestimate the gradient's moments;
    dividing by 1 − βᵗ undoes exactly that bias (at t = 1, m̂ = g and v̂ = g²).

    The update runs as one compiled loop over the parameters (``kernels.adam_update``):
    NumPy would need a dozen passes over memory for these formulas.
    """

    def __init__(self, lr: float = 1e-3, beta1: float = 0.9, beta2: float = 0.999,
                 eps: float = 1e-8, weight_decay: float = 0.0) -> None:
        super().__init__(lr, weight_decay)
        self.beta1, self.beta2, self.eps = beta1, beta2, eps

    def _init_state(self, p):
        return {"m": np.zeros(p.size, p.dtype), "v": np.zeros(p.size, p.dtype)}

    def _update(self, state, p, g):
        b1, b2, t = self.beta1, self.beta2, self.t
        # η m̂ / (√v̂ + ε) = η √(1−β₂ᵗ)/(1−β₁ᵗ) · m / (√v + ε √(1−β₂ᵗ)): multiply the
        # numerator and denominator by √(1−β₂ᵗ), and both corrections become scalars.
        c2 = math.sqrt(1 - b2 ** t)
        step_size, eps = self.lr * c2 / (1 - b1 ** t), self.eps * c2
        flat = p.reshape(-1)  # a view when p is contiguous, as a model's param_vector is
        scalar = p.dtype.type  # float32 parameters keep float32 arithmetic
        adam_update(flat, np.ascontiguousarray(g).reshape(-1), state["m"], state["v"],
                    *map(scalar, (b1, 1 - b1, b2, 1 - b2, step_size, eps)))
        if not p.flags.c_contiguous:  # reshape had to copy: write the result back
            p[...] = flat.reshape(p.shape)
