"""The smallest project builds every output kind."""

from pathlib import Path

from tests.conftest import MakeSite, run


def test_minimal_project_builds_every_output(make_site: MakeSite) -> None:
    root = make_site()
    result = run("build", cwd=root)
    assert result.exit_code == 0, result.output
    issue = root / "output/issues/2022-05"
    for name in ("index.html", "email.html", "email.txt", "email.eml"):
        assert (issue / name).is_file(), name
    assert "CAC publishes draft rules" in (issue / "index.html").read_text()
    assert (root / "output/feed.xml").read_bytes().startswith(b"<?xml")
    assert Path(root / "output/index.html").read_text().count("issues/2022-05/") >= 1
