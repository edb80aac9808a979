"""Notebook 09's judged tasks: softmax cross-entropy, the training loop, early stopping, the
step count, top-k accuracy and ``shift_right`` (tools/judge.py).

The training loop is the one task here that is more than a call: the child runs the
student's ``train_loop`` on NumPy stand-ins for the model, the loss and the optimizer that
record what the loop asks of them (as the notebook's ``Recording`` does), and sends the
record back as plain data. The grading process then checks the protocol and replays the
recorded batches with the package's Dense, SoftmaxCrossEntropy and SGD: the losses and the
final weights the child reports must be what that training gives, so a loop cannot pass
without training, and the record cannot be faked without doing the training itself.
"""

from __future__ import annotations

import math

import numpy as np

from judge import (Verdict, answer_of, array_of, call_error, judged_calls, number_of, raise_if_broken,
                   raise_if_changed, run_sandboxed)

# ----------------------------------------------------------------------------------------
# nb09_training_loop
# ----------------------------------------------------------------------------------------

#: Made in the child before the student's code, and in the grading process for the replay.
_LOOP_PROBLEMS = '''
FORWARD, LOSS, BACKWARD, STEP = 0, 1, 2, 3


def cases():
    """(n, batch_size, num_epochs, seed, learnable, lr): the notebook's four recorded runs
    (float32, two random labels), then a learnable problem (float64, three classes in
    separated clusters) on which the loss must fall."""
    return [(10, 4, 3, 0, False, 0.01), (12, 4, 2, 5, False, 0.01), (7, 16, 3, 6, False, 0.01),
            (11, 3, 4, 7, False, 0.01), (200, 20, 5, 10, True, 0.2)]


def make_problem(n, seed, learnable):
    """X (n, 1 + features) whose column 0 is the row's number (the record reads which rows
    came from it; the model ignores it), labels y (n,), and the model's start W0, b0."""
    rng = np.random.default_rng(seed)
    if learnable:
        features, classes, dtype = 4, 3, np.float64
        centres = 2.5 * rng.standard_normal((classes, features))
        y = rng.integers(0, classes, n)
        data = centres[y] + rng.standard_normal((n, features))
    else:
        features, classes, dtype = 2, 2, np.float32
        data = rng.standard_normal((n, features))
        y = rng.integers(0, classes, n)
    X = np.column_stack([np.arange(n), data]).astype(dtype)
    W0 = (0.1 * rng.standard_normal((features, classes))).astype(dtype)
    return X, y, W0, np.zeros(classes, dtype)
'''

