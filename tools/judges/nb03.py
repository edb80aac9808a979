"""Notebook 03's judged tasks: ``dense_forward``, ``predict_one``, the parameter counts and
``standardize`` (tools/judge.py)."""

from __future__ import annotations

import base64
import functools
import math

import numpy as np

from judge import (Verdict, alone_hint, answer_of, array_of, call_error, judged_calls, number_of,
                   raise_if_broken, raise_if_changed, raise_if_not_close, raise_if_unanswered, run_sandboxed)


_DENSE_CASES = '''
def cases():
    """(X, W, b): three layer sizes in float64 and float32, square layers (which catch a
    transposed W), X = 0 (which shows b), one-hot rows (which show W's rows), and batches of
    images: examples of shape (d_1, ..., d_k), read as d_1 * ... * d_k features."""
    out = []
    for seed, shapes in [(1, [(5, 3, 2), (1, 4, 6), (7, 2, 3)]),
                         (4, [(4, 4, 4), (6, 3, 3), (4, 3, 4), (3, 5, 3), (1, 1, 1), (8, 5, 2)])]:
        for batch, n_in, n_out in shapes:
            for dtype in (np.float64, np.float32):
                rng = np.random.default_rng(seed)
                X = rng.standard_normal((batch, n_in)).astype(dtype)
                W = rng.standard_normal((n_in, n_out)).astype(dtype)
                b = rng.standard_normal(n_out).astype(dtype)
                out.append((X, W, b))
                out.append((np.zeros_like(X), W, b))
                out.append((np.eye(n_in, dtype=dtype)[np.arange(batch) % n_in], W, np.zeros_like(b)))
    # batches whose examples are arrays, not rows: the check's 4 images of 3 x 5 pixels, then others
    for seed, shapes in [(5, [(4, (3, 5), 6)]),
                         (6, [(1, (28, 28), 10), (3, (2, 2, 3), 12), (2, (4, 1), 3), (5, (6, 2), 12)])]:
        for batch, example, n_out in shapes:
            for dtype in (np.float64, np.float32):
                rng = np.random.default_rng(seed)
                X = rng.standard_normal((batch, *example)).astype(dtype)
                out.append((X, rng.standard_normal((X[0].size, n_out)).astype(dtype),
                            rng.standard_normal(n_out).astype(dtype)))
    return out
'''


def _judge_dense_forward(source: str) -> None:
    namespace: dict = {"np": np, "math": math}
    exec(_DENSE_CASES, namespace)
    cases = namespace["cases"]()
    # One example at a time is the loop the task replaces: an X that refuses row access
    # exists only in the child, so the judge asks the child to run the calls with it.
    got = run_sandboxed(source, _DENSE_CASES + _ROW_GUARD, function="dense_forward")
    raise_if_broken(got, "dense_forward")
    for (X, W, b), call in zip(cases, got["calls"]):
        sizes = f"X {X.shape}, W {W.shape}"
        if "error" in call:
            error = call["error"]
            raise_if_unanswered(error)
            if error.startswith("_RowAccess"):
                raise Verdict("dense_forward walks through X one example (row) at a time; the "
                              "task is the whole batch without a Python loop")
            raise Verdict(f"dense_forward raised {error.split(':')[0]} for X of shape {X.shape}, "
                          f"W of shape {W.shape}, b of shape {b.shape}:{error.split(':', 1)[1]}"
                          + alone_hint(error))
        if call["changed_inputs"]:
            raise Verdict(f"dense_forward changed its input {'XWb'[call['changed_inputs'][0]]} "
                          f"({sizes}): a layer's forward pass must leave its inputs as they were")
        out = array_of(call["out"], f"the output for {sizes}")
        if out.shape != (X.shape[0], W.shape[1]):
            raise Verdict(f"the output for {sizes} has shape {out.shape}, expected "
                          f"{(X.shape[0], W.shape[1])}")
        if out.dtype != X.dtype:
            raise Verdict(f"the output is {out.dtype} for {X.dtype} inputs ({sizes}); something "
                          "in dense_forward changed the dtype")
        if not np.isfinite(out).all():
            raise Verdict(f"the output for {sizes} contains NaN or infinity")
        expected = _reference_dense(X, W, b)
        tolerance = {"rtol": 1e-4, "atol": 1e-5} if X.dtype == np.float32 else {"rtol": 1e-9, "atol": 1e-12}
        wrong = ~np.isclose(out, expected, **tolerance)
        if wrong.any():
            if not X.any():
                raise Verdict(f"with X = 0 ({sizes}) every row of the output should be the bias "
                              "b: the bias must be added to every example")
            if X.ndim == 2 and W.shape[0] == W.shape[1] and np.allclose(out, X @ W.T + b, **tolerance):
                raise Verdict(f"for the square layer {W.shape} the output is X @ W.T + b: an example "
                              "that is 1 at input i should give neuron j the weight W[i, j]; check "
                              "which axis of W indexes the inputs")
            raise Verdict(f"the output for {sizes} is wrong in {int(wrong.sum())} of {wrong.size} "
                          "entries")


