"""A small issue that exercises the email edition.

It has Chinese text, repeated and long links, every section, a table, nested lists,
and characters that HTML must escape.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from tests.conftest import Files, MakeSite, built

ISSUE = "content/2022-05"

CONFIG = textwrap.dedent("""\
    title: China Cyber & Data Update
    base_url: https://news.example.org/
    description: Monthly developments in Chinese cybersecurity and data protection law.
    email:
      from: "China Cyber Team <team@news.example.org>"
      unsubscribe_url: https://news.example.org/unsubscribe
    authorities:
      CAC: Cyberspace Administration of China
      MIIT: Ministry of Industry and Information Technology
    """)

FILES: Files = {
    "newsletter.yaml": CONFIG,
    f"{ISSUE}/issue.yaml": """\
        date: 2022-05-15
        title: 数据安全 Update — May 2022
        summary: Draft rules on network data, a new enforcement campaign.
        intro: |
          Welcome to the May issue. The [CAC](http://www.cac.gov.cn/) was busy.
        """,
    f"{ISSUE}/views.md": """\
        ---
        title: Why the draft network data rules matter
        section: views
        date: 2022-05-12
        url: https://news.example.org/articles/network-data-rules
        ---
        Our take on what changes for multinationals.
        """,
    f"{ISSUE}/network-data.md": """\
        ---
        title: CAC releases the draft 网络数据安全管理条例
        section: regulatory
        date: 2022-05-10
        authority: CAC
        highlight: The CAC published *draft* rules on network data security.
        sources:
          - title: 原文 (Chinese)
            url: http://www.cac.gov.cn/2021-11/14/c_1638501991577898.htm
        ---
        The [draft regulations](https://example.org/draft?lang=en&v=2) follow the
        [Data Security Law](https://example.org/dsl). Comments close in June; see the
        [draft regulations](https://example.org/draft?lang=en&v=2) for the timetable.

        中华人民共和国数据安全法是一部很重要的法律，它规定了数据处理者的义务和责任，以及监管机构的职权和程序。企业应当建立健全全流程数据安全管理制度，组织开展数据安全教育培训。

        1. Important data catalogues
            - by sector
            - by region
        2. Cross-border transfers
        """,
    f"{ISSUE}/apps.md": """\
        ---
        title: MIIT names 107 apps for illegal data collection
        section: enforcement
        date: 2022-05-08
        authority: MIIT
        highlight: MIIT named 107 apps in its latest campaign.
        sources:
          - title: MIIT notice
            url: https://example.org/miit/notice
        ---
        The list is at <https://example.org/miit/list>, and the full notice is at
        https://example.org/miit/notices/2022/notice_on_the_special_rectification_of_apps_infringing_user_rights_batch_five

        | App | Problem |
        |-----|---------|
        | Alpha | Collects location |
        | 贝塔 | 超范围收集个人信息 |

        > Operators must fix the issues within 15 working days.
        """,
    f"{ISSUE}/standards.md": """\
        ---
        title: "Standards body: <draft> guidelines for R&D data"
        section: industry
        date: 2022-05-03
        ---
        TC260 asks for comments on guidelines for "R&D" data & samples — see
        [the call](https://example.org/tc260?x=1&y=2).
        """,
    "content/2022-05/draft-rules.md": None,
}


def build_email_site(make_site: MakeSite, files: Files | None = None) -> Path:
    """Build the project above (with ``files`` on top) and return its issue output folder."""
    root = make_site({**FILES, **(files or {})})
    built(root)
    return root / "output/issues/2022-05"
