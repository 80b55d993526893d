"""English stems for search: the Porter2 ("Snowball English") algorithm, as Snowball 3 defines it.

Search finds "penalty" for "penalties" and "fined" for "fines" because the
index and the query hold stems, not words. The search page stems the query
with the same algorithm in ``templates/search/stem.js``; the two must agree
word for word (``tests/test_search.py`` checks both against the Snowball
project's own stemmer over thousands of words).

Only lowercase text is expected. Words of one or two letters, digits and
letters outside a-z pass through unchanged, except where a rule's suffix
matches them.
"""

from __future__ import annotations

from functools import lru_cache

_VOWELS = frozenset("aeiouy")
_NOT_SHORT_ENDING = frozenset("aeiouywxY")  # after a short syllable's vowel, not these
_LI_ENDINGS = frozenset("cdeghkmnrt")
_DOUBLES = ("bb", "dd", "ff", "gg", "mm", "nn", "pp", "rr", "tt")

_EXCEPTIONS = {
    "skis": "ski", "skies": "sky", "idly": "idl", "gently": "gentl", "ugly": "ugli", "early": "earli",
    "only": "onli", "singly": "singl", "sky": "sky", "news": "news", "howe": "howe", "atlas": "atlas",
    "cosmos": "cosmos", "bias": "bias", "andes": "andes",
}
_R1_PREFIXES = ("arsen", "commun", "emerg", "gener", "inter", "later", "organ", "past", "univers")
_STEP_1B_KEPT = {"ing": ("inn", "out", "cann", "herr", "earr", "even"), "eed": ("succ", "proc", "exc")}

