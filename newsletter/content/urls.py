"""What the tool accepts as a link: an absolute URL with one of the allowed schemes.

Kept apart from :mod:`newsletter.content.fields`, which also reads raw documents and
the model: the command line checks ``--base-url`` without loading either.
"""

from __future__ import annotations

from urllib.parse import urlsplit

WEB_SCHEMES = ("http", "https")
LINK_SCHEMES = ("http", "https", "mailto")


def url_problem(url: str, schemes: tuple[str, ...]) -> str | None:
    """Explain why ``url`` is not an absolute URL with one of ``schemes``, or ``None``."""
    if url != url.strip() or any(ch.isspace() for ch in url):
        return f"URL '{url}' contains spaces"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - reading the port checks it
    except ValueError as error:  # an unclosed [ of an IPv6 host, a port that is not a number
        return f"URL '{url}' cannot be read: {error}"
    scheme = parts.scheme.lower()
    allowed = schemes[0] if len(schemes) == 1 else ", ".join(schemes[:-1]) + " or " + schemes[-1]
    if scheme not in schemes:
        kind = "is relative" if not scheme else f"uses the '{scheme}:' scheme"
        return f"URL '{url}' {kind}; expected an absolute {allowed} URL"
    if scheme == "mailto":
        return None if parts.path else f"URL '{url}' has no address"
    return None if parts.netloc else f"URL '{url}' has no host"
