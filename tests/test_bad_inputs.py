"""Bad inputs across the public API (issue 12): every one gets a correct result or a
``ValueError`` / ``TypeError`` (or the package's subclass) whose message names the problem.

Three parts:

* ``CASES``: one row per bad input, run in this process: the call, the exception type
  and a regex the message must match (the argument's name, the value, or the fix).
* ``KERNEL_CASES``: inputs that reach the compiled loops, which do no bounds checking.
  A mistake in the checks before them would not raise, it would kill the interpreter,
  so they run in a child process (one for all, restarted after a crash, so a crash fails
  its own case and the rest still run).
* Property-based tests (hypothesis) over argument values and shapes.
"""

from __future__ import annotations

import gzip
import json
import math
import os
import struct
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mlp_from_scratch as mfs
from mlp_from_scratch.mnist import read_idx

CLEAR = (ValueError, TypeError)  # the package's ModelFileError etc. are ValueErrors
f32 = np.float32


def rng(seed=0):
    return np.random.default_rng(seed)


def xor_model(*, bn=False, dtype=np.float32):
    r = rng(0)
    middle = [mfs.BatchNorm(4, dtype=dtype)] if bn else []
    return mfs.Sequential(mfs.Dense(2, 4, rng=r, dtype=dtype), *middle, mfs.Tanh(),
                          mfs.Dense(4, 2, rng=r, dtype=dtype))


def fit_xor(model=None, X=None, y=None, **overrides):
    X0, y0 = mfs.logic_gate("xor")
    kwargs = dict(loss=mfs.SoftmaxCrossEntropy(), optimizer=mfs.SGD(0.1), num_epochs=2,
                  batch_size=2, rng=rng(1))
    kwargs.update(overrides)
    return mfs.fit(model if model is not None else xor_model(), X0 if X is None else X,
                   y0 if y is None else y, **kwargs)


def forward_then(layer, x, grad):
    layer.forward(x, training=True)
    return layer.backward(grad)


def step_twice(opt, first, second):
    opt.step(*first)
    return opt.step(*second)


# --- files -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def saved(tmp_path_factory) -> Path:
    r = rng(3)
    model = mfs.Sequential(mfs.Dense(3, 4, rng=r), mfs.BatchNorm(4), mfs.LeakyReLU(0.1),
                           mfs.Dropout(0.2, rng=r), mfs.Dense(4, 2, rng=r))
    mfs.fit(model, r.standard_normal((20, 3)), r.integers(0, 2, 20),
            loss=mfs.SoftmaxCrossEntropy(), optimizer=mfs.Adam(0.01), num_epochs=2,
            batch_size=8, rng=r)
    return mfs.save_model(model, tmp_path_factory.mktemp("models") / "good.npz")


def twin_model():
    r = rng(4)
    return mfs.Sequential(mfs.Dense(3, 4, rng=r), mfs.BatchNorm(4), mfs.LeakyReLU(0.1),
                          mfs.Dropout(0.2, rng=r), mfs.Dense(4, 2, rng=r))


def members(path):
    with np.load(path) as f:
        return {k: f[k] for k in f.files}


def edited(saved, tmp_path, *, arrays=None, architecture=None, name="edited.npz"):
    """A copy of ``saved`` with some arrays replaced and the architecture edited."""
    content = members(saved)
    arch = json.loads(str(content["architecture"]))
    if architecture is not None:
        architecture(arch)
    content["architecture"] = np.array(json.dumps(arch))
    for key, value in (arrays or {}).items():
        if value is None:
            content.pop(key)
        else:
            content[key] = value
    path = tmp_path / name
    np.savez(path, **content)
    return path


def set_config(index, key, value):
    return lambda arch: arch["layers"][index]["config"].__setitem__(key, value)


FILE_CASES = [
    ("npy file", lambda s, t: mfs.load_model(_npy(t)), r"not a zip.*\.npy"),
    ("text file", lambda s, t: mfs.load_model(_write(t / "a.npz", b"hello")), "not a readable model file"),
    ("empty file", lambda s, t: mfs.load_model(_write(t / "e.npz", b"")), "not a readable model file"),
    ("missing file", lambda s, t: mfs.load_model(t / "nothing.npz"), "not a readable model file"),
    ("a folder", lambda s, t: mfs.load_model(t), "not a readable model file"),
    ("path is an int", lambda s, t: mfs.load_model(3), "path must be a str"),
    ("deeply nested JSON", lambda s, t: mfs.load_model(_arch_text(t, "[" * 100_000 + "]" * 100_000)),
     "nested too deeply"),
    ("JSON list", lambda s, t: mfs.load_model(_arch_text(t, "[1, 2]")), "not a JSON object"),
    ("JSON not JSON", lambda s, t: mfs.load_model(_arch_text(t, "{nope")), "not a readable model file"),
    ("JSON huge int", lambda s, t: mfs.load_model(_arch_text(t, "9" * 5000)), "not a readable model file"),
    ("architecture numeric", lambda s, t: mfs.load_model(_arch_array(t, np.arange(3))), "not a JSON string"),
    ("architecture huge", lambda s, t: mfs.load_model(_arch_array(t, np.array("x" * 300_000))),
     "more than the .* allowed"),
    ("layers not a list", lambda s, t: mfs.load_model(edited(s, t, architecture=lambda a: a.__setitem__("layers", 5))),
     "malformed"),
    ("layers empty", lambda s, t: mfs.load_model(edited(s, t, architecture=lambda a: a.__setitem__("layers", []))),
     "malformed"),
    ("layer spec a string", lambda s, t: mfs.load_model(edited(s, t, architecture=lambda a: a["layers"].__setitem__(0, "Dense"))),
     "malformed"),
    ("config a list", lambda s, t: mfs.load_model(edited(s, t, architecture=lambda a: a["layers"][0].__setitem__("config", [3, 4]))),
     "malformed"),
    ("dtype a dict", lambda s, t: mfs.load_model(edited(s, t, architecture=lambda a: a.__setitem__("dtype", {"x": 1}))),
     "dtype"),
    ("dtype complex", lambda s, t: mfs.load_model(edited(s, t, architecture=lambda a: a.__setitem__("dtype", "complex64"))),
     "unsupported dtype"),
    ("format other", lambda s, t: mfs.load_model(edited(s, t, architecture=lambda a: a.__setitem__("format", "keras"))),
     "format 'keras'"),
    ("size a float", lambda s, t: mfs.load_model(edited(s, t, architecture=set_config(0, "in_features", 3.0))),
     "in_features is 3.0"),
    ("size a bool", lambda s, t: mfs.load_model(edited(s, t, architecture=set_config(0, "in_features", True))),
     "in_features is True"),
    ("size negative", lambda s, t: mfs.load_model(edited(s, t, architecture=set_config(0, "out_features", -4))),
     "out_features is -4"),
    ("huge declared layer", lambda s, t: mfs.load_model(edited(
        s, t, architecture=lambda a: a["layers"][0]["config"].update(in_features=10**6, out_features=10**6))),
     r"smaller than shape \(1000000, 1000000\)|different|do not match"),
    ("huge declared batchnorm", lambda s, t: mfs.load_model(edited(s, t, architecture=set_config(1, "num_features", 10**9))),
     "smaller than shape|do not match"),
    ("NaN LeakyReLU alpha", lambda s, t: mfs.load_model(edited(s, t, architecture=set_config(2, "alpha", float("nan")))),
     "alpha"),
    ("negative BatchNorm eps", lambda s, t: mfs.load_model(edited(s, t, architecture=set_config(1, "eps", -1e-5))),
     "eps"),
    ("BatchNorm momentum 2", lambda s, t: mfs.load_model(edited(s, t, architecture=set_config(1, "momentum", 2.0))),
     "momentum"),
    ("Dropout p 1", lambda s, t: mfs.load_model(edited(s, t, architecture=set_config(3, "p", 1.0))), "Dropout"),
    ("Dense init bogus", lambda s, t: mfs.load_model(edited(s, t, architecture=set_config(0, "init", "zeros"))),
     "unknown init"),
    ("Dense init a number", lambda s, t: mfs.load_model(edited(s, t, architecture=set_config(0, "init", 3))),
     "unknown init"),
    ("negative running variance", lambda s, t: mfs.load_model(edited(s, t, arrays={"1.running_var": -np.ones(4, f32)})),
     "negative variance"),
    ("inf in an array", lambda s, t: mfs.load_model(edited(s, t, arrays={"0.b": np.full(4, np.inf, f32)})),
     "NaN or infinity"),
    ("Fortran-order array", lambda s, t: mfs.load_model(edited(s, t, arrays={"0.W": np.asfortranarray(np.ones((3, 4), f32))})),
     None),  # a correct result: read in its own order
    ("int array", lambda s, t: mfs.load_model(edited(s, t, arrays={"0.b": np.zeros(4, np.int32)})), "expected float32"),
    ("structured array", lambda s, t: mfs.load_model(edited(s, t, arrays={"0.b": np.zeros(4, [("a", f32)])})),
     "expected float32"),
    ("array of objects", lambda s, t: mfs.load_model(edited(s, t, arrays={"0.b": np.array([None] * 4)})), "pickle"),
    ("missing array", lambda s, t: mfs.load_model(edited(s, t, arrays={"4.W": None})), "do not match"),
]


def _write(path, data):
    path.write_bytes(data)
    return path


def _npy(tmp):
    np.save(tmp / "x.npy", np.zeros(3))
    return tmp / "x.npy"


def _arch_text(tmp, text):
    path = tmp / "arch.npz"
    np.savez(path, architecture=np.array(text))
    return path


def _arch_array(tmp, value):
    path = tmp / "arch.npz"
    np.savez(path, architecture=value)
    return path


@pytest.mark.parametrize("case", FILE_CASES, ids=[c[0] for c in FILE_CASES])
def test_bad_model_file(case, saved, tmp_path):
    _, call, pattern = case
    if pattern is None:
        assert isinstance(call(saved, tmp_path), mfs.Sequential)
        return
    with pytest.raises(CLEAR, match=pattern):
        call(saved, tmp_path)


