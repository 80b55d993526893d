"""The reference copy of the sample newsletter's output, in ``tests/golden/``.

``test_golden.py`` builds the sample and compares every file byte for byte
with this copy. After an intended change to the output, regenerate it with
``make golden`` and review ``git diff tests/golden`` before committing.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from newsletter.build import Project, build
from newsletter.options import Options

REPO = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden"


def build_sample(output: Path) -> dict[str, bytes]:
    """Build the repository's sample newsletter into ``output``; return its files."""
    project = Project.at(REPO)
    build(Project(project.root, project.config_path, project.content_dir, output), Options())
    return tree(output)


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (site path -> bytes), the build marker excepted."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.name != ".newsletter-output"
    }


def regenerate() -> None:
    """Replace ``tests/golden/`` with a fresh build of the sample."""
    with tempfile.TemporaryDirectory() as folder:
        files = build_sample(Path(folder) / "output")
    shutil.rmtree(GOLDEN, ignore_errors=True)
    for relative, data in files.items():
        (GOLDEN / relative).parent.mkdir(parents=True, exist_ok=True)
        (GOLDEN / relative).write_bytes(data)
    print(f"wrote {len(files)} files to {GOLDEN.relative_to(REPO)}")


if __name__ == "__main__" and "--regenerate" in sys.argv:
    regenerate()
