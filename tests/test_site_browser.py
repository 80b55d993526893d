"""The site in a real browser (headless Chromium): phone layout and print."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader

from tests.conftest import chromium, needs_chromium

PHONE_WIDTH = 360
PAGES = [
    "index.html", "issues/2022-03/index.html", "issues/2022-03/export-rules/index.html",
    "authorities/index.html", "authorities/cbirc/index.html", "search/index.html", "404.html",
]


@needs_chromium
def test_pages_fit_a_phone_screen(archive: Path, tmp_path: Path) -> None:
    # Each page in a phone-wide frame; the harness writes down any page wider than its frame.
    frames = "".join(
        f'<iframe src="{page}" width="{PHONE_WIDTH}" height="600"></iframe>' for page in PAGES
    )
    harness = archive / "phone-harness.html"
    harness.write_text(f"""<!DOCTYPE html><html><body>{frames}<pre id="result">pending</pre><script>
window.addEventListener("load", function () {{
  var wide = [];
  document.querySelectorAll("iframe").forEach(function (frame) {{
    var root = frame.contentDocument.documentElement;
    var src = frame.getAttribute("src");
    if (root.scrollWidth > root.clientWidth) {{ wide.push(src + ": " + root.scrollWidth); }}
    if (!frame.contentDocument.querySelector("main h1")) {{ wide.push(src + ": not loaded"); }}
  }});
  document.getElementById("result").textContent = "wide: " + wide.join(", ");
}});
</script></body></html>""")
    try:
        dom = chromium(
            tmp_path / "profile", "--allow-file-access-from-files", "--virtual-time-budget=5000",
            "--dump-dom", harness.as_uri(),
        )
    finally:
        harness.unlink()
    assert '<pre id="result">wide: </pre>' in dom


@needs_chromium
def test_printed_page_has_no_navigation_and_shows_link_addresses(
    archive: Path, tmp_path: Path
) -> None:
    pdf = tmp_path / "issue.pdf"
    chromium(
        tmp_path / "profile", "--no-pdf-header-footer", f"--print-to-pdf={pdf}",
        (archive / "issues/2022-03/index.html").as_uri(),
    )
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(pdf).pages).split())
    assert "CAC finalises the security assessment measures" in text
    for navigation in ("Skip to content", "Authorities", "RSS feed", "Follow the archive"):
        assert navigation not in text
    assert "Measures (Chinese) <https://www.example.gov.cn/m.html>" in text
