"""Notebook 06's judged tasks: the ``Momentum``, ``Adam``, ``Nesterov`` and ``AdamW`` classes,
``clip_by_global_norm``, ``best_momentum`` (the heavy ball's best momentum at a given rate) and the momentum
warm-up prediction (tools/judge.py).

The two classes keep state between calls, so the child *drives* them (``_STEPS``): it builds
the student's object, calls ``step(p, g)`` on its own arrays, and sends back p after every
step. The grading process runs the package's ``mfs.SGD(lr, momentum=..., nesterov=...)`` and
``mfs.Adam`` on the same arrays and compares, with the check cells' messages. Nesterov is also
run on a quadratic bowl, whose gradient the child computes at the student's own p, against the
look-ahead points of its definition; AdamW against mfs.Adam's step plus PyTorch's
decoupled decay, made in the grading process.
"""

from __future__ import annotations

import math

import numpy as np

from judge import (NotAnswered, Verdict, alone_hint, answer_of, array_of, call_error, number_of,
                   raise_if_broken, raise_if_changed, returned_pair, run_sandboxed)

# Run in the child (and, for the same inputs, in the grading process): the student's class,
# driven over the check cells' cases. ``CLASS`` is put in front of it by the task.
_STEPS = '''
_stack = np.array   # bound before the student's cell runs, which could replace np.array


def drive(namespace, kind, args, kwargs, p0, grads):
    """"run": one object on p0, a step per gradient; "bowl": the same, but each step is given
    the gradient H @ p of a quadratic bowl at the current p (grads holds H, once per step);
    "pair": two objects on zeros(3), used in turn. Returns p after every step (or the two
    final p's), and the first error."""
    cls = namespace[CLASS]
    if kind in ("run", "bowl"):
        p, out = p0.copy(), []
        try:
            optimizer = cls(*args, **kwargs)
            for g in grads:
                optimizer.step(p, g.copy() if kind == "run" else g @ p)
                out.append(p.copy())
        except Exception as error:
            return {"ps": _stack(out).reshape((len(out),) + p0.shape),
                    "error": f"{type(error).__name__}: {error}", "at": len(out) + 1}
        return {"ps": _stack(out)}
    objects, ps = [cls(*args, **kwargs), cls(*args, **kwargs)], [p0.copy(), p0.copy()]
    for ga, gb in zip(*grads):
        for optimizer, p, g in zip(objects, ps, (ga, gb)):
            optimizer.step(p, g.copy())
    return {"ps": _stack(ps)}
'''

# Random-gradient runs of a momentum-style class, Momentum(lr, momentum) or Nesterov(lr, momentum).
_MOMENTUM_RUN = '''

def _run(lr, momentum, shape, dtype, seed, num_steps=6):
    rng = np.random.default_rng(seed)
    p0 = rng.standard_normal(shape).astype(dtype)
    grads = rng.standard_normal((num_steps, *shape)).astype(dtype)
    return ("run", (lr, momentum), {}, p0, grads)
'''

_MOMENTUM_CASES = '''
CLASS = "Momentum"
''' + _MOMENTUM_RUN + '''

def cases():
    """The check cell's runs (its visible one first), then two objects used in turn."""
    rng = np.random.default_rng(4)
    pair = np.array([[rng.standard_normal(3), rng.standard_normal(3)] for _ in range(4)])
    return [_run(0.1, 0.9, (5,), np.float64, seed=1),
            _run(0.05, 0.5, (3, 4), np.float32, seed=2, num_steps=8),
            _run(0.01, 0.99, (7,), np.float64, seed=3, num_steps=20),
            ("pair", (0.1, 0.9), {}, np.zeros(3), (pair[:, 0], pair[:, 1]))]
'''

_ADAM_CASES = '''
CLASS = "Adam"


def _run(shape, dtype, seed, scale=1.0, num_steps=6, **hyper):
    rng = np.random.default_rng(seed)
    p0 = rng.standard_normal(shape).astype(dtype)
    grads = (scale * rng.choice([-1, 1], (num_steps, *shape)) * rng.uniform(0.5, 1.5, (num_steps, *shape)))
    return ("run", (), hyper, p0, grads.astype(dtype))


def cases():
    """The check cell's runs (the visible ones first): gradients of size 1 and 1e-5, float32,
    other betas and eps, then two objects used in turn, one with 100 times larger gradients."""
    rng = np.random.default_rng(6)
    pair = [(rng.standard_normal(3), 100 * rng.standard_normal(3)) for _ in range(4)]
    return [_run((6,), np.float64, seed=1, lr=0.1),
            _run((6,), np.float64, seed=2, scale=1e-5, num_steps=3, lr=0.1),
            _run((4, 3), np.float32, seed=3, lr=0.01),
            _run((5,), np.float64, seed=4, num_steps=40, lr=0.05, beta1=0.5, beta2=0.9, eps=1e-6),
            _run((2, 2), np.float32, seed=5, scale=1e-5, num_steps=4, lr=0.01),
            ("pair", (0.1,), {}, np.zeros(3), (np.array([a for a, _ in pair]), np.array([b for _, b in pair])))]
'''

