"""Save a model to one ``.npz`` file and load it back, without pickle.

The file holds one array per parameter and buffer (``"0.W"``, ``"2.running_mean"``, ...)
and an ``"architecture"`` entry: a JSON string listing each layer's type and
constructor arguments. Loading never runs code from a file and trusts nothing in it:

* the zip members are read here, not by ``np.load``: each ``.npy`` header is checked
  (dtype, shape, no Python objects) against what the architecture declares *before*
  its data is read, so a file cannot make us allocate more than it declares;
* the architecture's declared sizes are checked against the members' stored sizes,
  and those against the file's real size (deflate expands at most ~1032 times), before
  a model of that size is built;
* hyper-parameters go through the layers' own checks (a NaN slope or a negative eps is
  refused), and every array must be finite (running variances ≥ 0);
* ``load_weights`` reads and checks every array before it changes the caller's model.

Any problem raises ``ModelFileError`` saying what is wrong. ``save_model`` writes to a
temporary file in the same folder and renames it over the target, so a save that fails
half-way leaves the previous file intact.
"""

from __future__ import annotations

import contextlib
import inspect
import json
import math
import os
import struct
import tempfile
import zipfile
import zlib
from pathlib import Path

import numpy as np

from .layers import LAYER_TYPES
from .model import Sequential, all_finite
from .validation import check_instance

FORMAT, VERSION = "mlp_from_scratch.Sequential", 1

#: Upper bound on the architecture entry: a JSON list of a few layers is a few kB.
MAX_ARCHITECTURE_BYTES = 1 << 20
#: The most a deflate stream can expand (RFC 1951: 258 bytes from 2 bits, ~1032:1).
_MAX_DEFLATE_RATIO = 1032
#: Room for a .npy header (magic, version, length, a padded dict literal).
_NPY_HEADER_BYTES = 4096


class ModelFileError(ValueError):
    """A model file is unreadable, damaged, or does not match the expected model."""


def _architecture(model: Sequential) -> dict:
    return {
        "format": FORMAT,
        "version": VERSION,
        "dtype": str(model.dtype),
        "layers": [{"type": type(layer).__name__, "config": layer.config()} for layer in model],
    }


def _arrays(model: Sequential) -> dict[str, np.ndarray]:
    return {f"{i}.{name}": value
            for i, layer in enumerate(model)
            for name, value in (layer.params | layer.buffers).items()}


def save_model(model: Sequential, path: str | Path) -> Path:
    """Write ``model`` to ``path`` (``.npz`` is added if missing); returns the path.

    The file is written next to the target under a temporary name, then renamed over
    it (``os.replace``, atomic), so an interrupted save never leaves a damaged file.
    """
    check_instance(model, Sequential, "model", "Sequential(Dense(2, 1, rng=rng))")
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a str or pathlib.Path, got {type(path).__name__}")
    path = Path(path)
    if path.suffix != ".npz":
        path = path.with_name(path.name + ".npz")
    unknown = [type(layer).__name__ for layer in model if type(layer).__name__ not in LAYER_TYPES]
    if unknown:
        raise ValueError(f"cannot save layers of type {unknown}: only {sorted(LAYER_TYPES)}")
    arrays = _arrays(model)
    bad = [key for key, value in arrays.items() if not all_finite(value)]
    if bad:
        raise ValueError(f"the model's arrays {bad} contain NaN or infinity (did training "
                         "diverge?); such a file could not be loaded back, so nothing was saved")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise FileNotFoundError(f"folder {folder} does not exist; create it first, e.g. "
                                f"Path({str(folder)!r}).mkdir(parents=True)")
    fd, temporary = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez(f, architecture=np.array(json.dumps(_architecture(model))), **arrays)
            f.flush()
            os.fsync(f.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)  # mkstemp makes 0600; give a normal file's mode
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    return path


def _check_structure(architecture: object, path: Path) -> dict:
    """The architecture as a dict whose layers are ``{"type": str, "config": dict}``."""
    if not isinstance(architecture, dict):
        raise ModelFileError(f"{path}: the architecture entry is not a JSON object")
    missing = {"format", "version", "dtype", "layers"} - set(architecture)
    if missing:
        raise ModelFileError(f"{path}: the architecture entry is malformed (no {sorted(missing)})")
    if architecture["format"] != FORMAT or architecture["version"] != VERSION:
        raise ModelFileError(f"{path}: format {architecture['format']!r} version "
                             f"{architecture['version']!r} is not one this version can read")
    layers = architecture["layers"]
    if not isinstance(layers, list) or not layers or not all(
            isinstance(spec, dict) and isinstance(spec.get("type"), str)
            and isinstance(spec.get("config"), dict) for spec in layers):
        raise ModelFileError(f"{path}: the architecture entry is malformed (layers must be a "
                             "non-empty list of {\"type\": name, \"config\": {...}})")
    for spec in layers:
        if spec["type"] not in LAYER_TYPES:
            raise ModelFileError(f"{path}: unknown layer type {spec['type']!r}")
    try:
        dtype = np.dtype(architecture["dtype"])
    except TypeError as err:
        raise ModelFileError(f"{path}: unsupported dtype {architecture['dtype']!r}") from err
    if dtype not in (np.float32, np.float64):
        raise ModelFileError(f"{path}: unsupported dtype {dtype}")
    return architecture