def test_every_single_bit_flip_in_the_zip_headers_is_a_clear_error_or_a_correct_load(saved, tmp_path):
    data = saved.read_bytes()
    reference = mfs.load_model(saved)
    X = rng(5).standard_normal((4, 3)).astype(f32)
    with zipfile.ZipFile(saved) as z:
        # the local headers and the central directory: where a flip changes the structure
        offsets = [info.header_offset for info in z.infolist()]
    central = data.rfind(b"PK\x01\x02", 0, data.rfind(b"PK\x05\x06") + 1)
    positions = sorted({o + k for o in offsets for k in range(0, 30)} |
                       set(range(max(central - 200, 0), len(data))))
    outcomes = {"error": 0, "same model": 0}
    for i in positions[::3]:  # every third byte keeps the test fast; each bit of it
        for bit in (0, 3, 7):
            damaged = bytearray(data)
            damaged[i] ^= 1 << bit
            path = _write(tmp_path / "flip.npz", bytes(damaged))
            try:
                model = mfs.load_model(path)
            except mfs.ModelFileError as err:
                assert str(path) in str(err)
                outcomes["error"] += 1
            else:  # the flip hit a field nothing depends on (a time stamp, a comment)
                np.testing.assert_array_equal(model.predict(X), reference.predict(X))
                outcomes["same model"] += 1
    assert outcomes["error"] > 50


def test_load_weights_leaves_the_model_unchanged_when_a_late_array_is_bad(saved, tmp_path):
    path = edited(saved, tmp_path, arrays={"4.b": np.full(2, np.nan, f32)})
    model = twin_model()
    before = model.param_vector.copy(), [b.copy() for layer in model for b in layer.buffers.values()]
    with pytest.raises(mfs.ModelFileError, match=r"4\.b contains NaN"):
        mfs.load_weights(model, path)
    np.testing.assert_array_equal(model.param_vector, before[0])
    for b, old in zip([b for layer in model for b in layer.buffers.values()], before[1]):
        np.testing.assert_array_equal(b, old)


def test_a_member_that_lies_about_its_size_is_refused_before_reading(saved, tmp_path):
    # Declares a 4-element float32 bias, but the member's .npy header claims 10**9 rows:
    # the header is read and compared before any data, so nothing large is allocated.
    path = edited(saved, tmp_path)
    with zipfile.ZipFile(path) as z:
        content = {n: z.read(n) for n in z.namelist()}
    header = content["0.b.npy"]
    content["0.b.npy"] = header.replace(b"(4,)", b"(1000000000,)".ljust(4)[:13])
    with zipfile.ZipFile(tmp_path / "lie.npz", "w") as z:
        for n, data in content.items():
            z.writestr(n, data)
    with pytest.raises(mfs.ModelFileError, match=r"0\.b"):
        mfs.load_model(tmp_path / "lie.npz")


def test_a_zip_bomb_member_is_refused_from_its_sizes(saved, tmp_path):
    content = members(saved)
    content["0.b"] = np.zeros(50_000_000, np.uint8)  # 50 MB of zeros deflate to ~50 kB
    np.savez_compressed(tmp_path / "bomb.npz", **content)
    with pytest.raises(mfs.ModelFileError, match=r"0\.b is larger than shape \(4,\)"):
        mfs.load_model(tmp_path / "bomb.npz")


def test_save_is_atomic_and_keeps_the_old_file_when_it_fails(saved, tmp_path, monkeypatch):
    path = tmp_path / "keep.npz"
    path.write_bytes(saved.read_bytes())
    model = twin_model()

    def broken_savez(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(np, "savez", broken_savez)
    with pytest.raises(OSError, match="disk full"):
        mfs.save_model(model, path)
    monkeypatch.undo()
    assert path.read_bytes() == saved.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.npz"]  # no temporary left
    mfs.save_model(model, path)
    np.testing.assert_array_equal(mfs.load_model(path).param_vector, model.param_vector)


def test_save_refuses_a_diverged_model_and_a_missing_folder(tmp_path):
    model = twin_model()
    model.param_vector[3] = np.nan
    with pytest.raises(ValueError, match="NaN or infinity.*diverge"):
        mfs.save_model(model, tmp_path / "m")
    with pytest.raises(FileNotFoundError, match="does not exist"):
        mfs.save_model(twin_model(), tmp_path / "no" / "such" / "m")
    with pytest.raises(TypeError, match="class Sequential"):
        mfs.save_model(mfs.Sequential, tmp_path / "m")
    with pytest.raises(TypeError, match="path must be"):
        mfs.save_model(twin_model(), 42)


# --- MNIST files -------------------------------------------------------------------------

def gz(path, content):
    with gzip.open(path, "wb") as f:
        f.write(content)
    return path


def mnist_folder(tmp, images, labels, sums=None):
    from mlp_from_scratch.mnist import FILES
    gz(tmp / FILES["test"][0], images)
    gz(tmp / FILES["test"][1], labels)
    if sums is None:
        import hashlib
        sums = "".join(f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.name}\n"
                       for p in sorted(tmp.glob("*.gz"))).encode()
    (tmp / "SHA256SUMS").write_bytes(sums)
    return tmp


def set_trailer(path, size):
    """Rewrite a gzip file's trailer (the uncompressed size mod 2**32) to lie."""
    data = bytearray(path.read_bytes())
    data[-4:] = struct.pack("<I", size % 2**32)
    path.write_bytes(bytes(data))


def test_mnist_header_claiming_gigabytes_is_refused_before_reading(tmp_path):
    # The header claims 10**5 x 28 x 28 images and the gzip trailer is made to agree, so
    # only the bound from MNIST's own shapes stands between it and a 78 MB read.
    claimed = (100_000, 28, 28)
    path = gz(tmp_path / "img.gz", struct.pack(">IIII", 2051, *claimed) + bytes(100))
    set_trailer(path, 16 + math.prod(claimed))
    with pytest.raises(mfs.DataFileError, match=r"claims shape \(100000, 28, 28\), larger than"):
        read_idx(path, magic=2051, verify=False, max_shape=(60000, 28, 28))
    big = gz(tmp_path / "lab.gz", struct.pack(">II", 2049, 4_000_000_000))
    set_trailer(big, 8 + 4_000_000_000)
    with pytest.raises(mfs.DataFileError, match="larger than"):
        read_idx(big, magic=2049, verify=False)


@pytest.mark.parametrize("sums,pattern", [
    (bytes(range(256)) * 4, "not a text file of checksums"),
    (b"\xff\xfe binary", "not a text file"),
    (b"x" * 100_000, "too large for a checksum list"),
    (b"", "has no checksum"),
])
def test_bad_checksum_files(tmp_path, sums, pattern):
    folder = mnist_folder(tmp_path, struct.pack(">IIII", 2051, 1, 28, 28) + bytes(784),
                          struct.pack(">II", 2049, 1) + bytes(1), sums=sums)
    with pytest.raises(mfs.DataFileError, match=pattern):
        mfs.load_mnist("test", data_dir=folder)


@pytest.mark.parametrize("kwargs,pattern", [
    (dict(split="validation"), "split must be 'train' or 'test'"),
    (dict(split=0), "split must be"),
    (dict(normalize="minmax"), "normalize must be"),
    (dict(normalize=True), "normalize must be"),
    (dict(flatten="yes"), "flatten must be True or False"),
    (dict(verify=None), "verify must be True or False"),
    (dict(data_dir=123), "data_dir must be a folder path"),
])
def test_bad_mnist_arguments(kwargs, pattern):
    with pytest.raises(CLEAR, match=pattern):
        mfs.load_mnist(**kwargs)


@pytest.mark.parametrize("magic,pattern", [(0x0903, "magic"), (2050, None), ("2051", "magic"),
                                           (True, "magic"), (0x0800, "magic"), (0x0805, "magic")])
def test_bad_idx_magic(tmp_path, magic, pattern):
    path = gz(tmp_path / "lab.gz", struct.pack(">III", 2050, 1, 1) + bytes(1))
    if pattern is None:  # a valid 2-D magic number: read correctly
        assert read_idx(path, magic=magic, verify=False).shape == (1, 1)
        return
    with pytest.raises(CLEAR, match=pattern):
        read_idx(path, magic=magic, verify=False)


def test_mnist_labels_above_nine_and_a_small_valid_split(tmp_path):
    images = struct.pack(">IIII", 2051, 2, 28, 28) + bytes(2 * 784)
    folder = mnist_folder(tmp_path, images, struct.pack(">II", 2049, 2) + bytes([3, 12]))
    with pytest.raises(mfs.DataFileError, match="digits 0..9, found 12"):
        mfs.load_mnist("test", data_dir=folder)
    folder = mnist_folder(tmp_path, images, struct.pack(">II", 2049, 2) + bytes([3, 7]))
    X, y = mfs.load_mnist("test", data_dir=folder, normalize="scale", flatten=True)
    assert X.shape == (2, 784) and X.dtype == np.float32 and y.tolist() == [3, 7]


# --- everything else, in this process ----------------------------------------------------

def _nan_labels_model():
    return mfs.Sequential(mfs.Dense(2, 1, rng=rng()))


X4 = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], f32)
Y4 = np.array([0, 1, 1, 0])