_NESTEROV_CASES = '''
CLASS = "Nesterov"
''' + _MOMENTUM_RUN + '''

def _bowl(lr, momentum, eigenvalues, seed, num_steps=10):
    rng = np.random.default_rng(seed)
    Q = np.linalg.qr(rng.standard_normal((len(eigenvalues), len(eigenvalues))))[0]
    H = Q @ np.diag(eigenvalues) @ Q.T
    p0 = rng.standard_normal(len(eigenvalues))
    return ("bowl", (lr, momentum), {}, p0, np.repeat(H[None], num_steps, axis=0))


def cases():
    """The check cell's runs (its visible ones first), then two objects used in turn."""
    rng = np.random.default_rng(6)
    pair = np.array([[rng.standard_normal(3), rng.standard_normal(3)] for _ in range(4)])
    return [_run(0.1, 0.9, (5,), np.float64, seed=1),
            _bowl(0.1, 0.9, [1.0, 4.0, 9.0], seed=2),
            _run(0.05, 0.5, (3, 4), np.float32, seed=3, num_steps=8),
            _run(0.01, 0.99, (7,), np.float64, seed=4, num_steps=20),
            _bowl(0.02, 0.7, [0.5, 2.0, 10.0, 40.0], seed=5, num_steps=25),
            ("pair", (0.1, 0.9), {}, np.zeros(3), (pair[:, 0], pair[:, 1]))]
'''

_ADAMW_CASES = '''
CLASS = "AdamW"


def _run(shape, dtype, seed, scale=1.0, num_steps=6, zero_steps=(), **hyper):
    rng = np.random.default_rng(seed)
    p0 = rng.standard_normal(shape).astype(dtype)
    grads = scale * rng.choice([-1, 1], (num_steps, *shape)) * rng.uniform(0.5, 1.5, (num_steps, *shape))
    grads[list(zero_steps)] = 0
    return ("run", (), hyper, p0, grads.astype(dtype))


def cases():
    """The check cell's runs (the visible ones first, see _ADAMW_SPECS), then two objects used in turn."""
    rng = np.random.default_rng(9)
    ga, gb = rng.standard_normal((4, 3)), 100 * rng.standard_normal((4, 3))
    return [_run((6,), np.float64, seed=1, lr=0.1, weight_decay=0.0),
            _run((6,), np.float64, seed=2, num_steps=5, zero_steps=range(5), lr=0.1, weight_decay=0.1),
            _run((6,), np.float64, seed=3, lr=0.1, weight_decay=0.1),
            _run((4, 3), np.float32, seed=4, lr=0.01, weight_decay=0.05),
            _run((5,), np.float64, seed=5, num_steps=40, lr=0.05, beta1=0.5, beta2=0.9, eps=1e-6, weight_decay=0.2),
            _run((2, 2), np.float64, seed=6, scale=1e-5, num_steps=4, lr=0.01, weight_decay=0.1),
            _run((5,), np.float64, seed=7, num_steps=8, zero_steps=(2, 3, 4), lr=0.05, weight_decay=0.1),
            _run((3,), np.float64, seed=8),
            ("pair", (0.1,), {"weight_decay": 0.1}, np.ones(3), (ga, gb))]
'''

# For each case of _ADAMW_CASES but the pair: (reference, what the name adds, first hint); the
# reference "adam" is mfs.Adam (weight_decay = 0), "pure" the decay alone (g = 0), "full" Adam + decay.
_ADAMW_HINT = ("with weight_decay = 0 and with g = 0 your steps are right, so look at how Adam's step and the decay "
               "combine: which θ does the decay shrink, and does any of it reach m and v?")
_ADAMW_L2 = ("your steps are Adam's with λθ added to the gradient (L2, as mfs.Adam(weight_decay=λ) does): the decay "
             "then passes through m and v, which decoupled decay must not")
_ADAMW_NO_LR = ("your decay shrinks p by weight_decay itself per step, not scaled by lr: that is the paper's form, "
                "and this task uses PyTorch's (see the task's text)")
_ADAMW_AFTER = ("your decay shrinks p after Adam's step has moved it; the decay shrinks θ as it was before the step "
                "(see the task's text)")
_ADAMW_SPECS = [
    ("adam", "", "the first step has the wrong size; at t = 1, check the moments and their bias correction"),
    ("pure", ", gradients 0 (pure decay)", "with g = 0 Adam's step is 0, and only the decay moves p"),
    ("full", "", _ADAMW_HINT),
    ("full", "", _ADAMW_HINT),
    ("full", "", _ADAMW_HINT),
    ("full", ", gradients of size about 1e-05",
     "with gradients of size 1 the steps are right, so look at where eps enters the update"),
    ("full", ", g = 0 at steps 3 to 5", _ADAMW_HINT),
    ("full", " (the default arguments)", _ADAMW_HINT),
]

_ADAM_HINT = "the first step has the wrong size; at t = 1, check the moments and their bias correction"
_EPS_HINT = "with gradients of size 1 the steps are right, so look at where eps enters the update"
_ADAM_LATER = ("is the state kept, and updated, from one call to the next (m, v and t), and does your correction "
               "change with t as your derivation says?")
_BETAS = (" (the default betas pass: are beta1, beta2 and eps read from the object's own "
          "attributes?)")


def _cases(inputs: str) -> list[tuple]:
    """The cases of ``inputs``, made in the grading process (the child makes its own)."""
    namespace: dict = {"np": np, "math": math}
    exec(inputs, namespace)
    return namespace["cases"]()


def _reference_steps(make, p0: np.ndarray, grads: np.ndarray) -> np.ndarray:
    """p after each step of the package's optimizer ``make()`` (mfs.SGD or mfs.Adam)."""
    optimizer, p, out = make(), p0.copy(), []
    for g in grads:
        optimizer.step([p], [g.copy()])
        out.append(p.copy())
    return np.array(out)


def _efficient_adam(p0: np.ndarray, grads: np.ndarray, lr=1e-3, beta1=0.9, beta2=0.999,
                    eps=1e-8) -> np.ndarray:
    """Kingma and Ba's "efficient" Adam (their section 2): both corrections folded into the
    step size, and eps added to √v, not to √v̂. Not the task's update; recognised for a message."""
    p, m, v, out = p0.astype(np.float64), 0.0, 0.0, []
    for t, g in enumerate(grads.astype(np.float64), 1):
        m, v = beta1 * m + (1 - beta1) * g, beta2 * v + (1 - beta2) * g * g
        p = p - lr * math.sqrt(1 - beta2**t) / (1 - beta1**t) * m / (np.sqrt(v) + eps)
        out.append(p)
    return np.array(out)


