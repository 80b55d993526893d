"""Rebuilds reuse earlier work, and always end with exactly what a cold build writes."""

from __future__ import annotations

import multiprocessing
import shutil
import threading
from collections.abc import Callable, Mapping
from pathlib import Path

import jinja2
import pytest

from newsletter.build import Project, build
from newsletter.incremental import parallel
from newsletter.incremental.cache import CACHE_DIR
from newsletter.model import Newsletter
from newsletter.options import Options
from newsletter.render.email import render_email
from newsletter.render.feeds import render_feeds
from newsletter.render.jobs import Job
from newsletter.render.site import render_site
from newsletter.render.templates import make_environment
from tests.conftest import (
    LINKED_ARCHIVE,
    LISTING_TEMPLATE,
    MakeSite,
    built,
    cold_build,
    entry,
    newsletter_of,
    replace_in,
    run,
    tree,
    write_files,
)

ARCHIVE: dict[str, str | bytes | None] = {
    "content/2022-03/issue.yaml": "date: 2022-03-15\nsummary: March.\nintro: The *March* issue.\n",
    "content/2022-03/march-rules.md": entry(
        "March rules", date="2022-03-02", authority="CAC", source="https://example.org/march-rules", tags="[x]",
    ),
    "content/2022-03/march-fine.md": entry(
        "March fine", "enforcement", "2022-03-04", authority="CAC", source="https://example.org/march-fine",
    ),
    "content/2022-04/issue.yaml": "date: 2022-04-15\nsummary: April.\n",
    "content/2022-04/april-view.md": entry(
        "April view", "views", "2022-04-01", authority="CAC", source="https://example.org/april-view",
        url="https://insights.example.org/april",
    ),
    "content/2022-04/april-standard.md": entry(
        "April standard", date="2022-04-08", authority="CAC", source="https://example.org/april-standard",
        highlight="A *key* standard.",
        body="- first point\n- second point with [a link](https://example.org/a)\n",
    ),
    "content/2022-05/rules-may.md": entry(
        "May rules", authority="CAC", source="https://example.org/may-rules", tags="[data, apps]",
    ),
}

def rebuild(root: Path) -> dict[str, bytes]:
    """Build the project where it is, with the output and cache of earlier builds."""
    built(root, "-q")
    assert leftovers(root) == []
    return tree(root / "output")


def leftovers(root: Path) -> list[str]:
    """Temporary folders of the build left beside the output (its lock file is not one)."""
    return sorted(path.name for path in root.glob(".output.*") if path.is_dir() and path.name != ".output.previous")


EDITS: list[tuple[str, Callable[[Path], object]]] = [
    ("nothing", lambda root: None),
    ("change a body", lambda root: replace_in(
        root, "content/2022-03/march-fine.md", "Body of", "The *revised* body of")),
    ("rename an entry", lambda root: (root / "content/2022-05/rules-may.md").rename(
        root / "content/2022-05/may-rules.md")),
    ("move an entry to another issue", lambda root: (
        root / "content/2022-03/march-rules.md").rename(root / "content/2022-04/march-rules.md")),
    ("delete an entry", lambda root: (root / "content/2022-03/march-fine.md").unlink()),
    ("change a tag", lambda root: replace_in(
        root, "content/2022-05/may-rules.md", "data", "privacy")),
    ("change a highlight", lambda root: replace_in(
        root, "content/2022-04/april-standard.md", "A *key*", "An **essential**")),
    ("add an issue", lambda root: write_files(root, {
        "content/2022-06/issue.yaml": "date: 2022-06-15\n",
        "content/2022-06/june-rules.md": entry(
            "June rules", date="2022-06-01", authority="CAC", source="https://example.org/june-rules",
        ),
    })),
    ("add a template that lists every issue", lambda root: write_files(
        root, {"templates/issue.html": LISTING_TEMPLATE})),
    ("retitle another issue", lambda root: write_files(
        root, {"content/2022-03/issue.yaml": "date: 2022-03-15\ntitle: Spring special\n"})),
    ("change the template", lambda root: replace_in(
        root, "templates/issue.html", "Other issues", "More issues")),
    ("remove the template", lambda root: (root / "templates/issue.html").unlink()),
    ("change the config", lambda root: replace_in(
        root, "newsletter.yaml", "title: Test Newsletter", "title: Renamed Newsletter")),
    ("change the base URL", lambda root: replace_in(
        root, "newsletter.yaml", "https://news.example.org/", "https://letters.example.net/")),
    ("make an issue a draft", lambda root: write_files(
        root, {"content/2022-06/issue.yaml": "date: 2022-06-15\ndraft: true\n"})),
    ("add a stray file to an issue folder", lambda root: write_files(
        root, {"content/2022-04/notes.txt": "not content"})),
]


