"""Search: words, stems and pairs in Python, and the index written with the site.

The search page itself runs in a real browser in ``test_search_browser.py``.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from newsletter.content.markdown import read_search_words, search_words, tokens, word_pairs, words
from newsletter.content.stemming import stem
from newsletter.render.search import SHARD_BYTES, cjk_buckets, gaps, prefix_shards, shard_name
from tests.conftest import REPO, MakeSite, built, entry, replace_in, tree

# --- Stems -----------------------------------------------------------------------------------

_BASES = (
    "connect", "generat", "happ", "hop", "run", "fil", "cr", "t", "agre", "fe", "nation", "format", "sens",
    "rel", "condition", "effect", "commun", "univers", "past", "organ", "inter", "emerg", "later", "arsen",
    "penalt", "fin", "sky", "d", "l", "inn", "out", "cann", "herr", "earr", "even", "succ", "proc", "exc",
    "pla", "tr", "bl", "iz", "assess", "process", "regul", "class", "bus", "gas", "news", "y", "ey", "say",
    "enforc", "author", "data", "privat", "secur", "sensit", "comput", "critic", "electr", "log", "ecolog",
)
_SUFFIXES = (
    "", "s", "es", "ed", "ing", "ly", "ies", "ied", "y", "e", "ee", "eed", "eedly", "ingly", "edly", "sses",
    "ss", "us", "'s", "'", "'s'", "ation", "ational", "tional", "ization", "izer", "iveness", "fulness",
    "ousness", "ement", "ment", "ent", "ance", "ence", "able", "ible", "ize", "ism", "ive", "ous", "al", "er",
    "ic", "ical", "ness", "ful", "ative", "alize", "icate", "iciti", "li", "bli", "abli", "alli", "entli",
    "ousli", "fulli", "lessli", "ogi", "logi", "ogist", "aliti", "biliti", "iviti", "alism", "ator", "anci",
    "enci", "ll", "sion", "tion", "ion", "at", "bl", "iz", "bb", "dd", "tt", "ying", "ating",
)


def stem_vocabulary() -> list[str]:
    """Thousands of words that reach every rule of Porter2, and the words of the project's docs."""
    made = {base + suffix for base in _BASES for suffix in _SUFFIXES}
    for page in sorted((REPO / "docs").glob("*.md")):
        made.update(re.findall(r"[a-z]+", page.read_text(encoding="utf-8").lower()))
    made.update(["skies", "dying", "lying", "tying", "idly", "gently", "ugly", "early", "only", "singly",
                 "'tis", "yelling", "sayings", "innings", "outing", "canning", "proceed", "exceed", "succeeded"])
    return sorted(made)


def test_stems_of_the_words_the_brief_names() -> None:
    assert stem("penalties") == stem("penalty") == "penalti"
    assert stem("fines") == stem("fined") == stem("fine") == "fine"
    assert stem("insurers") == "insur" and stem("unsolicited") == "unsolicit"
    assert [stem(w) for w in ("a", "is", "2022", "naïve")] == ["a", "is", "2022", "naïv"]


def test_python_stemmer_agrees_with_snowball() -> None:
    snowball = pytest.importorskip("snowballstemmer").stemmer("english")
    vocabulary = stem_vocabulary()
    assert len(vocabulary) > 5000
    differ = [(word, stem(word), snowball.stemWord(word))
              for word in vocabulary if stem(word) != snowball.stemWord(word)]
    assert differ == []


NODE = shutil.which("node")


@pytest.mark.skipif(NODE is None, reason="node is not installed")
def test_javascript_stemmer_agrees_with_snowball(tmp_path: Path) -> None:
    snowball = pytest.importorskip("snowballstemmer").stemmer("english")
    vocabulary = stem_vocabulary()
    (tmp_path / "words.json").write_text(json.dumps(vocabulary))
    script = REPO / "newsletter/templates/search/stem.js"
    program = (f"require({json.dumps(str(script))}); const words = require({json.dumps(str(tmp_path / 'words.json'))});"
               "process.stdout.write(JSON.stringify(words.map((w) => globalThis.newsletterStem(w))));")
    assert NODE is not None
    stems = json.loads(subprocess.run([NODE, "-e", program], capture_output=True, text=True, check=True).stdout)
    differ = [(word, got, snowball.stemWord(word)) for word, got in zip(vocabulary, stems, strict=True)
              if got != snowball.stemWord(word)]
    assert differ == []


# --- Words, pairs and CJK --------------------------------------------------------------------

def test_words_are_stems_and_cjk_runs_become_characters_and_neighbouring_pairs() -> None:
    assert words("CBIRC fines a bank (2022); 个人信息 rules 网 Penalties") == [
        "cbirc", "fine", "a", "bank", "2022", "个", "人", "信", "息", "个人", "人信", "信息", "rule", "网", "penalti",
    ]
    assert words("data-export, naïve") == ["data", "export", "naïv"]
    assert words("ＡＩ　ＲＵＬＥＳ") == ["ai", "rule"]  # full-width letters read as plain ones
    assert words("ひらがな한국어") == [*"ひらがな한국어", "ひら", "らが", "がな", "な한", "한국", "국어"]