_ROW_GUARD = '''
# the notebook's worked loops (cell 5), which a solution may call
def dense_loops(X, W, b):
    y = np.zeros((X.shape[0], W.shape[1]))
    for n in range(X.shape[0]):
        for j in range(W.shape[1]):
            y[n, j] = sum(X[n, i] * W[i, j] for i in range(X.shape[1])) + b[j]
    return y


given = {"dense_loops": dense_loops}

class _RowAccess(Exception):
    pass


class _OneExampleAtATime(np.ndarray):
    def __iter__(self):
        raise _RowAccess("one example at a time")

    def __getitem__(self, key):
        # one row is fine (X[0].size); a second row is a walk through the examples
        first = key[0] if isinstance(key, tuple) and key else key
        if isinstance(first, (int, np.integer)):
            rows = self.__dict__.setdefault("rows_read", set())
            rows.add(int(first))
            if len(rows) > 1:
                raise _RowAccess("one example at a time")
        return super().__getitem__(key)


def wrap(function):
    def call(X, W, b):
        out = function(X.view(_OneExampleAtATime), W, b)
        return np.asarray(out) if isinstance(out, np.ndarray) else out
    return call
'''


def _reference_dense(X: np.ndarray, W: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The package's Dense layer on (X, W, b), each example's features in NumPy's order: the
    reference, in the grading process."""
    import mlp_from_scratch as mfs

    layer = mfs.Dense(W.shape[0], W.shape[1], rng=np.random.default_rng(0), dtype=X.dtype)
    layer.params["W"][...] = W
    layer.params["b"][...] = b
    return layer.forward(X.reshape(len(X), -1))


# the check's network first, then widths, depths and batch sizes the notebook never counts
_COUNTING_CASES = """
def cases():
    return [([784, 256, 10], 32), ([784, 512, 256, 10], 64), ([3, 5], 7), ([10, 1, 10, 1], 1)]
"""


def _judge_counting(source: str) -> None:
    for index, ((sizes, batch), out) in enumerate(judged_calls(source, _COUNTING_CASES, "count_network")):
        if "items" not in out or len(out["items"]) != 2:
            raise Verdict("count_network should return a pair (num_parameters, num_multiply_adds)")
        parameters, products = (answer_of(plain, name) for plain, name
                                in zip(out["items"], ("num_parameters", "num_multiply_adds")))
        for name, value in (("num_parameters", parameters), ("num_multiply_adds", products)):
            if not (value == int(value) and value > 0):
                raise Verdict(f"{name} should be a positive whole number, got {value:.12g} for sizes {sizes}")
        weights = sum(a * c for a, c in zip(sizes[:-1], sizes[1:]))
        biases = sum(sizes[1:])
        if index == 0 and parameters != weights + biases:
            raise Verdict(f"num_parameters = {parameters:,.0f} for 784-256-10 is not the number of weights and "
                          f"biases of the built network (it has {'more' if weights + biases > parameters else 'fewer'})")
        if parameters == weights:
            raise Verdict(f"num_parameters counts the weights of {sizes} but not the biases")
        if parameters != weights + biases:
            raise Verdict(f"num_parameters is {parameters:.12g}, which is not the number of weights and biases "
                          f"of the {'-'.join(map(str, sizes))} network")
        if products == weights and batch > 1:
            raise Verdict(f"num_multiply_adds counts one example of {sizes}, not a batch of {batch}")
        if products != batch * weights:
            raise Verdict(f"num_multiply_adds is {products:.12g}, which is not the number of multiply-adds of "
                          f"the products of one forward pass of {batch} examples through {sizes}")


# ---------------------------------------------------------------- predict_one

# The test cell's nets (sizes, seed): Dense layers with ReLUs between them, built in the
# grading process from the package, and four examples each. The child gets a NumPy stand-in
# of mfs.Sequential with the same weights (forward, predict, train/eval, layers; a batch of
# the wrong shape raises the package's ValueError), and one example at a time.
_PREDICT_NETS = [([2, 16, 3], 5), ([5, 8, 1], 6), ([1, 4, 2], 7), ([3, 2], 8)]

_STAND_IN = """
import base64


def _decode(text, dtype, shape):
    return np.frombuffer(base64.b64decode(text), dtype=dtype).reshape(shape).copy()


class Dense:
    def __init__(self, W, b):
        self.params = {"W": W, "b": b}
        self.grads = {"W": np.zeros_like(W), "b": np.zeros_like(b)}
        self.in_features, self.out_features = W.shape

    def forward(self, x, training=False):
        if x.ndim != 2 or x.shape[1] != self.in_features:
            raise ValueError(f"{self!r} expects input of shape (batch, {self.in_features}), "
                             f"got shape {x.shape}")
        return x @ self.params["W"] + self.params["b"]

    def __repr__(self):
        return f"Dense(in_features={self.in_features}, out_features={self.out_features})"


class ReLU:
    in_features = None
    params = grads = {}

    def forward(self, x, training=False):
        return np.maximum(x, 0)

    def __repr__(self):
        return "ReLU()"


class Sequential:
    def __init__(self, *layers):
        self.layers = list(layers)
        self.in_features = layers[0].in_features
        self.out_features = [l for l in layers if l.in_features][-1].out_features
        self.training = False
        self.dtype = layers[0].params["W"].dtype

    def train(self):
        self.training = True
        return self

    def eval(self):
        self.training = False
        return self

    def forward(self, x, training=None):
        x = np.asarray(x)
        if x.dtype != self.dtype:
            x = x.astype(self.dtype)
        if x.ndim != 2 or x.shape[1] != self.in_features:
            raise ValueError(f"the model expects inputs of shape (batch, {self.in_features}), "
                             f"got shape {x.shape}")
        training = self.training if training is None else training
        for layer in self.layers:
            x = layer.forward(x, training)
        return x

    def predict(self, x, batch_size=2048):
        return self.forward(x, training=False)

    def parameters(self):
        return [p for layer in self.layers for p in layer.params.values()]

    def __iter__(self):
        return iter(self.layers)

    def __len__(self):
        return len(self.layers)

    def __getitem__(self, i):
        return self.layers[i]


# made before the student's code runs: the names cannot be replaced by it
_array, _ndarray, _isinstance, _type, _list, _len = np.array, np.ndarray, isinstance, type, list, len


def _capped(value, limit=100):
    # what goes back, small enough for the result pipe: a plain ndarray copy; for a large
    # array its shape, for a list or tuple its length, for other objects their type
    if _isinstance(value, _ndarray):
        a = _array(value, copy=True, subok=False)
        return a if a.size <= limit else {"big_shape": _list(a.shape)}
    if value is None or _isinstance(value, (bool, int, float, np.number)):
        return value
    if _isinstance(value, (list, tuple)):
        return {"sequence": _len(value)}
    return {"other": _type(value).__name__}


def wrap(function):
    def call(*args):
        return _capped(function(*args))
    return call
"""


def _encoded(array: np.ndarray) -> str:
    """Code that rebuilds ``array`` exactly in the child."""
    text = base64.b64encode(np.ascontiguousarray(array).tobytes()).decode("ascii")
    return f"_decode({text!r}, {array.dtype.str!r}, {array.shape!r})"


@functools.cache
def _predict_inputs() -> tuple[str, tuple]:
    """The child's inputs code (the nets and examples), and (sizes, examples, expected
    outputs) for each net: the package's batched forward pass is the reference."""
    import mlp_from_scratch as mfs

    nets, code = [], [_STAND_IN, "def cases():", "    out = []"]
    for sizes, seed in _PREDICT_NETS:
        rng = np.random.default_rng(seed)
        layers = []
        for n_in, n_out in zip(sizes[:-1], sizes[1:]):
            layers += [mfs.Dense(n_in, n_out, rng=rng), mfs.ReLU()]
        net = mfs.Sequential(*layers[:-1])
        batch = rng.standard_normal((4, sizes[0])).astype(np.float32)
        # the package's forward pass, with mfs.relu for its ReLU layers (the same numbers
        # without compiling the layer's loop in the grading process)
        h = batch
        for layer in net:
            h = layer.forward(h) if isinstance(layer, mfs.Dense) else mfs.relu(h)
        nets.append((sizes, batch, h))
        dense = [layer for layer in net if isinstance(layer, mfs.Dense)]
        parts = ", ReLU(), ".join(f"Dense({_encoded(d.params['W'])}, {_encoded(d.params['b'])})"
                                  for d in dense)
        code += [f"    net = Sequential({parts})",
                 f"    out += [(net, x.copy()) for x in {_encoded(batch)}]"]
    return "\n".join(code + ["    return out", ""]), tuple(nets)


