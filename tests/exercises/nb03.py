"""Answers to notebook 03's graded tasks: right ones written differently, and the mistakes
students make, each with the regex of the message that must reject it."""

SIGNATURE = '''
def dense_forward(X, W, b):
    """X: (batch, in_features), W: (in_features, out_features), b: (out_features,)."""
'''

PREDICT = '''
def predict_one(model, x):
    """x: (in_features,) -> (out_features,)."""
'''

ANSWERS = {
    "nb03_dense_forward": {
        "correct": [
            SIGNATURE + '    return np.einsum("ni,ij->nj", X, W) + b\n',
            SIGNATURE + "    return np.dot(X, W) + b[None, :]\n",
            SIGNATURE + "    return (X[:, :, None] * W[None, :, :]).sum(axis=1) + b\n",
        ],
        "wrong": [
            # W taken as (out_features, in_features), as in PyTorch
            (SIGNATURE + "    return X @ W.T + b\n", r"raised ValueError for X of shape"),
            # the same habit, transposing only when the shapes allow it: right for non-square
            # layers, wrong for square ones (only the hidden square shapes catch it)
            (SIGNATURE + "    if W.shape[1] == X.shape[1]:\n        W = W.T\n    return X @ W + b\n",
             r"which axis of W indexes the inputs"),
            # the bias as a column: one bias per example instead of one per neuron
            (SIGNATURE + "    return X @ W + b[:, None]\n", r"raised ValueError.*broadcast"),
            (SIGNATURE + "    return X @ W + b.reshape(-1, 1)\n", r"raised ValueError.*b of shape"),
            # the product the wrong way round
            (SIGNATURE + "    return W @ X + b\n", r"raised ValueError for X of shape"),
            (SIGNATURE + "    return (W.T @ X.T).T + b.sum()\n", r"is wrong in \d+ of"),
            # the worked loops again, not the batched form
            (SIGNATURE + "    return dense_per_example(X, W, b)\n", r"one (example|at a time)"),
            (SIGNATURE + "    return dense_loops(X, W, b)\n", r"one example \(row\) at a time"),
            # float64 creeping in
            (SIGNATURE + "    return np.zeros((len(X), W.shape[1])) + X @ W + b\n",
             r"float64 for float32 inputs"),
        ],
        # judged outside the kernel (tools/judges/nb03.py): the package's Dense does the work
        "delegating": [
            "import mlp_from_scratch as mfs\n" + SIGNATURE
            + "    layer = mfs.Dense(*W.shape, rng=np.random.default_rng(0), dtype=X.dtype)\n"
            "    layer.params['W'][...], layer.params['b'][...] = W, b\n"
            "    return layer.forward(X)\n",
        ],
    },
    "nb03_predict_one": {
        "correct": [
            PREDICT + "    return model.forward(x.reshape(1, -1)).reshape(-1)\n",
            PREDICT + "    return model.predict(np.atleast_2d(x))[0]\n",
        ],
        "wrong": [
            (PREDICT + "    return model.forward(x)\n", r"raised ValueError.*shape \(\d+,\)"),
            (PREDICT + "    return model.forward(x[None, :])\n", r"has shape \(1, 3\), expected \(3,\)"),
            (PREDICT + "    return model.forward(x[:, None])[0]\n", r"raised ValueError.*expects inputs"),
            # right for several outputs, but a single output becomes a 0-d array
            (PREDICT + "    return np.squeeze(model.forward(x[None, :]))\n", r"has shape \(\), expected \(1,\)"),
        ],
        # judged outside the kernel (tools/judges/nb03.py): the package's layers do the work
        "delegating": [
            "import mlp_from_scratch as mfs\n" + PREDICT
            + "    layers = [mfs.Dense(*layer.params['W'].shape, rng=np.random.default_rng(0))\n"
              "              if layer.params else mfs.ReLU() for layer in model]\n"
              "    net = mfs.Sequential(*layers)\n"
              "    net.param_vector[...] = np.concatenate([p.ravel() for p in model.parameters()])\n"
              "    return net.forward(x.reshape(1, -1))[0]\n",
        ],
    },
    "nb03_counting": {
        "correct": [
            "num_parameters = 203_530\nnum_multiply_adds = 6_504_448\n",
            "sizes = [784, 256, 10]\n"
            "num_parameters = sum((a + 1) * c for a, c in zip(sizes, sizes[1:]))\n"
            "num_multiply_adds = 32.0 * sum(a * c for a, c in zip(sizes, sizes[1:]))\n",
        ],
        "wrong": [
            ("num_parameters = 784 * 256 + 256 * 10\nnum_multiply_adds = 32 * (784 * 256 + 256 * 10)\n",
             r"weights but not the biases"),
            ("num_parameters = 784 * 256 + 256 + 256 * 10 + 10\nnum_multiply_adds = 784 * 256 + 256 * 10\n",
             r"one example, not a batch"),
            ("num_parameters = 784 * 256 + 256 + 256 * 10 + 10\nnum_multiply_adds = 32 * 784 * 256 * 10\n",
             r"num_multiply_adds is \d+, which is not"),
            ("num_parameters = 784 * 256 * 10 + 266\nnum_multiply_adds = 32 * (784 * 256 + 256 * 10)\n",
             r"num_parameters is \d+, which is not"),
            ("num_parameters = '203530'\nnum_multiply_adds = 6504448\n", r"should be a number"),
        ],
        "delegating": ["import mlp_from_scratch as mfs\n"
                       "net = mfs.Sequential(mfs.Dense(784, 256), mfs.ReLU(), mfs.Dense(256, 10))\n"
                       "num_parameters = net.param_vector.size\nnum_multiply_adds = 6_504_448\n"],
    },
}
