import matplotlib
import numpy as np
import pytest
from hypothesis import settings

matplotlib.use("Agg")  # tests draw figures without a screen


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(12345)


# Property-based tests draw the same examples on every run, so CI cannot flake on a
# rare draw; a failure found locally is then reproducible everywhere.
settings.register_profile("deterministic", derandomize=True, deadline=None)
settings.load_profile("deterministic")
