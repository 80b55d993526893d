"""The sample's output matches the reviewed reference copy byte for byte (``make golden``)."""

from __future__ import annotations

from pathlib import Path

from tests.golden import GOLDEN, build_sample, tree


def test_sample_output_matches_golden_copy(tmp_path: Path) -> None:
    built = build_sample(tmp_path / "output")
    golden = tree(GOLDEN)
    assert sorted(built) == sorted(golden), "files added or missing: run `make golden` and review"
    changed = [path for path in built if built[path] != golden[path]]
    assert changed == [], f"output differs from tests/golden: {changed[:5]} (run `make golden` and review)"