def _check_run(cls: str, ps: np.ndarray, failure: str | None, at: int, p0: np.ndarray,
               grads: np.ndarray, reference: np.ndarray, rtol: float, name: str,
               first_hint: str, efficient: np.ndarray | None = None,
               later_hint: str = "is the state kept, and updated, from one call to the next?",
               known: tuple[tuple[np.ndarray, str], ...] = ()) -> None:
    """The check cell's ``_steps`` and ``_compare`` on the p's the student's object produced.
    ``known``: (steps, message) of recognised wrong updates, said when every step matches one
    (and not the reference: in float32 a wrong form can be as close as the right one);
    ``grads[0]`` is the first gradient (for the uphill test)."""
    for t, p in enumerate(ps, 1):
        before = p0 if t == 1 else ps[t - 2]
        if np.array_equal(p, before):
            if t == 1 and len(ps) > 2 and np.allclose(ps[1:], reference[:len(ps) - 1], rtol=rtol, atol=rtol):
                raise Verdict(f"{name}: at step 1 p stayed where it was, and from then on p is always "
                              "where it should have been one step earlier: each step moves p with the "
                              "state from before this step's gradient was taken in (see the order of "
                              "the updates in the table)")
            raise Verdict(f"p did not change at step {t}: step must update the array p in place "
                          "(p -= ... or p[...] = ...), not make a new one")
        if not np.isfinite(p).all():
            raise Verdict(f"p after step {t} contains NaN or infinity: a division by zero? "
                          "Look at what that step divides by")
    if failure is not None:
        where = f"{cls}(...) raised" if at == 0 else f"{cls}.step raised"
        raise Verdict(f"{where} {failure.split(':')[0]} at step {max(at, 1)}:"
                      f"{failure.split(':', 1)[1] if ':' in failure else ''}" + alone_hint(failure))
    right = len(ps) == len(reference) and np.allclose(ps, reference, rtol=rtol, atol=rtol)
    for steps, message in () if right else known:
        if len(steps) == len(ps) and np.allclose(ps, steps, rtol=rtol, atol=rtol):
            raise Verdict(f"{name}: {message}")
    for t, (a, b) in enumerate(zip(ps, reference), 1):
        wrong = ~np.isclose(a, b, rtol=rtol, atol=rtol)
        if not wrong.any():
            continue
        where = f"in {int(wrong.sum())} of {wrong.size} entries"
        if t > 1:
            done = "step 1 is" if t == 2 else f"steps 1 to {t - 1} are"
            raise Verdict(f"{name}: {done} right but p is wrong after step {t} ({where}): {later_hint}")
        if np.sum((a.astype(np.float64) - p0) * grads[0]) > 0:
            raise Verdict(f"{name}: the first step moved p along the gradient, uphill ({where})")
        if efficient is not None and np.allclose(a, efficient[0], rtol=rtol, atol=rtol):
            raise Verdict(f"{name}: p is wrong after the first step ({where}): {first_hint}. Your "
                          "steps add eps to √v, as in Kingma and Ba's \"efficient\" form of Adam; this "
                          "task adds it to √v̂, the bias-corrected moment (see the task's text)")
        raise Verdict(f"{name}: p is wrong after the first step ({where}): {first_hint}")


def _run_optimizer(source: str, inputs: str, cls: str) -> tuple[list, list]:
    """The student's class driven over the cases in the child: (cases, what came back)."""
    got = run_sandboxed(source, inputs + _STEPS, function=cls)
    raise_if_broken(got, cls)
    return _cases(inputs), got["calls"]


def _outcome(call: dict, cls: str) -> dict:
    """One drive's result as data: ps (an array), and the error the student's code raised."""
    error = call_error(call, cls)
    if error is not None:
        raise Verdict(f"{cls} raised {error}")
    out = call["out"].get("dict", {})
    failure = out.get("error", {}).get("str")
    if failure is not None and failure.startswith("NotImplementedError"):
        raise NotAnswered("not answered yet: the solution still raises NotImplementedError")
    return {"ps": array_of(out["ps"], "p"), "failure": failure,
            "at": int(array_of(out["at"], "at")) if "at" in out else 0}


def _judge_momentum(source: str) -> None:
    import mlp_from_scratch as mfs

    cases, calls = _run_optimizer(source, _MOMENTUM_CASES, "Momentum")
    for (kind, args, _, p0, grads), call in zip(cases, calls):
        got = _outcome(call, "Momentum")
        make = lambda: mfs.SGD(args[0], momentum=args[1])  # noqa: E731
        if kind == "pair":
            expected = [_reference_steps(make, p0, g)[-1] for g in grads]
            if not np.allclose(got["ps"], expected):
                raise Verdict("two Momentum objects used in turn interfere: each must keep its own velocity")
            continue
        name = f"Momentum({args[0]}, {args[1]}) on {p0.dtype.name} p of shape {p0.shape}"
        _check_run("Momentum", got["ps"], got["failure"], got["at"], p0, grads,
                   _reference_steps(make, p0, grads), 1e-4 if p0.dtype == np.float32 else 1e-9, name,
                   "the first step has the wrong size; check how lr and the gradient enter it")