def _declared_shapes(architecture: dict, path: Path) -> dict[str, tuple[int, ...]]:
    """The array shapes the architecture declares, computed from the configs alone, so
    they can be checked against the file before a model of that size is built."""
    def size(config: dict, key: str) -> int:
        value = config.get(key)
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ModelFileError(f"{path}: the architecture entry is malformed ({key} is "
                                 f"{value!r}, not a positive integer)")
        return value

    shapes: dict[str, tuple[int, ...]] = {}
    for i, spec in enumerate(architecture["layers"]):
        config = spec["config"]
        if spec["type"] == "Dense":
            n_in, n_out = size(config, "in_features"), size(config, "out_features")
            shapes |= {f"{i}.W": (n_in, n_out), f"{i}.b": (n_out,)}
        elif spec["type"] == "BatchNorm":
            n = size(config, "num_features")
            shapes |= {f"{i}.{name}": (n,) for name in
                       ("gamma", "beta", "running_mean", "running_var")}
    return shapes


def _build(architecture: dict, path: Path) -> Sequential:
    """A fresh model of the architecture described in a file."""
    try:
        dtype = np.dtype(architecture["dtype"])
        if dtype not in (np.float32, np.float64):
            raise ModelFileError(f"{path}: unsupported dtype {dtype}")
        rng = np.random.default_rng(0)  # initial values are overwritten from the file
        layers = []
        for spec in architecture["layers"]:
            cls = LAYER_TYPES.get(spec["type"])
            if cls is None:
                raise ModelFileError(f"{path}: unknown layer type {spec['type']!r}")
            kwargs = dict(spec["config"])
            accepted = inspect.signature(cls).parameters
            if "rng" in accepted:
                kwargs["rng"] = rng
            if "dtype" in accepted:
                kwargs["dtype"] = dtype
            layers.append(cls(**kwargs))
        return Sequential(*layers)
    except ModelFileError:
        raise
    except (KeyError, TypeError, ValueError) as err:
        raise ModelFileError(f"{path}: the architecture entry is malformed ({err})") from err


def _describe(architecture: dict) -> str:
    return " -> ".join(f"{layer['type']}{tuple(layer['config'].values()) or ''}"
                       for layer in architecture["layers"])


