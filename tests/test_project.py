"""Checks on the repository itself: dependency lists, commands, notebooks' shape and their
nbgrader cells (the graded-task contract in INSTRUCTORS.md)."""

import json
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
sys.path.insert(0, str(ROOT / "tools"))

import grade  # noqa: E402
import nbgrader_cells  # noqa: E402
import run_notebooks  # noqa: E402
import task_table  # noqa: E402


def requirement_names(specs):
    """{name: "name>=version"} with spaces, environment markers and pip's extras dropped
    (conda has no extras: "psycopg[binary]" is conda-forge's "psycopg")."""
    specs = [re.sub(r"\[.*?\]", "", s.split(";")[0].split("#")[0].replace(" ", "")) for s in specs]
    return {re.split(r"[<>=!~\[]", s, maxsplit=1)[0].lower(): s for s in specs}


def test_environment_yml_and_pyproject_list_the_same_packages():
    # Every extra (fast, notebooks, instructor, dev, ...) counts; an extra that only pulls
    # in others ("mlp_from_scratch[notebooks,fast]") adds nothing of its own.
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pip_specs = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        pip_specs += [s for s in extra if not s.startswith("mlp_from_scratch")]
    text = (ROOT / "environment.yml").read_text()
    section = text.split("dependencies:", 1)[1]
    conda_specs = [m.group(1) for m in re.finditer(r"^  - ([A-Za-z][^\s:#]*)", section, re.M)]
    conda = requirement_names(conda_specs)
    conda.pop("python"), conda.pop("pip")
    assert conda == requirement_names(pip_specs)


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in readme and "make lab" in readme
    assert re.search(r"^make test$", ci, re.M)


def test_notebooks_are_numbered_01_to_09_without_gaps():
    numbers = [int(p.name[:2]) for p in NOTEBOOKS]
    assert numbers == list(range(1, 10)), [p.name for p in NOTEBOOKS]


def test_the_accuracy_benchmark_trains_notebook_09s_recipe():
    # benchmarks/accuracy_vs_time.py reports what 09's recipe reaches in 30 s: a change to
    # the recipe in either place must be made in both.
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import accuracy_vs_time as benchmark

    code = "\n".join(c.source for c in nbformat.read(NOTEBOOKS[8], as_version=4).cells
                     if c.cell_type == "code")
    h1, h2, p = re.search(r"^H1, H2, P = (.+)$", code, re.M).group(1).split(", ")
    _, batch, lr = re.search(r"^num_epochs, batch_size, lr = (.+)$", code, re.M).group(1).split(", ")
    shift = re.search(r"^def augment\(X_batch, rng, max_shift=(\d+)\):", code, re.M).group(1)
    assert benchmark.HIDDEN == (int(h1), int(h2)) and benchmark.DROPOUT == float(p)
    assert benchmark.BATCH == int(batch) and benchmark.LR == float(lr)
    assert benchmark.SHIFT == int(shift)


def test_importing_the_package_leaves_matplotlib_pandas_and_numba_for_later():
    # Every notebook starts with `import mlp_from_scratch`; each of these takes longer to
    # import than the rest of the package, so it is imported where first used (the plots,
    # fit's history, the first kernel call). benchmarks/import_time.py times the import.
    heavy = ["matplotlib", "pandas", "numba"]
    code = f"import sys, mlp_from_scratch; print(*[m for m in {heavy} if m in sys.modules])"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, check=True)
    assert done.stdout.split() == [], f"import mlp_from_scratch imported {done.stdout.strip()}"


def test_the_docs_install_the_package_with_the_constraints():
    # A pip command that installs from the clone must pin what `make` pins.
    for name in ("README.md", "INSTRUCTORS.md"):
        for command in re.findall(r"pip install[^`\n]*", (ROOT / name).read_text()):
            if "@ git+" not in command and re.search(r"(^|\s)\"?\.(\[|\"|\s|$)", command):
                assert "-c requirements/constraints.txt" in command, f"{name}: {command}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_committed_from_a_clean_run_and_ends_with_summary_and_exercises(path):
    nb = json.loads(path.read_text())
    code = [c for c in nb["cells"] if c["cell_type"] == "code" and "".join(c["source"]).strip()]
    counts = [c["execution_count"] for c in code]
    assert counts == list(range(1, len(code) + 1)), "re-run with `make notebooks`"
    outputs = [o for c in code for o in c["outputs"]]
    assert not [o for o in outputs if o["output_type"] == "error"]
    text = json.dumps(nb)
    assert not re.search(r"/work/|/tmp/|/root/|/home/", text), "machine-specific path in notebook"
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    headings = [line for c in nb["cells"] if c["cell_type"] == "markdown"
                for line in "".join(c["source"]).splitlines() if line.startswith("## ")]
    assert "## Summary" in headings and "## Exercises" in headings
    assert headings.index("## Summary") < headings.index("## Exercises")