def _judge_predict_one(source: str) -> None:
    inputs, nets = _predict_inputs()
    got = run_sandboxed(source, inputs, function="predict_one")
    raise_if_broken(got, "predict_one")
    calls = iter(got["calls"])
    for sizes, batch, expected in nets:
        model = "-".join(map(str, sizes))
        for k, (x, call) in enumerate(zip(batch, calls)):
            error = call_error(call, "predict_one")
            if error:
                raise Verdict(f"predict_one raised {error.split(':')[0]} for a model {model} and x of "
                              f"shape {x.shape}:{error.split(':', 1)[1]}")
            out = call["out"]
            name = f"predict_one's output for a model {model}"
            if out.get("type") == "NoneType":
                raise Verdict(f"{name} is None: does your code return (or assign) its result?")
            marker = out.get("dict", {})
            if "big_shape" in marker:
                got = tuple(int(number_of(n, "size")) for n in marker["big_shape"]["items"])
                raise Verdict(f"{name} has shape {got}, expected {(sizes[-1],)}")
            if "bytes" not in out:
                raise Verdict(f"{name} should be a NumPy array, got "
                              + (marker["other"]["str"] if "other" in marker else "a list or tuple"))
            out = array_of(out, name)
            if out.shape != (sizes[-1],):
                raise Verdict(f"{name} has shape {out.shape}, expected {(sizes[-1],)}")
            if out.dtype.kind == "b" or not np.isfinite(out).all():
                raise Verdict(f"{name} should hold real, finite numbers")
            wrong = ~np.isclose(out, expected[k], rtol=1e-5, atol=1e-6)
            if wrong.any():
                raise Verdict(f"predict_one's output for example {k} (model {model}) is wrong in "
                              f"{int(wrong.sum())} of {wrong.size} entries: it should be the model's "
                              "output for x")