def _judge_adam(source: str) -> None:
    import mlp_from_scratch as mfs

    cases, calls = _run_optimizer(source, _ADAM_CASES, "Adam")
    for (kind, args, hyper, p0, grads), call in zip(cases, calls):
        got = _outcome(call, "Adam")
        make = lambda: mfs.Adam(*args, **hyper)  # noqa: E731
        if kind == "pair":
            expected = [_reference_steps(make, p0, g)[-1] for g in grads]
            if not np.allclose(got["ps"], expected):
                raise Verdict("two Adam objects used in turn interfere: each must keep its own m, v and t")
            continue
        name = f"Adam({', '.join(f'{k}={v}' for k, v in hyper.items())}) on {p0.dtype.name} p of shape {p0.shape}"
        tiny = np.abs(grads).max() < 1e-3
        if tiny:
            name += f", gradients of size about {1e-5:g}"
        try:
            _check_run("Adam", got["ps"], got["failure"], got["at"], p0, grads,
                       _reference_steps(make, p0, grads), 1e-4 if p0.dtype == np.float32 else 1e-7, name,
                       _EPS_HINT if tiny else _ADAM_HINT, _efficient_adam(p0, grads, **hyper),
                       later_hint=_ADAM_LATER)
        except NotAnswered:
            raise
        except Verdict as verdict:
            if hyper.get("beta1", 0.9) != 0.9:   # only the hidden run with other betas says so
                raise Verdict(f"{verdict}{_BETAS}") from None
            raise


_NESTEROV_FIRST = ("with v = 0 before it, work out from the definition θ₁ and the look-ahead point "
                   "θ₁ - ημv₁: p must become the latter")
_NESTEROV_LATER = ("from step 2 on v is not 0: is the velocity kept between calls, and do g and v enter the step "
                   "as your derivation says?")
_HEAVY_BALL = ("your steps are plain momentum's (Task 1), which takes the gradient at θ; "
               "here p is the look-ahead point and g the gradient there (see the change of variables)")


def _look_ahead_points(lr: float, momentum: float, H: np.ndarray, p0: np.ndarray, num_steps: int) -> np.ndarray:
    """Nesterov's definition on the bowl ½ xᵀ H x: the look-ahead point θ_t − η μ v_t after each step."""
    theta, v, out = p0.astype(np.float64), np.zeros(len(p0)), []
    for _ in range(num_steps):
        v = momentum * v + H @ (theta - lr * momentum * v)
        theta = theta - lr * v
        out.append(theta - lr * momentum * v)
    return np.array(out)


def _bowl_steps(make, H: np.ndarray, p0: np.ndarray, num_steps: int) -> np.ndarray:
    """p after each step of the package's optimizer ``make()`` on the bowl, given H @ p."""
    optimizer, p, out = make(), p0.copy(), []
    for _ in range(num_steps):
        optimizer.step([p], [H @ p])
        out.append(p.copy())
    return np.array(out)


def _judge_nesterov(source: str) -> None:
    import mlp_from_scratch as mfs

    cases, calls = _run_optimizer(source, _NESTEROV_CASES, "Nesterov")
    for (kind, args, _, p0, grads), call in zip(cases, calls):
        got = _outcome(call, "Nesterov")
        lr, momentum = args
        make = lambda: mfs.SGD(lr, momentum=momentum, nesterov=True)  # noqa: E731
        heavy = lambda: mfs.SGD(lr, momentum=momentum)  # noqa: E731
        if kind == "pair":
            expected = [_reference_steps(make, p0, g)[-1] for g in grads]
            if not np.allclose(got["ps"], expected):
                raise Verdict("two Nesterov objects used in turn interfere: each must keep its own velocity")
            continue
        if kind == "bowl":
            H = grads[0]
            name = f"Nesterov({lr}, {momentum}) on a bowl with eigenvalues {np.linalg.eigvalsh(H).round(6).tolist()}"
            reference = _look_ahead_points(lr, momentum, H, p0, len(grads))
            heavy_ball = _bowl_steps(heavy, H, p0, len(grads))
            first, rtol = H @ p0, 1e-9
        else:
            name = f"Nesterov({lr}, {momentum}) on {p0.dtype.name} p of shape {p0.shape}"
            reference = _reference_steps(make, p0, grads)
            heavy_ball = _reference_steps(heavy, p0, grads)
            first, rtol = grads[0], 1e-4 if p0.dtype == np.float32 else 1e-9
        _check_run("Nesterov", got["ps"], got["failure"], got["at"], p0, first[None], reference, rtol, name,
                   _NESTEROV_FIRST, later_hint=_NESTEROV_LATER, known=((heavy_ball, _HEAVY_BALL),))



def _adamw_reference(p0: np.ndarray, grads: np.ndarray, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8,
                     weight_decay=1e-2, form="PyTorch") -> np.ndarray:
    """AdamW's steps made of the package's Adam step on g and the decay: PyTorch's (η λ θ, θ before
    the step), the paper's (λ θ, not scaled by η) or PyTorch's of θ after Adam's step."""
    import mlp_from_scratch as mfs

    adam, p, out = mfs.Adam(lr, beta1, beta2, eps), p0.copy(), []
    for g in grads:
        before = p.copy()
        adam.step([p], [g.copy()])
        shrink = {"PyTorch": lr * weight_decay, "paper": weight_decay, "after": lr * weight_decay}[form]
        p -= shrink * (p.copy() if form == "after" else before)
        out.append(p.copy())
    return np.array(out)