# --- nbgrader cells ---------------------------------------------------------------------------

def _nbgrader(cell):
    return cell.get("metadata", {}).get("nbgrader")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_has_graded_tasks(path):
    assert nbgrader_cells.tasks(json.loads(path.read_text())), \
        f"{path.name} has no solution cell (nbgrader metadata with solution: true)"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_grade_ids_are_unique(path):
    ids = [_nbgrader(c)["grade_id"] for c in json.loads(path.read_text())["cells"]
           if _nbgrader(c) and "grade_id" in _nbgrader(c)]
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_solution_cell_is_followed_by_a_test_cell_with_points(path):
    cells = json.loads(path.read_text())["cells"]
    for i, cell in enumerate(cells):
        meta = _nbgrader(cell) or {}
        if not meta.get("solution"):
            continue
        nxt = next((c for c in cells[i + 1:] if c["cell_type"] == "code"), None)
        nxt_meta = (_nbgrader(nxt) or {}) if nxt else {}
        assert nxt_meta.get("grade") and not nxt_meta.get("solution") \
            and nxt_meta.get("points", 0) > 0 \
            and nxt_meta.get("grade_id", "").startswith(meta["grade_id"] + "_check"), \
            f"cell {i} ({meta['grade_id']}) is not followed by a test cell with points"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_solution_markers_outside_solution_cells(path):
    for i, cell in enumerate(json.loads(path.read_text())["cells"]):
        source = "".join(cell["source"])
        if "### BEGIN SOLUTION" in source or "### END SOLUTION" in source:
            assert cell["cell_type"] == "code" and (_nbgrader(cell) or {}).get("solution"), \
                f"cell {i} holds a solution block but is no solution cell"
            assert source.count("### BEGIN SOLUTION") == source.count("### END SOLUTION"), i


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_hidden_test_markers_are_balanced_and_only_in_test_cells(path):
    for i, cell in enumerate(json.loads(path.read_text())["cells"]):
        lines = [line.strip() for line in "".join(cell["source"]).splitlines()]
        marks = [line for line in lines if line in ("### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS")]
        if not marks and not any("HIDDEN TESTS" in line for line in lines):
            continue
        assert (_nbgrader(cell) or {}).get("grade"), f"cell {i}: hidden tests outside a test cell"
        assert marks == ["### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"] * (len(marks) // 2) \
            and len(marks) == len([line for line in lines if "HIDDEN TESTS" in line]), \
            f"cell {i}: BEGIN/END HIDDEN TESTS do not pair up: {marks}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_nbgrader_metadata_is_normalised(path):
    nb = nbformat.read(path, as_version=4)
    problems = nbgrader_cells.problems(nb, path.name)
    assert not problems and nbgrader_cells.is_normalised(nb, path.name), (
        f"{path.name}: nbgrader metadata not normalised (every other code cell locked); "
        "run tools/run_notebooks.py\n  " + "\n  ".join(problems))


def test_instructors_task_table_matches_the_notebooks_and_gives_every_task_its_minutes():
    text = (ROOT / "INSTRUCTORS.md").read_text()
    assert task_table.updated(text, NOTEBOOKS) == text, \
        "INSTRUCTORS.md's task table does not match the notebooks: run tools/task_table.py"
    table = text.split(task_table.BEGIN, 1)[1].split(task_table.END, 1)[0]
    minutes = task_table.read_minutes(table)
    missing = [grade_id for grade_id, m in minutes.items() if not re.fullmatch(r"\d+", m)]
    assert not missing, f"INSTRUCTORS.md: give these tasks their expected minutes: {missing}"


def test_task_table_keeps_hand_written_minutes_and_marks_new_tasks(tmp_path):
    nb = nbformat.read(_notebook(tmp_path), as_version=4)
    rows = task_table.tasks([tmp_path / "04_tiny.ipynb"])
    assert rows == [("04_tiny", "nb04_f", "def f(x):", 3.0)]
    first = task_table.render(rows, {})
    assert "| 04_tiny | `nb04_f` | `def f(x):` | 3 | kernel | ? |" in first
    text = "intro\n" + first.replace("| 3 | kernel | ? |", "| 3 | kernel | 12 |") + "\nend"
    again = task_table.updated(text, [tmp_path / "04_tiny.ipynb"])
    assert again == "intro\n" + task_table.render(rows, {"nb04_f": "12"}) + "\nend"
    assert "| **04_tiny** | | **total** | **3** | | **12** |" in again
    assert task_table.updated(again, [tmp_path / "04_tiny.ipynb"]) == again
    nb.cells[4].metadata["nbgrader"]["points"] = 5
    nbformat.write(nb, tmp_path / "04_tiny.ipynb")
    assert "| 04_tiny | `nb04_f` | `def f(x):` | 5 | kernel | 12 |" in \
        task_table.updated(again, [tmp_path / "04_tiny.ipynb"])


# --- the normaliser itself, on a notebook made here -----------------------------------------

def _notebook(tmp_path, solution_meta=True, check_meta=True, name="04_tiny.ipynb"):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Tiny"),
                nbformat.v4.new_code_cell("import numpy as np"),
                nbformat.v4.new_code_cell(""),
                nbformat.v4.new_code_cell("def f(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n"
                                          "    ### END SOLUTION"),
                nbformat.v4.new_code_cell("assert f(1) == 2, 'f(1) is wrong'"),
                nbformat.v4.new_markdown_cell("Then:"),
                nbformat.v4.new_code_cell("print(np.pi)")]
    if solution_meta:
        nb.cells[3].metadata["nbgrader"] = nbgrader_cells.solution_metadata("nb04_f")
    if check_meta:
        nb.cells[4].metadata["nbgrader"] = nbgrader_cells.check_metadata("nb04_f_check", 3)
    path = tmp_path / name
    nbformat.write(nb, path)
    return path


