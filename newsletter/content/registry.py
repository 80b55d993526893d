"""The bilingual registry of authorities and instruments.

It lives in ``registry.yaml`` at the project root, or under ``registry:`` in
``newsletter.yaml``::

    authorities:
      cac:
        name: Cyberspace Administration of China
        name_zh: 国家互联网信息办公室
        abbreviation: CAC
        url: https://www.cac.gov.cn/
        jurisdiction: national          # or a province or city name
    instruments:
      pipl:
        name: Personal Information Protection Law
        name_zh: 个人信息保护法
        abbreviation: PIPL
        kind: law                       # law, regulation, rule, standard, guideline, other

Entries then write ``authority: cac`` and ``instruments: [pipl]``. Without a
registry, the flat ``authorities`` map of short name to full name still works.
"""

from __future__ import annotations

from newsletter.content.fields import SLUG, Fields
from newsletter.content.urls import WEB_SCHEMES
from newsletter.model import Authority, Instrument, Registry

REGISTRY_FIELDS = ("authorities", "instruments")
AUTHORITY_FIELDS = ("name", "name_zh", "abbreviation", "url", "jurisdiction")
INSTRUMENT_FIELDS = ("name", "name_zh", "abbreviation", "url", "kind")
INSTRUMENT_KINDS = ("law", "regulation", "rule", "standard", "guideline", "other")


def read_registry(fields: Fields) -> Registry:
    """Read a registry mapping (authorities and instruments keyed by id)."""
    authorities = [
        Authority(
            short=entry.line("abbreviation") or key.upper(),
            name=entry.line("name", required=True) or key,
            id=key,
            name_zh=entry.line("name_zh"),
            url=entry.url("url", schemes=WEB_SCHEMES),
            jurisdiction=entry.line("jurisdiction") or "national",
        )
        for key, entry in records(fields, "authorities", AUTHORITY_FIELDS)
    ]
    instruments = [
        Instrument(
            id=key,
            name=entry.line("name", required=True) or key,
            name_zh=entry.line("name_zh"),
            abbreviation=entry.line("abbreviation"),
            url=entry.url("url", schemes=WEB_SCHEMES),
            kind=_kind(entry),
        )
        for key, entry in records(fields, "instruments", INSTRUMENT_FIELDS)
    ]
    return Registry(tuple(authorities), tuple(instruments), by_id=True)


def flat_authorities(fields: Fields) -> Registry:
    """Read the simple ``authorities`` map of short name to full name."""
    table = fields.data.get("authorities")
    if table is None:
        return Registry()
    if not isinstance(table, dict):
        fields.error("authorities", "'authorities' must map short names to full names")
        return Registry()
    names = Fields(fields.doc, list(table), fields.problems, (*fields.prefix, "authorities"), table)
    authorities: dict[str, Authority] = {}
    for short in table:
        full = names.line(short, required=True)
        if full is None:
            continue
        authority = Authority(short, full)
        if authority.slug in authorities:
            names.error(short, f"'{short}' and '{authorities[authority.slug].short}' would share the page "
                               f"authorities/{authority.slug}/: rename one")
        else:
            authorities[authority.slug] = authority
    return Registry(tuple(authorities.values()))


def records(fields: Fields, key: str, known: tuple[str, ...]) -> list[tuple[str, Fields]]:
    """The mappings of ``fields[key]`` by id, each read with its own Fields; bad ids and values are problems."""
    table = fields.data.get(key)
    if table is None:
        return []
    if not isinstance(table, dict):
        fields.error(key, f"'{key}' must map ids to their details")
        return []
    found = []
    for record_id, value in table.items():
        keypath = (*fields.prefix, key, record_id)
        if not SLUG.fullmatch(record_id):
            fields.problems.append(
                fields.doc.problem(keypath, f"id '{record_id}' must use lowercase letters, digits and hyphens")
            )
        elif not isinstance(value, dict):
            fields.problems.append(fields.doc.problem(keypath, f"'{record_id}' must be a mapping of details"))
        else:
            found.append((record_id, Fields(fields.doc, known, fields.problems, keypath, value)))
    return found


def _kind(entry: Fields) -> str | None:
    kind = entry.line("kind")
    if kind is not None and kind not in INSTRUMENT_KINDS:
        entry.error("kind", f"unknown kind '{kind}' (kinds: {', '.join(INSTRUMENT_KINDS)})")
        return None
    return kind