# ---------------------------------------------------------------- standardize

_STANDARDIZE_CASES = '''
def cases():
    # (X_train, X_test, constant features) in the order of the notebook's checks: the property case,
    # a test set of training rows, a constant feature, float32; then the hidden ones
    rng = np.random.default_rng(3)
    loc, spread = np.array([2.0, -1.0, 0.5, 10.0]), np.array([1.0, 3.0, 0.2, 5.0])
    X_train = rng.normal(loc, spread, size=(30, 4))
    X_test = rng.normal(loc, spread, size=(30, 4))
    X_train_constant = X_train.copy()
    X_train_constant[:, 2] = 2.5
    X_test_constant = rng.normal(loc, spread, size=(3, 4))
    X_test_constant[:, 2] = [2.5, 3.5, 0.5]
    out = [(X_train, X_test, ()), (X_train.copy(), X_train[[3, 0, 11, 3]], ()),
           (X_train_constant, X_test_constant, (2,)),
           (X_train.astype(np.float32), X_test.astype(np.float32), ())]
    rng = np.random.default_rng(8)
    X_a = rng.normal([1.0, -2.0, 0.0, 3.0, 0.5, 0.0], [1.0, 2.0, 0.5, 4.0, 0.3, 1.0], size=(50, 6))
    X_a[:, 5] = 0.0
    X_b = rng.normal(0.0, 2.0, size=(20, 6))
    out.append((X_a.astype(np.float32), X_b.astype(np.float32), (5,)))
    out.append((rng.normal(size=(1, 3)), rng.normal(size=(4, 3)), (0, 1, 2)))
    out.append((rng.normal(np.arange(10.0), np.arange(1.0, 11.0), size=(200, 10)), rng.normal(size=(1, 10)), ()))
    out.append((rng.normal(size=(7, 7)), rng.normal(size=(7, 7)), ()))
    return out


_isinstance, _type, _len, _tuple = isinstance, type, len, tuple   # bound before the student's code


def drive(namespace, X_train, X_test, constant):
    out = namespace["standardize"](X_train, X_test)
    if not (_isinstance(out, _tuple) and _len(out) == 2):
        return {"pair": False}
    return {"pair": True, "train": out[0], "test": out[1],
            "train_type": _type(out[0]).__name__, "test_type": _type(out[1]).__name__}
'''