_LOOP_STANDINS = '''

def log_softmax(z):
    shifted = z - z.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def recorded_run(train_loop, n, batch_size, num_epochs, seed, learnable, lr, rng_seed, full):
    """One call of train_loop on stand-ins for mfs.Sequential, mfs.SoftmaxCrossEntropy and
    mfs.SGD that record, in closures, what the loop asks of them."""
    X, y, W0, b0 = make_problem(n, seed, learnable)
    features, classes = W0.shape
    calls, rows, modes, labels, losses = [], [], [], [], []
    # A loop that asks for far more than its epochs hold is stopped: the record travels
    # through a pipe that must not fill (64 KiB).
    batches = num_epochs * -(-n // batch_size)
    most_calls, most_rows = 8 * batches + 16, 2 * num_epochs * n + batch_size

    overrun = []

    def log(code):
        if len(calls) >= most_calls or sum(map(len, rows)) > most_rows:
            overrun.append(code)
            raise LoopOverrun(f"{len(calls)} calls, {sum(map(len, rows))} rows")
        calls.append(code)

    class Model:
        """The model contract of the loop (forward(x, training), backward(grad), parameters(),
        gradients()) and nothing else: a linear layer on X[:, 1:], its weights and gradients
        in two flat vectors (parameters() and gradients() are views into them)."""

        def __init__(self):
            self._params = np.concatenate([W0.ravel(), b0])
            self._grads = np.zeros_like(self._params)
            cut = W0.size
            self._W = self._params[:cut].reshape(W0.shape)
            self._b = self._params[cut:]
            self._gW = self._grads[:cut].reshape(W0.shape)
            self._gb = self._grads[cut:]

        def __getattr__(self, name):
            raise AttributeError(
                f"model.{name}: the loop may use only model.forward(X_batch, training=True), "
                "model.backward(grad), model.parameters() and model.gradients(), the contract "
                "that your own Sequential keeps too")

        def _outputs(self, x):
            x = np.asarray(x)
            if x.ndim != 2 or x.shape[1] != features + 1:
                raise ValueError(f"the model expects inputs of shape (batch, {features + 1}), "
                                 f"got shape {x.shape}")
            return x, x[:, 1:].astype(W0.dtype) @ self._W + self._b

        def forward(self, x, training=False):
            log(FORWARD)
            x, out = self._outputs(x)
            rows.append(np.rint(x[:, 0]).astype(np.int64))
            modes.append(training is True)
            self._x = x[:, 1:].astype(W0.dtype)
            return out

        def backward(self, grad_out):
            log(BACKWARD)
            if getattr(self, "_x", None) is None:
                raise ValueError("backward was called before forward: call "
                                 "model.forward(X_batch, training=True) on this batch first")
            grad_out = np.asarray(grad_out)
            if grad_out.shape != (len(self._x), classes):
                raise ValueError(f"grad_out has shape {grad_out.shape}, but the last forward "
                                 f"returned shape {(len(self._x), classes)}")
            self._gW[...] = self._x.T @ grad_out
            self._gb[...] = grad_out.sum(axis=0)
            return np.column_stack([np.zeros(len(grad_out)), grad_out @ self._W.T])

        def parameters(self):
            return [self._W, self._b]

        def gradients(self):
            return [self._gW, self._gb]


    class Loss:
        """mfs.SoftmaxCrossEntropy's interface: loss(y_hat, y_batch) -> (mean loss, gradient)."""

        def __call__(self, y_hat, y_batch):
            log(LOSS)
            z, target = np.asarray(y_hat), np.asarray(y_batch)
            if z.ndim != 2 or target.shape != (len(z),):
                raise ValueError(f"SoftmaxCrossEntropy: outputs of shape {z.shape} and labels "
                                 f"of shape {target.shape} do not match")
            if target.dtype.kind not in "iu":
                raise ValueError(f"SoftmaxCrossEntropy: labels must be integers, got dtype "
                                 f"{target.dtype}")
            labels.append(target.astype(np.int16))
            logp = log_softmax(z)
            value = float(-logp[np.arange(len(z)), target].mean())
            losses.append(value)
            return value, (np.exp(logp) - np.eye(z.shape[1], dtype=z.dtype)[target]) / len(z)

        def predict(self, y_hat):
            return np.asarray(y_hat).argmax(axis=1)

    class Optimizer:
        """mfs.SGD's interface: step(params, grads) updates each array in place."""

        def __init__(self):
            self.lr, self.t = lr, 0

        def step(self, params, grads):
            log(STEP)
            if isinstance(params, np.ndarray) or isinstance(grads, np.ndarray):
                raise TypeError("step takes lists of arrays: step(model.parameters(), "
                                "model.gradients())")
            params, grads = list(params), list(grads)
            if len(params) != len(grads):
                raise ValueError(f"{len(params)} parameter arrays but {len(grads)} gradient arrays")
            for p, g in zip(params, grads):
                if not isinstance(p, np.ndarray) or not isinstance(g, np.ndarray):
                    raise TypeError("step takes lists of NumPy arrays, e.g. "
                                    "step(model.parameters(), model.gradients())")
                if p.shape != g.shape:
                    raise ValueError(f"parameter of shape {p.shape} got a gradient of shape "
                                     f"{g.shape}")
            self.t += 1
            for p, g in zip(params, grads):
                p -= self.lr * g

    model = Model()
    try:
        returned = train_loop(model, Loss(), Optimizer(), X, y, num_epochs, batch_size,
                              np.random.default_rng(rng_seed))
    except LoopOverrun:
        returned = None
    # Compact: the result travels through a pipe that must not fill (64 KiB), so rows and
    # labels are one int16 array each, with the batches' sizes beside them.
    sizes = np.array([len(r) for r in rows], np.int16)
    record = {"rows": np.concatenate(rows).astype(np.int16) if rows else np.zeros(0, np.int16),
              "sizes": sizes, "overrun": bool(overrun)}
    if not full:
        return record
    return {**record, "calls": np.array(calls, np.int8), "modes": np.array(modes, bool),
            "labels": np.concatenate(labels) if labels else np.zeros(0, np.int16),
            "label_sizes": np.array([len(t) for t in labels], np.int16),
            "losses": np.array(losses, np.float64),
            "returned": returned_plainly(returned, 4 * batches + 10),
            "final": np.array(model._params, copy=True)}


def returned_plainly(returned, most):
    """What train_loop returned: one float64 array of the losses (small, for the pipe), or
    in words what it was."""
    if returned is None:
        return "None"
    kind = type(returned).__name__
    try:
        values = list(returned)
    except Exception:
        return f"{kind}"
    if len(values) > most:
        return f"{kind} of {len(values)} values"
    try:
        values = np.array(values, dtype=np.float64)
    except Exception:
        return f"{kind} whose items are not numbers"
    return values if values.ndim == 1 else f"{kind} whose items are not numbers"


class LoopOverrun(BaseException):
    """Raised by the stand-ins when a loop asks for far more than its epochs hold."""


def drive(namespace, n, batch_size, num_epochs, seed, learnable, lr):
    """The recorded run; for the notebook's cases two more, which record only the order:
    with the same rng seed (the order must agree) and another (it must not)."""
    train_loop = namespace["train_loop"]
    problem = (train_loop, n, batch_size, num_epochs, seed, learnable, lr)
    runs = [recorded_run(*problem, seed + 2, True)]
    if not learnable:
        runs += [recorded_run(*problem, rng_seed, False) for rng_seed in (seed + 2, seed + 3)]
    return runs


'''

_LOOP_ALONE = ""
_LOOP_ROLES = {0: "model.forward", 1: "the loss", 2: "model.backward", 3: "optimizer.step"}


def _judge_training_loop(source: str) -> None:
    namespace: dict = {"np": np, "math": math}
    exec(_LOOP_PROBLEMS, namespace)
    cases = namespace["cases"]()
    got = run_sandboxed(source, _LOOP_PROBLEMS + _LOOP_STANDINS, function="train_loop")
    raise_if_broken(got, "train_loop", _LOOP_ALONE)
    for case, call in zip(cases, got["calls"]):
        error = call_error(call, "train_loop", _LOOP_ALONE)
        if error:
            raise Verdict(f"train_loop raised {error} (n = {case[0]} rows, batch_size = "
                          f"{case[1]}, num_epochs = {case[2]})")
        runs = call["out"].get("items")
        if not runs or len(runs) != (1 if case[4] else 3) or any("dict" not in run for run in runs):
            raise Verdict("the grader could not read the record of your loop's run")
        records = [_record(run["dict"]) for run in runs]
        X, y, W0, b0 = namespace["make_problem"](case[0], case[3], case[4])
        _check_protocol(records[0], y, *case[:3])
        if any(record["overrun"] for record in records):
            raise Verdict(f"the loop asked the model, the loss and the optimizer for far more than "
                          f"{case[2]} epochs of {case[0]} rows in batches of {case[1]} hold; every "
                          "epoch should show each row once, with one forward pass, loss, backward "
                          "pass and step per batch")
        if len(records) == 3:
            _check_rng(records)
        _check_end(records[0])
        _check_training(records[0], X, y, W0, b0, case[5])
        if case[4]:
            _check_learning(records[0], X, y, W0.shape, *case[:3])


