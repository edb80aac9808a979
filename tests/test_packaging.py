"""The package as others install it: pinned versions, a real wheel, the declared minimum versions.

The tests marked ``install`` build virtual environments in a temporary folder (with ``uv``
when it is on PATH or in ``.tools/``, which ``make`` puts there; with pip otherwise): a wheel
installed outside the repository must find MNIST, and the unit tests and every notebook must
run against the lowest versions ``pyproject.toml`` declares. They take a few minutes, need
the package index, and run once in ``make test`` (not in its NumPy-path re-run).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
import textwrap
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
CONSTRAINTS = ROOT / "requirements" / "constraints.txt"
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


#: The Python the pins were made on; requirements for other Pythons only (tomli) have none.
LOCK_PYTHON = {"python_version": "3.11", "python_full_version": "3.11.7"}


def declared(*, pinned_only: bool = False) -> dict[str, list[Requirement]]:
    """Every requirement of the package and its extras (the self-references left out); with
    ``pinned_only``, those the constraints' Python needs."""
    groups = {"runtime": PROJECT["dependencies"], **PROJECT["optional-dependencies"]}
    reqs = {group: [Requirement(s) for s in specs if not s.startswith("mlp_from_scratch")]
            for group, specs in groups.items()}
    if pinned_only:
        reqs = {group: [r for r in rs if r.marker is None or r.marker.evaluate(LOCK_PYTHON)]
                for group, rs in reqs.items()}
    return reqs


def pins() -> dict[str, Version]:
    """{name: version} of requirements/constraints.txt, every line ``name==version ; marker``."""
    found = {}
    for line in CONSTRAINTS.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            req = Requirement(line)
            (spec,) = req.specifier
            assert spec.operator == "==", f"{line!r}: a constraint must pin one version"
            found[normalize(req.name)] = Version(spec.version)
    return found


def environment_yml_specs() -> dict[str, str]:
    text = (ROOT / "environment.yml").read_text().split("dependencies:", 1)[1]
    specs = re.findall(r"^  - ([A-Za-z][^\s:]*)$", text, re.M)
    return {normalize(re.split(r"[<>=!~]", s, maxsplit=1)[0]): s for s in specs}


# ------------------------------------------------------------------ the constraints file

def test_constraints_pin_every_declared_package_within_its_range():
    pinned = pins()
    for group, requirements in declared(pinned_only=True).items():
        for req in requirements:
            name = normalize(req.name)
            assert name in pinned, f"{req.name} ({group}) has no pin in {CONSTRAINTS.name}: make lock"
            assert req.specifier.contains(pinned[name], prereleases=True), (
                f"{req.name}=={pinned[name]} in {CONSTRAINTS.name} is outside pyproject's {req}")


def test_constraints_lie_within_environment_yml():
    pinned = pins()
    needed = {normalize(r.name) for rs in declared(pinned_only=True).values() for r in rs}
    for name, spec in environment_yml_specs().items():
        if name not in needed:  # python, pip, and tomli (Python 3.10 only)
            continue
        req = Requirement(spec)  # the same syntax in conda and pip for these
        assert req.specifier.contains(pinned[name], prereleases=True), (
            f"{name}=={pinned[name]} in {CONSTRAINTS.name} is outside environment.yml's {spec}")


def test_constraints_apply_to_the_python_they_were_made_on():
    markers = {line.split(";", 1)[1].strip() for line in CONSTRAINTS.read_text().splitlines()
               if line.strip() and not line.startswith("#")}
    assert markers == {'python_full_version >= "3.11.5"'}


@pytest.mark.skipif(Path(sys.prefix).resolve() != (ROOT / ".venv").resolve(),
                    reason="checks the repository's .venv, which make installs from the pins")
def test_the_environment_making_the_stored_outputs_has_the_pinned_versions():
    pinned = pins()
    # Only what is installed in site-packages: once setuptools is imported (nbgrader does), its
    # vendored copies of packaging and platformdirs join sys.path with their own versions.
    site = sorted({sysconfig.get_paths()[k] for k in ("purelib", "platlib")})
    installed = {normalize(d.metadata["Name"]): Version(d.version)
                 for d in metadata.distributions(path=site)}
    differ = {n: f"{installed[n]} installed, {v} pinned" for n, v in pinned.items()
              if n in installed and installed[n] != v}
    assert not differ, f"re-install (rm -r .venv; make test) or re-pin (make lock): {differ}"


def test_readme_commands_install_with_the_constraints():
    readme = (ROOT / "README.md").read_text()
    makefile = (ROOT / "Makefile").read_text()
    assert "-c requirements/constraints.txt" in readme
    assert "CONSTRAINTS := requirements/constraints.txt" in makefile
    assert makefile.count("-c $(CONSTRAINTS)") == 2  # uv and the pip fallback