def _judge_adamw(source: str) -> None:
    import mlp_from_scratch as mfs

    cases, calls = _run_optimizer(source, _ADAMW_CASES, "AdamW")
    for i, ((kind, args, hyper, p0, grads), call) in enumerate(zip(cases, calls)):
        got = _outcome(call, "AdamW")
        if kind == "pair":
            expected = [_adamw_reference(p0, g, *args, **hyper)[-1] for g in grads]
            if not np.allclose(got["ps"], expected):
                raise Verdict("two AdamW objects used in turn interfere: each must keep its own m, v and t")
            continue
        reference_kind, what, hint = _ADAMW_SPECS[i]
        name = (f"AdamW({', '.join(f'{k}={v}' for k, v in hyper.items())}) on {p0.dtype.name} p of shape "
                f"{p0.shape}{what}")
        l2 = lambda: mfs.Adam(**{"weight_decay": 1e-2, **hyper})  # noqa: E731
        if reference_kind == "adam":
            reference, known = _reference_steps(lambda: mfs.Adam(**hyper), p0, grads), ()
        elif reference_kind == "pure":
            shrink = hyper["lr"] * hyper["weight_decay"]
            reference = np.array([p0 * (1 - shrink) ** t for t in range(1, len(grads) + 1)])
            known = ((_reference_steps(l2, p0, grads), _ADAMW_L2),
                     (np.array([p0 * (1 - hyper["weight_decay"]) ** t for t in range(1, len(grads) + 1)]),
                      _ADAMW_NO_LR))
        else:
            reference = _adamw_reference(p0, grads, **hyper)
            known = ((_reference_steps(l2, p0, grads), _ADAMW_L2),
                     (_adamw_reference(p0, grads, form="paper", **hyper), _ADAMW_NO_LR),
                     (_adamw_reference(p0, grads, form="after", **hyper), _ADAMW_AFTER))
        try:
            _check_run("AdamW", got["ps"], got["failure"], got["at"], p0, grads, reference,
                       1e-4 if p0.dtype == np.float32 else 1e-7, name, hint, known=known)
        except NotAnswered:
            raise
        except Verdict as verdict:
            if hyper.get("beta1", 0.9) != 0.9:   # only the hidden run with other betas says so
                raise Verdict(f"{verdict}{_BETAS}") from None
            raise


# Run in the child (and, for the same arrays, in the grading process): the check cell's settings in its order, each
# (H, lr): per visible rate, H, then H rotated and four times steeper at a quarter of the rate (both the same numbers
# as H's), measured; then the hidden ones, compared with the exact answer.
_BOWL_CASES = '''
def _rotated(H, angle):
    c, s = np.cos(angle), np.sin(angle)
    R = np.array([[c, -s], [s, c]])
    return R @ H @ R.T


def cases():
    H = np.array([[10.0, 6.0], [6.0, 5.0]])
    visible = [case for lr in (0.02, 0.2) for case in ((H, lr), (_rotated(H, 1.0), lr), (4 * H, lr / 4))]
    return visible + [(np.array([[8.0, 3.0, 1.0], [3.0, 4.0, 1.0], [1.0, 1.0, 1.0]]), 0.1),
                      (np.diag([3.0, 0.5, 12.0, 2.0]), 0.25),
                      (_rotated(np.diag([50.0, 0.5]), 0.4), 0.01)]
'''
_BOWL_NAME = "H = [[10, 6], [6, 5]]"
_BOWL_NAMES = [f"{_BOWL_NAME}{how}" for _ in range(2) for how in ("", " rotated by 1 radian", " times 4")] + [
    "a 3x3 H", "H = diag(3, 0.5, 12, 2)", "a rotated ill-conditioned 2x2 H"]


def _momentum_pair(call: dict, name: str, lr: float) -> tuple[float, float]:
    """The check cell's ``_answer`` on what the child sent back: H left as it was, two numbers in range."""
    error = call_error(call, "best_momentum")
    if error is not None:
        raise Verdict(f"best_momentum({name}, lr = {lr}) raised {error}")
    raise_if_changed(call, "best_momentum", ["H"])
    out = call["out"]
    if "items" not in out or len(out["items"]) != 2:
        got = (f"{len(out['items'])} values" if "items" in out else
               "a number or an array" if "bytes" in out else out.get("type", "something else"))
        raise Verdict(f"best_momentum should return two numbers (momentum, rate), got {got}")
    momentum, rate = answer_of(out["items"][0], "momentum"), answer_of(out["items"][1], "rate")
    if not 0 <= momentum < 1:
        raise Verdict(f"momentum is {momentum:g} for {name} at lr = {lr}; a momentum that converges lies in [0, 1)")
    if not 0 <= rate < 1:
        raise Verdict(f"rate is {rate:g} for {name} at lr = {lr}, but with lr·λmax < 4 the best momentum "
                      "converges: its rate per step lies in [0, 1)")
    return momentum, rate


def _fewest_steps(H: np.ndarray, lr: float, momenta: np.ndarray, factor: float = 1e-100) -> tuple[int, float]:
    """The check cell's ``_fewest_steps``: the heavy ball at ``lr`` from (1, ..., 1) for every momentum of a grid at
    once, one eigen-direction at a time by its 2x2 matrix M; the step at which the first of them has shrunk the
    distance ``factor`` times, and the mean μ of those first."""
    eigenvalues, eigenvectors = np.linalg.eigh(H)
    a, mu = lr * eigenvalues, momenta[:, None]
    c = np.tile(np.ones(len(H)) @ eigenvectors, (len(momenta), 1))
    previous, limit = c.copy(), factor * np.sqrt(len(H))
    for step in range(1, 100_001):
        c, previous = (1 + mu - a) * c - mu * previous, c
        c[~(np.abs(c) < 1e10).all(axis=1)] = 1e10
        done = np.linalg.norm(c, axis=1) <= limit
        if done.any():
            return step, float(momenta[done].mean())
    raise RuntimeError("no momentum of the grid converged")