def _record(run: dict) -> dict:
    """One run's record from the child, rebuilt from plain data; rows and labels split
    into one array per batch."""
    def field(name):
        if name not in run:
            raise Verdict("the grader could not read the record of your loop's run")
        return run[name]

    def split(name, sizes_name):
        values, sizes = array_of(field(name), name), array_of(field(sizes_name), sizes_name)
        if values.ndim != 1 or sizes.ndim != 1 or sizes.sum() != len(values):
            raise Verdict("the grader could not read the record of your loop's run")
        return np.split(values.astype(np.int64), np.cumsum(sizes)[:-1]) if len(sizes) else []

    record = {"rows": split("rows", "sizes"),
              "overrun": bool(array_of(field("overrun"), "overrun"))}
    if "calls" not in run:
        return record
    returned = field("returned")
    return {**record, "calls": array_of(field("calls"), "calls"),
            "modes": array_of(field("modes"), "modes"), "labels": split("labels", "label_sizes"),
            "losses": array_of(field("losses"), "losses"),
            "returned": returned.get("str") or array_of(returned, "what train_loop returned"),
            "final": array_of(field("final"), "final")}


def _check_protocol(rec: dict, y: np.ndarray, n: int, batch_size: int, num_epochs: int) -> None:
    """What the notebook's check_training_loop asserts, in its order: per batch forward,
    loss, backward, step once each in that order, in training mode, with the batch's
    labels; every epoch a new permutation of all rows, in batches of batch_size rows."""
    calls = [int(c) for c in rec["calls"]]
    if 0 not in calls:
        raise Verdict("the loop never called model.forward")
    if calls[0] != 0:
        raise Verdict(f"{_LOOP_ROLES.get(calls[0], '?')} was called before the first forward pass")
    groups: list[list[int]] = []
    for code in calls:
        if code == 0:
            groups.append([])
        groups[-1].append(code)
    if rec["overrun"]:   # stopped in the middle of a batch: judge the batches before it
        groups = groups[:-1]
    for b, group in enumerate(groups, 1):
        for code in (1, 2, 3):
            if group.count(code) != 1:
                raise Verdict(f"batch {b}: {_LOOP_ROLES[code]} was called {group.count(code)} "
                              "times (once per batch is right)")
        if group.index(1) > group.index(2):
            raise Verdict(f"batch {b}: model.backward was called before the loss gave its gradient")
        if group.index(2) > group.index(3):
            raise Verdict(f"batch {b}: optimizer.step was called before model.backward, so it used "
                          "the previous batch's gradients")
    rows, labels = rec["rows"], rec["labels"]
    for b, (batch, mode, given) in enumerate(zip(rows, rec["modes"], labels), 1):
        if not mode:
            raise Verdict(f"batch {b}: the forward pass ran in evaluation mode, so dropout did "
                          "nothing; training needs training=True")
        if len(batch) > batch_size:
            raise Verdict(f"batch {b} has {len(batch)} rows, more than batch_size = {batch_size}")
        if batch.min(initial=0) < 0 or batch.max(initial=0) >= n:
            raise Verdict(f"batch {b}: the model was given rows that are not rows of X: pass it "
                          "X's rows unchanged")
        if given.shape != batch.shape or not np.array_equal(given, y[batch]):
            raise Verdict(f"batch {b}: the labels given to the loss are not those of the batch's "
                          "rows: take X and y with the same rows")
    if rec["overrun"]:
        return
    seen = np.concatenate(rows)
    if len(seen) == num_epochs * (n - n % batch_size) and n % batch_size:
        raise Verdict(f"each epoch showed the model only {n - n % batch_size} of the {n} rows: "
                      "the last, partial batch was dropped")
    if len(seen) != num_epochs * n:
        raise Verdict(f"the model saw {len(seen)} rows in {num_epochs} epochs of {n} rows; every "
                      "epoch should show each row once")
    epochs = seen.reshape(num_epochs, n)
    for e, order in enumerate(epochs, 1):
        if not np.array_equal(np.sort(order), np.arange(n)):
            raise Verdict(f"epoch {e} showed some rows twice and missed others")
    sizes = [len(batch) for batch in rows]
    per_epoch = [batch_size] * (n // batch_size) + [n % batch_size] * bool(n % batch_size)
    expected = per_epoch * num_epochs
    if sizes != expected:
        shown = ", ".join(map(str, sizes[:8])) + (", ..." if len(sizes) > 8 else "")
        raise Verdict(f"with n = {n} rows and batch_size = {batch_size} the batches held {shown} "
                      "rows; an epoch is batches of batch_size rows, the last holding what is left")
    if np.array_equal(epochs[0], np.arange(n)):
        raise Verdict("the rows came in their original order: shuffle them with rng")
    if num_epochs > 1 and all(np.array_equal(order, epochs[0]) for order in epochs[1:]):
        raise Verdict("the rows came in the same order in every epoch: draw a new order from rng "
                      "in each epoch")


def _check_rng(records: list[dict]) -> None:
    """The order comes from the rng passed in: the same seed gives the same order, another
    seed another."""
    first, again, other = (np.concatenate(r["rows"]) if r["rows"] else np.zeros(0) for r in records)
    if first.shape != again.shape or not np.array_equal(first, again):
        raise Verdict("two runs with the same rng gave different orders: shuffle with the rng "
                      "passed in, not np.random")
    if first.shape == other.shape and np.array_equal(first, other):
        raise Verdict("two runs with rngs of different seeds gave the same order: shuffle with "
                      "the rng passed in")


def _check_end(rec: dict) -> None:
    """The batch losses returned."""
    values = rec["returned"]
    if isinstance(values, str):
        if values == "None":
            raise Verdict("train_loop returned None: return the list of batch losses")
        raise Verdict(f"train_loop should return the list of the batch losses (it returned: "
                      f"{values})")
    losses = rec["losses"]
    if len(values) != len(losses) or not np.allclose(values, losses, rtol=1e-5, atol=1e-7):
        raise Verdict(f"train_loop returned {len(values)} values; expected the loss of each of the "
                      f"{len(losses)} batches, in order")


def _check_training(rec: dict, X: np.ndarray, y: np.ndarray, W0: np.ndarray, b0: np.ndarray,
                    lr: float) -> None:
    """The recorded batches replayed in the grading process with the package's Dense,
    SoftmaxCrossEntropy and SGD: the losses and final weights must be theirs."""
    expected_losses, expected_final = _reference_training(rec["rows"], X, y, W0, b0, lr)
    # float64 data gets float32's rounding too: a loop may cast its batches to float32.
    tolerance = ({"rtol": 1e-4, "atol": 1e-5} if X.dtype == np.float32
                 else {"rtol": 1e-5, "atol": 1e-6})
    for b, (got, want) in enumerate(zip(rec["losses"], expected_losses), 1):
        if not np.isclose(got, want, **tolerance):
            if b == 1:
                raise Verdict("batch 1: the loss was not computed on the model's output for that "
                              "batch: pass the loss what model.forward returned")
            raise Verdict(f"batch {b}: the loss is not what the model gives after {b - 1} "
                          f"optimizer step{'s' * (b > 2)} on the batches before: each step must "
                          "update the model's parameters with the gradients of its batch (with "
                          "the optimizer as it was given)")
    final = rec["final"]
    if final.shape != expected_final.shape or not np.allclose(final, expected_final, **tolerance):
        raise Verdict("after the loop the model's parameters are not what one optimizer step per "
                      "batch, with that batch's gradients, gives")


def _reference_training(rows: list[np.ndarray], X: np.ndarray, y: np.ndarray, W0: np.ndarray,
                        b0: np.ndarray, lr: float) -> tuple[list[float], np.ndarray]:
    """The package's training on the batches the loop used: each batch's loss, then the
    final parameters, flattened as the stand-in model holds them (W, then b)."""
    import mlp_from_scratch as mfs

    layer = mfs.Dense(*W0.shape, rng=np.random.default_rng(0), dtype=X.dtype)
    model = mfs.Sequential(layer)
    layer.params["W"][...], layer.params["b"][...] = W0, b0
    loss, optimizer = mfs.SoftmaxCrossEntropy(), mfs.SGD(lr=lr)
    # One-hot targets: the loss's NumPy path, the same formulas as for labels without the
    # compiled kernel, whose first call compiles for seconds.
    one_hot = np.eye(W0.shape[1], dtype=X.dtype)[y]
    values = []
    for batch in rows:
        value, grad = loss(model.forward(X[batch, 1:], training=True), one_hot[batch])
        model.backward(grad)
        optimizer.step(model.parameters(), model.gradients())
        values.append(value)
    return values, np.concatenate([layer.params["W"].ravel(), layer.params["b"]])


def _check_learning(rec: dict, X: np.ndarray, y: np.ndarray, shape: tuple[int, int], n: int,
                    batch_size: int, num_epochs: int) -> None:
    """What the notebook's MNIST run asks, on a small learnable problem: the loss falls and
    the trained model classifies well."""
    per_epoch = -(-n // batch_size)
    losses = rec["losses"]
    if not np.mean(losses[-per_epoch:]) < 0.5 * np.mean(losses[:per_epoch]):
        raise Verdict("the loss did not fall during training (a learnable problem of "
                      f"{n} points, {num_epochs} epochs)")
    cut = shape[0] * shape[1]
    W, b = rec["final"][:cut].reshape(shape), rec["final"][cut:]
    accuracy = float(np.mean((X[:, 1:] @ W + b).argmax(axis=1) == y))
    if accuracy < 0.9:
        raise Verdict(f"after training, the model classifies {accuracy:.0%} of a learnable "
                      f"problem's {n} points right; a correct loop reaches over 90%")


# ----------------------------------------------------------------------------------------
# nb09_steps
# ----------------------------------------------------------------------------------------

_STEPS_NAMES = ("steps_per_epoch", "last_batch_rows", "half_lr_step")
# the check's setting (section 5's run), then settings the notebook never runs
_STEPS_CASES = """
def cases():
    return [(55_000, 512, 12), (55_000, 96, 10), (60_000, 100, 3), (1_000, 64, 2), (10, 10, 4), (7, 3, 5)]
"""


def _measured_steps(n: int, batch_size: int, num_epochs: int) -> tuple[int, int, int]:
    """The loop's batches counted, and the package's warm-up + cosine schedule scanned."""
    import mlp_from_scratch as mfs

    starts = range(0, n, batch_size)
    steps, total = len(starts), num_epochs * len(starts)
    schedule = mfs.warmup_cosine(1.0, warmup_steps=steps, total_steps=total)
    return steps, n - starts[-1], next(t for t in range(steps, total) if schedule(t) <= 0.5)


# a million epochs of a trillion rows: only arithmetic answers it in time (steps_per_epoch is
# odd and num_epochs even, so the cosine's halfway point falls between two steps)
_STEPS_FAR = """
def cases():
    return [(10**12 + 4, 3, 4)]
"""


def _closed_form_steps(n: int, batch_size: int, num_epochs: int) -> tuple[int, int, int]:
    """Ceiling division, the rows left over, and the cosine at half height halfway through its steps."""
    steps = -(-n // batch_size)
    decay = (num_epochs - 1) * steps
    return steps, n - (steps - 1) * batch_size, steps + -(-decay // 2)


def _step_counts(setting: tuple, out: dict) -> list[float]:
    """The three numbers one call returned, checked for form: whole, the last batch 1 to batch_size rows."""
    where = "for n = {}, batch_size = {}, num_epochs = {}".format(*setting)
    if "items" not in out or len(out["items"]) != 3:
        raise Verdict(f"schedule_steps should return three numbers {_STEPS_NAMES}")
    values = [answer_of(plain, name) for plain, name in zip(out["items"], _STEPS_NAMES)]
    for name, value in zip(_STEPS_NAMES, values):
        if value != round(value):
            raise Verdict(f"{name} = {value:g} {where}: it counts steps or rows, a whole number")
    if not 1 <= values[1] <= setting[1]:
        raise Verdict(f"last_batch_rows = {values[1]:g} {where}: a batch holds between 1 and batch_size rows")
    return values


def _judge_steps(source: str) -> None:
    for index, (setting, out) in enumerate(judged_calls(source, _STEPS_CASES, "schedule_steps")):
        for name, value, truth in zip(_STEPS_NAMES, _step_counts(setting, out), _measured_steps(*setting)):
            if value != truth:
                # the notebook's own setting shows the truth; elsewhere only the direction is said
                said = (f"but the loop and the schedule give {truth}" if index == 0 else
                        f"too {'many' if value > truth else 'few'} for the loop and the schedule")
                raise Verdict(f"{name} = {value:g} for n = {setting[0]}, batch_size = {setting[1]}, "
                              f"num_epochs = {setting[2]}, {said}")
    for setting, out in judged_calls(source, _STEPS_FAR, "schedule_steps", timeout=10,
                                     too_slow="that run has a trillion steps, more than a loop can scan; "
                                              "predict each number with arithmetic"):
        if _step_counts(setting, out) != list(_closed_form_steps(*setting)):
            raise Verdict("schedule_steps(10**12 + 4, 3, 4) is not that run's steps: is your arithmetic exact "
                          "for every size, or does it only hold for some?")


# ----------------------------------------------------------------------------------------
# nb09_top_k
# ----------------------------------------------------------------------------------------

_TOP_K_CASES = '''
def softmax(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def cases():
    """(probs, y, k): the notebook's 300 rows of 6 classes (float32) for k = 1..6, 500 rows
    of 10 classes (float64), and its two one-row examples. Each case has its own arrays."""
    out = []
    for k in range(1, 7):
        check_rng = np.random.default_rng(40)
        probs = softmax(check_rng.standard_normal((300, 6)).astype(np.float32))
        out.append((probs, check_rng.integers(0, 6, 300), k))
    for k in (1, 2, 5, 9, 10):
        rng = np.random.default_rng(42)
        probs = softmax(2 * rng.standard_normal((500, 10)))
        out.append((probs, rng.integers(0, 10, 500), k))
    out.append((np.array([[0.1, 0.6, 0.3]]), np.array([2]), 2))
    out.append((np.array([[0.1, 0.6, 0.3]]), np.array([0]), 2))
    return out


def wrap(function):
    """A number comes back as it is; anything bigger, in words (the pipe holds 64 KiB)."""
    def call(probs, y, k):
        out = function(probs, y, k)
        if isinstance(out, np.ndarray) and out.ndim > 0:
            return {"not_a_number": f"an array of shape {out.shape}"}
        if isinstance(out, (list, tuple, dict, str)):
            return {"not_a_number": type(out).__name__}
        return out
    return call
'''


def _judge_top_k(source: str) -> None:
    namespace: dict = {"np": np, "math": math}
    exec(_TOP_K_CASES, namespace)
    cases = namespace["cases"]()
    got = run_sandboxed(source, _TOP_K_CASES, function="top_k_accuracy")
    raise_if_broken(got, "top_k_accuracy")
    values = []
    for (probs, y, k), call in zip(cases, got["calls"]):
        name = f"top_k_accuracy(probs, y, {k})"
        error = call_error(call, "top_k_accuracy")
        if error:
            raise Verdict(f"{name} raised {error} (probs of shape {probs.shape})")
        if call["changed_inputs"]:
            which = ("probs", "y")[call["changed_inputs"][0]]
            raise Verdict(f"top_k_accuracy changed its input {which}: work on a copy")
        if "dict" in call["out"]:
            kind = call["out"]["dict"].get("not_a_number", {}).get("str", "something else")
            raise Verdict(f"{name} should be a number, got {kind}")
        value = answer_of(call["out"], name)
        if not 0 <= value <= 1:
            raise Verdict(f"{name} = {value:.6g}: it should be a fraction of the rows, in [0, 1]")
        values.append(value)
    for start, stop in ((0, 6), (6, 11)):
        _check_top_k_set(cases[start:stop], values[start:stop])
    if values[11] != 1.0:
        raise Verdict("label 2 is second of [0.1, 0.6, 0.3], so its top-2 accuracy is not 1")
    if values[12] != 0.0:
        raise Verdict("label 0 is last of [0.1, 0.6, 0.3], so its top-2 accuracy is not 0")


def _check_top_k_set(cases: list, values: list[float]) -> None:
    """The notebook's checks on one probs, y for several k, in its order."""
    probs, y = cases[0][0], cases[0][1]
    classes = probs.shape[1]
    ks = [k for _, _, k in cases]
    if not np.isclose(values[0], _reference_accuracy(y, probs.argmax(axis=1))):
        raise Verdict("top-1 accuracy differs from the ordinary accuracy (the largest "
                      "probability's class)")
    if not np.isclose(values[-1], 1.0) and ks[-1] == classes:
        raise Verdict("with k = the number of classes, every label is among the top k")
    if not all(a <= b for a, b in zip(values, values[1:])):
        raise Verdict("top-k accuracy fell as k grew")
    ranks = (probs > probs[np.arange(len(y)), y][:, None]).sum(axis=1)
    for k, value in zip(ks, values):
        if not np.isclose(value, np.mean(ranks < k)):
            raise Verdict(f"top-{k} accuracy is wrong ({classes} classes)")


def _reference_accuracy(y: np.ndarray, predictions: np.ndarray) -> float:
    import mlp_from_scratch as mfs

    return mfs.accuracy(y, predictions)


# ----------------------------------------------------------------------------------------
# nb09_shift
# ----------------------------------------------------------------------------------------

def _background() -> np.float32:
    """The value of a blank pixel after preprocessing: the notebook's BACKGROUND, from the
    package's MNIST statistics (the notebook's own agree to three decimals)."""
    import mlp_from_scratch as mfs

    return np.float32(-mfs.mnist.MEAN / mfs.mnist.STD)


def _shift_inputs() -> str:
    """The child's inputs, with the grading process's BACKGROUND written in."""
    return _SHIFT_INPUTS.replace("BACKGROUND_VALUE", repr(float(_background())))


_SHIFT_INPUTS = '''
BACKGROUND = np.float32(BACKGROUND_VALUE)
given = {"BACKGROUND": BACKGROUND}


def digits(n, seed):
    """n synthetic preprocessed 28x28 images (n, 784) float32: BACKGROUND with ink in a
    box, like MNIST's digits."""
    rng = np.random.default_rng(seed)
    images = np.full((n, 28, 28), BACKGROUND, np.float32)
    ink = rng.random((n, 20, 24)) < 0.3      # up to the right edge, where a shift wraps
    images[:, 4:24, 4:28][ink] = rng.uniform(0.5, 2.8, ink.sum()).astype(np.float32)
    return images.reshape(n, 784)


def cases():
    """(X, k): images for the notebook's k = 0, 3 and the 4 of its experiment; its float64
    noise for k = 1, 27; one image for k = 27. Few images: every result travels back
    through a pipe that must not fill (64 KiB)."""
    out = [(digits(2, 1), k) for k in (0, 3, 4)]
    out += [(np.random.default_rng(41).standard_normal((1, 784)), k) for k in (1, 27)]
    out.append((digits(1, 2), 27))
    return out


def wrap(function):
    """The result, small enough for the pipe (64 KiB): an array of X's size, cast to X's
    dtype when that loses nothing (a right answer in float64 for float32 images), or in
    words what it was."""
    def call(X, k):
        out = function(X, k)
        if not isinstance(out, np.ndarray):
            return {"not_an_array": "None" if out is None else type(out).__name__}
        out = np.array(out, copy=True)
        if out.dtype.kind not in "biuf" or out.size != X.size:
            return {"shape": np.array(out.shape, np.int64), "dtype": str(out.dtype)}
        if out.dtype.itemsize > X.dtype.itemsize:
            narrow = out.astype(X.dtype)
            if not np.array_equal(narrow, out):
                return {"shape": np.array(out.shape, np.int64), "dtype": str(out.dtype),
                        "not_in_X_dtype": 1}
            return {"values": narrow, "dtype": str(out.dtype)}
        return {"values": out, "dtype": str(out.dtype)}
    return call
'''


def _judge_shift(source: str) -> None:
    inputs = _shift_inputs()
    namespace: dict = {"np": np, "math": math}
    exec(inputs, namespace)
    cases, background = namespace["cases"](), namespace["BACKGROUND"]
    got = run_sandboxed(source, inputs, function="shift_right")
    raise_if_broken(got, "shift_right", "BACKGROUND")
    for (X, k), call in zip(cases, got["calls"]):
        name = f"shift_right(X, {k})"
        error = call_error(call, "shift_right", "BACKGROUND")
        if error:
            raise Verdict(f"{name} raised {error} (X of shape {X.shape})")
        out = call["out"].get("dict", {})
        moved, dtype = _shifted(out, name, X)
        if moved.dtype.kind == "f" and not np.isfinite(moved).all():
            raise Verdict(f"{name} contains NaN or infinity")
        if call["changed_inputs"]:
            raise Verdict("shift_right changed its input X: work on a copy")
        moved, original = moved.reshape(-1, 28, 28), X.reshape(-1, 28, 28)
        dtype_hint = (f" (the result is {dtype} for {X.dtype} images: keep X's dtype)"
                      if dtype != X.dtype else "")
        if not np.array_equal(moved[:, :, k:], original[:, :, :28 - k]):
            raise Verdict(f"k = {k}: column c of each result image should be column c - k of the "
                          "input image" + dtype_hint)
        if not np.all(moved[:, :, :k] == background):
            raise Verdict(f"k = {k}: the first k columns should be BACKGROUND" + dtype_hint)


def _shifted(out: dict, name: str, X: np.ndarray) -> tuple[np.ndarray, np.dtype]:
    """The result of one call, rebuilt (see the child's wrap), and the dtype it had."""
    if "not_an_array" in out:
        kind = out["not_an_array"].get("str")
        if kind == "None":
            raise Verdict(f"{name} is None: does your code return (or assign) its result?")
        raise Verdict(f"{name} should be a NumPy array, got {kind}")
    dtype = np.dtype(out.get("dtype", {}).get("str", "V"))
    if "values" not in out:
        shape = tuple(int(d) for d in array_of(out.get("shape", {}), "shape"))
        if math.prod(shape) != X.size:
            raise Verdict(f"{name} has shape {shape}, expected {X.shape}")
        if dtype.kind not in "biuf":
            raise Verdict(f"{name} should hold real numbers, got dtype {dtype}")
        raise Verdict(f"{name} holds values that are not pixels of X nor BACKGROUND (the result is "
                      f"{dtype} for {X.dtype} images: keep X's dtype)")
    moved = array_of(out["values"], name)
    if moved.shape != X.shape:
        raise Verdict(f"{name} has shape {moved.shape}, expected {X.shape}")
    return moved, dtype



# ----------------------------------------------------------------------------------------
# nb09_softmax_cross_entropy
# ----------------------------------------------------------------------------------------

_SCE_CASES = """
SETTINGS = [(8, 5, 1.0, np.float64, 0), (8, 5, 1.0, np.float32, 1), (6, 4, 1e4, np.float32, 2),
            (1, 10, 3.0, np.float64, 3), (1, 3, 1e4, np.float64, 4), (12, 10, 5.0, np.float64, 5),
            (12, 10, 1e4, np.float64, 6), (40, 10, 1e3, np.float32, 7)]


def cases():
    \"\"\"(z, y): the notebook's logits and labels, then its confidently wrong row.\"\"\"
    out = []
    for batch, classes, scale, dtype, seed in SETTINGS:
        rng = np.random.default_rng(seed)
        z = (scale * rng.standard_normal((batch, classes))).astype(dtype)
        out.append((z, rng.integers(0, classes, batch)))
    out.append((np.array([[1000.0, 0.0, -1000.0]]), np.array([2])))
    return out


def wrap(function):
    \"\"\"(loss, grad_z) as a dict; anything else in words.\"\"\"
    def call(z, y):
        with np.errstate(all="ignore"):
            out = function(z, y)
        if not isinstance(out, tuple) or len(out) != 2:
            return {"not_a_pair": type(out).__name__}
        return {"loss": out[0], "grad": out[1]}
    return call
"""


def _reference_sce(z: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """The mean loss and its gradient, in float64."""
    z = z.astype(np.float64)
    shifted = z - z.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    rows = np.arange(len(z))
    grad = np.exp(log_probs)
    grad[rows, y] -= 1
    return float(-log_probs[rows, y].mean()), grad / len(z)


def _judge_softmax_cross_entropy(source: str) -> None:
    namespace: dict = {"np": np, "math": math}
    exec(_SCE_CASES, namespace)
    got = run_sandboxed(source, _SCE_CASES, function="softmax_cross_entropy")
    raise_if_broken(got, "softmax_cross_entropy")
    for (z, y), call in zip(namespace["cases"](), got["calls"]):
        what = f"{z.dtype.name} logits of size about {np.abs(z).max():.0g}, batch {len(z)}"
        error = call_error(call, "softmax_cross_entropy")
        if error:
            raise Verdict(f"softmax_cross_entropy raised {error} ({what})")
        raise_if_changed(call, "softmax_cross_entropy", ["z", "y"])
        out = call["out"].get("dict", {})
        if "loss" not in out:
            raise Verdict("softmax_cross_entropy should return a tuple (loss, grad_z)")
        value = number_of(out["loss"], f"the loss ({what})")
        if not math.isfinite(value):
            raise Verdict(f"the loss ({what}) should be a finite number, got {value}")
        grad = array_of(out["grad"], f"grad_z ({what})")
        if grad.shape != z.shape:
            raise Verdict(f"grad_z ({what}) has shape {grad.shape}, expected {z.shape}")
        if not np.isfinite(grad).all():
            raise Verdict(f"grad_z ({what}) contains NaN or infinity")
        want, want_grad = _reference_sce(z, y)
        if not np.isclose(value, want, rtol=1e-4 if z.dtype == np.float32 else 1e-9, atol=1e-6):
            hint = (" (it is the batch size times the right value: is it the mean over the batch?)"
                    if len(z) > 1 and np.isclose(value, len(z) * want, rtol=1e-3) else "")
            raise Verdict(f"the loss is wrong for {what}{hint}")
        if grad.dtype != z.dtype:
            raise Verdict(f"grad_z is {grad.dtype} for {z.dtype} logits: keep the dtype of z")
        tolerance = {"rtol": 1e-4, "atol": 1e-6} if z.dtype == np.float32 else {"rtol": 1e-6, "atol": 1e-9}
        if not np.allclose(grad, want_grad, **tolerance):
            if len(z) > 1 and np.allclose(grad, len(z) * want_grad, **tolerance):
                raise Verdict(f"grad_z is {len(z)} times the gradient of your loss ({what}): the "
                              "loss is a mean over the batch")
            raise Verdict(f"grad_z ({what}) is not the gradient of the loss (finite differences "
                          "of the loss disagree with it)")


# ----------------------------------------------------------------------------------------
# nb09_early_stopping
# ----------------------------------------------------------------------------------------

#: The stand-ins of the notebook's check: a scripted model and a train_loop that "trains" it.
_STOP_INPUTS = """
SCRIPT = [0.50, 0.70, 0.80, 0.75, 0.79, 0.78, 0.90, 0.95]


def cases():
    \"\"\"(script, max_epochs, patience, seed): the notebook's settings.\"\"\"
    return [(SCRIPT, 8, 3, 0), (SCRIPT, 8, 2, 0), (SCRIPT, 8, 5, 1), (SCRIPT, 5, 3, 2),
            ([0.30, 0.60, 0.60, 0.55, 0.60, 0.40], 6, 2, 3), ([0.90, 0.80, 0.85, 0.70], 4, 1, 4),
            ([0.10, 0.20, 0.30, 0.40], 4, 1, 5)]


def problem(seed, n_val=100):
    data = np.random.default_rng(seed)
    X, y = data.standard_normal((20, 3)), data.integers(0, 4, 20)
    X_val, y_val = data.standard_normal((n_val, 3)), data.integers(0, 4, n_val)
    step_W, step_b = data.uniform(0.5, 1.5, (3, 4)), data.uniform(0.5, 1.5, 4)
    return X, y, X_val, y_val, step_W, step_b


def drive(namespace, script, max_epochs, patience, seed):
    X, y, X_val, y_val, step_W, step_b = problem(seed)
    n_val, given_rng = len(y_val), np.random.default_rng(seed + 1)
    calls, modes = [], []
    params = [np.zeros((3, 4)), np.zeros(4)]

    class Model:
        def forward(self, x, training=False):
            modes.append(not (training is False or training is None or training == 0))
            if len(x) != n_val:
                raise ValueError(f"this stand-in model evaluates X_val only ({n_val} rows), got {len(x)} rows")
            k = int(np.round(params[0][0, 0] / step_W[0, 0]))
            k = min(max(k, 0), len(script))
            right = np.arange(n_val) < round((script[k - 1] if k else 0.0) * n_val)
            return np.eye(4)[np.where(right, y_val, (y_val + 1) % 4)]

        def backward(self, grad_y):
            raise RuntimeError("this stand-in model is trained by the stand-in train_loop only")

        def parameters(self):
            return list(params)

        def gradients(self):
            return [np.zeros_like(p) for p in params]

    model = Model()

    def train_loop(model_, loss, optimizer, X_, y_, num_epochs, batch_size, rng):
        calls.append((int(num_epochs), rng is given_rng, model_ is model))
        if len(calls) > 50:
            raise RuntimeError("train_loop was called more than 50 times")
        for _ in range(num_epochs):
            params[0] += step_W
            params[1] += step_b
        return [1.0 / len(calls)] * 4

    namespace["train_loop"] = train_loop
    out = namespace["fit_early_stopping"](model, None, None, X, y, X_val, y_val, max_epochs,
                                          patience, 5, given_rng)
    return {"out": out, "calls": np.array(calls, np.int64).reshape(-1, 3),
            "modes": np.array(modes, bool), "W": params[0].copy(), "b": params[1].copy()}
"""


def _expected_stop(script: list, max_epochs: int, patience: int) -> tuple[int, int]:
    """(epochs trained, best epoch) for a validation accuracy script[k - 1] after epoch k."""
    best = 1
    for epoch in range(2, max_epochs + 1):
        if script[epoch - 1] > script[best - 1]:
            best = epoch
        elif epoch - best >= patience:
            return epoch, best
    return max_epochs, best


def _judge_early_stopping(source: str) -> None:
    namespace: dict = {"np": np, "math": math}
    exec(_STOP_INPUTS, namespace)
    got = run_sandboxed(source, _STOP_INPUTS, function="fit_early_stopping")
    raise_if_broken(got, "fit_early_stopping", "train_loop")
    for (script, max_epochs, patience, seed), call in zip(namespace["cases"](), got["calls"]):
        setting = (f"validation accuracies {script[:max_epochs]}, max_epochs = {max_epochs}, "
                   f"patience = {patience}")
        error = call_error(call, "fit_early_stopping", "train_loop")
        if error:
            raise Verdict(f"fit_early_stopping raised {error} ({setting})")
        record = call["out"].get("dict", {})
        calls = array_of(record.get("calls", {}), "the record of train_loop's calls")
        if calls.ndim != 2 or calls.shape[1:] != (3,):
            raise Verdict("the grader could not read the record of your run")
        if (calls[:, 2] == 0).any():
            raise Verdict("train_loop was not given the model")
        if (calls[:, 0] != 1).any():
            raise Verdict(f"train_loop was called with num_epochs = {calls[calls[:, 0] != 1][0, 0]}: "
                          "train one epoch per call, so that you can measure after each")
        if (calls[:, 1] == 0).any():
            raise Verdict("train_loop was not given the rng passed in: give it that same rng every epoch")
        if array_of(record.get("modes", {}), "modes").any():
            raise Verdict("the validation pass ran in training mode: measure with "
                          "model.forward(X_val, training=False)")
        out = record.get("out", {})
        if "items" not in out or len(out["items"]) != 2:
            raise Verdict("fit_early_stopping should return (accuracies, best_epoch)")
        trained, best = _expected_stop(script, max_epochs, patience)
        if int(calls[:, 0].sum()) != trained:
            raise Verdict(f"{setting}: {int(calls[:, 0].sum())} epochs were trained; training should "
                          f"stop after {patience} epochs in a row without a higher validation "
                          "accuracy, or at max_epochs")
        accuracies = array_of(out["items"][0], "accuracies").astype(np.float64)
        if accuracies.shape != (trained,) or not np.allclose(accuracies, script[:trained]):
            raise Verdict(f"{setting}: the accuracies returned are not the validation accuracy of "
                          "each epoch trained, in order")
        best_epoch = number_of(out["items"][1], "best_epoch")
        if best_epoch != best:
            raise Verdict(f"{setting}: best_epoch = {best_epoch:g}; it should be the epoch, counted "
                          "from 1, with the highest validation accuracy (the first one, if several "
                          "are equal)")
        step_W, step_b = namespace["problem"](seed)[4:]
        W, b = array_of(record.get("W", {}), "W"), array_of(record.get("b", {}), "b")
        held = round(float(W[0, 0] / step_W[0, 0]))
        if not (np.allclose(W, held * step_W) and np.allclose(b, held * step_b)):
            raise Verdict(f"{setting}: the model ends with a mix of epochs' parameters: every array "
                          "of model.parameters() needs the best epoch's values")
        if held != best:
            raise Verdict(f"{setting}: the model's own parameter arrays hold epoch {held}'s values "
                          f"at the end, not the best epoch's ({best}): the arrays model.parameters() "
                          "returns must hold the best epoch's values when fit_early_stopping returns")


TASKS = {
    "nb09_softmax_cross_entropy": _judge_softmax_cross_entropy,
    "nb09_training_loop": _judge_training_loop,
    "nb09_early_stopping": _judge_early_stopping,
    "nb09_steps": _judge_steps,
    "nb09_top_k": _judge_top_k,
    "nb09_shift": _judge_shift,
}
