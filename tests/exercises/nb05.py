"""Answers to notebook 05's graded tasks: right ones written differently, and the mistakes
students make, each with the regex of the message that must reject it."""

FORWARD = '''
def forward_stds(X, weights, activation):
    """X: (batch, width); weights: list of (width, width); returns (len(weights),)."""
'''

INIT = '''
def init_weights(fan_in, fan_out, kind, rng, alpha=0.01):
    """(fan_in, fan_out) float32 weights for kind "he", "xavier" or "leaky_relu" (slope alpha)."""
'''

ORTHO = '''
def orthogonal_init(fan_in, fan_out, rng, gain=1.0):
    """(fan_in, fan_out) float32, orthonormal columns or rows times gain, Haar-distributed."""
'''

PREDICT = '''
def predicted_std(widths, weight_std, activation):
    """The std of the last block's output h_L = act(z_L) of the bias-free net with these widths."""
'''

LSUV = '''
def lsuv_scales(weights, X, activation):
    """A new list of the weights, each rescaled so every layer's pre-activations have std 1 on X."""
'''

# The body of a correct initializer once `std` is known, and the check of `kind`.
KIND_CHECK = ('    if kind not in ("he", "xavier", "leaky_relu"):\n'
              '        raise ValueError(f"unknown kind {kind!r}")\n')
