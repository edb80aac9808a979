"""Answers to notebook 04's graded tasks: right ones written differently, and the mistakes
students make, each with the regex of the message that must reject it.

Every task is judged outside the kernel (tools/judges/nb04.py): "delegating" answers take the
answer from the package and must be refused; "judged_wrong" ones, (source, regex) like "wrong",
pass the notebook's test cells (which cannot change) but not the judge, so the kernel harness
must not run them as wrong answers.
"""

DENSE = '''
def dense_backward(X, W, G):
    """X (batch, in), W (in, out), G (batch, out) -> dW, db, dX."""
'''
TANH = '''
def tanh_backward(Z, G):
    """Z, G: (batch, features) -> dL/dZ."""
'''
NETWORK = '''
def network_backward(grad_y_hat, W1, W2, cache):
    """-> dW1, db1, dW2, db2."""
    X, Z1, H = cache
'''
TRAIN = '''
def train_xor(params, X, y, lr, num_epochs):
    """Full-batch gradient descent; params updated in place; returns the losses."""
    loss = mfs.MSE()
    losses = []
'''
SMOOTHED = '''
def smoothed_ce_grad(Z, y, smoothing):
    """Z: (batch, classes), y: (batch,) -> dL/dZ."""
    batch, classes = Z.shape
'''
STABLE_SOFTMAX = '''
    e = np.exp(Z - Z.max(axis=1, keepdims=True))
    s = e / e.sum(axis=1, keepdims=True)
'''
SCALE = '''
def scale_backward(X, s, G):
    """Y = X * s -> dX, ds."""
'''
SOFTMAX = '''
def softmax_backward(S, G):
    """S, G: (batch, classes) -> dL/dZ."""
'''
TRAIN_LOOP = '''
    for epoch in range(num_epochs):
        y_hat, cache = network_forward(X, params["W1"], params["b1"], params["W2"], params["b2"])
        loss_value, grad = loss(y_hat, y)
        grads = network_backward(grad, params["W1"], params["W2"], cache)
'''

DENSE_LAYER = '''
class Dense:
    """W (in, out), b (out,); forward x (batch, in) -> (batch, out); backward -> dL/dx."""

    def __init__(self, W, b):
        self.params = {"W": W, "b": b}
        self.grads = {}
'''
DENSE_FORWARD = '''
    def forward(self, x, training=False):
        self.x = x
        return x @ self.params["W"] + self.params["b"]
'''
DENSE_BACKWARD = '''
    def backward(self, grad_y):
        self.grads["W"] = self.x.T @ grad_y
        self.grads["b"] = grad_y.sum(axis=0)
        return grad_y @ self.params["W"].T
'''
ACTIVATIONS = '''
class ReLU:
    def __init__(self):
        self.params, self.grads = {}, {}

    def forward(self, x, training=False):
        self.x = x
        return np.maximum(x, 0)

    def backward(self, grad_y):
        return grad_y * (self.x > 0)


class Tanh:
    def __init__(self):
        self.params, self.grads = {}, {}

    def forward(self, x, training=False):
        self.y = np.tanh(x)
        return self.y

    def backward(self, grad_y):
        return grad_y * (1 - self.y ** 2)


class Sigmoid:
    def __init__(self):
        self.params, self.grads = {}, {}

    def forward(self, x, training=False):
        e = np.exp(-np.abs(x))
        self.y = np.where(x >= 0, 1 / (1 + e), e / (1 + e))
        return self.y

    def backward(self, grad_y):
        return grad_y * self.y * (1 - self.y)
'''
SEQUENTIAL = '''
class Sequential:
    def __init__(self, *layers):
        self.layers = list(layers)

    def forward(self, x, training=False):
        for layer in self.layers:
            x = layer.forward(x, training)
        return x
'''
SEQ_BACKWARD = '''
    def backward(self, grad_y):
        for layer in reversed(self.layers):
            grad_y = layer.backward(grad_y)
        return grad_y
'''
SEQ_LISTS = '''
    def parameters(self):
        return [p for layer in self.layers for p in layer.params.values()]

    def gradients(self):
        return [layer.grads[name] for layer in self.layers for name in layer.params]
'''
CHECK = '''
def check_layer_gradients(layer, x, seed=0, h=1e-5):
    """-> the largest relative error over dL/dx and every parameter's gradient."""
'''
CHECK_START = '''    x = np.array(x, dtype=np.float64)
    R = np.random.default_rng(seed).standard_normal(layer.forward(x).shape)
    analytic = {"x": layer.backward(R)}
    analytic.update({name: np.array(g, dtype=np.float64) for name, g in layer.grads.items()})
    L = lambda: float(np.sum(layer.forward(x) * R))
    errors = []
'''
CHECK_LOOP = '''    for name, a in [("x", x)] + list(layer.params.items()):
        numeric = np.zeros(a.shape)
        for i in np.ndindex(a.shape):
'''
CHECK_CENTRAL = '''            old = a[i]
            a[i] = old + h
            plus = L()
            a[i] = old - h
            minus = L()
            a[i] = old
            numeric[i] = (plus - minus) / (2 * h)
'''
CHECK_END = '''        an = analytic[name]
        size = np.linalg.norm(an) + np.linalg.norm(numeric)
        errors.append(np.linalg.norm(an - numeric) / size if size else 0.0)
    return float(max(errors))
'''

PREDICT_ERROR = "def predicted_error(factor):\n"