# ------------------------------------------------------------------ building environments

def find_uv() -> str | None:
    local = ROOT / ".tools" / "bin" / "uv"
    return shutil.which("uv") or (str(local) if local.exists() else None)


def run(cmd, **kwargs) -> subprocess.CompletedProcess:
    done = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, **kwargs)
    command = " ".join(map(str, cmd))
    assert done.returncode == 0, f"{command} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


def make_venv(path: Path, python: str, packages: list[str], constraints: Path | None = None) -> Path:
    """A virtual environment at ``path`` with ``packages`` installed; returns its python."""
    uv = find_uv()
    bin_python = path / "bin" / "python"
    extra = ["-c", constraints] if constraints else []
    if uv:
        run([uv, "venv", "--quiet", "--python", python, path])
        run([uv, "pip", "install", "--quiet", "--python", bin_python, *extra, *packages])
    else:
        run([python, "-m", "venv", path])
        run([bin_python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *extra,
             *packages])
    return bin_python


def clean_env(**extra) -> dict[str, str]:
    """This process's environment without anything that points into the repository."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "MLP_FROM_SCRATCH_DATA", "VIRTUAL_ENV", "MLP_FROM_SCRATCH_NO_NUMBA")}
    return {**env, **extra}


def copy_of_the_repository(dest: Path) -> Path:
    """The files git would commit (tracked, and new ones not ignored): what a clean clone holds."""
    files = run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                cwd=ROOT).stdout.split("\0")
    for name in filter(None, files):
        source = ROOT / name
        if source.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)
    return dest


@pytest.mark.install
def test_a_wheel_installed_outside_the_repository_loads_mnist_from_any_folder(tmp_path):
    if shutil.which("git") is None:
        pytest.skip("needs git to copy the repository's files")
    source = copy_of_the_repository(tmp_path / "source")
    uv = find_uv()
    if uv:
        run([uv, "build", "--quiet", "--wheel", "--out-dir", tmp_path / "dist", source])
    else:
        run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", tmp_path / "dist", source])
    (wheel,) = (tmp_path / "dist").glob("mlp_from_scratch-*.whl")
    python = make_venv(tmp_path / "venv", sys.executable, [str(wheel)], CONSTRAINTS)
    shutil.rmtree(source)  # nothing may come from the source tree
    elsewhere = tmp_path / "somewhere" / "else"
    elsewhere.mkdir(parents=True)
    check = textwrap.dedent("""
        import sys
        from pathlib import Path
        import mlp_from_scratch as mfs
        from mlp_from_scratch import kernels
        X, y = mfs.load_mnist("test", normalize="scale", flatten=True)
        assert X.shape == (10000, 784) and y.shape == (10000,), (X.shape, y.shape)
        folder = mfs.mnist.default_data_dir()
        assert folder == Path(sys.prefix) / "share" / "mlp_from_scratch" / "mnist", folder
        assert Path(mfs.__file__).is_relative_to(sys.prefix), mfs.__file__
        assert kernels.BACKEND == "numpy", kernels.BACKEND  # Numba is an extra, not installed
        import importlib.util
        assert importlib.util.find_spec("numba") is None
        print("ok", folder)
    """)
    done = run([python, "-c", check], cwd=elsewhere, env=clean_env())
    assert done.stdout.startswith("ok")
    # Without the data, the error says where it looked.
    shutil.rmtree(tmp_path / "venv" / "share" / "mlp_from_scratch")
    failed = subprocess.run([str(python), "-c", "import mlp_from_scratch as m; m.load_mnist('test')"],
                            cwd=elsewhere, env=clean_env(), capture_output=True, text=True)
    assert failed.returncode != 0
    assert "MNIST not found; searched:" in failed.stderr
    assert str(tmp_path / "venv" / "share" / "mlp_from_scratch" / "mnist") in failed.stderr
    assert "MLP_FROM_SCRATCH_DATA" in failed.stderr


# ------------------------------------------------------------------ the lowest declared versions

#: What the notebooks import, beside the runtime dependencies and Numba (the `fast` extra).
NOTEBOOK_RUNTIME = ("ipywidgets", "ipykernel", "ipycanvas")
#: Tests of the repository and its tooling rather than of the package: they depend on no
#: runtime version (or need the dev tools), and run in the main environment.
REPOSITORY_TESTS = ("test_project.py", "test_exercise_checks.py", "test_packaging.py",
                    "test_browser.py", "test_grading_e2e.py", "test_benchmark_summary.py",
                    "test_numeric_setups.py", "test_grading_parallel.py", "test_judge.py")
#: Tools that run the tests and notebooks there, at whatever versions fit.
TOOLS = ("pytest", "hypothesis", "nbclient", "nbformat", "packaging")


def minimum_versions() -> list[str]:
    """``name==lowest`` for every runtime requirement, Numba and what the notebooks import,
    read from pyproject.toml (so raising a bound there raises what is tested)."""
    groups = declared()
    chosen = groups["runtime"] + groups["fast"] + [r for r in groups["notebooks"]
                                                  if normalize(r.name) in NOTEBOOK_RUNTIME]
    result = []
    for req in chosen:
        lowest = [s.version for s in req.specifier if s.operator in (">=", "==")]
        assert lowest, f"{req} declares no lower bound"
        result.append(f"{req.name}=={lowest[0]}")
    return result


def test_minimum_versions_are_read_from_pyproject():
    lowest = minimum_versions()
    assert "numpy==2.0" in lowest and "matplotlib==3.9" in lowest and "numba==0.60" in lowest
    assert {normalize(s.split("==")[0]) for s in lowest} >= set(NOTEBOOK_RUNTIME)


def oldest_python() -> str:
    """The oldest Python the package supports (requires-python) if it is on this machine,
    else this one: the lowest versions are tested on the oldest interpreter."""
    oldest = PROJECT["requires-python"].removeprefix(">=")
    candidates = [shutil.which(f"python{oldest}"),
                  *map(str, Path.home().glob(f".pyenv/versions/{oldest}.*/bin/python{oldest}"))]
    for candidate in filter(None, candidates):
        works = subprocess.run([candidate, "-c", "import venv"], capture_output=True)
        if works.returncode == 0:  # a pyenv shim exists even when its Python is not selected
            return candidate
    return sys.executable


EXECUTE_NOTEBOOKS = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    import nbformat
    from nbclient import NotebookClient
    failed = []
    for path in map(Path, sys.argv[1:]):
        nb = nbformat.read(path, as_version=4)
        start = time.perf_counter()
        try:
            NotebookClient(nb, timeout=1800, kernel_name="python3",
                           resources={"metadata": {"path": str(path.parent)}}).execute()
            print(f"{path.name}: ran in {time.perf_counter() - start:.0f} s", flush=True)
        except Exception as err:  # report every notebook, then fail
            print(f"{path.name}: FAILED: {str(err)[-2000:]}", flush=True)
            failed.append(path.name)
    sys.exit(f"failed: {failed}" if failed else 0)
""")


