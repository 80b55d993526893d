"""Measure search on a 10,000-development archive: index size, bytes per query and query time in Chromium.

Usage (from the repository root, with the project's virtualenv)::

    .venv/bin/python bench/search.py                 # 10,000 developments
    .venv/bin/python bench/search.py --count 2000 --keep /tmp/search-bench

The archive is the benchmark corpus (``corpus.py``), English only, so every
seventh development gets a Chinese paragraph and three get a rare word.
After ``newsletter build``, the script prints the size of the index and of
its manifest, then opens the search page from disk in headless Chromium
(over the DevTools protocol on a pipe, so that times are real, not virtual)
and, for each typical query, in a fresh tab: the bytes of the parts of the
index the query loaded (beyond what the page loads with itself) and the
time from typing to results shown, median of ``--runs``.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import gzip
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from corpus import Issue, make_corpus, write_project

CHINESE = (
    "国家互联网信息办公室发布《网络数据安全管理条例》，明确数据处理者的安全保护义务。",
    "个人信息出境标准合同办法自六月一日起施行，个人信息处理者应当开展个人信息保护影响评估。",
    "关键信息基础设施运营者采购网络产品和服务，影响或者可能影响国家安全的，应当申报网络安全审查。",
    "数据出境安全评估申报指南对申报方式、申报流程和申报材料作出说明。",
    "工业和信息化部开展移动互联网应用程序侵害用户权益专项整治行动。",
    "人民银行就金融数据安全分级指南征求意见，要求金融机构建立数据分类分级制度。",
)
RARE = "ransomware"

QUERIES = {
    "English word": "penalties",
    "English phrase": '"security assessment"',
    "Chinese pair": "网络安全",
    "Rare word": RARE,
    "Common word": "data",
    "Two words": "cloud fines",
}

PAGE = ("search/index.html", "search/index.js", "search/stem.js", "search/search.js")


def bilingual(issues: list[Issue]) -> list[Issue]:
    """The corpus with a Chinese paragraph in every seventh development and a rare word in three."""
    rng = random.Random(11)
    changed, number = [], 0
    for issue in issues:
        entries = []
        for entry in issue.entries:
            body = entry.body
            if number % 7 == 3:
                body += "\n" + "".join(rng.sample(CHINESE, 2)) + "\n"
            if number in (11, 4_000, 9_000):
                body += f"\nThe incident involved {RARE}.\n"
            entries.append(dataclasses.replace(entry, body=body))
            number += 1
        changed.append(dataclasses.replace(issue, entries=tuple(entries)))
    return changed


def build(root: Path, count: int) -> float:
    """Write the archive and build it; return the build's seconds."""
    write_project(bilingual(make_corpus(count)), root)
    newsletter = Path(sys.executable).with_name("newsletter")
    started = time.perf_counter()
    subprocess.run([str(newsletter), "build", "-q"], cwd=root, check=True, capture_output=True)
    return time.perf_counter() - started