def _judge_standardize(source: str) -> None:
    namespace: dict = {"np": np, "math": math}
    exec(_STANDARDIZE_CASES, namespace)
    cases = namespace["cases"]()
    got = run_sandboxed(source, _STANDARDIZE_CASES, function="standardize")
    raise_if_broken(got, "standardize")
    if len(got["calls"]) != len(cases):
        raise Verdict("standardize was not called on every case")
    results = [lambda k=k: _standardize_result(cases[k], got["calls"][k]) for k in range(len(cases))]
    X_train, _, _ = cases[0]
    train_scaled, _ = results[0]()
    means, stds = train_scaled.mean(axis=0), train_scaled.std(axis=0)
    if not np.allclose(means, 0, atol=1e-6):
        k = int(np.argmax(np.abs(means)))
        if np.allclose(train_scaled.mean(axis=1), 0, atol=1e-6):
            raise Verdict("train_scaled's rows (examples) have mean 0 but its features (columns) do not: each "
                          "feature must have mean 0 and standard deviation 1 over the training rows")
        raise Verdict(f"train_scaled's feature {k} has mean {means[k]:.3g} over the training rows, not 0: every "
                      "feature (column) must have mean 0")
    if not np.allclose(stds, 1, rtol=1e-6):
        k = int(np.argmax(np.abs(stds - 1)))
        n = len(X_train)
        ddof = (" (exactly sqrt((n - 1) / n): 1 in the n - 1 convention, but the task measures with NumPy's "
                "default, over n)") if np.isclose(stds[k], np.sqrt((n - 1) / n)) else ""
        raise Verdict(f"train_scaled's feature {k} has standard deviation {stds[k]:.4g} over the training rows, "
                      f"not 1, as np.std measures it{ddof}")
    _, test_scaled = results[1]()
    if not np.allclose(test_scaled, train_scaled[[3, 0, 11, 3]], rtol=1e-6, atol=1e-9):
        raise Verdict("a test row equal to a training row should be scaled to the same values as that training "
                      "row, whatever else is in the test set; it is not: the scaled test rows depend on the test "
                      "set they came in, or are scaled differently from the training rows")
    train_scaled, test_scaled = results[2]()
    if not np.allclose(train_scaled[:, 2], 0):
        raise Verdict("feature 2 is constant in X_train, so its scaled training values should all be 0")
    if not np.allclose(test_scaled[:, 2], [0.0, 1.0, -2.0]):
        raise Verdict("feature 2 is constant in X_train (standard deviation 0), so it is only moved, not "
                      "stretched: its test values 2.5, 3.5, 0.5 should become 0, 1, -2, got "
                      f"{np.round(test_scaled[:, 2], 4).tolist()}")
    results[3]()
    for k in range(4, len(cases)):
        X_train, X_test, _ = cases[k]
        train_scaled, test_scaled = results[k]()
        expected_train, expected_test = _reference_standardize(X_train, X_test)
        tolerance = {"rtol": 1e-4, "atol": 1e-4} if X_train.dtype == np.float32 else {"rtol": 1e-9, "atol": 1e-9}
        what = f"(X_train {X_train.shape}, X_test {X_test.shape}, {X_train.dtype})"
        raise_if_not_close(f"train_scaled {what}", train_scaled, expected_train, **tolerance)
        raise_if_not_close(f"test_scaled {what}", test_scaled, expected_test, **tolerance)


