"""Mailing services' per-reader placeholders (merge tags), recognised so they reach the email verbatim.

Pure and dependency-free, so both the settings (which accept them) and the
email edition (which decides from them whether a link names its reader) can
use it.
"""

from __future__ import annotations

import re

MERGE_TAG = re.compile(
    r"\*\|[A-Za-z0-9_:]+\|\*"  # Mailchimp: *|UNSUB|*
    r"|\{\{\{?[\w .:-]+\}?\}\}"  # listmonk, Brevo, HubSpot, Postmark: {{ UnsubscribeURL }}
    r"|<%[A-Za-z0-9_]+%>"  # SendGrid: <%asm_group_unsubscribe_raw_url%>
    r"|%[A-Za-z0-9_.]+%"  # Mailgun: %unsubscribe_url%
    r"|\[\[?[A-Za-z0-9_]+\]?\]"  # Campaign Monitor [unsubscribe], Mailjet [[UNSUB_LINK_EN]]
)
"""Placeholders that mailing services replace per recipient; they reach the email verbatim."""


def is_merge_tag(value: str) -> bool:
    """Whether ``value`` is a single mailing-service placeholder such as ``*|UNSUB|*``."""
    return MERGE_TAG.fullmatch(value) is not None


def has_merge_tag(value: str) -> bool:
    """Whether ``value`` holds a mailing-service placeholder anywhere, as in ``https://x.org/?id=*|UNIQID|*``."""
    return MERGE_TAG.search(value) is not None
