"""An independent cross-check against PyTorch's autograd and optimizers.

Optional: skipped when torch is not installed (it is never a dependency of the package;
`pip install torch==2.13.0` installs the CPU build on the course machines).
"""

import numpy as np
import pytest

import mlp_from_scratch as mfs

torch = pytest.importorskip("torch")


def test_mlp_gradients_match_autograd(rng):
    f64 = np.float64
    model = mfs.Sequential(mfs.Dense(5, 7, rng=rng, dtype=f64), mfs.BatchNorm(7, dtype=f64),
                           mfs.Tanh(), mfs.Dense(7, 6, rng=rng, dtype=f64), mfs.Sigmoid(),
                           mfs.Dense(6, 3, rng=rng, dtype=f64))
    model[1].params["gamma"][...] = rng.uniform(0.5, 1.5, 7)
    X, y = rng.standard_normal((8, 5)), rng.integers(0, 3, 8)
    loss, grad = mfs.SoftmaxCrossEntropy()(model.forward(X, training=True), y)
    grad_X = model.backward(grad)

    t = {k: torch.tensor(v, requires_grad=True) for k, v in
         [("X", X), ("W0", model[0].params["W"]), ("b0", model[0].params["b"]),
          ("g", model[1].params["gamma"]), ("be", model[1].params["beta"]),
          ("W3", model[3].params["W"]), ("b3", model[3].params["b"]),
          ("W5", model[5].params["W"]), ("b5", model[5].params["b"])]}
    h = t["X"] @ t["W0"] + t["b0"]
    h = torch.nn.functional.batch_norm(h, None, None, t["g"], t["be"], training=True, eps=1e-5)
    h = torch.sigmoid(torch.tanh(h) @ t["W3"] + t["b3"])
    torch_loss = torch.nn.functional.cross_entropy(h @ t["W5"] + t["b5"], torch.tensor(y))
    torch_loss.backward()

    assert loss == pytest.approx(torch_loss.item(), rel=1e-12)
    np.testing.assert_allclose(grad_X, t["X"].grad.numpy(), rtol=1e-9, atol=1e-12)
    for ours, key in [(model[0].grads["W"], "W0"), (model[1].grads["gamma"], "g"),
                      (model[1].grads["beta"], "be"), (model[3].grads["W"], "W3"),
                      (model[5].grads["W"], "W5"), (model[5].grads["b"], "b5")]:
        np.testing.assert_allclose(ours, t[key].grad.numpy(), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("ours,theirs", [
    (lambda: mfs.Adam(lr=0.01, weight_decay=0.1), lambda p: torch.optim.Adam(p, lr=0.01, weight_decay=0.1)),
    (lambda: mfs.AdamW(lr=0.01, weight_decay=0.1), lambda p: torch.optim.AdamW(p, lr=0.01, weight_decay=0.1)),
    (lambda: mfs.SGD(lr=0.1, momentum=0.9, nesterov=True),
     lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True)),
    (lambda: mfs.RMSProp(lr=0.01, rho=0.9), lambda p: torch.optim.RMSprop(p, lr=0.01, alpha=0.9)),
])
def test_optimizers_match_torch(ours, theirs, rng):
    p0 = rng.standard_normal(6)
    grads = rng.standard_normal((5, 6))
    p, optimizer = p0.copy(), ours()
    tp = torch.tensor(p0, requires_grad=True)
    torch_opt = theirs([tp])
    for g in grads:
        optimizer.step([p], [g])
        tp.grad = torch.tensor(g)
        torch_opt.step()
    np.testing.assert_allclose(p, tp.detach().numpy(), rtol=1e-7, atol=1e-9)
