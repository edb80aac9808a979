"""The MNIST loader: gzip IDX files from ``data/mnist/``, checked before they are trusted.

The IDX format is a header, then raw bytes: a magic number ``0x00000803`` (unsigned
bytes, 3 dimensions) for images or ``0x00000801`` for labels, then each dimension as a
big-endian uint32 (e.g. 60000, 28, 28), then the items. We verify the SHA-256 sum
listed in ``SHA256SUMS``, then check the header against the size the gzip file says it
holds *before* reading the items, so a damaged or hostile file gives a clear error
instead of a crash, a huge allocation or silently wrong data.
"""

from __future__ import annotations

import gzip
import hashlib
import math
import os
import struct
import zlib
from pathlib import Path

import numpy as np

from .validation import check_generator

#: Set this environment variable to read MNIST from another folder.
DATA_ENV = "MLP_FROM_SCRATCH_DATA"

FILES = {
    "train": ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
    "test": ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"),
}

#: Mean and standard deviation of the training images' pixels scaled to [0, 1]
#: (checked against the data by the tests); used for the test set too.
MEAN, STD = 0.1307, 0.3081

_IDX_UBYTE = 0x08

#: The largest shapes each file may declare: MNIST's own. Checked before reading, so a
#: header that claims gigabytes of images is refused before any allocation.
MAX_SHAPES = {"train": ((60000, 28, 28), (60000,)), "test": ((10000, 28, 28), (10000,))}

#: SHA256SUMS lists four files: a few hundred bytes.
_MAX_SUMS_BYTES = 1 << 16


class DataFileError(ValueError):
    """A data file is missing, corrupted, truncated or not in the expected format."""


def default_data_dir() -> Path:
    """The folder MNIST is read from when no ``data_dir`` is given, whatever the current
    directory: ``$MLP_FROM_SCRATCH_DATA`` if set; else the first of these that holds the
    files' ``SHA256SUMS``:

    1. the repository's ``data/mnist`` (a clone, or an editable install);
    2. ``<prefix>/share/mlp_from_scratch/mnist``, where ``pip install .`` or a wheel puts
       a copy (``[tool.setuptools.data-files]`` in ``pyproject.toml``), ``<prefix>`` being
       the environment's (``sys.prefix``) or, after ``pip install --user``, the user's.

    Raises ``DataFileError`` naming every place searched when none holds the data.
    """
    env = os.environ.get(DATA_ENV)
    if env:
        return Path(env)
    import site
    import sys

    share = Path("share") / "mlp_from_scratch" / "mnist"
    places = [Path(__file__).resolve().parent.parent / "data" / "mnist",
              Path(sys.prefix) / share, Path(site.getuserbase()) / share]
    for place in places:
        if (place / "SHA256SUMS").is_file():
            return place
    searched = "\n  ".join(map(str, places))
    raise DataFileError(f"MNIST not found; searched:\n  {searched}\nInstall the package from the "
                        f"repository (pip install .), pass data_dir=..., or set ${DATA_ENV} to "
                        "the folder holding the files of data/mnist/")


def _expected_sha256(path: Path) -> str:
    sums = path.parent / "SHA256SUMS"
    if not sums.is_file():
        raise DataFileError(f"{sums} is missing, so {path.name} cannot be verified; restore it "
                            "from the repository (git checkout data/mnist)")
    if sums.stat().st_size > _MAX_SUMS_BYTES:
        raise DataFileError(f"{sums} is {sums.stat().st_size} bytes, too large for a checksum "
                            "list; restore it from the repository (git checkout data/mnist)")
    try:
        text = sums.read_bytes().decode("ascii")
    except UnicodeDecodeError as err:
        raise DataFileError(f"{sums} is not a text file of checksums ({err.reason} at byte "
                            f"{err.start}); restore it from the repository "
                            "(git checkout data/mnist)") from err
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[1].lstrip("*") == path.name:
            return parts[0].lower()
    raise DataFileError(f"{sums} has no checksum for {path.name}")


