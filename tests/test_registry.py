"""Reading the registry of authorities and instruments, and looking them up."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsletter.content.fields import Fields
from newsletter.content.loading import RawDocument, load_yaml_file
from newsletter.content.registry import INSTRUMENT_KINDS, REGISTRY_FIELDS, flat_authorities, read_registry
from newsletter.errors import Problem
from newsletter.model import Authority, Instrument, Registry

FULL = """\
authorities:
  cac:
    name: Cyberspace Administration of China
    name_zh: 国家互联网信息办公室
    abbreviation: CAC
    url: https://www.cac.gov.cn/
    jurisdiction: national
  shanghai-cac:
    name: Shanghai Cyberspace Administration
    jurisdiction: Shanghai
instruments:
  pipl:
    name: Personal Information Protection Law
    name_zh: 个人信息保护法
    abbreviation: PIPL
    url: http://www.npc.gov.cn/pipl
    kind: law
  tc260-guide:
    name: TC260 Guide
"""


def load(tmp_path: Path, text: str, name: str = "registry.yaml") -> RawDocument:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    doc = load_yaml_file(path, tmp_path)
    assert doc.ok, doc.problems
    return doc


def registry_of(tmp_path: Path, text: str) -> tuple[Registry, list[tuple[int, int, str]]]:
    problems: list[Problem] = []
    registry = read_registry(Fields(load(tmp_path, text), REGISTRY_FIELDS, problems))
    assert all(p.path == "registry.yaml" for p in problems)
    return registry, [(p.line, p.column, p.message) for p in problems]


def flat_of(tmp_path: Path, text: str) -> tuple[Registry, list[tuple[int, int, str]]]:
    problems: list[Problem] = []
    registry = flat_authorities(Fields(load(tmp_path, text, "newsletter.yaml"), ("authorities",), problems))
    return registry, [(p.line, p.column, p.message) for p in problems]


# read_registry


def test_every_field_is_read_and_defaults_fill_the_rest(tmp_path: Path) -> None:
    registry, problems = registry_of(tmp_path, FULL)
    assert problems == []
    assert registry == Registry(
        authorities=(
            Authority(
                short="CAC",
                name="Cyberspace Administration of China",
                id="cac",
                name_zh="国家互联网信息办公室",
                url="https://www.cac.gov.cn/",
                jurisdiction="national",
            ),
            Authority(
                short="SHANGHAI-CAC",
                name="Shanghai Cyberspace Administration",
                id="shanghai-cac",
                jurisdiction="Shanghai",
            ),
        ),
        instruments=(
            Instrument(
                id="pipl",
                name="Personal Information Protection Law",
                name_zh="个人信息保护法",
                abbreviation="PIPL",
                url="http://www.npc.gov.cn/pipl",
                kind="law",
            ),
            Instrument(id="tc260-guide", name="TC260 Guide"),
        ),
        by_id=True,
    )


def test_jurisdiction_defaults_to_national(tmp_path: Path) -> None:
    registry, problems = registry_of(tmp_path, "authorities:\n  miit:\n    name: MIIT\n")
    assert problems == []
    assert registry.authorities[0].jurisdiction == "national"


def test_an_empty_registry(tmp_path: Path) -> None:
    registry, problems = registry_of(tmp_path, "authorities:\ninstruments:\n")
    assert problems == []
    assert registry == Registry(by_id=True)


def test_a_missing_name_is_an_error_and_the_id_stands_in(tmp_path: Path) -> None:
    registry, problems = registry_of(tmp_path, "authorities:\n  cac:\n    abbreviation: CAC\n")
    assert problems == [(3, 5, "missing required field 'name'")]
    assert registry.authorities[0].name == "cac"


def test_unknown_keys_get_suggestions_at_the_key(tmp_path: Path) -> None:
    text = "authority:\n  cac: {name: CAC}\ninstruments:\n  pipl:\n    name: PIPL\n    knd: law\n    namezh: 法\n"
    _, problems = registry_of(tmp_path, text)
    assert problems == [
        (1, 1, "unknown field 'authority'; did you mean 'authorities'?"),
        (6, 5, "unknown field 'knd'; did you mean 'kind'?"),
        (7, 5, "unknown field 'namezh'; did you mean 'name_zh'?"),
    ]


def test_fields_of_authorities_and_instruments_are_not_interchangeable(tmp_path: Path) -> None:
    text = "authorities:\n  cac: {name: CAC, kind: law}\ninstruments:\n  pipl: {name: PIPL, jurisdiction: national}\n"
    _, problems = registry_of(tmp_path, text)
    assert [message for _, _, message in problems] == ["unknown field 'kind'", "unknown field 'jurisdiction'"]


@pytest.mark.parametrize("record_id", ["CAC", "cac_gov", "-cac", "国信办"])
def test_ids_must_be_slugs(tmp_path: Path, record_id: str) -> None:
    registry, problems = registry_of(tmp_path, f"authorities:\n  {record_id}:\n    name: X\n")
    assert problems == [(3, 5, f"id '{record_id}' must use lowercase letters, digits and hyphens")]
    assert registry.authorities == ()


def test_a_record_must_be_a_mapping(tmp_path: Path) -> None:
    registry, problems = registry_of(tmp_path, "authorities:\n  cac: Cyberspace Administration of China\n")
    assert problems == [(2, 8, "'cac' must be a mapping of details")]
    assert registry.authorities == ()


def test_tables_must_map_ids(tmp_path: Path) -> None:
    _, problems = registry_of(tmp_path, "authorities: [cac]\ninstruments: pipl\n")
    assert problems == [
        (1, 14, "'authorities' must map ids to their details"),
        (2, 14, "'instruments' must map ids to their details"),
    ]


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/cac", "URL '/cac' is relative; expected an absolute http or https URL"),
        (
            "mailto:cac@example.org",
            "URL 'mailto:cac@example.org' uses the 'mailto:' scheme; expected an absolute http or https URL",
        ),
    ],
)
def test_urls_must_be_absolute_http(tmp_path: Path, url: str, message: str) -> None:
    registry, problems = registry_of(tmp_path, f"authorities:\n  cac:\n    name: CAC\n    url: '{url}'\n")
    assert problems == [(4, 10, message)]
    assert registry.authorities[0].url is None


@pytest.mark.parametrize("kind", INSTRUMENT_KINDS)
def test_each_instrument_kind_is_accepted(tmp_path: Path, kind: str) -> None:
    registry, problems = registry_of(tmp_path, f"instruments:\n  x:\n    name: X\n    kind: {kind}\n")
    assert problems == []
    assert registry.instruments[0].kind == kind


def test_an_unknown_instrument_kind_lists_the_kinds(tmp_path: Path) -> None:
    registry, problems = registry_of(tmp_path, "instruments:\n  x:\n    name: X\n    kind: statute\n")
    assert problems == [
        (4, 11, "unknown kind 'statute' (kinds: law, regulation, rule, standard, guideline, other)")
    ]
    assert registry.instruments[0].kind is None


def test_a_nested_registry_is_located_under_its_key(tmp_path: Path) -> None:
    problems: list[Problem] = []
    doc = load(tmp_path, "title: T\nregistry:\n  authorities:\n    CAC: {name: X}\n", "newsletter.yaml")
    nested = Fields(doc, ("title", "registry"), problems).mapping("registry", REGISTRY_FIELDS)
    assert nested is not None
    assert read_registry(nested) == Registry(by_id=True)
    assert problems == [
        Problem("newsletter.yaml", 4, 10, "id 'CAC' must use lowercase letters, digits and hyphens")
    ]


# flat_authorities


def test_flat_authorities_map_short_names_to_full_names(tmp_path: Path) -> None:
    text = "authorities:\n  MIIT: Ministry of Industry\n  CAC: Cyberspace Administration\n"
    registry, problems = flat_of(tmp_path, text)
    assert problems == []
    assert registry == Registry(
        (Authority("MIIT", "Ministry of Industry"), Authority("CAC", "Cyberspace Administration"))
    )
    assert not registry.by_id


def test_no_flat_authorities(tmp_path: Path) -> None:
    assert flat_of(tmp_path, "authorities:\n") == (Registry(), [])


def test_flat_authorities_must_be_a_mapping(tmp_path: Path) -> None:
    assert flat_of(tmp_path, "authorities: [CAC, MIIT]\n") == (
        Registry(),
        [(1, 14, "'authorities' must map short names to full names")],
    )


def test_each_flat_authority_needs_a_full_name_as_text(tmp_path: Path) -> None:
    registry, problems = flat_of(tmp_path, "authorities:\n  CAC:\n  MIIT: 42\n  SAMR: Market Regulation\n")
    assert registry == Registry((Authority("SAMR", "Market Regulation"),))
    assert problems == [
        (2, 3, "missing required field 'CAC'"),
        (3, 9, "'MIIT' must be text, not a number"),
    ]


def test_flat_authorities_that_would_share_a_page_are_an_error(tmp_path: Path) -> None:
    text = "authorities:\n  C.A.C: First\n  MIIT: Ministry\n  c-a-c: Second\n"
    registry, problems = flat_of(tmp_path, text)
    assert problems == [(4, 10, "'c-a-c' and 'C.A.C' would share the page authorities/c-a-c/: rename one")]
    assert registry == Registry((Authority("C.A.C", "First"), Authority("MIIT", "Ministry")))


# Registry lookups


def test_a_registry_by_id_looks_authorities_up_by_id(tmp_path: Path) -> None:
    registry, _ = registry_of(tmp_path, FULL)
    cac = registry.authority("cac")
    assert cac is not None
    assert cac.name == "Cyberspace Administration of China"
    assert registry.authority("CAC") is cac  # an id matches whatever its case; the registry's spelling is used
    assert registry.authority("nope") is None
    assert registry.authority_keys() == ["cac", "shanghai-cac"]


def test_flat_authorities_are_looked_up_by_short_name(tmp_path: Path) -> None:
    registry, _ = flat_of(tmp_path, "authorities:\n  CAC: Cyberspace Administration\n  MIIT: Ministry\n")
    miit = registry.authority("MIIT")
    assert miit is not None
    assert miit.name == "Ministry"
    assert registry.authority("miit") is miit
    assert registry.authority_keys() == ["CAC", "MIIT"]


def test_instruments_are_looked_up_by_id(tmp_path: Path) -> None:
    registry, _ = registry_of(tmp_path, FULL)
    pipl = registry.instrument("pipl")
    guide = registry.instrument("tc260-guide")
    assert pipl is not None
    assert guide is not None
    assert (pipl.short, guide.short) == ("PIPL", "TC260 Guide")
    assert registry.instrument("PIPL") is None
    assert Registry().instrument("pipl") is None
    assert Registry().authority("cac") is None
    assert Registry().authority_keys() == []