CASES = [
    # (id, call, exception, regex)
    # constructors: sizes, rng, dtypes
    ("Dense float size", lambda: mfs.Dense(2.0, 3, rng=rng()), TypeError, "in_features must be an integer, got 2.0.*use 2"),
    ("Dense str size", lambda: mfs.Dense("2", 3, rng=rng()), TypeError, "in_features must be an integer, got '2'"),
    ("Dense bool size", lambda: mfs.Dense(True, 3, rng=rng()), TypeError, "in_features must be an integer, got True"),
    ("Dense zero size", lambda: mfs.Dense(2, 0, rng=rng()), ValueError, "out_features must be an integer >= 1, got 0"),
    ("Dense negative size", lambda: mfs.Dense(-2, 3, rng=rng()), ValueError, "in_features.*got -2"),
    ("Dense numpy int size", lambda: mfs.Dense(np.int64(2), 3, rng=rng()), None, None),
    ("Dense seed as rng", lambda: mfs.Dense(2, 3, rng=0), TypeError, r"rng must be a numpy.random.Generator.*default_rng\(seed\)"),
    ("Dense RandomState", lambda: mfs.Dense(2, 3, rng=np.random.RandomState(0)), TypeError, "RandomState.*default_rng"),
    ("Dense np.random module", lambda: mfs.Dense(2, 3, rng=np.random), TypeError, "default_rng"),
    ("Dense int dtype", lambda: mfs.Dense(2, 3, rng=rng(), dtype=np.int32), TypeError, "dtype must be np.float32 or np.float64, got int32"),
    ("Dense float16", lambda: mfs.Dense(2, 3, rng=rng(), dtype=np.float16), TypeError, "float16"),
    ("Dense bogus dtype", lambda: mfs.Dense(2, 3, rng=rng(), dtype="banana"), TypeError, "dtype"),
    ("Dense init None", lambda: mfs.Dense(2, 3, rng=rng(), init=None), ValueError, "unknown init"),
    ("BatchNorm float size", lambda: mfs.BatchNorm(4.5), TypeError, "num_features must be an integer"),
    ("BatchNorm zero size", lambda: mfs.BatchNorm(0), ValueError, "num_features must be an integer >= 1"),
    ("BatchNorm momentum > 1", lambda: mfs.BatchNorm(3, momentum=1.1), ValueError, r"momentum must be a finite number in \[0, 1\], got 1.1.*PyTorch"),
    ("BatchNorm momentum < 0", lambda: mfs.BatchNorm(3, momentum=-0.1), ValueError, "momentum"),
    ("BatchNorm momentum NaN", lambda: mfs.BatchNorm(3, momentum=float("nan")), ValueError, "momentum.*nan"),
    ("BatchNorm momentum str", lambda: mfs.BatchNorm(3, momentum="0.9"), TypeError, "momentum must be a real number"),
    ("BatchNorm momentum 1 (frozen)", lambda: mfs.BatchNorm(3, momentum=1.0), None, None),
    ("BatchNorm eps 0", lambda: mfs.BatchNorm(3, eps=0), ValueError, "eps must be a finite number > 0"),
    ("BatchNorm eps negative", lambda: mfs.BatchNorm(3, eps=-1e-5), ValueError, "eps"),
    ("BatchNorm eps inf", lambda: mfs.BatchNorm(3, eps=float("inf")), ValueError, "eps"),
    ("Dropout p 1", lambda: mfs.Dropout(1.0, rng=rng()), ValueError, r"p must be a finite number in \[0, 1\)"),
    ("Dropout p NaN", lambda: mfs.Dropout(float("nan"), rng=rng()), ValueError, "Dropout probability p"),
    ("Dropout p str", lambda: mfs.Dropout("0.5", rng=rng()), TypeError, "Dropout probability p must be a real number"),
    ("Dropout p negative", lambda: mfs.Dropout(-0.1, rng=rng()), ValueError, "Dropout probability p"),
    ("Dropout seed as rng", lambda: mfs.Dropout(0.5, rng=42), TypeError, "default_rng"),
    ("LeakyReLU alpha NaN", lambda: mfs.LeakyReLU(float("nan")), ValueError, "alpha"),
    ("LeakyReLU alpha str", lambda: mfs.LeakyReLU("0.1"), TypeError, "alpha must be a real number"),
    ("LeakyReLU alpha complex", lambda: mfs.LeakyReLU(1j), TypeError, "alpha"),
    # Sequential
    ("Sequential of a list", lambda: mfs.Sequential([mfs.ReLU()]), TypeError, r"Sequential\(\*layers\)"),
    ("Sequential empty", lambda: mfs.Sequential(), ValueError, "at least one layer"),
    ("Sequential with a class", lambda: mfs.Sequential(mfs.Dense(2, 3, rng=rng()), mfs.ReLU), TypeError, r"did you mean ReLU\(\)"),
    ("Sequential with a function", lambda: mfs.Sequential(mfs.relu), TypeError, "not a Layer"),
    ("Sequential with a number", lambda: mfs.Sequential(3), TypeError, "not a Layer"),
    ("same ReLU twice", lambda: (lambda a: mfs.Sequential(mfs.Dense(2, 2, rng=rng()), a, mfs.Dense(2, 2, rng=rng()), a))(mfs.ReLU()),
     ValueError, r"layer 3 is the same ReLU\(\) object as layer 1.*own instance"),
    ("same Dense twice", lambda: (lambda d: mfs.Sequential(d, mfs.Tanh(), d))(mfs.Dense(2, 2, rng=rng())),
     ValueError, "same Dense.*object as layer 0"),
    ("mixed dtypes", lambda: mfs.Sequential(mfs.Dense(2, 2, rng=rng()), mfs.Dense(2, 2, rng=rng(), dtype=np.float64)),
     ValueError, "one dtype"),
    ("sizes do not chain", lambda: mfs.Sequential(mfs.Dense(2, 3, rng=rng()), mfs.Dense(4, 1, rng=rng())), ValueError, "expects 4 input features"),
    # model forward / backward / predict
    ("forward NaN input", lambda: xor_model().forward(np.array([[np.nan, 0]])), ValueError, "input x contains NaN"),
    ("forward inf input", lambda: xor_model().forward(np.array([[np.inf, 0]] * 3)), ValueError, "NaN or infinity"),
    ("forward complex input", lambda: xor_model().forward(np.ones((2, 2)) * 1j), TypeError, "complex.*x.real"),
    ("forward string input", lambda: xor_model().forward(np.array([["a", "b"]])), TypeError, "must hold numbers"),
    ("forward object input", lambda: xor_model().forward(np.array([[None, 1]], dtype=object)), TypeError, "must hold numbers"),
    ("forward ragged list", lambda: xor_model().forward([[1, 2], [3]]), TypeError, "cannot be made into an array"),
    ("forward 1-D input", lambda: xor_model().forward(np.ones(2)), ValueError, r"\(batch, 2\).*\(2,\)"),
    ("forward images", lambda: xor_model().forward(np.ones((3, 1, 2))), ValueError, "reshape"),
    ("forward wrong width", lambda: xor_model().forward(np.ones((3, 5))), ValueError, r"\(batch, 2\).*\(3, 5\)"),
    ("forward bool input", lambda: xor_model().forward(np.array([[True, False]])), None, None),
    ("forward list input", lambda: xor_model().forward([[0.0, 1.0]]), None, None),
    ("forward int input", lambda: xor_model().forward(np.array([[0, 1]])), None, None),
    ("backward before forward", lambda: xor_model().backward(np.ones((1, 2))), ValueError, "before forward"),
    ("backward wrong rows", lambda: (lambda mdl: (mdl.forward(X4, True), mdl.backward(np.ones((3, 2)))))(xor_model()),
     ValueError, r"grad_out has shape \(3, 2\).*\(4, 2\)"),
    ("backward complex grad", lambda: (lambda mdl: (mdl.forward(X4, True), mdl.backward(np.ones((4, 2)) * 1j)))(xor_model()),
     TypeError, "complex"),
    ("predict batch_size 0", lambda: xor_model().predict(X4, batch_size=0), ValueError, "batch_size must be an integer >= 1"),
    ("predict batch_size float", lambda: xor_model().predict(X4, batch_size=2.5), TypeError, "batch_size must be an integer"),
    ("predict NaN", lambda: xor_model().predict(np.array([[np.nan, 1.0]])), ValueError, "NaN"),
    ("predict complex", lambda: xor_model().predict(X4 * 1j), TypeError, "complex"),
    # layers used directly
    ("Dense backward before forward", lambda: mfs.Dense(2, 3, rng=rng()).backward(np.ones((1, 3))), ValueError, "before forward"),
    ("Dense backward_params wrong shape", lambda: (lambda d: (d.forward(X4), d.backward_params(np.ones((4, 2)))))(mfs.Dense(2, 3, rng=rng())),
     ValueError, r"gradient of shape \(4, 2\).*\(4, 3\)"),
    ("Tanh backward before forward", lambda: mfs.Tanh().backward(np.ones((1, 3))), ValueError, "Tanh.*before forward"),
    ("Sigmoid backward wrong shape", lambda: forward_then(mfs.Sigmoid(), X4, np.ones((4, 3))), ValueError, r"\(4, 3\).*\(4, 2\)"),
    ("Softmax backward before forward", lambda: mfs.Softmax().backward(np.ones((1, 3))), ValueError, "before forward"),
    ("Softmax backward wrong shape", lambda: forward_then(mfs.Softmax(), X4, np.ones((2, 2))), ValueError, "shape"),
    ("Dropout backward before forward", lambda: mfs.Dropout(0.5, rng=rng()).backward(np.ones((1, 3))), ValueError, "before forward"),
    ("Dropout backward wrong shape", lambda: forward_then(mfs.Dropout(0.5, rng=rng()), X4, np.ones((4, 3))), ValueError, "shape"),
    ("BatchNorm backward before forward", lambda: mfs.BatchNorm(2).backward(np.ones((2, 2))), ValueError, "before forward"),
    ("BatchNorm backward wrong rows", lambda: forward_then(mfs.BatchNorm(2), X4, np.ones((3, 2))), ValueError, "shape"),
    ("BatchNorm 1-row batch", lambda: mfs.BatchNorm(2).forward(X4[:1], training=True), ValueError, "1 row.*at least 2"),
    ("BatchNorm 0-row batch", lambda: mfs.BatchNorm(2).forward(X4[:0], training=True), ValueError, "0 row"),
    ("BatchNorm 1 row in evaluation", lambda: mfs.BatchNorm(2).forward(X4[:1], training=False), None, None),
    ("BatchNorm NaN row", lambda: mfs.BatchNorm(2).forward(np.vstack([X4, [[np.nan, 0]]]), training=True), ValueError,
     "NaN or infinity.*left unchanged"),
    ("BatchNorm complex", lambda: mfs.BatchNorm(2).forward(X4 * 1j, training=True), TypeError, "complex"),
    ("Dense complex input", lambda: mfs.Dense(2, 3, rng=rng()).forward(X4 + 0j), TypeError, "complex"),
    ("Dense 1-D input", lambda: mfs.Dense(2, 3, rng=rng()).forward(np.ones(2)), ValueError, r"\(batch, 2\)"),
    ("ReLU string input", lambda: mfs.ReLU().forward(np.array([["1"]])), TypeError, "must hold numbers"),
    ("Tanh list input", lambda: mfs.Tanh().forward([[0.0, 1.0]]), None, None),
    ("a subclass whose forward records only _z", lambda: _own_forward_layer(), None, None),
    # activations
    ("sigmoid complex", lambda: mfs.sigmoid(np.array([1j])), TypeError, "complex"),
    ("softmax scalar", lambda: mfs.softmax(np.float32(3)), ValueError, "scalar"),
    ("softmax list", lambda: mfs.softmax([[1.0, 2.0]]), None, None),
    ("softmax_jacobian 1-D", lambda: mfs.softmax_jacobian(np.ones(3)), ValueError, r"\(batch, classes\)"),
    ("leaky_relu alpha NaN", lambda: mfs.leaky_relu(np.ones(3), alpha=float("nan")), ValueError, "alpha"),
    ("tanh strings", lambda: mfs.tanh(np.array(["a"])), TypeError, "numbers"),
    ("relu bool", lambda: mfs.relu(np.array([True, False])), None, None),
    # optimizers: constructors
    ("lr NaN", lambda: mfs.SGD(float("nan")), ValueError, "learning rate lr must be a finite number > 0, got nan"),
    ("lr inf", lambda: mfs.Adam(float("inf")), ValueError, "learning rate.*inf"),
    ("lr 0", lambda: mfs.Adam(0), ValueError, "learning rate.*> 0"),
    ("lr negative", lambda: mfs.RMSProp(-0.1), ValueError, "learning rate.*-0.1"),
    ("lr str", lambda: mfs.SGD("0.1"), TypeError, "learning rate lr must be a real number"),
    ("lr None", lambda: mfs.SGD(None), TypeError, "learning rate"),
    ("lr complex", lambda: mfs.SGD(0.1 + 0j), TypeError, "learning rate"),
    ("lr numpy float", lambda: mfs.SGD(np.float32(0.1)), None, None),
    ("momentum 1", lambda: mfs.SGD(0.1, momentum=1.0), ValueError, r"momentum must be a finite number in \[0, 1\)"),
    ("momentum negative", lambda: mfs.SGD(0.1, momentum=-0.5), ValueError, "momentum"),
    ("momentum NaN", lambda: mfs.SGD(0.1, momentum=float("nan")), ValueError, "momentum"),
    ("nesterov str", lambda: mfs.SGD(0.1, momentum=0.9, nesterov="yes"), TypeError, "nesterov must be True or False"),
    ("nesterov without momentum", lambda: mfs.SGD(0.1, nesterov=True), ValueError, "Nesterov momentum needs momentum > 0"),
    ("beta1 1", lambda: mfs.Adam(beta1=1.0), ValueError, r"beta1 must be a finite number in \[0, 1\)"),
    ("beta2 1.5", lambda: mfs.Adam(beta2=1.5), ValueError, "beta2"),
    ("beta2 NaN", lambda: mfs.Adam(beta2=float("nan")), ValueError, "beta2"),
    ("Adam eps 0", lambda: mfs.Adam(eps=0.0), ValueError, "eps must be a finite number > 0"),
    ("Adam eps negative", lambda: mfs.Adam(eps=-1e-8), ValueError, "eps"),
    ("rho 1", lambda: mfs.RMSProp(rho=1.0), ValueError, "rho"),
    ("rho negative", lambda: mfs.RMSProp(rho=-0.9), ValueError, "rho"),
    ("RMSProp eps NaN", lambda: mfs.RMSProp(eps=float("nan")), ValueError, "eps"),
    ("weight_decay NaN", lambda: mfs.Adam(weight_decay=float("nan")), ValueError, "weight_decay"),
    ("weight_decay negative", lambda: mfs.SGD(0.1, weight_decay=-1e-4), ValueError, "weight_decay"),
    # optimizers: step
    ("step lr set NaN", lambda: (lambda o: (setattr(o, "lr", float("nan")), o.step([np.zeros(2)], [np.ones(2)])))(mfs.SGD(0.1)),
     ValueError, "learning rate lr.*nan.*schedule"),
    ("step lr set negative", lambda: (lambda o: (setattr(o, "lr", -1.0), o.step([np.zeros(2)], [np.ones(2)])))(mfs.Adam(0.1)),
     ValueError, "learning rate.*-1"),
    ("step lr set str", lambda: (lambda o: (setattr(o, "lr", "big"), o.step([np.zeros(2)], [np.ones(2)])))(mfs.Adam(0.1)),
     TypeError, "learning rate"),
    ("step lr 0 (a schedule's end)", lambda: (lambda o: o.step([np.zeros(2)], [np.ones(2)]))(_lr(mfs.Adam(0.1), 0.0)), None, None),
    ("step weight_decay set NaN", lambda: (lambda o: (setattr(o, "weight_decay", float("nan")), o.step([np.zeros(2)], [np.ones(2)])))(mfs.SGD(0.1)),
     ValueError, "weight_decay"),
    ("step with an array, not a list", lambda: mfs.SGD(0.1).step(np.zeros(3), np.ones(3)), TypeError, r"lists of arrays.*\[model.param_vector\]"),
    ("step with lists of lists", lambda: mfs.SGD(0.1).step([[0.0, 1.0]], [[1.0, 1.0]]), TypeError, "not a NumPy array"),
    ("step int parameters", lambda: mfs.Adam(0.1).step([np.zeros(3, int)], [np.ones(3)]), TypeError, "float32 or float64"),
    ("step complex gradient", lambda: mfs.Adam(0.1).step([np.zeros(3)], [np.ones(3) * 1j]), TypeError, "gradient 0 has dtype complex"),
    ("step read-only parameter", lambda: mfs.SGD(0.1).step([np.broadcast_to(np.zeros(1), (3,))], [np.ones(3)]), ValueError, "read-only"),
    ("step count mismatch", lambda: mfs.SGD(0.1).step([np.zeros(1), np.zeros(1)], [np.zeros(1)]), ValueError, "2 parameter arrays but 1"),
    ("step shape mismatch", lambda: mfs.Adam(0.1).step([np.zeros((2, 3))], [np.zeros((3, 2))]), ValueError, r"\(2, 3\).*\(3, 2\)"),
    ("Adam reused for a larger model", lambda: step_twice(mfs.Adam(0.1), ([np.zeros(6)], [np.ones(6)]), ([np.zeros(9)], [np.ones(9)])),
     ValueError, r"shapes \[\(6,\)\] and now got shapes \[\(9,\)\].*new optimizer.*reset"),
    ("Adam reused for a smaller model", lambda: step_twice(mfs.Adam(0.1), ([np.zeros(9)], [np.ones(9)]), ([np.zeros(6)], [np.ones(6)])),
     ValueError, "new optimizer"),
    ("Adam reused with fewer arrays", lambda: step_twice(mfs.Adam(0.1), ([np.zeros(2), np.zeros(3)], [np.ones(2), np.ones(3)]), ([np.zeros(2)], [np.ones(2)])),
     ValueError, "new optimizer"),
    ("Adam reused at another dtype", lambda: step_twice(mfs.Adam(0.1), ([np.zeros(3)], [np.ones(3)]), ([np.zeros(3, f32)], [np.ones(3, f32)])),
     ValueError, "new optimizer"),
    ("SGD momentum reused for another shape", lambda: step_twice(mfs.SGD(0.1, momentum=0.9), ([np.zeros(3)], [np.ones(3)]), ([np.zeros((3, 1))], [np.ones((3, 1))])),
     ValueError, "velocities"),
    # schedules
    ("warmup_cosine lr NaN", lambda: mfs.warmup_cosine(float("nan"), 1, 10), ValueError, "lr"),
    ("warmup_cosine float steps", lambda: mfs.warmup_cosine(0.1, 1.0, 10), TypeError, "warmup_steps must be an integer"),
    ("warmup_cosine total 0", lambda: mfs.warmup_cosine(0.1, 0, 0), ValueError, "total_steps"),
    ("warmup_cosine negative warm-up", lambda: mfs.warmup_cosine(0.1, -1, 10), ValueError, "warmup_steps"),
    ("warmup_cosine final_lr > lr", lambda: mfs.warmup_cosine(0.1, 1, 10, final_lr=0.5), ValueError, "final_lr"),
    ("warmup_cosine final_lr negative", lambda: mfs.warmup_cosine(0.1, 1, 10, final_lr=-0.1), ValueError, "final_lr"),
    ("step_decay every 0", lambda: mfs.step_decay(0.1, every=0), ValueError, "every"),
    ("step_decay factor 0", lambda: mfs.step_decay(0.1, every=5, factor=0.0), ValueError, "factor"),
    ("step_decay factor > 1", lambda: mfs.step_decay(0.1, every=5, factor=2.0), ValueError, "factor"),
    ("step_decay lr negative", lambda: mfs.step_decay(-0.1, every=5), ValueError, "lr"),
    # losses
    ("MSE 1-D predictions", lambda: mfs.MSE()(np.ones(3), np.ones(3)), ValueError, r"shape \(batch, outputs\).*reshape\(-1, 1\)"),
    ("MSE lists", lambda: mfs.MSE()([[1.0], [2.0]], [1.0, 2.0]), None, None),
    ("MSE int predictions", lambda: mfs.MSE()(np.ones((3, 1), int), np.full(3, 0.5)), TypeError, "dtype int64.*truncate.*astype"),
    ("MSE NaN targets", lambda: mfs.MSE()(np.ones((3, 1), f32), np.array([1, np.nan, 0])), ValueError, "targets y contain NaN"),
    ("MSE inf targets", lambda: mfs.MSE()(np.ones((3, 1), f32), np.array([1, np.inf, 0])), ValueError, "NaN or infinity"),
    ("MSE complex targets", lambda: mfs.MSE()(np.ones((3, 1), f32), np.ones(3) * 1j), TypeError, "complex"),
    ("MSE string targets", lambda: mfs.MSE()(np.ones((3, 1), f32), np.array(["a", "b", "c"])), TypeError, "must hold numbers"),
    ("MSE empty batch", lambda: mfs.MSE()(np.ones((0, 1), f32), np.ones(0)), ValueError, "no rows"),
    ("MSE shape mismatch", lambda: mfs.MSE()(np.ones((3, 2), f32), np.ones((3, 1))), ValueError, r"\(3, 1\).*\(3, 2\)"),
    ("MSE float16", lambda: mfs.MSE()(np.ones((3, 1), np.float16), np.ones(3)), TypeError, "float16"),
    ("BCE probabilities > 1", lambda: mfs.BinaryCrossEntropy()(np.full((2, 1), 1.5, f32), np.ones(2)), ValueError,
     r"probabilities in \[0, 1\].*1.5.*Sigmoid"),
    ("BCE negative probabilities", lambda: mfs.BinaryCrossEntropy()(np.full((2, 1), -0.1, f32), np.ones(2)), ValueError, "WithLogits"),
    ("BCE NaN targets", lambda: mfs.BinaryCrossEntropy()(np.full((2, 1), 0.5, f32), np.array([np.nan, 1])), ValueError, "NaN"),
    ("BCE targets 2", lambda: mfs.BinaryCrossEntropy()(np.full((2, 1), 0.5, f32), np.array([2, 1])), ValueError, r"\[0, 1\]"),
    ("BCE exactly 0 and 1 (clipped)", lambda: _finite(mfs.BinaryCrossEntropy()(np.array([[0.0], [1.0]], f32), np.array([1, 0]))), None, None),
    ("BCE logits NaN targets", lambda: mfs.BinaryCrossEntropyWithLogits()(np.zeros((2, 1), f32), np.array([np.nan, 1])), ValueError, "NaN"),
    ("BCE logits targets -1", lambda: mfs.BinaryCrossEntropyWithLogits()(np.zeros((2, 1), f32), np.array([-1, 1])), ValueError, r"\[0, 1\]"),
    ("BCE logits 1-D", lambda: mfs.BinaryCrossEntropyWithLogits()(np.zeros(2, f32), np.array([0, 1])), ValueError, "reshape"),
    ("CE 1-D logits", lambda: mfs.SoftmaxCrossEntropy()(np.zeros(3, f32), np.array([0, 1, 2])), ValueError, r"\(batch, outputs\)"),
    ("CE list logits", lambda: _finite(mfs.SoftmaxCrossEntropy()([[0.0, 1.0]], [1])), None, None),
    ("CE list of int logits", lambda: mfs.SoftmaxCrossEntropy()([[0, 1]], [1]), TypeError, "dtype int64"),
    ("CE int logits", lambda: mfs.SoftmaxCrossEntropy()(np.zeros((2, 3), int), np.array([0, 1])), TypeError, "float outputs"),
    ("CE float labels", lambda: mfs.SoftmaxCrossEntropy()(np.zeros((2, 3), f32), np.array([0.0, 1.0])), ValueError, r"integers.*astype\(np.int64\)"),
    ("CE bool labels", lambda: mfs.SoftmaxCrossEntropy()(np.zeros((2, 3), f32), np.array([True, False])), ValueError, "integers"),
    ("CE labels out of range", lambda: mfs.SoftmaxCrossEntropy()(np.zeros((2, 3), f32), np.array([0, 3])), ValueError, r"0\.\.2.*from 0 to 3"),
    ("CE negative labels", lambda: mfs.SoftmaxCrossEntropy()(np.zeros((2, 3), f32), np.array([-1, 0])), ValueError, "from -1"),
    ("CE too few labels", lambda: mfs.SoftmaxCrossEntropy()(np.zeros((2, 3), f32), np.array([0])), ValueError, "1 labels for 2 outputs"),
    ("CE NaN one-hot", lambda: mfs.SoftmaxCrossEntropy()(np.zeros((2, 3), f32), np.array([[1, 0, np.nan], [0, 1, 0]])), ValueError, "NaN"),
    ("CE negative one-hot", lambda: mfs.SoftmaxCrossEntropy()(np.zeros((2, 3), f32), np.array([[2, -1, 0], [0, 1, 0]])), ValueError, r"\[0, 1\]"),
    ("CE empty batch", lambda: mfs.SoftmaxCrossEntropy()(np.zeros((0, 3), f32), np.zeros(0, int)), ValueError, "no rows"),
    ("CE uint8 labels", lambda: _finite(mfs.SoftmaxCrossEntropy()(np.zeros((2, 3), f32), np.array([0, 2], np.uint8))), None, None),
    ("CE predict 1-D", lambda: mfs.SoftmaxCrossEntropy().predict(np.zeros(3)), ValueError, r"\(batch, outputs\)"),
    ("Loss predict 1-D", lambda: mfs.MSE().predict(np.zeros(3)), ValueError, r"\(batch, outputs\)"),
    # fit
    ("fit loss class", lambda: fit_xor(loss=mfs.SoftmaxCrossEntropy), TypeError, r"did you mean SoftmaxCrossEntropy\(\)"),
    ("fit optimizer class", lambda: fit_xor(optimizer=mfs.Adam), TypeError, r"did you mean Adam\(\)"),
    ("fit optimizer a number", lambda: fit_xor(optimizer=0.1), TypeError, "optimizer must be"),
    ("fit model a list", lambda: fit_xor(model=[mfs.Dense(2, 2, rng=rng())]), TypeError, "model must be"),
    ("fit num_epochs 0", lambda: fit_xor(num_epochs=0), ValueError, "num_epochs must be an integer >= 1, got 0"),
    ("fit num_epochs float", lambda: fit_xor(num_epochs=2.0), TypeError, "num_epochs must be an integer, got 2.0"),
    ("fit num_epochs str", lambda: fit_xor(num_epochs="5"), TypeError, "num_epochs"),
    ("fit batch_size 0", lambda: fit_xor(batch_size=0), ValueError, "batch_size must be an integer >= 1, got 0"),
    ("fit batch_size float", lambda: fit_xor(batch_size=32.0), TypeError, "batch_size"),
    ("fit batch_size larger than data", lambda: fit_xor(batch_size=1000), None, None),
    ("fit rng a seed", lambda: fit_xor(rng=0), TypeError, "default_rng"),
    ("fit rng None", lambda: fit_xor(rng=None), TypeError, "default_rng"),
    ("fit progress negative", lambda: fit_xor(progress=-1), ValueError, "progress"),
    ("fit callback not callable", lambda: fit_xor(callback=3), TypeError, "callback must be a function"),
    ("fit augment not callable", lambda: fit_xor(augment="flip"), TypeError, "augment must be a function"),
    ("fit schedule not callable", lambda: fit_xor(lr_schedule=0.1), TypeError, "lr_schedule must be a function"),
    ("fit schedule returns NaN", lambda: fit_xor(lr_schedule=lambda s: float("nan")), ValueError, r"lr_schedule\(0\) returned nan"),
    ("fit schedule goes negative", lambda: fit_xor(lr_schedule=lambda s: 0.1 - 0.05 * s), ValueError, r"lr_schedule\(3\) returned -0.05"),
    ("fit schedule returns str", lambda: fit_xor(lr_schedule=lambda s: "0.1"), ValueError, "returned '0.1'"),
    ("fit optimizer lr set NaN", lambda: fit_xor(optimizer=_lr(mfs.SGD(0.1), float("nan"))), ValueError, "optimizer.lr"),
    ("fit optimizer weight decay NaN", lambda: fit_xor(optimizer=_attr(mfs.SGD(0.1), "weight_decay", float("nan"))), ValueError, "weight_decay"),
    ("fit optimizer used for another model", lambda: fit_xor(optimizer=_used(mfs.Adam(0.1))), ValueError, "new optimizer"),
    ("fit NaN X", lambda: fit_xor(X=np.array([[0, np.nan]] * 4)), ValueError, "X contains NaN"),
    ("fit complex X", lambda: fit_xor(X=X4 * 1j), TypeError, "complex"),
    ("fit empty X", lambda: fit_xor(X=X4[:0], y=Y4[:0]), ValueError, "no rows"),
    ("fit scalar y", lambda: fit_xor(y=np.int64(1)), ValueError, "one entry per row"),
    ("fit float labels", lambda: fit_xor(y=Y4.astype(float)), ValueError, "integers"),
    ("fit label out of range", lambda: fit_xor(y=np.array([0, 1, 2, 0])), ValueError, r"0\.\.1.*from 0 to 2"),
    ("fit NaN regression targets", lambda: fit_xor(model=_nan_labels_model(), y=np.array([0, 1, np.nan, 0]), loss=mfs.MSE()),
     ValueError, "targets y contain NaN"),
    ("fit validation not a pair", lambda: fit_xor(validation_data=X4), TypeError, r"pair \(X_val, y_val\)"),
    ("fit validation bad label", lambda: fit_xor(validation_data=(X4, np.array([0, 1, 5, 0]))), ValueError, "from 0 to 5"),
    ("fit validation NaN", lambda: fit_xor(validation_data=(X4 * np.nan, Y4)), ValueError, "validation X contains NaN"),
    ("fit validation wrong width", lambda: fit_xor(validation_data=(np.ones((4, 3)), Y4)), ValueError, "validation X has 3 features"),
    ("fit BatchNorm with batch_size 1", lambda: fit_xor(model=xor_model(bn=True), batch_size=1), ValueError, "BatchNorm.*at least 2"),
    ("fit BatchNorm 1 row", lambda: fit_xor(model=xor_model(bn=True), X=X4[:1], y=Y4[:1]), ValueError, "at least 2"),
    ("fit BatchNorm n % batch_size == 1", lambda: fit_xor(model=xor_model(bn=True), X=np.vstack([X4, X4[:1]]), y=np.r_[Y4, Y4[:1]], batch_size=2),
     None, None),
    ("fit BCE on logits > 1", lambda: fit_xor(model=mfs.Sequential(mfs.Dense(2, 1, rng=rng())), loss=mfs.BinaryCrossEntropy(), X=X4 * 100),
     ValueError, "probabilities in"),
    ("evaluate loss class", lambda: mfs.evaluate(xor_model(), X4, Y4, mfs.MSE), TypeError, r"MSE\(\)"),
    ("minibatches batch_size 0", lambda: list(mfs.minibatches(X4, Y4, 0)), ValueError, "batch_size"),
    ("minibatches batch_size str", lambda: list(mfs.minibatches(X4, Y4, "2")), TypeError, "batch_size"),
    ("minibatches rng a seed", lambda: list(mfs.minibatches(X4, Y4, 2, rng=1)), TypeError, "default_rng"),
    ("minibatches rows differ", lambda: list(mfs.minibatches(X4, Y4[:3], 2)), ValueError, "4 rows but y has 3"),
    ("minibatches scalar", lambda: list(mfs.minibatches(1.0, 1.0, 2)), ValueError, "one row per example"),
    # data and metrics
    ("make_moons float n", lambda: mfs.make_moons(10.5, rng=rng()), TypeError, "n must be an integer"),
    ("make_moons n 0", lambda: mfs.make_moons(0, rng=rng()), ValueError, "n must be"),
    ("make_moons seed", lambda: mfs.make_moons(10, rng=1), TypeError, "default_rng"),
    ("make_moons noise negative", lambda: mfs.make_moons(10, noise=-1, rng=rng()), ValueError, "noise"),
    ("make_circles factor 0", lambda: mfs.make_circles(10, factor=0, rng=rng()), ValueError, "factor"),
    ("make_spirals classes 0", lambda: mfs.make_spirals(10, classes=0, rng=rng()), ValueError, "classes"),
    ("make_spirals noise NaN", lambda: mfs.make_spirals(10, noise=float("nan"), rng=rng()), ValueError, "noise"),
    ("logic_gate number", lambda: mfs.logic_gate(3), TypeError, "gate name"),
    ("logic_gate unknown", lambda: mfs.logic_gate("nor"), ValueError, "choose one of"),
    ("one_hot float labels", lambda: mfs.one_hot(np.array([0.5]), 2), ValueError, "integer"),
    ("one_hot num_classes float", lambda: mfs.one_hot(np.array([0]), 2.0), TypeError, "num_classes"),
    ("one_hot label too big", lambda: mfs.one_hot(np.array([0, 5]), 3), ValueError, r"0\.\.2"),
    ("train_val_split val_size 1.5", lambda: mfs.train_val_split(X4, Y4, 1.5, rng=rng()), ValueError, "val_size"),
    ("train_val_split val_size str", lambda: mfs.train_val_split(X4, Y4, "0.5", rng=rng()), TypeError, "val_size"),
    ("train_val_split val_size all", lambda: mfs.train_val_split(X4, Y4, 4, rng=rng()), ValueError, "no rows"),
    ("train_val_split rng seed", lambda: mfs.train_val_split(X4, Y4, 0.5, rng=3), TypeError, "default_rng"),
    ("accuracy shape mismatch", lambda: mfs.accuracy(np.zeros(3), np.zeros(4)), ValueError, "cannot be compared"),
    ("confusion_matrix float labels", lambda: mfs.confusion_matrix(np.array([0, 1]), np.array([0.7, 1.2])), ValueError, "whole numbers"),
    ("confusion_matrix NaN labels", lambda: mfs.confusion_matrix(np.array([0, 1]), np.array([0, np.nan])), ValueError, "whole numbers"),
    ("confusion_matrix num_classes 0", lambda: mfs.confusion_matrix(np.array([0]), np.array([0]), num_classes=0), ValueError, "num_classes"),
    ("confusion_matrix label too big", lambda: mfs.confusion_matrix(np.array([0, 4]), np.array([0, 1]), num_classes=3), ValueError, r"0\.\.2"),
    ("confusion_matrix sizes differ", lambda: mfs.confusion_matrix(np.array([0, 1]), np.array([0])), ValueError, "2 targets but 1"),
    # gradcheck
    ("numerical_gradient int x", lambda: mfs.numerical_gradient(lambda: 0.0, np.zeros(3, int)), TypeError, "float NumPy array"),
    ("numerical_gradient list x", lambda: mfs.numerical_gradient(lambda: 0.0, [1.0, 2.0]), TypeError, "float NumPy array"),
    ("numerical_gradient h 0", lambda: mfs.numerical_gradient(lambda: 0.0, np.zeros(3), h=0), ValueError, "h must be"),
    ("numerical_gradient f not callable", lambda: mfs.numerical_gradient(3.0, np.zeros(3)), TypeError, "f must be a function"),
    ("relative_error shapes differ", lambda: mfs.relative_error(np.zeros(3), np.zeros((3, 1))), ValueError, "cannot be compared"),
    ("check_layer class", lambda: mfs.check_layer(mfs.ReLU, np.ones((2, 2)), rng=rng()), TypeError, r"did you mean ReLU\(\)"),
    ("check_layer seed", lambda: mfs.check_layer(mfs.ReLU(), np.ones((2, 2)), rng=0), TypeError, "default_rng"),
    ("check_model loss class", lambda: mfs.check_model(xor_model(dtype=np.float64), mfs.MSE, X4, Y4), TypeError, r"MSE\(\)"),
    ("gradient_report empty", lambda: mfs.gradient_report({}), ValueError, "non-empty"),
    ("gradient_report expected_below 0", lambda: mfs.gradient_report({"a": 1e-9}, expected_below=0), ValueError, "expected_below"),
    # plots
    ("plot_history empty", lambda: mfs.plot_history(pd.DataFrame(columns=["epoch", "loss", "accuracy"])), ValueError, "history is empty"),
    ("plot_history missing columns", lambda: mfs.plot_history(pd.DataFrame({"epoch": [1]})), ValueError, "missing.*accuracy"),
    ("plot_history list of rows", lambda: mfs.plot_history([{"epoch": 1, "loss": 1.0, "accuracy": 0.5}]), None, None),
    ("plot_digits empty", lambda: mfs.plot_digits(np.zeros((0, 784))), ValueError, "non-empty"),
    ("plot_digits not square", lambda: mfs.plot_digits(np.zeros((3, 785))), ValueError, "square"),
    ("plot_digits labels too few", lambda: mfs.plot_digits(np.zeros((3, 784)), labels=[1]), ValueError, "labels has 1 entries for 3"),
    ("plot_digits ncols 0", lambda: mfs.plot_digits(np.zeros((3, 784)), ncols=0), ValueError, "ncols"),
    ("plot_digits predictions without labels", lambda: mfs.plot_digits(np.zeros((3, 784)), predictions=[1, 2, 3]), ValueError, "true labels"),
    ("plot_confusion_matrix not square", lambda: mfs.plot_confusion_matrix(np.zeros((3, 2), int)), ValueError, "square"),
    ("plot_confusion_matrix empty", lambda: mfs.plot_confusion_matrix(np.zeros((0, 0), int)), ValueError, "square"),
    ("plot_confusion_matrix negative", lambda: mfs.plot_confusion_matrix(-np.ones((2, 2), int)), ValueError, "counts"),
    ("plot_confusion_matrix names", lambda: mfs.plot_confusion_matrix(np.ones((2, 2), int), class_names=["a"]), ValueError, "1 names for 2"),
    ("plot_decision_boundary model width 2", lambda: mfs.plot_decision_boundary(lambda P: xor_model().predict(P), X4, Y4, points=10),
     ValueError, r"returned shape \(100, 2\) for 100 points.*loss.predict"),
    ("plot_decision_boundary X 3-D points", lambda: mfs.plot_decision_boundary(lambda P: P[:, 0] > 0, np.ones((4, 3)), Y4), ValueError, r"\(n, 2\)"),
    ("plot_decision_boundary empty X", lambda: mfs.plot_decision_boundary(lambda P: P[:, 0] > 0, np.ones((0, 2)), Y4[:0]), ValueError, r"n >= 1"),
    ("plot_decision_boundary y length", lambda: mfs.plot_decision_boundary(lambda P: P[:, 0] > 0, X4, Y4[:2]), ValueError, "one label per point"),
    ("plot_decision_boundary predict not callable", lambda: mfs.plot_decision_boundary(3, X4, Y4), TypeError, "predict must be a function"),
    ("plot_decision_boundary NaN labels", lambda: mfs.plot_decision_boundary(lambda P: np.full(len(P), np.nan), X4, Y4, points=5), ValueError, "no NaN"),
    ("plot_decision_boundary points 1", lambda: mfs.plot_decision_boundary(lambda P: P[:, 0] > 0, X4, Y4, points=1), ValueError, "points"),
    ("plot_surface_3d wrong width", lambda: mfs.plot_decision_surface_3d(lambda P: np.zeros((len(P), 3)), points=5), ValueError, "one output"),
    ("plot_surface_3d X without y", lambda: mfs.plot_decision_surface_3d(lambda P: P[:, 0], X=X4), ValueError, "both X and y"),
]


