"""Answers that notebook 07's graded checks must reject (wrong) or accept (correct).

Each wrong answer is a mistake students make with dropout, paired with a regex of the
message that must catch it; each correct answer is written differently from the reference.
"""

CHECKED_P = (
    "        if not 0 <= p < 1:\n"
    "            raise ValueError(f'p must be in [0, 1), got {p}')\n")


def class_head(check_p: str = CHECKED_P) -> str:
    return ("class Dropout:\n"
            "    def __init__(self, p, rng):\n"
            + check_p
            + "        self.p = p\n"
            "        self.rng = rng\n"
            "        self.mask = None\n"
            "\n")


def dropout_class(forward_body: str, backward_body: str, check_p: str = CHECKED_P) -> str:
    return (class_head(check_p)
            + "    def forward(self, x, training):\n" + forward_body
            + "\n    def backward(self, grad_out):\n" + backward_body)


CORRECT_BACKWARD = (
    "        if self.mask is None:\n"
    "            return grad_out\n"
    "        return grad_out * self.mask\n")

# the reference's forward: float32 draws, the scale a scalar of x's dtype
CORRECT_FORWARD = (
    "        if not training:\n"
    "            self.mask = None\n"
    "            return x\n"
    "        keep = self.rng.random(x.shape, dtype=np.float32) >= self.p\n"
    "        self.mask = keep * x.dtype.type(1 / (1 - self.p))\n"
    "        return x * self.mask\n")

MC_SIGNATURE = "def mc_dropout_probabilities(model, X, tol=0.01):\n"
NOISE_SIGNATURE = "def dropout_noise_variance(rates, convention):\n"
DISAGREE = "def mc_disagreement(P):\n"

