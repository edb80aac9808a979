"""mlp_from_scratch: a small, tested NumPy library for learning how neural networks work.

Arrays are ``(batch, features)`` everywhere; parameters and data are float32 unless you
ask for float64 (gradient checks). Randomness always comes from a ``numpy.random.Generator``
you pass in.
"""

from . import checks
from .activations import (identity, identity_derivative, leaky_relu, leaky_relu_derivative,
                          relu, relu_derivative, sigmoid, sigmoid_derivative, softmax,
                          softmax_jacobian, tanh, tanh_derivative)
from .data import (logic_gate, make_circles, make_moons, make_spirals, one_hot,
                   train_val_split, xor3)
from .gradcheck import (check_layer, check_model, gradient_report, numerical_gradient,
                        relative_error)
from .layers import (BatchNorm, Dense, Dropout, Identity, Layer, LeakyReLU, ReLU, Sigmoid,
                     Softmax, Tanh)
from .losses import (MSE, BinaryCrossEntropy, BinaryCrossEntropyWithLogits, Loss,
                     SoftmaxCrossEntropy)
from .metrics import accuracy, confusion_matrix
from .mnist import DataFileError, load_mnist
from .model import Sequential
from .optimizers import SGD, Adam, AdamW, Optimizer, RMSProp
from .plots import (plot_confusion_matrix, plot_decision_boundary, plot_decision_surface_3d,
                    plot_digits, plot_history)
from .saving import ModelFileError, load_model, load_weights, save_model
from .schedules import step_decay, warmup_cosine
from .training import TrainingDiverged, evaluate, fit, minibatches

__version__ = "0.1.0"