def _own_forward_layer():
    class Square(mfs.layers.Activation):  # written the way a student might
        def forward(self, x, training=False):
            self._z = x
            return x * x

        def derivative(self, z):
            return 2 * z

    layer = Square()
    layer.forward(X4)
    np.testing.assert_array_equal(layer.backward(np.ones((4, 2))), 2 * X4)
    with pytest.raises(ValueError, match="shape"):
        layer.backward(np.ones((3, 2)))


def _lr(opt, value):
    opt.lr = value
    return opt


def _attr(obj, name, value):
    setattr(obj, name, value)
    return obj


def _used(opt):
    opt.step([np.zeros(5, f32)], [np.ones(5, f32)])
    return opt


def _finite(result):
    loss, grad = result
    assert math.isfinite(loss) and np.isfinite(grad).all()
    return result


@pytest.fixture(autouse=True)
def close_figures():
    yield
    import matplotlib.pyplot as plt
    plt.close("all")


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_bad_input(case):
    _, call, exception, pattern = case
    if exception is None:  # an input that is odd but fine: a correct result, no error
        call()
        return
    with pytest.raises(exception, match=pattern):
        call()


# --- what a failure leaves behind --------------------------------------------------------

def test_a_failed_step_changes_neither_parameters_nor_state():
    opt = mfs.Adam(0.1)
    p, q = np.zeros(3), np.zeros(2)
    opt.step([p, q], [np.ones(3), np.ones(2)])
    saved = p.copy(), q.copy(), [dict((k, np.copy(v)) for k, v in s.items()) for s in opt._state], opt.t
    with pytest.raises(TypeError):  # the second pair is bad: the first must not move
        opt.step([p, q], [np.ones(3), np.ones(2) * 1j])
    np.testing.assert_array_equal(p, saved[0])
    np.testing.assert_array_equal(q, saved[1])
    assert opt.t == saved[3]
    for state, old in zip(opt._state, saved[2]):
        for k in old:
            np.testing.assert_array_equal(state[k], old[k])