def _judge_predict_kappa(source: str) -> None:
    got = run_sandboxed(source, _BOWL_CASES, function="best_momentum")
    raise_if_broken(got, "best_momentum")
    first = None
    for index, ((H, lr), call, name) in enumerate(zip(_cases(_BOWL_CASES), got["calls"], _BOWL_NAMES)):
        momentum, rate = _momentum_pair(call, name, lr)
        if index < 6:   # the visible settings: per rate, H, then the same bowl rotated and scaled, then measured
            if index % 3 == 0:
                first, first_lr = (momentum, rate), lr
                continue
            if not np.allclose((momentum, rate), first, rtol=1e-6, atol=1e-12):
                raise Verdict(f"best_momentum gives other numbers for {name} at lr = {lr:g} than for H at "
                              f"lr = {first_lr}: the heavy ball's matrices M depend on lr times the eigenvalues "
                              "alone, which neither change")
            if index % 3 == 2:
                steps, fastest = _fewest_steps(_cases(_BOWL_CASES)[index - 2][0], first_lr, np.linspace(0.0, 0.95, 96))
                measured = 1e-100 ** (1 / steps)
                momentum0, rate0 = first
                if not abs(momentum0 - fastest) <= 0.02:
                    raise Verdict(f"momentum = {momentum0:.3g} for {_BOWL_NAME} at lr = {first_lr} is more than 0.02 "
                                  f"{'above' if momentum0 > fastest else 'below'} the momentum that needed the fewest "
                                  "steps on the grid: at this lr, which eigen-direction is slowest, and at which "
                                  "momentum is it fastest?")
                if not abs(rate0 / measured - 1) < 0.03:
                    raise Verdict(f"rate = {rate0:.3g} for {_BOWL_NAME} at lr = {first_lr} is more than 3 % "
                                  f"{'above' if rate0 > measured else 'below'} the measured shrink per step of the "
                                  "fastest runs: the rate is the largest spectral radius of M over the "
                                  "eigen-directions, at your momentum")
            continue
        # the exact answer: the largest double root (1 - √(lr·λ))² over the eigenvalues, and its square root
        lam = np.linalg.eigvalsh(H)
        mu = float(np.max((1 - np.sqrt(lr * lam)) ** 2))
        polyak = ((np.sqrt(lam[-1] / lam[0]) - 1) / (np.sqrt(lam[-1] / lam[0]) + 1)) ** 2
        if not abs(momentum - mu) < 1e-6:
            if abs(momentum - polyak) < 1e-6:
                raise Verdict(f"momentum = {momentum:.6g} for {name} at lr = {lr} is Polyak's μ* for this bowl's "
                              "κ, the best momentum at Polyak's own learning rate only; here lr is given")
            raise Verdict(f"momentum = {momentum:.6g} for {name} at lr = {lr} is too "
                          + ("large: a smaller momentum makes every eigen-direction shrink faster" if momentum > mu
                             else "small: some eigen-direction shrinks slower than at a larger momentum (does "
                                  "every one count?)"))
        if not abs(rate - np.sqrt(mu)) < 1e-6:
            raise Verdict(f"rate = {rate:.6g} for {name} at lr = {lr} is not the rate per step at the best "
                          "momentum: the largest spectral radius of M over the eigen-directions")


# ----------------------------------------------------------------------------------------
# nb06_clip_global_norm
# ----------------------------------------------------------------------------------------

# Run in the child (and, for the same arrays, in the grading process): the check cell's cases in
# its order, each (grads, max_norm, name, full): full = False for the visible checks only.
_CLIP_CASES = '''
def _clip_case(shapes, dtype, seed, scale):
    rng = np.random.default_rng(seed)
    return [(scale * rng.standard_normal(shape)).astype(dtype) for shape in shapes]


def cases():
    grads = _clip_case([(3, 4), (4,), (4, 2)], np.float64, seed=1, scale=5.0)
    return [
        (grads, 1000.0, "max_norm far above the gradient's norm", "below"),
        ([g.copy() for g in grads], 1.0, "max_norm = 1", "clip"),
        ([g.copy() for g in grads], 1.0, "three float64 arrays, max_norm = 1", "full"),
        ([g.copy() for g in grads], 1000.0, "three float64 arrays, max_norm = 1000", "full"),
        (_clip_case([(5, 3), (3,), (2, 2, 2)], np.float32, seed=2, scale=3.0), 2.0,
         "float32 arrays, max_norm = 2", "full"),
        (_clip_case([(5, 3), (3,), (2, 2, 2)], np.float32, seed=3, scale=0.01), 2.0,
         "float32 arrays below max_norm = 2", "full"),
        (_clip_case([(10,)], np.float64, seed=4, scale=10.0) + _clip_case([(3,)], np.float64, seed=5, scale=0.01),
         1.0, "a large array and a tiny one, max_norm = 1", "full"),
        (_clip_case([(4, 5), (5,)], np.float64, seed=6, scale=0.3), 1.0,
         "entries all below 1 but global norm above max_norm = 1", "full"),
        ([np.zeros((3, 2)), np.zeros(2)], 1.0, "all-zero gradients (norm 0)", "full"),
        (_clip_case([(6,)], np.float64, seed=7, scale=1.0), 0.5, "a single array, max_norm = 0.5", "full"),
    ]


_copy = np.ndarray.copy            # bound before the student's cell runs
_equal = np.array_equal


def drive(namespace, grads, max_norm, name, kind):
    """The student's function on one case, and what it did to its inputs, as data."""
    before = [_copy(g) for g in grads]
    given = list(grads)
    out = namespace["clip_by_global_norm"](grads, max_norm)
    report = {"list_changed": len(grads) != len(given) or any(a is not b for a, b in zip(grads, given)),
              "changed": [i for i, (g, b) in enumerate(zip(given, before))
                          if g.dtype != b.dtype or g.shape != b.shape or not _equal(g, b)],
              "out_type": type(out).__name__}
    if isinstance(out, (tuple, list)) and len(out) == 2:
        clipped, norm = out
        report["clipped_type"] = type(clipped).__name__
        if isinstance(clipped, (list, tuple)):
            report["clipped"] = list(clipped)
            report["clipped_types"] = [type(c).__name__ for c in clipped]
        number = isinstance(norm, (int, float, np.integer, np.floating)) and not isinstance(norm, bool)
        report["norm"] = norm if number else None
        report["norm_type"] = type(norm).__name__
        report["out_len"] = 2
    return report
'''


