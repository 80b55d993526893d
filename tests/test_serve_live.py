"""`newsletter serve` keeps its last build in memory: after every kind of edit, the preview equals a cold build.

A real ``serve`` process previews a small project while a script edits it
in every way an editor can (bodies, titles, entries added, deleted and
renamed, issues added and deleted, the settings, the registry, template
overrides, images, a broken file and its fix). After each step the whole
preview folder must be byte for byte what a cold build of the same content
makes in another folder; while the content has errors, it must stay the
last good build.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from newsletter.serve import kept_previews
from tests.conftest import LINKED_ARCHIVE, MakeSite, cold_build, entry, png, replace_in, tree, write_files
from tests.test_serve import ServeProcess, eventually


def _remove(root: Path, relative: str) -> None:
    path = root / relative
    if path.is_dir():
        shutil.rmtree(path)
    else:
        path.unlink()


def _rename(root: Path, old: str, new: str) -> None:
    (root / old).rename(root / new)


FOOTER_OVERRIDE = '{% extends "default/issue.html" %}\n{% block footer %}<p>Overridden footer.</p>{% endblock %}\n'

Step = tuple[str, Callable[[Path], object]]

STEPS: list[Step] = [
    ("a body", lambda root: replace_in(root, "content/2022-04/final-rules.md", "Body of Final rules.",
                                       "A new body for the final rules.")),
    ("a title", lambda root: replace_in(root, "content/2022-03/draft-rules.md", "title: Draft rules",
                                        "title: Draft rules, revised")),
    ("an entry added", lambda root: write_files(root, {"content/2022-04/new-guide.md": entry(
        "A new guide", "industry", "2022-04-12", authority="miit", source="https://example.org/new-guide",
        tags="[guides, data]")})),
    ("another body", lambda root: replace_in(root, "content/2022-04/new-guide.md", "Body of A new guide.",
                                             "Guides *matter*, see [the notice](https://example.org/n).")),
    ("tags", lambda root: replace_in(root, "content/2022-04/new-guide.md", "tags: [guides, data]",
                                     "tags: [guides]")),
    ("an entry renamed", lambda root: _rename(root, "content/2022-04/new-guide.md",
                                              "content/2022-04/renamed-guide.md")),
    ("an entry deleted", lambda root: _remove(root, "content/2022-04/renamed-guide.md")),
    ("an issue added", lambda root: write_files(root, {
        "content/2022-06/issue.yaml": "date: 2022-06-15\nsummary: June.\n",
        "content/2022-06/june-fine.md": entry("June fine", "enforcement", "2022-06-02", authority="cac",
                                              source="https://example.org/june-fine"),
    })),
    ("an entry in the new issue", lambda root: write_files(root, {
        "content/2022-06/june-rules.md": entry("June rules", date="2022-06-05", authority="miit",
                                               source="https://example.org/june-rules", status="draft-for-comment",
                                               comment_deadline="2022-07-01"),
    })),
    ("the issue's summary", lambda root: replace_in(root, "content/2022-06/issue.yaml", "summary: June.",
                                                    "summary: A busy June.")),
    ("a deadline", lambda root: replace_in(root, "content/2022-06/june-rules.md", "2022-07-01", "2022-08-01")),
    ("an image added", lambda root: write_files(root, {"content/2022-06/chart.png": png(4, 3)})),
    ("the image shown", lambda root: replace_in(root, "content/2022-06/june-fine.md", "Body of June fine.",
                                                "Body of June fine.\n\n![A chart](chart.png)\n")),
    ("a broken entry", lambda root: replace_in(root, "content/2022-06/june-fine.md", "title:", "titel:")),
    ("its fix", lambda root: replace_in(root, "content/2022-06/june-fine.md", "titel:", "title:")),
    ("the settings", lambda root: replace_in(root, "newsletter.yaml", "title: Test Newsletter",
                                             "title: Renamed Newsletter")),
    ("the settings back", lambda root: replace_in(root, "newsletter.yaml", "title: Renamed Newsletter",
                                                  "title: Test Newsletter")),
    ("a template override added", lambda root: write_files(root, {"templates/issue.html": FOOTER_OVERRIDE})),
    ("the override edited", lambda root: replace_in(root, "templates/issue.html", "Overridden footer.",
                                                    "Edited footer.")),
    ("the override removed", lambda root: _remove(root, "templates/issue.html")),
    ("the registry", lambda root: replace_in(root, "registry.yaml", "name: Personal Information Protection Law",
                                             "name: Personal Information Protection Law of the PRC")),
    ("an authority renamed in the registry", lambda root: replace_in(
        root, "registry.yaml", "name: Ministry of Industry and Information Technology",
        "name: Ministry of Industry and IT")),
    ("an issue deleted", lambda root: _remove(root, "content/2022-06")),
    ("a broken settings file", lambda root: replace_in(root, "newsletter.yaml", "title:", "title: [")),
    ("the settings fixed", lambda root: replace_in(root, "newsletter.yaml", "title: [", "title:")),
    ("a draft entry", lambda root: write_files(root, {"content/2022-04/draft-note.md": entry(
        "Draft note", "industry", "2022-04-11", draft="true", source="https://example.org/draft-note")})),
    ("the draft published", lambda root: replace_in(root, "content/2022-04/draft-note.md", "draft: true\n", "")),
    ("a related link", lambda root: replace_in(root, "content/2022-04/draft-note.md", "date: 2022-04-11",
                                                  "date: 2022-04-11\nrelated: [2022-03/draft-rules]")),
    ("a broken entry again", lambda root: write_files(root, {"content/2022-04/bad.md": "---\ntitle: [\n---\n"})),
    ("the broken entry removed", lambda root: _remove(root, "content/2022-04/bad.md")),
    ("a body once more", lambda root: replace_in(root, "content/2022-04/final-rules.md",
                                                 "A new body for the final rules.", "The last body.")),
    ("an entry moved to another issue", lambda root: _rename(root, "content/2022-04/draft-note.md",
                                                             "content/2022-03/draft-note.md")),
    ("the settings: a Chinese edition", lambda root: replace_in(
        root, "newsletter.yaml", "title: Test Newsletter\n",
        "title: Test Newsletter\nlanguages:\n  zh:\n    language: zh-Hans\n    title: 测试通讯\n")),
    ("an issue translated", lambda root: write_files(root, {
        "content/2022-04/issue.zh.yaml": "title: 2022年4月刊\n",
        "content/2022-04/final-rules.zh.md": "---\ntitle: 最终规则\n---\n最终规则的正文。\n",
    })),
    ("a translation edited", lambda root: replace_in(root, "content/2022-04/final-rules.zh.md", "最终规则的正文。",
                                                     "修改后的正文。")),
    ("a translation removed", lambda root: _remove(root, "content/2022-04/final-rules.zh.md")),
]


def test_every_kind_of_edit_gives_the_preview_a_cold_build_makes(make_site: MakeSite, tmp_path: Path) -> None:
    root = make_site(LINKED_ARCHIVE)
    temp = tmp_path / "temp"
    temp.mkdir()
    server = ServeProcess(root, temp)
    try:
        server.url()
        [site] = kept_previews().glob("*/site")
        good = cold_build(root, tmp_path)
        eventually(lambda: tree(site) == good, "the first preview")
        for what, edit in STEPS:
            unaffected = (site / "favicon.svg").stat()
            edit(root)
            broken = _has_errors(root, tmp_path)
            if broken:
                eventually(lambda: "the browser shows them over the last good build" in server.output,
                           f"the errors of {what}")
                server.lines.clear()
                assert tree(site) == good, what  # the last good build stays
                continue
            good = cold_build(root, tmp_path)
            eventually(lambda: tree(site) == good, f"the preview after {what}")  # noqa: B023
            if not what.startswith(("the settings", "a template", "the override", "the registry", "an authority")):
                after = (site / "favicon.svg").stat()  # a file the edit does not change is not written again
                assert (after.st_ino, after.st_mtime_ns) == (unaffected.st_ino, unaffected.st_mtime_ns), what
    finally:
        code = server.stop()
    assert code == 0, server.output
    assert "Traceback" not in server.output


def _has_errors(root: Path, scratch: Path) -> bool:
    """Whether a cold build of the project as it is now fails."""
    copy = scratch / "probe"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(root, copy, ignore=shutil.ignore_patterns("output", ".newsletter-cache"))
    result = subprocess.run([sys.executable, "-m", "newsletter", "check"], cwd=copy, capture_output=True)
    return result.returncode != 0