def test_every_rebuild_equals_a_cold_build(make_site: MakeSite, tmp_path: Path) -> None:
    root = make_site(ARCHIVE)
    rebuild(root)
    for name, edit in EDITS:
        edit(root)
        assert rebuild(root) == cold_build(root, tmp_path), f"after: {name}"


LINKED_EDITS: list[tuple[str, Callable[[Path], object]]] = [
    ("nothing", lambda root: None),
    ("retitle an entry that another supersedes and relates to", lambda root: replace_in(
        root, "content/2022-03/draft-rules.md", "title: Draft rules", "title: Draft data rules")),
    ("retitle the entry that supersedes another", lambda root: replace_in(
        root, "content/2022-04/final-rules.md", "title: Final rules", "title: Final data rules")),
    ("move a comment deadline", lambda root: replace_in(
        root, "content/2022-03/draft-rules.md", "comment_deadline: 2022-05-20", "comment_deadline: 2022-06-20")),
    ("move an effective date", lambda root: replace_in(
        root, "content/2022-05/may-fine.md", "effective_date: 2022-06-10", "effective_date: 2022-08")),
    ("give an entry of another authority a deadline", lambda root: replace_in(
        root, "content/2022-04/industry-note.md", "related:", "comment_deadline: 2022-05-30\nrelated:")),
    ("add an instrument to the registry", lambda root: replace_in(
        root, "registry.yaml", "instruments:\n", "instruments:\n  dsl:\n    name: Data Security Law\n    kind: law\n")),
    ("cite the new instrument", lambda root: replace_in(
        root, "content/2022-05/may-fine.md", "effective_date:", "instruments: [dsl, pipl]\neffective_date:")),
    ("rename an authority in the registry", lambda root: replace_in(
        root, "registry.yaml", "name: Cyberspace Administration of China", "name: Cyberspace Administration")),
    ("change a Chinese name in the registry", lambda root: replace_in(
        root, "registry.yaml", "name_zh: 国家互联网信息办公室", "name_zh: 国家网信办")),
    ("hide an issue's Coming up box", lambda root: write_files(
        root, {"content/2022-05/issue.yaml": "date: 2022-05-15\nupcoming: false\n"})),
    ("make a referenced entry a draft", lambda root: replace_in(
        root, "content/2022-03/draft-rules.md", "status: draft-for-comment", "status: draft-for-comment\ndraft: true")),
    ("publish it again", lambda root: replace_in(
        root, "content/2022-03/draft-rules.md", "\ndraft: true", "")),
    ("delete the entry that supersedes another", lambda root: (
        root / "content/2022-04/final-rules.md").unlink()),
    ("add a newer issue that moves the as-of day", lambda root: write_files(root, {
        "content/2022-06/issue.yaml": "date: 2022-06-15\n",
        "content/2022-06/june-rules.md": entry(
            "June rules", date="2022-06-01", authority="cac", source="https://example.org/june-rules",
            supersedes="[2022-03/draft-rules]",
        ),
    })),
    ("show the Coming up box again", lambda root: write_files(
        root, {"content/2022-05/issue.yaml": "date: 2022-05-15\n"})),
]


def test_every_rebuild_equals_a_cold_build_across_linked_issues(make_site: MakeSite, tmp_path: Path) -> None:
    root = make_site(LINKED_ARCHIVE)
    first = rebuild(root)
    assert "calendar.ics" in first and "authorities/cac/calendar.ics" in first
    for name, edit in LINKED_EDITS:
        edit(root)
        assert rebuild(root) == cold_build(root, tmp_path), f"after: {name}"


def test_a_reference_broken_by_another_folder_is_an_error_and_leaves_the_output(make_site: MakeSite) -> None:
    # The referring folder is unchanged and comes from the cache; only its target disappears.
    root = make_site(LINKED_ARCHIVE)
    first = rebuild(root)
    (root / "content/2022-03/draft-rules.md").unlink()
    result = run("build", cwd=root)
    assert result.exit_code == 1
    assert "content/2022-04/final-rules.md:" in result.output
    assert "'supersedes' refers to 2022-03/draft-rules" in result.output
    assert tree(root / "output") == first
    assert leftovers(root) == []


