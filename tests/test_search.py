"""Search: the index built with the site, and the search page run in a real browser."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from urllib.parse import quote

import pytest

from newsletter.content.markdown import words
from tests.conftest import MakeSite, chromium, entry, needs_chromium, run


def index_parts(output: Path) -> list[str]:
    """The parts of the search index, in the order the search page loads them."""
    page = (output / "search/index.html").read_text()
    scripts = re.findall(r'<script src="([^"]+)"></script>', page)
    assert scripts[-1] == "search.js"
    return [f"search/{name}" for name in scripts[:-1]]


def load_index(output: Path) -> list[list[str]]:
    """Every development of the search index, in the order the search page sees them."""
    docs: list[list[str]] = []
    prefix, suffix = "window.newsletterSearch = (window.newsletterSearch || []).concat(", ");\n"
    for part in index_parts(output):
        script = (output / part).read_text()
        assert script.startswith(prefix) and script.endswith(suffix)
        docs += json.loads(script.removeprefix(prefix).removesuffix(suffix))
    return docs


def test_words_split_latin_runs_and_chinese_into_characters_and_neighbouring_pairs() -> None:
    assert words("CBIRC fines a bank (2022); 个人信息 rules 网") == [
        "cbirc", "fines", "a", "bank", "2022", "个", "人", "信", "息", "个人", "人信", "信息", "rules", "网",
    ]
    assert words("data-export, naïve") == ["data", "export", "naïve"]


def test_index_lists_each_development_with_its_words(archive: Path) -> None:
    docs = load_index(archive)

    def having(word: str) -> set[str]:
        return {doc[0] for doc in docs if word in doc[4].split(" ")}

    assert having("pervasive") == {"issues/2022-03/bank-fine/"}  # a word of a body
    assert having("cbirc") == {"issues/2022-03/bank-fine/", "issues/2022-04/insurer-warning/"}
    assert not having("unfinished")  # drafts are not published, so not searchable
    assert len(docs) == 7
    assert having("enforcement") >= {"issues/2022-03/bank-fine/"}  # where it was filed is searchable too
    assert having("finance") == {"issues/2022-03/bank-fine/", "issues/2022-04/insurer-warning/"}


def test_index_is_cut_by_year_and_loaded_newest_first(make_site: MakeSite) -> None:
    root = make_site({
        "content/2023-01/issue.yaml": "date: 2023-01-15\n",
        "content/2023-01/late-2022.md": entry("Late", date="2022-12-20", body="Late.\n"),
        "content/2023-01/early-2023.md": entry("Early", date="2023-01-05", body="Early.\n"),
        "content/2022-12/issue.yaml": "date: 2022-12-15\n",
        "content/2022-12/december.md": entry("December", date="2022-12-01", body="Dec.\n"),
        "content/2022-12/newer.md": entry("Newer", date="2022-12-24", body="Newer.\n"),
    })
    assert run("build", cwd=root).exit_code == 0
    output = root / "output"
    assert index_parts(output) == ["search/2023.js", "search/2022.js"]
    # Newest first by the development's date, whatever issue it appeared in.
    titles = [doc[1] for doc in load_index(output)]
    assert titles == ["Early", "Newer", "Late", "December", "CAC publishes draft rules"]


QUERIES = {
    "pervasive": ["../issues/2022-03/bank-fine/"],  # a word found only in a body
    "INSURERS sales": ["../issues/2022-04/insurer-warning/"],  # every word must match
    "unsolicit": ["../issues/2022-04/insurer-warning/"],  # the start of a word
    "cross": ["../issues/2022-05/samr-standard/", "../issues/2022-03/export-rules/"],  # tags
    "个人": ["../issues/2022-04/app-campaign/"],
    "nothing-like-this": [],
}


@pytest.fixture(scope="module")
def browser_results(
    archive: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, dict[str, object]]:
    """Run the search page for every query in one browser: {query: {status, links}}."""
    return run_queries(archive, list(QUERIES), tmp_path_factory)


def run_queries(
    archive: Path, queries: list[str], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, dict[str, object]]:
    """Run the search page of the site in ``archive`` for each query, in one browser: {query: {status, links}}."""
    frames = "".join(
        f'<iframe src="search/index.html?q={quote(query)}" title="{quote(query)}"></iframe>'
        for query in queries
    )
    harness = archive / "search-harness.html"
    harness.write_text(f"""<!DOCTYPE html><html><body>{frames}<pre id="result"></pre><script>
window.addEventListener("load", function () {{
  var results = {{}};
  document.querySelectorAll("iframe").forEach(function (frame) {{
    var page = frame.contentDocument;
    results[decodeURIComponent(frame.title)] = {{
      status: page.getElementById("search-status").textContent,
      links: Array.from(page.querySelectorAll("#search-results a")).map(function (a) {{
        return a.getAttribute("href");
      }})
    }};
  }});
  document.getElementById("result").textContent = JSON.stringify(results);
}});
</script></body></html>""")
    try:
        dom = chromium(
            tmp_path_factory.mktemp("profile"), "--allow-file-access-from-files",
            "--virtual-time-budget=5000", "--dump-dom", harness.as_uri(),
        )
    finally:
        harness.unlink()
    found = dom.split('<pre id="result">', 1)[1].split("</pre>", 1)[0]
    results: dict[str, dict[str, object]] = json.loads(html.unescape(found))
    return results


@needs_chromium
@pytest.mark.parametrize("query", QUERIES)
def test_search_page_finds_developments_and_links_to_their_permalinks(
    archive: Path, browser_results: dict[str, dict[str, object]], query: str
) -> None:
    expected = QUERIES[query]
    result = browser_results[query]
    assert result["links"] == expected
    status = str(result["status"])
    start = f"{len(expected)} development" if expected else "No development matches"
    assert status.startswith(start)
    for link in expected:
        assert (archive / "search" / link / "index.html").resolve().is_file()


CHINESE = {
    "content/2022-05/security.md": entry("网络安全审查办法", "regulatory", "2022-05-03",
                                         body="关于网络安全审查的规定。\n"),
    "content/2022-05/trading.md": entry("网上交易规则", "regulatory", "2022-05-04", body="平台应当保持联络。\n"),
    "content/2022-05/network.md": entry("管理规定", "regulatory", "2022-05-05", body="数据处理者应当履行义务。\n"),
}
CHINESE_QUERIES = {
    "网络": ["../issues/2022-05/security/"],  # adjacent, in order
    "络网": [],  # the same characters reversed
    "网络安全": ["../issues/2022-05/security/"],
    "交易": ["../issues/2022-05/trading/"],
    "管网": [],  # characters of different words
    "据数": [],
    "网": ["../issues/2022-05/trading/", "../issues/2022-05/security/"],  # one character alone
    "联络": ["../issues/2022-05/trading/"],
}


@needs_chromium
def test_chinese_queries_match_only_neighbouring_characters_in_order(
    make_site: MakeSite, tmp_path_factory: pytest.TempPathFactory
) -> None:
    root = make_site(CHINESE)
    assert run("build", cwd=root).exit_code == 0
    results = run_queries(root / "output", list(CHINESE_QUERIES), tmp_path_factory)
    assert {query: result["links"] for query, result in results.items()} == CHINESE_QUERIES
