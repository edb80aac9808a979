"""Answers that notebook 02's graded checks must reject (wrong) or accept (correct).

Each wrong answer is a mistake students make, paired with a regex of the message that must
catch it; each correct answer is written differently from the reference solution.
"""

FORWARD = "def two_layer_forward(X, W1, b1, W2, b2, activation):\n"
ALL_DEAD = "def p_all_dead(num_inputs, hidden, coding):\n"

ANSWERS = {
    "nb02_forward": {
        "correct": [
            FORWARD + (
                "    H = activation(np.dot(X, W1) + b1[None, :])\n"
                "    return H, np.dot(H, W2) + b2[None, :]\n"),
            FORWARD + (
                "    H = activation(np.einsum('bi,ih->bh', X, W1) + b1)\n"
                "    Z = np.einsum('bh,ho->bo', H, W2)\n"
                "    Z += b2\n"
                "    return H, Z\n"),
        ],
        "wrong": [
            # the hidden bias forgotten
            (FORWARD + "    H = activation(X @ W1)\n    return H, H @ W2 + b2\n",
             r"H for X \(5, 3\) is wrong"),
            # the activation applied to the output layer as well
            (FORWARD + "    H = activation(X @ W1 + b1)\n    return H, activation(H @ W2 + b2)\n",
             r"Z went through the activation"),
            # the bias added after the activation
            (FORWARD + "    H = activation(X @ W1) + b1\n    return H, H @ W2 + b2\n",
             r"H for X .* is wrong"),
            # weights multiplied from the wrong side (a transpose to make the shapes fit)
            (FORWARD + "    H = activation((W1.T @ X.T).T + b1)\n    return H, (W2 @ H.T).T + b2\n",
             r"two_layer_forward raised ValueError"),
            # the inputs centred in place first: the caller's X changes
            (FORWARD + "    X -= X.mean(axis=0)\n    H = activation(X @ W1 + b1)\n    return H, H @ W2 + b2\n",
             r"two_layer_forward changed one of its inputs(, X: a forward pass|$)"),
            # the output computed from X, skipping the hidden layer's activation
            (FORWARD + "    Z1 = X @ W1 + b1\n    return activation(Z1), Z1 @ W2 + b2\n",
             r"Z for X \(5, 3\) is wrong"),
            # a float64 constant added: float32 in, float64 out
            (FORWARD + (
                "    H = activation(X @ W1 + b1 + np.zeros(1))\n"
                "    return H, H @ W2 + b2\n"),
             r"float32 inputs gave H float64"),
        ],
        # judged outside the kernel (tools/judges/nb02.py): the package's layers do the work
        "delegating": [
            "import mlp_from_scratch as mfs\n" + FORWARD + (
                "    dense1 = mfs.Dense(*W1.shape, rng=np.random.default_rng(0), dtype=W1.dtype)\n"
                "    dense2 = mfs.Dense(*W2.shape, rng=np.random.default_rng(0), dtype=W2.dtype)\n"
                "    dense1.params['W'][...], dense1.params['b'][...] = W1, b1\n"
                "    dense2.params['W'][...], dense2.params['b'][...] = W2, b2\n"
                "    H = activation(dense1.forward(X))\n"
                "    return H, dense2.forward(H)\n"),
        ],
    },
    "nb02_xor_relu_weights": {
        "correct": [
            # |x1 - x2| = ReLU(x1 - x2) + ReLU(x2 - x1)
            "W1_relu = np.array([[1.0, -1.0], [-1.0, 1.0]])\nb1_relu = np.zeros(2)\n"
            "W2_relu = np.ones((2, 1))\nb2_relu = np.zeros(1)\n",
            # 1 - ReLU(1 - x1 - x2) - ReLU(x1 + x2 - 1), in float32
            "W1_relu = np.array([[-1, 1], [-1, 1]], dtype=np.float32)\n"
            "b1_relu = np.array([1, -1], dtype=np.float32)\n"
            "W2_relu = -np.ones((2, 1), dtype=np.float32)\nb2_relu = np.ones(1, dtype=np.float32)\n",
        ],
        "wrong": [
            # the step network's weights from section 1, reused with ReLU and no threshold
            ("W1_relu = np.array([[1.0, -1.0], [1.0, -1.0]])\nb1_relu = np.array([-0.5, 1.5])\n"
             "W2_relu = np.array([[1.0], [1.0]])\nb2_relu = np.array([-1.5])\n",
             r"output for input \(0, 1\) is -0\.5"),
            # the right idea with the wrong weight on the 'both on' unit
            ("W1_relu = np.array([[1.0, 1.0], [1.0, 1.0]])\nb1_relu = np.array([0.0, -1.0])\n"
             "W2_relu = np.array([[1.0], [-1.0]])\nb2_relu = np.array([0.0])\n",
             r"output for input \(1, 1\) is 1"),
            # not a network: the answer itself in place of the weights
            ("X_xor, _ = mfs.logic_gate('xor')\nW1_relu = X_xor.sum(1) % 2\nb1_relu = np.zeros(2)\n"
             "W2_relu = np.ones((2, 1))\nb2_relu = np.zeros(1)\n",
             r"W1_relu has shape \(4,\), expected \(2, 2\)"),
            # W2 as a vector
            ("W1_relu = np.array([[1.0, 1.0], [1.0, 1.0]])\nb1_relu = np.array([0.0, -1.0])\n"
             "W2_relu = np.array([1.0, -2.0])\nb2_relu = np.array([0.0])\n",
             r"W2_relu has shape \(2,\), expected \(2, 1\)"),
            # lists instead of arrays
            ("W1_relu = [[1, 1], [1, 1]]\nb1_relu = [0, -1]\nW2_relu = [[1], [-2]]\nb2_relu = [0]\n",
             r"W1_relu should be a NumPy array"),
            # left unanswered
            ("W1_relu = None\nb1_relu = None\nW2_relu = None\nb2_relu = None\n", r"W1_relu is None"),
        ],
        # weights taken from the package's layers instead of reasoned out
        "delegating": [
            "import mlp_from_scratch as mfs\n"
            "net = mfs.Sequential(mfs.Dense(2, 2, rng=np.random.default_rng(0)), mfs.ReLU(),\n"
            "                     mfs.Dense(2, 1, rng=np.random.default_rng(1)))\n"
            "W1_relu, b1_relu = net.layers[0].params['W'], net.layers[0].params['b']\n"
            "W2_relu, b2_relu = net.layers[2].params['W'], net.layers[2].params['b']\n",
        ],
    },
    "nb02_all_dead": {
        "correct": [
            ALL_DEAD + "    if coding != '0/1':\n"
                       "        return 0.0\n"
                       "    return (1 / 2 ** num_inputs) ** hidden\n",
            # a unit dies unless some input makes z > 0; with ±1 bits one of x, -x always does
            ALL_DEAD + "    p_unit = 0.5 ** num_inputs if coding == '0/1' else 0\n"
                       "    return float(p_unit ** hidden)\n",
        ],
        "wrong": [
            # one unit's probability
            (ALL_DEAD + "    return 0.5 ** num_inputs\n", r"is not the fraction of fresh 2-4 layers dead"),
            # one weight per unit
            (ALL_DEAD + "    return 0.5 ** hidden\n", r"is not the fraction of fresh 2-4 layers dead"),
            # at least one unit dead instead of all of them
            (ALL_DEAD + "    return 1 - (1 - 0.5 ** num_inputs) ** hidden\n", r"is not the fraction of fresh 2-4 layers dead"),
            # the coding ignored: ±1 bits treated as 0/1
            (ALL_DEAD + "    return 0.5 ** (num_inputs * hidden)\n", r"p_all_dead\(2, 4, '±1'\) = 0\.00390625 is not the probability"),
            # "one in 256" written as 256
            (ALL_DEAD + "    return 2 ** (num_inputs * hidden)\n", r"a probability lies between 0 and 1"),
            # right for 0/1, but False for ±1 (a conditional expression's other branch): not a number
            (ALL_DEAD + "    return 0.5 ** (num_inputs * hidden) if coding == '0/1' else False\n",
             r"p_all_dead\(2, 4, '±1'\) should be a number, got bool"),
        ],
        # the fraction counted on the package's fresh layers rather than reasoned out
        "delegating": [
            ALL_DEAD + "    import mlp_from_scratch as mfs\n"
                       "    dead = [(mfs.Dense(num_inputs, hidden, rng=np.random.default_rng(s)).params['W'] < 0).all()\n"
                       "            for s in range(2000)]\n"
                       "    return float(np.mean(dead))\n",
        ],
    },
}
