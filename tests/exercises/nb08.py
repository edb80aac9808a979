"""Answers that notebook 08's graded checks must reject (wrong) or accept (correct).

Each wrong answer is a mistake students make with batch normalization, paired with a regex of
the message that must catch it; each correct answer is written differently from the reference.
"""

FORWARD_SIGNATURE = ("def batchnorm_forward(x, gamma, beta, running_mean, running_var, training, "
                     "momentum=0.9, eps=1e-5):\n")
BACKWARD_SIGNATURE = "def batchnorm_backward(grad_out, x, gamma, eps=1e-5):\n"
FOLD_SIGNATURE = "def fold_batchnorm(dense, bn):\n"
LAYERNORM_SIGNATURE = "def layernorm_backward(grad_out, x, gamma, eps=1e-5):\n"
WARMUP = "def running_warmup(momentum, mean, variance, tolerance):\n"
ZERO_GRAD = "def zero_gradient_biases(layers):\n"


def forward(training_stats: str, update: str, evaluation: str, normalise: str) -> str:
    return (FORWARD_SIGNATURE
            + "    if training:\n" + training_stats + update
            + "    else:\n" + evaluation + normalise)


BATCH_STATS = "        mean = x.mean(axis=0)\n        var = x.var(axis=0)\n"
GOOD_UPDATE = ("        running_mean *= momentum\n        running_mean += (1 - momentum) * mean\n"
               "        running_var *= momentum\n        running_var += (1 - momentum) * var\n")
RUNNING = "        mean, var = running_mean, running_var\n"
GOOD_NORMALISE = "    return gamma * (x - mean) / np.sqrt(var + eps) + beta\n"

BACKWARD_HEAD = (BACKWARD_SIGNATURE
                 + "    n = x.shape[0]\n"
                 + "    mu = x.mean(axis=0)\n"
                 + "    s = np.sqrt(((x - mu) ** 2).mean(axis=0) + eps)\n"
                 + "    x_hat = (x - mu) / s\n"
                 + "    dgamma = (grad_out * x_hat).sum(axis=0)\n"
                 + "    dbeta = grad_out.sum(axis=0)\n"
                 + "    g = grad_out * gamma\n")

# layer norm: the statistics of each row, over its features
LAYERNORM_HEAD = (LAYERNORM_SIGNATURE
                  + "    mu = x.mean(axis=1, keepdims=True)\n"
                  + "    s = np.sqrt(x.var(axis=1, keepdims=True) + eps)\n"
                  + "    x_hat = (x - mu) / s\n"
                  + "    dgamma = (grad_out * x_hat).sum(axis=0)\n"
                  + "    dbeta = grad_out.sum(axis=0)\n"
                  + "    g = grad_out * gamma\n")

FOLD_HEAD = (FOLD_SIGNATURE
             + "    gamma, beta = bn.params['gamma'], bn.params['beta']\n"
             + "    mean, var = bn.buffers['running_mean'], bn.buffers['running_var']\n")

