"""Answers to notebook 06's graded tasks: right ones written differently, and the mistakes
students make, each with the regex of the message that must reject it."""

MOMENTUM = '''
class Momentum:
    def __init__(self, lr, momentum=0.9):
        self.lr, self.momentum = lr, momentum
        self.v = None

    def step(self, p, g):
        if self.v is None:
            self.v = np.zeros_like(p)
'''
ADAM = '''
class Adam:
    def __init__(self, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
        self.lr, self.beta1, self.beta2, self.eps = lr, beta1, beta2, eps
        self.m = self.v = None
        self.t = 0

    def step(self, p, g):
        if self.m is None:
            self.m, self.v = np.zeros_like(p), np.zeros_like(p)
'''
MOMENTS = '''
        self.m = self.beta1 * self.m + (1 - self.beta1) * g
        self.v = self.beta2 * self.v + (1 - self.beta2) * g**2
'''
NESTEROV = '''
class Nesterov:
    def __init__(self, lr, momentum=0.9):
        self.lr, self.momentum = lr, momentum
        self.v = None

    def step(self, p, g):
        if self.v is None:
            self.v = np.zeros_like(p)
'''
ADAMW = '''
class AdamW:
    def __init__(self, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=1e-2):
        self.lr, self.beta1, self.beta2, self.eps = lr, beta1, beta2, eps
        self.weight_decay = weight_decay
        self.m = self.v = None
        self.t = 0

    def step(self, p, g):
        if self.m is None:
            self.m, self.v = np.zeros_like(p), np.zeros_like(p)
'''
ADAM_STEP = '''        m_hat = self.m / (1 - self.beta1**self.t)
        v_hat = self.v / (1 - self.beta2**self.t)
        adam_step = self.lr * m_hat / (np.sqrt(v_hat) + self.eps)
'''
BOWL = "def best_momentum(H, lr):\n"
# the largest (1 - √(lr·λ))² over lr·λ, given as the array a, and its square root
BOWL_FROM_A = ("    mu = float(np.max((1 - np.sqrt(a)) ** 2))\n"
               "    return mu, math.sqrt(mu)\n")

CLIP = '''
def clip_by_global_norm(grads, max_norm):
'''
WARMUP = '''import math


def momentum_warmup(mu, fraction):
'''