def verify_sha256(path: Path) -> None:
    """Raise ``DataFileError`` unless ``path`` matches its line in the SHA256SUMS beside it."""
    expected = _expected_sha256(path)
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    if digest.hexdigest() != expected:
        raise DataFileError(
            f"{path} is corrupted: its SHA-256 is {digest.hexdigest()}, expected {expected}. "
            "Restore it with: git checkout -- data/mnist"
        )


def read_idx(path: str | Path, *, magic: int, verify: bool = True,
             max_shape: tuple[int, ...] | None = None) -> np.ndarray:
    """Read one gzip IDX file into a uint8 array of the shape its header gives.

    ``magic`` is the expected magic number (2051 for images, 2049 for labels). With
    ``verify``, the file's SHA-256 must match the ``SHA256SUMS`` file beside it.
    ``max_shape`` bounds each dimension the header may declare (default: MNIST's
    training set, 60000 × 28 × 28 for images), checked before any item is read.
    """
    if (isinstance(magic, bool) or not isinstance(magic, int)
            or magic >> 8 != _IDX_UBYTE or not 1 <= magic & 0xFF <= 4):
        raise ValueError(f"magic must be an IDX magic number for unsigned bytes, 0x0801 to "
                         f"0x0804 (2049 labels, 2051 images), got {magic!r}")
    ndim = magic & 0xFF
    if max_shape is None:
        max_shape = MAX_SHAPES["train"][0] if ndim == 3 else (60000,) * ndim
    if len(max_shape) != ndim:
        raise ValueError(f"max_shape {max_shape} has {len(max_shape)} dimensions, but magic "
                         f"{magic} declares {ndim}")
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a str or pathlib.Path, got {type(path).__name__}")
    path = Path(path)
    if not path.is_file():
        raise DataFileError(f"{path} not found; the MNIST files belong in data/mnist/ "
                            f"(or set ${DATA_ENV} to their folder)")
    if verify:
        verify_sha256(path)
    try:
        with open(path, "rb") as raw:
            raw.seek(-4, os.SEEK_END)
            # The gzip trailer stores the uncompressed size (mod 2**32; MNIST is far below).
            stored_size = struct.unpack("<I", raw.read(4))[0]
        with gzip.open(path, "rb") as f:
            head = f.read(4)
            if len(head) < 4 or struct.unpack(">I", head)[0] != magic:
                found = struct.unpack(">I", head)[0] if len(head) == 4 else head
                raise DataFileError(f"{path}: wrong magic number {found!r}, expected {magic} "
                                    "(is this the right file, or an images/labels mix-up?)")
            dims = struct.unpack(f">{ndim}I", f.read(4 * ndim))
            header_size = 4 + 4 * ndim
            n_bytes = math.prod(dims)
            if header_size + n_bytes != stored_size:
                raise DataFileError(
                    f"{path}: header claims shape {dims} ({n_bytes} bytes of items) but the file "
                    f"holds {stored_size - header_size} bytes of items: it is truncated or damaged"
                )
            # The gzip trailer can lie too: bound the shape by what MNIST allows.
            if any(d > limit for d, limit in zip(dims, max_shape)):
                raise DataFileError(f"{path}: header claims shape {dims}, larger than MNIST's "
                                    f"{max_shape}: the file is damaged or not MNIST")
            payload = f.read(n_bytes)
            if len(payload) != n_bytes or f.read(1):
                raise DataFileError(f"{path}: item data does not match the header's shape {dims}")
    except (OSError, EOFError, zlib.error, struct.error, ValueError) as err:
        if isinstance(err, DataFileError):
            raise
        raise DataFileError(f"{path} is not a readable gzip IDX file ({err})") from err
    return np.frombuffer(payload, dtype=np.uint8).reshape(dims)


