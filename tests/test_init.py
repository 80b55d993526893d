"""`newsletter init`: a commented starter project that builds as it is."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from newsletter.content.loading import load_entry_file
from newsletter.content.settings import CONFIG_FIELDS, EMAIL_FIELDS, SECTION_FIELDS
from tests.conftest import run


@pytest.fixture(scope="module")
def starter(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project made by ``newsletter init``, shared by the read-only tests below."""
    parent = tmp_path_factory.mktemp("init")
    result = run("init", "my-newsletter", cwd=parent)
    assert result.exit_code == 0, result.output
    return parent / "my-newsletter"


def test_starter_builds_at_once_without_a_single_warning(starter: Path, tmp_path: Path) -> None:
    result = run("build", "--strict", "--output", str(tmp_path / "site"), cwd=starter)
    assert result.exit_code == 0, result.output
    assert "Built 1 issue, 4 entries" in result.output
    assert (tmp_path / "site/issues/2026-01/index.html").is_file()
    assert (tmp_path / "site/issues/2026-01/email.eml").is_file()


def test_plain_build_in_the_new_folder_writes_output(tmp_path: Path) -> None:
    assert run("init", "fresh", cwd=tmp_path).exit_code == 0
    result = run("build", cwd=tmp_path / "fresh")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "fresh/output/index.html").is_file()


def test_every_setting_is_present_or_described_with_a_comment(starter: Path) -> None:
    text = (starter / "newsletter.yaml").read_text()
    config = yaml.safe_load(text)
    lines = text.splitlines()
    for field in CONFIG_FIELDS:
        if field in config:
            assert _comment_above(lines, f"{field}:"), f"no comment explains {field}"
        else:
            assert any(line.startswith("#") and f"'{field}'" in line for line in lines), field
    assert set(config["email"]) == set(EMAIL_FIELDS)
    assert _comment_above(lines, "  from:")
    for field in SECTION_FIELDS:
        assert any(line.lstrip().startswith(f"# {field}:") for line in lines), field


def _comment_above(lines: list[str], key_start: str) -> bool:
    index = next(i for i, line in enumerate(lines) if line.startswith(key_start))
    return index > 0 and lines[index - 1].lstrip().startswith("#")


def test_example_issue_has_one_entry_per_configured_section(starter: Path) -> None:
    config = yaml.safe_load((starter / "newsletter.yaml").read_text())
    entries = sorted((starter / "content/2026-01").glob("*.md"))
    sections = [load_entry_file(path, starter).data["section"] for path in entries]
    assert sorted(sections) == sorted(section["id"] for section in config["sections"])


def test_gitignore_keeps_the_output_out_of_version_control(starter: Path) -> None:
    ignored = (starter / ".gitignore").read_text().splitlines()
    assert "output/" in ignored
    assert ".output.*" in ignored  # the half-written folder of an interrupted build


def test_init_creates_missing_parent_folders(tmp_path: Path) -> None:
    assert run("init", "a/b/news", cwd=tmp_path).exit_code == 0
    assert (tmp_path / "a/b/news/newsletter.yaml").is_file()


def test_init_accepts_an_existing_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    assert run("init", "empty", cwd=tmp_path).exit_code == 0
    assert (tmp_path / "empty/newsletter.yaml").is_file()


@pytest.mark.parametrize("existing", ["notes.txt", ".git/HEAD"])
def test_init_refuses_a_folder_that_is_not_empty(tmp_path: Path, existing: str) -> None:
    (tmp_path / "taken" / existing).parent.mkdir(parents=True)
    (tmp_path / "taken" / existing).write_text("mine")
    result = run("init", "taken", cwd=tmp_path)
    assert result.exit_code == 2
    assert "is not an empty folder" in result.output
    assert not (tmp_path / "taken/newsletter.yaml").exists()


def test_init_refuses_a_file(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("mine")
    result = run("init", "file", cwd=tmp_path)
    assert result.exit_code == 2
    assert (tmp_path / "file").read_text() == "mine"