def _global_norm(grads) -> float:
    return float(np.sqrt(sum(np.sum(np.asarray(g, dtype=np.float64) ** 2) for g in grads)))


def _clip_outcome(call: dict, grads: list, name: str) -> tuple[list, float]:
    """The check cell's ``_clip`` on what the child sent back: the clipped arrays (float64) and norm."""
    error = call_error(call, "clip_by_global_norm")
    if error is not None:
        raise Verdict(f"clip_by_global_norm raised {error.split(':')[0]} on {name}:"
                      f"{error.split(':', 1)[1] if ':' in error else ''}")
    report = call["out"].get("dict", {})
    flag = report.get("list_changed", {})
    if "bytes" in flag and bool(array_of(flag, "list_changed")):
        raise Verdict(f"clip_by_global_norm changed the list grads itself ({name}): build a new list")
    changed = [int(number_of(i, "changed")) for i in report.get("changed", {}).get("items", [])]
    if changed:
        raise Verdict(f"clip_by_global_norm changed its input grads[{changed[0]}] in place ({name}): "
                      "return new arrays and leave grads as they were")
    if "out_len" not in report:
        raise Verdict("clip_by_global_norm should return a pair (clipped, norm), got "
                      f"{report.get('out_type', {}).get('str', 'something else')}")
    if "clipped" not in report or len(report["clipped"].get("items", [])) != len(grads):
        raise Verdict(f"clipped should be a list of {len(grads)} arrays, one per array of grads ({name})")
    kinds = [k["str"] for k in report["clipped_types"]["items"]]
    out = []
    for i, (plain, kind, g) in enumerate(zip(report["clipped"]["items"], kinds, grads)):
        if kind == "NoneType":
            raise Verdict(f"clipped[{i}] is None: does your code return (or assign) its result?")
        if kind != "ndarray":
            raise Verdict(f"clipped[{i}] should be a NumPy array, got {kind}")
        c = array_of(plain, f"clipped[{i}]")
        if c.dtype.kind not in "iuf":
            raise Verdict(f"clipped[{i}] should hold real numbers, got dtype {c.dtype}")
        if c.shape != g.shape:
            raise Verdict(f"clipped[{i}] has shape {c.shape}, expected {g.shape}")
        if c.dtype.kind == "f" and not np.isfinite(c).all():
            raise Verdict(f"clipped[{i}] contains NaN or infinity")
        if c.dtype != g.dtype:
            raise Verdict(f"clipped[{i}] has dtype {c.dtype} but grads[{i}] has {g.dtype} ({name}): "
                          "keep each array's dtype")
        out.append(c.astype(np.float64))
    norm_type = report["norm_type"]["str"]
    if report["norm"].get("type") == "NoneType":
        if norm_type == "NoneType":
            raise Verdict("norm is None: replace None with your answer")
        raise Verdict(f"norm should be a number, got {norm_type}")
    norm = float(array_of(report["norm"], "norm"))
    if not math.isfinite(norm):
        raise Verdict(f"norm should be a finite number, got {norm}")
    if norm < 0:
        raise Verdict(f"norm is {norm:g} ({name}): a norm is never negative")
    return out, norm


def _clip_factor(clipped: list, grads: list, name: str) -> float:
    """The check cell's ``_factors``: each array scaled as a whole, all by one factor."""
    factors = []
    for i, (c, g) in enumerate(zip(clipped, grads)):
        g = g.astype(np.float64)
        f = float(np.sum(c * g) / np.sum(g * g))
        if not np.allclose(c, f * g, rtol=1e-5, atol=1e-6 * np.abs(g).max()):
            raise Verdict(f"clipped[{i}] is not grads[{i}] times one number ({name}): its direction "
                          "changed, as an element-wise clip changes it; scale every entry by the same factor")
        factors.append(f)
    if max(factors) - min(factors) > 1e-5 * max(factors):
        raise Verdict(f"the arrays were scaled by different factors, from {min(factors):.4g} to "
                      f"{max(factors):.4g} ({name}): that changes the direction of the whole gradient; "
                      "use one factor for all arrays")
    return factors[0]


def _judge_clip_global_norm(source: str) -> None:
    got = run_sandboxed(source, _CLIP_CASES, function="clip_by_global_norm")
    raise_if_broken(got, "clip_by_global_norm")
    for (grads, max_norm, name, kind), call in zip(_cases(_CLIP_CASES), got["calls"]):
        clipped, norm = _clip_outcome(call, grads, name)
        if kind == "below":
            if not all(np.allclose(c, g, rtol=1e-7, atol=0) for c, g in zip(clipped, grads)):
                raise Verdict("with max_norm = 1000, far above the gradient's norm, the arrays changed: "
                              "below the threshold they come back unchanged")
            continue
        if kind == "clip":
            f = _clip_factor(clipped, grads, name)
            if not 0 < f < 1:
                raise Verdict(f"with max_norm = 1 each array was multiplied by {f:.4g}: a clipped gradient "
                              "points the same way and is shorter")
            continue
        true = _global_norm(grads)
        rtol = 1e-5 if any(g.dtype == np.float32 for g in grads) else 1e-9
        if not np.isclose(norm, true, rtol=rtol, atol=1e-12):
            if true > max_norm and np.isclose(norm, max_norm, rtol=rtol):
                raise Verdict(f"norm is the norm after clipping ({name}): return the global norm before it")
            if np.isclose(norm, sum(_global_norm([g]) for g in grads), rtol=rtol):
                raise Verdict(f"norm is the sum of the arrays' own norms ({name}), not the L2 norm over "
                              "all their entries together")
            raise Verdict(f"norm is {norm:.6g}, not the global L2 norm over all entries of all arrays ({name})")
        same = all(np.allclose(c, g, rtol=rtol, atol=0) for c, g in zip(clipped, grads))
        if true <= max_norm:
            if not same:
                raise Verdict(f"the global norm is at most max_norm ({name}), yet the arrays changed: "
                              "below the threshold they come back unchanged")
            continue
        if same:
            raise Verdict(f"the global norm exceeds max_norm ({name}), yet the arrays came back unchanged "
                          "(an element-wise clip leaves entries that are all small as they are)")
        _clip_factor(clipped, grads, name)
        if not np.isclose(_global_norm(clipped), max_norm, rtol=max(rtol, 1e-6)):
            raise Verdict(f"the clipped arrays have global norm {_global_norm(clipped):.6g}, not max_norm = "
                          f"{max_norm:g} ({name})")


