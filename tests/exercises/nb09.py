"""Answers to notebook 09's graded tasks: right ones written differently, and the mistakes
students make, each with the regex of the message that must reject it."""

LOOP = '''
def train_loop(model, loss, optimizer, X, y, num_epochs, batch_size, rng):
    """Returns the list of the batch losses."""
'''

# The body of a correct epoch, for the wrong answers that change one thing around it.
STEP = '''
            y_hat = model.forward(X[rows])
            batch_loss, grad = loss(y_hat, y[rows])
            model.backward(grad)
            optimizer.step([model.param_vector], [model.grad_vector])
            losses.append(batch_loss)
'''

TOP_K = '''
def top_k_accuracy(probs, y, k):
    """probs (batch, classes), y (batch,) -> a float."""
'''

SHIFT = '''
def shift_right(X, k):
    """(n, 784) -> (n, 784) moved k pixels right."""
'''

ANSWERS = {
    "nb09_training_loop": {
        "correct": [
            # rng.shuffle of an index array, a while loop, the training flag passed explicitly
            LOOP + '''    losses = []
    index = np.arange(len(X))
    for _ in range(num_epochs):
        rng.shuffle(index)
        start = 0
        while start < len(X):
            batch = index[start:start + batch_size]
            out = model.forward(X[batch], training=True)
            value, g = loss(out, y[batch])
            model.backward(g)
            optimizer.step(model.parameters(), model.gradients())
            losses.append(value)
            start += batch_size
    model.eval()
    return losses
''',
            # the package's mini-batch iterator, which draws a new permutation per call
            LOOP + '''    losses = []
    model.train()
    for epoch in range(num_epochs):
        for X_batch, y_batch in mfs.minibatches(X, y, batch_size, rng=rng):
            value, g = loss(model.forward(X_batch), y_batch)
            model.backward(g)
            optimizer.step([model.param_vector], [model.grad_vector])
            losses.append(value)
    model.eval()
    return losses
''',
        ],
        "wrong": [
            # shuffled once, before the epochs
            (LOOP + '''    losses = []
    order = rng.permutation(len(X))
    for epoch in range(num_epochs):
        model.train()
        for start in range(0, len(X), batch_size):
            rows = order[start:start + batch_size]''' + STEP + '''    model.eval()
    return losses
''', r"same order in every epoch"),
            # no shuffling at all
            (LOOP + '''    losses = []
    for epoch in range(num_epochs):
        model.train()
        for start in range(0, len(X), batch_size):
            rows = np.arange(start, min(start + batch_size, len(X)))''' + STEP + '''    model.eval()
    return losses
''', r"original order"),
            # the step before the backward pass
            (LOOP + '''    losses = []
    for epoch in range(num_epochs):
        model.train()
        order = rng.permutation(len(X))
        for start in range(0, len(X), batch_size):
            rows = order[start:start + batch_size]
            y_hat = model.forward(X[rows])
            batch_loss, grad = loss(y_hat, y[rows])
            optimizer.step([model.param_vector], [model.grad_vector])
            model.backward(grad)
            losses.append(batch_loss)
    model.eval()
    return losses
''', r"optimizer\.step was called before model\.backward"),
            # evaluation mode forgotten at the end
            (LOOP + '''    losses = []
    model.train()
    for epoch in range(num_epochs):
        order = rng.permutation(len(X))
        for start in range(0, len(X), batch_size):
            rows = order[start:start + batch_size]''' + STEP + '''    return losses
''', r"left in training mode"),
            # batches that skip the remainder
            (LOOP + '''    losses = []
    for epoch in range(num_epochs):
        model.train()
        order = rng.permutation(len(X))
        for start in range(0, len(X) - batch_size + 1, batch_size):
            rows = order[start:start + batch_size]''' + STEP + '''    model.eval()
    return losses
''', r"partial batch was dropped"),
            # training mode never switched on: dropout inactive during training
            (LOOP + '''    losses = []
    for epoch in range(num_epochs):
        order = rng.permutation(len(X))
        for start in range(0, len(X), batch_size):
            rows = order[start:start + batch_size]''' + STEP + '''    model.eval()
    return losses
''', r"evaluation mode, so dropout did nothing"),
            # X shuffled but y left in its order
            (LOOP + '''    losses = []
    for epoch in range(num_epochs):
        model.train()
        order = rng.permutation(len(X))
        for start in range(0, len(X), batch_size):
            rows = order[start:start + batch_size]
            y_hat = model.forward(X[rows])
            batch_loss, grad = loss(y_hat, y[start:start + batch_size])
            model.backward(grad)
            optimizer.step([model.param_vector], [model.grad_vector])
            losses.append(batch_loss)
    model.eval()
    return losses
''', r"labels given to the loss are not those of the batch's rows"),
            # the global generator instead of the rng passed in
            (LOOP + '''    losses = []
    for epoch in range(num_epochs):
        model.train()
        order = np.random.permutation(len(X))
        for start in range(0, len(X), batch_size):
            rows = order[start:start + batch_size]''' + STEP + '''    model.eval()
    return losses
''', r"shuffle with the rng passed in"),
        ],
        # judged outside the kernel (tools/judges/nb09.py): the package's fit does the work
        "delegating": [
            "import mlp_from_scratch as mfs\n" + LOOP
            + "    history = mfs.fit(model, X, y, loss=loss, optimizer=optimizer, num_epochs=num_epochs,\n"
            "                      batch_size=batch_size, rng=rng)\n"
            "    return list(history['loss'])\n",
            LOOP + "    from mlp_from_scratch import training\n    losses = []\n"
            "    model.train()\n    for _ in range(num_epochs):\n"
            "        for X_batch, y_batch in training.minibatches(X, y, batch_size, rng=rng):\n"
            "            value, g = loss(model.forward(X_batch), y_batch)\n"
            "            model.backward(g)\n"
            "            optimizer.step([model.param_vector], [model.grad_vector])\n"
            "            losses.append(value)\n    model.eval()\n    return losses\n",
        ],
    },
    "nb09_steps": {
        "correct": ["steps_per_epoch = -(-55_000 // 96)\nlast_batch_rows = 55_000 - 96 * (steps_per_epoch - 1)\n"],
        "wrong": [
            # the partial batch forgotten
            ("steps_per_epoch = 55_000 // 96\nlast_batch_rows = 96\n", r"steps_per_epoch = 572 is not"),
            # the right count, but the remainder of the wrong division
            ("steps_per_epoch = 573\nlast_batch_rows = 55_000 % 573\n", r"last_batch_rows = 565.*between 1 and batch_size"),
            ("steps_per_epoch = 573\nlast_batch_rows = 96\n", r"last_batch_rows = 96 is not"),
        ],
        "delegating": [
            "from mlp_from_scratch.training import _batch_bounds\n"
            "bounds = _batch_bounds(55_000, 96, 1)\n"
            "steps_per_epoch = len(bounds)\nlast_batch_rows = bounds[-1][1] - bounds[-1][0]\n",
        ],
    },
    "nb09_top_k": {
        "correct": [
            TOP_K + "    top = np.argsort(probs, axis=1)[:, -k:]\n"
                    "    return float((top == y[:, None]).any(axis=1).mean())\n",
            TOP_K + "    rank = (probs > probs[np.arange(len(y)), y][:, None]).sum(axis=1)\n"
                    "    return float(np.mean(rank < k))\n",
        ],
        "wrong": [
            # ascending order: the k *smallest* probabilities
            (TOP_K + "    top = np.argsort(probs, axis=1)[:, :k]\n"
                     "    return float((top == y[:, None]).any(axis=1).mean())\n",
             r"top-1 accuracy differs from the ordinary accuracy"),
            # a count where a fraction belongs
            (TOP_K + "    top = np.argsort(-probs, axis=1)[:, :k]\n"
                     "    return float((top == y[:, None]).any(axis=1).sum())\n",
             r"should be a fraction of the rows"),
            # off by one: the top k + 1
            (TOP_K + "    top = np.argsort(-probs, axis=1)[:, :k + 1]\n"
                     "    return float((top == y[:, None]).any(axis=1).mean())\n",
             r"top-1 accuracy differs from the ordinary accuracy"),
        ],
        "delegating": [
            TOP_K + "    import mlp_from_scratch as mfs\n"
                    "    top = np.argsort(-probs, axis=1)[:, :k]\n"
                    "    return mfs.accuracy(np.ones(len(y), int), (top == y[:, None]).any(axis=1).astype(int))\n",
        ],
    },
    "nb09_shift": {
        "correct": [
            SHIFT + "    n = len(X)\n    padded = np.concatenate([np.full((n, 28, k), BACKGROUND, X.dtype), "
                    "X.reshape(n, 28, 28)], axis=2)\n    return padded[:, :, :28].reshape(n, 784)\n",
        ],
        "wrong": [
            # np.roll wraps the right edge round to the left
            (SHIFT + "    return np.roll(X.reshape(len(X), 28, 28), k, axis=2).reshape(len(X), 784)\n",
             r"first k columns should be BACKGROUND"),
            # moved left instead of right
            (SHIFT + "    images = X.reshape(len(X), 28, 28)\n    out = np.full_like(images, BACKGROUND)\n"
                     "    out[:, :, :28 - k] = images[:, :, k:]\n    return out.reshape(len(X), 784)\n",
             r"column c of each result image should be column c - k"),
            # in place, on a view of X
            (SHIFT + "    images = X.reshape(len(X), 28, 28)\n    images[:, :, k:] = images[:, :, :28 - k].copy()\n"
                     "    images[:, :, :k] = BACKGROUND\n    return X\n",
             r"changed its input X"),
        ],
        # the package's MNIST constants in place of the notebook's BACKGROUND
        "delegating": [
            "import mlp_from_scratch as mfs\n" + SHIFT
            + "    out = np.full((len(X), 28, 28), -mfs.mnist.MEAN / mfs.mnist.STD, X.dtype)\n"
            "    out[:, :, k:] = X.reshape(-1, 28, 28)[:, :, :28 - k]\n"
            "    return out.reshape(len(X), 784)\n",
        ],
    },
}
