"""The benchmark's arithmetic (benchmarks/benchmark.py): medians and ratios from synthetic runs.

No timing here: the benchmarks are scripts run by hand; this only checks how benchmark.py
turns the runs it recorded into the figures it reports, and that epoch_parts.py still runs.
"""

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
spec = importlib.util.spec_from_file_location("benchmark", BENCHMARKS / "benchmark.py")
benchmark = importlib.util.module_from_spec(spec)
spec.loader.exec_module(benchmark)

ARCH = [784, 256, 128, 10]


def runs_from(seconds: dict[str, list[float]], load: float | None = 0.0) -> list[dict]:
    return [{"arch": "784-256-128-10", "contender": name, "round": r + 1,
             "seconds_per_epoch": t, "other_load": load}
            for name, times in seconds.items() for r, t in enumerate(times)]


def test_ratios_pair_the_runs_of_each_round():
    # The machine is twice as slow in rounds 2 and 3; mfs is 0.5x torch in every round.
    runs = runs_from({"mlp_from_scratch": [1.0, 2.0, 2.0, 1.0],
                      "torch": [2.0, 4.0, 4.0, 2.0]})
    row = benchmark.summarize(runs, ARCH, ["mlp_from_scratch", "torch"])
    assert row["mfs/torch"] == pytest.approx(0.5)
    assert row["mlp_from_scratch_s"] == pytest.approx(1.5)  # median of 1, 1, 2, 2
    assert row["rounds"] == 4 and row["median_other_load"] == 0.0


def test_paired_ratio_differs_from_the_ratio_of_medians_when_rounds_drift():
    # mfs is 0.5x sklearn in four rounds of five; in round 3 only mfs was slowed. The ratio
    # of the medians (2 / 2) would say 1.0; the rounds say 0.5.
    runs = runs_from({"mlp_from_scratch": [1.0, 1.0, 2.0, 2.0, 2.0],
                      "sklearn": [2.0, 2.0, 2.0, 4.0, 4.0],
                      "matmul": [0.5, 0.8, 0.5, 1.0, 1.0]})
    row = benchmark.summarize(runs, ARCH, ["mlp_from_scratch", "sklearn", "matmul"])
    assert row["mlp_from_scratch_s"] / row["sklearn_s"] == pytest.approx(1.0)
    assert row["mfs/sklearn"] == pytest.approx(0.5)
    assert row["mfs/matmul"] == pytest.approx(2.0)  # rounds: 2, 1.25, 4, 2, 2
    assert "mfs/torch" not in row  # torch was not run


def test_the_numpy_path_is_compared_with_the_peers_and_with_numba():
    runs = runs_from({"mlp_from_scratch": [1.0, 1.0, 1.0], "mfs_numpy": [1.5, 2.0, 1.6],
                      "torch": [2.0, 2.0, 2.0]}, load=None)
    row = benchmark.summarize(runs, ARCH, ["mlp_from_scratch", "mfs_numpy", "torch"])
    assert row["mfs/mfs_numpy"] == pytest.approx(1 / 1.6)
    assert row["mfs_numpy/torch"] == pytest.approx(0.8)
    assert "mfs_numpy/mlp_from_scratch" not in row
    assert row["median_other_load"] != row["median_other_load"]  # NaN: load not measured


def test_page_faults_are_reported_per_contender_when_recorded():
    runs = runs_from({"mlp_from_scratch": [1.0, 1.0, 1.0], "torch": [2.0, 3.0, 2.0]})
    for run, faults in zip(runs, [0, 10, 0, 400_000, 900_000, 500_000]):
        run["page_faults"] = faults
    row = benchmark.summarize(runs, ARCH, ["mlp_from_scratch", "torch"])
    assert row["mlp_from_scratch_faults"] == 0
    assert row["torch_faults"] == 500_000
    row = benchmark.summarize(runs_from({"mlp_from_scratch": [1.0], "torch": [2.0]}), ARCH,
                              ["mlp_from_scratch", "torch"])
    assert "torch_faults" not in row  # not recorded (no resource module): not reported


def test_epoch_parts_times_each_part_and_a_whole_fit_epoch():
    # A tiny run (a 784-16-10 net, 512 rows), so the script keeps up with the package's API.
    out = subprocess.run([sys.executable, str(BENCHMARKS / "epoch_parts.py"), "--arch",
                          "784-16-10", "--rows", "512", "--repeats", "1"],
                         capture_output=True, text=True, check=True).stdout
    for part in ("gather the batch", "matrix products", "bias: add and sum", "ReLU forward",
                 "ReLU backward", "softmax cross-entropy", "Adam's update", "sum of the parts",
                 "mfs.fit, one epoch"):
        assert part in out, out


def test_grading_benchmark_counts_interrupted_cells_as_stalls(tmp_path):
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook, new_output

    spec = importlib.util.spec_from_file_location("grading_benchmark", BENCHMARKS / "grading.py")
    grading = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(grading)
    cells = [new_code_cell("x = 1", outputs=[new_output("stream", name="stdout", text="1\n")]),
             new_code_cell("interact(...)", outputs=[new_output(
                 "error", ename="KeyboardInterrupt", evalue="", traceback=[])]),
             new_code_cell("1 / 0", outputs=[new_output(
                 "error", ename="ZeroDivisionError", evalue="", traceback=[])])]
    folder = tmp_path / "student000" / "01_perceptron"
    folder.mkdir(parents=True)
    nbformat.write(new_notebook(cells=cells), folder / "01_perceptron.ipynb")
    assert grading.errors_in(tmp_path) == {"stall: 01_perceptron cell 1": 1,
                                          "01_perceptron: ZeroDivisionError": 1}
