"""The same corpus as a Hugo site: a page per item, tag pages, a page per issue, RSS.

Items are regular pages; ``tags`` and ``issues`` are taxonomies, so Hugo
makes a page for every tag and every issue (the issue page shows the issue's
introduction and every item in full, like the newsletter's issue page). Only
the home page has an RSS feed, limited to 50 items like the newsletter's.
Layouts are minimal: the point is to time Hugo's pipeline, not its themes.
"""

from __future__ import annotations

import json
from pathlib import Path

from corpus import AUTHORITIES, Issue

_CONFIG = """\
baseURL = "https://newsletter.example.com/"
title = "China Cybersecurity and Data Protection"
languageCode = "en"
disableKinds = ["sitemap", "robotsTXT", "404"]
rssLimit = 50

[taxonomies]
tag = "tags"
issue = "issues"

[outputs]
home = ["HTML", "RSS"]
section = ["HTML"]
taxonomy = ["HTML"]
term = ["HTML"]

[markup.goldmark.extensions]
typographer = true
"""

_LAYOUTS = {
    "_default/baseof.html": """\
<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>{{ .Title }} · {{ .Site.Title }}</title>
<link rel="alternate" type="application/rss+xml" href="{{ "index.xml" | absURL }}"></head>
<body><header><a href="{{ "/" | relURL }}">{{ .Site.Title }}</a></header>
<main>{{ block "main" . }}{{ end }}</main></body>
</html>
""",
    "_default/single.html": """\
{{ define "main" }}<article><h1>{{ .Title }}</h1>
<p><time>{{ .Date.Format "2 January 2006" }}</time> · {{ delimit .Params.authorities "; " }}</p>
{{ .Content }}
<ul>{{ range .GetTerms "tags" }}
<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul>
</article>{{ end }}
""",
    "_default/list.html": """\
{{ define "main" }}<h1>{{ .Title }}</h1>
<ul>{{ range .Pages }}
<li><a href="{{ .RelPermalink }}">{{ .Title }}</a>
{{ .Date.Format "2006-01-02" }}</li>{{ end }}</ul>
{{ end }}
""",
    "issues/term.html": """\
{{ define "main" }}<h1>{{ .Title }}</h1>
{{ .Content }}
{{ range .Pages.ByWeight }}<article id="{{ .File.ContentBaseName }}"><h2>{{ .Title }}</h2>
<p><time>{{ .Date.Format "2 January 2006" }}</time></p>
{{ .Content }}</article>{{ end }}
{{ end }}
""",
}


def write_hugo_site(issues: list[Issue], root: Path) -> None:
    """Write ``issues`` as a Hugo site at ``root``."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "config.toml").write_text(_CONFIG, encoding="utf-8")
    for relative, text in _LAYOUTS.items():
        path = root / "layouts" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    items = root / "content" / "items"
    items.mkdir(parents=True, exist_ok=True)
    for issue in issues:
        term = root / "content" / "issues" / issue.id
        term.mkdir(parents=True, exist_ok=True)
        about = _front({"title": issue.id, "date": issue.date, "summary": issue.summary})
        (term / "_index.md").write_text(about + issue.intro + "\n", encoding="utf-8")
        for weight, entry in enumerate(issue.entries, 1):
            front = {
                "title": entry.title,
                "date": entry.date,
                "weight": weight,
                "tags": list(entry.tags),
                "issues": [issue.id],
                "authorities": [AUTHORITIES[short] for short in entry.authorities],
            }
            (items / f"{issue.id}-{entry.slug}.md").write_text(
                _front(front) + entry.body, encoding="utf-8"
            )


def _front(values: dict[str, object]) -> str:
    """YAML front matter (JSON values are valid YAML)."""
    lines = "".join(
        f"{key}: {json.dumps(value, ensure_ascii=False)}\n" for key, value in values.items()
    )
    return f"---\n{lines}---\n"
