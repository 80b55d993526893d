"""Worst-case content under the limits: how long ``check`` and ``build`` take on hostile files.

Each case is one development file just under the 1 MB file limit, made of
paragraphs just under the paragraph limit, each packed with one kind of
markup that makes Markdown work hard (links, unclosed brackets, emphasis,
entities, raw HTML, ...), plus an entry with the most tags allowed. Prints
seconds per case; the promise in docs/guarantees.md is under 5 s on a
2-core machine.

    .venv/bin/python bench/limits.py [--only links,entities]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from newsletter.content.entries import MOST_PER_ENTRY
from newsletter.content.loading import MAX_FILE_BYTES
from newsletter.content.markdown import MAX_BLOCK_CHARS

PIECES: dict[str, Callable[[int], str]] = {
    "links": lambda i: f"[link {i}](https://example.org/{i}) ",
    "unclosed brackets": lambda i: "[",
    "emphasis": lambda i: f"*a{i} ",
    "strong and emphasis": lambda i: f"**a{i}* _b_ ",
    "entities": lambda i: "&amp;",
    "raw html": lambda i: "<div>" * 32 + f"x{i}" + "</div>" * 32,
    "code spans": lambda i: "`",
    "autolinks": lambda i: f"<https://e.org/{i}> ",
    "reference links": lambda i: f"[a{i}][r{i % 50}] ",
    "nested quotes": lambda i: ">" * 32 + f" quote {i}\n",
}


def paragraph(piece: Callable[[int], str]) -> str:
    """One paragraph of ``piece`` repeated to just under the paragraph limit."""
    parts, size, index = [], 0, 0
    while size + len(piece(index)) < MAX_BLOCK_CHARS - 10:
        parts.append(piece(index))
        size += len(parts[-1])
        index += 1
    return "".join(parts)


def body(kind: str) -> str:
    """A file's worth of paragraphs of one kind."""
    text = paragraph(PIECES[kind])
    if kind == "reference links":
        text += "\n\n" + "\n".join(f"[r{i}]: https://e.org/{i}" for i in range(50))
    count = (MAX_FILE_BYTES - 2_000) // (len(text.encode()) + 2)
    return "\n\n".join([text] * max(count, 1))


def project(folder: Path, kind: str) -> Path:
    """A project of one issue whose one development is the worst case of ``kind``."""
    root = folder / kind.replace(" ", "-")
    (root / "content" / "2022-05").mkdir(parents=True)
    (root / "newsletter.yaml").write_text("title: Limits\nbase_url: https://example.org/\n")
    (root / "content" / "2022-05" / "issue.yaml").write_text("date: 2022-05-15\n")
    if kind == "most tags":
        tags = ", ".join(f"tag-{i}" for i in range(MOST_PER_ENTRY["tags"]))
        text, front = "Body.", f"tags: [{tags}]\n"
    else:
        text, front = body(kind), ""
    (root / "content" / "2022-05" / "case.md").write_text(
        f"---\ntitle: Case\nsection: industry\ndate: 2022-05-01\n{front}---\n{text}\n", encoding="utf-8"
    )
    return root


def timed(root: Path, command: str) -> tuple[float, int]:
    """Seconds and exit code of ``newsletter COMMAND`` in ``root``."""
    started = time.perf_counter()
    quiet = ["-q"] if command == "build" else []
    done = subprocess.run([sys.executable, "-m", "newsletter", command, *quiet], cwd=root, capture_output=True,
                          check=False)
    return time.perf_counter() - started, done.returncode


def main() -> None:
    """Time every case, or those named with ``--only``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="comma-separated case names")
    chosen = [name for name in parser.parse_args().only.split(",") if name]
    kinds = chosen or [*PIECES, "most tags"]
    folder = Path(tempfile.mkdtemp(prefix="newsletter-limits-"))
    try:
        print(f"{'case':22} {'file size':>10} {'check s':>8} {'build s':>8}")
        for kind in kinds:
            root = project(folder, kind)
            size = (root / "content" / "2022-05" / "case.md").stat().st_size
            check_seconds, check_code = timed(root, "check")
            build_seconds, build_code = timed(root, "build")
            codes = "" if check_code == build_code == 0 else f"  (exit {check_code}/{build_code})"
            print(f"{kind:22} {size:>10,} {check_seconds:>8.2f} {build_seconds:>8.2f}{codes}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
