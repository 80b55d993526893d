/* Search of the archive, in the browser: no server. The index (search/<year>.js, loaded
   before this script) is built with the site; see newsletter/render/search.py for its layout. */
(function () {
  "use strict";

  var HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff";
  // Must split text as WORD in newsletter/content/markdown.py does: runs of letters and digits, runs of Chinese.
  var WORD = new RegExp("[" + HAN + "]+|(?:(?![" + HAN + "])[\\p{L}\\p{N}])+", "gu");
  var CHINESE = new RegExp("^[" + HAN + "]");

  /* The words of a query. A run of Chinese is looked for as its pairs of neighbouring characters,
     which the index holds: 网络 finds 网络安全, not 网上交易 and 联络 apart, nor 络网. A single
     character is looked for alone. */
  function words(text) {
    var found = [];
    (text.toLowerCase().match(WORD) || []).forEach(function (run) {
      if (!CHINESE.test(run) || run.length === 1) {
        found.push(run);
        return;
      }
      var characters = Array.from(run);
      for (var i = 0; i + 1 < characters.length; i += 1) {
        found.push(characters[i] + characters[i + 1]);
      }
    });
    return found;
  }

  /* Documents (newest first) that have, for every query word, a word starting with it.
     A document's words are separated by spaces, so a space before the query word finds a word's start.
     Chinese pairs are two characters long, as are the pairs of the index, so they match exactly. */
  function search(docs, query) {
    var queryWords = words(query);
    if (queryWords.length === 0) {
      return [];
    }
    return docs.filter(function (doc) {
      var docWords = doc[4];
      return queryWords.every(function (queryWord) {
        return docWords.startsWith(queryWord) || docWords.indexOf(" " + queryWord) !== -1;
      });
    });
  }

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

  /* The status line, in the page's language: the form carries its sentences, {count} and {query} to fill. */
  function said(form, results, query) {
    var sentence = results.length === 0 ? form.getAttribute("data-none")
      : results.length === 1 ? form.getAttribute("data-one") : form.getAttribute("data-many");
    return sentence.replace("{count}", String(results.length)).replace("{query}", query);
  }

  function show(results, query, root, form) {
    var list = document.getElementById("search-results");
    var status = document.getElementById("search-status");
    list.replaceChildren();
    if (!query.trim()) {
      status.textContent = "";
      return;
    }
    status.textContent = said(form, results, query);
    results.forEach(function (doc) {
      var item = element("li");
      var title = element("h2", "development-title");
      var link = element("a", "", doc[1]);
      link.href = root + doc[0];
      title.appendChild(link);
      item.appendChild(title);
      item.appendChild(element("p", "item-meta", doc[2]));
      if (doc[3]) {
        item.appendChild(element("p", "", doc[3]));
      }
      list.appendChild(item);
    });
  }

  function start() {
    // An archive with no development yet has no index to load.
    var docs = window.newsletterSearch || [];
    var form = document.querySelector(".search-form");
    if (!form) {
      return;
    }
    var input = form.querySelector("input[name=q]");
    var root = form.getAttribute("data-root");
    var run = function () { show(search(docs, input.value), input.value, root, form); };
    input.value = new URLSearchParams(window.location.search).get("q") || "";
    form.hidden = false;
    input.addEventListener("input", run);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      run();
    });
    run();
  }

  start();
}());