ANSWERS = {
    "nb07_dropout": {
        "correct": [
            # p = 1 accepted, as PyTorch does: zeros in training; the mask made in x's dtype and scaled in place
            dropout_class(
                "        if training:\n"
                "            kept = self.rng.random(x.shape, dtype=np.float32) < 1 - self.p\n"
                "            self.mask = kept.astype(x.dtype)\n"
                "            self.mask *= 0.0 if self.p == 1 else 1.0 / (1.0 - self.p)\n"
                "            return x * self.mask\n"
                "        self.mask = None\n"
                "        return x\n",
                CORRECT_BACKWARD,
                "        if math.isnan(p) or p < 0 or p > 1:\n"
                "            raise ValueError('Dropout probability p = %r is not in [0, 1]' % p)\n"),
            # 16-bit integer draws, a boolean mask kept, np.where in both passes; evaluation keeps a mask of ones
            dropout_class(
                "        if not training:\n"
                "            self.keep = np.ones(x.shape, dtype=bool)\n"
                "            self.scale = 1.0\n"
                "            return x.copy()\n"
                "        draws = self.rng.integers(0, 1 << 16, size=x.shape, dtype=np.uint16)\n"
                "        self.keep = draws >= round(self.p * (1 << 16))\n"
                "        self.scale = 1.0 / (1.0 - self.p)\n"
                "        return np.where(self.keep, x * x.dtype.type(self.scale), x.dtype.type(0))\n",
                "        return np.where(self.keep, grad_out * grad_out.dtype.type(self.scale), grad_out.dtype.type(0))\n",
                "        if not (p >= 0 and p < 1):\n"
                "            raise ValueError(f'drop probability p={p} outside [0, 1)')\n"),
        ],
        "wrong": [
            # keep probability and drop probability confused: keeps each entry with probability p
            (dropout_class(
                "        if not training:\n"
                "            self.mask = None\n"
                "            return x\n"
                "        self.mask = (self.rng.random(x.shape) < self.p) / self.p\n"
                "        return x * self.mask\n",
                CORRECT_BACKWARD),
             r"drops a fraction 0\.80 of the entries"),
            # the original paper's scaling: no scaling in training, multiplied by 1 - p in evaluation
            (dropout_class(
                "        if not training:\n"
                "            self.mask = None\n"
                "            return x * (1 - self.p)\n"
                "        self.mask = self.rng.random(x.shape) >= self.p\n"
                "        return x * self.mask\n",
                CORRECT_BACKWARD),
             r"evaluation mode changes its input"),
            # drops in evaluation mode too
            (dropout_class(
                "        self.mask = (self.rng.random(x.shape) >= self.p) / (1 - self.p)\n"
                "        return x * self.mask\n",
                CORRECT_BACKWARD),
             r"evaluation mode still drops units"),
            # no scaling at all in training: the mean shrinks
            (dropout_class(
                "        if not training:\n"
                "            self.mask = None\n"
                "            return x\n"
                "        self.mask = (self.rng.random(x.shape) >= self.p).astype(x.dtype)\n"
                "        return x * self.mask\n",
                CORRECT_BACKWARD),
             r"mean output is 0\.\d\d times the mean input"),
            # a new mask in backward
            (dropout_class(
                CORRECT_FORWARD,
                "        if self.mask is None:\n"
                "            return grad_out\n"
                "        return grad_out * (self.rng.random(grad_out.shape) >= self.p) / (1 - self.p)\n"),
             r"backward must reuse the forward pass's mask"),
            # backward forgets the 1 / (1 - p) scale
            (dropout_class(
                CORRECT_FORWARD,
                "        if self.mask is None:\n"
                "            return grad_out\n"
                "        return grad_out * (self.mask > 0)\n"),
             r"relative error .* against finite differences"),
            # the global generator instead of the layer's own: masks not reproducible, p = 0 fine
            (dropout_class(
                "        if not training:\n"
                "            self.mask = None\n"
                "            return x\n"
                "        self.mask = (np.random.random(x.shape) >= self.p) * x.dtype.type(1 / (1 - self.p))\n"
                "        return x * self.mask\n",
                CORRECT_BACKWARD),
             r"relative error|use self\.rng"),
            # a bool mask divided by a Python float is float64, and so is x times it
            (dropout_class(
                "        if not training:\n"
                "            self.mask = None\n"
                "            return x\n"
                "        self.mask = (self.rng.random(x.shape, dtype=np.float32) >= self.p) / (1 - self.p)\n"
                "        return x * self.mask\n",
                CORRECT_BACKWARD),
             r"returns float64 for float32 x: float32 activations should stay float32"),
            # the float64 mask kept, cast for the forward pass only: backward is float64
            (dropout_class(
                "        if not training:\n"
                "            self.mask = None\n"
                "            return x\n"
                "        self.mask = (self.rng.random(x.shape, dtype=np.float32) >= self.p) / (1 - self.p)\n"
                "        return x * self.mask.astype(x.dtype)\n",
                CORRECT_BACKWARD),
             r"backward returns float64 for float32 x and G"),
            # float64 throughout, both passes cast back: float32 out, but float64 temporaries of x's size
            (dropout_class(
                "        if not training:\n"
                "            self.mask = None\n"
                "            return x\n"
                "        self.mask = (self.rng.random(x.shape, dtype=np.float32) >= self.p) / (1 - self.p)\n"
                "        return (x * self.mask).astype(x.dtype)\n",
                "        if self.mask is None:\n"
                "            return grad_out\n"
                "        return (grad_out * self.mask).astype(grad_out.dtype)\n"),
             r"allocates up to .* float64, cast back"),
            # float64 random numbers, everything else float32
            (dropout_class(
                "        if not training:\n"
                "            self.mask = None\n"
                "            return x\n"
                "        keep = self.rng.random(x.shape) >= self.p\n"
                "        self.mask = keep * x.dtype.type(1 / (1 - self.p))\n"
                "        return x * self.mask\n",
                CORRECT_BACKWARD),
             r"draws its random numbers as float64"),
            # a binomial draw: int64, 8 bytes an entry
            (dropout_class(
                "        if not training:\n"
                "            self.mask = None\n"
                "            return x\n"
                "        keep = self.rng.binomial(1, 1 - self.p, size=x.shape)\n"
                "        self.mask = (keep * x.dtype.type(1 / (1 - self.p))).astype(x.dtype)\n"
                "        return x * self.mask\n",
                CORRECT_BACKWARD),
             r"draws its random numbers as int64"),
            # no check of p at all
            (dropout_class(CORRECT_FORWARD, CORRECT_BACKWARD, ""),
             r"Dropout\(1\.5, rng\) constructs a layer: 1\.5 is not a probability"),
            # refuses p, without saying which
            (dropout_class(CORRECT_FORWARD, CORRECT_BACKWARD,
                           "        if not 0 <= p < 1:\n"
                           "            raise ValueError('invalid drop probability')\n"),
             r"name the value of p"),
            # p = 1 accepted, then 1 / (1 - p) divides by zero
            (dropout_class(CORRECT_FORWARD, CORRECT_BACKWARD,
                           "        if p < 0 or p > 1:\n"
                           "            raise ValueError(f'p must be in [0, 1], got {p}')\n"),
             r"Dropout\(1\.0, rng\) constructs a layer, and then raises ZeroDivisionError"),
            # nan slips through two separate comparisons
            (dropout_class(CORRECT_FORWARD, CORRECT_BACKWARD,
                           "        if p < 0 or p >= 1:\n"
                           "            raise ValueError(f'p must be in [0, 1), got {p}')\n"),
             r"Dropout\(nan, rng\) constructs a layer"),
            # p = 1 accepted with numpy's division: inf * 0 = nan
            (dropout_class(
                "        if not training:\n"
                "            self.mask = None\n"
                "            return x\n"
                "        keep = self.rng.random(x.shape, dtype=np.float32) >= self.p\n"
                "        self.mask = keep * (x.dtype.type(1) / x.dtype.type(1 - self.p))\n"
                "        return x * self.mask\n",
                CORRECT_BACKWARD,
                "        if not 0 <= p <= 1:\n"
                "            raise ValueError(f'p must be in [0, 1], got {p}')\n"),
             r"Dropout\(1\.0, rng\) constructs a layer that gives nan"),
        ],
        # judged outside the kernel (tools/judges/nb07.py): the package's Dropout does the work
        "delegating": [
            "import mlp_from_scratch as mfs\n"
            "class Dropout(mfs.Dropout):\n"
            "    def __init__(self, p, rng):\n"
            "        super().__init__(p, rng=rng)\n",
        ],
    },
    "nb07_noise_variance": {
        "correct": [
            # E[x²] - E[x]², with the second moment multiplied layer by layer
            NOISE_SIGNATURE
            + "    second_moment = 1.0\n"
            "    for rate in rates:\n"
            "        kept = rate if convention == 'keep' else 1.0 - rate\n"
            "        second_moment *= kept * (1.0 / kept) ** 2\n"
            "    return second_moment - 1.0\n",
            # the layers' variances combined: Var(XY) = (1 + v1)(1 + v2) - 1 for means of 1
            NOISE_SIGNATURE
            + "    variance = 0.0\n"
            "    for rate in rates:\n"
            "        p = 1 - rate if convention == 'keep' else rate\n"
            "        variance = variance + p / (1 - p) + variance * p / (1 - p)\n"
            "    return variance\n",
        ],
        "wrong": [
            # the layers' variances added, as for a sum of independent noises
            (NOISE_SIGNATURE
             + "    ps = [rate if convention == 'drop' else 1 - rate for rate in rates]\n"
             "    return sum(p / (1 - p) for p in ps)\n",
             r"but the (measured )?variance is 1\.\d{3}: each layer multiplies"),
            # the variance of the 0/1 mask, forgetting the 1 / (1 - p) scale
            (NOISE_SIGNATURE
             + "    qs = [1 - rate if convention == 'drop' else rate for rate in rates]\n"
             "    return math.prod(qs) * (1 - math.prod(qs))\n",
             r"but the (measured )?variance is 1\.\d{3}: each layer multiplies"),
            # the standard deviation instead of the variance
            (NOISE_SIGNATURE
             + "    qs = [1 - rate if convention == 'drop' else rate for rate in rates]\n"
             "    return math.sqrt(math.prod(1 / q for q in qs) - 1)\n",
             r"but the (measured )?variance is 1\.\d{3}: each layer multiplies"),
            # every rate read as a drop probability: the trap of notation
            (NOISE_SIGNATURE + "    return math.prod(1 / (1 - p) for p in rates) - 1\n",
             r"\(\[1\.0, 1\.0\], 'keep'\) raised ZeroDivisionError"),
            # the two notations swapped
            (NOISE_SIGNATURE
             + "    qs = [rate if convention == 'drop' else 1 - rate for rate in rates]\n"
             "    return math.prod(1 / q for q in qs) - 1\n",
             r"\(\[0\.0\], 'drop'\) raised ZeroDivisionError"),
            # a simulation: close, not exact
            (NOISE_SIGNATURE
             + "    rng = np.random.default_rng(0)\n"
             "    signal = np.ones(200_000)\n"
             "    for rate in rates:\n"
             "        q = 1 - rate if convention == 'drop' else rate\n"
             "        signal = signal * (rng.random(signal.shape) < q) / q\n"
             "    return float(signal.var())\n",
             r"is close to the variance of the output, but not exact: a simulation"),
        ],
        "delegating": [
            NOISE_SIGNATURE
            + "    import mlp_from_scratch as mfs\n"
            "    signal = np.ones((100_000, 1))\n"
            "    for rate in rates:\n"
            "        p = rate if convention == 'drop' else 1 - rate\n"
            "        signal = mfs.Dropout(p, rng=np.random.default_rng(0)).forward(signal, training=True)\n"
            "    return float(signal.var())\n",
        ],
    },
    "nb07_mc_dropout": {
        "correct": [
            # every pass kept, the standard error checked every 50 passes, from 50 passes on
            MC_SIGNATURE + (
                "    passes = []\n"
                "    while True:\n"
                "        passes.append(mfs.softmax(model.forward(X, training=True)))\n"
                "        if len(passes) % 50 == 0:\n"
                "            stacked = np.stack(passes)\n"
                "            if (stacked.std(axis=0, ddof=1) / math.sqrt(len(passes))).max() < tol:\n"
                "                return stacked.mean(axis=0), len(passes)\n"),
            # Welford's running mean and variance, from 10 passes on; the mode switched and put back
            MC_SIGNATURE + (
                "    was_training = model.training\n"
                "    model.train()\n"
                "    try:\n"
                "        n, mean, m2 = 0, 0.0, 0.0\n"
                "        while True:\n"
                "            q = mfs.softmax(model.forward(X))\n"
                "            n += 1\n"
                "            delta = q - mean\n"
                "            mean = mean + delta / n\n"
                "            m2 = m2 + delta * (q - mean)\n"
                "            if n >= 10 and np.all(m2 / (n - 1) / n < tol ** 2):\n"
                "                return mean, n\n"
                "    finally:\n"
                "        if not was_training:\n"
                "            model.eval()\n"),
        ],
        "wrong": [
            # the rule trusted from 2 passes on: passes that happen to agree stop it at once
            (MC_SIGNATURE + (
                "    passes = [mfs.softmax(model.forward(X, training=True))]\n"
                "    while True:\n"
                "        passes.append(mfs.softmax(model.forward(X, training=True)))\n"
                "        stacked = np.stack(passes)\n"
                "        if (stacked.std(axis=0, ddof=1) / math.sqrt(len(passes))).max() < tol:\n"
                "            return stacked.mean(axis=0), len(passes)\n"),
             r"one example, generator \d+ of 20: after \d+ passes an entry is .* tol away"),
            # a fixed number of passes, whatever tol
            (MC_SIGNATURE + (
                "    passes = np.stack([mfs.softmax(model.forward(X, training=True)) for _ in range(3000)])\n"
                "    return passes.mean(axis=0), len(passes)\n"),
             r"halving tol multiplied the number of passes by 1\.0"),
            # the standard deviation divided by n instead of its square root
            (MC_SIGNATURE + (
                "    total = total_sq = 0\n"
                "    n = 0\n"
                "    while True:\n"
                "        q = mfs.softmax(model.forward(X, training=True))\n"
                "        total, total_sq, n = total + q, total_sq + q * q, n + 1\n"
                "        if n >= 30:\n"
                "            variance = np.maximum(total_sq / n - (total / n) ** 2, 0)\n"
                "            if np.all(np.sqrt(variance) / n < tol):\n"
                "                return total / n, n\n"),
             r"tol away|halving tol multiplied the number of passes by [12]\.\d"),
            # model.train() and never back
            (MC_SIGNATURE + (
                "    model.train()\n"
                "    passes = np.stack([mfs.softmax(model.forward(X)) for _ in range(3000)])\n"
                "    return passes.mean(axis=0), len(passes)\n"),
             r"left a model that was in evaluation mode in training mode"),
            # dropout switched off: every pass is the full network
            (MC_SIGNATURE + (
                "    passes = [mfs.softmax(model.forward(X, training=False)) for _ in range(30)]\n"
                "    return np.mean(passes, axis=0), len(passes)\n"),
             r"tol away from the average|equals the evaluation-mode prediction"),
            # only the probabilities returned
            (MC_SIGNATURE + (
                "    return np.mean([mfs.softmax(model.forward(X, training=True)) for _ in range(3000)], axis=0)\n"),
             r"should return a pair"),
            # averaging logits, then one softmax
            (MC_SIGNATURE + (
                "    logits = np.mean([model.forward(X, training=True) for _ in range(3000)], axis=0)\n"
                "    return mfs.softmax(logits), 3000\n"),
             r"tol away from the average over all dropout masks"),
        ],
        "delegating": [
            "import mlp_from_scratch as mfs\n" + MC_SIGNATURE
            + "    passes = [mfs.softmax(model.forward(X, training=True)) for _ in range(30)]\n"
              "    while (np.std(passes, axis=0, ddof=1) / math.sqrt(len(passes))).max() >= tol:\n"
              "        passes += [mfs.softmax(model.forward(X, training=True)) for _ in range(30)]\n"
              "    return np.mean(passes, axis=0), len(passes)\n",
        ],
    },
    "nb07_mc_disagreement": {
        "correct": [
            # the mean Kullback-Leibler divergence of each pass from the average: the same number
            DISAGREE + (
                "    mean = P.mean(axis=0)\n"
                "    with np.errstate(divide='ignore', invalid='ignore'):\n"
                "        terms = np.where(P > 0, P * np.log(P / mean), 0.0)\n"
                "    return terms.sum(axis=-1).mean(axis=0)\n"),
            # entropies through scipy-free xlogy by hand, a loop over the passes
            DISAGREE + (
                "    def H(q):\n"
                "        logs = np.log(q, out=np.zeros_like(q), where=q > 0)\n"
                "        return -(q * logs).sum(axis=-1)\n"
                "    return H(P.mean(axis=0)) - sum(H(p) for p in P) / len(P)\n"),
        ],
        "wrong": [
            # 0 * log(0) = nan where a probability is 0
            (DISAGREE + "    H = lambda q: -(q * np.log(q)).sum(axis=-1)\n"
                        "    return H(P.mean(axis=0)) - H(P).mean(axis=0)\n", r"not finite.*0 \* np\.log\(0\) is nan"),
            # the sign the wrong way round
            (DISAGREE + "    H = lambda q: -(q * np.log(np.where(q > 0, q, 1))).sum(axis=-1)\n"
                        "    return H(P).mean(axis=0) - H(P.mean(axis=0))\n", r"negative, which a disagreement never is"),
            # the entropy of the average alone: not 0 for a uniform prediction the passes agree on
            (DISAGREE + "    q = P.mean(axis=0)\n"
                        "    return -(q * np.log(np.where(q > 0, q, 1))).sum(axis=-1)\n",
             r"passes that agree.*not the right values"),
            # the spread of the probabilities instead of entropies
            (DISAGREE + "    return P.var(axis=0).sum(axis=-1)\n", r"two passes certain of different classes"),
            # in bits instead of nats
            (DISAGREE + "    H = lambda q: -(q * np.log2(np.where(q > 0, q, 1))).sum(axis=-1)\n"
                        "    return H(P.mean(axis=0)) - H(P).mean(axis=0)\n", r"two passes certain of different classes"),
            # averaged over the examples instead of the passes
            (DISAGREE + "    H = lambda q: -(q * np.log(np.where(q > 0, q, 1))).sum(axis=-1)\n"
                        "    return H(P.mean(axis=1)) - H(P).mean(axis=1)\n", r"has shape"),
        ],
        # judged outside the kernel: no package in the grading child
        "delegating": [
            "import mlp_from_scratch as mfs\n" + DISAGREE
            + "    q = mfs.softmax(np.log(P.mean(axis=0)))\n"
              "    return -(q * np.log(q)).sum(axis=-1)\n",
        ],
    },
}

