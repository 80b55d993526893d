"""The only module that writes the site: into a fresh folder, then swapped into place.

A failed or interrupted build leaves the previous output untouched: files
are written into a temporary folder beside the output, which replaces the
old folder only once every file is on disk. The tool only ever replaces a
folder it created itself, recognised by a marker file; it refuses folders
it does not own and places it must never delete.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path

from newsletter.errors import OutputError

MARKER = ".newsletter-output"
_MARKER_TEXT = "This folder is written by `newsletter build` and replaced on every build.\n"


def check_output_dir(output: Path, protected: Iterable[Path]) -> None:
    """Refuse an output folder that the build must not replace."""
    target = output.resolve()
    if target == Path("/").resolve() or target == Path.home().resolve():
        raise OutputError(f"refusing to use {output} as the output folder: it is {target}, which the build "
                          "would replace; choose a folder of its own, such as output/")
    for path in protected:
        resolved = path.resolve()
        if resolved == target or target in resolved.parents:
            raise OutputError(f"refusing to use {output} as the output folder: the build replaces it, and it "
                              f"holds {resolved}; choose a folder of its own, such as output/")
    if target.exists() and not target.is_dir():
        raise OutputError(f"output path {output} exists and is not a folder")
    if target.is_dir() and any(target.iterdir()) and not (target / MARKER).is_file():
        raise OutputError(
            f"refusing to replace {output}: it is not empty and was not created by newsletter "
            f"(no {MARKER} file); choose another --output or empty it yourself"
        )


def write_output(files: Mapping[str, bytes], output: Path, protected: Iterable[Path] = ()) -> None:
    """Write ``files`` (site path -> bytes) as the new content of ``output``, atomically."""
    check_output_dir(output, protected)
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}.new-", dir=output.parent))
    try:
        staging.chmod(0o755)
        for relative, data in sorted(files.items()):
            destination = staging / relative
            destination.parent.mkdir(parents=True, exist_ok=True)
            destination.write_bytes(data)
        (staging / MARKER).write_text(_MARKER_TEXT)
        _swap_into_place(staging, output)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _swap_into_place(staging: Path, output: Path) -> None:
    if not output.exists():
        os.replace(staging, output)
        return
    retired = Path(tempfile.mkdtemp(prefix=f".{output.name}.old-", dir=output.parent))
    os.replace(output, retired / "site")
    try:
        os.replace(staging, output)
    except BaseException:
        os.replace(retired / "site", output)
        raise
    finally:
        shutil.rmtree(retired, ignore_errors=True)