def test_cjk_pairs_keep_order_and_adjacency() -> None:
    indexed = set(words("网上交易规则。平台应当保持联络。"))
    assert "网" in indexed and "络" in indexed
    assert "网络" not in indexed and "络网" not in indexed
    assert "网络" in set(words("网络安全审查办法")) and "管网" not in set(words("管理规定。网络"))


def test_pairs_join_neighbouring_words_but_not_across_cjk_or_texts() -> None:
    assert word_pairs(tokens("Data export rules, 网络 cross border")) == ["data_export", "export_rule", "cross_border"]
    found, pairs = read_search_words(search_words(["Data export", "rules apply"]))
    assert found == ["data", "export", "rule", "appli"]
    assert pairs == ["data_export", "rule_appli"]  # no export_rule: the texts are apart
    assert read_search_words(search_words([])) == ([], [])


# --- Cutting the index -------------------------------------------------------------------------

def longest_key(keys: dict[str, list[str]], term: str) -> str | None:
    """The shard key a term belongs to, as search.js finds it."""
    starting = [key for key in keys if term.startswith(key)]
    return max(starting, key=len) if starting else None


def test_prefix_shards_put_each_term_in_the_shard_of_its_longest_key() -> None:
    terms = [f"{first}{second}{third}" for first in "abcd" for second in "aeiou" for third in ("", "s", "tion", "x")]
    weights = {term: 40 if term.startswith("a") else 5 for term in terms}
    shards = prefix_shards(weights, limit=200)
    placed = [term for members in shards.values() for term in members]
    assert sorted(placed) == sorted(terms)
    for key, members in shards.items():
        assert all(longest_key(shards, term) == key for term in members)
        assert len(members) == 1 or sum(weights[term] for term in members) <= 200
    assert "a" not in shards and "aa" in shards  # the heavy prefix is cut, the light ones stay whole
    assert {"b", "c", "d"} <= set(shards)
    assert prefix_shards({"one": 10}) == {"": ["one"]}


def test_small_changes_keep_the_shard_keys() -> None:
    weights = {f"{a}{b}{c}": 30 for a in "abcdefgh" for b in "abcdefgh" for c in "abc"}
    keys = set(prefix_shards(weights, limit=1000))
    assert set(prefix_shards({**weights, "abz": 30}, limit=1000)) == keys


def test_cjk_buckets_grow_by_powers_of_two() -> None:
    assert [cjk_buckets(weight) for weight in (0, 1, SHARD_BYTES, SHARD_BYTES + 1, 5 * SHARD_BYTES)] == [0, 1, 1, 2, 8]


def test_shard_names_and_gaps() -> None:
    assert [shard_name(key) for key in ("", "pe", "data_e", "na\u00ef")] == ["_", "pe", "data_e", "na-ef-"]
    assert gaps([2, 3, 10]) == [2, 1, 7]


# --- The index written with the site -----------------------------------------------------------

def read_part(output: Path, name: str) -> object:
    """The data of one part of the index (``search/<name>.js``)."""
    script = (output / "search" / f"{name}.js").read_text(encoding="utf-8")
    prefix = f'newsletterSearchShard("{name}", '
    assert script.startswith(prefix) and script.endswith(");\n")
    return json.loads(script.removeprefix(prefix).removesuffix(");\n"))


def read_manifest(output: Path) -> dict[str, object]:
    """The manifest of the index."""
    script = (output / "search/index.js").read_text(encoding="utf-8")
    prefix = "window.newsletterSearchIndex = "
    assert script.startswith(prefix)
    manifest: dict[str, object] = json.loads(script.removeprefix(prefix).removesuffix(";\n"))
    return manifest


def numbered(gap_list: list[int]) -> list[int]:
    """Development numbers from the gaps the index writes."""
    found, total = [], 0
    for gap in gap_list:
        total += gap
        found.append(total)
    return found


def postings(output: Path, folder: str, term: str) -> tuple[set[str], set[str]]:
    """The permalinks of the developments that have ``term``, and of those whose title has it."""
    manifest = read_manifest(output)
    keys = manifest["pairs" if folder == "p" else "words"]
    assert isinstance(keys, list)
    key = max((k for k in keys if term.startswith(k)), key=len)
    part = read_part(output, f"{folder}/{shard_name(key)}")
    assert isinstance(part, dict)
    permalinks = all_permalinks(output)
    return ({permalinks[n] for n in numbered(part["a"].get(term, []))},
            {permalinks[n] for n in numbered(part["t"].get(term, []))})


def all_permalinks(output: Path) -> list[str]:
    """The permalink of every development, by number."""
    found: list[str] = []
    for number in range(len(list((output / "search/d").glob("*.js")))):
        rows = read_part(output, f"d/{number}")
        assert isinstance(rows, list)
        found += [row[0] for row in rows]
    return found