def test_an_array_added_later_gets_its_own_fresh_state():
    opt = mfs.Adam(0.1)
    a, b = np.zeros(2), np.zeros(3)
    opt.step([a], [np.ones(2)])
    opt.step([a, b], [np.ones(2), np.ones(3)])
    # b's first step is a first Adam step (bias-corrected: exactly lr against the gradient)
    np.testing.assert_allclose(b, -0.1)
    assert opt.t == 2


def test_fit_leaves_the_model_unchanged_and_in_its_mode_after_a_bad_label():
    model = xor_model()
    before = model.param_vector.copy()
    for mode in (model.train, model.eval):
        mode()
        was = model.training
        with pytest.raises(ValueError, match="from 0 to 9"):
            fit_xor(model=model, y=np.array([0, 1, 1, 9]), batch_size=1)
        assert model.training == was
    np.testing.assert_array_equal(model.param_vector, before)


def test_fit_restores_the_mode_when_a_callback_fails():
    model = xor_model().eval()

    def callback(row):
        raise RuntimeError("stop")

    with pytest.raises(RuntimeError, match="stop"):
        fit_xor(model=model, callback=callback)
    assert not model.training


@pytest.mark.parametrize("make,pattern", [
    (lambda: dict(augment=lambda X, r: X * np.nan), "input x contains NaN|input batch contains NaN"),
    (lambda: dict(X=X4 * 1e30, optimizer=mfs.SGD(1e10), loss=mfs.MSE(),
                  model=mfs.Sequential(mfs.Dense(2, 1, rng=rng()))), r"inputs reach 1e\+30.*learning rate.*lower"),
    (lambda: dict(optimizer=mfs.SGD(1e30), X=X4 * 1e6, model=_nan_labels_model(), loss=mfs.MSE()),
     r"training diverged.*learning rate 3-10 times lower"),
])
def test_divergence_says_what_it_saw(make, pattern):
    model_kwargs = make()
    with pytest.raises((mfs.TrainingDiverged, ValueError), match=pattern):
        with np.errstate(all="ignore"):
            fit_xor(num_epochs=20, **model_kwargs)


