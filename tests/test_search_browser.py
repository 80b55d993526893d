"""The search page in headless Chromium, opened from disk and over HTTP.

Every case is the search page in a frame of one harness page, opened with a
query in its address (and optionally typed into afterwards); the harness
waits until each page says it is done, then writes down what it shows.
"""

from __future__ import annotations

import functools
import html
import json
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from bench.corpus import make_corpus, write_project
from tests.conftest import MakeSite, built, chromium, entry, needs_chromium, write_files

pytestmark = needs_chromium

HARNESS = """<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>%(frames)s
<pre id="result">pending</pre><script>
var typed = %(typed)s;
function done(frame) {
  var page = frame.contentDocument;
  return page && page.querySelector("form[data-state=done]");
}
function all(page, selector) {
  return Array.from(page.querySelectorAll(selector));
}
function report() {
  var results = {};
  document.querySelectorAll("iframe").forEach(function (frame) {
    var page = frame.contentDocument;
    results[frame.title] = {
      status: page.getElementById("search-status").textContent,
      links: all(page, "#search-results h2 a").map(function (a) { return a.getAttribute("href"); }),
      titles: all(page, "#search-results h2").map(function (h) { return h.innerHTML; }),
      snippets: all(page, "#search-results .search-snippet").map(function (p) { return p.innerHTML; }),
      query: page.getElementById("search-query").value,
      address: frame.contentWindow.location.search,
      options: all(page, "select option").map(function (o) { return o.value; }),
      scripts: all(page, "script[src]").map(function (s) { return s.getAttribute("src"); }),
      editions: all(page, ".language-switch a").map(function (a) { return a.getAttribute("href"); })
    };
  });
  document.getElementById("result").textContent = JSON.stringify(results);
}
function wait() {
  var frames = Array.from(document.querySelectorAll("iframe"));
  if (!frames.every(done)) { setTimeout(wait, 10); return; }
  var pending = frames.filter(function (frame) { return typed[frame.title] !== undefined; });
  if (!pending.length) { report(); return; }
  pending.forEach(function (frame) {
    var input = frame.contentDocument.getElementById("search-query");
    input.value = typed[frame.title];
    delete typed[frame.title];
    input.dispatchEvent(new Event("input"));
  });
  setTimeout(wait, 10);
}
window.addEventListener("load", wait);
</script></body></html>
"""


@pytest.fixture(scope="module")
def http_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """A folder served over HTTP, and its address."""
    folder = tmp_path_factory.mktemp("served")

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield folder, f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(params=["file", "http"])
def origin(request: pytest.FixtureRequest) -> str:
    """Where the search page is opened from: disk or an HTTP server."""
    return str(request.param)


def search_pages(
    output: Path, cases: dict[str, str], profile: Path, *, typed: dict[str, str] | None = None,
    served: tuple[Path, str] | None = None,
) -> dict[str, dict[str, Any]]:
    """Open ``search/index.html?<address>`` for each case; type ``typed[case]`` afterwards; return what shows."""
    frames = "".join(
        f'<iframe src="search/index.html{html.escape(address)}" title="{html.escape(name)}"></iframe>'
        for name, address in cases.items()
    )
    page = HARNESS % {"frames": frames, "typed": json.dumps(typed or {})}
    if served is None:
        harness = output / "search-harness.html"
        address = harness.as_uri()
    else:
        folder, base = served
        for stale in folder.iterdir():
            if stale.is_symlink():
                stale.unlink()
        (folder / output.name).symlink_to(output)
        harness = output / "search-harness.html"
        address = f"{base}{output.name}/search-harness.html"
    harness.write_text(page, encoding="utf-8")
    try:
        dom = chromium(profile, "--allow-file-access-from-files", "--virtual-time-budget=20000", "--dump-dom", address)
    finally:
        harness.unlink()
    found = dom.split('<pre id="result">', 1)[1].split("</pre>", 1)[0]
    assert found != "pending", "the search pages did not finish"
    results: dict[str, dict[str, Any]] = json.loads(html.unescape(found))
    return results


def queries(*texts: str) -> dict[str, str]:
    """Cases that open the search page with each text as its query."""
    return {text: f"?q={quote(text)}" for text in texts}