ANSWERS = {
    "nb04_dense_backward": {
        "correct": [
            DENSE + "    return np.einsum('ni,nj->ij', X, G), np.einsum('nj->j', G), np.einsum('nj,ij->ni', G, W)\n",
            DENSE + "    dW = np.dot(X.T, G)\n    db = np.ones(len(G), dtype=G.dtype) @ G\n"
                    "    dX = (W @ G.T).T\n    return dW, db, dX\n",
        ],
        "wrong": [
            # right numbers, but G overwritten in place
            (DENSE + "    dW, db, dX = X.T @ G, G.sum(axis=0), G @ W.T\n    G[:] = 0\n    return dW, db, dX\n",
             r"dense_backward changed its input G"),
            # a missing transpose in dX: the shapes fit only for square layers
            (DENSE + "    return X.T @ G, G.sum(axis=0), G @ W\n", r"raised ValueError"),
            # a missing transpose that passes the visible layers' shapes? no: caught by the square hidden ones
            (DENSE + "    dX = G @ W.T if W.shape[0] != W.shape[1] else G @ W\n"
                     "    return X.T @ G, G.sum(axis=0), dX\n", r"dX for X \(4, 4\).*relative error"),
            # no sum over the batch for db
            (DENSE + "    return X.T @ G, G, G @ W.T\n", r"db .*has shape \(5, 4\), expected \(4,\)"),
            # a mean where the sum belongs: the loss already averaged over the batch
            (DENSE + "    return X.T @ G / len(X), G.mean(axis=0), G @ W.T\n",
             r"dW for .*relative error"),
            # the product in the wrong order
            (DENSE + "    return G.T @ X, G.sum(axis=0), G @ W.T\n", r"dW .*has shape \(4, 3\), expected \(3, 4\)"),
            # a sign error
            (DENSE + "    return -(X.T @ G), -G.sum(axis=0), -(G @ W.T)\n", r"relative error 1e\+00"),
        ],
        # judged outside the kernel (tools/judges/nb04.py): the package's Dense does the work
        "delegating": [
            "import mlp_from_scratch as mfs\n" + DENSE
            + "    layer = mfs.Dense(*W.shape, rng=np.random.default_rng(0), dtype=X.dtype)\n"
            "    layer.params['W'][...] = W\n    layer.forward(X, training=True)\n"
            "    dX = layer.backward(G)\n    return layer.grads['W'], layer.grads['b'], dX\n",
        ],
    },
    "nb04_tanh_backward": {
        "correct": [
            TANH + "    return G / np.cosh(Z) ** 2\n",
            TANH + "    A = np.tanh(Z)\n    return G - G * A * A\n",
        ],
        "wrong": [
            # the input used where the output belongs: 1 - Z**2 instead of 1 - tanh(Z)**2
            (TANH + "    return G * (1 - Z ** 2)\n", r"where tanh is flat"),
            # the local derivative alone, without the upstream gradient
            (TANH + "    return 1 - np.tanh(Z) ** 2\n", r"doubling G did not double"),
            # the sigmoid's formula carried over
            (TANH + "    A = np.tanh(Z)\n    return G * A * (1 - A)\n", r"where tanh is flat"),
            # a sign error
            (TANH + "    return G * (np.tanh(Z) ** 2 - 1)\n", r"relative error 1e\+00"),
        ],
        # judged outside the kernel: the package's derivative is the derivation the task asks
        # for. In the notebook mfs is imported by the first cell, so the bare form (until the
        # judge, a correct answer) is the same answer; the judge's mfs refuses it too.
        "delegating": [
            "import mlp_from_scratch as mfs\n" + TANH + "    return G * mfs.tanh_derivative(Z)\n",
        ],
        "judged_wrong": [
            (TANH + "    return G * mfs.tanh_derivative(Z)\n",
             r"refused while grading: mfs\.tanh_derivative"),
        ],
    },
    "nb04_network_backward": {
        "correct": [
            NETWORK + "    dW2 = H.T @ grad_y_hat\n    db2 = grad_y_hat.sum(0)\n"
                      "    dZ1 = (grad_y_hat @ W2.T) * (1 - np.tanh(Z1) ** 2)\n"
                      "    dW1 = X.T @ dZ1\n    db1 = dZ1.sum(0)\n    return dW1, db1, dW2, db2\n",
            NETWORK + "    dW2, db2, dH = dense_backward(H, W2, grad_y_hat)\n"
                      "    dW1, db1, _ = dense_backward(X, W1, tanh_backward(Z1, dH))\n"
                      "    return dW1, db1, dW2, db2\n",
        ],
        "wrong": [
            # the activation's output where its input is needed
            (NETWORK + "    dW2, db2, dH = dense_backward(H, W2, grad_y_hat)\n"
                       "    dZ1 = tanh_backward(H, dH)\n    dW1, db1, _ = dense_backward(X, W1, dZ1)\n"
                       "    return dW1, db1, dW2, db2\n",
             r"wrong: dW1, db1; right: dW2, db2; the output layer's gradients are right"),
            # dividing by the batch twice: the loss's gradient is already a mean
            (NETWORK + "    dW2, db2, dH = dense_backward(H, W2, grad_y_hat / len(X))\n"
                       "    dZ1 = tanh_backward(Z1, dH)\n    dW1, db1, _ = dense_backward(X, W1, dZ1)\n"
                       "    return dW1, db1, dW2, db2\n",
             r"every gradient is wrong.*constant factor"),
            # a sign error
            (NETWORK + "    dW2, db2, dH = dense_backward(H, W2, grad_y_hat)\n"
                       "    dZ1 = tanh_backward(Z1, -dH)\n    dW1, db1, _ = dense_backward(X, W1, dZ1)\n"
                       "    return dW1, db1, dW2, db2\n",
             r"dW1 points the opposite way: a sign is flipped"),
            # the activation skipped
            (NETWORK + "    dW2, db2, dH = dense_backward(H, W2, grad_y_hat)\n"
                       "    dW1, db1, _ = dense_backward(X, W1, dH)\n    return dW1, db1, dW2, db2\n",
             r"wrong: dW1, db1"),
            # the output layer fed with the wrong input (X instead of H): shapes differ
            (NETWORK + "    dW2, db2, dH = dense_backward(X, W2, grad_y_hat)\n"
                       "    dZ1 = tanh_backward(Z1, dH)\n    dW1, db1, _ = dense_backward(X, W1, dZ1)\n"
                       "    return dW1, db1, dW2, db2\n",
             r"dW2 .*has shape|raised ValueError"),
        ],
        # judged outside the kernel: the package's layers do the work
        "delegating": [
            "import mlp_from_scratch as mfs\n" + NETWORK
            + "    out = mfs.Dense(*W2.shape, rng=np.random.default_rng(0), dtype=W2.dtype)\n"
            "    out.params['W'][...] = W2\n    out.forward(H, training=True)\n"
            "    dZ1 = out.backward(grad_y_hat) * mfs.tanh_derivative(Z1)\n"
            "    return X.T @ dZ1, dZ1.sum(0), out.grads['W'], out.grads['b']\n",
        ],
    },
    "nb04_train_xor": {
        "correct": [
            TRAIN + TRAIN_LOOP + "        for array, g in zip(params.values(), grads):\n"
                                 "            array[...] = array - lr * g\n"
                                 "        losses.append(loss_value)\n    return losses\n",
            TRAIN + TRAIN_LOOP + "        params['W1'] -= lr * grads[0]\n        params['b1'] -= lr * grads[1]\n"
                                 "        params['W2'] -= lr * grads[2]\n        params['b2'] -= lr * grads[3]\n"
                                 "        losses += [loss_value]\n    return losses\n",
        ],
        "wrong": [
            # notebook 01's style on local names: the caller's arrays never change
            (TRAIN + "    W1, b1, W2, b2 = params['W1'], params['b1'], params['W2'], params['b2']\n"
                     "    for epoch in range(num_epochs):\n"
                     "        y_hat, cache = network_forward(X, W1, b1, W2, b2)\n"
                     "        loss_value, grad = loss(y_hat, y)\n"
                     "        dW1, db1, dW2, db2 = network_backward(grad, W1, W2, cache)\n"
                     "        W1, b1, W2, b2 = W1 - lr * dW1, b1 - lr * db1, W2 - lr * dW2, b2 - lr * db2\n"
                     "        losses.append(loss_value)\n    return losses\n",
             r"params are unchanged"),
            # a sign error: steps uphill
            (TRAIN + TRAIN_LOOP + "        for name, g in zip(['W1', 'b1', 'W2', 'b2'], grads):\n"
                                  "            params[name] += lr * g\n"
                                  "        losses.append(loss_value)\n    return losses\n",
             r"the loss rose|uphill"),
            # gradients computed once, before the loop
            (TRAIN + "    y_hat, cache = network_forward(X, params['W1'], params['b1'], params['W2'], params['b2'])\n"
                     "    grads = network_backward(loss(y_hat, y)[1], params['W1'], params['W2'], cache)\n"
                     "    for epoch in range(num_epochs):\n"
                     "        y_hat, cache = network_forward(X, params['W1'], params['b1'], params['W2'], params['b2'])\n"
                     "        losses.append(loss(y_hat, y)[0])\n"
                     "        for name, g in zip(['W1', 'b1', 'W2', 'b2'], grads):\n"
                     "            params[name] -= lr * g\n    return losses\n",
             r"called network_backward 1 times"),
            # the package's model instead of their own backward pass
            (TRAIN + "    model = mfs.Sequential(mfs.Dense(2, 4, rng=np.random.default_rng(0), init='xavier', dtype=np.float64),\n"
                     "                           mfs.Tanh(), mfs.Dense(4, 1, rng=np.random.default_rng(0), init='xavier', dtype=np.float64))\n"
                     "    return list(mfs.fit(model, X, y, loss=loss, optimizer=mfs.SGD(lr), num_epochs=num_epochs,\n"
                     "                        batch_size=4, rng=np.random.default_rng(0))['loss'])\n",
             r"called network_backward 0 times"),
            # the loss recorded after the step
            (TRAIN + TRAIN_LOOP + "        for name, g in zip(['W1', 'b1', 'W2', 'b2'], grads):\n"
                                  "            params[name] -= lr * g\n"
                                  "        losses.append(loss(network_forward(X, *params.values())[0], y)[0])\n"
                                  "    return losses\n",
             r"first loss returned is not the loss of the starting parameters"),
            # the gradient kept beside each loss: the list holds pairs, not losses
            (TRAIN + TRAIN_LOOP + "        for name, g in zip(['W1', 'b1', 'W2', 'b2'], grads):\n"
                                  "            params[name] -= lr * g\n"
                                  "        losses.append((loss_value, grad))\n    return losses\n",
             r"train_xor should return one loss per epoch \(\d+\)"
             r"(.*item 0 is a tuple|, got a list, not a list of numbers)"),
            # only the last loss returned
            (TRAIN + TRAIN_LOOP + "        for name, g in zip(['W1', 'b1', 'W2', 'b2'], grads):\n"
                                  "            params[name] -= lr * g\n"
                                  "        losses.append(loss_value)\n    return losses[-1]\n",
             r"train_xor should return one loss per epoch \(\d+\)(.*, got a float|, got one number)"),
            # the inputs centred in place: the caller's data changes
            (TRAIN + "    X -= 0.5\n" + TRAIN_LOOP
                   + "        for name, g in zip(['W1', 'b1', 'W2', 'b2'], grads):\n"
                     "            params[name] -= lr * g\n"
                     "        losses.append(loss_value)\n    return losses\n",
             r"train_xor changed its input X"),
        ],
        # judged outside the kernel: the package's model does the work
        "delegating": [
            "import mlp_from_scratch as mfs\n" + TRAIN
            + "    model = mfs.Sequential(mfs.Dense(2, 4, rng=np.random.default_rng(0), dtype=np.float64),\n"
            "                           mfs.Tanh(), mfs.Dense(4, 1, rng=np.random.default_rng(0), dtype=np.float64))\n"
            "    model.param_vector[...] = np.concatenate([params[k].ravel() for k in ['W1', 'b1', 'W2', 'b2']])\n"
            "    for epoch in range(num_epochs):\n"
            "        loss_value, grad = loss(model.forward(X, training=True), y)\n"
            "        model.backward(grad)\n        model.param_vector -= lr * model.grad_vector\n"
            "        losses.append(loss_value)\n    return losses\n",
        ],
        "judged_wrong": [
            # the biases never trained: XOR is learned anyway (the kernel's check looks at the
            # outputs and at whether some array changed)
            (TRAIN + TRAIN_LOOP + "        params['W1'] -= lr * grads[0]\n        params['W2'] -= lr * grads[2]\n"
                                  "        losses.append(loss_value)\n    return losses\n",
             r"b1, b2 never changed during training"),
            # new arrays put into the dict: the caller's arrays stay as they were (the kernel's
            # check reads the dict)
            (TRAIN + TRAIN_LOOP + "        for name, g in zip(['W1', 'b1', 'W2', 'b2'], grads):\n"
                                  "            params[name] = params[name] - lr * g\n"
                                  "        losses.append(loss_value)\n    return losses\n",
             r"params holds new arrays for W1, b1, W2, b2.*the caller's arrays themselves"),
            (TRAIN + TRAIN_LOOP + "        params.update({k: v - lr * g for (k, v), g in zip(params.items(), grads)})\n"
                                  "        losses.append(loss_value)\n    return losses\n",
             r"params holds new arrays"),
            # the notebook's lr written in, not the argument (the kernel's check uses only 0.1)
            (TRAIN + TRAIN_LOOP + "        for name, g in zip(['W1', 'b1', 'W2', 'b2'], grads):\n"
                                  "            params[name] -= 0.1 * g\n"
                                  "        losses.append(loss_value)\n    return losses\n",
             r"after 200 epochs \(lr 0\.05, seed 4\) W1, b1, W2, b2 differ"),
            # the notebook's number of epochs written in (the same)
            (TRAIN + TRAIN_LOOP.replace("range(num_epochs)", "range(1000)")
             + "        for name, g in zip(['W1', 'b1', 'W2', 'b2'], grads):\n"
               "            params[name] -= lr * g\n"
               "        losses.append(loss_value)\n    return losses\n",
             r"one loss per epoch \(200\), got 1000"),
        ],
    },
    "nb04_dense_layer": {
        "correct": [
            # einsum, a copy of x in the cache, gradients computed from it
            DENSE_LAYER + '''
    def forward(self, x, training=False):
        self.cache = x.copy()
        return np.einsum("ni,io->no", x, self.params["W"]) + self.params["b"]

    def backward(self, grad_y):
        x = self.cache
        self.grads["W"] = np.einsum("ni,no->io", x, grad_y)
        self.grads["b"] = np.einsum("no->o", grad_y)
        return np.einsum("no,io->ni", grad_y, self.params["W"])
''',
            # gradient arrays made once and written into with out=; the cache a reference to x
            '''
class Dense:
    def __init__(self, W, b):
        self.params = {"W": W, "b": b}
        self.grads = {"W": np.zeros_like(W), "b": np.zeros_like(b)}
        self._input = None

    def forward(self, x, training=False):
        self._input = x
        y = np.dot(x, self.params["W"])
        y += self.params["b"]
        return y

    def backward(self, grad_y):
        np.matmul(self._input.T, grad_y, out=self.grads["W"])
        np.sum(grad_y, axis=0, out=self.grads["b"])
        return np.dot(grad_y, self.params["W"].T)
''',
        ],
        "wrong": [
            # the transpose forgotten in dL/dx: the shapes do not chain
            (DENSE_LAYER + DENSE_FORWARD + DENSE_BACKWARD.replace('self.params["W"].T', 'self.params["W"]'),
             r"backward for W \(3, 4\), x \(5, 3\) raised ValueError"),
            # the bias gradient not summed over the batch
            (DENSE_LAYER + DENSE_FORWARD + DENSE_BACKWARD.replace("grad_y.sum(axis=0)", "grad_y"),
             r'self\.grads\["b"\] after backward .*has shape \(5, 4\), expected \(4,\)'),
            # the output cached instead of the input
            (DENSE_LAYER + '''
    def forward(self, x, training=False):
        self.y = x @ self.params["W"] + self.params["b"]
        return self.y

    def backward(self, grad_y):
        self.grads["W"] = self.y.T @ grad_y
        self.grads["b"] = grad_y.sum(axis=0)
        return grad_y @ self.params["W"].T
''', r'self\.grads\["W"\] after backward .*has shape \(4, 4\), expected \(3, 4\)'),
            # the input of the first forward kept, not of the last
            (DENSE_LAYER + DENSE_FORWARD.replace("        self.x = x\n",
                                                 "        if not hasattr(self, 'x'):\n            self.x = x\n")
             + DENSE_BACKWARD, r"backward gave the gradients for x1"),
            # a float64 vector of ones: float32 gradients promoted to float64
            (DENSE_LAYER + DENSE_FORWARD + DENSE_BACKWARD.replace("grad_y.sum(axis=0)", "np.ones(len(grad_y)) @ grad_y"),
             r'self\.grads\["b"\] is float64 for float32 inputs'),
            # the gradient descent step taken inside backward
            (DENSE_LAYER + DENSE_FORWARD + DENSE_BACKWARD.replace(
                "        return grad_y", "        self.params['W'] -= 0.1 * self.grads['W']\n        return grad_y"),
             r'backward changed self\.params\["W"\]'),
            # the weights copied at construction: an optimizer's update never reaches forward
            ('''
class Dense:
    def __init__(self, W, b):
        self.params = {"W": W, "b": b}
        self.grads = {}
        self.W, self.b = W.copy(), b.copy()

    def forward(self, x, training=False):
        self.x = x
        return x @ self.W + self.b
''' + DENSE_BACKWARD, r"forward did not compute with the new values"),
        ],
        "delegating": [
            "import mlp_from_scratch as mfs\n\n\nclass Dense:\n    def __init__(self, W, b):\n"
            "        self.layer = mfs.Dense(*W.shape, rng=np.random.default_rng(0), dtype=W.dtype)\n"
            "        self.layer.params['W'][...], self.layer.params['b'][...] = W, b\n"
            "        self.params, self.grads = self.layer.params, self.layer.grads\n\n"
            "    def forward(self, x, training=False):\n        return self.layer.forward(x, training)\n\n"
            "    def backward(self, grad_y):\n        return self.layer.backward(grad_y)\n",
        ],
    },
    "nb04_activation_layers": {
        "correct": [
            ACTIVATIONS,
            # other caches and forms: ReLU's mask with where, tanh from its input, sigmoid by logaddexp
            ACTIVATIONS.replace("return grad_y * (self.x > 0)", "return np.where(self.x > 0, grad_y, 0)")
            .replace("        self.y = np.tanh(x)\n        return self.y", "        self.z = x\n        return np.tanh(x)")
            .replace("return grad_y * (1 - self.y ** 2)", "return grad_y / np.cosh(self.z) ** 2")
            .replace("        e = np.exp(-np.abs(x))\n        self.y = np.where(x >= 0, 1 / (1 + e), e / (1 + e))",
                     "        self.y = np.exp(-np.logaddexp(0, -x))"),
        ],
        "wrong": [
            # the textbook formula: e^{-z} overflows for large negative z
            (ACTIVATIONS.replace("        e = np.exp(-np.abs(x))\n        self.y = np.where(x >= 0, 1 / (1 + e), e / (1 + e))",
                                 "        self.y = 1 / (1 + np.exp(-x))"),
             r"Sigmoid\.forward .*RuntimeWarning \(overflow"),
            # clipped to ±500: enough in float64, not in float32
            (ACTIVATIONS.replace("        e = np.exp(-np.abs(x))\n        self.y = np.where(x >= 0, 1 / (1 + e), e / (1 + e))",
                                 "        self.y = 1 / (1 + np.exp(-np.clip(x, -500, 500)))"),
             r"Sigmoid\.forward on z of shape \(1, 7\) \(float32\) gave a RuntimeWarning"),
            # ReLU's gradient 1 at z = 0
            (ACTIVATIONS.replace("return grad_y * (self.x > 0)", "return grad_y * (self.x >= 0)"),
             r"ReLU's backward at z = 0 should give 0"),
            # tanh's derivative taken at the input, not the output
            (ACTIVATIONS.replace("        self.y = np.tanh(x)\n        return self.y", "        self.y = x\n        return np.tanh(x)"),
             r"Tanh\.backward for z of shape \(5, 4\): relative error"),
            # a float64 mask: float32 promoted
            (ACTIVATIONS.replace("return np.maximum(x, 0)", "return x * (x > 0).astype(float)"),
             r"ReLU\.forward's output is float64 for float32 inputs"),
            # the sigmoid's backward from the input, as if it were the output
            (ACTIVATIONS.replace("        self.y = np.where(x >= 0, 1 / (1 + e), e / (1 + e))\n        return self.y",
                                 "        self.y = x\n        return np.where(x >= 0, 1 / (1 + e), e / (1 + e))"),
             r"Sigmoid\.backward for z of shape \(5, 4\): relative error"),
            # the slope returned, not the upstream gradient times it
            (ACTIVATIONS.replace("return grad_y * (self.x > 0)", "return (self.x > 0).astype(self.x.dtype)"),
             r"ReLU\.backward for z of shape \(5, 4\): relative error"),
            # the sigmoid's slope recomputed in backward from the input, with the textbook formula: overflows
            (ACTIVATIONS.replace("        return grad_y * self.y * (1 - self.y)",
                                 "        s = 1 / (1 + np.exp(-self.x))\n        return grad_y * s * (1 - s)")
             .replace("        e = np.exp(-np.abs(x))\n", "        self.x = x\n        e = np.exp(-np.abs(x))\n"),
             r"Sigmoid\.backward on z of shape \(1, 7\) \(float64\) gave a RuntimeWarning \(overflow"),
        ],
        "delegating": [
            "import mlp_from_scratch as mfs\nReLU, Tanh, Sigmoid = mfs.ReLU, mfs.Tanh, mfs.Sigmoid\n",
        ],
        # the notebook's mfs (imported by its first cell) passes the kernel's checks; the judge's refuses it
        "judged_wrong": [
            ("ReLU, Tanh, Sigmoid = mfs.ReLU, mfs.Tanh, mfs.Sigmoid\n", r"refused while grading: mfs\.ReLU"),
        ],
    },
    "nb04_sequential": {
        "correct": [
            SEQUENTIAL + SEQ_BACKWARD + SEQ_LISTS,
            # indices, keywords, explicit loops
            '''
class Sequential:
    def __init__(self, *layers):
        self.layers = [layer for layer in layers]

    def forward(self, x, training=False):
        out = x
        for i in range(len(self.layers)):
            out = self.layers[i].forward(out, training=training)
        return out

    def backward(self, grad_y):
        g = grad_y
        for i in range(len(self.layers) - 1, -1, -1):
            g = self.layers[i].backward(g)
        return g

    def parameters(self):
        out = []
        for layer in self.layers:
            for name in layer.params:
                out.append(layer.params[name])
        return out

    def gradients(self):
        out = []
        for layer in self.layers:
            out.extend(layer.grads[name] for name in layer.params)
        return out
''',
        ],
        "wrong": [
            # backward in the forward order
            (SEQUENTIAL + SEQ_BACKWARD.replace("reversed(self.layers)", "self.layers") + SEQ_LISTS,
             r"backward called the layers' backward (starting at layer 0|in the order \[0, 1, 2\])"),
            # training not passed on
            (SEQUENTIAL.replace("layer.forward(x, training)", "layer.forward(x)") + SEQ_BACKWARD + SEQ_LISTS,
             r"forward\(x, training=True\) passed training=\[False, False, False\]"),
            # copies of the parameters: an optimizer's update would be lost
            (SEQUENTIAL + SEQ_BACKWARD + SEQ_LISTS.replace("return [p for", "return [p.copy() for"),
             r"parameters\(\)\[0\] should be layer 0's params\['W'\], that array itself"),
            # the gradients listed from the last layer to the first, as backward meets them
            (SEQUENTIAL + SEQ_BACKWARD + SEQ_LISTS.replace("for layer in self.layers for name in layer.params]",
                                                           "for layer in reversed(self.layers) for name in layer.params]"),
             r"gradients\(\)\[0\] should be layer 0's grads\['W'\]"),
            # the gradient not handed from layer to layer: every layer gets the model's grad_y
            (SEQUENTIAL + '''
    def backward(self, grad_y):
        for layer in reversed(self.layers):
            grad_x = layer.backward(grad_y)
        return grad_x
''' + SEQ_LISTS, r"Sequential\.backward for .* raised ValueError|dL/dx for .*relative error"),
            # every layer applied to the network's input, not to the previous layer's output
            (SEQUENTIAL.replace("            x = layer.forward(x, training)\n        return x",
                                "            y = layer.forward(x, training)\n        return y") + SEQ_BACKWARD + SEQ_LISTS,
             r"forward for a Sequential of 3 layer\(s\) \(Dense, Tanh, Dense\) raised ValueError"),
        ],
        "delegating": [
            "import mlp_from_scratch as mfs\n" + SEQUENTIAL + SEQ_BACKWARD
            + "\n    parameters = mfs.Sequential.parameters\n    gradients = mfs.Sequential.gradients\n",
        ],
    },
    "nb04_check_layer_gradients": {
        "correct": [
            CHECK + CHECK_START + CHECK_LOOP + CHECK_CENTRAL + CHECK_END,
            # flat indices and a relative-error helper
            CHECK + '''    def relative(a, n):
        top, bottom = np.sqrt(np.sum((a - n) ** 2)), np.sqrt(np.sum(a ** 2)) + np.sqrt(np.sum(n ** 2))
        return top / bottom if bottom > 0 else 0.0

    x64 = x.astype(np.float64)      # a copy
    rng = np.random.default_rng(seed)
    R = rng.standard_normal(layer.forward(x64).shape)
    grad_x = layer.backward(R)
    grads = {name: g.copy() for name, g in layer.grads.items()}
    worst = relative(grad_x, central(layer, x64, x64, R, h))
    for name, p in layer.params.items():
        worst = max(worst, relative(grads[name], central(layer, x64, p, R, h)))
    return float(worst)


def central(layer, x, a, R, h):
    numeric = np.empty(a.shape)
    for k in range(a.size):
        i = np.unravel_index(k, a.shape)
        saved = a[i].copy()
        a[i] = saved + h
        up = np.sum(layer.forward(x) * R)
        a[i] = saved - h
        down = np.sum(layer.forward(x) * R)
        a[i] = saved
        numeric[i] = (up - down) / (2 * h)
    return numeric
''',
        ],
        "wrong": [
            # a one-sided difference: off by about h
            (CHECK + CHECK_START + "    L0 = L()\n" + CHECK_LOOP + '''            old = a[i]
            a[i] = old + h
            numeric[i] = (L() - L0) / h
            a[i] = old
''' + CHECK_END, r"whose gradients are right, check_layer_gradients returned .*a correct layer gives < 1e-07"),
            # the entry restored by arithmetic: its last bits change
            (CHECK + CHECK_START + CHECK_LOOP + '''            a[i] += h
            plus = L()
            a[i] -= 2 * h
            minus = L()
            a[i] += h
            numeric[i] = (plus - minus) / (2 * h)
''' + CHECK_END, r"layer\.params\['W'\] of .* differs from before in \d+ of \d+ entries"),
            # the entry never restored
            (CHECK + CHECK_START + CHECK_LOOP + '''            old = a[i]
            a[i] = old + h
            plus = L()
            a[i] = old - h
            minus = L()
            numeric[i] = (plus - minus) / (2 * h)
''' + CHECK_END, r"differs from before"),
            # only the parameters checked, not dL/dx
            (CHECK + CHECK_START + CHECK_LOOP.replace('[("x", x)] + list(layer.params.items())', "layer.params.items()")
             + CHECK_CENTRAL + CHECK_END.replace("return float(max(errors))", "return float(max(errors, default=0.0))"),
             r"a bug in dL/dx must show"),
            # only dL/dx checked, not the parameters
            (CHECK + CHECK_START + CHECK_LOOP.replace(' + list(layer.params.items())', "") + CHECK_CENTRAL + CHECK_END,
             r"every parameter's gradient must be checked"),
            # the mean of the errors, not the largest
            (CHECK + CHECK_START + CHECK_LOOP + CHECK_CENTRAL + CHECK_END.replace("max(errors)", "np.mean(errors)"),
             r"twice too large .*returned 0\.1\d*; a gradient twice too large"),
            # the error relative to the numeric gradient only
            (CHECK + CHECK_START + CHECK_LOOP + CHECK_CENTRAL + CHECK_END.replace(
                "size = np.linalg.norm(an) + np.linalg.norm(numeric)", "size = np.linalg.norm(numeric)"),
             r"returned 1; a gradient twice too large"),
            # the mean of Y * R as the loss: its gradient with respect to the output is R / size, not R
            (CHECK + CHECK_START.replace("L = lambda: float(np.sum(layer.forward(x) * R))",
                                         "L = lambda: float(np.mean(layer.forward(x) * R))")
             + CHECK_LOOP + CHECK_CENTRAL + CHECK_END,
             r"for a correct Dense\(3, 4\), whose gradients are right, check_layer_gradients returned"),
            # x used in its own dtype: float32 differences
            (CHECK + CHECK_START.replace("x = np.array(x, dtype=np.float64)", "x = x.copy()") + CHECK_LOOP
             + CHECK_CENTRAL + CHECK_END, r"given a float32 x, whose gradients are right"),
        ],
        "delegating": [
            "import mlp_from_scratch as mfs\n" + CHECK
            + "    return max(mfs.check_layer(layer, x.astype(np.float64), rng=np.random.default_rng(seed)).values())\n",
        ],
        "judged_wrong": [
            (CHECK + "    return max(mfs.check_layer(layer, x.astype(np.float64), rng=np.random.default_rng(seed)).values())\n",
             r"refused while grading: mfs\.check_layer"),
        ],
    },
    "nb04_smoothed_ce_grad": {
        "correct": [
            # through the log-softmax: softmax = exp(z - logsumexp(z)), logsumexp taken stably
            SMOOTHED + "    top = Z.max(axis=1, keepdims=True)\n"
                       "    lse = top + np.log(np.exp(Z - top).sum(axis=1, keepdims=True))\n"
                       "    q = (1 - smoothing) * np.eye(classes)[y] + smoothing / classes\n"
                       "    return (np.exp(Z - lse) - q) / batch\n",
            # the one-hot gradient and the smoothing's part, added
            SMOOTHED + STABLE_SOFTMAX
            + "    onehot = np.zeros_like(s)\n"
              "    onehot[np.arange(batch), y] = 1\n"
              "    return ((s - onehot) + smoothing * (onehot - 1 / classes)) / batch\n",
        ],
        "wrong": [
            # the smoothing forgotten: section 4's gradient
            (SMOOTHED + STABLE_SOFTMAX + "    return (s - np.eye(classes)[y]) / batch\n",
             r"dL/dZ for Z of shape \(6, 4\) and smoothing 0\.1: relative error"),
            # 1 - smoothing on the label, and nothing of the spread share added to it
            (SMOOTHED + STABLE_SOFTMAX
             + "    q = np.where(np.eye(classes)[y] == 1, 1 - smoothing, smoothing / classes)\n"
               "    return (s - q) / batch\n",
             r"smoothing 0\.1: relative error"),
            # the other convention: the smoothing spread over the K - 1 other classes only
            (SMOOTHED + STABLE_SOFTMAX
             + "    q = np.where(np.eye(classes)[y] == 1, 1 - smoothing, smoothing / (classes - 1))\n"
               "    return (s - q) / batch\n",
             r"smoothing 0\.1: relative error"),
            # the gradient of the summed loss, not the mean
            (SMOOTHED + STABLE_SOFTMAX
             + "    return s - ((1 - smoothing) * np.eye(classes)[y] + smoothing / classes)\n",
             r"relative error"),
            # softmax over the batch instead of the classes
            (SMOOTHED + "    e = np.exp(Z - Z.max(axis=0, keepdims=True))\n"
                        "    s = e / e.sum(axis=0, keepdims=True)\n"
                        "    return (s - ((1 - smoothing) * np.eye(classes)[y] + smoothing / classes)) / batch\n",
             r"relative error"),
            # exp of the raw logits: right on small ones, infinite at 1000
            (SMOOTHED + "    e = np.exp(Z)\n"
                        "    s = e / e.sum(axis=1, keepdims=True)\n"
                        "    return (s - ((1 - smoothing) * np.eye(classes)[y] + smoothing / classes)) / batch\n",
             r"every logit moved by \+1000 \(does exp overflow, or every exp underflow to 0\?\) contains NaN "
             r"or infinity"),
            # section 4's long way with the smoothed rows: dL/ds times softmax's Jacobian, which divides by
            # probabilities that underflow to 0 on a row of logits 800, 0, -800
            (SMOOTHED + STABLE_SOFTMAX
             + "    q = (1 - smoothing) * np.eye(classes)[y] + smoothing / classes\n"
               "    jacobian = s[:, :, None] * (np.eye(classes) - s[:, None, :])\n"
               "    return np.einsum('ni,nij->nj', -q / (batch * s), jacobian)\n",
             r"dL/dZ for the logits \[\[800, 0, -800\], \[0\.5, -1, 2\]\] \(labels \[1, 0\], smoothing 0\.1\) "
             r"contains NaN or infinity"),
            # the shift done in place: the caller's logits are changed
            (SMOOTHED + "    Z -= Z.max(axis=1, keepdims=True)\n"
                        "    s = np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True)\n"
                        "    return (s - ((1 - smoothing) * np.eye(classes)[y] + smoothing / classes)) / batch\n",
             r"smoothed_ce_grad changed its input Z"),
        ],
        # judged outside the kernel: the package's loss does the work (the judge's mfs offers nothing)
        "delegating": [
            "import mlp_from_scratch as mfs\n" + SMOOTHED
            + "    q = (1 - smoothing) * np.eye(classes)[y] + smoothing / classes\n"
              "    return mfs.SoftmaxCrossEntropy()(Z, q)[1]\n",
        ],
        "judged_wrong": [
            (SMOOTHED + "    q = (1 - smoothing) * np.eye(classes)[y] + smoothing / classes\n"
                        "    return mfs.SoftmaxCrossEntropy()(Z, q)[1]\n",
             r"refused while grading: mfs\.SoftmaxCrossEntropy, the package's own code"),
        ],
    },
    "nb04_scale_backward": {
        "correct": [
            SCALE + "    return G * s[None, :], np.einsum('nf,nf->f', G, X)\n",
        ],
        "wrong": [
            # no sum over the batch
            (SCALE + "    return G * s, G * X\n", r"ds .*has shape \(5, 3\), expected \(3,\)"),
            (SCALE + "    return G * X, (G * s).sum(axis=0)\n", r"relative error"),
            (SCALE + "    return G * s, (G * X).mean(axis=0)\n", r"ds for .*relative error"),
        ],
        # judged outside the kernel: the package's finite differences do the work
        "delegating": [
            "import mlp_from_scratch as mfs\n" + SCALE
            + "    L = lambda: float(np.sum(X * s * G))\n"
            "    return mfs.numerical_gradient(L, X), mfs.numerical_gradient(L, s)\n",
        ],
    },
    "nb04_predict_error": {
        "correct": [
            PREDICT_ERROR + "    return abs(factor - 1) / (abs(factor) + 1)\n",
            # the norms of a one-entry gradient n = [1]: ‖n‖ cancels, so any n gives the same
            PREDICT_ERROR + "    a, n = np.array([float(factor)]), np.array([1.0])\n"
                            "    return float(np.linalg.norm(a - n) / (np.linalg.norm(a) + np.linalg.norm(n)))\n",
        ],
        "wrong": [
            # the factor itself
            (PREDICT_ERROR + "    return factor\n",
             r"predicted_error\(1\.0\) = 1, but an analytic gradient equal to the true one has the relative error 0"),
            # ‖a − n‖ / ‖n‖, the error relative to the true gradient only
            (PREDICT_ERROR + "    return abs(factor - 1)\n",
             r"predicted_error\(2\.0\) = 1, but section 5 measured 0\.333333 for a gradient twice too large"),
            # right for positive factors only: |a| taken as c
            (PREDICT_ERROR + "    return abs(factor - 1) / (factor + 1)\n",
             r"predicted_error\(-1\.0\) raised ZeroDivisionError"),
            # right for 0 < factor <= 1 only
            (PREDICT_ERROR + "    return (1 - factor) / (1 + factor)\n",
             r"predicted_error\(2\.0\) = -0\.333333, but a relative error .* lies between 0 and 1"),
            # ‖a‖ + ‖n‖ taken as 2‖n‖
            (PREDICT_ERROR + "    return abs(1 - factor) / 2\n",
             r"predicted_error\(2\.0\) = 0\.5, but section 5 measured 0\.333333"),
            # the sign of the factor ignored: a sign error would look correct
            (PREDICT_ERROR + "    return abs(abs(factor) - 1) / (abs(factor) + 1)\n",
             r"predicted_error\(-1\.0\) = 0, but section 5 measured 1 for a sign error"),
            # the cases the check tests, looked up, and a guess elsewhere (the same for c and 1/c)
            (PREDICT_ERROR + "    return {1.0: 0.0, 2.0: 1 / 3, -1.0: 1.0}.get(factor, 0.5)\n",
             r"predicted_error\(0\.25\) = 0\.5 is not what the gradient check measures for a gradient 1/4"),
            # a rule fitted to section 5's cases (|factor| >= 1) and ‖a − n‖ / ‖n‖ below: not the same for c and 1/c
            (PREDICT_ERROR + "    return abs(factor - 1) / (abs(factor) + 1) if abs(factor) >= 1 else abs(factor - 1)\n",
             r"predicted_error\(0\.25\) = 0\.75 and predicted_error\(4\.0\) = 0\.6 differ"),
            # the old question's number, not a function
            ("predicted_error = 0.6\n", r"predicted_error\(1\.0\) raised TypeError"),
        ],
        # judged outside the kernel: the number measured with the package, not predicted
        "delegating": [
            PREDICT_ERROR + "    import mlp_from_scratch as mfs\n"
                            "    return mfs.relative_error(np.array([factor]), np.array([1.0]))\n",
        ],
    },
    "nb04_softmax_backward": {
        "correct": [
            SOFTMAX + "    return S * G - S * np.einsum('nc,nc->n', G, S)[:, None]\n",
            SOFTMAX + "    inner = np.sum(G * S, axis=-1, keepdims=True)\n    return S * (G - inner)\n",
        ],
        "wrong": [
            # right values through the Jacobian of one row at a time (J = diag(s) - s s^T, symmetric)
            (SOFTMAX + "    out = np.empty_like(S)\n    for n in range(len(S)):\n"
                       "        J = np.diag(S[n]) - np.outer(S[n], S[n])\n        out[n] = J.T @ G[n]\n"
                       "    return out\n", r"a classes × classes matrix"),
            # ... and of the whole batch at once
            (SOFTMAX + "    J = S[:, :, None] * (np.eye(S.shape[1], dtype=S.dtype) - S[:, None, :])\n"
                       "    return np.einsum('ni,nij->nj', G, J)\n", r"a classes × classes matrix"),
            # only the diagonal of the Jacobian, as for an elementwise activation
            (SOFTMAX + "    return S * G\n", r"rows of dL/dZ should sum to 0.*yours is S \* G"),
            # the inner product summed over the batch instead of the classes
            (SOFTMAX + "    return S * (G - (G * S).sum(axis=0, keepdims=True))\n",
             r"row 0 of dL/dZ changed when only the other rows"),
            # the row sums without keepdims: broadcast along the classes, the transposed way
            (SOFTMAX + "    return S * (G - (G * S).sum(axis=1))\n", r"raised ValueError for S of shape \(5, 4\)"),
            # ... which runs when batch = classes, and mixes rows there
            (SOFTMAX + "    inner = (G * S).sum(axis=1)\n"
                       "    return S * (G - (inner if S.shape[0] == S.shape[1] else inner[:, None]))\n",
             r"row 0 of dL/dZ changed"),
            # cross-entropy's gradient pattern, softmax minus the target
            (SOFTMAX + "    return G - S\n", r"doubling G did not double dL/dZ"),
            # the factor s_j forgotten outside the bracket
            (SOFTMAX + "    return G - (G * S).sum(axis=1, keepdims=True)\n", r"rows of dL/dZ should sum to 0"),
            # the input G overwritten in place
            (SOFTMAX + "    G -= (G * S).sum(axis=1, keepdims=True)\n    return S * G\n",
             r"softmax_backward changed its input G"),
            # float64 out for float32 in
            (SOFTMAX + "    S, G = S.astype(np.float64), G.astype(np.float64)\n"
                       "    return S * (G - (G * S).sum(axis=1, keepdims=True))\n",
             r"returns float64 for float32 inputs"),
        ],
        # judged outside the kernel: the package's Softmax layer does the work
        "delegating": [
            "import mlp_from_scratch as mfs\n" + SOFTMAX
            + "    layer = mfs.Softmax()\n    layer.forward(np.log(S))\n    return layer.backward(G)\n",
        ],
        "judged_wrong": [
            (SOFTMAX + "    layer = mfs.Softmax()\n    layer.forward(np.log(S))\n    return layer.backward(G)\n",
             r"refused while grading: mfs\.Softmax"),
        ],
    },
    "nb04_predict_float32": {
        "correct": [
            # the (order + 1)-th root of the precision ratio, and its order-th power
            "def float_format_ratios(eps_fine, eps_coarse, order):\n"
            "    step = (eps_coarse / eps_fine) ** (1 / (order + 1))\n"
            "    return step, step ** order\n",
            # in decades, from the optimum of c1 h^p + c2 eps / h: h* = (c2 eps / (p c1))^(1/(p+1))
            "def float_format_ratios(eps_fine, eps_coarse, order):\n"
            "    decades = np.log10(eps_coarse) - np.log10(eps_fine)\n"
            "    h = lambda eps: (eps / order) ** (1 / (order + 1))\n"
            "    e = lambda eps: h(eps) ** order + eps / h(eps)\n"
            "    return 10 ** (decades / (order + 1)), e(eps_coarse) / e(eps_fine)\n",
        ],
        "wrong": [
            # the two numbers the experiment prints, copied
            ("def float_format_ratios(eps_fine, eps_coarse, order):\n    return 1e3, 1e6\n",
             r"step_ratio is 1000 for two formats of the same precision"),
            # "the best step does not depend on the format, the error scales with the precision"
            ("def float_format_ratios(eps_fine, eps_coarse, order):\n    return 1.0, eps_coarse / eps_fine\n",
             r"step_ratio = 1 for float16 .* is 1\.30 decades below"),
            # the forward difference's rule, h ~ sqrt(precision), and its error ~ sqrt(precision)
            ("def float_format_ratios(eps_fine, eps_coarse, order):\n"
             "    return (eps_coarse / eps_fine) ** 0.5, (eps_coarse / eps_fine) ** 0.5\n",
             r"step_ratio = 90\.5 for float16 .* is 0\.65 decades above"),
            # the two exponents swapped
            ("def float_format_ratios(eps_fine, eps_coarse, order):\n"
             "    r = eps_coarse / eps_fine\n    return r ** (2 / 3), r ** (1 / 3)\n",
             r"step_ratio = 406 for float16 .* is 1\.30 decades above"),
            # the step right, the error taken to grow like the precision itself
            ("def float_format_ratios(eps_fine, eps_coarse, order):\n"
             "    r = eps_coarse / eps_fine\n    return r ** (1 / 3), r\n",
             r"error_ratio = 8\.19e\+03 for float16 .* is 1\.30 decades above"),
            # the step right, the error taken to grow like the step
            ("def float_format_ratios(eps_fine, eps_coarse, order):\n"
             "    r = eps_coarse / eps_fine\n    return r ** (1 / 3), r ** (1 / 3)\n",
             r"error_ratio = 20\.2 for float16 .* is 1\.30 decades below"),
            # "the coarser format needs a finer step": the ratios inverted
            ("def float_format_ratios(eps_fine, eps_coarse, order):\n"
             "    r = eps_fine / eps_coarse\n    return r ** (1 / 3), r ** (2 / 3)\n",
             r"step_ratio = 0\.0496 for float16 .* is 2\.61 decades below"),
            # the central difference's exponents whatever the order
            ("def float_format_ratios(eps_fine, eps_coarse, order):\n"
             "    r = eps_coarse / eps_fine\n    return r ** (1 / 3), r ** (2 / 3)\n",
             r"step_ratio = 20\.2 for float16 .* order 1 \(forward difference\) is 0\.65 decades below"),
            # the exponents fitted to the notebook's measurement (x 1e3, x 1e6 for eps x 2^29), order ignored
            ("def float_format_ratios(eps_fine, eps_coarse, order):\n"
             "    r = np.log10(eps_coarse / eps_fine) / np.log10(2.0**29)\n    return 10 ** (3 * r), 10 ** (6 * r)\n",
             r"step_ratio = 22\.1 for float16 .* order 1 \(forward difference\) is 0\.61 decades below"),
            # the print instead of the return
            ("def float_format_ratios(eps_fine, eps_coarse, order):\n    print((eps_coarse / eps_fine) ** (1 / 3))\n",
             r"should return a pair \(step_ratio, error_ratio\), got NoneType"),
        ],
        # judged outside the kernel: measured with the package's numerical gradient, not predicted
        "delegating": [
            "import mlp_from_scratch as mfs\n"
            "def float_format_ratios(eps_fine, eps_coarse, order):\n"
            "    f = lambda p: float(np.sum(np.tanh(p) ** 2))\n"
            "    p64 = np.array([0.3]); g = 2 * np.tanh(0.3) / np.cosh(0.3) ** 2\n"
            "    best = {}\n"
            "    for dtype in (np.float64, np.float32):\n"
            "        p = p64.astype(dtype)\n"
            "        errs = {h: abs(float(mfs.numerical_gradient(lambda: f(p), p, h)[0]) - g) / g for h in np.logspace(0, -10, 21)}\n"
            "        best[dtype] = min(errs, key=errs.get), min(errs.values())\n"
            "    k = np.log(eps_coarse / eps_fine) / np.log(np.finfo(np.float32).eps / np.finfo(np.float64).eps)\n"
            "    return (best[np.float32][0] / best[np.float64][0]) ** k, (best[np.float32][1] / best[np.float64][1]) ** k\n",
        ],
    },
}