def test_divergence_message_blames_a_nan_weight_decay_set_during_training():
    from mlp_from_scratch.training import _divergence_message
    opt = mfs.SGD(0.1)
    opt.weight_decay = float("nan")
    message = _divergence_message(float("nan"), 1, 0, opt, xor_model(), X4, Y4)
    assert "weight_decay is nan" in message and "learning rate 3-10" not in message
    opt = mfs.SGD(0.1)
    message = _divergence_message(float("nan"), 1, 0, opt, xor_model(), X4, np.array([0, np.nan]))
    assert "targets contain NaN" in message
    model = xor_model()
    model.param_vector[0] = np.nan
    message = _divergence_message(float("nan"), 2, 7, mfs.SGD(0.5), model, X4, Y4)
    assert "parameters already hold NaN" in message and "step 8" in message


def test_batchnorm_nan_batch_leaves_the_running_statistics_alone():
    bn = mfs.BatchNorm(2)
    bn.forward(X4, training=True)
    saved = {k: v.copy() for k, v in bn.buffers.items()}
    with pytest.raises(ValueError):
        bn.forward(np.vstack([X4, [[np.nan, 1]]]), training=True)
    for k, v in bn.buffers.items():
        np.testing.assert_array_equal(v, saved[k])


def test_fit_merges_a_one_row_remainder_for_batchnorm():
    sizes = []
    X = np.vstack([X4, X4, X4[:1]])  # 9 rows, batch_size 4: 4, 4 and 1 would remain
    y = np.r_[Y4, Y4, Y4[:1]]
    model = xor_model(bn=True)
    original = model.layers[1].forward

    def spy(x, training=False):
        if training:
            sizes.append(len(x))
        return original(x, training)

    model.layers[1].forward = spy
    fit_xor(model=model, X=X, y=y, batch_size=4, num_epochs=1)
    assert sizes == [4, 5]
    assert [len(b) for b, _ in mfs.minibatches(X, y, 4)] == [4, 4, 1]  # without min_rows
    assert [len(b) for b, _ in mfs.minibatches(X, y, 4, min_rows=2, rng=rng())] == [4, 5]


