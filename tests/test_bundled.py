"""Images and attachments bundled with an issue: published, sized, absolute where they travel, never lost."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsletter.content.bundled import targets, without_code
from tests.conftest import MakeSite, built, entry, png, replace_in

BODY = """\
The regulator published a chart of the fines:

![Fines by quarter, 2021 to 2022](fines-chart.png)

Read [the draft measures](draft-measures.pdf) before the deadline.
"""


CHART = png(1200, 600)
PDF = b"%PDF-1.4\n% not a real document, but bytes to copy\n"


@pytest.fixture
def project(make_site: MakeSite) -> Path:
    root = make_site({
        "content/2022-05/draft-rules.md": entry("CAC publishes draft rules", authority="CAC",
                                                source="https://www.cac.gov.cn/notice", body=BODY),
        "content/2022-05/fines-chart.png": CHART,
        "content/2022-05/draft-measures.pdf": PDF,
    })
    built(root)
    return root


def test_the_files_are_published_beside_the_issue_page(project: Path) -> None:
    output = project / "output/issues/2022-05"
    assert (output / "fines-chart.png").read_bytes() == CHART
    assert (output / "draft-measures.pdf").read_bytes() == PDF


@pytest.mark.parametrize(("page", "source"), [
    ("issues/2022-05/index.html", "fines-chart.png"), ("issues/2022-05/draft-rules/index.html", "../fines-chart.png"),
])
def test_pages_show_the_image_with_its_size_and_alt_and_link_the_attachment(
    project: Path, page: str, source: str
) -> None:
    """On pages the site's own images are relative, so they show from disk and in the preview too."""
    html = (project / "output" / page).read_text(encoding="utf-8")
    assert f'<img alt="Fines by quarter, 2021 to 2022" src="{source}" width="1200" height="600">' in html
    assert (project / "output" / page).parent.joinpath(source).resolve().is_file()
    assert 'href="https://news.example.org/issues/2022-05/draft-measures.pdf"' in html


def test_the_email_fits_the_image_to_its_column_with_absolute_addresses(project: Path) -> None:
    html = (project / "output/issues/2022-05/email.html").read_text(encoding="utf-8")
    assert 'src="https://news.example.org/issues/2022-05/fines-chart.png" width="552" height="276"' in html
    assert "max-width: 100%" in html
    text = (project / "output/issues/2022-05/email.txt").read_text(encoding="utf-8")
    assert "[Image: Fines by quarter, 2021 to 2022]" in text
    assert "https://news.example.org/issues/2022-05/draft-measures.pdf" in text


def test_feeds_carry_the_image_and_attachment_with_absolute_addresses(project: Path) -> None:
    feed = json.loads((project / "output/feed.json").read_text(encoding="utf-8"))
    content = feed["items"][0]["content_html"]
    assert 'src="https://news.example.org/issues/2022-05/fines-chart.png"' in content
    assert 'href="https://news.example.org/issues/2022-05/draft-measures.pdf"' in content


def test_a_rebuild_copies_only_the_files_that_changed(project: Path) -> None:
    output = project / "output/issues/2022-05"
    pdf_inode = (output / "draft-measures.pdf").stat().st_ino
    (project / "content/2022-05/fines-chart.png").write_bytes(png(300, 100))
    replace_in(project, "content/2022-05/draft-rules.md", "before the deadline", "before 30 June")
    built(project)
    assert (output / "fines-chart.png").read_bytes() == png(300, 100)
    assert 'width="300" height="100"' in (output / "draft-rules/index.html").read_text(encoding="utf-8")
    assert (output / "draft-measures.pdf").stat().st_ino == pdf_inode


def test_a_large_image_is_a_warning(make_site: MakeSite) -> None:
    large = png(1, 1) + b"\x00" * 1_100_000  # the header says 1x1; the file weighs over 1 MB
    root = make_site({
        "content/2022-05/draft-rules.md": entry("Rules", source="https://e.org/r", body="![A photo](photo.png)\n"),
        "content/2022-05/photo.png": large,
    })
    result = built(root)
    assert "content/2022-05/photo.png:1:1: warning: image is 1.1 MB" in result.stderr


def test_a_remote_image_is_kept(make_site: MakeSite) -> None:
    root = make_site({"content/2022-05/draft-rules.md": entry(
        "Rules", source="https://e.org/r", body='![Stage of the forum](https://cdn.example.org/stage.jpg)\n')})
    built(root)
    html = (root / "output/issues/2022-05/draft-rules/index.html").read_text(encoding="utf-8")
    assert '<img alt="Stage of the forum" src="https://cdn.example.org/stage.jpg">' in html


def test_targets_leave_out_code_and_keep_their_offsets() -> None:
    text = "A `![x](y.png)` and ``co`de`` then ![Chart](chart.png)\n\n```\n![q](q.png)\n```\n[doc](a.pdf) `open"
    found = list(targets(text))
    assert [(t.target, t.image, text[t.offset:t.offset + len(t.target)]) for t in found] == [
        ("chart.png", True, "chart.png"), ("a.pdf", False, "a.pdf"),
    ]


@given(st.text(alphabet="`a\n![]()", max_size=60))
def test_blanking_code_keeps_the_length_and_every_line_break(text: str) -> None:
    blanked = without_code(text)
    assert len(blanked) == len(text)
    assert [i for i, c in enumerate(blanked) if c == "\n"] == [i for i, c in enumerate(text) if c == "\n"]
