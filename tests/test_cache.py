"""The build cache returns only what was stored under the same key, intact."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from newsletter.incremental.cache import PACKAGE, Cache, _installed, digest, encode, packaged_files
from newsletter.incremental.fingerprints import Fingerprints
from newsletter.model import Config, Issue


def test_a_stored_value_comes_back(tmp_path: Path) -> None:
    cache = Cache(tmp_path / "cache")
    cache.put("kind", "k1", ["a", 1])
    assert cache.get("kind", "k1", list) == ["a", 1]
    assert cache.get("kind", "k2", list) is None
    assert cache.get("other", "k1", list) is None


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],
        lambda data: data[:-1] + bytes([data[-1] ^ 0x40]),
        lambda data: b"",
        lambda data: b"not a cache file at all",
        lambda data: data.replace(b"newsletter-cache 1", b"newsletter-cache 9"),
    ],
    ids=["truncated", "bit flipped", "empty", "garbage", "other format"],
)
def test_a_damaged_file_is_a_miss(tmp_path: Path, damage: object) -> None:
    cache = Cache(tmp_path)
    cache.put("kind", "key", {"value": 1})
    path = cache.path("kind", "key")
    assert path is not None
    path.write_bytes(damage(path.read_bytes()))  # type: ignore[operator]
    assert cache.get("kind", "key", dict) is None


def test_an_intact_file_for_another_key_or_type_is_a_miss(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    path = cache.path("kind", "wanted")
    assert path is not None
    path.parent.mkdir(parents=True)
    path.write_bytes(encode("another key", {"value": 1}))
    assert cache.get("kind", "wanted", dict) is None
    path.write_bytes(encode("wanted", ["not", "a", "dict"]))
    assert cache.get("kind", "wanted", dict) is None
    path.write_bytes(encode("wanted", {"value": 1}))
    assert cache.get("kind", "wanted", dict) == {"value": 1}


def test_an_unwritable_cache_only_misses(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache folder would be")
    cache = Cache(blocker)
    cache.put("kind", "key", 1)
    assert cache.get("kind", "key", int) is None


def test_stale_values_are_dropped_once_they_pile_up(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    for key in ("k1", "k2", "k3", "k4", "k5"):
        cache.put("kind", key, key)
    cache.prune("kind", {"k1", "k2", "k3"})
    assert all(cache.get("kind", key, str) == key for key in ("k1", "k2", "k3", "k4", "k5"))
    cache.prune("kind", {"k1", "k2"})
    assert [cache.get("kind", key, str) for key in ("k1", "k2", "k3", "k4", "k5")] == [
        "k1", "k2", None, None, None
    ]


def test_digest_parts_cannot_run_together() -> None:
    assert digest("ab", "c") != digest("a", "bc")
    assert digest("a") == digest(b"a")


def _issue(title: str) -> Issue:
    return Issue("2022-05", "content/2022-05/issue.yaml", dt.date(2022, 5, 15), title, "", "", ())


def test_fingerprints_follow_values_not_identity() -> None:
    config = Config(title="T", base_url="https://example.org/")
    fingerprints = Fingerprints()
    same = fingerprints.of((config, _issue("May")))
    equal = (Config(title="T", base_url="https://example.org/"), _issue("May"))
    assert fingerprints.of(equal) == same
    assert fingerprints.of((config, _issue("June"))) != same
    assert fingerprints.of([config, _issue("May")]) != same


def test_a_seeded_value_is_not_walked() -> None:
    issue = _issue("May")
    seeded = Fingerprints([(issue, "from the folder's key")])
    assert seeded.of(issue) == "from the folder's key"
    assert seeded.of((issue,)) != Fingerprints().of((issue,))


def test_a_library_is_known_by_its_version_not_by_when_it_was_installed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # pip stamps installed files with the time of installation: a CI runner installs afresh each run.
    (tmp_path / "fake_lib").mkdir()
    entry = tmp_path / "fake_lib" / "__init__.py"
    entry.write_text("")
    (tmp_path / "Fake_Lib-1.2.dist-info").mkdir()
    monkeypatch.syspath_prepend(str(tmp_path))
    installed = _installed("fake_lib", "fake_lib")
    os.utime(entry, ns=(0, 0))
    assert _installed("fake_lib", "fake_lib") == installed
    (tmp_path / "Fake_Lib-1.2.dist-info").rename(tmp_path / "fake_lib-1.3.dist-info")
    assert _installed("fake_lib", "fake_lib") != installed
    assert _installed("no_such_library_here", "no_such_library_here") == "no_such_library_here absent"


def test_the_tools_fingerprint_covers_every_module_and_template_of_the_package() -> None:
    covered = {path.relative_to(PACKAGE).as_posix() for path in packaged_files()}
    for expected in ("content/markdown.py", "render/site.py", "incremental/cache.py", "model.py",
                     "templates/issue.html", "templates/email.txt", "cli/build.py"):
        assert expected in covered
    assert covered >= {p.relative_to(PACKAGE).as_posix() for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts}