# Right scales, for the answers whose mistake is elsewhere: He's and Xavier's, and the leaky
# ReLU's derived one, E[leaky(z)^2] = (1 + alpha^2)/2 Var(z). (An answer whose mistake is in
# "he" or "xavier" fails there first: the checks draw those kinds first.)
LEAKY = "    if kind == 'leaky_relu':\n        std = np.sqrt(2 / ((1 + alpha**2) * fan_in))\n"
HE_XAVIER = "    std = np.sqrt(2 / fan_in) if kind == 'he' else np.sqrt(2 / (fan_in + fan_out))\n"
DRAW = "    return (std * rng.standard_normal((fan_in, fan_out))).astype(np.float32)\n"
LEAKY_MESSAGE = r"'leaky_relu', rng, alpha=0\.5.*work out E\[leaky\(z\)\^2\]"

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
            # the layers computed in X's own memory: the caller's X overwritten
            (FORWARD + "    h, out = X, []\n"
                       "    for W in weights:\n"
                       "        h[...] = activation(h @ W)\n"
                       "        out.append(h.std())\n"
                       "    return np.array(out)\n", r"forward_stds changed its input X \(6 tanh layers"),
            # a list of the stds, not the NumPy array the task asks for
            (FORWARD + "    h, out = X, []\n"
                       "    for W in weights:\n"
                       "        h = activation(h @ W)\n"
                       "        out.append(float(h.std()))\n"
                       "    return out\n", r"should be a NumPy array, got (a )?list"),
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
            "    if kind == 'leaky_relu':\n"
            "        fan = (1 + alpha * alpha) * fan_in / 2   # E[leaky(z)^2] = (1 + alpha^2)/2 Var(z)\n"
            "    limit = np.sqrt(3.0 / fan)\n"
            "    return rng.uniform(-limit, limit, size=(fan_in, fan_out)).astype(np.float32)\n",
            INIT + KIND_CHECK +
            "    variance = {'he': 2 / fan_in, 'xavier': 2 / (fan_in + fan_out),\n"
            "                'leaky_relu': 2 / (fan_in + alpha**2 * fan_in)}[kind]\n"
            "    return rng.normal(0.0, variance ** 0.5, (fan_in, fan_out)).astype('float32')\n",
        ],
        "wrong": [
            # the leaky ReLU given He's scale: alpha ignored
            (INIT + KIND_CHECK + "    std = np.sqrt(2 / fan_in) if kind != 'xavier' else np.sqrt(2 / (fan_in + fan_out))\n"
             + DRAW, LEAKY_MESSAGE),
            # (1 + alpha)/2 for the leaky ReLU's second moment: the slope not squared
            (INIT + KIND_CHECK + HE_XAVIER + "    if kind == 'leaky_relu':\n"
                                             "        std = np.sqrt(2 / ((1 + alpha) * fan_in))\n" + DRAW,
             LEAKY_MESSAGE),
            # the leaky scale from fan_out: right for square layers only (the hidden shapes catch it)
            (INIT + KIND_CHECK + HE_XAVIER + "    if kind == 'leaky_relu':\n"
                                             "        std = np.sqrt(2 / ((1 + alpha**2) * fan_out))\n" + DRAW,
             r"init_weights\(400, 100, 'leaky_relu', rng, alpha=0\.0\) has std .*not the scale that keeps"),
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
            (INIT + HE_XAVIER + LEAKY + DRAW,
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
            # the closed form in one product (np.prod of no factors is 1: one layer), then the last
            # ReLU's output: second moment minus its squared mean
            PREDICT + "    kept = {'relu': 0.5, 'linear': 1.0}[activation]\n"
                      "    factors = [n * weight_std**2 * kept for n in widths[1:-1]]\n"
                      "    q = widths[0] * weight_std**2 * np.prod(factors)\n"
                      "    if activation == 'linear':\n"
                      "        return float(np.sqrt(q))\n"
                      "    mean = np.sqrt(q / (2 * np.pi))\n"
                      "    return float(np.sqrt(q / 2 - mean**2))\n",
            # the standard deviation followed layer by layer instead of the variance
            PREDICT + "    std = math.sqrt(widths[0]) * weight_std\n"
                      "    for n in widths[1:len(widths) - 1]:\n"
                      "        std *= weight_std * math.sqrt(n / 2 if activation == 'relu' else n)\n"
                      "    return std * math.sqrt((math.pi - 1) / (2 * math.pi)) if activation == 'relu' else std\n",
            # recursively, on the second moment of z_l
            PREDICT + "    def second_moment(ws):\n"
                      "        if len(ws) == 2:\n"
                      "            return ws[0] * weight_std**2\n"
                      "        before = second_moment(ws[:-1])\n"
                      "        return ws[-2] * weight_std**2 * (before / 2 if activation == 'relu' else before)\n"
                      "    q = second_moment(list(widths))\n"
                      "    return math.sqrt(q * (0.5 - 0.5 / math.pi) if activation == 'relu' else q)\n",
        ],
        "wrong": [
            # the spread of z_L, the last pre-activations, not of the net's output h_L
            (PREDICT + "    kept = 0.5 if activation == 'relu' else 1.0\n"
                       "    variance = widths[0] * weight_std**2\n"
                       "    for n in widths[1:-1]:\n"
                       "        variance *= n * weight_std**2 * kept\n"
                       "    return math.sqrt(variance)\n",
             r"predicted_std\(\[200\] \* 11, 0\.12, 'relu'\) = \S+ is more than 10 % too large for what 100 such "
             r"nets measure.*a standard deviation is measured around the mean"),
            # the root mean square of h_L: ReLU's outputs taken as centred
            (PREDICT + "    kept = 0.5 if activation == 'relu' else 1.0\n"
                       "    variance = widths[0] * weight_std**2\n"
                       "    for n in widths[1:-1]:\n"
                       "        variance *= n * weight_std**2 * kept\n"
                       "    return math.sqrt(variance * kept)\n",
             r"predicted_std\(\[200\] \* 11, 0\.12, 'relu'\) = \S+ is more than 10 % too large"),
            # ReLU's halving forgotten along the way: every hidden layer treated as linear
            (PREDICT + "    variance = widths[0] * weight_std**2\n"
                       "    for n in widths[1:-1]:\n"
                       "        variance *= n * weight_std**2\n"
                       "    if activation == 'relu':\n"
                       "        variance *= 0.5 - 1 / (2 * math.pi)\n"
                       "    return math.sqrt(variance)\n",
             r"predicted_std\(\[200\] \* 11, 0\.12, 'relu'\) = \S+ is more than 10 % too large"),
            # ReLU's output variance Var(relu(z)) = (1/2 - 1/(2 pi)) Var(z) passed on, not its second moment
            (PREDICT + "    kept = 0.5 - 1 / (2 * math.pi) if activation == 'relu' else 1.0\n"
                       "    variance = widths[0] * weight_std**2\n"
                       "    for n in widths[1:-1]:\n"
                       "        variance *= n * weight_std**2 * kept\n"
                       "    return math.sqrt(variance * kept)\n",
             r"predicted_std\(\[200\] \* 11, 0\.12, 'relu'\) = \S+ is more than 10 % too small"),
            # one layer too many: the last width counted as a fan-in
            (PREDICT + "    kept = 0.5 if activation == 'relu' else 1.0\n"
                       "    variance = widths[0] * weight_std**2\n"
                       "    for n in widths[1:]:\n"
                       "        variance *= n * weight_std**2 * kept\n"
                       "    return math.sqrt(variance * (0.5 - 0.5 / math.pi) if activation == 'relu' else variance)\n",
             r"predicted_std\(\[200\] \* 11, 0\.12, 'relu'\) = \S+ is more than 10 % too large"),
            # the variance, not the standard deviation
            (PREDICT + "    kept = 0.5 if activation == 'relu' else 1.0\n"
                       "    last = 0.5 - 1 / (2 * math.pi) if activation == 'relu' else 1.0\n"
                       "    return widths[0] * weight_std**2 * math.prod(n * weight_std**2 * kept for n in widths[1:-1]) * last\n",
             r"predicted_std\(\[200\] \* 11, 0\.12, 'relu'\) = \S+ is more than 10 % too large"),
            # each layer's fan-out instead of its fan-in: right for the square visible net only
            (PREDICT + "    kept = 0.5 if activation == 'relu' else 1.0\n"
                       "    variance = widths[1] * weight_std**2\n"
                       "    for n in widths[2:]:\n"
                       "        variance *= n * weight_std**2 * kept\n"
                       "    return math.sqrt(variance * (0.5 - 0.5 / math.pi) if activation == 'relu' else variance)\n",
             r"predicted_std\(\[100, 400, 50, 300\], 0\.1, 'relu'\) = \S+ is too (large|small): the widths differ"),
            # every net taken to have the first layer's width
            (PREDICT + "    kept = 0.5 if activation == 'relu' else 1.0\n"
                       "    last = 0.5 - 1 / (2 * math.pi) if activation == 'relu' else 1.0\n"
                       "    layers = len(widths) - 1\n"
                       "    n = widths[0]\n"
                       "    return math.sqrt(n * weight_std**2 * (n * weight_std**2 * kept) ** (layers - 1) * last)\n",
             r"predicted_std\(\[100, 400, 50, 300\], 0\.1, 'relu'\) = \S+ is too small: the widths differ"),
            # the activation ignored: ReLU's halving and its last step in the linear net too
            (PREDICT + "    variance = widths[0] * weight_std**2\n"
                       "    for n in widths[1:-1]:\n"
                       "        variance *= n * weight_std**2 / 2\n"
                       "    return math.sqrt(variance * (0.5 - 1 / (2 * math.pi)))\n",
             r"predicted_std\(\[784, 256, 256, 10\], 0\.05, 'linear'\) = \S+ is too small: a linear layer"),
            # one net's number (the visible check's, worked out), whatever the net
            (PREDICT + "    return 5.11\n",
             r"predicted_std\(\[100, 400, 50, 300\], 0\.1, 'relu'\) = 5\.11 is too large"),
            # a simulation of 50 nets: right at the visible net, close but not exact at the others
            (PREDICT + "    rng = np.random.default_rng(0)\n"
                       "    outs = []\n"
                       "    for net in range(50):\n"
                       "        h = rng.standard_normal((64, widths[0]))\n"
                       "        for n_in, n_out in zip(widths[:-1], widths[1:]):\n"
                       "            h = h @ (weight_std * rng.standard_normal((n_in, n_out)))\n"
                       "            h = np.maximum(h, 0) if activation == 'relu' else h\n"
                       "        outs.append(h.ravel())\n"
                       "    return float(np.concatenate(outs).std())\n",
             r"predicted_std\(\[100, 400, 50, 300\], 0\.1, 'relu'\) = \S+ is close, but not exact: a simulation"),
            # the caller's list shortened in place
            (PREDICT + "    widths.pop()                        # the last width is no fan-in\n"
                       "    kept = 0.5 if activation == 'relu' else 1.0\n"
                       "    variance = widths[0] * weight_std**2\n"
                       "    for n in widths[1:]:\n"
                       "        variance *= n * weight_std**2 * kept\n"
                       "    return math.sqrt(variance * (0.5 - 0.5 / math.pi) if activation == 'relu' else variance)\n",
             r"changed its argument widths"),
            # a list of every layer's std, not the last one
            (PREDICT + "    kept = 0.5 if activation == 'relu' else 1.0\n"
                       "    stds, variance = [], widths[0] * weight_std**2\n"
                       "    for n in widths[1:]:\n"
                       "        stds.append(math.sqrt(variance))\n"
                       "        variance *= n * weight_std**2 * kept\n"
                       "    return stds\n",
             r"should be a number"),
        ],
        # judged outside the kernel: nets of the package's layers measured, not predicted
        "delegating": [
            "import mlp_from_scratch as mfs\n" + PREDICT
            + "    rng = np.random.default_rng(0)\n"
              "    outs = []\n"
              "    for _ in range(200):\n"
              "        layers = []\n"
              "        for n_in, n_out in zip(widths[:-1], widths[1:]):\n"
              "            dense = mfs.Dense(n_in, n_out, rng=rng)\n"
              "            dense.params['W'][...] = weight_std * rng.standard_normal((n_in, n_out))\n"
              "            layers += [dense, mfs.ReLU() if activation == 'relu' else mfs.Identity()]\n"
              "        outs.append(mfs.Sequential(*layers).forward(rng.standard_normal((256, widths[0]))).ravel())\n"
              "    return float(np.concatenate(outs).std())\n",
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
             r"the layers before layer 2 have std 1 but its pre-activations have std .* a layer's std depends on every layer before it, as lsuv_scales returns them"),
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