ANSWERS = {
    "nb06_momentum": {
        "correct": [
            # CS231n's form: the velocity holds -lr times the sum, and is added to p
            MOMENTUM + "        self.v = self.momentum * self.v - self.lr * g\n        p += self.v\n",
            # the table's sum itself: every gradient kept, the one of k steps ago weighted μ^k
            MOMENTUM.replace("self.v = None", "self.v, self.past = None, []")
            + "        self.past.append(g.copy())\n"
              "        self.v = sum(self.momentum ** k * old for k, old in enumerate(reversed(self.past)))\n"
              "        p -= self.lr * self.v\n",
            # velocity started from the first gradient, updated in place; p written through [...]
            MOMENTUM.replace("self.v = np.zeros_like(p)", "self.v = np.array(g, dtype=float)\n            "
                             "p[...] = p - self.lr * self.v\n            return")
            + "        self.v *= self.momentum\n        self.v += g\n        p[...] = p - self.lr * self.v\n",
        ],
        "wrong": [
            # the velocity's sign flipped: steps go uphill
            (MOMENTUM + "        self.v = self.momentum * self.v - g\n        p -= self.lr * self.v\n", r"uphill"),
            # lr applied twice: once inside the velocity, once in the step
            (MOMENTUM + "        self.v = self.momentum * self.v + self.lr * g\n        p -= self.lr * self.v\n",
             r"first step has the wrong size.*lr"),
            # the velocity is not kept between calls
            (MOMENTUM + "        v = np.zeros_like(p)\n        v = self.momentum * v + g\n        p -= self.lr * v\n",
             r"step 1 is right but p is wrong after step 2.*state kept"),
            # an exponential moving average (dampening) instead of the sum of the table
            (MOMENTUM + "        self.v = self.momentum * self.v + (1 - self.momentum) * g\n"
                        "        p -= self.lr * self.v\n", r"first step has the wrong size"),
            # the newest gradient weighted μ as well: v = μ (v + g)
            (MOMENTUM + "        self.v = self.momentum * (self.v + g)\n        p -= self.lr * self.v\n",
             r"first step has the wrong size"),
            # the sum's weights the wrong way round: the oldest gradient weighted 1, the newest μ^(t-1)
            (MOMENTUM.replace("self.v = None", "self.v, self.t = None, 0")
             + "        self.v = self.v + self.momentum ** self.t * g\n        self.t += 1\n"
               "        p -= self.lr * self.v\n",
             r"step 1 is right but p is wrong after step 2"),
            # a new array instead of an in-place update
            (MOMENTUM + "        self.v = self.momentum * self.v + g\n        p = p - self.lr * self.v\n",
             r"p did not change.*in place"),
            # the step taken with the old velocity, before this gradient is added: p stands still at
            # step 1 and then lags one step behind (the kernel's check sees only that p did not move)
            (MOMENTUM + "        p -= self.lr * self.v\n        self.v = self.momentum * self.v + g\n",
             r"(p did not change at step 1: step must update|one step earlier: each step moves p with the state from before)"),
        ],
        # judged outside the kernel (tools/judges/nb06.py): the package's SGD does the work
        "delegating": [
            "import mlp_from_scratch as mfs\n\n\nclass Momentum:\n"
            "    def __init__(self, lr, momentum=0.9):\n        self.sgd = mfs.SGD(lr, momentum=momentum)\n\n"
            "    def step(self, p, g):\n        self.sgd.step([p], [g])\n",
            MOMENTUM + "        from mlp_from_scratch.optimizers import SGD\n"
                       "        self.v = self.v if isinstance(self.v, SGD) else SGD(self.lr, momentum=self.momentum)\n"
                       "        self.v.step([p], [g])\n",
        ],
    },
    "nb06_adam": {
        "correct": [
            # both corrections folded into scalars, as the package does
            ADAM + "        self.t += 1\n" + MOMENTS
            + "        c1, c2 = 1 - self.beta1**self.t, np.sqrt(1 - self.beta2**self.t)\n"
              "        p -= (self.lr * c2 / c1) * self.m / (np.sqrt(self.v) + self.eps * c2)\n",
            # t counted from 0, and the correction uses t + 1
            ADAM + MOMENTS.replace("g**2", "np.square(g)")
            + "        m_hat = self.m / (1 - np.power(self.beta1, self.t + 1))\n"
              "        v_hat = self.v / (1 - np.power(self.beta2, self.t + 1))\n"
              "        self.t = self.t + 1\n"
              "        np.subtract(p, self.lr * m_hat / (np.sqrt(v_hat) + self.eps), out=p)\n",
        ],
        "wrong": [
            # no bias correction
            (ADAM + "        self.t += 1\n" + MOMENTS + "        p -= self.lr * self.m / (np.sqrt(self.v) + self.eps)\n",
             r"after the first step.*bias correction"),
            # bias correction with t starting at 0: the first step divides by 1 - beta**0 = 0
            (ADAM + MOMENTS
             + "        m_hat = self.m / (1 - self.beta1**self.t)\n        v_hat = self.v / (1 - self.beta2**self.t)\n"
               "        self.t += 1\n        p -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)\n",
             r"p after step 1 contains NaN or infinity: a division by zero"),
            # eps inside the square root
            (ADAM + "        self.t += 1\n" + MOMENTS
             + "        m_hat = self.m / (1 - self.beta1**self.t)\n        v_hat = self.v / (1 - self.beta2**self.t)\n"
               "        p -= self.lr * m_hat / np.sqrt(v_hat + self.eps)\n",
             r"gradients of size about 1e-05.*where eps enters"),
            # m and v not kept between calls (t is)
            (ADAM + "        self.t += 1\n        m = (1 - self.beta1) * g\n        v = (1 - self.beta2) * g**2\n"
                    "        m_hat = m / (1 - self.beta1**self.t)\n        v_hat = v / (1 - self.beta2**self.t)\n"
                    "        p -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)\n",
             r"p is wrong after step 2.*state kept"),
            # a correction derived without t: 1 - beta, right at step 1 only
            (ADAM + "        self.t += 1\n" + MOMENTS
             + "        m_hat = self.m / (1 - self.beta1)\n        v_hat = self.v / (1 - self.beta2)\n"
               "        p -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)\n",
             r"step 1 is right but p is wrong after step 2.*correction change with t"),
            # only the first moment corrected
            (ADAM + "        self.t += 1\n" + MOMENTS
             + "        m_hat = self.m / (1 - self.beta1**self.t)\n"
               "        p -= self.lr * m_hat / (np.sqrt(self.v) + self.eps)\n",
             r"first step has the wrong size"),
            # the default betas hard-coded instead of the object's own
            (ADAM + "        self.t += 1\n"
             + MOMENTS.replace("self.beta1", "0.9").replace("self.beta2", "0.999")
             + "        m_hat = self.m / (1 - 0.9**self.t)\n        v_hat = self.v / (1 - 0.999**self.t)\n"
               "        p -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)\n",
             r"beta1=0\.5.*own attributes"),
            # Kingma and Ba's "efficient" form: eps added to sqrt(v), not to sqrt(v_hat); the task's
            # text says where eps goes, and only tiny gradients tell the two apart
            (ADAM + "        self.t += 1\n" + MOMENTS
             + "        step_size = self.lr * np.sqrt(1 - self.beta2**self.t) / (1 - self.beta1**self.t)\n"
               "        p -= step_size * self.m / (np.sqrt(self.v) + self.eps)\n",
             r"(gradients of size about 1e-05.*where eps enters the update$|where eps enters the update\. "
             r"Your steps add eps to √v, as in Kingma and Ba's \"efficient\" form)"),
        ],
        # judged outside the kernel (tools/judges/nb06.py): the package's Adam does the work
        "delegating": [
            "import mlp_from_scratch as mfs\n\n\nclass Adam(mfs.Adam):\n"
            "    def step(self, p, g):\n        super().step([p], [g])\n",
            ADAM + "        import mlp_from_scratch\n"
                   "        if not isinstance(self.m, mlp_from_scratch.Adam):\n"
                   "            self.m = mlp_from_scratch.Adam(self.lr, self.beta1, self.beta2, self.eps)\n"
                   "        self.m.step([p], [g])\n",
        ],
    },
    "nb06_nesterov": {
        "correct": [
            # CS231n's form: the velocity holds -lr times the sum; p moves by -mu v_old + (1 + mu) v_new
            NESTEROV + "        v_old = self.v.copy()\n"
                       "        self.v = self.momentum * self.v - self.lr * g\n"
                       "        p += -self.momentum * v_old + (1 + self.momentum) * self.v\n",
            # the velocity started from the first gradient and updated in place; mu^2 v + (1 + mu) g written out
            NESTEROV.replace("self.v = np.zeros_like(p)", "self.v = np.array(g, dtype=float)\n            "
                             "p[...] = p - self.lr * (1 + self.momentum) * g\n            return")
            + "        mu = self.momentum\n"
              "        p[...] = p - self.lr * (mu * mu * self.v + (1 + mu) * g)\n"
              "        self.v *= mu\n        self.v += g\n",
            # the change of variables left half done: p_{t+1} = p_t + lr mu v_t - lr (1 + mu) v_{t+1}
            NESTEROV + "        v_old = self.v\n        self.v = self.momentum * self.v + g\n"
                       "        p += self.lr * self.momentum * v_old - self.lr * (1 + self.momentum) * self.v\n",
        ],
        "wrong": [
            # plain momentum (Task 1): the look-ahead forgotten
            (NESTEROV + "        self.v = self.momentum * self.v + g\n        p -= self.lr * self.v\n",
             r"your steps are plain momentum's \(Task 1\)"),
            # the look-ahead's sign flipped
            (NESTEROV + "        self.v = self.momentum * self.v + g\n"
                        "        p -= self.lr * (g - self.momentum * self.v)\n",
             r"p is wrong after the first step.*look-ahead point"),
            # momentum applied twice: (1 + mu) times the velocity (right at step 1 only)
            (NESTEROV + "        self.v = self.momentum * self.v + g\n"
                        "        p -= self.lr * (self.v + self.momentum * self.v)\n",
             r"step 1 is right but p is wrong after step 2.*v is not 0"),
            # the velocity not kept between calls (right at step 1 only)
            (NESTEROV + "        v = self.momentum * np.zeros_like(p) + g\n"
                        "        p -= self.lr * (g + self.momentum * v)\n",
             r"step 1 is right but p is wrong after step 2.*velocity kept"),
            # a sign slip in the derivation: theta_t = p_t - lr mu v_t instead of p_t + lr mu v_t
            (NESTEROV + "        v_old = self.v\n        self.v = self.momentum * self.v + g\n"
                        "        p -= self.lr * ((1 + self.momentum) * self.v + self.momentum * v_old)\n",
             r"step 1 is right but p is wrong after step 2.*derivation"),
            # a new array instead of an in-place update
            (NESTEROV + "        self.v = self.momentum * self.v + g\n"
                        "        p = p - self.lr * (g + self.momentum * self.v)\n",
             r"p did not change.*in place"),
        ],
        # judged outside the kernel (tools/judges/nb06.py): the package's SGD does the work
        "delegating": [
            "import mlp_from_scratch as mfs\n\n\nclass Nesterov:\n"
            "    def __init__(self, lr, momentum=0.9):\n"
            "        self.sgd = mfs.SGD(lr, momentum=momentum, nesterov=True)\n\n"
            "    def step(self, p, g):\n        self.sgd.step([p], [g])\n",
        ],
    },
    "nb06_adamw": {
        "correct": [
            # PyTorch's own order: shrink p first (Adam's step does not depend on p), then Adam's step
            ADAMW + "        self.t += 1\n" + MOMENTS + "        p *= 1 - self.lr * self.weight_decay\n"
            + ADAM_STEP + "        p -= adam_step\n",
            # the decay from a copy of p taken before the step; both corrections folded into scalars
            ADAMW + "        before = p.copy()\n        self.t += 1\n" + MOMENTS
            + "        c1, c2 = 1 - self.beta1**self.t, np.sqrt(1 - self.beta2**self.t)\n"
              "        p -= (self.lr * c2 / c1) * self.m / (np.sqrt(self.v) + self.eps * c2)\n"
              "        p -= self.lr * self.weight_decay * before\n",
        ],
        "wrong": [
            # Adam + L2: the decay added to the gradient, through m and v
            (ADAMW + "        g = g + self.weight_decay * p\n        self.t += 1\n" + MOMENTS + ADAM_STEP
             + "        p -= adam_step\n", r"λθ added to the gradient \(L2"),
            # the decay not scaled by lr (the paper's form, with lambda_paper = weight_decay)
            (ADAMW + "        self.t += 1\n" + MOMENTS + ADAM_STEP
             + "        p -= adam_step + self.weight_decay * p\n", r"not scaled by lr: that is the paper's form"),
            # the decay of p after Adam's step has moved it
            (ADAMW + "        self.t += 1\n" + MOMENTS + ADAM_STEP
             + "        p -= adam_step\n        p -= self.lr * self.weight_decay * p\n",
             r"shrinks p after Adam's step has moved it"),
            # no bias correction
            (ADAMW + "        self.t += 1\n" + MOMENTS
             + "        p -= self.lr * (self.m / (np.sqrt(self.v) + self.eps) + self.weight_decay * p)\n",
             r"after the first step.*bias correction"),
            # the decay divided by Adam's scale as well
            (ADAMW + "        self.t += 1\n" + MOMENTS
             + "        m_hat = self.m / (1 - self.beta1**self.t)\n        v_hat = self.v / (1 - self.beta2**self.t)\n"
               "        p -= self.lr * (m_hat + self.weight_decay * p) / (np.sqrt(v_hat) + self.eps)\n",
             r"pure decay.*only the decay moves p"),
            # m, v and t not kept between calls
            (ADAMW + "        self.t = 1\n        self.m = (1 - self.beta1) * g\n        self.v = (1 - self.beta2) * g**2\n"
             + ADAM_STEP + "        p -= adam_step + self.lr * self.weight_decay * p\n",
             r"step 1 is right but p is wrong after step 2.*state kept"),
            # PyTorch's default weight_decay replaced by 0
            (ADAMW.replace("weight_decay=1e-2", "weight_decay=0.0") + "        self.t += 1\n" + MOMENTS + ADAM_STEP
             + "        p -= adam_step + self.lr * self.weight_decay * p\n", r"\(the default arguments\)"),
        ],
        # judged outside the kernel (tools/judges/nb06.py): the package's Adam does the Adam part
        "delegating": [
            "import mlp_from_scratch as mfs\n\n\nclass AdamW:\n"
            "    def __init__(self, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=1e-2):\n"
            "        self.adam, self.shrink = mfs.Adam(lr, beta1, beta2, eps), lr * weight_decay\n\n"
            "    def step(self, p, g):\n        p *= 1 - self.shrink\n        self.adam.step([p], [g])\n",
            # the package's own AdamW, which the experiments after the task use
            "import mlp_from_scratch as mfs\n\n\nclass AdamW:\n"
            "    def __init__(self, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=1e-2):\n"
            "        self.adamw = mfs.AdamW(lr, beta1, beta2, eps, weight_decay)\n\n"
            "    def step(self, p, g):\n        self.adamw.step([p], [g])\n",
        ],
    },
    "nb06_predict_kappa": {
        "correct": [
            # the two extreme eigenvalues alone, with math: the flat direction's double root or the steep one's
            "import math\n\n\n" + BOWL + "    lam = np.linalg.eigvalsh(H)\n"
            "    lo, hi = math.sqrt(lr * lam[0]), math.sqrt(lr * lam[-1])\n"
            "    rate = max(1 - lo, hi - 1)\n    return rate ** 2, rate\n",
            # no formula for the minimum: a ternary search on the largest |z| of M over the directions, to 1e-12
            BOWL + "    a = lr * np.linalg.eig(H)[0].real\n"
            "    worst = lambda mu: max(np.abs(np.roots([1.0, -(1 + mu - x), mu])).max() for x in a)\n"
            "    lo, hi = 0.0, 1.0\n    for _ in range(200):\n"
            "        m1, m2 = lo + (hi - lo) / 3, hi - (hi - lo) / 3\n"
            "        lo, hi = (lo, m2) if worst(m1) < worst(m2) else (m1, hi)\n"
            "    mu = (lo + hi) / 2\n    return [mu, worst(mu)]\n",
        ],
        "wrong": [
            # Polyak's μ* of section 3, whatever the learning rate
            (BOWL + "    lam = np.linalg.eigvalsh(H)\n    root = np.sqrt(lam[-1] / lam[0])\n"
                    "    mu = ((root - 1) / (root + 1)) ** 2\n    return mu, np.sqrt(mu)\n",
             r"momentum = 0\.334 for H = \[\[10, 6\], \[6, 5\]\] at lr = 0\.02 is more than 0\.02 below the momentum "
             r"that needed the fewest steps"),
            # only the flat direction's double root: right at lr 0.02, not at 0.2, where the steep one is slowest
            (BOWL + "    a = lr * np.linalg.eigvalsh(H)[:1]\n" + BOWL_FROM_A,
             r"momentum = 0\.306 for H = \[\[10, 6\], \[6, 5\]\] at lr = 0\.2 is more than 0\.02 below"),
            # the mean of the directions' double roots instead of the largest
            (BOWL + "    a = lr * np.linalg.eigvalsh(H)\n    mu = float(np.mean((1 - np.sqrt(a)) ** 2))\n"
                    "    return mu, math.sqrt(mu)\n",
             r"momentum = 0\.479 for H = \[\[10, 6\], \[6, 5\]\] at lr = 0\.02 is more than 0\.02 below"),
            # the rate per step taken to be μ itself, not the modulus √μ of M's complex eigenvalues
            (BOWL + "    a = lr * np.linalg.eigvalsh(H)\n    mu = float(np.max((1 - np.sqrt(a)) ** 2))\n"
                    "    return mu, mu\n",
             r"rate = 0\.737 for H = \[\[10, 6\], \[6, 5\]\] at lr = 0\.02 is more than 3 % below the measured shrink"),
            # plain gradient descent's rate at this lr for the rate
            (BOWL + "    a = lr * np.linalg.eigvalsh(H)\n    mu = float(np.max((1 - np.sqrt(a)) ** 2))\n"
                    "    return mu, float(np.max(np.abs(1 - a)))\n",
             r"rate = 0\.98 for H = \[\[10, 6\], \[6, 5\]\] at lr = 0\.02 is more than 3 % above"),
            # the eigenvalues without the learning rate
            (BOWL + "    a = np.linalg.eigvalsh(H)\n" + BOWL_FROM_A,
             r"momentum is 7\.5\d* for H = \[\[10, 6\], \[6, 5\]\] at lr = 0\.02; a momentum that converges lies in"),
            # the diagonal entries for the eigenvalues: a rotation changes them
            (BOWL + "    a = lr * np.diag(H)\n" + BOWL_FROM_A,
             r"other numbers for H = \[\[10, 6\], \[6, 5\]\] rotated by 1 radian at lr = 0\.02 than for H"),
            # the largest eigenvalue's direction only: right at lr 0.2, not at 0.02, caught there first
            (BOWL + "    a = lr * np.linalg.eigvalsh(H)[-1:]\n" + BOWL_FROM_A,
             r"momentum = 0\.222 for H = \[\[10, 6\], \[6, 5\]\] at lr = 0\.02 is more than 0\.02 below"),
            # a grid search to 0.01: within the visible checks' tolerance, not exact
            (BOWL + "    a = lr * np.linalg.eigvalsh(H)\n    best = None\n"
                    "    for mu in np.arange(0.0, 1.0, 0.01):\n"
                    "        r = max(np.abs(np.roots([1.0, -(1 + mu - x), mu])).max() for x in a)\n"
                    "        best = (mu, r) if best is None or r < best[1] else best\n    return best\n",
             r"momentum = 0\.55 for a 3x3 H at lr = 0\.1 is too large"),
            # H scaled in place by the learning rate: the caller's array changes
            (BOWL + "    H *= lr\n    a = np.linalg.eigvalsh(H)\n" + BOWL_FROM_A,
             r"best_momentum changed its input H"),
        ],
        # judged outside the kernel (tools/judges/nb06.py): the momentum measured with the package's SGD
        "delegating": [
            BOWL + "    import mlp_from_scratch as mfs\n    best = None\n"
                   "    for mu in np.linspace(0.0, 0.95, 20):\n"
                   "        theta, opt = np.ones(len(H)), mfs.SGD(lr, momentum=mu)\n"
                   "        for _ in range(200):\n            opt.step([theta], [H @ theta])\n"
                   "        r = np.linalg.norm(theta) ** (1 / 200)\n"
                   "        best = (mu, r) if best is None or r < best[1] else best\n"
                   "    return best\n",
        ],
    },
    "nb06_clip_global_norm": {
        "correct": [
            # all entries in one flat vector; the unchanged case returned as copies
            CLIP + "    flat = np.concatenate([g.ravel() for g in grads])\n"
                   "    norm = float(np.linalg.norm(flat))\n"
                   "    if norm <= max_norm:\n        return [g.copy() for g in grads], norm\n"
                   "    factor = max_norm / norm\n"
                   "    return [(g * factor).astype(g.dtype, copy=False) for g in grads], norm\n",
            # a loop in float64 with math; each copy scaled in place (keeps its dtype); a zero norm guarded
            "import math\n" + CLIP + "    total = 0.0\n    for g in grads:\n        total += float((g.astype(np.float64) ** 2).sum())\n"
                   "    norm = math.sqrt(total)\n"
                   "    scale = min(1.0, max_norm / norm) if norm > 0 else 1.0\n"
                   "    clipped = []\n    for g in grads:\n        c = g.copy()\n        c *= scale\n"
                   "        clipped.append(c)\n    return clipped, norm\n",
        ],
        "wrong": [
            # each array clipped by its own norm: the direction of the whole gradient changes
            (CLIP + "    norm = float(np.sqrt(sum(np.sum(g.astype(np.float64) ** 2) for g in grads)))\n"
                    "    return [g * min(1.0, max_norm / max(np.linalg.norm(g), 1e-12)) for g in grads], norm\n",
             r"scaled by different factors"),
            # clipped entry by entry
            (CLIP + "    norm = float(np.sqrt(sum(np.sum(g.astype(np.float64) ** 2) for g in grads)))\n"
                    "    return [np.clip(g, -max_norm, max_norm) for g in grads], norm\n",
             r"is not grads\[\d\] times one number.*element-wise"),
            # scaled to max_norm whatever the norm: small gradients are blown up
            (CLIP + "    norm = float(np.sqrt(sum(np.sum(g.astype(np.float64) ** 2) for g in grads)))\n"
                    "    return [g * (max_norm / norm) for g in grads], norm\n",
             r"far above the gradient's norm, the arrays changed"),
            # the norm returned after clipping
            (CLIP + "    norm = float(np.sqrt(sum(np.sum(g.astype(np.float64) ** 2) for g in grads)))\n"
                    "    scale = min(1.0, max_norm / norm) if norm else 1.0\n"
                    "    return [g * scale for g in grads], norm * scale\n",
             r"norm is the norm after clipping"),
            # the inputs clipped in place
            (CLIP + "    norm = float(np.sqrt(sum(np.sum(g.astype(np.float64) ** 2) for g in grads)))\n"
                    "    if norm > max_norm:\n        for g in grads:\n            g *= max_norm / norm\n"
                    "    return grads, norm\n",
             r"changed its input grads\[0\] in place"),
            # a float64 NumPy factor turns float32 gradients into float64 ones
            (CLIP + "    norm = np.sqrt(sum(np.sum(g.astype(np.float64) ** 2) for g in grads))\n"
                    "    scale = max_norm / norm if norm > max_norm else 1.0\n"
                    "    return [g * scale for g in grads], float(norm)\n",
             r"dtype float64 but grads\[0\] has float32"),
            # the sum of the arrays' own norms taken for the global norm
            (CLIP + "    norm = float(sum(np.linalg.norm(g) for g in grads))\n"
                    "    scale = max_norm / norm if norm > max_norm else 1.0\n"
                    "    return [g * scale for g in grads], norm\n",
             r"sum of the arrays' own norms"),
            # min(1, c / norm) with Python floats: a zero gradient divides by zero
            ("import math\n" + CLIP
             + "    norm = math.sqrt(sum(float(np.sum(g.astype(np.float64) ** 2)) for g in grads))\n"
               "    scale = min(1.0, max_norm / norm)\n"
               "    return [g * scale for g in grads], norm\n",
             r"raised ZeroDivisionError on all-zero gradients"),
        ],
        # judged outside the kernel (tools/judges/nb06.py): the package's check_array, imported while graded
        "delegating": [
            "import mlp_from_scratch as mfs\n\n\n" + CLIP.lstrip("\n")
            + "    flat = np.concatenate([mfs.checks.check_array('g', g).ravel() for g in grads])\n"
              "    norm = float(np.linalg.norm(flat))\n"
              "    scale = max_norm / norm if norm > max_norm else 1.0\n"
              "    return [g * scale for g in grads], norm\n",
        ],
    },
    "nb06_momentum_warmup": {
        "correct": [
            # closed forms: the first t with mu^t <= 1 - fraction, and the geometric sum
            WARMUP + "    t = math.ceil(math.log(1 - fraction) / math.log(mu))\n"
                     "    return t, (t - mu * (1 - mu**t) / (1 - mu)) / ((1 - mu) * t)\n",
            # the same with NumPy's log1p, the ratio rearranged, steps as a NumPy float
            WARMUP + "    t = np.ceil(np.log1p(-fraction) / np.log1p(mu - 1))\n"
                     "    return t, (1 - mu * (1 - mu**t) / ((1 - mu) * t)) / (1 - mu)\n",
        ],
        "wrong": [
            # the two numbers the experiment prints for mu = 0.95, fraction = 0.9, copied
            (WARMUP + "    return 45, 12.4\n", r"steps = 45 for mu = 0\.8, fraction = 0\.5 is not the first step"),
            # the time constant 1/(1 - mu) taken for the warm-up
            (WARMUP + "    t = round(1 / (1 - mu))\n"
                      "    return t, (t - mu * (1 - mu**t) / (1 - mu)) / ((1 - mu) * t)\n",
             r"steps = 5 for mu = 0\.8, fraction = 0\.5 is not the first step"),
            # one step early: the velocity after t steps taken as (1 - mu^(t+1)) / (1 - mu)
            (WARMUP + "    t = math.ceil(math.log(1 - fraction) / math.log(mu)) - 1\n"
                      "    return t, (t - mu**2 * (1 - mu**t) / (1 - mu)) / ((1 - mu) * t)\n",
             r"steps = 3 for mu = 0\.8, fraction = 0\.5 is not the first step"),
            # not a step number: the real solution of mu^t = 1 - fraction
            (WARMUP + "    t = math.log(1 - fraction) / math.log(mu)\n"
                      "    return t, (t - mu * (1 - mu**t) / (1 - mu)) / ((1 - mu) * t)\n",
             r"steps is 44\.8\d* for mu = 0\.95, fraction = 0\.9: .*whole number"),
            # the terminal ratio 1/(1 - mu), as if momentum started at full speed
            (WARMUP + "    return math.ceil(math.log(1 - fraction) / math.log(mu)), 1 / (1 - mu)\n",
             r"distance_ratio = 5 for mu = 0\.8, fraction = 0\.5 is more than 2 % away"),
            # the last step's ratio instead of the distance's
            (WARMUP + "    t = math.ceil(math.log(1 - fraction) / math.log(mu))\n    return t, (1 - mu**t) / (1 - mu)\n",
             r"distance_ratio = 2\.95\d* for mu = 0\.8, fraction = 0\.5 is more than 2 % away"),
            # the steps taken to grow linearly from the first to the last (their mean)
            (WARMUP + "    t = math.ceil(math.log(1 - fraction) / math.log(mu))\n"
                      "    return t, (1 + (1 - mu**t) / (1 - mu)) / 2\n",
             r"distance_ratio = 1\.97\d* for mu = 0\.8, fraction = 0\.5 is more than 2 % away"),
            # one term of the sum shifted: sum of (1 - mu^(k+1))
            (WARMUP + "    t = math.ceil(math.log(1 - fraction) / math.log(mu))\n"
                      "    return t, (t - mu**2 * (1 - mu**t) / (1 - mu)) / ((1 - mu) * t)\n",
             r"distance_ratio = 2\.6\d* for mu = 0\.8, fraction = 0\.5 is more than 2 % away"),
            # upside down: SGD's distance over momentum's
            (WARMUP + "    t = math.ceil(math.log(1 - fraction) / math.log(mu))\n"
                      "    return t, (1 - mu) * t / (t - mu * (1 - mu**t) / (1 - mu))\n",
             r"distance_ratio is 0\.08.*never moves less far"),
            # right, but counted step by step: no loop gets through mu = 1 - 1e-12's ~7e11 steps
            (WARMUP + "    v, steps, moved = 0.0, 0, 0.0\n    while v < fraction / (1 - mu):\n"
                      "        v = mu * v + 1\n        steps += 1\n        moved += v\n"
                      "    return steps, moved / steps\n",
             r"momentum_warmup\(1 - 1e-12, 0\.5\) .*hundreds of billions of steps.*formulas"),
            # the small-(1 - mu) approximation ln(mu) = -(1 - mu): one step late at mu = 0.99
            (WARMUP + "    t = math.ceil(-math.log(1 - fraction) / (1 - mu))\n"
                      "    return t, (t - mu * (1 - mu**t) / (1 - mu)) / ((1 - mu) * t)\n",
             r"steps = 300 for mu = 0\.99, fraction = 0\.95 is not the first step"),
            # the print instead of the return
            (WARMUP + "    print(45, 12.4)\n", r"should return a pair \(steps, distance_ratio\), got NoneType"),
        ],
        # judged outside the kernel (tools/judges/nb06.py): the numbers measured with the package's SGD
        "delegating": [
            "import mlp_from_scratch as mfs\n"
            + WARMUP + "    opt, p, lengths = mfs.SGD(1.0, momentum=mu), np.zeros(1), []\n"
                     "    for _ in range(5000):\n        before = p.copy()\n        opt.step([p], [np.ones(1)])\n"
                     "        lengths.append(abs(p[0] - before[0]))\n"
                     "    t = int(np.argmax(np.array(lengths) >= fraction / (1 - mu))) + 1\n"
                     "    return t, sum(lengths[:t]) / t\n",
        ],
    },
}
