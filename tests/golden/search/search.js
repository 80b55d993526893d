/* Search of the archive, in the browser: no server. The manifest (search/index.js) and the stemmer
   (search/stem.js) are loaded before this script; the rest of the index is loaded part by part, by
   inserting <script> tags (which, unlike fetch, also work when the site is opened from disk).
   See newsletter/render/search.py for the layout of the index. */
(function () {
  "use strict";

  var CJK = "\u3040-\u309f\u30a0-\u30fa\u30fc-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff";
  // Must split text as WORD in newsletter/content/markdown.py does: runs of letters and digits, runs of CJK.
  var TOKEN = new RegExp("[" + CJK + "]+|(?:(?![" + CJK + "])[\\p{L}\\p{N}])+", "gu");
  var IS_CJK = new RegExp("^[" + CJK + "]");
  var PAIR = "_";
  var PAGE_SIZE = 20;
  var PREFIX_LENGTH = 3; // a stem this long also finds the words it starts: "insur" finds "insurers"
  var TITLE = 10; // a word in the title counts ten times a word of the text...
  var BODY = 1;
  var PREFIX = 0.6; // ...a longer word counts less than the word itself...
  var NEIGHBOURS = 3; // ...and two query words side by side count more than apart.
  var FILTERS = ["section", "authority", "year"];
  var SNIPPET = 240;
  var stem = window.newsletterStem;
  var manifest = window.newsletterSearchIndex;
  var has = Function.prototype.call.bind(Object.prototype.hasOwnProperty);

  function fold(text) {
    return text.normalize("NFKC").toLowerCase();
  }

  /* --- Loading the index ------------------------------------------------------------------ */

  var shards = Object.create(null);
  var loading = Object.create(null);
  var base = "";

  window.newsletterSearchShard = function (name, data) {
    shards[name] = data;
  };

  /* The data of one part of the index (search/<name>.js), loaded once. */
  function load(name) {
    if (!loading[name]) {
      loading[name] = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = base + name + ".js";
        script.onload = function () {
          return name in shards ? resolve(shards[name]) : reject(new Error(name));
        };
        script.onerror = function () {
          delete loading[name];
          reject(new Error(name));
        };
        document.head.appendChild(script);
      });
    }
    return loading[name];
  }

  /* Must name files as shard_name in newsletter/render/search.py does. */
  function shardName(key) {
    if (key === "") {
      return "_";
    }
    return key.replace(/[^a-z0-9_]/gu, function (c) { return "-" + c.codePointAt(0).toString(16) + "-"; });
  }

  /* The parts holding a clause's terms: the longest key starting the term, and for a prefix the keys it starts. */
  function partsOf(clause) {
    if (clause.kind === "c") {
      return manifest.cjk ? ["c/" + (clause.term.codePointAt(0) % manifest.cjk)] : [];
    }
    var folder = clause.kind === "p" ? "p/" : "w/";
    var keys = clause.kind === "p" ? manifest.pairs : manifest.words;
    var best = null;
    var names = [];
    keys.forEach(function (key) {
      if (clause.term.indexOf(key) === 0) {
        if (best === null || key.length > best.length) {
          best = key;
        }
      } else if (clause.prefix && key.indexOf(clause.term) === 0) {
        names.push(folder + shardName(key));
      }
    });
    if (best !== null) {
      names.push(folder + shardName(best));
    }
    return names;
  }

  /* Development numbers from the gaps the index writes. */
  function numbers(gaps) {
    var found = [];
    var previous = 0;
    gaps.forEach(function (gap) {
      previous += gap;
      found.push(previous);
    });
    return found;
  }

  /* --- Reading the query ------------------------------------------------------------------- */

  /* The query as clauses that every result must satisfy, pairs that rank neighbours higher, and what to mark.
     A word is looked for as its stem (also as the start of longer stems); a run of CJK as its pairs of
     neighbouring characters (one character alone as itself); a "quoted phrase" as its words and each
     pair of neighbouring words. */
  function parse(query) {
    var parsed = { clauses: [], bonus: [], stems: [], cjk: [] };
    var seen = Object.create(null);
    function add(list, clause) {
      var key = clause.kind + ":" + clause.term + (clause.prefix ? "*" : "");
      if (!seen[key]) {
        seen[key] = true;
        list.push(clause);
      }
    }
    fold(query).split("\"").forEach(function (segment, index) {
      var phrase = index % 2 === 1;
      var previous = null;
      (segment.match(TOKEN) || []).forEach(function (token) {
        if (IS_CJK.test(token)) {
          var characters = Array.from(token);
          if (characters.length === 1) {
            add(parsed.clauses, { kind: "c", term: token });
          }
          for (var i = 0; i + 1 < characters.length; i += 1) {
            add(parsed.clauses, { kind: "c", term: characters[i] + characters[i + 1] });
          }
          parsed.cjk.push(token);
          previous = null;
          return;
        }
        var term = stem(token);
        var prefix = !phrase && term.length >= PREFIX_LENGTH;
        add(parsed.clauses, { kind: "w", term: term, prefix: prefix });
        parsed.stems.push({ term: term, prefix: prefix });
        if (previous !== null) {
          add(phrase ? parsed.clauses : parsed.bonus, { kind: "p", term: previous + PAIR + term });
        }
        previous = term;
      });
    });
    return parsed;
  }

  /* --- Matching and ranking ------------------------------------------------------------------ */

  /* {development: weight} of one clause, from the parts of the index it needs. */
  function matches(clause, parts) {
    var found = new Map();
    parts.forEach(function (part) {
      var terms = clause.prefix ? Object.keys(part.a) : (has(part.a, clause.term) ? [clause.term] : []);
      terms.forEach(function (term) {
        var exact = term === clause.term;
        if (!exact && term.indexOf(clause.term) !== 0) {
          return;
        }
        var titled = new Set(part.t && has(part.t, term) ? numbers(part.t[term]) : []);
        var factor = clause.kind === "p" ? NEIGHBOURS : exact ? 1 : PREFIX;
        numbers(part.a[term]).forEach(function (number) {
          var weight = (titled.has(number) ? TITLE : BODY) * factor;
          if (!(found.get(number) >= weight)) {
            found.set(number, weight);
          }
        });
      });
    });
    return found;
  }

  /* The developments that satisfy every clause and filter, best first: by weight, then newest (highest number). */
  function rank(required, bonus, filters) {
    var sets = required.slice().sort(function (a, b) { return a.size - b.size; });
    var results = [];
    var candidates = sets.length ? sets[0].keys() : filters.length ? filters[0] : [];
    Array.from(candidates).forEach(function (number) {
      var score = 0;
      for (var i = 0; i < sets.length; i += 1) {
        if (!sets[i].has(number)) {
          return;
        }
        score += sets[i].get(number);
      }
      for (var j = 0; j < filters.length; j += 1) {
        if (!filters[j].has(number)) {
          return;
        }
      }
      bonus.forEach(function (pair) { score += pair.get(number) || 0; });
      results.push({ number: number, score: score });
    });
    return results.sort(function (a, b) { return b.score - a.score || b.number - a.number; });
  }

  /* The ranked results of a query and filters, with the parts of the index they need loaded. */
  function search(query, chosen) {
    var parsed = parse(query);
    var clauses = parsed.clauses.concat(parsed.bonus);
    var active = FILTERS.filter(function (kind) { return chosen[kind]; });
    if (!parsed.clauses.length && !active.length) {
      return Promise.resolve({ parsed: parsed, results: null });
    }
    var wanted = clauses.map(function (clause) { return Promise.all(partsOf(clause).map(load)); });
    var filtering = active.map(function (kind) {
      return load("f/" + kind).then(function (values) {
        return new Set(has(values, chosen[kind]) ? numbers(values[chosen[kind]]) : []);
      });
    });
    return Promise.all([Promise.all(wanted), Promise.all(filtering)]).then(function (loaded) {
      var found = clauses.map(function (clause, index) { return matches(clause, loaded[0][index]); });
      var required = found.slice(0, parsed.clauses.length);
      return { parsed: parsed, results: rank(required, found.slice(parsed.clauses.length), loaded[1]) };
    });
  }

  /* --- Showing results ------------------------------------------------------------------------ */

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text) {
      node.textContent = text;
    }
    return node;
  }

  /* Where the query's words are in a text: [[start, end], ...], in order, not overlapping. */
  function marked(text, parsed) {
    var ranges = [];
    var match;
    TOKEN.lastIndex = 0;
    while ((match = TOKEN.exec(text)) !== null) {
      var token = fold(match[0]);
      var start = match.index;
      if (IS_CJK.test(token)) {
        parsed.cjk.forEach(function (run) {
          for (var at = token.indexOf(run); at !== -1; at = token.indexOf(run, at + 1)) {
            ranges.push([start + at, start + at + run.length]);
          }
        });
        continue;
      }
      var term = stem(token);
      var hit = parsed.stems.some(function (wanted) {
        return term === wanted.term || (wanted.prefix && term.indexOf(wanted.term) === 0);
      });
      if (hit) {
        ranges.push([start, start + match[0].length]);
      }
    }
    ranges.sort(function (a, b) { return a[0] - b[0]; });
    return ranges.filter(function (range, index) { return index === 0 || range[0] >= ranges[index - 1][1]; });
  }

  /* Append text[start:end] to node, with the ranges in <mark>; text is never parsed as HTML. */
  function appendMarked(node, text, ranges, start, end) {
    var at = start;
    ranges.forEach(function (range) {
      if (range[0] < at || range[1] > end) {
        return;
      }
      node.appendChild(document.createTextNode(text.slice(at, range[0])));
      node.appendChild(element("mark", "", text.slice(range[0], range[1])));
      at = range[1];
    });
    node.appendChild(document.createTextNode(text.slice(at, end)));
  }

  /* A few lines of text around the first match, with every match marked. */
  function snippet(text, parsed) {
    var node = element("p", "search-snippet");
    var ranges = marked(text, parsed);
    var start = ranges.length ? Math.max(0, ranges[0][0] - 60) : 0;
    if (start > 0) {
      var space = text.indexOf(" ", start);
      start = space !== -1 && space < ranges[0][0] ? space + 1 : start;
    }
    var end = Math.min(text.length, start + SNIPPET);
    if (end < text.length) {
      var last = text.lastIndexOf(" ", end);
      end = last > start + SNIPPET / 2 ? last : end;
    }
    if (start > 0) {
      node.appendChild(document.createTextNode("… "));
    }
    appendMarked(node, text, ranges, start, end);
    if (end < text.length) {
      node.appendChild(document.createTextNode(" …"));
    }
    return node;
  }

  function item(doc, parsed, root) {
    var node = element("li");
    var heading = element("h2", "development-title");
    var link = element("a");
    link.href = root + doc[0];
    appendMarked(link, doc[1], marked(doc[1], parsed), 0, doc[1].length);
    heading.appendChild(link);
    node.appendChild(heading);
    node.appendChild(element("p", "item-meta", doc[2]));
    if (doc[3]) {
      node.appendChild(snippet(doc[3], parsed));
    }
    return node;
  }

  /* The status line, in the page's language: the form carries its sentences, {count} and {query} to fill. */
  function said(form, count, query) {
    var kind = !query.trim() ? "data-listed" : count === 0 ? "data-none" : count === 1 ? "data-one" : "data-many";
    return form.getAttribute(kind).replace("{count}", String(count)).replace("{query}", query);
  }

  /* --- The page -------------------------------------------------------------------------------- */

  function start() {
    var form = document.querySelector(".search-form");
    if (!form || !manifest || !stem) {
      return;
    }
    var root = form.getAttribute("data-root");
    base = root + "search/";
    var input = form.querySelector("input[name=q]");
    var list = document.getElementById("search-results");
    var status = document.getElementById("search-status");
    var more = document.getElementById("search-more");
    var selects = {};
    var current = { parsed: null, results: [], shown: 0 };
    var runs = 0;

    FILTERS.forEach(function (kind) {
      var select = form.querySelector("select[name=" + kind + "]");
      selects[kind] = select;
      (manifest.filters[kind] || []).forEach(function (value) {
        var option = element("option", "", value[1] + " (" + value[2] + ")");
        option.value = value[0];
        select.appendChild(option);
      });
    });

    function chosen() {
      var values = {};
      FILTERS.forEach(function (kind) { values[kind] = selects[kind].value; });
      return values;
    }

    /* The query and filters in the address, so that a list of results can be linked to. */
    function remember(query, values) {
      var params = new URLSearchParams();
      if (query) {
        params.set("q", query);
      }
      FILTERS.forEach(function (kind) {
        if (values[kind]) {
          params.set(kind, values[kind]);
        }
      });
      var search = params.toString();
      // The same search in the other editions: each has its own search page over its own developments.
      document.querySelectorAll(".language-switch a[href]").forEach(function (link) {
        var page = link.getAttribute("data-page") || link.getAttribute("href");
        link.setAttribute("data-page", page);
        link.setAttribute("href", page + (search ? "?" + search : ""));
      });
      try {
        window.history.replaceState(null, "", window.location.pathname + (search ? "?" + search : ""));
      } catch (error) {
        // Some browsers refuse to change the address of a page opened from disk; search still works.
      }
    }

    function finish() {
      form.setAttribute("data-state", "done");
    }

    /* Show the next page of results: load the developments it lists, then add them. */
    function showMore(run) {
      var page = current.results.slice(current.shown, current.shown + PAGE_SIZE);
      var size = manifest.docs;
      var names = Array.from(new Set(page.map(function (result) { return "d/" + Math.floor(result.number / size); })));
      form.setAttribute("data-state", "loading");
      return Promise.all(names.map(load)).then(function () {
        if (run !== runs) {
          return;
        }
        page.forEach(function (result) {
          var doc = shards["d/" + Math.floor(result.number / size)][result.number % size];
          list.appendChild(item(doc, current.parsed, root));
        });
        current.shown += page.length;
        more.hidden = current.shown >= current.results.length;
        finish();
      });
    }

    function failed() {
      status.textContent = form.getAttribute("data-failed");
      finish();
    }

    function run() {
      runs += 1;
      var mine = runs;
      var query = input.value;
      var values = chosen();
      remember(query, values);
      form.setAttribute("data-state", "loading");
      status.textContent = form.getAttribute("data-loading");
      search(query, values).then(function (found) {
        if (mine !== runs) {
          return null;
        }
        list.replaceChildren();
        more.hidden = true;
        if (found.results === null) {
          status.textContent = "";
          finish();
          return null;
        }
        current = { parsed: found.parsed, results: found.results, shown: 0 };
        status.textContent = said(form, found.results.length, query);
        return showMore(mine);
      }).catch(failed);
    }

    var params = new URLSearchParams(window.location.search);
    input.value = params.get("q") || "";
    FILTERS.forEach(function (kind) { selects[kind].value = params.get(kind) || ""; });
    form.hidden = false;
    input.addEventListener("input", run);
    FILTERS.forEach(function (kind) { selects[kind].addEventListener("change", run); });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      run();
    });
    more.addEventListener("click", function () { showMore(runs).catch(failed); });
    run();
  }

  start();
}());
