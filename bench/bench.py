"""Time `newsletter build` and `check` on synthetic archives, beside Hugo on the same corpus.

Usage (from the repository root, with the project's virtualenv)::

    make bench                               # N = 1,000 and 10,000
    .venv/bin/python bench/bench.py --large  # also N = 50,000
    .venv/bin/python bench/bench.py --sizes 1000 --runs 5 --no-hugo

Every measurement runs in a fresh process; each figure is the median of
``--runs`` runs. Scenarios: a cold build (no output, no cache), a rebuild
with nothing changed, a rebuild after editing one entry's body, a rebuild
after adding one entry (both in the newest issue, which the home page and
the feed show), and ``newsletter check``. Peak memory is the largest
resident set of any one process of the run (``wait4``) and, where the build
uses worker processes, the sampled peak of the proportional set size of the
whole process tree. Where ``hugo`` is installed, the same corpus is built
as a Hugo site (cold, to disk) in the same run and our times are printed
as a ratio of Hugo's. Results go to the terminal and to ``bench/results.json``.
"""

from __future__ import annotations

import argparse
import filecmp
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from corpus import Issue, entry_file, make_corpus, write_project
from hugo import write_hugo_site

HERE = Path(__file__).resolve().parent
CACHE_DIR = ".newsletter-cache"
SCENARIOS = ("cold build", "no-change rebuild", "one-body-edit rebuild", "one-added-entry rebuild",
             "check")


# An editor's shell lets Python keep compiled bytecode; some sandboxes turn that off.
_USER_ENVIRONMENT = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


@dataclass
class Run:
    """One timed process."""

    seconds: float
    cpu_seconds: float
    peak_rss_mb: float
    peak_tree_pss_mb: float


@dataclass
class Measure:
    """Several runs of one scenario."""

    runs: list[Run] = field(default_factory=list)

    @property
    def median(self) -> float:
        """Median wall time in seconds."""
        return statistics.median(run.seconds for run in self.runs)

    @property
    def cpu_median(self) -> float:
        """Median processor time (user + system, workers included) in seconds."""
        return statistics.median(run.cpu_seconds for run in self.runs)

    @property
    def peak_rss_mb(self) -> float:
        """Largest single-process peak of all runs."""
        return max(run.peak_rss_mb for run in self.runs)

    @property
    def peak_tree_pss_mb(self) -> float:
        """Largest sampled whole-tree peak of all runs."""
        return max(run.peak_tree_pss_mb for run in self.runs)

    def as_json(self) -> dict[str, object]:
        """Figures for results.json."""
        return {
            "median_s": round(self.median, 3),
            "median_cpu_s": round(self.cpu_median, 3),
            "peak_rss_mb": round(self.peak_rss_mb, 1),
            "peak_tree_pss_mb": round(self.peak_tree_pss_mb, 1),
            "runs": [asdict(run) for run in self.runs],
        }


def main() -> None:
    """Generate the archives, time every scenario, print and save the results."""
    args = _arguments()
    hugo = None if args.no_hugo else shutil.which("hugo")
    work = args.work.resolve()
    sizes: dict[str, object] = {}
    for size in args.sizes + ([50_000] if args.large else []):
        print(f"\nN = {size:,}: generating the archive...", flush=True)
        corpus = make_corpus(size)
        project = _fresh(work / f"newsletter-{size}")
        write_project(corpus, project)
        measures = measure_newsletter(project, corpus, args.runs)
        hugo_measure = None
        if hugo:
            site = _fresh(work / f"hugo-{size}")
            write_hugo_site(corpus, site)
            hugo_measure = measure_hugo(hugo, site, args.runs)
        identical = incremental_matches_cold(project)
        _print_table(size, measures, hugo_measure, identical)
        sizes[str(size)] = {
            "issues": len(corpus),
            "newsletter": {name: m.as_json() for name, m in measures.items()},
            "hugo_cold": hugo_measure.as_json() if hugo_measure else None,
            "ratio_to_hugo": (
                {name: round(m.median / hugo_measure.median, 3) for name, m in measures.items()}
                if hugo_measure else None
            ),
            "incremental_output_matches_cold_build": identical,
        }
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    results = {"machine": _machine(hugo), "command": " ".join(sys.argv), "sizes": sizes}
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"\nWrote {args.out}")


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000])
    parser.add_argument("--large", action="store_true", help="also measure N = 50,000")
    parser.add_argument("--runs", type=int, default=3, help="runs per scenario (median reported)")
    parser.add_argument("--no-hugo", action="store_true", help="skip the Hugo comparison")
    parser.add_argument(
        "--work", type=Path, default=HERE / ".work", help="where archives are generated"
    )
    parser.add_argument("--keep", action="store_true", help="keep the generated archives")
    parser.add_argument("--out", type=Path, default=HERE / "results.json")
    return parser.parse_args()


def _machine(hugo: str | None) -> dict[str, object]:
    return {
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "hugo": subprocess.run([hugo, "version"], capture_output=True, text=True).stdout.strip()
        if hugo else None,
    }


def _fresh(folder: Path) -> Path:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