def test_normaliser_locks_every_other_code_cell_in_order_and_is_idempotent(tmp_path):
    path = _notebook(tmp_path)
    nb = nbformat.read(path, as_version=4)
    assert nbgrader_cells.normalise(nb, path.name) is True
    metas = [c.metadata.get("nbgrader") for c in nb.cells]
    assert metas[0] is None and metas[5] is None          # markdown left alone
    assert metas[2] is None                               # an empty code cell too
    assert metas[1] == {"grade": False, "grade_id": "nb04_locked_1", "locked": True,
                        "schema_version": 3, "solution": False, "task": False}
    assert metas[6]["grade_id"] == "nb04_locked_2"
    assert metas[3] == nbgrader_cells.solution_metadata("nb04_f")
    assert metas[4]["points"] == 3
    assert nbgrader_cells.normalise(nb, path.name) is False
    assert nbgrader_cells.is_normalised(nb, path.name)
    assert [(t.grade_id, t.test_indices, t.points) for t in nbgrader_cells.tasks(nb)] == \
        [("nb04_f", [4], 3.0)]


def test_normaliser_names_the_notebook_and_cell_of_a_solution_without_metadata(tmp_path):
    nb = nbformat.read(_notebook(tmp_path, solution_meta=False), as_version=4)
    with pytest.raises(ValueError, match=r"04_tiny.ipynb, cell 3: holds '### BEGIN SOLUTION' "
                                         r"but is not a solution cell"):
        nbgrader_cells.normalise(nb, "04_tiny.ipynb")


def test_normaliser_needs_a_test_cell_with_points_after_each_solution(tmp_path):
    nb = nbformat.read(_notebook(tmp_path, check_meta=False), as_version=4)
    with pytest.raises(ValueError, match=r"cell 3: solution cell 'nb04_f' is not followed by "
                                         r"a test cell 'nb04_f_check' with points"):
        nbgrader_cells.normalise(nb, "04_tiny.ipynb")
    nb.cells[4].metadata["nbgrader"] = nbgrader_cells.check_metadata("nb04_f_check", 0)
    with pytest.raises(ValueError, match=r"cell 4: test cell 'nb04_f_check' needs points > 0"):
        nbgrader_cells.normalise(nb, "04_tiny.ipynb")


def test_check_mode_sends_a_stale_notebook_to_run_notebooks(tmp_path, capsys):
    path = _notebook(tmp_path)
    assert run_notebooks.main(["--check", str(path)]) == 1
    assert "run tools/run_notebooks.py" in capsys.readouterr().out
    assert run_notebooks.main(["--metadata-only", str(path)]) == 0
    assert run_notebooks.main(["--check", str(path)]) == 0
    before = path.read_text()
    assert run_notebooks.main(["--metadata-only", str(path)]) == 0
    assert path.read_text() == before


def test_parallel_graders_share_the_cores_for_blas_threads(monkeypatch):
    # tools/grade.py: N workers on C cores get C // N BLAS threads each (at least 1), so two
    # workers on two cores do not each run two threads; a setting made by hand is kept.
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    assert grade.blas_threads(1, cores=2)["OPENBLAS_NUM_THREADS"] == "2"
    assert grade.blas_threads(2, cores=2) == dict.fromkeys(
        ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"), "1")
    assert grade.blas_threads(4, cores=2)["OMP_NUM_THREADS"] == "1"
    assert grade.blas_threads(2, cores=8)["MKL_NUM_THREADS"] == "4"
    monkeypatch.setenv("OMP_NUM_THREADS", "3")
    assert grade.blas_threads(2, cores=8) == {}
