"""Compiled inner loops for the steps that run on every training batch.

NumPy evaluates an expression such as ``b1 * m + (1 - b1) * g`` one operation at a time,
each a full pass over memory with a new temporary array. For the few steps that run on
every batch, that costs more than the arithmetic: Adam's update written with NumPy is a
dozen passes over all the parameters (a quarter to a third of an MNIST epoch), and the loss
a dozen calls on a small array. Numba compiles each loop below into machine code that
reads and writes every element once, 2-6 times faster, and the loops say exactly what the
formulas say.

* ``error_model="numpy"``: x/0 gives inf as in NumPy, instead of a check on every element
  that would keep the compiler from vectorizing the loop.
* ``cache=True``: the compiled code is kept on disk, so only the first run on a machine
  pays for compiling (about a second).
* No threads: a parallel loop contends with the threads of the matrix products
  (OpenBLAS) and made whole epochs slower in our measurements.

Arithmetic stays in the arrays' dtype (float32 stays float32; only the loss sums in
float64), and each loop computes the NumPy expression or formula in its docstring
(``tests/test_fast_paths.py`` compares them).
"""

from __future__ import annotations

import numba
import numpy as np

jit = numba.njit(error_model="numpy", cache=True)


@jit
def adam_update(p, g, m, v, b1, one_minus_b1, b2, one_minus_b2, step_size, eps):
    """One Adam step on flat arrays ``(n,)``, updating ``p`` (θ), ``m`` and ``v`` in place:
    ``m = b1 m + (1 − b1) g``, ``v = b2 v + (1 − b2) g²``,
    ``p −= step_size · m / (√v + eps)`` (see ``Adam`` for the folded bias corrections)."""
    for i in range(p.size):
        m_i = b1 * m[i] + one_minus_b1 * g[i]
        v_i = b2 * v[i] + one_minus_b2 * (g[i] * g[i])
        p[i] -= step_size * (m_i / (np.sqrt(v_i) + eps))
        m[i], v[i] = m_i, v_i


@jit
def relu(z):
    """``np.maximum(z, 0)`` for ``z`` of shape ``(batch, features)``. NaN stays NaN, so a
    diverging run still shows up in its loss."""
    out = np.empty_like(z)
    for i in range(z.shape[0]):
        for j in range(z.shape[1]):
            out[i, j] = max(z[i, j], 0)
    return out


@jit
def relu_backward(grad_out, z):
    """``grad_out * (z > 0)`` for arrays of shape ``(batch, features)``: the gradient
    passes where the unit was active and is 0 elsewhere."""
    out = np.empty_like(grad_out)
    for i in range(z.shape[0]):
        for j in range(z.shape[1]):
            out[i, j] = grad_out[i, j] if z[i, j] > 0 else 0
    return out


@jit
def softmax_cross_entropy(z, labels):
    """Softmax cross-entropy from logits ``z`` ``(batch, classes)`` and integer ``labels``
    ``(batch,)`` in 0..classes−1 (the caller checks the range): returns the mean loss
    −mean_n log softmax(z_n)[labels_n] and its gradient (softmax(z) − onehot) / batch.

    One pass per row, where NumPy needs a dozen calls on a small array, each costing more
    in overhead than in arithmetic. Sums are kept in float64.
    """
    batch, classes = z.shape
    grad = np.empty_like(z)
    total = 0.0
    for i in range(batch):
        top = z[i].max()  # subtracting the row maximum keeps exp from overflowing
        norm = 0.0
        for j in range(classes):
            grad[i, j] = np.exp(z[i, j] - top)
            norm += grad[i, j]
        total += np.log(norm) - (z[i, labels[i]] - top)  # −log softmax(z_i)[label]
        for j in range(classes):
            grad[i, j] /= norm  # softmax(z_i)
        grad[i, labels[i]] -= 1
    grad /= batch
    return total / batch, grad
