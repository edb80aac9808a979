"""Answers that notebook 08's graded checks must reject (wrong) or accept (correct).

Each wrong answer is a mistake students make with batch normalization, paired with a regex of
the message that must catch it; each correct answer is written differently from the reference.
"""

FORWARD_SIGNATURE = ("def batchnorm_forward(x, gamma, beta, running_mean, running_var, training, "
                     "momentum=0.9, eps=1e-5):\n")
BACKWARD_SIGNATURE = "def batchnorm_backward(grad_out, x, gamma, eps=1e-5):\n"
FOLD_SIGNATURE = "def fold_batchnorm(dense, bn):\n"


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
             r"running_var is wrong"),
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
        ],
    },
    "nb08_fold_batchnorm": {
        "correct": [
            FOLD_HEAD + (
                "    inv_std = 1.0 / np.sqrt(var + bn.eps)\n"
                "    W = dense.params['W'] @ np.diag(gamma * inv_std)\n"
                "    b = gamma * inv_std * dense.params['b'] + beta - gamma * inv_std * mean\n"
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
    },
    "nb08_bias_before_bn": {
        "correct": ["bias_answer = None\nbias_answer = 'B'.lower()\n"],
        "wrong": [
            ("bias_answer = None\nbias_answer = 'a'\n", r"bias_answer = 'a' is not right"),
            ("bias_answer = None\nbias_answer = 'c'\n", r"bias_answer = 'c' is not right"),
            ("bias_answer = None\nbias_answer = 'zero'\n", r"not one of"),
        ],
    },
    "nb08_running_warmup": {
        "correct": ["batches_needed = None\nimport math\nbatches_needed = math.ceil(math.log(0.01) / math.log(0.9))\n"],
        "wrong": [
            # the fractional solution of 0.9^t = 0.01
            ("batches_needed = None\nbatches_needed = 43.7\n", r"positive whole number"),
            # rounded down
            ("batches_needed = None\nbatches_needed = 43\n", r"is not the first batch"),
            # thinking of 1 / (1 - momentum) as the time to arrive
            ("batches_needed = None\nbatches_needed = 10\n", r"is not the first batch"),
        ],
    },
}
