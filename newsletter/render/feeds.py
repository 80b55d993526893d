"""Feeds of the archive: RSS 2.0 with one item per issue (full issue in ``content:encoded``).

Every date comes from the content (issue dates), never from the clock, so
rebuilding unchanged content gives identical bytes.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import jinja2
from feedgen.feed import FeedGenerator

from newsletter import __version__
from newsletter.model import Issue, Newsletter

Files = dict[str, bytes]


def render_feeds(newsletter: Newsletter, env: jinja2.Environment) -> Files:
    """Render ``feed.xml``."""
    config = newsletter.config
    zone = ZoneInfo(config.timezone)
    issues = newsletter.issues[: config.feed_limit]
    feed = FeedGenerator()
    feed.title(config.title)
    feed.id(config.base_url)
    feed.link(href=config.base_url + "feed.xml", rel="self", type="application/rss+xml")
    feed.link(href=config.base_url, rel="alternate")
    feed.description(config.description or config.title)
    feed.language(config.language)
    feed.generator("newsletter", __version__)
    feed.lastBuildDate(_published(issues[0], zone) if issues else dt.datetime(1970, 1, 1, tzinfo=dt.UTC))
    template = env.get_template("feed_content.html")
    for issue in issues:
        url = config.base_url + issue.path
        item = feed.add_entry(order="append")
        item.id(url)
        item.guid(url, permalink=True)
        item.title(issue.title)
        item.link(href=url)
        item.published(_published(issue, zone))
        item.description(issue.summary or issue.title)
        item.content(template.render(site=config, issue=issue, web_url=url), type="CDATA")
    return {"feed.xml": feed.rss_str(pretty=True)}


def _published(issue: Issue, zone: ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(issue.date, dt.time(8, 0), tzinfo=zone)
