"""Save a model to one ``.npz`` file and load it back, without pickle.

The file holds one array per parameter and buffer (``"0.W"``, ``"2.running_mean"``, ...)
and an ``"architecture"`` entry: a JSON string listing each layer's type and
constructor arguments. Loading uses ``allow_pickle=False``, so a file can never run
code; every shape, dtype and name is checked against the architecture before any
value is used, and any problem raises ``ModelFileError`` saying what is wrong.
"""

from __future__ import annotations

import inspect
import json
import zipfile
import zlib
from pathlib import Path

import numpy as np

from .layers import LAYER_TYPES
from .model import Sequential, all_finite

FORMAT, VERSION = "mlp_from_scratch.Sequential", 1


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
    """Write ``model`` to ``path`` (``.npz`` is added if missing); returns the path."""
    path = Path(path)
    if path.suffix != ".npz":
        path = path.with_name(path.name + ".npz")
    unknown = [type(layer).__name__ for layer in model if type(layer).__name__ not in LAYER_TYPES]
    if unknown:
        raise ValueError(f"cannot save layers of type {unknown}: only {sorted(LAYER_TYPES)}")
    np.savez(path, architecture=np.array(json.dumps(_architecture(model))), **_arrays(model))
    return path


def _build(architecture: dict, path: Path) -> Sequential:
    """A fresh model of the architecture described in a file."""
    try:
        if architecture["format"] != FORMAT or architecture["version"] != VERSION:
            raise ModelFileError(f"{path}: format {architecture['format']!r} version "
                                 f"{architecture['version']!r} is not one this version can read")
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
        raise ModelFileError(f"{path}: the architecture entry is malformed ({err!r})") from err


def _describe(architecture: dict) -> str:
    return " -> ".join(f"{layer['type']}{tuple(layer['config'].values()) or ''}"
                       for layer in architecture["layers"])


def _read(path: Path, model: Sequential | None) -> Sequential:
    try:
        with np.load(path, allow_pickle=False) as npz:
            if "architecture" not in npz.files:
                raise ModelFileError(f"{path} has no architecture entry: not saved by save_model")
            architecture = json.loads(str(npz["architecture"]))
            if not isinstance(architecture, dict):
                raise ModelFileError(f"{path}: the architecture entry is not a JSON object")
            if model is None:
                model = _build(architecture, path)
            elif architecture != _architecture(model):
                raise ModelFileError(
                    f"{path} holds a different model:\n  file:  {_describe(architecture)}\n"
                    f"  model: {_describe(_architecture(model))}"
                )
            targets = _arrays(model)
            found = set(npz.files) - {"architecture"}
            if found != set(targets):
                raise ModelFileError(f"{path}: arrays {sorted(found)} do not match the "
                                     f"architecture's {sorted(targets)}")
            for key, target in targets.items():
                # Check the stored size before reading, so a hostile file cannot make us
                # allocate gigabytes (the .npy header adds at most a few hundred bytes).
                if npz.zip.getinfo(f"{key}.npy").file_size > target.nbytes + 4096:
                    raise ModelFileError(f"{path}: array {key} is larger than shape "
                                         f"{target.shape} allows")
                value = npz[key]
                if value.shape != target.shape or value.dtype != target.dtype:
                    raise ModelFileError(f"{path}: array {key} has {value.dtype} {value.shape}, "
                                         f"expected {target.dtype} {target.shape}")
                if not all_finite(value):
                    raise ModelFileError(f"{path}: array {key} contains NaN or infinity")
                target[...] = value
    except ModelFileError:
        raise
    except (OSError, EOFError, ValueError, KeyError, zipfile.BadZipFile, zlib.error) as err:
        raise ModelFileError(f"{path} is not a readable model file ({err})") from err
    return model


def load_model(path: str | Path) -> Sequential:
    """Rebuild the model saved in ``path``: architecture, parameters and BatchNorm buffers.
    Returned in evaluation mode."""
    return _read(Path(path), None).eval()


def load_weights(model: Sequential, path: str | Path) -> Sequential:
    """Copy the parameters saved in ``path`` into ``model``, which must have the same
    architecture (otherwise the error shows both)."""
    return _read(Path(path), model)
