"""Publishing: --base-url for preview deploys, and the CI workflow example in docs/."""

from __future__ import annotations

import shlex
from pathlib import Path

import yaml

from newsletter.incremental.cache import CACHE_DIR
from tests.conftest import REPO, MakeSite, run

WORKFLOW = REPO / "docs/github-pages-workflow.yml"


def test_base_url_option_replaces_the_configured_address(make_site: MakeSite) -> None:
    root = make_site()
    result = run("build", "--base-url", "https://preview.example.net/pr-7", cwd=root)
    assert result.exit_code == 0, result.output
    feed = (root / "output/feed.xml").read_text()
    email = (root / "output/issues/2022-05/email.html").read_text()
    for text in (feed, email):
        assert "https://preview.example.net/pr-7/issues/2022-05/" in text
        assert "news.example.org/issues" not in text
    assert "base_url: https://news.example.org/" in (root / "newsletter.yaml").read_text()


def test_base_url_must_be_an_absolute_web_address(make_site: MakeSite) -> None:
    result = run("build", "--base-url", "preview/", cwd=make_site())
    assert result.exit_code == 2
    assert "--base-url" in result.output and "relative" in result.output


def test_ci_workflow_builds_the_folder_it_publishes(tmp_path: Path) -> None:
    workflow = yaml.safe_load(WORKFLOW.read_text())
    assert workflow[True]["push"]["branches"] == ["main"]  # YAML 1.1 reads the key 'on' as true
    steps = workflow["jobs"]["build"]["steps"]
    uploads = [step for step in steps if step.get("uses", "").startswith("actions/upload-pages")]
    assert [upload["with"]["path"] for upload in uploads] == ["output"]
    commands = [shlex.split(step["run"]) for step in steps if "newsletter" in step.get("run", "")]
    assert commands and commands[-1][0] == "newsletter"
    assert workflow["jobs"]["deploy"]["needs"] == "build"
    caches = [step["with"]["path"] for step in steps if step.get("uses", "").startswith("actions/cache")]
    assert caches == [CACHE_DIR]

    assert run("init", "site", cwd=tmp_path).exit_code == 0
    result = run(*commands[-1][1:], cwd=tmp_path / "site")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "site" / uploads[0]["with"]["path"] / "index.html").is_file()
