"""A deterministic synthetic archive: N developments in monthly issues of 25.

The same seed always gives the same files. Bodies read like the real thing
(80-200 words, a list, links, emphasis), every section is used (``views``
entries link to an article), entries carry one to three of 40 tags and one
or two of 20 configured authorities, and a few entries per issue have a
highlight. The corpus is kept as plain values so the same archive can be
written as a newsletter project and as an equivalent Hugo site.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass
from pathlib import Path

PER_ISSUE = 25
LAST_ISSUE = (2024, 12)

AUTHORITIES = {
    "CAC": "Cyberspace Administration of China",
    "MIIT": "Ministry of Industry and Information Technology",
    "SAMR": "State Administration for Market Regulation",
    "CBIRC": "China Banking and Insurance Regulatory Commission",
    "PBOC": "People's Bank of China",
    "MPS": "Ministry of Public Security",
    "TC260": "National Information Security Standardization Technical Committee",
    "SPC": "Supreme People's Court",
    "SPP": "Supreme People's Procuratorate",
    "NPCSC": "Standing Committee of the National People's Congress",
    "CSRC": "China Securities Regulatory Commission",
    "MOFCOM": "Ministry of Commerce",
    "NHC": "National Health Commission",
    "MOT": "Ministry of Transport",
    "NDRC": "National Development and Reform Commission",
    "SAFE": "State Administration of Foreign Exchange",
    "NFRA": "National Financial Regulatory Administration",
    "GACC": "General Administration of Customs",
    "MOE": "Ministry of Education",
    "MNR": "Ministry of Natural Resources",
}

TAGS = (
    "personal-information", "data-export", "cybersecurity-review", "critical-infrastructure",
    "data-classification", "important-data", "cross-border-transfer", "standard-contract",
    "certification", "security-assessment", "algorithms", "recommendation-systems",
    "deep-synthesis", "generative-ai", "facial-recognition", "biometrics", "children",
    "health-data", "financial-data", "automotive-data", "mapping-data", "cloud-services",
    "app-governance", "mini-programs", "cookies", "marketing", "employee-data",
    "data-breach", "incident-reporting", "vulnerabilities", "encryption", "export-control",
    "sanctions", "antitrust", "platforms", "e-commerce", "public-data", "data-exchanges",
    "litigation", "enforcement-campaign",
)

SECTIONS = (
    ("views", "Our Views", 2),
    ("regulatory", "Regulatory Developments", 10),
    ("enforcement", "Enforcement Developments", 7),
    ("industry", "Industry Developments", 6),
)

_SUBJECTS = (
    "personal information protection", "outbound data transfers", "network data security",
    "critical information infrastructure", "algorithmic recommendation services",
    "generative artificial intelligence", "facial recognition technology",
    "minors' online protection", "automotive data processing", "financial data security",
    "health and medical data", "cloud computing services", "mobile app governance",
    "data security certification", "public data authorisation", "data trading platforms",
    "cybersecurity incident reporting", "security vulnerability disclosure",
    "commercial cryptography", "online platform competition",
)
_ACTIONS = (
    "publishes draft measures on", "finalises rules on", "issues guidelines on",
    "launches a campaign on", "consults on a national standard for", "fines a company over",
    "clarifies the scope of", "releases typical cases on", "announces inspections of",
    "updates its Q&A on",
)
_WORDS = (
    "the", "measures", "require", "operators", "to", "assess", "risks", "before", "processing",
    "sensitive", "data", "and", "notify", "individuals", "within", "a", "reasonable", "period",
    "regulator", "said", "that", "companies", "should", "review", "their", "contracts", "with",
    "overseas", "recipients", "while", "local", "authorities", "will", "coordinate", "checks",
    "on", "large", "platforms", "penalties", "may", "reach", "five", "percent", "of",
    "annual", "turnover", "for", "serious", "violations", "including", "failure", "obtain",
    "separate", "consent", "or", "keep", "records", "in", "line", "requirements", "draft",
    "comment", "period", "closes", "next", "month", "industry", "groups", "asked", "clearer",
    "thresholds", "transition", "filing", "procedures", "security", "assessment", "results",
    "valid", "two", "years", "after", "approval", "unless", "purpose", "scope", "changes",
)
_EMPHASIS = (
    "*separate consent*", "**within 30 working days**", "*important data*",
    "**one million individuals**", "*standard contract*", "**administrative fine**",
    "*security assessment*", "**effective immediately**", "*legitimate interests*",
)
_HOSTS = (
    "www.cac.gov.cn", "www.miit.gov.cn", "www.samr.gov.cn", "www.npc.gov.cn", "www.pbc.gov.cn",
)


@dataclass(frozen=True)
class Entry:
    """One synthetic development."""

    slug: str
    title: str
    section: str
    date: str
    authorities: tuple[str, ...]
    tags: tuple[str, ...]
    body: str
    url: str | None
    highlight: str | None
    sources: tuple[tuple[str, str], ...]
    as_yaml: bool


@dataclass(frozen=True)
class Issue:
    """One synthetic monthly issue."""

    id: str
    date: str
    summary: str
    intro: str
    entries: tuple[Entry, ...]


def make_corpus(count: int, seed: int = 7) -> list[Issue]:
    """Generate ``count`` developments in monthly issues of 25, newest issue in December 2024."""
    rng = random.Random(seed)
    issues = []
    months = -(-count // PER_ISSUE)
    for index in range(months):
        year, month = _month_before(LAST_ISSUE, months - 1 - index)
        size = min(PER_ISSUE, count - index * PER_ISSUE)
        issues.append(_issue(rng, year, month, size))
    return issues


def _month_before(last: tuple[int, int], back: int) -> tuple[int, int]:
    total = last[0] * 12 + (last[1] - 1) - back
    return total // 12, total % 12 + 1


def _issue(rng: random.Random, year: int, month: int, size: int) -> Issue:
    issue_id = f"{year:04d}-{month:02d}"
    sections = [name for name, _, share in SECTIONS for _ in range(share)][:size]
    highlighted = set(rng.sample(range(size), min(3, size)))
    entries = []
    used: set[str] = set()
    for index, section in enumerate(sections):
        entries.append(_entry(rng, year, month, section, index in highlighted, used))
    return Issue(
        id=issue_id,
        date=f"{issue_id}-15",
        summary=f"{_sentence(rng, 6, 10)} and {len(entries) - 1} more developments.",
        intro=_paragraph(rng, 40, 70, links=1),
        entries=tuple(entries),
    )


def _entry(
    rng: random.Random, year: int, month: int, section: str, highlighted: bool, used: set[str]
) -> Entry:
    authorities = tuple(rng.sample(sorted(AUTHORITIES), rng.choice((1, 1, 1, 2))))
    subject = rng.choice(_SUBJECTS)
    title = f"{authorities[0]} {rng.choice(_ACTIONS)} {subject}"
    slug = _unique("-".join(re.findall(r"[a-z0-9]+", title.lower())[:7]), used)
    views = section == "views"
    return Entry(
        slug=slug,
        title=title if not views else f"Our view: what the new rules on {subject} mean",
        section=section,
        date=f"{year:04d}-{month:02d}-{rng.randint(1, 28):02d}",
        authorities=authorities,
        tags=tuple(rng.sample(TAGS, rng.randint(1, 3))),
        body=_body(rng),
        url=f"https://insights.example.com/{year}/{slug}" if views else None,
        highlight=f"{_sentence(rng, 12, 22)} ({rng.choice(_EMPHASIS)})." if highlighted else None,
        # Regulatory and enforcement items cite at least one source, each URL cited once, as
        # the tool asks of real content, so the build prints no warnings.
        sources=tuple(
            (f"{authorities[0]} notice {rng.randint(1, 90)}",
             f"https://{rng.choice(_HOSTS)}/{year}-{month:02d}/{slug}-{number}.htm")
            for number in range(rng.randint(1 if section in ("regulatory", "enforcement") else 0, 2))
        ),
        as_yaml=rng.random() < 0.1,
    )


def _unique(slug: str, used: set[str]) -> str:
    candidate, number = slug, 2
    while candidate in used:
        candidate, number = f"{slug}-{number}", number + 1
    used.add(candidate)
    return candidate


def _sentence(rng: random.Random, low: int, high: int) -> str:
    words = [rng.choice(_WORDS) for _ in range(rng.randint(low, high))]
    return " ".join(words).capitalize()


def _paragraph(rng: random.Random, low: int, high: int, links: int) -> str:
    words = [rng.choice(_WORDS) for _ in range(rng.randint(low, high))]
    words[rng.randrange(len(words))] = rng.choice(_EMPHASIS)
    for _ in range(links):
        at = rng.randrange(len(words))
        url = f"https://{rng.choice(_HOSTS)}/{rng.randint(100, 999)}.htm"
        words[at] = f"[{words[at]} notice]({url})"
    text = " ".join(words)
    return text[0].upper() + text[1:] + "."


def _body(rng: random.Random) -> str:
    """80-200 words: a paragraph, a list, a closing paragraph."""
    opening = _paragraph(rng, 40, 75, links=rng.randint(1, 2))
    marker = rng.choice(("-", "1."))
    items = "\n".join(
        f"{marker} {_sentence(rng, 6, 12)}{rng.choice(('', ' (' + rng.choice(_EMPHASIS) + ')'))};"
        for _ in range(rng.randint(3, 5))
    )
    closing = _paragraph(rng, 20, 55, links=rng.randint(0, 1))
    return f"{opening}\n\nThe main points:\n\n{items}\n\n{closing}\n"


def write_project(issues: list[Issue], root: Path) -> None:
    """Write the corpus as a newsletter project at ``root``."""
    (root / "content").mkdir(parents=True, exist_ok=True)
    (root / "newsletter.yaml").write_text(_config(), encoding="utf-8")
    for issue in issues:
        folder = root / "content" / issue.id
        folder.mkdir(exist_ok=True)
        (folder / "issue.yaml").write_text(
            f"date: {issue.date}\nsummary: {_q(issue.summary)}\nintro: {_q(issue.intro)}\n",
            encoding="utf-8",
        )
        for entry in issue.entries:
            name = f"{entry.slug}.{'yaml' if entry.as_yaml else 'md'}"
            (folder / name).write_text(entry_file(entry), encoding="utf-8")


def _config() -> str:
    sections = "".join(
        f"  - id: {name}\n    title: {title}\n"
        + ("    numbered: false\n" if name == "views" else "")
        for name, title, _ in SECTIONS
    )
    authorities = "".join(f"  {short}: {_q(name)}\n" for short, name in AUTHORITIES.items())
    return (
        "title: China Cybersecurity and Data Protection\n"
        "base_url: https://newsletter.example.com/\n"
        "description: Monthly developments in Chinese cybersecurity, data and privacy law.\n"
        "timezone: Asia/Shanghai\n"
        "email:\n"
        "  from: \"Data Team <updates@newsletter.example.com>\"\n"
        "  unsubscribe_url: https://newsletter.example.com/unsubscribe\n"
        f"sections:\n{sections}authorities:\n{authorities}"
    )


def entry_file(entry: Entry) -> str:
    """The file an editor would write for ``entry``: Markdown with front matter, or YAML."""
    lines = [
        f"title: {_q(entry.title)}",
        f"section: {entry.section}",
        f"date: {entry.date}",
        f"authority: [{', '.join(entry.authorities)}]",
        f"tags: [{', '.join(entry.tags)}]",
    ]
    if entry.url:
        lines.append(f"url: {entry.url}")
    if entry.highlight:
        lines.append(f"highlight: {_q(entry.highlight)}")
    if entry.sources:
        lines.append("sources:")
        lines += [f"  - title: {_q(title)}\n    url: {url}" for title, url in entry.sources]
    front = "\n".join(lines) + "\n"
    if entry.as_yaml:
        body = "".join(f"  {line}\n" if line else "\n" for line in entry.body.splitlines())
        return f"{front}body: |\n{body}"
    return f"---\n{front}---\n{entry.body}"


def _q(text: str) -> str:
    """Quote a one-line value for YAML (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)