def measure_newsletter(project: Path, corpus: list[Issue], runs: int) -> dict[str, Measure]:
    """Time every scenario on the generated project."""
    build = [sys.executable, "-m", "newsletter", "build", "--quiet"]
    newest = corpus[-1]
    first = newest.entries[0]
    edited = project / "content" / newest.id / f"{first.slug}.{'yaml' if first.as_yaml else 'md'}"
    original = edited.read_text(encoding="utf-8")

    def cold() -> None:
        shutil.rmtree(project / "output", ignore_errors=True)
        shutil.rmtree(project / CACHE_DIR, ignore_errors=True)

    def edit(number: int) -> None:
        edited.write_text(original.rstrip("\n") + f" Revised ({number}).\n", encoding="utf-8")

    def add(number: int) -> None:
        entry = newest.entries[1]
        path = project / "content" / newest.id / f"added-{number}.md"
        sources = tuple((title, f"{url}?added={number}") for title, url in entry.sources)
        path.write_text(entry_file(replace(entry, as_yaml=False, sources=sources)), encoding="utf-8")

    scenarios: dict[str, tuple[list[str], Callable[[int], None]]] = {
        "cold build": (build, lambda number: cold()),
        "no-change rebuild": (build, lambda number: None),
        "one-body-edit rebuild": (build, edit),
        "one-added-entry rebuild": (build, add),
        "check": ([sys.executable, "-m", "newsletter", "check"], lambda number: None),
    }
    measures = {}
    for name, (command, prepare) in scenarios.items():
        measure = Measure()
        for number in range(runs):
            prepare(number)
            measure.runs.append(timed(command, project))
        measures[name] = measure
        print(f"  {name}: {measure.median:.2f} s", flush=True)
    return measures


def measure_hugo(hugo: str, site: Path, runs: int) -> Measure:
    """Time cold Hugo builds of the equivalent site, to disk."""
    measure = Measure()
    for _ in range(runs):
        shutil.rmtree(site / "public", ignore_errors=True)
        shutil.rmtree(site / "resources", ignore_errors=True)
        measure.runs.append(timed([hugo, "--quiet", "--destination", "public"], site))
    print(f"  hugo cold build: {measure.median:.2f} s", flush=True)
    return measure


def incremental_matches_cold(project: Path) -> bool:
    """Whether the output left by the rebuilds equals a cold build of the same content."""
    incremental = project / "output-incremental"
    shutil.rmtree(incremental, ignore_errors=True)
    (project / "output").rename(incremental)
    shutil.rmtree(project / CACHE_DIR, ignore_errors=True)
    subprocess.run(
        [sys.executable, "-m", "newsletter", "build", "--quiet"],
        cwd=project, env=_USER_ENVIRONMENT, check=True,
    )
    return _same_tree(incremental, project / "output")


def _same_tree(left: Path, right: Path) -> bool:
    comparison = filecmp.dircmp(left, right)
    if comparison.left_only or comparison.right_only or comparison.funny_files:
        return False
    _, mismatch, errors = filecmp.cmpfiles(left, right, comparison.common_files, shallow=False)
    return not mismatch and not errors and all(
        _same_tree(left / name, right / name) for name in comparison.common_dirs
    )


def timed(command: list[str], cwd: Path) -> Run:
    """Run ``command`` in a fresh process; fail loudly if it fails."""
    # Output goes to a file, not a pipe: nothing reads a pipe while wait4() waits, so a
    # command printing more than the pipe holds would block forever.
    with tempfile.TemporaryFile() as output:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, env=_USER_ENVIRONMENT, stdout=output, stderr=output)
        sampler = _TreeSampler(process.pid)
        sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        sampler.stop()
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            output.seek(0)
            raise SystemExit(f"{' '.join(command)} failed in {cwd}:\n{output.read().decode()}")
    cpu = usage.ru_utime + usage.ru_stime
    rss = usage.ru_maxrss / 1024
    return Run(round(seconds, 4), round(cpu, 4), round(rss, 1), round(sampler.peak_mb, 1))


class _TreeSampler(threading.Thread):
    """Sample the summed proportional set size of a process and its descendants."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_mb = 0.0
        self._done = threading.Event()

    def run(self) -> None:
        while not self._done.wait(0.02):
            total = sum(_pss_kb(pid) for pid in _tree(self.pid))
            self.peak_mb = max(self.peak_mb, total / 1024)

    def stop(self) -> None:
        self._done.set()
        self.join()


def _tree(pid: int) -> list[int]:
    found, pending = [], [pid]
    while pending:
        current = pending.pop()
        found.append(current)
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as children:
                    pending += [int(child) for child in children.read().split()]
        except OSError:
            continue
    return found


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as rollup:
            for line in rollup:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _print_table(
    size: int, measures: dict[str, Measure], hugo: Measure | None, identical: bool
) -> None:
    print(f"\nN = {size:,} developments ({-(-size // 25)} issues)")
    header = f"{'scenario':<26}{'median s':>10}{'CPU s':>8}{'peak RSS MB':>13}{'tree PSS MB':>13}"
    print(header + (f"{'x Hugo cold':>13}" if hugo else ""))
    for name, measure in measures.items():
        ratio = f"{measure.median / hugo.median:>13.2f}" if hugo else ""
        print(_row(name, measure) + ratio)
    if hugo:
        print(_row("hugo cold build", hugo))
    print(f"incremental output identical to a cold build: {'yes' if identical else 'NO'}")


def _row(name: str, measure: Measure) -> str:
    return (
        f"{name:<26}{measure.median:>10.2f}{measure.cpu_median:>8.2f}"
        f"{measure.peak_rss_mb:>13.0f}{measure.peak_tree_pss_mb:>13.0f}"
    )


if __name__ == "__main__":
    main()