@pytest.mark.install
def test_unit_tests_and_every_notebook_run_on_the_lowest_declared_versions(tmp_path):
    python = make_venv(tmp_path / "venv", oldest_python(), [*minimum_versions(), *TOOLS])
    versions = run([python, "-c", "import sys, numpy, matplotlib, pandas, numba; "
                    "print(sys.version.split()[0], numpy.__version__, matplotlib.__version__, "
                    "pandas.__version__, numba.__version__)"]).stdout.split()
    print("Python {}, numpy {}, matplotlib {}, pandas {}, numba {}".format(*versions))
    for spec, got in zip(minimum_versions(), versions[1:]):
        assert Version(got) == Version(spec.split("==")[1]), (spec, got)
    # The package from the working tree, not installed: nothing else to build.
    # One BLAS thread: outputs are not compared here, and on a busy machine two threads
    # wait for each other's time slices.
    env = clean_env(PYTHONPATH=str(ROOT), OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1",
                    MPLBACKEND="Agg")
    ignore = [f"--ignore={ROOT / 'tests' / name}" for name in REPOSITORY_TESTS]
    unit = subprocess.run(
        [str(python), "-m", "pytest", "-q", "-rf", "-p", "no:cacheprovider", "-p", "no:warnings",
         "-o", "addopts=", "-m", "not install", *ignore, str(ROOT / "tests")],
        cwd=tmp_path, env=env, capture_output=True, text=True)
    log = tmp_path / "notebooks.log"  # follow a long run with tail -f
    with open(log, "w") as out:
        notebooks = subprocess.run([str(python), "-c", EXECUTE_NOTEBOOKS, *map(str, NOTEBOOKS)],
                                   cwd=tmp_path, env=env, stdout=out, stderr=subprocess.PIPE, text=True)
    notebooks.stdout = log.read_text()
    print(unit.stdout.splitlines()[-1], notebooks.stdout, sep="\n")
    assert unit.returncode == 0, f"unit tests failed on the lowest versions:\n{unit.stdout[-5000:]}"
    assert notebooks.returncode == 0, (
        f"notebooks failed on the lowest versions:\n{notebooks.stdout[-6000:]}\n{notebooks.stderr[-3000:]}")
