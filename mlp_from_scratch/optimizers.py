"""Optimizers: one contract for all of them.

``optimizer.step(params, grads)`` updates every array in ``params`` in place from the
matching array in ``grads``. State (velocities, moment estimates) is kept inside the
optimizer, one entry per position in the list, so always pass the arrays in the same
order. For a model, pass its two contiguous vectors::

    optimizer.step([model.param_vector], [model.grad_vector])

``lr`` is a plain attribute: a learning-rate schedule simply sets it before each step.
Every step checks it (a scalar test): NaN, infinity or a negative value raises
``ValueError`` before anything changes; 0 is accepted, so a schedule may end at 0.

``weight_decay`` adds λθ to every gradient (L2 regularisation, L = L₀ + λ/2 ‖θ‖²);
it applies to all parameters, biases included, as PyTorch's ``weight_decay`` does.
For Adam this is PyTorch's ``Adam(weight_decay=λ)``: the decay goes through Adam's
scaling with the gradient instead of shrinking θ directly. ``AdamW`` is the exception:
its ``weight_decay`` is decoupled, as in PyTorch's ``AdamW``.

The state of each array is created on its first step and is tied to that array's
shape and dtype: passing arrays of other shapes later (reusing one optimizer for a
second model) raises ``ValueError`` (create a new optimizer, or call ``reset()``);
arrays appended to the list later get fresh state of their own. A step checks every
array before it changes any, so a failed step leaves parameters and state as they were.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from . import kernels
from .validation import check_real

_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))


def adam_update(p, g, m, v, b1, one_minus_b1, b2, one_minus_b2, step_size, eps) -> None:
    """``kernels.adam_update`` on flat arrays ``(n,)``, looked up at each call: ``kernels``
    picks NumPy's or the compiled version by the size (the same numbers either way), never
    when the package is imported."""
    kernels.adam_update(p, g, m, v, b1, one_minus_b1, b2, one_minus_b2, step_size, eps)


def _check_lr(lr: object) -> float:
    """The learning rate as a float: finite and ≥ 0 (0 lets a schedule end at rest)."""
    return check_real(lr, "the learning rate lr", low=0.0,
                      fix="a positive number such as 1e-3; if a schedule sets it, check the "
                          "schedule's arguments")


def _check_pair(i: int, p: object, g: object) -> None:
    """Raise before any update unless parameter ``p`` and gradient ``g`` fit together."""
    if not isinstance(p, np.ndarray) or not isinstance(g, np.ndarray):
        bad, what = (p, "parameter") if not isinstance(p, np.ndarray) else (g, "gradient")
        raise TypeError(f"{what} {i} is a {type(bad).__name__}, not a NumPy array; pass lists "
                        "of arrays, e.g. step([model.param_vector], [model.grad_vector])")
    if p.dtype not in _FLOATS:
        raise TypeError(f"optimizers update float32 or float64 arrays, got dtype {p.dtype}; "
                        "create the parameters with one of those, e.g. "
                        "np.array(..., dtype=np.float32)")
    if g.dtype.kind not in "fiu":
        raise TypeError(f"gradient {i} has dtype {g.dtype}; gradients must be real numbers "
                        f"(float32 or float64 like the parameter)")
    if p.shape != g.shape:
        raise ValueError(f"parameter of shape {p.shape} got a gradient of shape {g.shape}")
    if not p.flags.writeable:
        raise ValueError(f"parameter {i} is read-only, so it cannot be updated in place; "
                         "pass a writeable array (e.g. a copy)")


class Optimizer:
    """Base class: subclasses implement ``_update(state, p, g)`` for one array."""

    #: False: ``weight_decay`` is L2, added to the gradient before ``_update``; True: the
    #: subclass's ``_update`` applies the decay itself.
    decoupled = False

    def __init__(self, lr: float, weight_decay: float = 0.0) -> None:
        lr = check_real(lr, "the learning rate lr", low=0.0, low_open=True,
                        fix="a positive number such as 1e-3")
        weight_decay = check_real(weight_decay, "weight_decay", low=0.0,
                                  fix="0 for none, or a small number such as 1e-4")
        self.lr, self.weight_decay = lr, weight_decay
        self.t = 0  # steps taken
        self._state: list[dict] = []
        self._signature: list[tuple] = []  # (shape, dtype) of the array each state is for

    def step(self, params: Sequence[np.ndarray], grads: Sequence[np.ndarray]) -> None:
        """One update of every array in ``params`` (in place)."""
        # Checks first, all of them, so that a failing step changes nothing.
        lr, decay = self.lr, self.weight_decay
        if type(lr) is not float or not 0.0 <= lr < math.inf:  # a schedule sets lr
            self.lr = lr = _check_lr(lr)
        if type(decay) is not float or not 0.0 <= decay < math.inf:
            self.weight_decay = decay = check_real(decay, "weight_decay", low=0.0)
        if isinstance(params, np.ndarray) or isinstance(grads, np.ndarray):
            raise TypeError("step takes lists of arrays: step([model.param_vector], "
                            "[model.grad_vector])")
        params, grads = list(params), list(grads)
        if len(params) != len(grads):
            raise ValueError(f"{len(params)} parameter arrays but {len(grads)} gradient arrays")
        signature = []
        for i, (p, g) in enumerate(zip(params, grads)):
            _check_pair(i, p, g)
            signature.append((p.shape, p.dtype))
        self._check_signature(signature)
        known = len(self._signature)
        for p in params[known:]:  # arrays appended since the last step start fresh
            self._state.append({"t": 0, **self._init_state(p)})
        self._signature = signature
        self.t += 1
        for state, p, g in zip(self._state, params, grads):
            if decay and not self.decoupled:
                g = g + decay * p
            state["t"] += 1
            self._update(state, p, g)

    def check_params(self, params: Sequence[np.ndarray]) -> None:
        """Raise ``ValueError`` if this optimizer's state was made for arrays of other
        shapes than ``params`` (``fit`` asks before its first step)."""
        self._check_signature([(p.shape, p.dtype) for p in params])

    def _check_signature(self, signature: list[tuple]) -> None:
        known = len(self._signature)
        if signature[:known] != self._signature or len(signature) < known:
            raise ValueError(
                f"this {type(self).__name__} was used for arrays of shapes "
                f"{[s for s, _ in self._signature]} and now got shapes "
                f"{[s for s, _ in signature]}; its state (moments, velocities) belongs to the "
                "first arrays. Create a new optimizer for a new model, or call reset()")

    def reset(self) -> None:
        """Forget all state, as if no step had been taken."""
        self.t, self._state, self._signature = 0, [], []

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

    Plain: θ ← θ − η g. Momentum μ: θ ← θ − η v, with the velocity v a sum of all past
    gradients, the one from k steps ago weighted μ^k (notebook 06, Task 1, keeps it in one
    array), so steps along a consistent direction build up speed. Nesterov takes the gradient at the point the
    velocity is about to carry θ to; notebook 06 (Task 3) derives the update that needs
    only the gradient at θ itself.
    """

    def __init__(self, lr: float, momentum: float = 0.0, nesterov: bool = False,
                 weight_decay: float = 0.0) -> None:
        super().__init__(lr, weight_decay)
        momentum = check_real(momentum, "SGD momentum", low=0.0, high=1.0, high_open=True,
                              fix="0 for plain SGD, or e.g. 0.9")
        if not isinstance(nesterov, (bool, np.bool_)):
            raise TypeError(f"nesterov must be True or False, got {nesterov!r}")
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
    gradients, s ← ρ s + (1 − ρ) g², θ ← θ − η g / (√s + ε).

    The default ρ = 0.9 is Hinton's and Keras'; PyTorch's ``RMSprop`` calls it ``alpha``
    and defaults to 0.99, so its s averages over ~100 steps where ours averages over ~10.
    """

    def __init__(self, lr: float = 1e-3, rho: float = 0.9, eps: float = 1e-8,
                 weight_decay: float = 0.0) -> None:
        super().__init__(lr, weight_decay)
        self.rho = check_real(rho, "RMSProp rho", low=0.0, high=1.0, high_open=True,
                              fix="the decay of the squared-gradient average, e.g. 0.9")
        self.eps = check_real(eps, "RMSProp eps", low=0.0, low_open=True,
                              fix="a small positive number such as 1e-8")

    def _init_state(self, p):
        return {"s": np.zeros_like(p)}

    def _update(self, state, p, g):
        s = state["s"]
        s *= self.rho
        s += (1 - self.rho) * g * g
        p -= self.lr * g / (np.sqrt(s) + self.eps)


class Adam(Optimizer):
    """Adam: momentum on the gradient and RMSProp's scaling, with bias correction.

    m ← β₁ m + (1 − β₁) g,  v ← β₂ v + (1 − β₂) g²,  θ ← θ − η m̂ / (√v̂ + ε),

    with m̂ and v̂ the moments corrected for their start at zero at step t = 1, 2, …
    (notebook 06's Task 2 derives the correction): for a gradient that stays the same,
    m̂ = g and v̂ = g² from the first step on.

    The update runs as one compiled loop over the parameters (``kernels.adam_update``):
    NumPy would need a dozen passes over memory for these formulas.

    ``weight_decay`` is L2 added to the gradient, as in PyTorch's ``Adam``; decoupled
    decay is ``AdamW``.
    """

    def __init__(self, lr: float = 1e-3, beta1: float = 0.9, beta2: float = 0.999,
                 eps: float = 1e-8, weight_decay: float = 0.0) -> None:
        super().__init__(lr, weight_decay)
        self.beta1 = check_real(beta1, "Adam beta1", low=0.0, high=1.0, high_open=True,
                                fix="the decay of the gradient average, e.g. 0.9")
        self.beta2 = check_real(beta2, "Adam beta2", low=0.0, high=1.0, high_open=True,
                                fix="the decay of the squared-gradient average, e.g. 0.999")
        self.eps = check_real(eps, "Adam eps", low=0.0, low_open=True,
                              fix="a small positive number such as 1e-8")

    def _init_state(self, p):
        return {"m": np.zeros(p.size, p.dtype), "v": np.zeros(p.size, p.dtype)}

    def _update(self, state, p, g):
        b1, b2, t = self.beta1, self.beta2, state["t"]  # this array's own step count
        # η m̂ / (√v̂ + ε) = η √(1−β₂ᵗ)/(1−β₁ᵗ) · m / (√v + ε √(1−β₂ᵗ)): multiply the
        # numerator and denominator by √(1−β₂ᵗ), and both corrections become scalars.
        c2 = math.sqrt(1 - b2 ** t)
        step_size, eps = self.lr * c2 / (1 - b1 ** t), self.eps * c2
        flat = p.reshape(-1)  # a view when p is contiguous, as a model's param_vector is
        scalar = p.dtype.type  # float32 parameters keep float32 arithmetic
        # The compiled loop does no bounds checking: step() made g's shape equal p's and
        # the state was made for an array of p's size, so all four have flat.size entries.
        g = np.ascontiguousarray(g, dtype=p.dtype).reshape(-1)
        adam_update(flat, g, state["m"], state["v"],
                    *map(scalar, (b1, 1 - b1, b2, 1 - b2, step_size, eps)))
        if not p.flags.c_contiguous:  # reshape had to copy: write the result back
            p[...] = flat.reshape(p.shape)


class AdamW(Adam):
    """Adam with decoupled weight decay, in the form of PyTorch's ``AdamW`` (the defaults
    are its own): Adam's step on the gradient alone, and a decay of the weights that never
    passes through m and v, so every weight shrinks by the same fraction per step whatever
    its gradients' scale. That fraction is set by ``lr`` and ``weight_decay`` together;
    notebook 06's Task 4 works out the update.
    """

    decoupled = True

    def __init__(self, lr: float = 1e-3, beta1: float = 0.9, beta2: float = 0.999,
                 eps: float = 1e-8, weight_decay: float = 1e-2) -> None:
        super().__init__(lr, beta1, beta2, eps, weight_decay)

    def _update(self, state, p, g):
        if self.weight_decay:
            p *= p.dtype.type(1 - self.lr * self.weight_decay)  # Adam's step does not read p
        super()._update(state, p, g)
