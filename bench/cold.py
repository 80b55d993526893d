"""Time only the cold build, beside Hugo's on the same corpus, runs interleaved.

Usage (from the repository root, with the project's virtualenv)::

    .venv/bin/python bench/cold.py --size 10000 --runs 3
    .venv/bin/python bench/cold.py --size 10000 --runs 3 --work /tmp/cold --keep   # reuse the archive

Each run is a fresh ``newsletter build --quiet`` with no output folder and
no build cache, followed by a cold ``hugo`` build of the equivalent site;
alternating them lets a busy moment of a shared machine weigh on both.
Prints each run, the medians, processor times and the ratio to Hugo.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from corpus import make_corpus, write_project
from hugo import write_hugo_site

from bench import CACHE_DIR, _fresh, timed

HERE = Path(__file__).resolve().parent


def main() -> None:
    """Generate (or reuse) the archive, then time cold builds of both tools."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "newsletter-cold-bench")
    parser.add_argument("--keep", action="store_true", help="keep the archive, and reuse one already there")
    parser.add_argument("--no-hugo", action="store_true")
    args = parser.parse_args()
    hugo = None if args.no_hugo else shutil.which("hugo")
    work = args.work.resolve()
    project, site = work / f"newsletter-{args.size}", work / f"hugo-{args.size}"
    if not (args.keep and (project / "newsletter.yaml").exists() and (site / "config.toml").exists()):
        corpus = make_corpus(args.size)
        write_project(corpus, _fresh(project))
        if hugo:
            write_hugo_site(corpus, _fresh(site))
    ours, theirs = [], []
    for number in range(args.runs):
        shutil.rmtree(project / "output", ignore_errors=True)
        shutil.rmtree(project / ".output.previous", ignore_errors=True)
        shutil.rmtree(project / CACHE_DIR, ignore_errors=True)
        ours.append(timed([sys.executable, "-m", "newsletter", "build", "--quiet"], project))
        line = f"run {number + 1}: newsletter {ours[-1].seconds:.2f} s ({ours[-1].cpu_seconds:.1f} CPU-s)"
        if hugo:
            shutil.rmtree(site / "public", ignore_errors=True)
            shutil.rmtree(site / "resources", ignore_errors=True)
            theirs.append(timed([hugo, "--quiet", "--destination", "public"], site))
            line += f", hugo {theirs[-1].seconds:.2f} s ({theirs[-1].cpu_seconds:.1f} CPU-s)"
        print(line, flush=True)
    ours_median = statistics.median(run.seconds for run in ours)
    cpu = statistics.median(run.cpu_seconds for run in ours)
    cores = len(os.sched_getaffinity(0))
    summary = f"N = {args.size:,}, {cores} cores: newsletter {ours_median:.2f} s ({cpu:.1f} CPU-s)"
    if theirs:
        hugo_median = statistics.median(run.seconds for run in theirs)
        summary += f", hugo {hugo_median:.2f} s, ratio {ours_median / hugo_median:.2f}"
    print(summary)
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