def test_a_page_whose_templates_read_issues_is_given_them(make_site: MakeSite) -> None:
    root = make_site({**ARCHIVE, "templates/issue.html": LISTING_TEMPLATE})
    page = rebuild(root)["issues/2022-04/index.html"].decode()
    listing = page[page.index("Other issues:"):].split("</p>")[0]
    assert all(f"{month} 2022;" in listing for month in ("March", "April", "May"))


@pytest.mark.parametrize("render", [render_site, render_email, render_feeds])
def test_what_each_renderer_makes_is_in_the_build(
    make_site: MakeSite, render: Callable[[Newsletter, jinja2.Environment], dict[str, bytes]]
) -> None:
    # The build renders each kind in pieces (per page, per issue); together they must make
    # exactly what the kind makes in one go, or a renderer changed without its jobs.
    root = make_site({**ARCHIVE, "templates/issue.html": LISTING_TEMPLATE})
    build(Project.at(root), Options())
    written = tree(root / "output")
    made = render(newsletter_of(root), make_environment(root / "templates"))
    assert made
    assert {path: written.get(path) for path in made} == made


@pytest.fixture
def in_parallel(monkeypatch: pytest.MonkeyPatch) -> None:
    """Use worker processes even for tiny projects."""
    monkeypatch.setattr(parallel, "MIN_PARALLEL_MS", 0)
    monkeypatch.setattr(parallel, "worker_count", lambda: 2)


