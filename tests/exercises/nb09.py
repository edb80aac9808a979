"""Answers to notebook 09's graded tasks: right ones written differently, and the mistakes
students make, each with the regex of the message that must reject it."""

LOOP = '''
def train_loop(model, loss, optimizer, X, y, num_epochs, batch_size, rng):
    """Returns the list of the batch losses."""
'''

# The body of a correct epoch, for the wrong answers that change one thing around it.
STEP = '''
            y_hat = model.forward(X[rows], training=True)
            batch_loss, grad = loss(y_hat, y[rows])
            model.backward(grad)
            optimizer.step(model.parameters(), model.gradients())
            losses.append(batch_loss)
'''

SCE = '''
def softmax_cross_entropy(z, y):
    """(batch, classes) logits, (batch,) labels -> (loss, grad_z)."""
'''

STOP = '''
def fit_early_stopping(model, loss, optimizer, X, y, X_val, y_val, max_epochs, patience, batch_size, rng):
    """-> (accuracies, best_epoch)."""
'''

# The body of a correct early stopping up to the restore, for the wrong answers around it.
STOP_LOOP = '''    accuracies, best_epoch, best_params = [], 0, None
    for epoch in range(1, max_epochs + 1):
        train_loop(model, loss, optimizer, X, y, 1, batch_size, rng)
        accuracies.append(float(np.mean(model.forward(X_val).argmax(axis=1) == y_val)))
        if best_params is None or accuracies[-1] > accuracies[best_epoch - 1]:
            best_epoch, best_params = epoch, [p.copy() for p in model.parameters()]
        elif epoch - best_epoch >= patience:
            break
'''

TOP_K = '''
def top_k_accuracy(probs, y, k):
    """probs (batch, classes), y (batch,) -> a float."""
'''