MAX_NORM = "def max_norm(W, c):\n"

DC_HEAD = (
    "class DropConnect:\n"
    "    def __init__(self, W, b, keep, rng):\n"
    "        self.params = {'W': W, 'b': b}\n"
    "        self.grads = {'W': None, 'b': None}\n"
    "        self.keep = keep\n"
    "        self.rng = rng\n"
    "        self.x = None\n"
    "        self.mask = None\n"
    "\n"
)


def dropconnect_class(forward_body: str, backward_body: str) -> str:
    return (DC_HEAD
            + "    def forward(self, x, training):\n" + forward_body
            + "\n    def backward(self, grad_out):\n" + backward_body)


DC_FORWARD = (
    "        self.x = x\n"
    "        W, b = self.params['W'], self.params['b']\n"
    "        if not training:\n"
    "            self.mask = None\n"
    "            return x @ W + b\n"
    "        self.mask = (self.rng.random(W.shape) < self.keep) / self.keep\n"
    "        return x @ (W * self.mask) + b\n")

DC_BACKWARD = (
    "        W = self.params['W'] if self.mask is None else self.params['W'] * self.mask\n"
    "        gW = self.x.T @ grad_out\n"
    "        self.grads['W'] = gW if self.mask is None else gW * self.mask\n"
    "        self.grads['b'] = grad_out.sum(axis=0)\n"
    "        return grad_out @ W.T\n")