def test_gradcheck_zero_gradient_passes_by_the_absolute_floor():
    r = rng(6)
    f64 = np.float64
    model = mfs.Sequential(mfs.Dense(3, 4, rng=r, dtype=f64), mfs.BatchNorm(4, dtype=f64),
                           mfs.Tanh(), mfs.Dropout(0.5, rng=r), mfs.Dense(4, 2, rng=r, dtype=f64))
    X, y = r.standard_normal((8, 3)), r.integers(0, 2, 8)
    buffers = [b.copy() for layer in model for b in layer.buffers.values()]
    state = r.bit_generator.state
    errors = mfs.check_model(model, mfs.SoftmaxCrossEntropy(), X, y)
    assert errors["0.b"] > 0.1 and errors.absolute["0.b"] < mfs.gradcheck.ABSOLUTE_FLOOR
    assert errors.all_ok()
    report = mfs.gradient_report(errors)
    assert report.loc["0.b", "ok"].startswith("yes (absolute error")
    assert report.loc["0.W", "ok"] == "yes"  # the relative error applied
    for b, old in zip([b for layer in model for b in layer.buffers.values()], buffers):
        np.testing.assert_array_equal(b, old)
    assert r.bit_generator.state == state  # the Dropout generator is left where it was
    wrong = mfs.gradient_report({"x": 0.5})
    assert wrong.loc["x", "ok"] == "NO"


# --- property-based ----------------------------------------------------------------------

anything = st.one_of(st.none(), st.booleans(), st.integers(-10, 10), st.floats(allow_nan=True),
                     st.text(max_size=3), st.complex_numbers(max_magnitude=2),
                     st.lists(st.integers(0, 3), max_size=2))


@settings(max_examples=60, deadline=None)
@given(value=anything, which=st.sampled_from(["lr", "beta1", "beta2", "eps", "weight_decay"]))
def test_adam_arguments_are_accepted_only_when_valid(value, which):
    try:
        opt = mfs.Adam(**{which: value})
    except CLEAR as err:
        assert which.split("_")[0] in str(err) or "learning rate" in str(err)
        return
    kept = getattr(opt, which)
    assert isinstance(kept, float) and math.isfinite(kept)
    low_ok = kept > 0 if which in ("lr", "eps") else kept >= 0
    assert low_ok and (kept < 1 if which.startswith("beta") else True)


@settings(max_examples=60, deadline=None)
@given(value=anything, which=st.sampled_from(["in_features", "out_features"]))
def test_dense_sizes_are_positive_ints_only(value, which):
    sizes = {"in_features": 2, "out_features": 3} | {which: value}
    try:
        layer = mfs.Dense(**sizes, rng=rng())
    except CLEAR as err:
        assert which in str(err)
        return
    assert isinstance(value, int) and not isinstance(value, bool) and value >= 1
    assert layer.params["W"].shape == (sizes["in_features"], sizes["out_features"])


@settings(max_examples=40, deadline=None)
@given(rows=st.integers(0, 5), cols=st.integers(0, 4), target_rows=st.integers(0, 5),
       target_cols=st.integers(0, 4), one_d=st.booleans(),
       loss=st.sampled_from([mfs.MSE(), mfs.BinaryCrossEntropyWithLogits(), mfs.SoftmaxCrossEntropy()]))
def test_losses_give_finite_values_or_clear_errors_for_any_shapes(rows, cols, target_rows,
                                                                  target_cols, one_d, loss):
    r = rng(rows * 7 + cols)
    y_hat = r.standard_normal((rows, cols)).astype(f32)
    if isinstance(loss, mfs.SoftmaxCrossEntropy) and one_d:
        y = r.integers(0, max(target_cols, 1), target_rows)
    else:
        y = r.integers(0, 2, (target_rows,) if one_d else (target_rows, target_cols))
    try:
        value, grad = loss(y_hat, y)
    except CLEAR as err:
        assert type(loss).__name__ in str(err)
        return
    assert math.isfinite(value) and grad.shape == y_hat.shape and np.isfinite(grad).all()


@settings(max_examples=30, deadline=None)
@given(value=anything)
def test_fit_num_epochs_and_batch_size_are_checked_before_anything_changes(value):
    model = xor_model()
    before = model.param_vector.copy()
    for name in ("num_epochs", "batch_size"):
        try:
            fit_xor(model=model, **{name: value})
        except CLEAR as err:
            assert name in str(err)
            np.testing.assert_array_equal(model.param_vector, before)
        else:
            assert isinstance(value, int) and value >= 1
            before = model.param_vector.copy()


# --- the compiled loops, in a child process ----------------------------------------------