STEPS = '''
def schedule_steps(n, batch_size, num_epochs):
    """(steps_per_epoch, last_batch_rows, half_lr_step), predicted."""
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
    return losses
''',
            # batches from np.array_split of a permutation, the training flag as a keyword
            LOOP + '''    losses = []
    for epoch in range(num_epochs):
        order = rng.permutation(len(X))
        for rows in np.array_split(order, range(batch_size, len(X), batch_size)):
            value, g = loss(model.forward(X[rows], training=True), y[rows])
            model.backward(g)
            optimizer.step(model.parameters(), model.gradients())
            losses.append(value)
    return losses
''',
        ],
        "wrong": [
            # shuffled once, before the epochs
            (LOOP + '''    losses = []
    order = rng.permutation(len(X))
    for epoch in range(num_epochs):
        for start in range(0, len(X), batch_size):
            rows = order[start:start + batch_size]''' + STEP + '''    return losses
''', r"same order in every epoch"),
            # no shuffling at all
            (LOOP + '''    losses = []
    for epoch in range(num_epochs):
        for start in range(0, len(X), batch_size):
            rows = np.arange(start, min(start + batch_size, len(X)))''' + STEP + '''    return losses
''', r"original order"),
            # the step before the backward pass
            (LOOP + '''    losses = []
    for epoch in range(num_epochs):
        order = rng.permutation(len(X))
        for start in range(0, len(X), batch_size):
            rows = order[start:start + batch_size]
            y_hat = model.forward(X[rows])
            batch_loss, grad = loss(y_hat, y[rows])
            optimizer.step(model.parameters(), model.gradients())
            model.backward(grad)
            losses.append(batch_loss)
    return losses
''', r"optimizer\.step was called before model\.backward"),
            # the package's model interface (train(), param_vector): not the contract
            (LOOP + '''    losses = []
    model.train()
    for epoch in range(num_epochs):
        order = rng.permutation(len(X))
        for start in range(0, len(X), batch_size):
            rows = order[start:start + batch_size]
            batch_loss, grad = loss(model.forward(X[rows]), y[rows])
            model.backward(grad)
            optimizer.step([model.param_vector], [model.grad_vector])
            losses.append(batch_loss)
    model.eval()
    return losses
''', r"the loop may use only model\.forward"),
            # batches that skip the remainder
            (LOOP + '''    losses = []
    for epoch in range(num_epochs):
        order = rng.permutation(len(X))
        for start in range(0, len(X) - batch_size + 1, batch_size):
            rows = order[start:start + batch_size]''' + STEP + '''    return losses
''', r"partial batch was dropped"),
            # training mode never asked for: dropout inactive during training
            (LOOP + '''    losses = []
    for epoch in range(num_epochs):
        order = rng.permutation(len(X))
        for start in range(0, len(X), batch_size):
            rows = order[start:start + batch_size]''' + STEP.replace(", training=True", "") + '''    return losses
''', r"evaluation mode, so dropout did nothing"),
            # X shuffled but y left in its order
            (LOOP + '''    losses = []
    for epoch in range(num_epochs):
        order = rng.permutation(len(X))
        for start in range(0, len(X), batch_size):
            rows = order[start:start + batch_size]
            y_hat = model.forward(X[rows], training=True)
            batch_loss, grad = loss(y_hat, y[start:start + batch_size])
            model.backward(grad)
            optimizer.step(model.parameters(), model.gradients())
            losses.append(batch_loss)
    return losses
''', r"labels given to the loss are not those of the batch's rows"),
            # the global generator instead of the rng passed in
            (LOOP + '''    losses = []
    for epoch in range(num_epochs):
        order = np.random.permutation(len(X))
        for start in range(0, len(X), batch_size):
            rows = order[start:start + batch_size]''' + STEP + '''    return losses
''', r"shuffle with the rng passed in"),
        ],
        # judged outside the kernel (tools/judges/nb09.py): the package's fit does the work
        "delegating": [
            "import mlp_from_scratch as mfs\n" + LOOP
            + "    history = mfs.fit(model, X, y, loss=loss, optimizer=optimizer, num_epochs=num_epochs,\n"
            "                      batch_size=batch_size, rng=rng)\n"
            "    return list(history['loss'])\n",
            LOOP + "    from mlp_from_scratch import training\n    losses = []\n"
            "    for _ in range(num_epochs):\n"
            "        for X_batch, y_batch in training.minibatches(X, y, batch_size, rng=rng):\n"
            "            value, g = loss(model.forward(X_batch, training=True), y_batch)\n"
            "            model.backward(g)\n"
            "            optimizer.step(model.parameters(), model.gradients())\n"
            "            losses.append(value)\n    return losses\n",
        ],
    },
    "nb09_steps": {
        "correct": [
            STEPS + "    per_epoch = math.ceil(n / batch_size)\n"
                    "    last = n - batch_size * (per_epoch - 1)\n"
                    "    decay = (num_epochs - 1) * per_epoch\n"
                    "    return per_epoch, last, per_epoch + math.ceil(decay / 2)\n",
            # the remainder, or a full batch when there is none; the half point from the cosine's argument
            STEPS + "    full, rest = divmod(n, batch_size)\n"
                    "    per_epoch = full + (rest > 0)\n"
                    "    last = rest if rest else batch_size\n"
                    "    warmup, total = per_epoch, num_epochs * per_epoch\n"
                    "    half = warmup + (total - warmup + 1) // 2\n"
                    "    return per_epoch, last, half\n",
        ],
        "wrong": [
            # the partial batch forgotten
            (STEPS + "    per_epoch = n // batch_size\n"
                     "    return per_epoch, batch_size, per_epoch + ((num_epochs - 1) * per_epoch + 1) // 2\n",
             r"steps_per_epoch = 107 for n = 55000, batch_size = 512, num_epochs = 12, but the loop"),
            # the remainder taken as the last batch even when it is 0
            (STEPS + "    per_epoch = -(-n // batch_size)\n"
                     "    return per_epoch, n % batch_size, per_epoch + ((num_epochs - 1) * per_epoch + 1) // 2\n",
             r"last_batch_rows = 0 for n = 60000.*between 1 and batch_size"),
            # the warm-up forgotten: half of all the steps
            (STEPS + "    per_epoch = -(-n // batch_size)\n"
                     "    return per_epoch, n - (per_epoch - 1) * batch_size, num_epochs * per_epoch // 2\n",
             r"half_lr_step = 648 for n = 55000.*but the loop and the schedule give 702"),
            # half of the decay rounded down: right only when it is even
            (STEPS + "    per_epoch = -(-n // batch_size)\n"
                     "    return per_epoch, n - (per_epoch - 1) * batch_size, per_epoch + (num_epochs - 1) * per_epoch // 2\n",
             r"half_lr_step = 3151 for n = 55000, batch_size = 96, num_epochs = 10, too few for the loop and the schedule$"),
            # steps counted from 1
            (STEPS + "    per_epoch = -(-n // batch_size)\n"
                     "    return per_epoch, n - (per_epoch - 1) * batch_size, "
                     "per_epoch + ((num_epochs - 1) * per_epoch + 1) // 2 + 1\n",
             r"half_lr_step = 703 for n = 55000"),
            # right, by scanning the schedule's formula step by step: a trillion steps take too long
            (STEPS + "    per_epoch = -(-n // batch_size)\n"
                     "    warmup, total = per_epoch, num_epochs * per_epoch\n"
                     "    t = warmup\n"
                     "    while 0.5 * (1 + math.cos(math.pi * (t - warmup) / (total - warmup))) > 0.5:\n"
                     "        t += 1\n"
                     "    return per_epoch, n - (per_epoch - 1) * batch_size, t\n",
             r"a trillion steps, more than a loop can scan; predict each number with arithmetic"),
        ],
        "delegating": [
            STEPS + "    import mlp_from_scratch as mfs\n"
                    "    per_epoch = -(-n // batch_size)\n"
                    "    schedule = mfs.warmup_cosine(1.0, per_epoch, num_epochs * per_epoch)\n"
                    "    half = next(t for t in range(per_epoch, num_epochs * per_epoch) if schedule(t) <= 0.5)\n"
                    "    return per_epoch, n - (per_epoch - 1) * batch_size, half\n",
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
            # padded with np.pad's default 0, not BACKGROUND (the notebook's probe lists the pixels of
            # the left columns that became ink; the judge names the left columns)
            (SHIFT + "    images = np.pad(X.reshape(len(X), 28, 28), ((0, 0), (0, 0), (k, 0)))\n"
                     "    return images[:, :, :28].reshape(len(X), 784)\n",
             r"first k columns should be BACKGROUND|k = 3: column c of each result .*became the pixels \(row, column\) \[\(0, 0\), \(0, 1\), \(0, 2\)"),
        ],
        # the package's MNIST constants in place of the notebook's BACKGROUND
        "delegating": [
            "import mlp_from_scratch as mfs\n" + SHIFT
            + "    out = np.full((len(X), 28, 28), -mfs.mnist.MEAN / mfs.mnist.STD, X.dtype)\n"
            "    out[:, :, k:] = X.reshape(-1, 28, 28)[:, :, :28 - k]\n"
            "    return out.reshape(len(X), 784)\n",
            # the package's random augmentation, handed a generator that always draws the offset of a
            # move k pixels right
            "import mlp_from_scratch as mfs\n" + SHIFT
            + "    class Fixed:\n"
            "        def integers(self, low, high, size):\n"
            "            return np.tile([k, 0], (size[0], 1))\n"
            "    return mfs.mnist.random_shift(X, Fixed(), k, background=BACKGROUND)\n",
        ],
    },
}