ANSWERS["nb07_max_norm"] = {
    "correct": [
        # a loop over the units, np.linalg.norm of each column, a copy rescaled in place
        MAX_NORM + (
            "    out = W.copy()\n"
            "    for j in range(W.shape[1]):\n"
            "        norm = np.linalg.norm(W[:, j])\n"
            "        if norm > c:\n"
            "            out[:, j] = W[:, j] * (c / norm)\n"
            "    return out\n"),
        # norms with keepdims, np.where choosing the rescaled or the original column
        MAX_NORM + (
            "    norms = np.linalg.norm(W, axis=0, keepdims=True)\n"
            "    with np.errstate(divide='ignore', invalid='ignore'):\n"
            "        scaled = W / norms * c\n"
            "    return np.where(norms > c, scaled, W).astype(W.dtype)\n"),
    ],
    "wrong": [
        # the rows rescaled: W[i, :] taken as a unit's weights
        (MAX_NORM + (
            "    norms = np.linalg.norm(W, axis=1, keepdims=True)\n"
            "    return W * np.minimum(1, c / norms)\n"),
         r"the rows of W were rescaled"),
        # every column rescaled to norm c, also those within the limit
        (MAX_NORM + "    return W * (c / np.linalg.norm(W, axis=0))\n",
         r"within c = 1\.5, and was changed"),
        # the entries clipped to [-c, c]
        (MAX_NORM + "    return np.clip(W, -c, c)\n",
         r"is not a nonnegative multiple of the original column"),
        # the Frobenius norm of the whole matrix
        (MAX_NORM + (
            "    norm = np.linalg.norm(W)\n"
            "    return W * min(1.0, c / norm)\n"),
         r"every column was scaled by the same factor"),
        # rescaled in place: the caller's W changes
        (MAX_NORM + (
            "    norms = np.linalg.norm(W, axis=0)\n"
            "    W[:, norms > c] *= c / norms[norms > c]\n"
            "    return W\n"),
         r"changed its input W"),
        # float64 factors: a float32 W comes back as float64
        (MAX_NORM + (
            "    norms = np.linalg.norm(W.astype(np.float64), axis=0)\n"
            "    return W * np.minimum(1.0, c / np.maximum(norms, 1e-300))\n"),
         r"returned dtype float64 for W of dtype float32"),
    ],
    "delegating": [
        "import mlp_from_scratch as mfs\n" + MAX_NORM
        + "    norms = mfs.checks.np.linalg.norm(W, axis=0)\n"
          "    return W * np.minimum(1, c / np.maximum(norms, 1e-300))\n",
    ],
}