def _standardize_result(case: tuple, call: dict) -> tuple[np.ndarray, np.ndarray]:
    """(train_scaled, test_scaled) one call returned, after run_standardize's checks of form."""
    X_train, X_test, constant = case
    sizes = f"X_train of shape {X_train.shape} and X_test of shape {X_test.shape} ({X_train.dtype})"
    error = call_error(call, "standardize")
    if error:
        raise Verdict(f"standardize raised {error.split(':')[0]} for {sizes}:{error.split(':', 1)[-1]}")
    raise_if_changed(call, "standardize", ["X_train", "X_test"])
    fields = call["out"].get("dict", {})
    if not fields or not number_of(fields["pair"], "pair"):
        raise Verdict("standardize should return a pair (train_scaled, test_scaled)")
    out = []
    for name, given in [("train", X_train), ("test", X_test)]:
        kind = fields[f"{name}_type"].get("str", "?")
        if kind != "ndarray":
            raise Verdict(f"{name}_scaled should be a NumPy array, got {kind[:40]}")
        value = array_of(fields[name], f"{name}_scaled")
        if value.shape == given.shape and value.dtype != given.dtype:
            raise Verdict(f"{name}_scaled is {value.dtype} for {given.dtype} inputs ({sizes}): the scaled arrays "
                          "must have the inputs' dtype")
        bad = [k for k in constant if value.shape == given.shape and not np.isfinite(value[:, k]).all()]
        if bad:
            raise Verdict(f"{name}_scaled has NaN or infinity in feature {bad[0]}, which is constant in X_train "
                          "(standard deviation 0): such a feature is only moved, not stretched, and stays finite")
        if value.shape != given.shape:
            raise Verdict(f"{name}_scaled has shape {value.shape}, expected {given.shape}")
        if not np.isfinite(value).all():
            raise Verdict(f"{name}_scaled contains NaN or infinity")
        out.append(value)
    return out[0], out[1]


def _reference_standardize(X_train: np.ndarray, X_test: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The notebook's hidden reference, in plain NumPy (the package has no standardize)."""
    mean, std = X_train.mean(axis=0, dtype=np.float64), X_train.std(axis=0, dtype=np.float64)
    std = np.where(std > 0, std, 1.0)
    return (X_train - mean) / std, (X_test - mean) / std


TASKS = {
    "nb03_dense_forward": _judge_dense_forward,
    "nb03_counting": _judge_counting,
    "nb03_predict_one": _judge_predict_one,
    "nb03_standardize": _judge_standardize,
}