def links(results: dict[str, dict[str, Any]]) -> dict[str, list[str]]:
    """The result links of each case."""
    return {name: result["links"] for name, result in results.items()}


# --- Chinese ---------------------------------------------------------------------------------

CHINESE = {
    "content/2022-05/security.md": entry("网络安全审查办法", "regulatory", "2022-05-03",
                                         body="关于网络安全审查的规定。\n"),
    "content/2022-05/trading.md": entry("网上交易规则", "regulatory", "2022-05-04", body="平台应当保持联络。\n"),
    "content/2022-05/network.md": entry("管理规定", "regulatory", "2022-05-05", body="数据处理者应当履行义务。\n"),
}
CHINESE_QUERIES = {
    "网络": ["../issues/2022-05/security/"],  # adjacent, in order; not 网上交易 … 联络
    "络网": [],  # the same characters reversed
    "网络安全": ["../issues/2022-05/security/"],
    "交易": ["../issues/2022-05/trading/"],
    "管网": [],  # characters of different words
    "据数": [],
    "网": ["../issues/2022-05/trading/", "../issues/2022-05/security/"],  # one character alone
    "联络": ["../issues/2022-05/trading/"],
}


def test_chinese_queries_match_only_neighbouring_characters_in_order(
    make_site: MakeSite, tmp_path: Path, origin: str, http_server: tuple[Path, str]
) -> None:
    root = make_site(CHINESE)
    built(root)
    results = search_pages(root / "output", queries(*CHINESE_QUERIES), tmp_path / "profile",
                           served=http_server if origin == "http" else None)
    assert links(results) == CHINESE_QUERIES
    assert "<mark>网络</mark>" in results["网络"]["snippets"][0]


# --- English ---------------------------------------------------------------------------------

ENGLISH: dict[str, str | None] = {
    "content/2022-05/draft-rules.md": None,
    "content/2022-05/penalty.md": entry("Regulator acts", date="2022-05-02",
                                        body="The regulator imposed a penalty on the firm.\n"),
    "content/2022-05/fined.md": entry("Company sanctioned", "enforcement", "2022-05-03",
                                      body="The company was fined heavily for its breach.\n"),
    "content/2022-05/adjacent.md": entry("Transfer rules", date="2022-05-04",
                                         body="New rules on data export to other countries.\n", authority="CAC"),
    "content/2022-05/apart.md": entry("Other rules", "enforcement", "2022-05-06",
                                      body="The export of personal data needs consent.\n", authority="MIIT"),
    "content/2022-05/titled.md": entry("Encryption guidance", date="2022-05-01", body="Guidance for companies.\n"),
    "content/2022-05/mentioned.md": entry("Cloud providers", date="2022-05-07",
                                          body="Cloud providers must use encryption at rest.\n"),
    "content/2022-05/hostile.md": entry("'<script>window.hostile = 1</script> <b>bold</b> encryption'",
                                        date="2022-04-02", body="Tricky <em>markup</em> & encryption.\n"),
}


