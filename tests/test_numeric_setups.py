"""Every notebook under numeric set-ups other than nbval's own (tools/numeric_setups.py).

A forced OpenBLAS kernel family at nbval's 2 threads must reproduce the stored outputs (a
maintainer on another CPU model); a forced family at 1 or 4 threads on the NumPy path must
run every cell without an error (a student's laptop), so every assert in a notebook holds
there too. Two runs per notebook, about as long as one more run of the series each.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import numeric_setups  # noqa: E402

OWN = numeric_setups.own_family()
CASES = [(name, setup) for name, setups in numeric_setups.plan(own=OWN).items()
         for setup in setups]


@pytest.mark.parametrize("notebook, setup", CASES,
                         ids=[f"{name[:2]}-{setup.name}" for name, setup in CASES])
def test_notebook_holds_under_another_numeric_setup(notebook, setup):
    done = numeric_setups.run(ROOT / "notebooks" / notebook, setup, OWN)
    assert done.returncode == 0, (
        f"{notebook} under {setup.name} ({'outputs compared' if setup.compare else 'errors only'}):\n"
        f"{done.stdout[-8000:]}\n{done.stderr[-2000:]}")


def test_the_plan_meets_every_kind_of_variation():
    families = ["Haswell", "Sandybridge", "Nehalem", "Prescott"]
    plan = numeric_setups.plan(families, own="Haswell")
    assert len(plan) == len(numeric_setups.NOTEBOOKS) >= 9
    for name, (compare, run) in plan.items():
        assert compare.compare and compare.threads == 2 and compare.numba, name
        assert compare.coretype != "Haswell", f"{name}: compared on the CPU's own family only"
        assert not run.compare and not run.numba and run.threads in (1, 4), name
    runs = [run for _, run in plan.values()]
    assert {r.coretype for r in runs} == set(families)
    assert {c.coretype for c, _ in plan.values()} == set(families) - {"Haswell"}
    for family in families:   # each family meets both thread counts
        assert {r.threads for r in runs if r.coretype == family} == {1, 4}, family
