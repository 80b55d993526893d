/* English stems for search: Porter2 ("Snowball English", as Snowball 3 defines it), so that a query
   finds what the index holds ("penalties" and "penalty" are both "penalti"). The same algorithm as
   newsletter/content/stemming.py, which made the index: the two must agree word for word. */
(function (root) {
  "use strict";

  var VOWELS = "aeiouy";
  var NOT_SHORT_ENDING = "aeiouywxY";
  var LI_ENDINGS = "cdeghkmnrt";
  var DOUBLES = ["bb", "dd", "ff", "gg", "mm", "nn", "pp", "rr", "tt"];
  var EXCEPTIONS = {
    skis: "ski", skies: "sky", idly: "idl", gently: "gentl", ugly: "ugli", early: "earli", only: "onli",
    singly: "singl", sky: "sky", news: "news", howe: "howe", atlas: "atlas", cosmos: "cosmos", bias: "bias",
    andes: "andes"
  };
  var R1_PREFIXES = ["arsen", "commun", "emerg", "gener", "inter", "later", "organ", "past", "univers"];
  var KEPT_ING = ["inn", "out", "cann", "herr", "earr", "even"];
  var KEPT_EED = ["succ", "proc", "exc"];
  var STEP_2 = {
    ization: "ize", ational: "ate", fulness: "ful", ousness: "ous", iveness: "ive", tional: "tion",
    biliti: "ble", lessli: "less", entli: "ent", ation: "ate", alism: "al", aliti: "al", ousli: "ous",
    iviti: "ive", fulli: "ful", ogist: "og", enci: "ence", anci: "ance", abli: "able", izer: "ize",
    ator: "ate", alli: "al", bli: "ble", ogi: null, li: null
  };
  var STEP_3 = {
    ational: "ate", tional: "tion", alize: "al", icate: "ic", iciti: "ic", ative: null, ical: "ic",
    ness: "", ful: ""
  };
  var STEP_4 = ["ement", "ment", "able", "ible", "ance", "ence", "ate", "iti", "ion", "ism", "ive", "ize",
    "ous", "ant", "ent", "al", "er", "ic"];

  function isVowel(c) { return c !== undefined && c !== "" && VOWELS.indexOf(c) !== -1; }
  function endsWith(w, s) { return w.length >= s.length && w.slice(w.length - s.length) === s; }
  function hasVowel(w) {
    for (var i = 0; i < w.length; i += 1) { if (isVowel(w[i])) { return true; } }
    return false;
  }

  function markYs(word) {
    var chars = word.split("");
    for (var i = 0; i < chars.length; i += 1) {
      if (chars[i] === "y" && (i === 0 || isVowel(chars[i - 1]))) { chars[i] = "Y"; }
    }
    return chars.join("");
  }

  function afterVowelThenConsonant(w, start) {
    var i = start;
    while (i < w.length && !isVowel(w[i])) { i += 1; }
    while (i < w.length && isVowel(w[i])) { i += 1; }
    return i < w.length ? i + 1 : w.length;
  }

  function regions(w) {
    var p1 = null;
    R1_PREFIXES.forEach(function (prefix) {
      if (p1 === null && w.indexOf(prefix) === 0) { p1 = prefix.length; }
    });
    if (p1 === null) { p1 = afterVowelThenConsonant(w, 0); }
    return [p1, afterVowelThenConsonant(w, p1)];
  }

  function shortSyllableEnds(w) {
    var n = w.length;
    if (n >= 3 && NOT_SHORT_ENDING.indexOf(w[n - 1]) === -1 && isVowel(w[n - 2]) && !isVowel(w[n - 3])) {
      return true;
    }
    if (n === 2 && !isVowel(w[1]) && isVowel(w[0])) { return true; }
    return endsWith(w, "past");
  }

  function longest(w, suffixes) {
    var found = null;
    suffixes.forEach(function (s) {
      if (endsWith(w, s) && (found === null || s.length > found.length)) { found = s; }
    });
    return found;
  }

  function step0(w) {
    var suffix = longest(w, ["'s'", "'s", "'"]);
    return suffix === null ? w : w.slice(0, w.length - suffix.length);
  }

  function step1a(w) {
    if (endsWith(w, "sses")) { return w.slice(0, -2); }
    if (endsWith(w, "ied") || endsWith(w, "ies")) { return w.slice(0, -3) + (w.length > 4 ? "i" : "ie"); }
    if (endsWith(w, "ss") || endsWith(w, "us")) { return w; }
    if (endsWith(w, "s") && hasVowel(w.slice(0, -2))) { return w.slice(0, -1); }
    return w;
  }

  function step1b(w, p1) {
    var suffix = longest(w, ["eedly", "ingly", "edly", "eed", "ing", "ed"]);
    if (suffix === null) { return w; }
    var stem = w.slice(0, w.length - suffix.length);
    if (suffix === "eed" || suffix === "eedly") {
      return stem.length < p1 || KEPT_EED.indexOf(stem) !== -1 ? w : stem + "ee";
    }
    if (suffix === "ing") {
      if (stem.length === 2 && stem[1] === "y" && !isVowel(stem[0])) { return stem[0] + "ie"; }
      if (KEPT_ING.indexOf(stem) !== -1) { return w; }
    }
    if (!hasVowel(stem)) { return w; }
    if (endsWith(stem, "at") || endsWith(stem, "bl") || endsWith(stem, "iz")) { return stem + "e"; }
    if (longest(stem, DOUBLES) !== null) {
      return stem.length === 3 && "aeo".indexOf(stem[0]) !== -1 ? stem : stem.slice(0, -1);
    }
    if (stem.length === p1 && shortSyllableEnds(stem)) { return stem + "e"; }
    return stem;
  }

  function step1c(w) {
    var last = w[w.length - 1];
    if (w.length > 2 && (last === "y" || last === "Y") && !isVowel(w[w.length - 2])) {
      return w.slice(0, -1) + "i";
    }
    return w;
  }

  function step2(w, p1) {
    var suffix = longest(w, Object.keys(STEP_2));
    if (suffix === null || w.length - suffix.length < p1) { return w; }
    var stem = w.slice(0, w.length - suffix.length);
    if (suffix === "ogi") { return endsWith(stem, "l") ? stem + "og" : w; }
    if (suffix === "li") { return stem && LI_ENDINGS.indexOf(stem[stem.length - 1]) !== -1 ? stem : w; }
    return stem + STEP_2[suffix];
  }

  function step3(w, p1, p2) {
    var suffix = longest(w, Object.keys(STEP_3));
    if (suffix === null || w.length - suffix.length < p1) { return w; }
    var stem = w.slice(0, w.length - suffix.length);
    if (suffix === "ative") { return stem.length >= p2 ? stem : w; }
    return stem + STEP_3[suffix];
  }

  function step4(w, p2) {
    var suffix = longest(w, STEP_4);
    if (suffix === null || w.length - suffix.length < p2) { return w; }
    var stem = w.slice(0, w.length - suffix.length);
    if (suffix === "ion" && !(endsWith(stem, "s") || endsWith(stem, "t"))) { return w; }
    return stem;
  }

  function step5(w, p1, p2) {
    var start = w.length - 1;
    if (endsWith(w, "e") && (start >= p2 || (start >= p1 && !shortSyllableEnds(w.slice(0, -1))))) {
      return w.slice(0, -1);
    }
    if (endsWith(w, "ll") && start >= p2) { return w.slice(0, -1); }
    return w;
  }

  /* The Porter2 stem of a lowercase English word: "penalties" -> "penalti". */
  function stem(word) {
    if (Object.prototype.hasOwnProperty.call(EXCEPTIONS, word)) { return EXCEPTIONS[word]; }
    if (word.length < 3) { return word; }
    var w = markYs(word[0] === "'" ? word.slice(1) : word);
    var found = regions(w);
    var p1 = found[0];
    var p2 = found[1];
    w = step1c(step1b(step1a(step0(w)), p1));
    w = step5(step4(step3(step2(w, p1), p1, p2), p2), p1, p2);
    return w.replace(/Y/g, "y");
  }

  root.newsletterStem = stem;
}(typeof window !== "undefined" ? window : globalThis));
