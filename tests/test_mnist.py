import gzip
import hashlib
import shutil
import struct
from pathlib import Path

import numpy as np
import pytest

import mlp_from_scratch as mfs
from mlp_from_scratch.mnist import FILES, MEAN, STD, default_data_dir, read_idx

# Per-digit counts of the official MNIST files.
TRAIN_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]


@pytest.fixture(scope="module")
def train():
    return mfs.load_mnist("train")


def test_shapes_dtypes_and_label_counts(train):
    X, y = train
    assert X.shape == (60000, 28, 28) and X.dtype == np.uint8
    assert y.shape == (60000,) and y.dtype == np.int64
    assert np.bincount(y).tolist() == TRAIN_COUNTS
    Xt, yt = mfs.load_mnist("test")
    assert Xt.shape == (10000, 28, 28)
    assert np.bincount(yt).tolist() == TEST_COUNTS


def test_normalizations_are_float32_and_match_training_statistics(train):
    scaled, _ = mfs.load_mnist("test", normalize="scale", flatten=True)
    assert scaled.dtype == np.float32 and scaled.shape == (10000, 784)
    assert scaled.min() == 0 and scaled.max() == 1
    pixels = train[0].astype(np.float64) / 255
    assert pixels.mean() == pytest.approx(MEAN, abs=1e-4)
    assert pixels.std() == pytest.approx(STD, abs=1e-4)
    std, _ = mfs.load_mnist("train", normalize="standardize")
    assert std.dtype == np.float32
    assert std.mean() == pytest.approx(0, abs=1e-3) and std.std() == pytest.approx(1, abs=1e-3)


def test_works_from_any_directory_and_env_var(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    assert mfs.load_mnist("test")[0].shape == (10000, 28, 28)
    monkeypatch.setenv("MLP_FROM_SCRATCH_DATA", str(tmp_path))
    assert default_data_dir() == tmp_path
    with pytest.raises(mfs.DataFileError, match="not found.*MLP_FROM_SCRATCH_DATA"):
        mfs.load_mnist("test")


def test_bad_arguments():
    with pytest.raises(ValueError, match="split"):
        mfs.load_mnist("validation")
    with pytest.raises(ValueError, match="normalize"):
        mfs.load_mnist("test", normalize="minmax")


# Damaged copies. Each gets a matching SHA256SUMS, so the format checks behind the
# checksum are exercised too; the first test damages a file and keeps the old sum.

def copy_test_split(folder: Path) -> None:
    for name in FILES["test"]:
        shutil.copy(default_data_dir() / name, folder / name)
    write_sums(folder)


def write_sums(folder: Path) -> None:
    lines = [f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.name}"
             for p in sorted(folder.glob("*.gz"))]
    (folder / "SHA256SUMS").write_text("\n".join(lines) + "\n")


def rewrite_labels(folder: Path, content: bytes) -> None:
    with gzip.open(folder / FILES["test"][1], "wb") as f:
        f.write(content)
    write_sums(folder)


def test_corrupted_copy_fails_its_checksum(tmp_path):
    copy_test_split(tmp_path)
    path = tmp_path / FILES["test"][0]
    data = bytearray(path.read_bytes())
    data[5000] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(mfs.DataFileError, match="corrupted.*SHA-256.*git checkout"):
        mfs.load_mnist("test", data_dir=tmp_path)


def test_missing_checksum_file(tmp_path):
    copy_test_split(tmp_path)
    (tmp_path / "SHA256SUMS").unlink()
    with pytest.raises(mfs.DataFileError, match="SHA256SUMS is missing"):
        mfs.load_mnist("test", data_dir=tmp_path)


def test_truncated_file(tmp_path):
    copy_test_split(tmp_path)
    path = tmp_path / FILES["test"][0]
    path.write_bytes(path.read_bytes()[:100_000])
    write_sums(tmp_path)
    with pytest.raises(mfs.DataFileError, match="truncated|not a readable gzip"):
        mfs.load_mnist("test", data_dir=tmp_path)


@pytest.mark.parametrize("content,message", [
    (struct.pack(">II", 2051, 10000) + bytes(10000), "wrong magic number 2051, expected 2049"),
    (struct.pack(">II", 2049, 4_000_000_000) + bytes(10000),
     r"claims shape \(4000000000,\).*holds 10000 bytes"),
    (struct.pack(">II", 2049, 9999) + bytes(9999), "one label each"),
], ids=["wrong magic number", "header claims more items than the file holds",
        "images and labels disagree"])
def test_damaged_label_file(tmp_path, content, message):
    copy_test_split(tmp_path)
    rewrite_labels(tmp_path, content)
    with pytest.raises(mfs.DataFileError, match=message):
        mfs.load_mnist("test", data_dir=tmp_path)


def test_not_gzip_at_all(tmp_path):
    path = tmp_path / "junk.gz"
    path.write_bytes(b"this is not a gzip file at all")
    with pytest.raises(mfs.DataFileError, match="not a readable gzip IDX file"):
        read_idx(path, magic=2049, verify=False)


def test_read_idx_roundtrip(tmp_path):
    path = tmp_path / "small.gz"
    values = np.arange(24, dtype=np.uint8).reshape(2, 3, 4)
    with gzip.open(path, "wb") as f:
        f.write(struct.pack(">IIII", 2051, 2, 3, 4) + values.tobytes())
    np.testing.assert_array_equal(read_idx(path, magic=2051, verify=False), values)


def test_random_shift_moves_each_image_by_its_drawn_offset():
    rng = np.random.default_rng(0)
    X = rng.random((6, 784), dtype=np.float32)
    shifted = mfs.mnist.random_shift(X, np.random.default_rng(1), 2, background=-1.0)
    offsets = np.random.default_rng(1).integers(0, 5, size=(6, 2))   # the same draws
    assert shifted.shape == X.shape and shifted.dtype == np.float32
    for image, copy, (oy, ox) in zip(X.reshape(6, 28, 28), shifted.reshape(6, 28, 28), offsets):
        down, right = 2 - oy, 2 - ox
        expected = np.full((28, 28), -1.0, np.float32)   # background where nothing moved in
        expected[max(down, 0):28 + min(down, 0), max(right, 0):28 + min(right, 0)] = \
            image[max(-down, 0):28 - max(down, 0), max(-right, 0):28 - max(right, 0)]
        np.testing.assert_array_equal(copy, expected)
    np.testing.assert_array_equal(mfs.mnist.random_shift(X, rng, 0, background=0.0), X)


@pytest.mark.parametrize("X,max_shift,match", [
    (np.zeros((2, 28, 28), np.float32), 1, r"shape \(n, 784\), got shape \(2, 28, 28\)"),
    (np.zeros((2, 784), np.float32), 28, r"from 0 to 27, got 28"),
    (np.zeros((2, 784), np.float32), -1, r"from 0 to 27, got -1"),
    (np.zeros((2, 784), np.float32), 1.5, r"whole number .* got 1.5"),
])
def test_random_shift_rejects_bad_input_with_the_fix(X, max_shift, match):
    with pytest.raises(ValueError, match=match):
        mfs.mnist.random_shift(X, np.random.default_rng(0), max_shift, background=0.0)



def test_random_shift_needs_a_generator():
    with pytest.raises(TypeError, match="rng must be a numpy.random.Generator"):
        mfs.mnist.random_shift(np.zeros((2, 784), np.float32), 0, 1, background=0.0)