@pytest.fixture(scope="module")
def english(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small archive for stems, phrases, ranking and filters; its output folder."""
    from tests.conftest import MINIMAL_PROJECT

    root = write_files(tmp_path_factory.mktemp("english") / "site", {**MINIMAL_PROJECT, **ENGLISH})
    built(root)
    return root / "output"


def test_stems_phrases_ranking_snippets_and_filters(
    english: Path, tmp_path: Path, origin: str, http_server: tuple[Path, str]
) -> None:
    cases = {
        **queries("penalties", "fines", '"data export"', "data export", '"export data"', "encryption"),
        "filtered": "?q=rules&section=enforcement",
        "authority": "?q=rules&authority=CAC",
        "year": "?q=encryption&year=2022",
        "only filters": "?section=enforcement",
        "typed": "?q=penalties",
    }
    results = search_pages(english, cases, tmp_path / "profile", typed={"typed": "fines"},
                           served=http_server if origin == "http" else None)
    found = links(results)
    assert found["penalties"] == ["../issues/2022-05/penalty/"]  # "penalty"
    assert found["fines"] == ["../issues/2022-05/fined/"]  # "fined"
    assert found['"data export"'] == ["../issues/2022-05/adjacent/"]  # only side by side, in order
    assert found['"export data"'] == []
    # Unquoted, both match, but the words side by side rank above the newer one with them apart.
    assert found["data export"] == ["../issues/2022-05/adjacent/", "../issues/2022-05/apart/"]
    # A title match first, though newer developments mention the word; then newest first.
    assert found["encryption"][0] == "../issues/2022-05/titled/"
    assert found["encryption"][1:] == ["../issues/2022-05/hostile/", "../issues/2022-05/mentioned/"]
    assert found["filtered"] == ["../issues/2022-05/apart/"]
    assert found["authority"] == ["../issues/2022-05/adjacent/"]
    assert found["year"] == found["encryption"]
    assert found["only filters"] == ["../issues/2022-05/apart/", "../issues/2022-05/fined/"]
    assert results["only filters"]["status"].startswith("Developments found: 2")
    assert results["fines"]["status"] == "1 development matches “fines”."
    assert results["encryption"]["status"] == "3 developments match “encryption”, best matches first."
    # The query and filters fill the form, and the address follows what is typed.
    assert results["filtered"]["query"] == "rules"
    assert {"enforcement", "regulatory", "CAC", "MIIT", "2022"} <= set(results["filtered"]["options"])
    assert results["typed"]["query"] == "fines" and results["typed"]["address"] == "?q=fines"
    assert found["typed"] == found["fines"]
    # Matches are marked; text from the index is shown as text, never run as markup.
    assert results["penalties"]["snippets"] == ["The regulator imposed a <mark>penalty</mark> on the firm."]
    hostile = results["encryption"]["titles"][1]
    assert "&lt;script&gt;" in hostile and "<script" not in hostile and "<b>" not in hostile
    assert "<mark>encryption</mark>" in hostile


# --- What a query loads -------------------------------------------------------------------------

BUDGET = 1_500_000
"""Bytes a query on 10,000 developments may load."""

ARCHIVE_SIZE = 500


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The benchmark's synthetic archive, at 500 developments; its output folder."""
    root = tmp_path_factory.mktemp("generated")
    write_project(make_corpus(ARCHIVE_SIZE), root)
    built(root, "-q")
    return root / "output"


def test_a_query_loads_its_words_and_the_results_it_shows_not_the_index(generated: Path, tmp_path: Path) -> None:
    search = generated / "search"
    index = sum(path.stat().st_size for folder in ("w", "p", "c") for path in (search / folder).glob("*.js"))
    cases = queries("penalties", '"security assessment"', "data", "网络", "vulnerability disclosure")
    results = search_pages(generated, cases, tmp_path / "profile")
    for name, result in results.items():
        loaded = [src for src in result["scripts"] if src not in ("../search/stem.js", "../search/search.js")]
        sizes = {src: (search / src.removeprefix("../search/")).stat().st_size for src in loaded}
        words = sum(size for src, size in sizes.items() if "/d/" not in src)
        docs = [src for src in sizes if "/d/" in src]
        # The words' part grows with the archive, the developments shown do not: one page of 20 at most.
        assert words <= BUDGET * ARCHIVE_SIZE / 10_000, (name, sizes)
        assert len(docs) <= 20, name
        assert words < index / 4, (name, sizes)  # a query leaves most of the words alone
    assert links(results)["data"]  # a common word finds developments
    assert len(links(results)["data"]) == 20  # one page at a time


# --- Editions ----------------------------------------------------------------------------------


def test_each_edition_searches_its_own_developments_and_the_switcher_keeps_the_query(
    tmp_path: Path, origin: str, http_server: tuple[Path, str]
) -> None:
    from urllib.parse import unquote

    from tests.test_editions import PROJECT

    root = write_files(tmp_path / "site", PROJECT)
    built(root)
    served = http_server if origin == "http" else None
    chinese = search_pages(root / "output/zh", queries("数据出境", "penalty"), tmp_path / "profile", served=served)
    assert chinese["数据出境"]["links"] == ["../issues/2022-05/draft-rules/"]
    [switch] = chinese["数据出境"]["editions"]
    assert switch.startswith("../../search/?q=") and unquote(switch.split("q=")[1]) == "数据出境"
    english = search_pages(root / "output", queries("data export"), tmp_path / "profile", served=served)
    assert english["data export"]["links"] == ["../issues/2022-05/draft-rules/"]
    assert english["data export"]["editions"] == ["../zh/search/?q=data+export"]