def load_mnist(
    split: str = "train",
    *,
    data_dir: str | Path | None = None,
    normalize: str | None = None,
    flatten: bool = False,
    verify: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """Load the MNIST ``"train"`` (60,000) or ``"test"`` (10,000) images and labels.

    Returns ``X`` of shape ``(n, 28, 28)``, or ``(n, 784)`` with ``flatten``, and integer
    labels ``y`` ``(n,)`` in 0..9. ``normalize`` chooses the pixel values:
    ``None``: uint8 0..255; ``"scale"``: float32 in [0, 1]; ``"standardize"``: float32
    with the training set's mean 0 and standard deviation 1.
    """
    if not isinstance(split, str) or split not in FILES:
        raise ValueError(f"split must be 'train' or 'test', got {split!r}")
    if normalize not in (None, "scale", "standardize"):
        raise ValueError(f"normalize must be None, 'scale' or 'standardize', got {normalize!r}")
    for name, value in (("flatten", flatten), ("verify", verify)):
        if not isinstance(value, (bool, np.bool_)):
            raise TypeError(f"{name} must be True or False, got {value!r}")
    if data_dir is not None and not isinstance(data_dir, (str, os.PathLike)):
        raise TypeError(f"data_dir must be a folder path (str or pathlib.Path), got "
                        f"{type(data_dir).__name__}")
    folder = Path(data_dir) if data_dir is not None else default_data_dir()
    image_file, label_file = FILES[split]
    image_shape, label_shape = MAX_SHAPES[split]
    X = read_idx(folder / image_file, magic=0x0803, verify=verify, max_shape=image_shape)
    y = read_idx(folder / label_file, magic=0x0801, verify=verify, max_shape=label_shape)
    if X.shape[1:] != (28, 28) or len(X) != len(y):
        raise DataFileError(f"{folder}: images {X.shape} and labels {y.shape} do not form an "
                            "MNIST split of 28x28 images with one label each")
    if y.max(initial=0) > 9:
        raise DataFileError(f"{folder / label_file}: labels must be digits 0..9, found {y.max()}")
    if flatten:
        X = X.reshape(len(X), -1)
    if normalize is not None:
        # Multiply by a float32 constant: `X / 255.0` would promote to float64.
        X = X * np.float32(1 / 255)
        if normalize == "standardize":
            X -= np.float32(MEAN)
            X *= np.float32(1 / STD)
    return X, y.astype(np.int64)


def random_shift(X_batch: np.ndarray, rng: np.random.Generator, max_shift: int = 1, *,
                 background: float) -> np.ndarray:
    """Data augmentation: each image of ``X_batch`` (n, 784) moved by its own random shift.

    Draws ``offsets = rng.integers(0, 2 * max_shift + 1, size=(n, 2))``, one row per image;
    image ``i`` moves ``max_shift - offsets[i, 0]`` pixels down and
    ``max_shift - offsets[i, 1]`` pixels right (negative: up, left). The pixels that come
    in from outside the image have the value ``background`` (a blank pixel after your
    preprocessing). Returns a new (n, 784) array of ``X_batch``'s dtype; ``max_shift=0``
    gives back the images. Pass ``lambda X, rng: random_shift(X, rng, background=...)`` to
    ``fit(augment=...)``: it runs on every training batch.
    """
    check_generator(rng)
    X_batch = np.asarray(X_batch)
    if X_batch.ndim != 2 or X_batch.shape[1] != 784:
        raise ValueError(f"X_batch must be flattened images of shape (n, 784), got shape "
                         f"{X_batch.shape}; load them with flatten=True")
    if isinstance(max_shift, bool) or not isinstance(max_shift, (int, np.integer)) \
            or not 0 <= max_shift <= 27:
        raise ValueError(f"max_shift must be a whole number of pixels from 0 to 27, got {max_shift!r}")
    n, s = len(X_batch), int(max_shift)
    padded = np.pad(X_batch.reshape(n, 28, 28), ((0, 0), (s, s), (s, s)),
                    constant_values=background)
    offsets = rng.integers(0, 2 * s + 1, size=(n, 2))
    rows = offsets[:, 0, None] + np.arange(28)
    cols = offsets[:, 1, None] + np.arange(28)
    return padded[np.arange(n)[:, None, None], rows[:, :, None], cols[:, None, :]].reshape(n, 784)