def test_parallel_build_equals_a_build_in_one_process(
    make_site: MakeSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_site(ARCHIVE)
    sequential = cold_build(root, tmp_path)
    forked: list[bool] = []

    def can_fork() -> bool:
        forked.append(True)
        return True

    monkeypatch.setattr(parallel, "MIN_PARALLEL_MS", 0)
    monkeypatch.setattr(parallel, "worker_count", lambda: 2)
    monkeypatch.setattr(parallel, "_can_fork", can_fork)
    assert rebuild(root) == sequential
    assert forked


def test_an_error_in_a_worker_is_raised_as_without_workers(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A template picked at run time with a syntax error: its exception does not pickle as it was.
    root = make_site({
        **ARCHIVE,
        "templates/issue.html": '{% include "part-" ~ issue.id ~ ".html" %}',
        "templates/part-2022-03.html": "March",
        "templates/part-2022-04.html": "{% if %}broken",
        "templates/part-2022-05.html": "May",
    })
    alone = run("build", cwd=root)
    assert alone.exit_code == 1
    assert "templates/part-2022-04.html:1:1: error: template error:" in alone.output
    monkeypatch.setattr(parallel, "MIN_PARALLEL_MS", 0)
    monkeypatch.setattr(parallel, "worker_count", lambda: 2)
    assert run("build", cwd=root).output == alone.output


def test_no_worker_is_forked_while_other_threads_run(
    make_site: MakeSite, tmp_path: Path, in_parallel: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(method: str) -> None:
        raise AssertionError(f"forked ({method}) while another thread was running")

    root = make_site(ARCHIVE)
    expected = cold_build(root, tmp_path)
    monkeypatch.setattr(multiprocessing, "get_context", refuse)  # the module parallel forks with
    release = threading.Event()
    waiting = threading.Thread(target=release.wait)
    waiting.start()
    try:
        assert rebuild(root) == expected
    finally:
        release.set()
        waiting.join()


def test_rebuild_writes_only_the_files_that_changed(make_site: MakeSite) -> None:
    root = make_site(ARCHIVE)
    rebuild(root)
    before = {path: (root / "output" / path).stat().st_ino for path in tree(root / "output")}
    replace_in(root, "content/2022-03/march-fine.md", "Body of", "A new body of")
    rebuild(root)
    after = {path: (root / "output" / path).stat().st_ino for path in tree(root / "output")}
    rewritten = {path for path in after if after[path] != before[path]}
    # Only the files that show the body: the home page shows the newest issue, and March is older.
    # The search index is cut into files by its own rules (see newsletter/render/search.py): some of them change.
    searched = {path for path in rewritten if path.startswith("search/")}
    assert searched and not searched & {"search/index.html", "search/search.js"}
    assert rewritten - searched == {
        "issues/2022-03/index.html", "issues/2022-03/email.html",
        "issues/2022-03/email.txt", "issues/2022-03/email.eml", "issues/2022-03/march-fine/index.html",
        "sections/enforcement/index.html", "sections/enforcement/feed.xml",
        "authorities/cac/index.html", "authorities/cac/feed.xml",
        "feed.xml", "atom.xml", "feed.json",
    }


def test_an_edit_renders_only_the_pages_that_show_the_entry(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_site(ARCHIVE)
    rebuild(root)
    rendered: list[str] = []
    run_job = Job.run

    def recording(job: Job, envs: Mapping[str, jinja2.Environment]) -> dict[str, bytes]:
        files = run_job(job, envs)
        rendered.extend(files)
        return files

    monkeypatch.setattr(Job, "run", recording)
    replace_in(root, "content/2022-03/march-fine.md", "Body of", "A new body of")
    rebuild(root)
    # Not the pages of the other entry of the March issue (its tag page, its section), nor the
    # other issues: a page is given the entries it lists, not the issues they came from.
    searched = {path for path in rendered if path.startswith("search/")}  # cut by its own rules
    assert searched and not searched & {"search/index.html", "search/search.js"}
    assert set(rendered) - searched == {
        "issues/2022-03/index.html", "issues/2022-03/email.html",
        "issues/2022-03/email.txt", "issues/2022-03/email.eml", "issues/2022-03/march-fine/index.html",
        "sections/enforcement/index.html", "sections/enforcement/feed.xml",
        "authorities/cac/index.html", "authorities/cac/feed.xml",
        "feed.xml", "atom.xml", "feed.json",
        "index.html", "upcoming/index.html",  # their templates read the whole archive
    }


def test_nothing_changed_leaves_the_output_folder_alone(make_site: MakeSite) -> None:
    root = make_site(ARCHIVE)
    rebuild(root)
    folder = (root / "output").stat().st_ino
    rebuild(root)
    assert (root / "output").stat().st_ino == folder


def test_a_file_edited_in_the_output_is_restored(make_site: MakeSite) -> None:
    root = make_site(ARCHIVE)
    first = rebuild(root)
    (root / "output/issues/2022-04/index.html").write_text("edited by hand")
    (root / "output/extra.html").write_text("dropped in by hand")
    assert rebuild(root) == first


def test_a_build_failing_after_rendering_leaves_the_output_alone(make_site: MakeSite) -> None:
    root = make_site(ARCHIVE)
    first = rebuild(root)
    # An email too large for Gmail is a warning, and an error with --strict.
    huge = "\n\n".join(f"Paragraph {number} " + "word " * 40 for number in range(600))
    write_files(root, {"content/2022-04/huge.md": entry(
        "Huge", date="2022-04-09", authority="CAC", source="https://example.org/huge", body=huge + "\n",
    )})
    result = run("build", "--strict", cwd=root)
    assert result.exit_code == 1
    assert "Gmail clips" in result.output
    assert tree(root / "output") == first
    assert leftovers(root) == []


def test_deleting_the_cache_only_costs_time(make_site: MakeSite) -> None:
    root = make_site(ARCHIVE)
    first = rebuild(root)
    shutil.rmtree(root / CACHE_DIR)
    assert rebuild(root) == first


def test_corrupt_cache_files_are_ignored(make_site: MakeSite, tmp_path: Path) -> None:
    root = make_site(ARCHIVE)
    rebuild(root)
    cached = sorted(path for path in (root / CACHE_DIR).rglob("*") if path.is_file())
    assert cached
    for number, path in enumerate(cached):
        data = path.read_bytes()
        damaged = [data[: len(data) // 2], data[:-1] + bytes([data[-1] ^ 1]), b"", b"\x00" * 64]
        path.write_bytes(damaged[number % len(damaged)])
    replace_in(root, "content/2022-04/april-standard.md", "first point", "first, revised point")
    assert rebuild(root) == cold_build(root, tmp_path)


def test_a_cache_file_for_another_key_is_ignored(make_site: MakeSite, tmp_path: Path) -> None:
    root = make_site(ARCHIVE)
    rebuild(root)
    issues = sorted((root / CACHE_DIR / "issues").rglob("*"))
    files = [path for path in issues if path.is_file()]
    assert len(files) == 3
    # Every issue's cache file now holds another issue: intact, but for the wrong key.
    contents = [path.read_bytes() for path in files]
    for path, data in zip(files, contents[1:] + contents[:1], strict=True):
        path.write_bytes(data)
    (root / "output").rename(root / "output-before")
    assert rebuild(root) == cold_build(root, tmp_path)
