"""The steps that run on every training batch, each written twice: in NumPy and as a loop.

NumPy evaluates an expression such as ``b1 * m + (1 - b1) * g`` one operation at a time,
each a full pass over memory with a new temporary array. For the few steps that run on
every batch, that costs more than the arithmetic: Adam's update written with NumPy is a
dozen passes over all the parameters, and the loss a dozen calls on a small array. So each
step below comes twice:

* ``*_numpy``: the NumPy expressions, the readable statement of what the step computes;
* ``*_loop``: the same arithmetic as a loop over the elements, which Numba compiles into
  machine code that reads and writes every element once (an MNIST epoch is slower
  without them: see benchmarks/README.md).

The package uses the compiled loops when Numba can be imported (``pip install
mlp_from_scratch[fast]``) and the NumPy versions otherwise, e.g. on a Python that Numba
does not support yet. Set ``MLP_FROM_SCRATCH_NO_NUMBA=1`` to force the NumPy versions;
``BACKEND`` says which ones are in use. Both give the same results to float32 rounding
(``tests/test_fast_paths.py`` compares them). The choice, and Numba's import, wait for the
first call that needs them (``_choose`` at the end): a small array does not, so a notebook of
small networks never loads Numba, which takes longer than the rest of
``import mlp_from_scratch`` (``benchmarks/import_time.py``).

Numba's settings:

* ``error_model="numpy"``: x/0 gives inf as in NumPy, instead of a check on every element
  that would keep the compiler from vectorizing the loop.
* ``cache=True``: the compiled code is kept on disk, so only the first run on a machine
  pays for compiling.
* No threads: a parallel loop contends with the threads of the matrix products
  (OpenBLAS) and made whole epochs slower in our measurements.

Arithmetic stays in the arrays' dtype (float32 stays float32; only the loss sums in
float64).
"""

from __future__ import annotations

import os

import numpy as np

#: Set this environment variable to 1 to use the NumPy versions even when Numba is installed.
NO_NUMBA_ENV = "MLP_FROM_SCRATCH_NO_NUMBA"


# --------------------------------------------------------------------------- Adam's update

def adam_update_numpy(p, g, m, v, b1, one_minus_b1, b2, one_minus_b2, step_size, eps):
    """One Adam step on flat arrays ``(n,)``, updating ``p`` (θ), ``m`` and ``v`` in place:
    ``m = b1 m + (1 − b1) g``, ``v = b2 v + (1 − b2) g²``,
    ``p −= step_size · m / (√v + eps)`` (see ``Adam`` for the folded bias corrections).
    The scalars have the arrays' dtype, so float32 stays float32."""
    # Each operation writes into one reused scratch array: a new temporary for each would
    # cost an allocation of the whole parameter vector, and made this step 3 times slower.
    tmp = _scratch_like(p)
    m *= b1
    m += np.multiply(one_minus_b1, g, out=tmp)                     # m = b1 m + (1 − b1) g
    v *= b2
    v += np.multiply(one_minus_b2, np.square(g, out=tmp), out=tmp)  # v = b2 v + (1 − b2) g²
    denominator = np.add(np.sqrt(v, out=tmp), eps, out=tmp)        # √v + eps
    p -= np.multiply(step_size, np.divide(m, denominator, out=tmp), out=tmp)


_scratch = np.empty(0)


def _scratch_like(p):
    """A scratch array of ``p``'s size and dtype, kept between calls (the optimizer steps
    the same parameter vector every batch)."""
    global _scratch
    if _scratch.size != p.size or _scratch.dtype != p.dtype:
        _scratch = np.empty(p.size, p.dtype)
    return _scratch.reshape(p.shape)


def adam_update_loop(p, g, m, v, b1, one_minus_b1, b2, one_minus_b2, step_size, eps):
    """``adam_update_numpy`` as one pass over the elements."""
    for i in range(p.size):
        m_i = b1 * m[i] + one_minus_b1 * g[i]
        v_i = b2 * v[i] + one_minus_b2 * (g[i] * g[i])
        p[i] -= step_size * (m_i / (np.sqrt(v_i) + eps))
        m[i], v[i] = m_i, v_i


# --------------------------------------------------------------------------- ReLU

def relu_numpy(z):
    """``max(z, 0)`` for ``z`` of shape ``(batch, features)``. NaN stays NaN, so a
    diverging run still shows up in its loss."""
    return np.maximum(z, 0)


def relu_loop(z):
    """``relu_numpy`` as one pass over the elements."""
    out = np.empty_like(z)
    for i in range(z.shape[0]):
        for j in range(z.shape[1]):
            out[i, j] = max(z[i, j], 0)
    return out


def relu_backward_numpy(grad_out, z):
    """The gradient through ReLU for arrays of shape ``(batch, features)``: ``grad_out``
    where the unit was active (``z > 0``), 0 elsewhere."""
    return np.where(z > 0, grad_out, 0)


