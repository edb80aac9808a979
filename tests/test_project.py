"""Checks on the repository itself: dependency lists, commands, notebooks' shape."""

import json
import re
import sys
from pathlib import Path

import pytest

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
sys.path.insert(0, str(ROOT / "tools"))


def requirement_names(specs):
    """{name: "name>=version"} with spaces and environment markers dropped."""
    specs = [s.split(";")[0].replace(" ", "") for s in specs]
    return {re.split(r"[<>=!~\[]", s, maxsplit=1)[0].lower(): s for s in specs}


def test_environment_yml_and_pyproject_list_the_same_packages():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pip_specs = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        pip_specs += [s for s in extra if not s.startswith("mlp_from_scratch")]
    text = (ROOT / "environment.yml").read_text()
    section = text.split("dependencies:", 1)[1]
    conda_specs = [m.group(1) for m in re.finditer(r"^  - ([A-Za-z][^\s:]*)$", section, re.M)]
    conda = requirement_names(conda_specs)
    conda.pop("python"), conda.pop("pip")
    assert conda == requirement_names(pip_specs)


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in readme and "make lab" in readme
    assert re.search(r"^make test$", ci, re.M)


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
    assert "### BEGIN SOLUTION" in text, "exercises need solution blocks for the student version"


def test_student_version_removes_solutions():
    from make_student_version import strip_solutions

    cell = "def f(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION\nprint(1)"
    assert strip_solutions(cell) == ("def f(x):\n    # YOUR CODE HERE\n    raise NotImplementedError("
                                     '"Exercise: write your solution here")\nprint(1)')
    with pytest.raises(ValueError, match="without"):
        strip_solutions("### BEGIN SOLUTION\nx = 1")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_student_version_of_notebook_has_no_solution_left(path):
    from make_student_version import student_version

    nb = student_version(path)
    sources = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert "### BEGIN SOLUTION" not in sources and "NotImplementedError" in sources