# ----------------------------------------------------------------------------------------
# nb06_momentum_warmup
# ----------------------------------------------------------------------------------------

_WARMUP_CASES = """
def cases():
    return [(0.95, 0.9), (0.8, 0.5), (0.99, 0.95), (0.9, 0.99)]
"""
# a momentum whose warm-up lasts about 7e11 steps: only a formula answers it
_WARMUP_FAR = """
def cases():
    return [(1 - 1e-12, 0.5)]
"""
_WARMUP_FAR_SECONDS = 10


def _warmup_pair(mu: float, fraction: float, call: dict) -> tuple[float, float]:
    """The (steps, distance_ratio) one call returned, checked for form: a whole step number
    and a ratio of at least 1."""
    plain_steps, plain_ratio = returned_pair(call, f"momentum_warmup({mu}, {fraction})", ("steps", "distance_ratio"))
    steps, ratio = answer_of(plain_steps, "steps"), answer_of(plain_ratio, "distance_ratio")
    if steps < 1 or steps != round(steps):
        raise Verdict(f"steps is {steps:g} for mu = {mu}, fraction = {fraction}: it is the number of a step, "
                      "a whole number 1, 2, 3, …")
    if ratio < 1:
        raise Verdict(f"distance_ratio is {ratio:g} for mu = {mu}, fraction = {fraction}, but on a constant "
                      "gradient momentum never moves less far than plain SGD at the same lr")
    return steps, ratio


def _judge_momentum_warmup(source: str) -> None:
    got = run_sandboxed(source, _WARMUP_CASES, function="momentum_warmup")
    raise_if_broken(got, "momentum_warmup")
    import mlp_from_scratch as mfs

    for index, ((mu, fraction), call) in enumerate(zip(_cases(_WARMUP_CASES), got["calls"])):
        steps, ratio = _warmup_pair(mu, fraction, call)
        if index == 0:
            continue   # the notebook's own setting: its numbers are on screen, only their form is checked
        # the package's momentum on a constant gradient, measured: step lengths and distances
        lr, g = 0.01, np.array([0.6, -0.8])
        heavy, p, lengths = mfs.SGD(lr, momentum=mu), np.zeros(2), []
        for _ in range(2000):
            before = p.copy()
            heavy.step([p], [g.copy()])
            lengths.append(float(np.linalg.norm(p - before)))
        terminal = lr * np.linalg.norm(g) / (1 - mu)
        first = int(np.argmax(np.array(lengths) >= fraction * terminal)) + 1
        if steps != first:
            raise Verdict(f"steps = {steps:g} for mu = {mu}, fraction = {fraction} is not the first step whose "
                          "length reaches that share of the terminal one: at step t the velocity holds the "
                          "gradients of steps 1 to t")
        exact = sum(lengths[:first]) / (first * lr * np.linalg.norm(g))
        if not abs(ratio / exact - 1) < 0.02:
            raise Verdict(f"distance_ratio = {ratio:g} for mu = {mu}, fraction = {fraction} is more than 2 % "
                          f"away from the ratio of the two distances after {first} steps: add up momentum's "
                          "growing steps")
    # The far case, run on its own so that a loop's time-out cannot hide the verdicts above.
    (mu, fraction), = _cases(_WARMUP_FAR)
    got = run_sandboxed(source, _WARMUP_FAR, function="momentum_warmup", timeout=_WARMUP_FAR_SECONDS)
    if "crashed" in got:
        raise Verdict(f"momentum_warmup(1 - 1e-12, {fraction}) did not return ({got['crashed']}): that "
                      "warm-up lasts hundreds of billions of steps, more than a loop can count; write steps "
                      "and distance_ratio as formulas in mu and fraction")
    steps, ratio = _warmup_pair(mu, fraction, got["calls"][0])
    # the closed forms: mu^t <= 1 - fraction first at step t; momentum's distance is
    # Σ_{k<=t} (1 - mu^k) / (1 - mu) of plain SGD's steps
    t = math.ceil(math.log(1 - fraction) / math.log(mu))
    exact = (t - mu * (1 - mu**t) / (1 - mu)) / ((1 - mu) * t)
    if not abs(steps / t - 1) < 1e-9 or not abs(ratio / exact - 1) < 0.02:
        raise Verdict(f"momentum_warmup(1 - 1e-12, {fraction}) = ({steps:.6g}, {ratio:.6g}) is not the warm-up "
                      "of a momentum that close to 1: is your formula exact for every mu, or an approximation "
                      "that only holds for some?")

TASKS = {
    "nb06_momentum": _judge_momentum,
    "nb06_adam": _judge_adam,
    "nb06_nesterov": _judge_nesterov,
    "nb06_adamw": _judge_adamw,
    "nb06_predict_kappa": _judge_predict_kappa,
    "nb06_clip_global_norm": _judge_clip_global_norm,
    "nb06_momentum_warmup": _judge_momentum_warmup,
}
