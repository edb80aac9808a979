"""Answers that notebook 02's graded checks must reject (wrong) or accept (correct).

Each wrong answer is a mistake students make, paired with a regex of the message that must
catch it; each correct answer is written differently from the reference solution.
"""

PARITY = "def parity_weights(n):\n"
ALL_DEAD = "def p_all_dead(num_inputs, hidden, coding):\n"

ANSWERS = {
    "nb02_parity": {
        "correct": [
            # the same count, every weight scaled by 2 (the thresholds at odd numbers, far from 0)
            PARITY + "    k = np.arange(1, n + 1)\n"
                     "    W2 = np.array([[(-1.0) ** (j + 1)] for j in k])\n"
                     "    return 2 * np.ones((n, n)), 1.0 - 2 * k, W2, np.array([0.0])\n",
            # unit k fires when at least k inputs are 1, written with a loop and float32
            PARITY + "    W1 = np.ones((n, n), dtype=np.float32)\n"
                     "    b1 = np.array([-(k - 0.5) for k in range(1, n + 1)], dtype=np.float32)\n"
                     "    W2 = np.array([[1.0 if k % 2 else -1.0] for k in range(1, n + 1)], dtype=np.float32)\n"
                     "    return W1, b1, W2, np.array([-0.25], dtype=np.float32)\n",
        ],
        "wrong": [
            # section 1's XOR network, whatever n
            (PARITY + "    return (np.array([[1.0, -1.0], [1.0, -1.0]]), np.array([-0.5, 1.5]),\n"
                      "            np.array([[1.0], [1.0]]), np.array([-1.5]))\n",
             r"W1 has shape \(2, 2\), expected \(3, hidden\)"),
            # the thresholds on the integers: step(0) = 0, so unit k fires only above k
            (PARITY + "    k = np.arange(1, n + 1)\n"
                      "    return np.ones((n, n)), -k.astype(float), np.where(k % 2, 1.0, -1.0)[:, None], np.array([-0.5])\n",
             r"for n = 2 the network gives 0 on the input 01, whose parity is 1"),
            # every unit counted with +1: "at least one" and "at least two" both add up
            (PARITY + "    k = np.arange(1, n + 1)\n"
                      "    return np.ones((n, n)), 0.5 - k, np.ones((n, 1)), np.array([-0.5])\n",
             r"for n = 2 the network gives 1 on the input 11, whose parity is 0"),
            # one hidden unit per odd input pattern: right, but 2^(n-1) units
            (PARITY + "    import itertools\n"
                      "    odd = [p for p in itertools.product([0, 1], repeat=n) if sum(p) % 2]\n"
                      "    W1 = np.array([[1.0 if bit else -1.0 for bit in p] for p in odd]).T\n"
                      "    b1 = np.array([0.5 - sum(p) for p in odd])\n"
                      "    return W1, b1, np.ones((len(odd), 1)), np.array([-0.5])\n",
             r"parity_weights\(3\) uses 4 hidden units; at most 3 are allowed"),
            # the two checked sizes written out by hand, section 1's network otherwise
            (PARITY + "    if n == 3:\n"
                      "        return (np.ones((3, 3)), np.array([-0.5, -1.5, -2.5]), np.array([[1.0], [-1.0], [1.0]]),\n"
                      "                np.array([-0.5]))\n"
                      "    return (np.array([[1.0, -1.0], [1.0, -1.0]]), np.array([-0.5, 1.5]),\n"
                      "            np.array([[1.0], [1.0]]), np.array([-1.5]))\n",
             r"W1 has shape \(2, 2\), expected \(1, hidden\)"),
            # lists, not arrays
            (PARITY + "    k = list(range(1, n + 1))\n"
                      "    return [[1.0] * n] * n, [0.5 - j for j in k], [[(-1.0) ** (j + 1)] for j in k], [-0.5]\n",
             r"W1 should be a NumPy array, got list"),
        ],
        # judged outside the kernel (tools/judges/nb02.py): the package cannot even be imported
        "delegating": [
            "import mlp_from_scratch as mfs\n" + PARITY
            + "    k = np.arange(1, n + 1)\n"
              "    return np.ones((n, n)), 0.5 - k, np.where(k % 2, 1.0, -1.0)[:, None], np.array([-0.5])\n",
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
            # a quarter per unit, as for XOR's two inputs, whatever the number of inputs: right on the
            # check's 2-4 layer, so only the autograder's other layers catch it
            (ALL_DEAD + "    return 0.25 ** hidden if coding == '0/1' else 0.0\n",
             r"p_all_dead\(3, 2, '0/1'\) = 0\.0625 is not the probability"),
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
