"""Time `newsletter build` and `check` on synthetic archives, beside Hugo on the same corpus.

Usage (from the repository root, with the project's virtualenv)::

    make bench                               # N = 1,000 and 10,000
    .venv/bin/python bench/bench.py --large  # also N = 50,000
    .venv/bin/python bench/bench.py --sizes 1000 --runs 5 --no-hugo

Every measurement runs in a fresh process; each figure is the median of
``--runs`` runs. Scenarios: a cold build (no output, no cache), a rebuild
with nothing changed, a rebuild after editing one entry's body, a rebuild
after adding one entry (both in the newest issue, which the home page and
the feed show), and ``newsletter check``. Then the live preview: the
time ``newsletter serve`` takes to show its first page (from a fresh preview
folder, the build cache warm), and the time from saving an edit to the
moment the page served over HTTP shows it, beside ``hugo server``'s on the
equivalent site where Hugo is installed; and ``newsletter check`` on an
entry whose one paragraph holds 2,000 links. Peak memory is the largest
resident set of any one process of the run (``wait4``) and, where the build
uses worker processes, the sampled peak of the proportional set size of the
whole process tree. Where ``hugo`` is installed, the same corpus is built
as a Hugo site (cold, to disk) in the same run and our times are printed
as a ratio of Hugo's. Results go to the terminal and to ``bench/results.json``.
"""

from __future__ import annotations