KERNEL_CASES = {
    # The four crashes of issue 12, exactly as reported.
    "adam reused for a larger model": """
        o = m.Adam(.1); o.step([np.zeros(6, np.float32)], [np.ones(6, np.float32)])
        p = np.zeros(9, np.float32)
        expect(ValueError, "new optimizer", lambda: [o.step([p], [np.ones(9, np.float32)]) for _ in range(3)])
    """,
    "gradient with fewer rows into ReLU": """
        r = np.random.default_rng(0); mod = m.Sequential(m.Dense(4, 256, rng=r), m.ReLU())
        mod.forward(np.ones((64, 4), np.float32), True)
        expect(ValueError, r"\\(2, 256\\).*\\(64, 256\\)", lambda: mod.backward(np.ones((2, 256), np.float32)))
    """,
    "one ReLU object twice": """
        r = np.random.default_rng(0); relu = m.ReLU()
        expect(ValueError, "same ReLU", lambda: m.Sequential(m.Dense(2, 4, rng=r), relu, m.Dense(4, 64, rng=r), relu, m.Dense(64, 1, rng=r)))
    """,
    "ReLU.backward with a wider gradient": """
        relu = m.ReLU(); relu.forward(np.ones((3, 2), np.float32))
        expect(ValueError, r"\\(3, 5\\).*\\(3, 2\\)", lambda: relu.backward(np.ones((3, 5), np.float32)))
    """,
    # Odd inputs that reach the compiled loops.
    "ReLU.backward narrower, taller, 1-D, 3-D, scalar": """
        relu = m.ReLU(); relu.forward(np.ones((3, 4), np.float32))
        for g in (np.ones((3, 1)), np.ones((9, 4)), np.ones(4), np.ones((3, 4, 1)), np.float32(1)):
            expect(ValueError, "shape", lambda: relu.backward(g))
    """,
    "ReLU on strided, transposed, float16, int and bool inputs": """
        x = np.random.default_rng(1).standard_normal((6, 8)).astype(np.float32)
        for z in (x[:, ::2], x.T, x.astype(np.float16), (x * 10).astype(np.int64), x > 0, np.asfortranarray(x)):
            relu = m.ReLU(); out = relu.forward(z)
            assert np.array_equal(out, np.maximum(np.asarray(z, np.float64), 0).astype(out.dtype)), z.dtype
            g = np.arange(z.size, dtype=np.float32).reshape(z.shape)[::-1]
            assert np.array_equal(relu.backward(g), np.where(np.asarray(z) > 0, g, 0))
    """,
    "ReLU forward then backward on a 0-row batch": """
        relu = m.ReLU(); assert relu.forward(np.ones((0, 3), np.float32)).shape == (0, 3)
        assert relu.backward(np.ones((0, 3), np.float32)).shape == (0, 3)
    """,
    "ReLU.backward with a complex or object gradient": """
        relu = m.ReLU(); relu.forward(np.ones((2, 2), np.float32))
        expect(TypeError, "complex", lambda: relu.backward(np.ones((2, 2)) * 1j))
        expect(TypeError, "numbers", lambda: relu.backward(np.array([[None, 1], [1, 1]])))
    """,
    "random gradient shapes into a ReLU model": """
        r = np.random.default_rng(2)
        mod = m.Sequential(m.Dense(3, 16, rng=r), m.ReLU(), m.Dense(16, 5, rng=r), m.ReLU())
        for _ in range(200):
            b = int(r.integers(1, 40)); mod.forward(r.standard_normal((b, 3)), True)
            shape = (int(r.integers(0, 80)), int(r.integers(0, 12)))
            if shape == (b, 5):
                assert mod.backward(np.ones(shape, np.float32)).shape == (b, 3)
            else:
                expect(ValueError, "grad_out has shape", lambda: mod.backward(np.ones(shape, np.float32)))
    """,
    "softmax cross-entropy labels out of range or of odd dtypes": """
        z = np.zeros((4, 3), np.float32); ce = m.SoftmaxCrossEntropy()
        for y in (np.array([0, 1, 2, 3]), np.array([0, -1, 0, 0]), np.array([0, 1, 2, 2**40]),
                  np.array([0, 1, 2, 2**63], np.uint64), np.array([0, 1, 2, -128], np.int8)):
            expect(ValueError, r"0\\.\\.2", lambda: ce(z, y))
        for y in (np.array([0, 1, 2, 2], np.uint8), np.array([0, 1, 2, 2], np.int16), np.array([0, 1, 2, 2], np.uint64)):
            loss, grad = ce(z, y); assert abs(loss - np.log(3)) < 1e-6 and grad.shape == (4, 3)
    """,
    "softmax cross-entropy on strided, Fortran and float64 logits": """
        r = np.random.default_rng(3); big = r.standard_normal((8, 10)); y = r.integers(0, 5, 8)
        ce = m.SoftmaxCrossEntropy()
        ref = ce(np.ascontiguousarray(big[:, ::2]), y)
        for z in (big[:, ::2], np.asfortranarray(big[:, ::2]), big[:, ::2].astype(np.float32)):
            loss, grad = ce(z, y)
            assert abs(loss - ref[0]) < 1e-5 and np.allclose(grad, ref[1], atol=1e-6)
        expect(TypeError, "float16", lambda: ce(big.astype(np.float16), y))
        expect(ValueError, "no rows", lambda: ce(np.zeros((0, 3), np.float32), np.zeros(0, int)))
        loss, grad = ce(np.zeros((2, 1), np.float32), np.array([0, 0])); assert loss == 0
    """,
    "Adam on strided, transposed, mixed-dtype and read-only arrays": """
        W = np.ones((3, 4)); g = np.arange(12.0).reshape(4, 3)
        o = m.Adam(0.1); o.step([W.T], [g]); assert not np.all(W == 1)
        p = np.zeros(6, np.float32); o = m.Adam(0.1); o.step([p], [np.ones(6)])  # float64 gradient
        assert np.allclose(p, -0.1)
        q = np.zeros(10); o = m.Adam(0.1); o.step([q[::2]], [np.ones(5)]); assert np.allclose(q[::2], -0.1) and not q[1::2].any()
        ro = np.zeros(3); ro.flags.writeable = False
        expect(ValueError, "read-only", lambda: m.Adam(0.1).step([ro], [np.ones(3)]))
        expect(ValueError, "shape", lambda: m.Adam(0.1).step([np.zeros(3)], [np.ones(4)]))
        expect(ValueError, "shape", lambda: m.Adam(0.1).step([np.zeros((2, 2))], [np.ones(4)]))
        expect(ValueError, "new optimizer", lambda: step_twice(m.Adam(0.1), [np.zeros(4)], [np.zeros((2, 2))]))
    """,
    "Adam with its state tampered between steps": """
        o = m.Adam(0.1); p = np.zeros(5); o.step([p], [np.ones(5)])
        o.reset(); o.step([np.zeros(50)], [np.ones(50)])  # reset forgets the old sizes
        expect(ValueError, "new optimizer", lambda: o.step([np.zeros(51)], [np.ones(51)]))
    """,
    "fit on a model with ReLU, BatchNorm and Dropout and odd data": """
        r = np.random.default_rng(4)
        mod = m.Sequential(m.Dense(5, 8, rng=r), m.BatchNorm(8), m.ReLU(), m.Dropout(0.5, rng=r), m.Dense(8, 3, rng=r))
        X = np.asfortranarray(r.standard_normal((33, 5)))  # float64, Fortran order, 33 % 4 == 1
        h = m.fit(mod, X, r.integers(0, 3, 33).astype(np.uint8), loss=m.SoftmaxCrossEntropy(),
                  optimizer=m.Adam(0.01), num_epochs=2, batch_size=4, rng=r)
        assert len(h) == 2 and np.isfinite(h["loss"]).all()
    """,
}

_RUNNER = textwrap.dedent("""
    import re, sys, textwrap
    import numpy as np
    import mlp_from_scratch as m

    def expect(kind, pattern, call):
        try:
            call()
        except kind as err:
            assert re.search(pattern, str(err)), f"message {str(err)!r} does not match {pattern!r}"
        else:
            raise AssertionError(f"no {kind.__name__} raised")

    def step_twice(o, a, b):
        o.step(a, [np.ones_like(x) for x in a]); o.step(b, [np.ones_like(x) for x in b])

    cases = CASES
    for name in sys.argv[1:]:
        print("START", name, flush=True)
        try:
            exec(textwrap.dedent(cases[name]), {"np": np, "m": m, "expect": expect, "step_twice": step_twice})
        except Exception as err:
            print("FAIL", name, repr(err).replace("\\n", " "), flush=True)
        else:
            print("PASS", name, flush=True)
""")


def run_in_subprocesses(cases: dict[str, str]) -> dict[str, str]:
    """Run ``cases`` (name: code) in a child process; after a crash, start a new one with
    the cases left, so the crash is charged to its own case. Returns name: "ok" or why not."""
    script = _RUNNER.replace("cases = CASES", f"cases = {cases!r}")
    results: dict[str, str] = {}
    remaining = list(cases)
    while remaining:
        proc = subprocess.run([sys.executable, "-c", script, *remaining], capture_output=True,
                              text=True, timeout=300)
        started = None
        for line in proc.stdout.splitlines():
            status, _, rest = line.partition(" ")
            if status == "START":
                started = rest
            elif status in ("PASS", "FAIL"):
                name = next(n for n in remaining if rest.startswith(n))
                results[name] = "ok" if status == "PASS" else rest[len(name):].strip()
                started = None
        done = [n for n in remaining if n in results]
        if started is not None:  # the interpreter died inside this case
            results[started] = (f"the interpreter died (exit code {proc.returncode}): "
                                f"{proc.stderr[-500:]}")
            done.append(started)
        elif not done:
            pytest.fail(f"the subprocess runner failed to start: {proc.stderr[-2000:]}")
        remaining = [n for n in remaining if n not in done]
    return results


@pytest.fixture(scope="module")
def kernel_results() -> dict[str, str]:
    return run_in_subprocesses(KERNEL_CASES)


@pytest.mark.parametrize("name", list(KERNEL_CASES))
def test_compiled_loop_inputs_in_a_subprocess(name, kernel_results):
    assert kernel_results[name] == "ok", kernel_results[name]


def test_the_subprocess_runner_charges_a_crash_to_its_own_case():
    """The harness itself: a case that kills the interpreter fails alone, the next runs."""
    results = run_in_subprocesses({"crash": "import os; os.abort()",
                                   "fails": "assert 1 + 1 == 3",
                                   "after": "assert 1 + 1 == 2"})
    assert results["crash"].startswith("the interpreter died")
    assert "AssertionError" in results["fails"] and results["after"] == "ok"