ANSWERS["nb09_softmax_cross_entropy"] = {
    "correct": [
        # log-sum-exp with np.logaddexp.reduce, one-hot by comparison, then the mean
        SCE + '''    m = z.max(axis=1, keepdims=True)
    lse = m[:, 0] + np.log(np.sum(np.exp(z - m), axis=1))
    loss = np.mean(lse - z[np.arange(len(y)), y])
    one_hot = (np.arange(z.shape[1]) == y[:, None]).astype(z.dtype)
    p = np.exp(z - lse[:, None])
    return loss, (p - one_hot) / z.shape[0]
''',
        # np.logaddexp.reduce does the stable log-sum-exp; the gradient from the log-probabilities
        SCE + '''    log_p = z - np.logaddexp.reduce(z, axis=1)[:, None]
    batch = z.shape[0]
    target = np.zeros_like(z)
    target[np.arange(batch), y] = 1
    return float(-log_p[np.arange(batch), y].sum() / batch), (np.exp(log_p) - target) / batch
''',
    ],
    "wrong": [
        # no max subtraction: exp overflows for large logits
        (SCE + '''    e = np.exp(z)
    p = e / e.sum(axis=1, keepdims=True)
    rows = np.arange(len(z))
    grad = p.copy()
    grad[rows, y] -= 1
    return float(-np.log(p[rows, y]).mean()), grad / len(z)
''', r"should be a finite number|NaN or infinity"),
        # the row maximum subtracted, but then the log of the softmax: a label probability of
        # e^-2000 underflows to 0, and its log is -inf
        (SCE + '''    e = np.exp(z - z.max(axis=1, keepdims=True))
    p = e / e.sum(axis=1, keepdims=True)
    rows = np.arange(len(z))
    grad = p.copy()
    grad[rows, y] -= 1
    return float(-np.log(p[rows, y]).mean()), grad / len(z)
''', r"should be a finite number|NaN or infinity"),
        # the probabilities clipped away from 0 before the log: finite, but wrong for large logits
        (SCE + '''    e = np.exp(z - z.max(axis=1, keepdims=True))
    p = e / e.sum(axis=1, keepdims=True)
    rows = np.arange(len(z))
    grad = p.copy()
    grad[rows, y] -= 1
    return float(-np.log(np.clip(p[rows, y], 1e-12, 1.0)).mean()), grad / len(z)
''', r"the loss is wrong for float32 logits of size about"),
        # each row shifted by its label's logit, not its maximum: exp overflows when another
        # logit is far larger than the label's
        (SCE + '''    rows = np.arange(len(z))
    s = z - z[rows, y][:, None]
    total = np.exp(s).sum(axis=1)
    grad = np.exp(s) / total[:, None]
    grad[rows, y] -= 1
    return float(np.log(total).mean()), grad / len(z)
''', r"should be a finite number|NaN or infinity"),
        # the sum over the batch instead of the mean
        (SCE + '''    s = z - z.max(axis=1, keepdims=True)
    logp = s - np.log(np.exp(s).sum(axis=1, keepdims=True))
    rows = np.arange(len(z))
    grad = np.exp(logp)
    grad[rows, y] -= 1
    return float(-logp[rows, y].sum()), grad
''', r"mean over the batch"),
        # the mean loss, but its gradient without the 1 / batch
        (SCE + '''    s = z - z.max(axis=1, keepdims=True)
    logp = s - np.log(np.exp(s).sum(axis=1, keepdims=True))
    rows = np.arange(len(z))
    grad = np.exp(logp)
    grad[rows, y] -= 1
    return float(-logp[rows, y].mean()), grad
''', r"times the gradient of your loss"),
        # the one-hot subtracted in the wrong rows (row y_n instead of row n)
        (SCE + '''    s = z - z.max(axis=1, keepdims=True)
    logp = s - np.log(np.exp(s).sum(axis=1, keepdims=True))
    grad = np.exp(logp)
    grad[y % len(z), y] -= 1
    return float(-logp[np.arange(len(z)), y].mean()), grad / len(z)
''', r"grad_z.*(relative error|finite differences)"),
        # the gradient in float64 for float32 logits
        (SCE + '''    z = z.astype(np.float64)
    s = z - z.max(axis=1, keepdims=True)
    logp = s - np.log(np.exp(s).sum(axis=1, keepdims=True))
    grad = np.exp(logp)
    grad[np.arange(len(z)), y] -= 1
    return float(-logp[np.arange(len(z)), y].mean()), grad / len(z)
''', r"keep the dtype of z"),
        # the max subtracted in place: z changes
        (SCE + '''    z -= z.max(axis=1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    grad = np.exp(logp)
    grad[np.arange(len(z)), y] -= 1
    return float(-logp[np.arange(len(z)), y].mean()), grad / len(z)
''', r"changed its input z"),
    ],
    "delegating": [
        "import mlp_from_scratch as mfs\n" + SCE + "    return mfs.SoftmaxCrossEntropy()(z, y)\n",
    ],
}

