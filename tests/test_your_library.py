"""mlp_from_scratch.your_library: the student's pieces found, run alone, checked, or replaced.

Every test writes small notebooks of its own in a temporary folder: solution cells (by
grade_id) holding right, unanswered, raising and wrong pieces, in each of the three folder
layouts the loader knows.
"""

from __future__ import annotations

import types

import nbformat
import numpy as np
import pytest

import mlp_from_scratch as mfs
from mlp_from_scratch import your_library as yl

RIGHT_DENSE = '''
class Dense:
    """Written differently from the reference: np.matmul, the bias gradient by einsum."""
    def __init__(self, W, b):
        self.params = {"W": W, "b": b}
        self.grads = {}
    def forward(self, x, training=False):
        self.cache = x
        return np.matmul(x, self.params["W"]) + self.params["b"]
    def backward(self, grad_y):
        self.grads["W"] = np.matmul(self.cache.T, grad_y)
        self.grads["b"] = np.einsum("ij->j", grad_y)
        return np.matmul(grad_y, self.params["W"].T)
print("this line must not reach the output")
'''

UNANSWERED_ACTIVATIONS = '''
class ReLU:
    def __init__(self):
        self.params, self.grads = {}, {}
    def forward(self, x, training=False):
        # YOUR CODE HERE
        raise NotImplementedError()
    def backward(self, grad_y):
        raise NotImplementedError()
Tanh = Sigmoid = ReLU
'''

RAISING_SEQUENTIAL = "import mlp_from_scratch\nclass Sequential:\n    pass\n"

# parameters() in reverse layer order: fails its check
WRONG_SEQUENTIAL = '''
class Sequential:
    def __init__(self, *layers):
        self.layers = list(layers)
    def forward(self, x, training=False):
        for layer in self.layers:
            x = layer.forward(x, training)
        return x
    def backward(self, grad_y):
        for layer in reversed(self.layers):
            grad_y = layer.backward(grad_y)
        return grad_y
    def parameters(self):
        return [p for layer in reversed(self.layers) for p in layer.params.values()]
    def gradients(self):
        return [g for layer in reversed(self.layers) for g in layer.grads.values()]
'''

RIGHT_ADAM = '''
class Adam:
    def __init__(self, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
        self.lr, self.b1, self.b2, self.eps, self.t, self.m, self.v = lr, beta1, beta2, eps, 0, 0.0, 0.0
    def step(self, p, g):
        self.t += 1
        self.m = self.b1 * self.m + (1 - self.b1) * g
        self.v = self.b2 * self.v + (1 - self.b2) * g ** 2
        p -= self.lr * (self.m / (1 - self.b1 ** self.t)) / (np.sqrt(self.v / (1 - self.b2 ** self.t)) + self.eps)
'''

# Adam without bias correction: fails its check
WRONG_ADAM = RIGHT_ADAM.replace("(self.m / (1 - self.b1 ** self.t))", "self.m").replace(
    "np.sqrt(self.v / (1 - self.b2 ** self.t))", "np.sqrt(self.v)")


def solution_cell(grade_id: str, source: str) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata["nbgrader"] = {"grade": False, "grade_id": grade_id, "locked": False,
                                 "schema_version": 3, "solution": True, "task": False}
    return cell


def write_notebook(path, cells) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    nb = nbformat.v4.new_notebook()
    nb.cells = cells
    nbformat.write(nb, path)


def notebooks_04_06(marker) -> dict[str, list]:
    """04 with a right Dense, unanswered activations, a wrong Sequential and a cell that must
    not run (it would write ``marker``); 06 with a right Adam."""
    def guard():
        return nbformat.v4.new_code_cell(f"open({str(marker)!r}, 'w').write('ran')\nraise RuntimeError('ran')")

    return {
        "04_backpropagation": [guard(), solution_cell("nb04_dense_layer", RIGHT_DENSE),
                               solution_cell("nb04_activation_layers", UNANSWERED_ACTIVATIONS),
                               solution_cell("nb04_sequential", WRONG_SEQUENTIAL), guard()],
        "06_optimizers": [solution_cell("nb06_adam", RIGHT_ADAM)],
    }


def line(lib, label: str) -> str:
    return next(text for text in lib.report if text.startswith(f"{label} ("))


