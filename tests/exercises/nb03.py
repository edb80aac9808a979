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

STANDARDIZE = '''
def standardize(X_train, X_test):
    """X_train: (n_train, features), X_test: (n_test, features) -> (train_scaled, test_scaled)."""
'''

COUNT = '''
def count_network(sizes, batch_size):
    """sizes: layer widths, inputs first -> (num_parameters, num_multiply_adds)."""
'''

ANSWERS = {
    "nb03_dense_forward": {
        "correct": [
            SIGNATURE + '    return np.einsum("ni,ij->nj", X.reshape(X.shape[0], -1), W) + b\n',
            SIGNATURE + "    return np.dot(X.reshape(-1, W.shape[0]), W) + b[None, :]\n",
            SIGNATURE + "    rows = X.reshape(len(X), math.prod(X.shape[1:]))\n"
                        "    return (rows[:, :, None] * W[None, :, :]).sum(axis=1) + b\n",
            # one example read for its size: no loop
            SIGNATURE + "    return X.reshape(-1, X[0].size) @ W + b\n",
        ],
        "wrong": [
            # W taken as (out_features, in_features), as in PyTorch
            (SIGNATURE + "    return X.reshape(len(X), -1) @ W.T + b\n", r"raised ValueError for X of shape"),
            # the same habit, transposing only when the shapes allow it: right for non-square
            # layers, wrong for square ones (only the hidden square shapes catch it)
            (SIGNATURE + "    if X.ndim == 2 and W.shape[1] == X.shape[1]:\n        W = W.T\n    return X.reshape(len(X), -1) @ W + b\n",
             r"which axis of W indexes the inputs"),
            # the bias as a column: one bias per example instead of one per neuron
            (SIGNATURE + "    return X @ W + b[:, None]\n", r"raised ValueError.*broadcast"),
            (SIGNATURE + "    return X @ W + b.reshape(-1, 1)\n", r"raised ValueError.*b of shape"),
            # the product the wrong way round
            (SIGNATURE + "    return W @ X + b\n", r"raised ValueError for X of shape"),
            (SIGNATURE + "    return (W.T @ X.T).T + b.sum()\n", r"is wrong in \d+ of"),
            # the worked loops again, or a loop over the examples, not the batched form
            (SIGNATURE + "    return np.stack([x.reshape(-1) @ W + b for x in X])\n", r"one (example|at a time)"),
            (SIGNATURE + "    return dense_loops(X, W, b)\n", r"one example \(row\) at a time"),
            # the section's layer as it was: right for rows, not for a batch of images
            (SIGNATURE + "    return X @ W + b\n", r"raised ValueError for X of shape \(4, 3, 5\)"),
            # the pixels read column after column: the right shape, the wrong features
            (SIGNATURE + "    return X.reshape(len(X), -1, order='F') @ W + b\n",
             r"the output for X \(4, 3, 5\), W \(15, 6\) is wrong in \d+ of 24"),
            (SIGNATURE + "    return np.swapaxes(X, 1, -1).reshape(len(X), -1) @ W + b\n", r"X \(4, 3, 5\).* is wrong in"),
            # the batch axis flattened with the rest: one long vector, not a batch
            (SIGNATURE + "    return X.reshape(W.shape[0], -1).T @ W + b\n", r"is wrong in|raised ValueError"),
            # only images of exactly two axes
            (SIGNATURE + "    return X.reshape(X.shape[0], X.shape[1] * X.shape[2]) @ W + b\n",
             r"raised IndexError for X of shape \(5, 3\)"),
            # float64 creeping in
            (SIGNATURE + "    return np.zeros((len(X), W.shape[1])) + X @ W + b\n",
             r"float64 for float32 inputs"),
        ],
        # judged outside the kernel (tools/judges/nb03.py): the package's Dense does the work
        "delegating": [
            "import mlp_from_scratch as mfs\n" + SIGNATURE
            + "    layer = mfs.Dense(*W.shape, rng=np.random.default_rng(0), dtype=X.dtype)\n"
            "    layer.params['W'][...], layer.params['b'][...] = W, b\n"
            "    return layer.forward(X.reshape(len(X), -1))\n",
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
    "nb03_standardize": {
        "correct": [
            # the statistics as (1, features) rows, the zero std replaced in a copy
            STANDARDIZE + (
                "    mean = np.mean(X_train, axis=0, keepdims=True)\n"
                "    std = np.sqrt(np.mean((X_train - mean) ** 2, axis=0, keepdims=True))\n"
                "    std = std.copy()\n"
                "    std[std == 0] = 1\n"
                "    return (X_train - mean) / std, (X_test - mean) / std\n"),
            # one function applied to both arrays, the rule written with np.where on a Python float
            STANDARDIZE + (
                "    mu, sigma = X_train.mean(0), X_train.std(0)\n"
                "    sigma = np.where(sigma == 0, 1.0, sigma)\n"
                "    scale = lambda X: (X - mu) / sigma\n"
                "    return scale(X_train), scale(X_test)\n"),
            # the statistics in float64 for accuracy, the results cast back to the inputs' dtype
            STANDARDIZE + (
                "    mean = X_train.mean(axis=0, dtype=np.float64)\n"
                "    std = X_train.std(axis=0, dtype=np.float64)\n"
                "    std[std == 0] = 1\n"
                "    dtype = X_train.dtype\n"
                "    return ((X_train - mean) / std).astype(dtype), ((X_test - mean) / std).astype(dtype)\n"),
        ],
        "wrong": [
            # the test set scaled with its own statistics (a leak, and batch-dependent)
            (STANDARDIZE + (
                "    def scale(X):\n"
                "        std = X.std(axis=0)\n"
                "        return (X - X.mean(axis=0)) / np.where(std > 0, std, 1)\n"
                "    return scale(X_train), scale(X_test)\n"),
             r"test row equal to a training row.*it is not: the scaled test rows depend on the test set"),
            # the statistics of both sets together
            (STANDARDIZE + (
                "    both = np.concatenate([X_train, X_test])\n"
                "    mean, std = both.mean(axis=0), both.std(axis=0)\n"
                "    std = np.where(std > 0, std, 1)\n"
                "    return (X_train - mean) / std, (X_test - mean) / std\n"),
             r"feature \d has mean .*, not 0|test row equal to a training row"),
            # the statistics over the wrong axis (one per example)
            (STANDARDIZE + (
                "    mean = X_train.mean(axis=1, keepdims=True)\n"
                "    std = X_train.std(axis=1, keepdims=True)\n"
                "    std = np.where(std > 0, std, 1)\n"
                "    return (X_train - mean) / std, (X_test - mean) / std\n"),
             r"rows \(examples\) have mean 0 but its features \(columns\) do not: each feature must have mean 0"),
            # the same without keepdims: the shapes do not even broadcast
            (STANDARDIZE + (
                "    mean, std = X_train.mean(axis=1), X_train.std(axis=1)\n"
                "    return (X_train - mean) / std, (X_test - mean) / std\n"),
             r"standardize raised ValueError for X_train of shape \(30, 4\)"),
            # one mean and one std for the whole array
            (STANDARDIZE + (
                "    mean, std = X_train.mean(), X_train.std()\n"
                "    return (X_train - mean) / std, (X_test - mean) / std\n"),
             r"feature \d has mean \S+ over the training rows, not 0: every feature \(column\) must have mean 0"),
            # the sample standard deviation (n - 1)
            (STANDARDIZE + (
                "    mean, std = X_train.mean(axis=0), X_train.std(axis=0, ddof=1)\n"
                "    std = np.where(std > 0, std, 1)\n"
                "    return (X_train - mean) / std, (X_test - mean) / std\n"),
             r"standard deviation 0\.98\d* over the training rows, not 1.*n - 1 convention"),
            # a constant feature divided by its std of 0: NaN
            (STANDARDIZE + (
                "    mean, std = X_train.mean(axis=0), X_train.std(axis=0)\n"
                "    return (X_train - mean) / std, (X_test - mean) / std\n"),
             r"NaN or infinity in feature 2, which is constant in X_train"),
            # an epsilon instead of the rule: a test value off the constant becomes huge
            (STANDARDIZE + (
                "    mean, std = X_train.mean(axis=0), X_train.std(axis=0)\n"
                "    return (X_train - mean) / (std + 1e-8), (X_test - mean) / (std + 1e-8)\n"),
             r"feature 2 is constant in X_train \(standard deviation 0\), so it is only moved, not stretched"),
            # in place: the caller's training data is overwritten
            (STANDARDIZE + (
                "    mean, std = X_train.mean(axis=0), X_train.std(axis=0)\n"
                "    std = np.where(std > 0, std, 1)\n"
                "    X_train -= mean\n"
                "    X_train /= std\n"
                "    return X_train, (X_test - mean) / std\n"),
             r"changed its input X_train"),
            # a cast to float "to be safe": float32 data comes back float64
            (STANDARDIZE + (
                "    X_train, X_test = np.asarray(X_train, dtype=float), np.asarray(X_test, dtype=float)\n"
                "    mean, std = X_train.mean(axis=0), X_train.std(axis=0)\n"
                "    std = np.where(std > 0, std, 1)\n"
                "    return (X_train - mean) / std, (X_test - mean) / std\n"),
             r"train_scaled is float64 for float32 inputs"),
            # the rule written with a NumPy float64 one: NumPy 2 promotes float32 to float64
            (STANDARDIZE + (
                "    mean, std = X_train.mean(axis=0), X_train.std(axis=0)\n"
                "    std = np.where(std > 0, std, np.float64(1))\n"
                "    return (X_train - mean) / std, (X_test - mean) / std\n"),
             r"train_scaled is float64 for float32 inputs"),
        ],
        # judged outside the kernel (tools/judges/nb03.py): the package's BatchNorm does the scaling
        "delegating": [
            "import mlp_from_scratch as mfs\n" + STANDARDIZE
            + "    bn = mfs.BatchNorm(X_train.shape[1], momentum=0.0, eps=1e-30, dtype=X_train.dtype)\n"
              "    bn.forward(X_train, training=True)\n"
              "    bn.buffers['running_var'][bn.buffers['running_var'] == 0] = 1\n"
              "    return bn.forward(X_train), bn.forward(X_test)\n",
        ],
    },
    "nb03_counting": {
        "correct": [
            COUNT + "    total = [0, 0]\n"
                    "    for fan_in, fan_out in zip(sizes, sizes[1:]):\n"
                    "        total[0] += (fan_in + 1) * fan_out\n"
                    "        total[1] += batch_size * fan_in * fan_out\n"
                    "    return total[0], total[1]\n",
            COUNT + "    shapes = np.array(list(zip(sizes[:-1], sizes[1:])))\n"
                    "    weights = int(np.prod(shapes, axis=1).sum())\n"
                    "    return weights + int(shapes[:, 1].sum()), float(batch_size * weights)\n",
        ],
        "wrong": [
            # the biases forgotten
            (COUNT + "    weights = sum(a * c for a, c in zip(sizes, sizes[1:]))\n"
                     "    return weights, batch_size * weights\n",
             r"num_parameters = 203,264 for 784-256-10 is not the number of weights and biases of the built network \(it has more\)"),
            # one example, not the batch
            (COUNT + "    weights = sum(a * c for a, c in zip(sizes, sizes[1:]))\n"
                     "    return weights + sum(sizes[1:]), weights\n",
             r"counts one example of \[784, 256, 10\], not a batch of 32"),
            # the widths multiplied through, as if the layers were one product
            (COUNT + "    weights = sum(a * c for a, c in zip(sizes, sizes[1:]))\n"
                     "    return weights + sum(sizes[1:]), batch_size * math.prod(sizes)\n",
             r"num_multiply_adds is \d+, which is not"),
            # one bias per layer instead of one per output unit
            (COUNT + "    weights = sum(a * c for a, c in zip(sizes, sizes[1:]))\n"
                     "    return weights + len(sizes) - 1, batch_size * weights\n",
             r"for 784-256-10 is not the number of weights and biases of the built network \(it has more\)"),
            # the biases of the inputs counted too: right only when input and output widths agree
            (COUNT + "    weights = sum(a * c for a, c in zip(sizes, sizes[1:]))\n"
                     "    return weights + sum(sizes[:-1]), batch_size * weights\n",
             r"for 784-256-10 is not the number of weights and biases of the built network \(it has fewer\)"),
            # the bias additions counted as multiply-adds too
            (COUNT + "    pairs = list(zip(sizes, sizes[1:]))\n"
                     "    return sum((a + 1) * c for a, c in pairs), batch_size * sum((a + 1) * c for a, c in pairs)\n",
             r"num_multiply_adds is \d+, which is not the number of multiply-adds"),
            (COUNT + "    return '203530', 6504448\n", r"should be a number"),
        ],
        "delegating": [COUNT + "    import mlp_from_scratch as mfs\n"
                               "    layers = [mfs.Dense(a, c, rng=np.random.default_rng(0)) for a, c in zip(sizes, sizes[1:])]\n"
                               "    weights = sum(a * c for a, c in zip(sizes, sizes[1:]))\n"
                               "    return mfs.Sequential(*layers).num_parameters(), batch_size * weights\n"],
    },
}
