"""The benchmark's arithmetic (benchmarks/benchmark.py): ratios from synthetic runs.

No timing here: the benchmark is a script run by hand; this only checks how it turns the
runs it recorded into the figures it reports.
"""

import importlib.util
import math
from pathlib import Path

import pytest

spec = importlib.util.spec_from_file_location(
    "benchmark", Path(__file__).resolve().parent.parent / "benchmarks" / "benchmark.py")
benchmark = importlib.util.module_from_spec(spec)
spec.loader.exec_module(benchmark)

ARCH = [784, 256, 128, 10]


def runs_from(seconds: dict[str, list[float]], trips: dict[str, list[float]] | None = None,
              ) -> list[dict]:
    return [{"arch": "784-256-128-10", "contender": name, "run": r + 1,
             "seconds_per_epoch": t, "other_load": 0.0,
             "core_round_trip_ns": trips[name][r] if trips else None}
            for name, times in seconds.items() for r, t in enumerate(times)]


def test_ratios_pair_the_runs_of_each_round():
    # The machine is twice as slow in rounds 2 and 3; mfs is 0.5x torch in every round.
    runs = runs_from({"mlp_from_scratch": [1.0, 2.0, 2.0, 1.0],
                      "torch": [2.0, 4.0, 4.0, 2.0]})
    row = benchmark.summarize(runs, ARCH, ["mlp_from_scratch", "torch"])
    assert row["mfs/torch"] == pytest.approx(0.5)
    assert row["best mfs/torch"] == pytest.approx(0.5)
    assert row["mlp_from_scratch_s"] == pytest.approx(1.5)  # median of 1, 1, 2, 2


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
    assert row["best mfs/matmul"] == pytest.approx(1.0 / 0.5)
    assert row["matmul_gflops"] == pytest.approx(benchmark.matmul_flops(ARCH, 60_000) / 0.8 / 1e9)
    assert "mfs/torch" not in row  # torch was not run


def test_near_rounds_keep_the_rounds_run_entirely_on_the_closest_placement():
    # Round 2 ran mfs on a split placement (320 ns), round 3 sklearn: both rounds go, even
    # though the other contender of the round was on the close placement.
    runs = runs_from({"mlp_from_scratch": [1.0, 2.0, 1.0, 1.1],
                      "sklearn": [2.0, 2.0, 3.0, 2.0]},
                     trips={"mlp_from_scratch": [60.0, 320.0, 70.0, 110.0],
                            "sklearn": [65.0, 60.0, 300.0, 58.0]})
    limit, near = benchmark.near_rounds(runs)
    assert limit == pytest.approx(116.0)  # twice the fastest, 58 ns
    assert sorted({r["run"] for r in near}) == [1, 4]
    row = benchmark.summarize(near, ARCH, ["mlp_from_scratch", "sklearn"])
    assert row["rounds"] == 2
    assert row["mfs/sklearn"] == pytest.approx(0.525)  # rounds 1 and 4: 0.5 and 0.55


def test_near_rounds_without_round_trips_keep_nothing():
    limit, near = benchmark.near_rounds(runs_from({"mlp_from_scratch": [1.0, 2.0]}))
    assert near == [] and math.isnan(limit)


def test_near_rounds_take_the_limit_given_with_closest():
    # `--closest 100` times only while the round trip is at most 100 ns: a run that ended at
    # 110 ns (but within twice the fastest, 116 ns) is off that placement.
    runs = runs_from({"mlp_from_scratch": [1.0, 1.1], "sklearn": [2.0, 2.0]},
                     trips={"mlp_from_scratch": [60.0, 110.0], "sklearn": [58.0, 70.0]})
    assert sorted({r["run"] for r in benchmark.near_rounds(runs)[1]}) == [1, 2]
    limit, near = benchmark.near_rounds(runs, 100.0)
    assert limit == 100.0 and sorted({r["run"] for r in near}) == [1]
