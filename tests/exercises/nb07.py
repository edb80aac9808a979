"""Answers that notebook 07's graded checks must reject (wrong) or accept (correct).

Each wrong answer is a mistake students make with dropout, paired with a regex of the
message that must catch it; each correct answer is written differently from the reference.
"""

CLASS_HEAD = (
    "class Dropout:\n"
    "    def __init__(self, p, rng):\n"
    "        self.p = p\n"
    "        self.rng = rng\n"
    "        self.mask = None\n"
    "\n"
)


def dropout_class(forward_body: str, backward_body: str) -> str:
    return (CLASS_HEAD
            + "    def forward(self, x, training):\n" + forward_body
            + "\n    def backward(self, grad_out):\n" + backward_body)


CORRECT_BACKWARD = (
    "        if self.mask is None:\n"
    "            return grad_out\n"
    "        return grad_out * self.mask\n")

MC_SIGNATURE = "def mc_dropout_probabilities(model, X, num_samples=10):\n"

ANSWERS = {
    "nb07_dropout": {
        "correct": [
            # binomial keep mask, survivors scaled by x / (1 - p); the mask stores the factor
            dropout_class(
                "        if training and self.p > 0:\n"
                "            keep = self.rng.binomial(1, 1 - self.p, size=x.shape)\n"
                "            self.mask = keep / (1.0 - self.p)\n"
                "            return x * self.mask\n"
                "        self.mask = None\n"
                "        return x\n",
                CORRECT_BACKWARD),
            # a boolean mask kept, the scale applied in both passes; evaluation keeps a mask of ones
            dropout_class(
                "        if not training:\n"
                "            self.keep = np.ones(x.shape, dtype=bool)\n"
                "            self.scale = 1.0\n"
                "            return x.copy()\n"
                "        self.keep = self.rng.uniform(size=x.shape) > self.p\n"
                "        self.scale = 1.0 / (1.0 - self.p)\n"
                "        return np.where(self.keep, x * self.scale, 0.0)\n",
                "        return np.where(self.keep, grad_out * self.scale, 0.0)\n"),
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
                "        if not training:\n"
                "            self.mask = None\n"
                "            return x\n"
                "        self.mask = (self.rng.random(x.shape) >= self.p) / (1 - self.p)\n"
                "        return x * self.mask\n",
                "        if self.mask is None:\n"
                "            return grad_out\n"
                "        return grad_out * (self.rng.random(grad_out.shape) >= self.p) / (1 - self.p)\n"),
             r"backward must reuse the forward pass's mask"),
            # backward forgets the 1 / (1 - p) scale
            (dropout_class(
                "        if not training:\n"
                "            self.mask = None\n"
                "            return x\n"
                "        self.mask = (self.rng.random(x.shape) >= self.p) / (1 - self.p)\n"
                "        return x * self.mask\n",
                "        if self.mask is None:\n"
                "            return grad_out\n"
                "        return grad_out * (self.mask > 0)\n"),
             r"relative error .* against finite differences"),
            # the global generator instead of the layer's own: masks not reproducible, p = 0 fine
            (dropout_class(
                "        if not training:\n"
                "            self.mask = None\n"
                "            return x\n"
                "        self.mask = (np.random.random(x.shape) >= self.p) / (1 - self.p)\n"
                "        return x * self.mask\n",
                CORRECT_BACKWARD),
             r"relative error|use self\.rng"),
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
            "variance_p08 = None\np = 0.8\nvariance_p08 = (1 - p) * (1 / (1 - p)) ** 2 - 1.0\n",
        ],
        "wrong": [
            # the variance of the 0/1 mask, forgetting the 1 / (1 - p) scale
            ("variance_p08 = None\nvariance_p08 = 0.8 * 0.2\n", r"is not the variance"),
            # drop and keep probability confused: p / (1 - p) with p = 0.2
            ("variance_p08 = None\nvariance_p08 = 0.25\n", r"is not the variance"),
            # the standard deviation instead of the variance
            ("variance_p08 = None\nvariance_p08 = 2.0\n", r"is not the variance"),
        ],
        "delegating": [
            "import mlp_from_scratch as mfs\n"
            "ones = np.ones((100_000, 1), dtype=np.float32)\n"
            "variance_p08 = float(mfs.Dropout(0.8, rng=np.random.default_rng(0)).forward(ones, training=True).var())\n",
        ],
    },
    "nb07_keep_probability": {
        "correct": ["mfs_p = None\nretain = 0.9\nmfs_p = round(1 - retain, 10)\n"],
        "wrong": [
            # copied from the paper as is
            ("mfs_p = None\nmfs_p = 0.9\n", r"does not reproduce a retain probability"),
            # the keep probability turned into a ratio
            ("mfs_p = None\nmfs_p = 1 / 0.9 - 1\n", r"does not reproduce a retain probability"),
        ],
        "delegating": [
            "import mlp_from_scratch as mfs\n"
            "mfs_p = mfs.Dropout(round(1 - 0.9, 10), rng=np.random.default_rng(0)).p\n",
        ],
    },
    "nb07_mc_dropout": {
        "correct": [
            # stacked passes, mean over the first axis
            MC_SIGNATURE + (
                "    passes = np.stack([mfs.softmax(model.forward(X, training=True))\n"
                "                       for _ in range(num_samples)])\n"
                "    return passes.mean(axis=0)\n"),
        ],
        "wrong": [
            # dropout switched off: the deterministic network, num_samples times
            (MC_SIGNATURE + (
                "    return np.mean([mfs.softmax(model.forward(X, training=False))\n"
                "                    for _ in range(num_samples)], axis=0)\n"),
             r"equals the evaluation-mode prediction"),
            # averaging logits, then one softmax
            (MC_SIGNATURE + (
                "    logits = np.mean([model.forward(X, training=True) for _ in range(num_samples)], axis=0)\n"
                "    return mfs.softmax(logits)\n"),
             r"away from the average over all dropout masks"),
            # one pass only, num_samples ignored
            (MC_SIGNATURE + "    return mfs.softmax(model.forward(X, training=True))\n",
             r"away from the average over all dropout masks"),
            # model.train() then predict: predict always runs in evaluation mode
            (MC_SIGNATURE + (
                "    model.train()\n"
                "    return np.mean([mfs.softmax(model.predict(X)) for _ in range(num_samples)], axis=0)\n"),
             r"equals the evaluation-mode prediction"),
        ],
        "delegating": [
            "import mlp_from_scratch as mfs\n" + MC_SIGNATURE
            + "    return np.mean([mfs.softmax(model.forward(X, training=True))\n"
              "                    for _ in range(num_samples)], axis=0)\n",
        ],
    },
}