def test_a_right_piece_is_used_and_a_missing_unanswered_or_wrong_one_is_replaced(tmp_path, capsys):
    marker = tmp_path / "ran.txt"
    for name, cells in notebooks_04_06(marker).items():
        write_notebook(tmp_path / f"{name}.ipynb", cells)
    lib = yl.load(tmp_path)
    printed = capsys.readouterr().out
    assert printed == "\n".join(lib.report) + "\n"        # one line per piece, nothing else
    assert "must not reach" not in printed and not marker.exists()   # only solution cells ran
    assert line(lib, "Dense") == "Dense (04): yours"
    assert lib.Dense is not yl.Dense and lib.Dense.__module__ == "your_library_piece"
    assert line(lib, "Adam") == "Adam (06): yours" and lib.Adam is not yl.Adam
    assert line(lib, "ReLU, Tanh, Sigmoid") == (
        "ReLU, Tanh, Sigmoid (04): yours is not answered yet (NotImplementedError): "
        "the reference is used in its place")
    assert lib.ReLU is yl.ReLU and lib.Sigmoid is yl.Sigmoid
    assert line(lib, "Sequential") == (
        "Sequential (04): yours fails its check (Sequential.parameters()[0] has shape (6, 3), "
        "expected (4, 6)): the reference is used in its place")
    assert lib.Sequential is yl.Sequential
    assert line(lib, "check_layer_gradients") == (
        "check_layer_gradients (04): not found (no solution cell nb04_check_layer_gradients in "
        "04_backpropagation.ipynb): the reference is used in its place")
    assert line(lib, "init_weights") == (
        "init_weights (05): not found (05_initialization.ipynb is not beside this notebook): "
        "the reference is used in its place")
    assert lib.yours == {"Dense", "Adam"}
    assert [text.split(" (")[0] for text in lib.report] == [label for label, *_ in yl.PIECES]


def test_a_cell_that_raises_or_a_piece_that_fails_its_check_falls_back_with_the_message(tmp_path):
    write_notebook(tmp_path / "04_backpropagation.ipynb",
                   [solution_cell("nb04_sequential", RAISING_SEQUENTIAL)])
    write_notebook(tmp_path / "06_optimizers.ipynb", [solution_cell("nb06_adam", WRONG_ADAM)])
    (tmp_path / "05_initialization.ipynb").write_text("{not json")
    lib = yl.load(tmp_path, quiet=True)
    # the cell runs alone, with np and math: importing the package is its own affair, but
    # any error of the cell is reported as the cell's
    assert line(lib, "Adam").startswith("Adam (06): yours fails its check (Adam: p after step 1 "
                                        "differs from the reference)")
    assert line(lib, "init_weights") == ("init_weights (05): not read (05_initialization.ipynb: "
                                         "JSONDecodeError): the reference is used in its place")
    assert lib.Adam is yl.Adam and lib.init_weights is yl.init_weights


def test_a_cell_raising_at_definition_is_reported_with_its_error(tmp_path):
    write_notebook(tmp_path / "04_backpropagation.ipynb", [
        solution_cell("nb04_dense_layer", "raise ValueError('half written')"),
        solution_cell("nb04_sequential", "x = undefined_global\n"),
        solution_cell("nb04_activation_layers", "class ReLU:\n    pass\n")])
    lib = yl.load(tmp_path, quiet=True)
    assert line(lib, "Dense") == ("Dense (04): yours raises ValueError (half written): the "
                                  "reference is used in its place")
    assert line(lib, "Sequential") == ("Sequential (04): yours raises NameError (name "
                                       "'undefined_global' is not defined): the reference is used "
                                       "in its place")
    assert line(lib, "ReLU, Tanh, Sigmoid") == (
        "ReLU, Tanh, Sigmoid (04): yours raises NameError (the cell does not define Tanh, "
        "Sigmoid): the reference is used in its place")


@pytest.mark.parametrize("layout", ["flat", "release", "autograded"])
def test_the_three_folder_layouts_are_found(tmp_path, layout):
    cells = [solution_cell("nb04_dense_layer", RIGHT_DENSE)]
    if layout == "flat":          # notebooks/ of this repository
        folder = tmp_path / "notebooks"
        write_notebook(folder / "04_backpropagation.ipynb", cells)
    elif layout == "release":     # course/release/<name>/<name>.ipynb and a student's copy
        folder = tmp_path / "09_mnist"
        write_notebook(tmp_path / "04_backpropagation" / "04_backpropagation.ipynb", cells)
    else:                         # nbgrader autograding 09 while 04 is only submitted
        folder = tmp_path / "course" / "autograded" / "alice" / "09_mnist"
        write_notebook(tmp_path / "course" / "submitted" / "alice" / "04_backpropagation"
                       / "04_backpropagation.ipynb", cells)
        write_notebook(tmp_path / "course" / "submitted" / "bob" / "06_optimizers"
                       / "06_optimizers.ipynb", [solution_cell("nb06_adam", RIGHT_ADAM)])
    folder.mkdir(parents=True, exist_ok=True)
    lib = yl.load(folder, quiet=True)
    assert lib.yours == {"Dense"}                 # and never another student's Adam
    assert yl.find_notebook("04_backpropagation", folder) is not None


