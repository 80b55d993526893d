"""Reading files: encodings, line endings, limits and positions."""

from __future__ import annotations

import tracemalloc

from newsletter.content.loading import MAX_FILE_BYTES, load_entry_file, load_yaml_file
from tests.conftest import MakeSite, run


def test_bom_and_crlf_are_accepted(make_site: MakeSite) -> None:
    entry = "---\r\ntitle: Windows file\r\nsection: regulatory\r\ndate: 2022-05-10\r\n---\r\nBody.\r\n"
    root = make_site({"content/2022-05/draft-rules.md": "\ufeff".encode() + entry.encode()})
    result = run("build", cwd=root)
    assert result.exit_code == 0, result.output
    assert "Windows file" in (root / "output/issues/2022-05/index.html").read_text()


def test_positions_point_at_values_and_keys(make_site: MakeSite) -> None:
    root = make_site({"content/2022-05/x.yaml": "title: T\nsources:\n  - title: A\n    url: u\n"})
    doc = load_yaml_file(root / "content/2022-05/x.yaml", root)
    assert doc.path == "content/2022-05/x.yaml"
    assert doc.at(("sources", 0, "url")) == (4, 10)
    assert doc.key_at(("sources",)) == (2, 1)
    assert doc.at(("missing", "deeper")) == (1, 1)


def test_front_matter_lines_are_counted_from_the_file_start(make_site: MakeSite) -> None:
    root = make_site()
    doc = load_entry_file(root / "content/2022-05/draft-rules.md", root)
    assert doc.at(("date",)) == (4, 7)
    assert doc.body_line == 10
    assert doc.body == "The body of the development.\n"


def test_ten_megabyte_body_is_refused_without_reading_it(make_site: MakeSite) -> None:
    body = ("Lorem ipsum dolor sit amet. " * 40 + "\n\n") * 9000
    assert len(body) > 10 * MAX_FILE_BYTES
    root = make_site({"content/2022-05/draft-rules.md": "---\ntitle: T\n---\n" + body})
    tracemalloc.start()
    result = run("check", cwd=root)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert result.exit_code == 1
    assert "content/2022-05/draft-rules.md:1:1: error: file is 10.1 MB; content files are limited" in result.stderr
    assert peak < 5_000_000, "the oversized file was read into memory"


def test_an_unclosed_bracket_is_reported_where_it_opens(make_site: MakeSite) -> None:
    root = make_site({
        "content/2022-05/open-list.md": "---\ntitle: T\nsection: regulatory\ndate: 2022-05-10\ntags: [apps, data\n"
                                        "sources:\n  - title: Notice\n    url: https://e.org/n\n---\nBody.\n",
        "content/2022-05/open-map.yaml": "title: T\nsources: [{title: Notice, url: https://e.org/m\n"
                                         "section: regulatory\n",
    })
    checked = run("check", cwd=root)
    assert checked.exit_code == 1
    assert ("content/2022-05/open-list.md:5:7: error: YAML syntax error: this list is not closed: add ']' at its "
            "end (the parser gave up at line 6") in checked.output
    assert "content/2022-05/open-map.yaml:2:11: error: YAML syntax error: this mapping is not closed: add '}'" \
        in checked.output
