"""Answers to notebook 05's graded tasks: right ones written differently, and the mistakes
students make, each with the regex of the message that must reject it."""

FORWARD = '''
def forward_stds(X, weights, activation):
    """X: (batch, width); weights: list of (width, width); returns (len(weights),)."""
'''

INIT = '''
def init_weights(fan_in, fan_out, kind, rng):
    """(fan_in, fan_out) float32 weights for kind "he" or "xavier"."""
'''

ORTHO = '''
def orthogonal_init(fan_in, fan_out, rng, gain=1.0):
    """(fan_in, fan_out) float32, orthonormal columns or rows times gain, Haar-distributed."""
'''

LSUV = '''
def lsuv_scales(weights, X, activation):
    """A new list of the weights, each rescaled so every layer's pre-activations have std 1 on X."""
'''

# The body of a correct initializer once `std` is known, and the check of `kind`.
KIND_CHECK = ('    if kind not in ("he", "xavier"):\n'
              '        raise ValueError(f"unknown kind {kind!r}")\n')

ANSWERS = {
    "nb05_forward_stds": {
        "correct": [
            FORWARD + "    h, out = X, []\n"
                      "    for W in weights:\n"
                      "        h = activation(np.matmul(h, W))\n"
                      "        out.append(np.sqrt(np.mean((h - h.mean()) ** 2)))\n"
                      "    return np.asarray(out)\n",
            FORWARD + "    import itertools\n"
                      "    hs = itertools.accumulate(weights, lambda h, W: activation(h @ W), initial=X)\n"
                      "    return np.array([np.std(h) for h in list(hs)[1:]])\n",
        ],
        "wrong": [
            # the std of the pre-activations z = h W, not of the layer's output
            (FORWARD + "    h, out = X, []\n"
                       "    for W in weights:\n"
                       "        z = h @ W\n"
                       "        out.append(z.std())\n"
                       "        h = activation(z)\n"
                       "    return np.array(out)\n", r"layer 1's output is wrong"),
            # the variance instead of the standard deviation
            (FORWARD + "    h, out = X, []\n"
                       "    for W in weights:\n"
                       "        h = activation(h @ W)\n"
                       "        out.append(h.var())\n"
                       "    return np.array(out)\n", r"layer 1's output is wrong"),
            # every layer fed the input X instead of the previous layer's output
            (FORWARD + "    return np.array([activation(X @ W).std() for W in weights])\n",
             r"layer 1 is right but .*layer 2's output is wrong.*previous layer"),
            # the std of each unit over the batch, averaged over units
            (FORWARD + "    h, out = X, []\n"
                       "    for W in weights:\n"
                       "        h = activation(h @ W)\n"
                       "        out.append(h.std(axis=0).mean())\n"
                       "    return np.array(out)\n", r"layer 1's output is wrong"),
            # the input's std included as a first entry
            (FORWARD + "    h, out = X, [X.std()]\n"
                       "    for W in weights:\n"
                       "        h = activation(h @ W)\n"
                       "        out.append(h.std())\n"
                       "    return np.array(out)\n", r"has shape \(7,\), expected \(6,\)"),
        ],
        # judged outside the kernel (tools/judges/nb05.py): the package's layers do the work
        "delegating": [
            "import mlp_from_scratch as mfs\n" + FORWARD
            + "    stds, h = [], X\n"
              "    for W in weights:\n"
              "        dense = mfs.Dense(*W.shape, rng=np.random.default_rng(0), dtype=W.dtype)\n"
              "        dense.params['W'][...] = W\n"
              "        h = activation(dense.forward(h))\n"
              "        stds.append(h.std())\n"
              "    return np.array(stds)\n",
        ],
    },
    "nb05_init_weights": {
        "correct": [
            # Glorot's uniform distribution: U(-a, a) has std a/√3
            INIT + KIND_CHECK +
            "    fan = fan_in / 2 if kind == 'he' else (fan_in + fan_out) / 2\n"
            "    limit = np.sqrt(3.0 / fan)\n"
            "    return rng.uniform(-limit, limit, size=(fan_in, fan_out)).astype(np.float32)\n",
            INIT + KIND_CHECK +
            "    variance = {'he': 2 / fan_in, 'xavier': 2 / (fan_in + fan_out)}[kind]\n"
            "    return rng.normal(0.0, variance ** 0.5, (fan_in, fan_out)).astype('float32')\n",
        ],
        "wrong": [
            # He's scale with fan_out: right only for square layers
            (INIT + KIND_CHECK +
             "    std = np.sqrt(2 / (fan_out if kind == 'he' else fan_in + fan_out))\n"
             "    return (std * rng.standard_normal((fan_in, fan_out))).astype(np.float32)\n",
             r"wrong scale for a layer with fan_in=400 != fan_out=100 and kind='he'"),
            # the variance used as the standard deviation
            (INIT + KIND_CHECK +
             "    var = 2 / fan_in if kind == 'he' else 2 / (fan_in + fan_out)\n"
             "    return (var * rng.standard_normal((fan_in, fan_out))).astype(np.float32)\n",
             r"wrong scale for a square layer and kind='he'"),
            # Xavier as √(1/fan_out): right for square layers only
            (INIT + KIND_CHECK +
             "    std = np.sqrt(2 / fan_in) if kind == 'he' else np.sqrt(1 / fan_out)\n"
             "    return (std * rng.standard_normal((fan_in, fan_out))).astype(np.float32)\n",
             r"wrong scale for a layer with fan_in=400 != fan_out=100 and kind='xavier'"),
            # He without the factor 2 (the linear/tanh argument used for ReLU)
            (INIT + KIND_CHECK +
             "    std = np.sqrt(1 / fan_in) if kind == 'he' else np.sqrt(2 / (fan_in + fan_out))\n"
             "    return (std * rng.standard_normal((fan_in, fan_out))).astype(np.float32)\n",
             r"wrong scale for a square layer and kind='he'"),
            # uniform on [-std, std]: its std is std/√3
            (INIT + KIND_CHECK +
             "    std = np.sqrt(2 / fan_in) if kind == 'he' else np.sqrt(2 / (fan_in + fan_out))\n"
             "    return rng.uniform(-std, std, (fan_in, fan_out)).astype(np.float32)\n",
             r"wrong scale for a square layer"),
            # the global NumPy generator instead of rng
            (INIT + KIND_CHECK +
             "    std = np.sqrt(2 / fan_in) if kind == 'he' else np.sqrt(2 / (fan_in + fan_out))\n"
             "    return (std * np.random.randn(fan_in, fan_out)).astype(np.float32)\n",
             r"does not draw from rng alone"),
            # float64 left in
            (INIT + KIND_CHECK +
             "    std = np.sqrt(2 / fan_in) if kind == 'he' else np.sqrt(2 / (fan_in + fan_out))\n"
             "    return std * rng.standard_normal((fan_in, fan_out))\n",
             r"has dtype float64, expected float32"),
            # a positive mean: |N(0, std)|
            (INIT + KIND_CHECK +
             "    std = np.sqrt(2 / fan_in) if kind == 'he' else np.sqrt(2 / (fan_in + fan_out))\n"
             "    return np.abs(std * rng.standard_normal((fan_in, fan_out))).astype(np.float32)\n",
             r"does not have mean 0"),
            # an unknown kind silently treated as Xavier (only the hidden tests catch it)
            (INIT +
             "    std = np.sqrt(2 / fan_in) if kind == 'he' else np.sqrt(2 / (fan_in + fan_out))\n"
             "    return (std * rng.standard_normal((fan_in, fan_out))).astype(np.float32)\n",
             r"should raise ValueError for an unknown kind"),
        ],
        # judged outside the kernel: the package's Dense draws the weights (this answer was a
        # "correct" one while the checks ran in the notebook, where mfs is imported)
        "delegating": [
            INIT + KIND_CHECK +
            "    import mlp_from_scratch as mfs\n"
            "    return mfs.Dense(fan_in, fan_out, rng=rng, init=kind).params['W'].copy()\n",
        ],
    },
    "nb05_predict_std": {
        "correct": [
            "z10_std = None\nz10_std = math.sqrt(200 * 0.12**2) * 1.2**9\n",
            "z10_std = None\nvar = 200 * 0.0144\nfor layer in range(2, 11):\n"
            "    var = 200 * 0.0144 * var / 2\nz10_std = var ** 0.5\n",
            "z10_std = None\nz10_std = 8.76\n",
        ],
        "wrong": [
            # Xavier-like reasoning: "the spread stays 1"
            ("z10_std = None\nz10_std = 1.0\n", r"more than 5 % away"),
            # ReLU's factor 1/2 forgotten
            ("z10_std = None\nz10_std = math.sqrt(200 * 0.12**2) ** 10\n", r"more than 5 % away"),
            # one layer too many: ten ReLU halvings
            ("z10_std = None\nz10_std = math.sqrt(200 * 0.12**2) * 1.2**10\n", r"more than 5 % away"),
            # the variance, not the standard deviation
            ("z10_std = None\nz10_std = 200 * 0.12**2 * 1.44**9\n", r"more than 5 % away"),
            # not answered
            ("z10_std = None\n", r"z10_std is None"),
            ("z10_std = None\nz10_std = '8.8'\n", r"should be a number"),
        ],
        # judged outside the kernel: a deep net of the package's layers measured, not predicted
        "delegating": [
            "import mlp_from_scratch as mfs\n"
            "rng = np.random.default_rng(0)\n"
            "h = rng.standard_normal((2000, 200)).astype(np.float32)\n"
            "for layer in range(10):\n"
            "    dense = mfs.Dense(200, 200, rng=rng)\n"
            "    dense.params['W'][...] = 0.12 * rng.standard_normal((200, 200))\n"
            "    z = dense.forward(h)\n"
            "    h = mfs.relu(z)\n"
            "z10_std = float(z.std())\n",
        ],
    },
    "nb05_orthogonal_init": {
        "correct": [
            # the orthogonal polar factor U V^T of a Gaussian matrix is Haar-distributed too
            ORTHO + "    U, _, Vt = np.linalg.svd(rng.standard_normal((fan_in, fan_out)), full_matrices=False)\n"
                    "    return np.float32(gain) * (U @ Vt).astype(np.float32)\n",
            # QR of the transposed shape for wide layers, the signs fixed by a diagonal matrix
            ORTHO + "    tall = fan_in >= fan_out\n"
                    "    A = rng.normal(size=(fan_in, fan_out) if tall else (fan_out, fan_in))\n"
                    "    Q, R = np.linalg.qr(A, mode='reduced')\n"
                    "    Q = Q @ np.diag(np.where(np.diag(R) < 0, -1.0, 1.0))\n"
                    "    return np.asarray(gain * (Q if tall else Q.T), dtype='float32')\n",
        ],
        "wrong": [
            # np.linalg.qr's Q as it is: orthonormal, but with LAPACK's signs, not Haar
            (ORTHO + "    rows, cols = max(fan_in, fan_out), min(fan_in, fan_out)\n"
                     "    Q, _ = np.linalg.qr(rng.standard_normal((rows, cols)))\n"
                     "    return (gain * (Q if fan_in >= fan_out else Q.T)).astype(np.float32)\n",
             r"% of the diagonal entries W\[i, i\] were positive: W is not uniformly \(Haar\) distributed"),
            # the tall matrix returned for a wide layer: the orientation forgotten
            (ORTHO + "    rows, cols = max(fan_in, fan_out), min(fan_in, fan_out)\n"
                     "    Q, R = np.linalg.qr(rng.standard_normal((rows, cols)))\n"
                     "    return (gain * Q * np.sign(np.diag(R))).astype(np.float32)\n",
             r"orthogonal_init\(32, 64, rng\) has shape \(64, 32\), expected \(32, 64\)"),
            # QR of the wide Gaussian itself: Q is square, (fan_in, fan_in)
            (ORTHO + "    Q, R = np.linalg.qr(rng.standard_normal((fan_in, fan_out)))\n"
                     "    return (gain * Q * np.sign(np.diag(R))).astype(np.float32)\n",
             r"orthogonal_init\(32, 64, rng\) has shape \(32, 32\), expected \(32, 64\)"),
            # the gain ignored
            (ORTHO + "    rows, cols = max(fan_in, fan_out), min(fan_in, fan_out)\n"
                     "    Q, R = np.linalg.qr(rng.standard_normal((rows, cols)))\n"
                     "    Q = Q * np.sign(np.diag(R))\n"
                     "    return (Q if fan_in >= fan_out else Q.T).astype(np.float32)\n",
             r"gain=2\.0\): the columns of W have norms from 1 to 1; with gain=2\.0 every one should have norm 2\.0"),
            # the gain squared (the variance's factor used for the matrix)
            (ORTHO + "    rows, cols = max(fan_in, fan_out), min(fan_in, fan_out)\n"
                     "    Q, R = np.linalg.qr(rng.standard_normal((rows, cols)))\n"
                     "    Q = gain**2 * Q * np.sign(np.diag(R))\n"
                     "    return (Q if fan_in >= fan_out else Q.T).astype(np.float32)\n",
             r"with gain=2\.0 every one should have norm 2\.0"),
            # the global NumPy generator instead of rng
            (ORTHO + "    rows, cols = max(fan_in, fan_out), min(fan_in, fan_out)\n"
                     "    Q, R = np.linalg.qr(np.random.standard_normal((rows, cols)))\n"
                     "    Q = gain * Q * np.sign(np.diag(R))\n"
                     "    return (Q if fan_in >= fan_out else Q.T).astype(np.float32)\n",
             r"does not draw from rng alone"),
            # a Gaussian of the right variance: orthogonal only on average
            (ORTHO + "    W = gain * rng.standard_normal((fan_in, fan_out)) / math.sqrt(max(fan_in, fan_out))\n"
                     "    return W.astype(np.float32)\n",
             r"orthogonal_init\(64, 32, rng\): the columns of W are not orthogonal to each other"),
            # float64 left in
            (ORTHO + "    rows, cols = max(fan_in, fan_out), min(fan_in, fan_out)\n"
                     "    Q, R = np.linalg.qr(rng.standard_normal((rows, cols)))\n"
                     "    Q = gain * Q * np.sign(np.diag(R))\n"
                     "    return Q if fan_in >= fan_out else Q.T\n",
             r"has dtype float64, expected float32"),
        ],
        # judged outside the kernel: the package's Dense draws the Gaussian matrix
        "delegating": [
            "import mlp_from_scratch as mfs\n" + ORTHO
            + "    rows, cols = max(fan_in, fan_out), min(fan_in, fan_out)\n"
              "    A = mfs.Dense(rows, cols, rng=rng).params['W'].astype(np.float64)\n"
              "    Q, R = np.linalg.qr(A)\n"
              "    Q = gain * Q * np.sign(np.diag(R))\n"
              "    return (Q if fan_in >= fan_out else Q.T).astype(np.float32)\n",
        ],
    },
    "nb05_lsuv": {
        "correct": [
            # a loop over indices, the std written out, the scale applied to a copy
            LSUV + "    out, h = [], X\n"
                   "    for i in range(len(weights)):\n"
                   "        z = h @ weights[i]\n"
                   "        s = np.sqrt(np.mean((z - z.mean()) ** 2))\n"
                   "        out.append(weights[i] * (1 / s))\n"
                   "        h = activation(z / s)\n"
                   "    return out\n",
            # Mishkin and Matas's loop: rescale until the std is within a tolerance of 1
            LSUV + "    out = [W.copy() for W in weights]\n"
                   "    for k in range(len(out)):\n"
                   "        for _ in range(10):\n"
                   "            h = X\n"
                   "            for W in out[:k]:\n"
                   "                h = activation(h @ W)\n"
                   "            s = float(np.std(h @ out[k]))\n"
                   "            if abs(s - 1) < 1e-6:\n"
                   "                break\n"
                   "            out[k] = out[k] / s\n"
                   "    return out\n",
        ],
        "wrong": [
            # every layer measured in the original net, all at once
            (LSUV + "    stds, h = [], X\n"
                    "    for W in weights:\n"
                    "        z = h @ W\n"
                    "        stds.append(z.std())\n"
                    "        h = activation(z)\n"
                    "    return [W / s for W, s in zip(weights, stds)]\n",
             r"the layers before layer 2 have std 1 but its pre-activations have std .* is each layer measured in the rescaled net"),
            # divided by the variance instead of the standard deviation
            (LSUV + "    new, h = [], X\n"
                    "    for W in weights:\n"
                    "        W = W / (h @ W).var()\n"
                    "        new.append(W)\n"
                    "        h = activation(h @ W)\n"
                    "    return new\n",
             r"layer 1's pre-activations X @ W_1 have std .* they should have std 1"),
            # the weights rescaled in place
            (LSUV + "    h = X\n"
                    "    for W in weights:\n"
                    "        W /= (h @ W).std()\n"
                    "        h = activation(h @ W)\n"
                    "    return weights\n",
             r"lsuv_scales changed its input weights"),
            # the list's entries replaced: the caller's list no longer holds its matrices
            (LSUV + "    h = X\n"
                    "    for k, W in enumerate(weights):\n"
                    "        weights[k] = W / (h @ W).std()\n"
                    "        h = activation(h @ weights[k])\n"
                    "    return list(weights)\n",
             r"lsuv_scales changed its input weights"),
            # the layer's output after the activation measured, not its pre-activations
            (LSUV + "    new, h = [], X\n"
                    "    for W in weights:\n"
                    "        W = W / activation(h @ W).std()\n"
                    "        new.append(W)\n"
                    "        h = activation(h @ W)\n"
                    "    return new\n",
             r"layer 1's pre-activations X @ W_1 have std"),
            # every layer normalised to unit std of its entries, not of its pre-activations
            (LSUV + "    return [W / (W.std() * np.sqrt(W.shape[0])) for W in weights]\n",
             r"layer 1's pre-activations X @ W_1 have std"),
        ],
        # judged outside the kernel: the package's functions measure each layer
        "delegating": [
            "import mlp_from_scratch as mfs\n" + LSUV
            + "    new, h = [], X\n"
              "    for W in weights:\n"
              "        dense = mfs.Dense(*W.shape, rng=np.random.default_rng(0), dtype=W.dtype)\n"
              "        dense.params['W'][...] = W\n"
              "        s = dense.forward(h).std()\n"
              "        new.append(W / s)\n"
              "        h = activation(h @ (W / s))\n"
              "    return new\n",
        ],
    },
}