def test_bad_folders_get_clear_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such folder; give the folder of notebook 09"):
        yl.load(tmp_path / "missing")
    (tmp_path / "a_file").write_text("")
    with pytest.raises(FileNotFoundError, match="no such folder"):
        yl.load(tmp_path / "a_file")


def test_every_reference_passes_its_own_check():
    for label, _, _, names, check in yl.PIECES:
        check(types.SimpleNamespace(**{name: getattr(yl, name) for name in names}))


def test_the_references_keep_the_contract():
    rng = np.random.default_rng(0)
    W, b = yl.init_weights(4, 3, "he", rng), np.zeros(3, np.float32)
    model = yl.Sequential(yl.Dense(W, b), yl.Tanh(), yl.Dense(yl.init_weights(3, 2, "xavier", rng),
                                                             np.zeros(2, np.float32)))
    x = rng.standard_normal((5, 4)).astype(np.float32)
    out = model.forward(x, training=True)
    assert out.dtype == np.float32 and out.shape == (5, 2)
    loss, grad = yl.softmax_cross_entropy(out * np.float32(1e4), np.array([0, 1, 0, 1, 1]))
    assert np.isfinite(loss) and grad.dtype == np.float32
    assert model.backward(grad).shape == (5, 4)
    assert [p.shape for p in model.parameters()] == [g.shape for g in model.gradients()]
    assert yl.check_layer_gradients(yl.Dense(rng.standard_normal((3, 2)), rng.standard_normal(2)),
                                    rng.standard_normal((4, 3))) < 1e-7
    assert yl.check_layer_gradients(yl.Sigmoid(), rng.standard_normal((4, 3))) < 1e-7
    with pytest.raises(ValueError, match="unknown kind 'lecun'"):
        yl.init_weights(3, 2, "lecun", rng)
    # PerArray: one optimizer per array, each with its own state
    per_array = yl.PerArray(lambda: yl.Adam(lr=0.1))
    p, q = np.zeros(3), np.zeros(2)
    per_array.step([p, q], [np.ones(3), -np.ones(2)])
    assert len(per_array.optimizers) == 2 and np.allclose(p, -0.1) and np.allclose(q, 0.1)


def test_early_stopping_reference_restores_the_best_epoch_in_place():
    rng = np.random.default_rng(1)
    y = rng.integers(0, 2, 60)
    X = rng.standard_normal((60, 3)) + 1.5 * (2 * y[:, None] - 1)
    model = yl.Sequential(yl.Dense(rng.standard_normal((3, 2)), np.zeros(2)))
    arrays = model.parameters()
    accuracies, best = yl.fit_early_stopping(model, yl.softmax_cross_entropy,
                                             yl.PerArray(lambda: yl.Adam(lr=0.05)), X, y, X[:30],
                                             y[:30], 5, 2, 16, rng)
    assert 1 <= best <= len(accuracies) <= 5
    assert all(a is b for a, b in zip(model.parameters(), arrays))      # the same arrays
    final = np.mean(model.forward(X[:30]).argmax(axis=1) == y[:30])
    assert final == max(accuracies) == accuracies[best - 1]


def test_layernorm_reference_matches_finite_differences_of_the_loss():
    # the reference nudges a feature in every row at once; this check nudges one entry at a time
    rng = np.random.default_rng(2)
    x, gamma, g = rng.normal(1.0, 2.0, (4, 6)), rng.uniform(0.5, 2.0, 6), rng.standard_normal((4, 6))

    def loss():
        x_hat = (x - x.mean(axis=1, keepdims=True)) / np.sqrt(x.var(axis=1, keepdims=True) + 1e-5)
        return float((g * (gamma * x_hat)).sum())

    grad_x, grad_gamma, grad_beta = yl.layernorm_backward(g, x, gamma)
    assert mfs.relative_error(grad_x, mfs.numerical_gradient(loss, x)) < 1e-7
    assert np.allclose(grad_beta, g.sum(axis=0))
    assert yl.layernorm_backward(*(a.astype(np.float32) for a in (g, x, gamma)))[0].dtype == np.float32
