/* catgen search: the header box with results as you type, and the /search/ page.
   The index is a trie of shards (catgen.website.search.shards): search/index.js lists the nodes,
   each word is looked up in the longest listed node that starts it (w/<prefix>.js), whose records
   show a first screen of results; d/<n>.js holds the other records. Every file is a script calling
   catgenSearchData(key, value), so the search works from a file:// copy too. Words are matched whole
   as a prefix (one letter: exactly); all words must match; the score of a word is the exact or prefix
   weight of the best field it was found in, and ties go to the lower document number (kind, name,
   newer versions first). Text from the index is only ever set with textContent and setAttribute.
   No other host is contacted: every address is relative to this script's own. */
(function () {
  "use strict";
  var script = document.currentScript;
  var ROOT = script ? script.src.replace(/assets\/catgen\/catgen-search\.js(\?.*)?$/, "") : "/";
  var WORD = /[0-9a-z]+(?:[.@_:-][0-9a-z]+)*/g;
  var SHOWN_AHEAD = 8, PAGE = 20, DEBOUNCE_MS = 60;

  function el(tag, attrs, content) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (content !== undefined && content !== null) node.textContent = String(content);
    return node;
  }

  /* -- loading index files: one <script> each, answered by catgenSearchData -- */
  var loading = {};
  window.catgenSearchData = function (key, value) {
    if (loading[key] && loading[key].resolve) loading[key].resolve(value);
  };
  function load(key) {
    if (!loading[key]) {
      var entry = {};
      entry.promise = new Promise(function (resolve, reject) {
        entry.resolve = resolve;
        var tag = el("script", {src: ROOT + "search/" + key + ".js"});
        tag.onerror = function () { reject(new Error("search/" + key + ".js could not be loaded")); };
        tag.onload = function () { tag.remove(); resolve(null); };  // a file without its call: no data
        document.head.appendChild(tag);
      });
      loading[key] = entry;
    }
    return loading[key].promise;
  }

  function fileKey(prefix) {
    return prefix.replace(/[^0-9a-z]/g, function (c) { return "_" + ("0" + c.charCodeAt(0).toString(16)).slice(-2); });
  }

  var indexPromise = null;
  function index() {
    if (!indexPromise) {
      indexPromise = load("index").then(function (data) {
        data.leafSet = Object.create(null); data.innerSet = Object.create(null);  // "constructor" is a word too
        data.leaves.forEach(function (p) { data.leafSet[p] = true; });
        data.inner.forEach(function (p) { data.innerSet[p] = true; });
        return data;
      });
    }
    return indexPromise;
  }

  /* A page's address: from a file:// copy a folder address opens the folder, so name its index.html. */
  function pageHref(address) {
    var at = address.search(/[?#]|$/), path = address.slice(0, at);
    var file = window.location.protocol === "file:" && (path === "" || path.slice(-1) === "/") ? "index.html" : "";
    return ROOT + path + file + address.slice(at);
  }

  /* As the index folds text (catgen.website.search.tokens.folded): lower case, no accents, "ß" is "ss". */
  function fold(text) {
    return text.toLowerCase().normalize("NFKD").replace(/\p{M}/gu, "").replace(/\u00df/g, "ss");
  }

  function words(query) {
    return (fold(query).match(WORD) || []).map(function (w) { return w.slice(0, 80); });
  }

  /* The entry of one word: [total, [class, first number, gap...]...] -> calls back (number, class). */
  function eachPosting(entry, visit) {
    entry[1].forEach(function (group) {
      var number = 0;
      for (var i = 1; i < group.length; i++) { number = i === 1 ? group[1] : number + group[i]; visit(number, group[0]); }
    });
  }

  /* Hits of one query word: {scores: {number: score}, records, total, more}. */
  function wordHits(idx, word) {
    var empty = {scores: {}, records: {}, total: 0, more: false};
    var prefix = null;
    for (var n = word.length; n >= 1 && prefix === null; n--) {
      var p = word.slice(0, n);
      if (idx.leafSet[p] || idx.innerSet[p]) prefix = p;
    }
    if (prefix === null || (idx.innerSet[prefix] && prefix !== word)) return Promise.resolve(empty);
    return load("w/" + fileKey(prefix)).then(function (node) {
      var hits = {scores: {}, records: node.d, total: 0, more: false};
      if (idx.innerSet[prefix] && word.length >= 2) {
        for (var i = 0; i < node.top.length; i += 2) hits.scores[node.top[i]] = node.top[i + 1];
        hits.total = node.n;
        hits.more = node.n > node.top.length / 2;
        return hits;
      }
      var counted = 0;  // the most documents one matching word has (its list may be capped)
      Object.keys(node.w).forEach(function (token) {
        var exact = token === word;
        if (!exact && (word.length < 2 || token.indexOf(word) !== 0)) return;
        var entry = node.w[token], weights = exact ? idx.exact : idx.prefix, listed = 0;
        eachPosting(entry, function (number, cls) {
          listed++;
          if ((hits.scores[number] || -1) < weights[cls]) hits.scores[number] = weights[cls];
        });
        if (entry[0] > listed) hits.more = true;
        counted = Math.max(counted, entry[0]);
      });
      hits.total = Math.max(counted, Object.keys(hits.scores).length);
      return hits;
    });
  }

  function kindOf(idx, number) {
    for (var i = 0; i < idx.kinds.length; i++) {
      if (number >= idx.kinds[i][1] && number < idx.kinds[i][2]) return idx.kinds[i][0];
    }
    return "";
  }

  /* All words must match; the scores add up. Resolves {ids (ranked), total, more, records, index}. */
  function search(query, kind) {
    var terms = words(query);
    if (!terms.length) return Promise.resolve({ids: [], total: 0, more: false, records: {}});
    return index().then(function (idx) {
      return Promise.all(terms.map(function (w) { return wordHits(idx, w); })).then(function (perWord) {
        var scores = {}, records = {}, more = false;
        // a count is exact for one word; with more, capped lists may hide some documents that have all words
        perWord.forEach(function (h) { Object.assign(records, h.records); more = more || (perWord.length > 1 && h.more); });
        Object.keys(perWord[0].scores).forEach(function (id) {
          var total = 0;
          for (var i = 0; i < perWord.length; i++) {
            if (!(id in perWord[i].scores)) return;
            total += perWord[i].scores[id];
          }
          if (!kind || kindOf(idx, Number(id)) === kind) scores[id] = total;
        });
        var ids = Object.keys(scores).map(Number).sort(function (a, b) { return scores[b] - scores[a] || a - b; });
        var total = perWord.length === 1 && !kind ? Math.max(perWord[0].total, ids.length) : ids.length;
        return {ids: ids, total: total, more: more, records: records, index: idx};
      });
    });
  }

  /* A record as [title, address, kind, reference or page, summary]: inline records are short (a manifest's is its
     reference, its title and address follow as in catgen.website.urls; anything else's is [title, address, page]). */
  function expand(idx, number, inline) {
    if (typeof inline !== "string") return [inline[0], inline[1], kindOf(idx, number), inline[2], ""];
    var colon = inline.indexOf(":"), rest = inline.slice(colon + 1), at = rest.indexOf("@");
    var name = at < 0 ? rest : rest.slice(0, at), version = at < 0 ? "" : rest.slice(at + 1);
    var address = idx.plurals[inline.slice(0, colon)] + "/" + name + "/" + (version ? version + "/" : "");
    return [version ? name + " " + version : name, address, kindOf(idx, number), inline, ""];
  }

  /* The whole records of ``ids`` from the document table (d/<n>.js), for summaries and results no node carried. */
  function tableRecords(found, ids) {
    var chunks = {}, size = found.index.chunk;
    ids.forEach(function (id) { chunks[Math.floor(id / size)] = true; });
    return Promise.all(Object.keys(chunks).map(function (c) {
      return load("d/" + c).then(function (table) {
        table.forEach(function (record, i) { found.table[Number(c) * size + i] = record; });
      });
    })).then(function () { return ids.map(function (id) { return found.table[id]; }); });
  }

  /* The records of ``ids``: from the nodes already read, else from the document table. */
  function recordsOf(found, ids) {
    found.table = found.table || {};
    var missing = ids.filter(function (id) { return !found.records[id]; });
    return (missing.length ? tableRecords(found, missing) : Promise.resolve()).then(function () {
      return ids.map(function (id) {
        return found.records[id] ? expand(found.index, id, found.records[id]) : found.table[id];
      });
    });
  }

  function resultContent(node, record) {
    node.appendChild(el("span", {"class": "cg-result-title"}, record[0]));
    node.appendChild(el("span", {"class": "cg-kind"}, record[2]));
    if (record[3] && record[2] !== "Guide") node.appendChild(el("code", {"class": "cg-result-ref"}, record[3]));
    if (record[2] === "Guide" && record[3] && record[3] !== record[0]) {
      node.appendChild(el("span", {"class": "cg-result-page"}, record[3]));
    }
  }

  /* -- the /search/ page ------------------------------------------------ */
  function searchPage(form) {
    var results = document.querySelector(".cg-search-results");
    var params = new URLSearchParams(window.location.search);
    var query = params.get("q") || "", kind = params.get("kind") || "";
    form.elements.q.value = query;
    if (form.elements.kind) {
      form.elements.kind.value = kind;
      form.elements.kind.addEventListener("change", function () { form.submit(); });
    }
    if (!query) return;
    results.textContent = "Searching…";
    search(query, kind).then(function (found) {
      results.textContent = "";
      var count = found.total + (found.more ? "+" : "") + " result" + (found.total === 1 ? "" : "s");
      results.appendChild(el("p", {"class": "cg-search-count"}, count + " for “" + query + "”" + (kind ? " (" + kind + ")" : "")));
      var list = el("ol", {"class": "cg-search-list"});
      results.appendChild(list);
      var more = el("button", {type: "button", "class": "cg-search-more"}, "More results");
      var shown = 0;
      found.table = {};
      function showMore() {
        var next = found.ids.slice(shown, shown + PAGE);
        shown += next.length;
        more.hidden = shown >= found.ids.length;
        return recordsOf(found, next).then(function (records) {
          var summaries = records.map(function (record) {
            var item = el("li", {"class": "cg-search-hit"});
            item.appendChild(el("a", {href: pageHref(record[1]), "class": "cg-result"}, record[0]));
            item.appendChild(el("span", {"class": "cg-kind"}, record[2]));
            if (record[3] && record[2] !== "Guide") item.appendChild(el("code", {"class": "cg-result-ref"}, record[3]));
            if (record[2] === "Guide" && record[3] !== record[0]) item.appendChild(el("span", {"class": "cg-result-page"}, record[3]));
            var summary = el("div", {"class": "cg-result-summary"}, record[4]);
            item.appendChild(summary);
            list.appendChild(item);
            return summary;
          });
          return tableRecords(found, next).then(function (whole) {  // summaries come after the first screen
            whole.forEach(function (record, i) { if (record) summaries[i].textContent = record[4]; });
          });
        });
      }
      more.addEventListener("click", showMore);
      results.appendChild(more);
      return showMore();
    }).catch(function (err) { results.textContent = "Search failed: " + err.message; });
  }

  /* -- the header box: a combobox with a listbox of results as you type -- */
  function headerSearch() {
    var header = document.querySelector(".md-header__inner");
    if (!header || document.querySelector(".cg-header-search")) return;
    // Material's own search (when its plugin runs under plain mkdocs) gives way: this one covers the guide too.
    Array.prototype.forEach.call(header.querySelectorAll(".md-search, label[for='__search']"), function (node) {
      node.hidden = true; node.style.display = "none";
    });
    var form = el("form", {"class": "cg-header-search", action: pageHref("search/"), method: "get", role: "search"});
    var input = el("input", {type: "search", name: "q", placeholder: "Search the catalog", autocomplete: "off",
                             role: "combobox", "aria-label": "Search the catalog", "aria-autocomplete": "list",
                             "aria-expanded": "false", "aria-controls": "cg-typeahead"});
    var list = el("ul", {id: "cg-typeahead", "class": "cg-typeahead", role: "listbox", "aria-label": "Results"});
    list.hidden = true;
    form.appendChild(input);
    form.appendChild(list);
    header.insertBefore(form, header.querySelector(".md-header__source") || null);
    typeahead(form, input, list);
  }

  function typeahead(form, input, list) {
    var timer = null, asked = 0, active = -1;
    function options() { return list.querySelectorAll("[role=option]"); }
    function close() {
      list.hidden = true; active = -1;
      input.setAttribute("aria-expanded", "false"); input.removeAttribute("aria-activedescendant");
    }
    function highlight(index) {
      var all = options();
      if (!all.length) return;
      active = (index + all.length) % all.length;
      Array.prototype.forEach.call(all, function (o, i) { o.setAttribute("aria-selected", i === active ? "true" : "false"); });
      input.setAttribute("aria-activedescendant", all[active].id);
      all[active].scrollIntoView({block: "nearest"});
    }
    function option(n, href, fill) {
      var item = el("li", {role: "option", id: "cg-typeahead-" + n, "aria-selected": "false", "class": "cg-typeahead-option"});
      var link = el("a", {href: href, tabindex: "-1"});
      fill(link);
      item.appendChild(link);
      list.appendChild(item);
    }
    function show(query, found, records) {
      list.textContent = "";
      records.forEach(function (record, n) {
        option(n, pageHref(record[1]), function (link) { resultContent(link, record); });
      });
      var all = pageHref("search/?q=" + encodeURIComponent(query));
      var label = found.ids.length ? "All " + found.total + (found.more ? "+" : "") + " results" : "No results";
      option(records.length, all, function (link) { link.textContent = label + " for “" + query + "”"; });
      list.hidden = false; active = -1;
      list.setAttribute("data-query", query);  // which query the list answers (tests wait on it)
      input.setAttribute("aria-expanded", "true"); input.removeAttribute("aria-activedescendant");
    }
    function ask() {
      var query = input.value, mine = ++asked;
      if (query.trim().length < 2 || !words(query).length) { close(); return; }
      search(query, "").then(function (found) {
        return recordsOf(found, found.ids.slice(0, SHOWN_AHEAD)).then(function (records) {
          if (mine === asked) show(query, found, records);
        });
      }).catch(function () { if (mine === asked) close(); });
    }
    input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(ask, DEBOUNCE_MS); });
    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        if (list.hidden) { ask(); return; }
        highlight(active + (e.key === "ArrowDown" ? 1 : -1));
      } else if (e.key === "Enter" && !list.hidden && active >= 0) {
        e.preventDefault();
        window.location.href = options()[active].querySelector("a").href;
      } else if (e.key === "Escape") {
        if (list.hidden) input.value = ""; else close();
      }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
    form.addEventListener("submit", function () { clearTimeout(timer); });
  }

  function init() {
    var form = document.querySelector("form.cg-search-form");
    if (form) searchPage(form);
    headerSearch();
  }
  window.catgenSearch = search;
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();