def test_index_numbers_developments_oldest_first_without_drafts(archive: Path) -> None:
    permalinks = all_permalinks(archive)
    assert len(permalinks) == read_manifest(archive)["count"] == 7  # the draft is not published
    assert permalinks[0] == "issues/2022-03/bank-fine/"  # dated March 2022: the first day of the month
    assert permalinks[-1] == "issues/2022-05/samr-standard/"
    first = read_part(archive, "d/0")
    assert isinstance(first, list)
    assert first[0][1:3] == [
        "CBIRC fines a bank over leaked customer data", "March 2022 · CBIRC · Enforcement Developments",
    ]
    assert first[0][3] == "A regional bank was fined for a pervasive leak of customer records."


def test_index_holds_stems_titles_filed_words_and_pairs(archive: Path) -> None:
    assert postings(archive, "w", "pervas") == ({"issues/2022-03/bank-fine/"}, set())  # a word of a body
    found, titled = postings(archive, "w", "fine")
    assert found == titled == {"issues/2022-03/bank-fine/"}  # "fines" in the title, "fined" in the text
    assert postings(archive, "w", "financ")[0] == {"issues/2022-03/bank-fine/", "issues/2022-04/insurer-warning/"}
    assert postings(archive, "w", "unfinish")[0] == set()  # drafts are not searchable
    both = {"issues/2022-03/export-rules/", "issues/2022-05/samr-standard/"}
    assert postings(archive, "p", "cross_border")[0] == both
    assert postings(archive, "p", "security_assess")[0] == set()  # not next to each other
    assert postings(archive, "p", "secur_assess")[0] == {"issues/2022-03/export-rules/"}


def test_manifest_lists_filters_with_counts(archive: Path) -> None:
    filters = read_manifest(archive)["filters"]
    assert isinstance(filters, dict)
    assert filters["year"] == [["2022", "2022", 7]]
    assert ["CBIRC", "CBIRC", 2] in filters["authority"]
    assert ["enforcement", "Enforcement Developments", 3] in filters["section"]
    section = read_part(archive, "f/section")
    assert isinstance(section, dict)
    assert len(numbered(section["enforcement"])) == 3


def test_an_edit_rewrites_only_the_parts_of_the_words_it_changes(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("newsletter.render.search.SHARD_BYTES", 300)  # shards of a large archive, in a small one
    files = {
        f"content/2022-05/item-{n}.md": entry(f"Item {n} on {topic}", date=f"2022-05-{n + 1:02d}",
                                              body=f"Rules on {topic} and penalties for breaches, number {n}.\n")
        for n, topic in enumerate(["zebras", "yaks", "walruses", "otters", "lions", "kites", "herons"] * 4)
    }
    root = make_site(files)
    built(root)
    before = {path: data for path, data in tree(root / "output").items() if path.startswith("search/")}
    replace_in(root, "content/2022-05/item-3.md", "penalties for breaches", "penalties for lapses")
    built(root)
    after = {path: data for path, data in tree(root / "output").items() if path.startswith("search/")}
    changed = sorted(path for path in after if before.get(path) != after[path])
    assert len(after) > 40
    # The text of its ten developments, and the shards of the words and pairs it lost and gained.
    assert "search/d/0.js" in changed and "search/index.js" not in changed
    assert len(changed) <= 6, changed
    assert len(after) == len(before)


def test_an_index_patched_after_an_edit_is_the_index_built_afresh(make_site: MakeSite) -> None:
    import dataclasses

    from newsletter.render import search
    from newsletter.render.taxonomy import Browsing, newest_first
    from newsletter.render.templates import make_environment
    from tests.conftest import newsletter_of

    root = make_site({f"content/2022-05/item-{n}.md": entry(f"Item {n} on data export", date=f"2022-05-{n + 1:02d}",
                                                            body=f"Penalties for firm {n}, and 网络安全 rules.\n")
                      for n in range(8)})
    placed = Browsing.of(newsletter_of(root)).placed
    edited = tuple(
        dataclasses.replace(p, entry=dataclasses.replace(
            p.entry, title="Fines for cloud providers", search_words=search_words(["Fines for cloud providers"])))
        if p.entry.slug in ("item-2", "item-5") else p
        for p in placed
    )
    search._last.clear()
    search.search_index(placed, "en")
    patched = search._terms(tuple(reversed(newest_first(edited))))
    search._last.clear()
    fresh = search._terms(tuple(reversed(newest_first(edited))))
    assert patched == fresh
    assert "cloud" in patched.words and "fine" in patched.titles
    assert len(patched.words["penalti"]) == 6  # two developments no longer say it

    env = make_environment(None)

    def files(index: search.SearchIndex) -> dict[str, bytes]:
        return {path: data for job in index.jobs for path, data in job.run({"": env}).items()}

    search._last.clear()
    search.search_index(placed, "en")
    after_edit = files(search.search_index(edited, "en"))
    search._last.clear()
    assert after_edit == files(search.search_index(edited, "en"))