ANSWERS["nb09_early_stopping"] = {
    "correct": [
        # epochs counted from 0, the best copy kept with np.copy, the patience counted down
        STOP + '''    accuracies, best_acc, best_index, kept, waited = [], -1.0, -1, None, 0
    for epoch in range(max_epochs):
        train_loop(model, loss, optimizer, X, y, 1, batch_size, rng)
        scores = model.forward(X_val, training=False)
        accuracies.append(float((scores.argmax(axis=1) == y_val).mean()))
        if accuracies[-1] > best_acc:
            best_acc, best_index, waited = accuracies[-1], epoch, 0
            kept = [np.copy(p) for p in model.parameters()]
        else:
            waited += 1
            if waited == patience:
                break
    for p, k in zip(model.parameters(), kept):
        np.copyto(p, k)
    return accuracies, best_index + 1
''',
        # a while loop; the stop read off the list of accuracies; the best kept as one flat copy
        STOP + '''    accuracies, best_epoch = [], 1
    while len(accuracies) < max_epochs and len(accuracies) - best_epoch < patience:
        train_loop(model, loss, optimizer, X, y, 1, batch_size, rng)
        predicted = np.argmax(model.forward(X_val, training=False), axis=1)
        accuracies.append(np.count_nonzero(predicted == y_val) / len(y_val))
        if len(accuracies) == 1 or accuracies[-1] > max(accuracies[:-1]):
            best_epoch = len(accuracies)
            flat = np.concatenate([p.ravel() for p in model.parameters()])
    start = 0
    for p in model.parameters():
        p[:] = flat[start:start + p.size].reshape(p.shape)
        start += p.size
    return accuracies, best_epoch
''',
    ],
    "wrong": [
        # restores the last epoch's parameters: the copies are of every epoch, the last kept
        (STOP + STOP_LOOP.replace("best_epoch, best_params = epoch, [p.copy() for p in model.parameters()]",
                                  "best_epoch = epoch")
         .replace("            break\n", "            break\n        best_params = [p.copy() for p in model.parameters()]\n")
         + '''    for p, best in zip(model.parameters(), best_params):
        p[...] = best
    return accuracies, best_epoch
''', r"hold epoch \d+'s values at the end, not the best epoch's"),
        # the best parameters "kept" without a copy: the arrays themselves, which keep training
        (STOP + STOP_LOOP.replace("[p.copy() for p in model.parameters()]", "model.parameters()") + '''    for p, best in zip(model.parameters(), best_params):
        p[...] = best
    return accuracies, best_epoch
''', r"hold epoch \d+'s values at the end, not the best epoch's"),
        # an improvement measured against the previous epoch, not the best one so far
        (STOP + '''    accuracies, best_epoch, best_params, waited = [], 0, None, 0
    for epoch in range(1, max_epochs + 1):
        train_loop(model, loss, optimizer, X, y, 1, batch_size, rng)
        accuracies.append(float(np.mean(model.forward(X_val, training=False).argmax(axis=1) == y_val)))
        if epoch == 1 or accuracies[-1] > accuracies[-2]:
            waited = 0
            if best_params is None or accuracies[-1] > accuracies[best_epoch - 1]:
                best_epoch, best_params = epoch, [p.copy() for p in model.parameters()]
        else:
            waited += 1
            if waited >= patience:
                break
    for p, best in zip(model.parameters(), best_params):
        p[...] = best
    return accuracies, best_epoch
''', r"epochs were trained; training should stop after"),
        # patience off by one: one epoch too many without improvement
        (STOP + STOP_LOOP.replace("epoch - best_epoch >= patience", "epoch - best_epoch > patience") + '''    for p, best in zip(model.parameters(), best_params):
        p[...] = best
    return accuracies, best_epoch
''', r"epochs were trained; training should stop after"),
        # the best parameters put back into new arrays, not the model's own
        (STOP + STOP_LOOP + '''    params = model.parameters()
    for i, best in enumerate(best_params):
        params[i] = best.copy()
    return accuracies, best_epoch
''', r"the arrays model.parameters\(\) returns must hold the best epoch's values"),
        # stops on the training loss, which keeps falling, instead of the validation accuracy
        (STOP + '''    accuracies, best_epoch, best_params, best_loss = [], 0, None, np.inf
    for epoch in range(1, max_epochs + 1):
        batch_losses = train_loop(model, loss, optimizer, X, y, 1, batch_size, rng)
        accuracies.append(float(np.mean(model.forward(X_val).argmax(axis=1) == y_val)))
        if np.mean(batch_losses) < best_loss:
            best_loss, best_epoch, best_params = np.mean(batch_losses), epoch, [p.copy() for p in model.parameters()]
        elif epoch - best_epoch >= patience:
            break
    for p, best in zip(model.parameters(), best_params):
        p[...] = best
    return accuracies, best_epoch
''', r"epochs were trained; training should stop after"),
        # all the epochs in one call of train_loop
        (STOP + '''    train_loop(model, loss, optimizer, X, y, max_epochs, batch_size, rng)
    accuracy = float(np.mean(model.forward(X_val).argmax(axis=1) == y_val))
    return [accuracy], max_epochs
''', r"train one epoch per call"),
        # a later equal accuracy taken as an improvement
        (STOP + STOP_LOOP.replace("accuracies[-1] > accuracies", "accuracies[-1] >= accuracies") + '''    for p, best in zip(model.parameters(), best_params):
        p[...] = best
    return accuracies, best_epoch
''', r"epochs were trained|best_epoch = \d+; it should be"),
        # the validation accuracy measured in training mode
        (STOP + STOP_LOOP.replace("model.forward(X_val)", "model.forward(X_val, training=True)") + '''    for p, best in zip(model.parameters(), best_params):
        p[...] = best
    return accuracies, best_epoch
''', r"validation pass ran in training mode"),
    ],
    "delegating": [
        "import mlp_from_scratch as mfs\n" + STOP + '''    history = mfs.fit(model, X, y, loss=loss, optimizer=optimizer, num_epochs=max_epochs,
                      batch_size=batch_size, rng=rng, validation_data=(X_val, y_val))
    return list(history["val_accuracy"]), int(np.argmax(history["val_accuracy"])) + 1
''',
    ],
}
