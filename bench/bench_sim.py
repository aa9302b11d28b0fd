"""Simulator speed and memory: person-days per second with every Bluetooth scan simulated, beside covasim
(PyPI, an agent-based COVID model that simulates no Bluetooth) on the same population size and days, each in
its own process so that peak memory is its own. Targets: 1,000,000 people for 14 days ≤ 10 minutes and
≤ 8 GB; at least a third of covasim's person-days per second.

    .venv/bin/pip install covasim   # the baseline, not a dependency of Bluezone
    .venv/bin/python bench/bench_sim.py [--people 1000000] [--days 14]
"""

from __future__ import annotations

import argparse
import multiprocessing
import platform
import resource
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table


def _bluezone(people: int, days: int) -> dict[str, float]:
    from bluezone.sim.engine import Run
    from bluezone.sim.scenario import Scenario

    # 20 people infected before day 1, as the figures in docs/benchmarks.md were measured. The town's default
    # is a share of it (0.1 %, 1,000 here): a larger epidemic, more work, not a slower simulator.
    scenario = Scenario().with_overrides(
        **{"population.people": people, "run.days": days, "population.seed_infections": 20}
    )
    with tempfile.TemporaryDirectory() as work:
        started = time.perf_counter()
        outcome = Run(scenario, with_app=True, workdir=Path(work)).run()
        seconds = time.perf_counter() - started
    return {"seconds": seconds, "scans": float(outcome.sighting_rows), "peak_mb": _peak_mb()}


def _covasim(people: int, days: int) -> dict[str, float]:
    import covasim

    started = time.perf_counter()
    sim = covasim.Sim(pop_size=people, n_days=days, pop_type="hybrid", verbose=0)
    sim.run()
    return {"seconds": time.perf_counter() - started, "scans": 0.0, "peak_mb": _peak_mb()}


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _in_own_process(name: str, people: int, days: int) -> dict[str, float]:
    target = {"bluezone": _bluezone, "covasim": _covasim}[name]
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(target, (people, days))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=14)
    args = parser.parse_args()
    console = Console(width=120)  # the scan count stays whole when the output is piped
    console.print(f"{platform.processor() or platform.machine()}, Python {platform.python_version()}")
    table = Table("simulator", "people", "days", "seconds", "person-days/s", "scans simulated", "peak MB")
    rates = {}
    for name in ("covasim", "bluezone"):
        with console.status(f"{name}: {args.people:,} people, {args.days} days"):
            result = _in_own_process(name, args.people, args.days)
        peak_mb = result["peak_mb"]
        rates[name] = args.people * args.days / result["seconds"]
        table.add_row(
            name,
            f"{args.people:,}",
            str(args.days),
            f"{result['seconds']:.1f}",
            f"{rates[name]:,.0f}",
            f"{result['scans']:,.0f}",
            f"{result['peak_mb']:,.0f}",
        )
    console.print(table)
    ratio = rates["bluezone"] / rates["covasim"]
    console.print(f"Bluezone runs at {ratio:.4f}× covasim's person-days per second (target ≥ 0.33×).")
    minutes = args.people * args.days / rates["bluezone"] / 60
    console.print(
        f"{args.people:,} people for {args.days} days took {minutes:,.1f} minutes and peaked at "
        f"{peak_mb:,.0f} MB (target for 1,000,000 people and 14 days: ≤ 10 minutes, ≤ 8 GB)."
    )


if __name__ == "__main__":
    main()