# Suffix -> replacement, tried longest first; None marks a rule with a condition of its own.
_STEP_2 = {
    "ization": "ize", "ational": "ate", "fulness": "ful", "ousness": "ous", "iveness": "ive",
    "tional": "tion", "biliti": "ble", "lessli": "less", "entli": "ent", "ation": "ate",
    "alism": "al", "aliti": "al", "ousli": "ous", "iviti": "ive", "fulli": "ful", "ogist": "og",
    "enci": "ence", "anci": "ance", "abli": "able", "izer": "ize", "ator": "ate", "alli": "al",
    "bli": "ble", "ogi": None, "li": None,
}
_STEP_3 = {
    "ational": "ate", "tional": "tion", "alize": "al", "icate": "ic", "iciti": "ic", "ative": None,
    "ical": "ic", "ness": "", "ful": "",
}
_STEP_4 = (
    "ement", "ment", "able", "ible", "ance", "ence", "ate", "iti", "ion", "ism", "ive", "ize", "ous",
    "ant", "ent", "al", "er", "ic",
)


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The Porter2 stem of a lowercase English ``word``: ``penalties`` -> ``penalti``."""
    if word in _EXCEPTIONS:
        return _EXCEPTIONS[word]
    if len(word) < 3:
        return word
    w = _mark_ys(word.removeprefix("'"))
    p1, p2 = _regions(w)
    w = _step_1a(_step_0(w))
    w = _step_1c(_step_1b(w, p1))
    w = _step_5(_step_4(_step_3(_step_2(w, p1), p1, p2), p2), p1, p2)
    return w.replace("Y", "y")


def _mark_ys(word: str) -> str:
    """Write a consonant y (first letter, or after a vowel) as Y."""
    chars = list(word)
    for i, char in enumerate(chars):
        if char == "y" and (i == 0 or chars[i - 1] in _VOWELS):
            chars[i] = "Y"
    return "".join(chars)


def _after_vowel_then_consonant(w: str, start: int) -> int:
    """The position after the first non-vowel that follows a vowel, from ``start``; the end if none."""
    i = start
    while i < len(w) and w[i] not in _VOWELS:
        i += 1
    while i < len(w) and w[i] in _VOWELS:
        i += 1
    return i + 1 if i < len(w) else len(w)


def _regions(w: str) -> tuple[int, int]:
    """Where R1 and R2 start."""
    prefix = next((p for p in _R1_PREFIXES if w.startswith(p)), None)
    p1 = len(prefix) if prefix else _after_vowel_then_consonant(w, 0)
    return p1, _after_vowel_then_consonant(w, p1)


def _short_syllable_ends(w: str) -> bool:
    """Whether ``w`` ends in a short syllable (or in "past")."""
    if len(w) >= 3 and w[-1] not in _NOT_SHORT_ENDING and w[-2] in _VOWELS and w[-3] not in _VOWELS:
        return True
    if len(w) == 2 and w[1] not in _VOWELS and w[0] in _VOWELS:
        return True
    return w.endswith("past")


def _has_vowel(w: str) -> bool:
    return any(char in _VOWELS for char in w)


def _step_0(w: str) -> str:
    for suffix in ("'s'", "'s", "'"):
        if w.endswith(suffix):
            return w[: -len(suffix)]
    return w


def _step_1a(w: str) -> str:
    if w.endswith("sses"):
        return w[:-2]
    if w.endswith(("ied", "ies")):
        return w[:-3] + ("i" if len(w) > 4 else "ie")
    if w.endswith(("ss", "us")):
        return w
    if w.endswith("s") and _has_vowel(w[:-2]):
        return w[:-1]
    return w


def _step_1b(w: str, p1: int) -> str:
    suffix = next((s for s in ("eedly", "ingly", "edly", "eed", "ing", "ed") if w.endswith(s)), None)
    if suffix is None:
        return w
    stem = w[: -len(suffix)]
    if suffix in ("eed", "eedly"):
        if len(stem) < p1 or stem in _STEP_1B_KEPT["eed"]:
            return w
        return stem + "ee"
    if suffix == "ing":
        if len(stem) == 2 and stem[1] == "y" and stem[0] not in _VOWELS:
            return stem[0] + "ie"
        if stem in _STEP_1B_KEPT["ing"]:
            return w
    if not _has_vowel(stem):
        return w
    if stem.endswith(("at", "bl", "iz")):
        return stem + "e"
    if stem.endswith(_DOUBLES):
        if len(stem) == 3 and stem[0] in "aeo":
            return stem
        return stem[:-1]
    if len(stem) == p1 and _short_syllable_ends(stem):
        return stem + "e"
    return stem


def _step_1c(w: str) -> str:
    if len(w) > 2 and w[-1] in "yY" and w[-2] not in _VOWELS:
        return w[:-1] + "i"
    return w


def _longest(w: str, suffixes: tuple[str, ...] | dict[str, str | None]) -> str | None:
    found = [s for s in suffixes if w.endswith(s)]
    return max(found, key=len) if found else None


def _step_2(w: str, p1: int) -> str:
    suffix = _longest(w, _STEP_2)
    if suffix is None or len(w) - len(suffix) < p1:
        return w
    stem = w[: -len(suffix)]
    if suffix == "ogi":
        return stem + "og" if stem.endswith("l") else w
    if suffix == "li":
        return stem if stem and stem[-1] in _LI_ENDINGS else w
    return stem + (_STEP_2[suffix] or "")


def _step_3(w: str, p1: int, p2: int) -> str:
    suffix = _longest(w, _STEP_3)
    if suffix is None or len(w) - len(suffix) < p1:
        return w
    stem = w[: -len(suffix)]
    if suffix == "ative":
        return stem if len(stem) >= p2 else w
    return stem + (_STEP_3[suffix] or "")


def _step_4(w: str, p2: int) -> str:
    suffix = _longest(w, _STEP_4)
    if suffix is None or len(w) - len(suffix) < p2:
        return w
    stem = w[: -len(suffix)]
    if suffix == "ion" and not stem.endswith(("s", "t")):
        return w
    return stem


def _step_5(w: str, p1: int, p2: int) -> str:
    start = len(w) - 1
    if w.endswith("e") and (start >= p2 or (start >= p1 and not _short_syllable_ends(w[:-1]))):
        return w[:-1]
    if w.endswith("ll") and start >= p2:
        return w[:-1]
    return w