ANSWERS = {
    "nb08_batchnorm_forward": {
        "correct": [
            # the update written with [:] and the variance computed by hand
            FORWARD_SIGNATURE + (
                "    if not training:\n"
                "        x_hat = (x - running_mean) / np.sqrt(running_var + eps)\n"
                "        return gamma * x_hat + beta\n"
                "    mu = np.mean(x, axis=0)\n"
                "    sigma2 = np.mean((x - mu) ** 2, axis=0)\n"
                "    running_mean[:] = momentum * running_mean + (1 - momentum) * mu\n"
                "    running_var[:] = momentum * running_var + (1 - momentum) * sigma2\n"
                "    return gamma * ((x - mu) / np.sqrt(sigma2 + eps)) + beta\n"),
            # in-place multiply-add, shared normalisation below
            forward(BATCH_STATS, GOOD_UPDATE, RUNNING, GOOD_NORMALISE),
        ],
        "wrong": [
            # the unbiased variance (divides by N - 1)
            (forward("        mean = x.mean(axis=0)\n        var = x.var(axis=0, ddof=1)\n", GOOD_UPDATE,
                     RUNNING, GOOD_NORMALISE),
             r"should have variance 1 over the batch"),
            # eps outside the square root
            (forward(BATCH_STATS, GOOD_UPDATE, RUNNING,
                     "    return gamma * (x - mean) / (np.sqrt(var) + eps) + beta\n"),
             r"tiny variance .* normalised wrongly"),
            # the running statistics rebound, not updated in place
            (forward(BATCH_STATS,
                     "        running_mean = momentum * running_mean + (1 - momentum) * mean\n"
                     "        running_var = momentum * running_var + (1 - momentum) * var\n",
                     RUNNING, GOOD_NORMALISE),
             r"running mean did not move towards the batch mean"),
            # PyTorch's convention with the package's number: 90 % weight on the new batch
            (forward(BATCH_STATS,
                     "        running_mean[...] = (1 - momentum) * running_mean + momentum * mean\n"
                     "        running_var[...] = (1 - momentum) * running_var + momentum * var\n",
                     RUNNING, GOOD_NORMALISE),
             r"moved 90% of the way"),
            # the running variance averaged from the unbiased batch variance (as PyTorch does)
            (forward(BATCH_STATS,
                     "        running_mean[...] = momentum * running_mean + (1 - momentum) * mean\n"
                     "        running_var[...] = momentum * running_var + (1 - momentum) * x.var(axis=0, ddof=1)\n",
                     RUNNING, GOOD_NORMALISE),
             r"running variance did not move 10 % of the way to the batch variance"),
            # the running statistics average the standard deviation, which evaluation then uses as a variance
            (forward(BATCH_STATS,
                     "        running_mean[...] = momentum * running_mean + (1 - momentum) * mean\n"
                     "        running_var[...] = momentum * running_var + (1 - momentum) * np.sqrt(var)\n",
                     RUNNING, GOOD_NORMALISE),
             r"running variance did not move 10 % of the way to the batch variance"),
            # the statistics of the whole batch, every feature together (no axis)
            (forward("        mean = x.mean()\n        var = x.var()\n", GOOD_UPDATE, RUNNING, GOOD_NORMALISE),
             r"training mode: the normalised features are not centred on the batch mean"),
            # no eps at all ("up to eps" read as optional)
            (forward(BATCH_STATS, GOOD_UPDATE, RUNNING, "    return gamma * (x - mean) / np.sqrt(var) + beta\n"),
             r"tiny variance .* normalised wrongly"),
            # eps left out in evaluation mode only
            (FORWARD_SIGNATURE + (
                "    if training:\n" + BATCH_STATS + GOOD_UPDATE
                + "        return gamma * (x - mean) / np.sqrt(var + eps) + beta\n"
                "    return gamma * (x - running_mean) / np.sqrt(running_var) + beta\n"),
             r"y \(evaluation mode\) is wrong in \d+ of 24 entries"),
            # evaluation with the batch's statistics
            (forward(BATCH_STATS, GOOD_UPDATE, "        mean, var = x.mean(axis=0), x.var(axis=0)\n",
                     GOOD_NORMALISE),
             r"evaluation mode normalises with the batch's statistics"),
            # evaluation updates the running statistics too
            (FORWARD_SIGNATURE + (
                "    mean, var = (x.mean(axis=0), x.var(axis=0)) if training else (running_mean.copy(), running_var.copy())\n"
                "    running_mean[...] = momentum * running_mean + (1 - momentum) * x.mean(axis=0)\n"
                "    running_var[...] = momentum * running_var + (1 - momentum) * x.var(axis=0)\n"
                "    return gamma * (x - mean) / np.sqrt(var + eps) + beta\n"),
             r"evaluation mode changed the running statistics"),
            # the input centred in place: y is right, but the caller's x is changed (the kernel's
            # check then sees a batch mean of 0, the judge the changed input)
            (forward(BATCH_STATS, GOOD_UPDATE, RUNNING,
                     "    x -= mean\n    return gamma * x / np.sqrt(var + eps) + beta\n"),
             r"(the running mean moved inf% of the way|batchnorm_forward changed its input x \(training mode\))"),
        ],
        # judged outside the kernel (tools/judges/nb08.py): the package's BatchNorm does the work
        "delegating": [
            "import mlp_from_scratch as mfs\n" + FORWARD_SIGNATURE
            + "    layer = mfs.BatchNorm(x.shape[1], momentum=momentum, eps=eps, dtype=x.dtype)\n"
              "    layer.params['gamma'][...], layer.params['beta'][...] = gamma, beta\n"
              "    layer.buffers['running_mean'][...] = running_mean\n"
              "    layer.buffers['running_var'][...] = running_var\n"
              "    y = layer.forward(x, training=training)\n"
              "    running_mean[...] = layer.buffers['running_mean']\n"
              "    running_var[...] = layer.buffers['running_var']\n"
              "    return y\n",
        ],
    },
    "nb08_batchnorm_backward": {
        "correct": [
            # the chain rule through the variance and the mean, step by step
            BACKWARD_HEAD + (
                "    d_var = np.sum(g * (x - mu), axis=0) * -0.5 * s ** -3\n"
                "    d_mu = -np.sum(g, axis=0) / s + d_var * -2 * np.mean(x - mu, axis=0)\n"
                "    dx = g / s + d_var * 2 * (x - mu) / n + d_mu / n\n"
                "    return dx, dgamma, dbeta\n"),
            # x̂ taken from task 1's forward pass (the judge supplies a reference one)
            BACKWARD_SIGNATURE + (
                "    f = x.shape[1]\n"
                "    x_hat = batchnorm_forward(x, np.ones(f), np.zeros(f), np.zeros(f), np.ones(f), True, eps=eps)\n"
                "    g = grad_out * gamma\n"
                "    dx = (g - g.mean(axis=0) - x_hat * (g * x_hat).mean(axis=0)) / np.sqrt(x.var(axis=0) + eps)\n"
                "    return dx, (grad_out * x_hat).sum(axis=0), grad_out.sum(axis=0)\n"),
        ],
        "wrong": [
            # both mean terms missing: the gradient of a fixed affine map
            (BACKWARD_HEAD + "    return g / s, dgamma, dbeta\n",
             r"grad_x does not sum to zero over the batch"),
            # the x̂ term missing (only the mean of g removed)
            (BACKWARD_HEAD + "    return (g - g.mean(axis=0)) / s, dgamma, dbeta\n",
             r"grad_x: relative error .* against finite differences"),
            # gamma forgotten in grad_x
            (BACKWARD_HEAD + (
                "    g = grad_out\n"
                "    dx = (g - g.mean(axis=0) - x_hat * (g * x_hat).mean(axis=0)) / s\n"
                "    return dx, dgamma, dbeta\n"),
             r"grad_x: relative error .* against finite differences"),
            # grad_gamma summed without x̂
            (BACKWARD_HEAD + (
                "    dx = (g - g.mean(axis=0) - x_hat * (g * x_hat).mean(axis=0)) / s\n"
                "    return dx, grad_out.sum(axis=0), dbeta\n"),
             r"grad_gamma: relative error"),
            # sums instead of means: N times too large a correction
            (BACKWARD_HEAD + (
                "    dx = (g - g.sum(axis=0) - x_hat * (g * x_hat).sum(axis=0)) / s\n"
                "    return dx, dgamma, dbeta\n"),
             r"grad_x"),
            # the parameters' gradients not summed over the rows that share them
            (BACKWARD_HEAD + (
                "    dx = (g - g.mean(axis=0) - x_hat * (g * x_hat).mean(axis=0)) / s\n"
                "    return dx, grad_out * x_hat, grad_out\n"),
             r"grad_gamma has shape \(6, 4\), expected \(4,\)"),
            # the parameters' gradients averaged over the batch instead of summed
            (BACKWARD_HEAD + (
                "    dx = (g - g.mean(axis=0) - x_hat * (g * x_hat).mean(axis=0)) / s\n"
                "    return dx, (grad_out * x_hat).mean(axis=0), grad_out.mean(axis=0)\n"),
             r"grad_beta: relative error .* against finite differences"),
        ],
        # judged outside the kernel (tools/judges/nb08.py): the package's BatchNorm.backward
        "delegating": [
            BACKWARD_SIGNATURE
            + "    from mlp_from_scratch import BatchNorm\n"
              "    layer = BatchNorm(x.shape[1], eps=eps, dtype=x.dtype)\n"
              "    layer.params['gamma'][...] = gamma\n"
              "    layer.forward(x, training=True)\n"
              "    grad_x = layer.backward(grad_out)\n"
              "    return grad_x, layer.grads['gamma'].copy(), layer.grads['beta'].copy()\n",
        ],
    },
    "nb08_layernorm_backward": {
        "correct": [
            # batch norm's backward pass of the transpose (a private helper), gamma applied outside
            "def _bn_backward(g_hat, x, eps):\n"
            "    x_hat = (x - x.mean(axis=0)) / np.sqrt(x.var(axis=0) + eps)\n"
            "    return (g_hat - g_hat.mean(axis=0) - x_hat * (g_hat * x_hat).mean(axis=0)) / np.sqrt(x.var(axis=0) + eps)\n"
            "\n\n"
            + LAYERNORM_SIGNATURE + (
                "    x_hat = ((x.T - x.T.mean(axis=0)) / np.sqrt(x.T.var(axis=0) + eps)).T\n"
                "    grad_x = _bn_backward((grad_out * gamma).T, x.T, eps).T\n"
                "    return grad_x, np.einsum('nj,nj->j', grad_out, x_hat), grad_out.sum(axis=0)\n"),
            # the chain rule through each row's variance and mean, step by step
            LAYERNORM_HEAD + (
                "    d = x.shape[1]\n"
                "    d_var = np.sum(g * (x - mu), axis=1, keepdims=True) * -0.5 * s ** -3\n"
                "    d_mu = -np.sum(g, axis=1, keepdims=True) / s\n"
                "    dx = g / s + d_var * 2 * (x - mu) / d + d_mu / d\n"
                "    return dx, dgamma, dbeta\n"),
        ],
        "wrong": [
            # batch norm's formula unchanged: the statistics over the batch axis
            (LAYERNORM_SIGNATURE + (
                "    s = np.sqrt(x.var(axis=0) + eps)\n"
                "    x_hat = (x - x.mean(axis=0)) / s\n"
                "    g = grad_out * gamma\n"
                "    dx = (g - g.mean(axis=0) - x_hat * (g * x_hat).mean(axis=0)) / s\n"
                "    return dx, (grad_out * x_hat).sum(axis=0), grad_out.sum(axis=0)\n"),
             r"replacing row 1 of x and grad_out changed grad_x in other rows"),
            # grad_gamma and grad_beta not summed over the batch
            (LAYERNORM_HEAD + (
                "    dx = (g - g.mean(axis=1, keepdims=True) - x_hat * (g * x_hat).mean(axis=1, keepdims=True)) / s\n"
                "    return dx, grad_out * x_hat, grad_out\n"),
             r"grad_gamma \(x of shape \(6, 4\)\) has shape \(6, 4\), expected \(4,\)"),
            # grad_gamma summed over the features instead of the batch
            (LAYERNORM_HEAD + (
                "    dx = (g - g.mean(axis=1, keepdims=True) - x_hat * (g * x_hat).mean(axis=1, keepdims=True)) / s\n"
                "    return dx, (grad_out * x_hat).sum(axis=1), grad_out.sum(axis=1)\n"),
             r"grad_gamma \(x of shape \(6, 4\)\) has shape \(6,\), expected \(4,\)"),
            # the unbiased variance (divides by D - 1)
            (LAYERNORM_SIGNATURE + (
                "    s = np.sqrt(x.var(axis=1, ddof=1, keepdims=True) + eps)\n"
                "    x_hat = (x - x.mean(axis=1, keepdims=True)) / s\n"
                "    g = grad_out * gamma\n"
                "    dx = (g - g.mean(axis=1, keepdims=True) - x_hat * (g * x_hat).mean(axis=1, keepdims=True)) / s\n"
                "    return dx, (grad_out * x_hat).sum(axis=0), grad_out.sum(axis=0)\n"),
             r"grad_gamma \(x of shape \(6, 4\)\): relative error .* against finite differences"),
            # the mean term of the gradient missing
            (LAYERNORM_HEAD + (
                "    dx = (g - x_hat * (g * x_hat).mean(axis=1, keepdims=True)) / s\n"
                "    return dx, dgamma, dbeta\n"),
             r"grad_x \(x of shape \(6, 4\)\) does not sum to zero over each row's features"),
            # the x̂ term missing (only the mean of g removed)
            (LAYERNORM_HEAD + (
                "    dx = (g - g.mean(axis=1, keepdims=True)) / s\n"
                "    return dx, dgamma, dbeta\n"),
             r"grad_x \(x of shape \(6, 4\)\): relative error .* against finite differences"),
            # gamma forgotten in grad_x: dL/dx_hat taken to be grad_out
            (LAYERNORM_HEAD + (
                "    dx = (grad_out - grad_out.mean(axis=1, keepdims=True)\n"
                "          - x_hat * (grad_out * x_hat).mean(axis=1, keepdims=True)) / s\n"
                "    return dx, dgamma, dbeta\n"),
             r"grad_x \(x of shape \(6, 4\)\): relative error .* against finite differences"),
            # the axes swapped, but N (the batch size) kept where the number of features D belongs
            (LAYERNORM_HEAD + (
                "    n = x.shape[0]\n"
                "    d_var = np.sum(g * (x - mu), axis=1, keepdims=True) * -0.5 * s ** -3\n"
                "    d_mu = -np.sum(g, axis=1, keepdims=True) / s\n"
                "    dx = g / s + d_var * 2 * (x - mu) / n + d_mu / n\n"
                "    return dx, dgamma, dbeta\n"),
             r"grad_x \(x of shape \(6, 4\)\) does not sum to zero over each row's features"),
            # gamma handed to batch norm's formula of the transpose: one per row, not per feature
            (LAYERNORM_SIGNATURE + (
                "    xt, gt = x.T, grad_out.T\n"
                "    s = np.sqrt(xt.var(axis=0) + eps)\n"
                "    x_hat = (xt - xt.mean(axis=0)) / s\n"
                "    g = gt * gamma\n"
                "    dx = (g - g.mean(axis=0) - x_hat * (g * x_hat).mean(axis=0)) / s\n"
                "    return dx.T, (gt * x_hat).sum(axis=1), gt.sum(axis=1)\n"),
             r"layernorm_backward raised ValueError for x of shape \(6, 4\)"),
            # computed in float64 whatever the inputs' dtype
            (LAYERNORM_SIGNATURE + (
                "    x, grad_out, gamma = (np.asarray(a, dtype=float) for a in (x, grad_out, gamma))\n"
                "    s = np.sqrt(x.var(axis=1, keepdims=True) + eps)\n"
                "    x_hat = (x - x.mean(axis=1, keepdims=True)) / s\n"
                "    g = grad_out * gamma\n"
                "    dx = (g - g.mean(axis=1, keepdims=True) - x_hat * (g * x_hat).mean(axis=1, keepdims=True)) / s\n"
                "    return dx, (grad_out * x_hat).sum(axis=0), grad_out.sum(axis=0)\n"),
             r"grad_x is float64 for float32 inputs"),
            # finite differences of the forward pass in float64, one nudge per input, each row's
            # grad_x from that row's own loss: it passes every small case, and takes minutes for a wide layer
            (LAYERNORM_SIGNATURE + (
                "    def loss(x, gamma, beta, g):\n"
                "        x_hat = (x - x.mean(axis=-1, keepdims=True)) / np.sqrt(x.var(axis=-1, keepdims=True) + eps)\n"
                "        return np.sum((gamma * x_hat + beta) * g)\n"
                "    def nudged(a, f):\n"
                "        g = np.zeros_like(a)\n"
                "        for i in np.ndindex(a.shape):\n"
                "            old = a[i]\n"
                "            a[i] = old + 1e-5\n"
                "            up = f()\n"
                "            a[i] = old - 1e-5\n"
                "            down = f()\n"
                "            a[i] = old\n"
                "            g[i] = (up - down) / 2e-5\n"
                "        return g.astype(x.dtype)\n"
                "    x64, gamma64, beta = (np.array(a, dtype=np.float64) for a in (x, gamma, np.zeros_like(gamma)))\n"
                "    grad_x = np.stack([nudged(row, lambda: loss(row, gamma64, beta, g)) for row, g in zip(x64, grad_out)])\n"
                "    grad_gamma = nudged(gamma64, lambda: loss(x64, gamma64, beta, grad_out))\n"
                "    grad_beta = nudged(beta, lambda: loss(x64, gamma64, beta, grad_out))\n"
                "    return grad_x, grad_gamma, grad_beta\n"),
             r"ran over 5 s for a wide layer, x of shape \(2, 100000\)"),
        ],
        # judged outside the kernel (tools/judges/nb08.py): the package's BatchNorm of the transpose
        # (the package has no layer normalization of its own)
        "delegating": [
            "import mlp_from_scratch as mfs\n" + LAYERNORM_SIGNATURE
            + "    inner = mfs.BatchNorm(x.shape[0], eps=eps, dtype=x.dtype)\n"
              "    x_hat = inner.forward(x.T, training=True).T\n"
              "    grad_x = inner.backward((grad_out * gamma).T).T\n"
              "    return grad_x, (grad_out * x_hat).sum(axis=0), grad_out.sum(axis=0)\n",
        ],
    },
    "nb08_fold_batchnorm": {
        "correct": [
            # read off the layers' own evaluation-mode forward passes: b at x = 0, W row by row
            FOLD_SIGNATURE + (
                "    zero = np.zeros((1, dense.params['W'].shape[0]))\n"
                "    b = bn.forward(dense.forward(zero), training=False)[0]\n"
                "    W = bn.forward(dense.forward(np.eye(len(zero[0]))), training=False) - b\n"
                "    return W, b\n"),
            FOLD_HEAD + (
                "    inv_std = 1.0 / np.sqrt(var + bn.eps)\n"
                "    W = dense.params['W'] @ np.diag(gamma * inv_std)\n"
                "    b = gamma * inv_std * dense.params['b'] + beta - gamma * inv_std * mean\n"
                "    return W, b\n"),
            # task 1's forward pass in evaluation mode on b, and on each row of W shifted by b
            FOLD_SIGNATURE + (
                "    bn_args = (bn.params['gamma'], bn.params['beta'], bn.buffers['running_mean'],\n"
                "               bn.buffers['running_var'], False)\n"
                "    b = batchnorm_forward(dense.params['b'][None], *bn_args, eps=bn.eps)[0]\n"
                "    W = batchnorm_forward(dense.params['W'] + dense.params['b'], *bn_args, eps=bn.eps) - b\n"
                "    return W, b\n"),
        ],
        "wrong": [
            # gamma and beta ignored
            (FOLD_HEAD + (
                "    inv_std = 1 / np.sqrt(var + bn.eps)\n"
                "    return dense.params['W'] * inv_std, (dense.params['b'] - mean) * inv_std\n"),
             r"γ ≠ 1 \(does your fold use γ\?\)"),
            # beta forgotten
            (FOLD_HEAD + (
                "    scale = gamma / np.sqrt(var + bn.eps)\n"
                "    return dense.params['W'] * scale, (dense.params['b'] - mean) * scale\n"),
             r"β ≠ 0 \(does your fold use β\?\)"),
            # the bias not scaled
            (FOLD_HEAD + (
                "    scale = gamma / np.sqrt(var + bn.eps)\n"
                "    return dense.params['W'] * scale, dense.params['b'] - mean * scale + beta\n"),
             r"x @ W \+ b, with γ = 1 and β = 0, is wrong"),
            # the standard deviation without eps
            (FOLD_HEAD + (
                "    scale = gamma / np.sqrt(var)\n"
                "    return dense.params['W'] * scale, (dense.params['b'] - mean) * scale + beta\n"),
             r"running variance of 1e-6 \(check ε\)"),
            # beta scaled along with the rest of the bias
            (FOLD_HEAD + (
                "    scale = gamma / np.sqrt(var + bn.eps)\n"
                "    return dense.params['W'] * scale, (dense.params['b'] - mean + beta) * scale\n"),
             r"β ≠ 0 \(does your fold use β\?\)"),
        ],
        # judged outside the kernel (tools/judges/nb08.py): the package folds it
        "delegating": [
            "import mlp_from_scratch as mfs\n" + FOLD_SIGNATURE
            + "    W = np.stack([mfs.BatchNorm.forward(bn, w[None], training=False)[0] - bn.params['beta']\n"
              "                  + bn.params['gamma'] * bn.buffers['running_mean'] / np.sqrt(bn.buffers['running_var'] + bn.eps)\n"
              "                  for w in dense.params['W']])\n"
              "    return W, mfs.BatchNorm.forward(bn, dense.params['b'][None], training=False)[0]\n",
        ],
    },
    "nb08_bias_before_bn": {
        "correct": [
            # scanning from the back: "a BatchNorm comes next through affine layers only"
            ZERO_GRAD + "    dead, cancelled = [], False\n"
                        "    for i in reversed(range(len(layers))):\n"
                        "        if layers[i] in ('Dense', 'BatchNorm') and cancelled:\n"
                        "            dead.append(i)\n"
                        "        if layers[i] == 'BatchNorm':\n"
                        "            cancelled = True\n"
                        "        elif layers[i] not in ('Dense', 'Identity'):\n"
                        "            cancelled = False\n"
                        "    return dead[::-1]\n",
        ],
        "wrong": [
            # nothing is ever exactly zero
            (ZERO_GRAD + "    return []\n",
             r"zero_gradient_biases\(\['Dense', 'BatchNorm', 'ReLU', 'Dense'\]\) = \[\], but the measured largest bias "
             r"gradients are layer 3: .*layer 1: .*layer 0: [0-9.]+e-1[0-9]"),
            # counted from 1
            (ZERO_GRAD + "    return [i + 1 for i in range(len(layers) - 1)\n"
                         "            if layers[i] == 'Dense' and layers[i + 1] == 'BatchNorm']\n",
             r"= \[1\], but the measured"),
            # only a Dense right before a BatchNorm: misses a Dense whose output goes through another Dense
            (ZERO_GRAD + "    return [i for i in range(len(layers) - 1) if layers[i] == 'Dense' and layers[i + 1] == 'BatchNorm']\n",
             r"zero_gradient_biases\(\['Dense', 'Dense', 'BatchNorm', 'Tanh', 'Dense'\]\) misses a layer whose bias gets "
             r"zero gradient$"),
            # any BatchNorm later on, through nonlinearities too
            (ZERO_GRAD + "    return [i for i, name in enumerate(layers)\n"
                         "            if name in ('Dense', 'BatchNorm') and 'BatchNorm' in layers[i + 1:]]\n",
             r"\['Dense', 'ReLU', 'BatchNorm', 'Dense', 'BatchNorm', 'Tanh', 'Dense'\]\) lists a layer whose bias does "
             r"get a gradient$"),
            # the right rule for a Dense's b, but BatchNorm's beta forgotten
            (ZERO_GRAD + "    dead = []\n"
                         "    for i, name in enumerate(layers):\n"
                         "        rest = [n for n in layers[i + 1:] if n not in ('Dense', 'Identity')]\n"
                         "        if name == 'Dense' and rest[:1] == ['BatchNorm']:\n"
                         "            dead.append(i)\n"
                         "    return dead\n",
             r"\['Dense', 'Identity', 'BatchNorm', 'BatchNorm', 'ReLU', 'Dense'\]\) misses a layer"),
            # dropout taken as linear (it scales every row by its own mask)
            (ZERO_GRAD + "    dead = []\n"
                         "    for i, name in enumerate(layers):\n"
                         "        rest = [n for n in layers[i + 1:] if n not in ('Dense', 'Identity', 'Dropout')]\n"
                         "        if name in ('Dense', 'BatchNorm') and rest[:1] == ['BatchNorm']:\n"
                         "            dead.append(i)\n"
                         "    return dead\n",
             r"\['Dense', 'Dropout', 'BatchNorm', 'Dense', 'ReLU', 'Dense'\]\) lists a layer"),
            # a mask over the layers instead of their indices
            (ZERO_GRAD + "    return [name == 'Dense' and layers[i + 1:i + 2] == ['BatchNorm'] for i, name in enumerate(layers)]\n",
             r"should return a list of layer indices \(ints\)"),
            # the caller's list consumed while scanning it (pop)
            (ZERO_GRAD + "    dead = []\n"
                         "    while layers:\n"
                         "        name = layers.pop(0)\n"
                         "        if name == 'Dense' and layers[:1] == ['BatchNorm']:\n"
                         "            dead.append(0)\n"
                         "    return dead\n",
             r"changed its input"),
        ],
        # judged outside the kernel: measured with the package's layers
        "delegating": [
            ZERO_GRAD + "    import mlp_from_scratch as mfs\n"
                        "    return [i for i, name in enumerate(layers) if name == 'Dense' and hasattr(mfs, name)\n"
                        "            and layers[i + 1:i + 2] == ['BatchNorm']]\n",
        ],
    },
    "nb08_running_warmup": {
        "correct": [
            WARMUP + "    # the gap shrinks by momentum each batch: gap * momentum**t <= tolerance * |target|\n"
                     "    out = []\n"
                     "    for start, target in ((0.0, mean), (1.0, variance)):\n"
                     "        gap = abs(start - target)\n"
                     "        if gap <= tolerance * abs(target):\n"
                     "            out.append(0)\n"
                     "        else:\n"
                     "            out.append(int(np.ceil(np.log(tolerance * abs(target) / gap) / np.log(momentum))))\n"
                     "    return tuple(out)\n",
        ],
        "wrong": [
            # the running variance started at 0, like the mean
            (WARMUP + "    t = lambda target: math.ceil(math.log(tolerance) / math.log(momentum))\n"
                      "    return t(mean), t(variance)\n",
             r"variance_batches = 44 for running_warmup\(0\.9, 10\.0, 9\.0, 0\.01\), but mfs\.BatchNorm gets there after 43 "
             r"batches; that is the count of a running variance starting at 0, but mfs\.BatchNorm's starts at 1"),
            # rounded down: the last batch before the tolerance is reached
            (WARMUP + "    gap_v = abs(1 - variance) / variance\n"
                      "    return (math.floor(math.log(tolerance) / math.log(momentum)),\n"
                      "            max(0, math.floor(math.log(tolerance / gap_v) / math.log(momentum))))\n",
             r"mean_batches = 43 for running_warmup\(0\.9, 10\.0, 9\.0, 0\.01\), but mfs\.BatchNorm gets there after 44 "
             r"batches; one batch off"),
            # momentum read as the share of the new batch
            (WARMUP + "    keep = 1 - momentum\n"
                      "    gap_v = abs(1 - variance) / variance\n"
                      "    return (math.ceil(math.log(tolerance) / math.log(keep)),\n"
                      "            max(0, math.ceil(math.log(tolerance / gap_v) / math.log(keep))))\n",
             r"mean_batches = 2 for running_warmup\(0\.9, 10\.0, 9\.0, 0\.01\), but mfs\.BatchNorm gets there after 44 "
             r"batches; that is the count of a layer with momentum 1 - momentum"),
            # the tolerance taken as absolute, not relative
            (WARMUP + "    return (math.ceil(math.log(tolerance / abs(mean)) / math.log(momentum)),\n"
                      "            max(0, math.ceil(math.log(tolerance / abs(1 - variance)) / math.log(momentum))))\n",
             r"mean_batches = 66 for running_warmup\(0\.9, 10\.0, 9\.0, 0\.01\), .*the tolerance is relative to the target"),
            # rounded to the nearest batch: right at the check's setting (43.7 and 42.6), too few at 298.07;
            # the hidden setting's message says which way, not the count
            (WARMUP + "    gap_v = abs(1 - variance) / variance\n"
                      "    return (round(math.log(tolerance) / math.log(momentum)),\n"
                      "            max(0, round(math.log(tolerance / gap_v) / math.log(momentum))))\n",
             r"mean_batches = 298 for running_warmup\(0\.99, 5\.0, 0\.25, 0\.05\), too few: mfs\.BatchNorm gets there later; "
             r"one batch off"),
            # one batch too many: the batch after the one that gets there
            (WARMUP + "    gap_v = abs(1 - variance) / variance\n"
                      "    return (math.ceil(math.log(tolerance) / math.log(momentum)) + 1,\n"
                      "            max(0, math.ceil(math.log(tolerance / gap_v) / math.log(momentum)) + 1))\n",
             r"mean_batches = 45 for running_warmup\(0\.9, 10\.0, 9\.0, 0\.01\), but mfs\.BatchNorm gets there after 44 "
             r"batches; one batch off"),
            # the mean right, but the variance's gap shrunk by 1 - momentum per batch instead of momentum
            (WARMUP + "    gap_v = abs(1 - variance) / variance\n"
                      "    return (math.ceil(math.log(tolerance) / math.log(momentum)),\n"
                      "            max(0, math.ceil(math.log(tolerance / gap_v) / math.log(1 - momentum))))\n",
             r"variance_batches = 2 for running_warmup\(0\.9, 10\.0, 9\.0, 0\.01\), .*a layer with momentum 1 - momentum"),
            # no case for "already close": a running variance that starts on its target has a gap of 0
            (WARMUP + "    gap_v = abs(1 - variance) / variance\n"
                      "    return (math.ceil(math.log(tolerance) / math.log(momentum)),\n"
                      "            math.ceil(math.log(tolerance / gap_v) / math.log(momentum)))\n",
             r"running_warmup\(0\.9, -3\.0, 1\.0, 0\.01\) raised ZeroDivisionError"),
            # right counts, but False for "no batch needed" (a short-circuit `and`): not a number
            (WARMUP + "    gap_v = abs(1 - variance) / variance\n"
                      "    return (math.ceil(math.log(tolerance) / math.log(momentum)),\n"
                      "            gap_v > tolerance and math.ceil(math.log(tolerance / gap_v) / math.log(momentum)))\n",
             r"variance_batches should be a number, got bool"),
            # the counts right, by a loop over the batches: a momentum of 1 - 1e-9 needs billions of them
            (WARMUP + "    counts = []\n"
                      "    for value, target in ((0.0, mean), (1.0, variance)):\n"
                      "        t = 0\n"
                      "        while abs(value - target) > tolerance * abs(target):\n"
                      "            value, t = momentum * value + (1 - momentum) * target, t + 1\n"
                      "        counts.append(t)\n"
                      "    return tuple(counts)\n",
             r"billions of batches, more than a loop can count; write each count as a formula"),
        ],
        # judged outside the kernel (tools/judges/nb08.py): counted with the package's BatchNorm
        "delegating": [
            WARMUP + "    import mlp_from_scratch as mfs\n"
                     "    layer, t = mfs.BatchNorm(1, momentum=momentum, dtype=np.float64), 0\n"
                     "    while abs(layer.buffers['running_mean'][0] - mean) > tolerance * abs(mean):\n"
                     "        layer.forward(np.array([[mean - 1.0], [mean + 1.0]]), training=True)\n"
                     "        t += 1\n"
                     "    return t, t\n",
        ],
    },
}