def relu_backward_loop(grad_out, z):
    """``relu_backward_numpy`` as one pass over the elements."""
    out = np.empty_like(grad_out)
    for i in range(z.shape[0]):
        for j in range(z.shape[1]):
            out[i, j] = grad_out[i, j] if z[i, j] > 0 else 0
    return out


# --------------------------------------------------------------------------- the loss

def softmax_cross_entropy_numpy(z, labels):
    """Softmax cross-entropy from logits ``z`` ``(batch, classes)`` and integer ``labels``
    ``(batch,)`` in 0..classes−1 (the caller checks the range): returns the mean loss
    −mean_n log softmax(z_n)[labels_n] and its gradient with respect to ``z`` (notebook 09
    derives both), of ``z``'s dtype. Sums are kept in float64."""
    batch = z.shape[0]
    rows = np.arange(batch)
    shifted = z - z.max(axis=1, keepdims=True)  # subtracting the row maximum: exp cannot overflow
    grad = np.exp(shifted)
    norm = grad.sum(axis=1, keepdims=True, dtype=np.float64)
    total = (np.log(norm[:, 0]) - shifted[rows, labels]).sum()  # Σ −log softmax(z_n)[label]
    grad /= norm  # softmax(z), in z's dtype
    grad[rows, labels] -= 1
    grad /= batch
    return total / batch, grad


def softmax_cross_entropy_loop(z, labels):
    """``softmax_cross_entropy_numpy`` as one pass per row, where NumPy needs a dozen calls
    on a small array, each costing more in overhead than in arithmetic."""
    batch, classes = z.shape
    grad = np.empty_like(z)
    total = 0.0
    for i in range(batch):
        top = z[i].max()
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


# --------------------------------------------------------------------------- the choice

#: ``relu``, ``relu_backward`` and ``adam_update`` on fewer elements than this run their NumPy
#: versions until Numba is loaded: loading it (about 1 s; ``benchmarks/import_time.py``) costs
#: more than the loops save in a notebook of small networks. Their two versions give the same
#: numbers bit for bit (``tests/test_fast_paths.py``), so which one runs changes only the time.
#: An array this large loads Numba: a batch of 512 rows of 512 units, or an MNIST network's
#: parameters.
LOOP_WORTH_LOADING = 1 << 18

_NUMPY = {"backend": "numpy", "adam_update": adam_update_numpy, "relu": relu_numpy,
          "relu_backward": relu_backward_numpy, "softmax_cross_entropy": softmax_cross_entropy_numpy}
_chosen: dict | None = None  # the versions in use, once chosen by _choose()


def numba_jit():
    """Numba's compiler with the settings above, or None when Numba is not installed or
    ``$MLP_FROM_SCRATCH_NO_NUMBA`` is set to anything but 0."""
    if os.environ.get(NO_NUMBA_ENV, "0").strip() not in ("", "0"):
        return None
    try:
        import numba
    except ImportError:
        return None
    return numba.njit(error_model="numpy", cache=True)


def _choose() -> dict:
    """The versions in use: the compiled loops if Numba imports, else the NumPy versions.
    Chosen (and Numba imported) once, at the first call that needs the choice."""
    global _chosen
    if _chosen is None:
        jit = numba_jit()
        _chosen = _NUMPY if jit is None else {
            "backend": "numba", "adam_update": jit(adam_update_loop), "relu": jit(relu_loop),
            "relu_backward": jit(relu_backward_loop),
            "softmax_cross_entropy": jit(softmax_cross_entropy_loop)}
    return _chosen


def _version(name: str, size: int):
    """The version of step ``name`` to run on an array of ``size`` elements: NumPy's while
    nothing has chosen yet and the array is small, else the chosen one."""
    return _NUMPY[name] if _chosen is None and size < LOOP_WORTH_LOADING else _choose()[name]


def relu(z):
    """``relu_numpy``, or its compiled loop (see ``LOOP_WORTH_LOADING``)."""
    return _version("relu", z.size)(z)


def relu_backward(grad_out, z):
    """``relu_backward_numpy``, or its compiled loop (see ``LOOP_WORTH_LOADING``)."""
    return _version("relu_backward", z.size)(grad_out, z)


def adam_update(p, g, m, v, b1, one_minus_b1, b2, one_minus_b2, step_size, eps):
    """``adam_update_numpy``, or its compiled loop (see ``LOOP_WORTH_LOADING``)."""
    _version("adam_update", p.size)(p, g, m, v, b1, one_minus_b1, b2, one_minus_b2, step_size, eps)


def softmax_cross_entropy(z, labels):
    """``softmax_cross_entropy_numpy``, or its compiled loop whenever Numba imports: the two
    round differently (NumPy's ``exp`` and sums are not the loop's), so the loss does not
    switch by size; its first call loads Numba."""
    return _choose()["softmax_cross_entropy"](z, labels)


def __getattr__(name: str):
    """``BACKEND``, which versions are in use ("numba" or "numpy"): asking chooses them.
    Python calls a module's ``__getattr__`` only for a name the module does not hold."""
    if name != "BACKEND":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return _choose()["backend"]