class DevTools:
    """Headless Chromium driven over ``--remote-debugging-pipe`` (fds 3 and 4), one message at a time."""

    def __init__(self, chromium: str, profile: Path):
        to_browser, self._commands = os.pipe()
        self._events, from_browser = os.pipe()

        def pipes() -> None:
            # Copies first: a pipe may already be fd 3 or 4, and dup2 onto itself would keep it close-on-exec.
            reading, writing = os.dup(to_browser), os.dup(from_browser)
            os.dup2(reading, 3)
            os.dup2(writing, 4)

        flags = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--remote-debugging-pipe",
                 "--disable-background-networking", "--disable-component-update", f"--user-data-dir={profile}"]
        self.process = subprocess.Popen(  # noqa: S603 - a fixed command line
            [chromium, *flags], preexec_fn=pipes, close_fds=False,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        os.close(to_browser)
        os.close(from_browser)
        self._buffer = b""
        self._next = 0

    def send(self, method: str, session: str | None = None, **params: Any) -> dict[str, Any]:
        """Send one command and wait for its answer."""
        self._next += 1
        message: dict[str, Any] = {"id": self._next, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self._commands, json.dumps(message).encode() + b"\0")
        while True:
            while b"\0" not in self._buffer:
                chunk = os.read(self._events, 1 << 16)
                if not chunk:
                    raise RuntimeError("Chromium closed the pipe")
                self._buffer += chunk
            raw, self._buffer = self._buffer.split(b"\0", 1)
            answer: dict[str, Any] = json.loads(raw)
            if answer.get("id") == self._next:
                if "error" in answer:
                    raise RuntimeError(answer["error"])
                result: dict[str, Any] = answer["result"]
                return result

    def evaluate(self, session: str, expression: str) -> Any:
        """The value of ``expression`` in the page (awaited if it is a promise)."""
        result = self.send("Runtime.evaluate", session, expression=expression, awaitPromise=True, returnByValue=True)
        return result["result"].get("value")

    def close(self) -> None:
        """Stop the browser."""
        with contextlib.suppress(RuntimeError, OSError):  # the browser may close the pipe before answering
            self.send("Browser.close")
        self.process.wait(timeout=30)


MEASURE = """new Promise(function (resolve) {
  var form = document.querySelector("form.search-form");
  var input = document.getElementById("search-query");
  var before = document.querySelectorAll("script[src]").length;
  var started = performance.now();
  input.value = %s;
  input.dispatchEvent(new Event("input"));
  (function wait() {
    if (form.getAttribute("data-state") !== "done") { setTimeout(wait, 1); return; }
    resolve({
      ms: performance.now() - started,
      status: document.getElementById("search-status").textContent,
      scripts: Array.from(document.querySelectorAll("script[src]")).slice(before).map(function (s) { return s.src; })
    });
  }());
})"""


def measure(browser: DevTools, page: str, query: str) -> dict[str, Any]:
    """Open the search page in a fresh tab, type ``query``; what it loaded and how long it took."""
    target = browser.send("Target.createTarget", url="about:blank")["targetId"]
    session = browser.send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
    browser.send("Page.navigate", session, url=page)
    deadline = time.monotonic() + 30
    ready = "document.readyState === 'complete' && !!document.querySelector('form.search-form[data-state=done]')"
    while not browser.evaluate(session, ready):
        if time.monotonic() > deadline:
            raise RuntimeError(f"the search page did not load: {page}")
        time.sleep(0.02)
    found: dict[str, Any] = browser.evaluate(session, MEASURE % json.dumps(query))
    browser.send("Target.closeTarget", targetId=target)
    return found


def size(path: Path) -> int:
    """Bytes of a file as written."""
    return path.stat().st_size


def main() -> None:
    """Build the archive, print the index's sizes, then what each query loads and takes."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000, help="developments in the archive")
    parser.add_argument("--runs", type=int, default=3, help="runs of each query (the median is shown)")
    parser.add_argument("--keep", type=Path, help="build in this folder and keep it (reused if built)")
    args = parser.parse_args()
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    with tempfile.TemporaryDirectory() as scratch:
        root = args.keep or Path(scratch) / "archive"
        if not (root / "output/search/index.js").is_file():
            print(f"Building {args.count:,} developments ...", flush=True)
            print(f"  newsletter build: {build(root, args.count):.1f} s")
        report(root / "output", args.runs, chromium, Path(scratch))


def report(output: Path, runs: int, chromium: str | None, scratch: Path) -> None:
    """Print the sizes of the index, then measure each query in Chromium."""
    search = output / "search"
    parts = [path for path in search.rglob("*.js") if path.parent != search]
    total = sum(size(path) for path in parts)
    zipped = sum(len(gzip.compress(path.read_bytes())) for path in parts)
    print(f"CPU cores: {os.cpu_count()}")
    print(f"Index: {total / 1e6:.2f} MB in {len(parts)} files ({zipped / 1e6:.2f} MB gzipped)")
    for folder, what in (("w", "words"), ("p", "word pairs"), ("c", "CJK"), ("d", "developments"), ("f", "filters")):
        files = list((search / folder).glob("*.js"))
        print(f"  {folder}/ {what}: {sum(map(size, files)) / 1e6:.2f} MB in {len(files)} files, "
              f"largest {max(map(size, files), default=0) / 1e3:.0f} KB")
    page = sum(size(output / name) for name in PAGE)
    print(f"Manifest: {size(search / 'index.js') / 1e3:.1f} KB; the page with its scripts: {page / 1e3:.1f} KB")
    if chromium is None:
        print("Chromium is not installed: no query measured.")
        return
    browser = DevTools(chromium, scratch / "profile")
    try:
        address = (search / "index.html").as_uri()
        print(f"{'query':<40} {'results':>8} {'loaded':>10} {'files':>6} {'time':>9}")
        for name, query in QUERIES.items():
            found = [measure(browser, address, query) for _ in range(runs)]
            loaded = [Path(src.removeprefix("file://")) for src in found[0]["scripts"]]
            count = found[0]["status"].split(" ", 1)[0]
            ms = statistics.median(run["ms"] for run in found)
            label = f"{name} ({query})"
            print(f"{label:<40} {count:>8} {sum(map(size, loaded)) / 1e3:>7.0f} KB {len(loaded):>6} {ms:>6.0f} ms")
    finally:
        browser.close()


if __name__ == "__main__":
    main()