import argparse
import contextlib
import filecmp
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
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
        live = measure_serve(project, corpus, args.runs, work)
        if hugo:
            live["hugo server edit to page"] = measure_hugo_server(hugo, site, corpus, args.runs)
        live["2,000-link paragraph check"] = measure_many_links(project, corpus, args.runs)
        _print_live(live)
        sizes[str(size)] = {
            "issues": len(corpus),
            "newsletter": {name: m.as_json() for name, m in measures.items()},
            "hugo_cold": hugo_measure.as_json() if hugo_measure else None,
            "ratio_to_hugo": (
                {name: round(m.median / hugo_measure.median, 3) for name, m in measures.items()}
                if hugo_measure else None
            ),
            "incremental_output_matches_cold_build": identical,
            "live": {name: m.as_json() for name, m in live.items()},
            "live_ratio_to_hugo_server": (
                {name: round(m.median / live["hugo server edit to page"].median, 3)
                 for name, m in live.items() if name == "serve edit to page"}
                if "hugo server edit to page" in live else None
            ),
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
        "usable_cpus": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
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


_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never via a proxy
PAUSE_BETWEEN_EDITS = 2.0
"""Seconds between two saves: an editor reads the page before saving again (and serve tidies up meanwhile)."""


def _page(url: str) -> str:
    try:
        with _DIRECT.open(url, timeout=30) as response:
            return str(response.read().decode())
    except (urllib.error.URLError, ConnectionError):
        return ""


def _wait_for(condition: Callable[[], bool], limit: float = 120.0) -> float:
    """Poll ``condition`` every 5 ms; return the seconds it took to hold."""
    started = time.perf_counter()
    while not condition():
        if time.perf_counter() - started > limit:
            raise SystemExit("timed out waiting for the preview")
        time.sleep(0.005)
    return time.perf_counter() - started


class _Server:
    """A preview server (ours or Hugo's) in a fresh process, its output kept in a file."""

    def __init__(self, command: list[str], cwd: Path, env: dict[str, str]):
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 - closed by stop()
        self.process = subprocess.Popen(command, cwd=cwd, env=env, stdout=self.log, stderr=self.log)

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read().decode(errors="replace")

    def stop(self) -> None:
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


def _free_port() -> int:
    with contextlib.closing(socket.socket()) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def measure_serve(project: Path, corpus: list[Issue], runs: int, work: Path) -> dict[str, Measure]:
    """The first preview, then edits of one body, each timed from the save to the page served with it."""
    newest = corpus[-1]
    first = newest.entries[0]
    edited = project / "content" / newest.id / f"{first.slug}.{'yaml' if first.as_yaml else 'md'}"
    original = edited.read_text(encoding="utf-8")
    port = _free_port()
    page_url = f"http://127.0.0.1:{port}/issues/{newest.id}/"
    first_preview, edits = Measure(), Measure()
    for run in range(runs):
        caches = _fresh(work / "user-cache")  # a fresh preview folder: the first preview renders every page
        env = {**_USER_ENVIRONMENT, "XDG_CACHE_HOME": str(caches)}
        started = time.perf_counter()
        server = _Server([sys.executable, "-m", "newsletter", "serve", "--port", str(port)], project, env)
        try:
            _wait_for(lambda: "</html>" in _page(page_url))
            first_preview.runs.append(_wall(time.perf_counter() - started))
            for number in range(runs if run == 0 else 0):
                time.sleep(PAUSE_BETWEEN_EDITS)
                marker = f"Saved while serving ({number})."
                edited.write_text(original.rstrip("\n") + f" {marker}\n", encoding="utf-8")
                edits.runs.append(_wall(_wait_for(lambda marker=marker: marker in _page(page_url))))
        finally:
            server.stop()
            edited.write_text(original, encoding="utf-8")
    return {"serve first preview": first_preview, "serve edit to page": edits}


def measure_hugo_server(hugo: str, site: Path, corpus: list[Issue], runs: int) -> Measure:
    """``hugo server`` (rendering to memory, its default) on the same edit: save to page served with it."""
    newest = corpus[-1]
    edited = site / "content" / "items" / f"{newest.id}-{newest.entries[0].slug}.md"
    original = edited.read_text(encoding="utf-8")
    port = _free_port()
    page_url = f"http://127.0.0.1:{port}/issues/{newest.id}/"
    measure = Measure()
    server = _Server([hugo, "server", "--port", str(port), "--bind", "127.0.0.1", "--disableLiveReload",
                      "--baseURL", f"http://127.0.0.1:{port}/"], site, dict(_USER_ENVIRONMENT))
    try:
        _wait_for(lambda: "</html>" in _page(page_url), limit=600)
        for number in range(runs):
            time.sleep(PAUSE_BETWEEN_EDITS)
            marker = f"Saved while serving ({number})."
            edited.write_text(original.rstrip("\n") + f" {marker}\n", encoding="utf-8")
            measure.runs.append(_wall(_wait_for(lambda marker=marker: marker in _page(page_url))))
    finally:
        server.stop()
        edited.write_text(original, encoding="utf-8")
    return measure


def measure_many_links(project: Path, corpus: list[Issue], runs: int) -> Measure:
    """``newsletter check`` with one entry whose single paragraph holds 2,000 links."""
    newest = corpus[-1]
    entry = newest.entries[1]
    path = project / "content" / newest.id / "many-links.md"
    links = " ".join(f"[{number}](https://example.org/{number})" for number in range(2000))
    sources = tuple((title, f"{url}?many-links") for title, url in entry.sources)
    text = entry_file(replace(entry, as_yaml=False, sources=sources, body=links + "\n"))
    path.write_text(text, encoding="utf-8")
    measure = Measure()
    try:
        for _ in range(runs):
            measure.runs.append(timed([sys.executable, "-m", "newsletter", "check"], project, allow_failure=True))
    finally:
        path.unlink()
    return measure


def _wall(seconds: float) -> Run:
    return Run(round(seconds, 4), 0.0, 0.0, 0.0)


def _print_live(live: dict[str, Measure]) -> None:
    hugo = live.get("hugo server edit to page")
    print(f"\n{'live preview':<30}{'median s':>10}" + (f"{'x hugo server':>15}" if hugo else ""))
    for name, measure in live.items():
        ratio = f"{measure.median / hugo.median:>15.2f}" if hugo and name == "serve edit to page" else ""
        print(f"{name:<30}{measure.median:>10.3f}{ratio}")
    print(f"cores: {os.cpu_count()}")


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


def timed(command: list[str], cwd: Path, allow_failure: bool = False) -> Run:
    """Run ``command`` in a fresh process; fail loudly if it fails (unless ``allow_failure``)."""
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
        if process.returncode != 0 and not allow_failure:
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
