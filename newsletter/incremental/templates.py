"""Template work kept in the build cache: compiled templates, and what each template reads.

Parsing and compiling templates costs more than a rebuild may spend; both
results depend only on a template's source and the tool, so both are kept
under a digest of these.
"""

from __future__ import annotations

import jinja2
import jinja2.bccache

from newsletter.incremental.cache import Cache, digest, tool_fingerprint
from newsletter.render.jobs import TemplateFacts, TemplateNames


class TemplateBytecode(jinja2.BytecodeCache):
    """Compiled templates, kept in the build cache with its checksums and keys."""

    def __init__(self, cache: Cache):
        self.cache = cache

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        """Fill ``bucket`` from the cache if its template was compiled before."""
        data = self.cache.get("templates", self._key(bucket), bytes)
        if data is not None:
            bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        """Keep a freshly compiled template."""
        self.cache.put("templates", self._key(bucket), bucket.bytecode_to_string())

    def _key(self, bucket: jinja2.bccache.Bucket) -> str:
        return digest(tool_fingerprint(), bucket.key, bucket.checksum)


class CachedTemplateNames(TemplateNames):
    """:class:`TemplateNames` that keeps what each template's source says in the build cache."""

    def __init__(self, env: jinja2.Environment, cache: Cache):
        super().__init__(env)
        self.cache = cache

    def facts_of(self, name: str, source: str, filename: str | None) -> TemplateFacts:
        """What the template says, from the cache when its source was parsed before."""
        key = digest(tool_fingerprint(), name, source)
        facts = self.cache.get("template-facts", key, TemplateFacts)
        if facts is None:
            facts = super().facts_of(name, source, filename)
            self.cache.put("template-facts", key, facts)
        return facts