ANSWERS["nb07_dropconnect"] = {
    "correct": [
        # a boolean mask and the scale kept apart; evaluation stores a mask of ones; gradients by einsum
        dropconnect_class(
            "        self.x = x.copy()\n"
            "        if training:\n"
            "            self.keep_mask = self.rng.binomial(1, self.keep, size=self.params['W'].shape).astype(bool)\n"
            "            self.scale = 1.0 / self.keep\n"
            "        else:\n"
            "            self.keep_mask = np.ones(self.params['W'].shape, dtype=bool)\n"
            "            self.scale = 1.0\n"
            "        used = np.where(self.keep_mask, self.params['W'] * self.scale, 0.0)\n"
            "        return np.einsum('ni,ij->nj', x, used) + self.params['b']\n",
            "        used = np.where(self.keep_mask, self.params['W'] * self.scale, 0.0)\n"
            "        full = np.einsum('ni,nj->ij', self.x, grad_out)\n"
            "        self.grads['W'] = np.where(self.keep_mask, full * self.scale, 0.0)\n"
            "        self.grads['b'] = np.einsum('nj->j', grad_out)\n"
            "        return np.einsum('nj,ij->ni', grad_out, used)\n"),
    ],
    "wrong": [
        # the mask drawn on the outputs: that is dropout after a dense layer
        (dropconnect_class(
            "        self.x = x\n"
            "        z = x @ self.params['W'] + self.params['b']\n"
            "        if not training:\n"
            "            self.mask = None\n"
            "            return z\n"
            "        self.mask = (self.rng.random(z.shape) < self.keep) / self.keep\n"
            "        return z * self.mask\n",
            "        g = grad_out if self.mask is None else grad_out * self.mask\n"
            "        self.grads['W'] = self.x.T @ g\n"
            "        self.grads['b'] = g.sum(axis=0)\n"
            "        return g @ self.params['W'].T\n"),
         r"exactly 0 or exactly b"),
        # no 1 / keep scaling
        (dropconnect_class(
            DC_FORWARD.replace(") / self.keep\n", ").astype(float)\n"), DC_BACKWARD),
         r"multiplied by 1\.000, so the expected output is 0\.50 \(x @ W\) \+ b"),
        # keep used as the drop probability
        (dropconnect_class(
            DC_FORWARD.replace("< self.keep) / self.keep", ">= self.keep) / (1 - self.keep)"), DC_BACKWARD),
         r"keep = 0\.8: a fraction 0\.8\d of the weights is dropped"),
        # a mask per example: (batch, fan_in, fan_out)
        (dropconnect_class(
            "        self.x = x\n"
            "        W, b = self.params['W'], self.params['b']\n"
            "        if not training:\n"
            "            self.mask = None\n"
            "            return x @ W + b\n"
            "        self.mask = (self.rng.random((len(x),) + W.shape) < self.keep) / self.keep\n"
            "        return np.einsum('ni,nij->nj', x, W * self.mask) + b\n",
            "        self.grads['b'] = grad_out.sum(axis=0)\n"
            "        if self.mask is None:\n"
            "            self.grads['W'] = self.x.T @ grad_out\n"
            "            return grad_out @ self.params['W'].T\n"
            "        self.grads['W'] = np.einsum('ni,nj,nij->ij', self.x, grad_out, self.mask)\n"
            "        return np.einsum('nj,nij->ni', grad_out, self.params['W'] * self.mask)\n"),
         r"two identical examples of one batch were given different weights"),
        # evaluation mode scales W by keep (the original dropout paper's test-time rule)
        (dropconnect_class(
            DC_FORWARD.replace("            return x @ W + b\n", "            return x @ (W * self.keep) + b\n"),
            DC_BACKWARD),
         r"in evaluation mode the output differs from x @ W \+ b"),
        # backward ignores the mask: the gradients of the full layer
        (dropconnect_class(DC_FORWARD,
            "        self.grads['W'] = self.x.T @ grad_out\n"
            "        self.grads['b'] = grad_out.sum(axis=0)\n"
            "        return grad_out @ self.params['W'].T\n"),
         r"keep = 0\.5, training=True: dL/dx: relative error"),
        # a new mask drawn in backward
        (dropconnect_class(DC_FORWARD,
            "        if self.mask is not None:\n"
            "            self.mask = (self.rng.random(self.params['W'].shape) < self.keep) / self.keep\n"
            + DC_BACKWARD),
         r"backward must use the forward pass's mask"),
        # dW masked but not scaled by 1 / keep
        (dropconnect_class(DC_FORWARD, DC_BACKWARD.replace("gW * self.mask", "gW * (self.mask > 0)")),
         r"dL/dW: relative error"),
        # the global generator instead of the layer's own
        (dropconnect_class(DC_FORWARD.replace("self.rng.random", "np.random.random"), DC_BACKWARD),
         r"relative error|use self\.rng"),
    ],
    "delegating": [
        "import mlp_from_scratch as mfs\n"
        + dropconnect_class(
            "        self.x = x\n"
            "        W, b = self.params['W'], self.params['b']\n"
            "        if not training:\n"
            "            self.mask = None\n"
            "            return x @ W + b\n"
            "        flat = mfs.Dropout(1 - self.keep, rng=self.rng).forward(np.ones((1, W.size)), training=True)\n"
            "        self.mask = flat.reshape(W.shape)\n"
            "        return x @ (W * self.mask) + b\n",
            DC_BACKWARD),
    ],
}