def _read_member(zf: zipfile.ZipFile, name: str, path: Path,
                 expected: tuple[np.dtype, tuple[int, ...]] | None = None,
                 max_bytes: int | None = None) -> np.ndarray:
    """Read one ``.npy`` member, checking its header before its data: no objects (which
    would need pickle), the expected dtype and shape if given, at most ``max_bytes``."""
    key = name.removesuffix(".npy")
    with zf.open(name) as f:
        version = np.lib.format.read_magic(f)
        if version == (1, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_1_0(f)
        elif version == (2, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_2_0(f)
        else:
            raise ModelFileError(f"{path}: array {key} has .npy version {version}")
        if dtype.hasobject:
            raise ModelFileError(f"{path}: array {key} holds Python objects, which only pickle "
                                 "could load; a model file holds numbers only")
        if expected is not None and (dtype != expected[0] or shape != expected[1]):
            raise ModelFileError(f"{path}: array {key} has {dtype} {shape}, expected "
                                 f"{expected[0]} {expected[1]}")
        nbytes = math.prod(shape) * dtype.itemsize
        if max_bytes is not None and nbytes > max_bytes:
            raise ModelFileError(f"{path}: array {key} declares {nbytes} bytes, more than the "
                                 f"{max_bytes} allowed")
        data = f.read(nbytes)
        if len(data) != nbytes or f.read(1):
            raise ModelFileError(f"{path}: array {key} does not hold the {nbytes} bytes its "
                                 "header declares: the file is damaged")
    return np.frombuffer(data, dtype).reshape(shape, order="F" if fortran else "C")


def _check_sizes(zf: zipfile.ZipFile, shapes: dict[str, tuple[int, ...]], itemsize: int,
                 path: Path) -> None:
    """The stored sizes must fit the declared shapes, and the file's real size must be able
    to hold them (a member may lie about its uncompressed size; deflate cannot expand more
    than ~1032 times)."""
    disk = path.stat().st_size
    compressed = 0
    for key, shape in shapes.items():
        info = zf.getinfo(f"{key}.npy")
        need = math.prod(shape) * itemsize
        if info.file_size > need + _NPY_HEADER_BYTES:
            raise ModelFileError(f"{path}: array {key} is larger than shape {shape} allows")
        if info.file_size < need:
            raise ModelFileError(f"{path}: array {key} is smaller than shape {shape} needs: "
                                 "the file is damaged")
        limit = info.compress_size * (_MAX_DEFLATE_RATIO
                                      if info.compress_type != zipfile.ZIP_STORED else 1)
        if info.file_size > limit + _NPY_HEADER_BYTES:
            raise ModelFileError(f"{path}: array {key} claims {info.file_size} bytes from "
                                 f"{info.compress_size} stored: the file is damaged")
        compressed += info.compress_size
    if compressed > disk:
        raise ModelFileError(f"{path}: its members claim {compressed} bytes but the file has "
                             f"{disk}: it is truncated or damaged")


def _read(path: Path, model: Sequential | None) -> Sequential:
    try:
        if not zipfile.is_zipfile(path):
            hint = (" (a .npy file holds one array; save_model writes a .npz)"
                    if path.suffix == ".npy" else "")
            raise ModelFileError(f"{path} is not a readable model file (not a zip archive"
                                 f"{hint})")
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            if "architecture.npy" not in names:
                raise ModelFileError(f"{path} has no architecture entry: not saved by save_model")
            entry = _read_member(zf, "architecture.npy", path, max_bytes=MAX_ARCHITECTURE_BYTES)
            if entry.dtype.kind != "U" or entry.shape != ():
                raise ModelFileError(f"{path}: the architecture entry is not a JSON string")
            architecture = _check_structure(json.loads(str(entry[()])), path)
            if model is not None and architecture != _architecture(model):
                raise ModelFileError(
                    f"{path} holds a different model:\n  file:  {_describe(architecture)}\n"
                    f"  model: {_describe(_architecture(model))}"
                )
            found = {n.removesuffix(".npy") for n in names} - {"architecture"}
            shapes = _declared_shapes(architecture, path)
            if found != set(shapes):
                raise ModelFileError(f"{path}: arrays {sorted(found)} do not match the "
                                     f"architecture's {sorted(shapes)}")
            _check_sizes(zf, shapes, np.dtype(architecture["dtype"]).itemsize, path)
            fresh = model is None
            if fresh:
                model = _build(architecture, path)
            targets = _arrays(model)
            if set(targets) != set(shapes):  # the layer classes and the format disagree
                raise ModelFileError(f"{path}: arrays {sorted(found)} do not match the "
                                     f"model's {sorted(targets)}")
            values = {}
            for key, target in targets.items():
                value = _read_member(zf, f"{key}.npy", path, (target.dtype, target.shape))
                if not all_finite(value):
                    raise ModelFileError(f"{path}: array {key} contains NaN or infinity")
                if key.endswith(".running_var") and value.size and value.min() < 0:
                    raise ModelFileError(f"{path}: array {key} holds a negative variance "
                                         f"({value.min():.3g})")
                values[key] = value
            # Every array passed: only now change the model (the caller's, for load_weights).
            for key, value in values.items():
                targets[key][...] = value
    except ModelFileError:
        raise
    except (OSError, EOFError, ValueError, KeyError, TypeError, zipfile.BadZipFile, zlib.error,
            NotImplementedError, RuntimeError, struct.error, OverflowError) as err:
        # NotImplementedError: an unknown compression method (a flipped header bit);
        # RuntimeError: an encrypted member, or RecursionError from deeply nested JSON.
        reason = ("nested too deeply" if isinstance(err, RecursionError)
                  else f"{type(err).__name__}: {err}")
        raise ModelFileError(f"{path} is not a readable model file ({reason})") from err
    return model


def _check_path(path: object) -> Path:
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a str or pathlib.Path, got {type(path).__name__}")
    return Path(path)


def load_model(path: str | Path) -> Sequential:
    """Rebuild the model saved in ``path``: architecture, parameters and BatchNorm buffers.
    Returned in evaluation mode."""
    return _read(_check_path(path), None).eval()


def load_weights(model: Sequential, path: str | Path) -> Sequential:
    """Copy the parameters saved in ``path`` into ``model``, which must have the same
    architecture (otherwise the error shows both). Every array is checked before any is
    copied, so on an error the model is unchanged."""
    check_instance(model, Sequential, "model", "Sequential(Dense(2, 1, rng=rng))")
    return _read(_check_path(path), model)
