/* catgen catalog pages: sortable and filterable tables, the audit filter, and
   search over the prefix-sharded index (search/manifest.json, search/<xx>.json,
   search/docs-<n>.json). No other host is ever contacted: every URL is relative
   to the site root, found from this script's own address. */
(function () {
  "use strict";
  var script = document.currentScript;
  var ROOT = script ? script.src.replace(/assets\/catgen\/catgen\.js(\?.*)?$/, "") : "/";

  function text(el) { return (el.textContent || "").trim(); }
  function el(tag, attrs, content) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (content !== undefined) node.textContent = content;
    return node;
  }

  /* -- tables ---------------------------------------------------------- */
  function sortable(table) {
    var heads = table.tHead ? table.tHead.rows[0].cells : [];
    Array.prototype.forEach.call(heads, function (th, index) {
      th.tabIndex = 0;
      function sort() {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = text(a.cells[index]), y = text(b.cells[index]);
          var nx = parseFloat(x), ny = parseFloat(y);
          var c = (!isNaN(nx) && !isNaN(ny) && String(nx) === x && String(ny) === y) ? nx - ny : x.localeCompare(y, undefined, {numeric: true});
          return ascending ? c : -c;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      }
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (e) { if (e.key === "Enter") sort(); });
    });
  }

  function filterable(table) {
    var input = el("input", {type: "search", "class": "cg-filter", placeholder: "Filter rows", "aria-label": "Filter rows"});
    table.parentNode.insertBefore(input, table);
    input.addEventListener("input", function () {
      var needle = input.value.toLowerCase();
      Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
        row.hidden = needle !== "" && text(row).toLowerCase().indexOf(needle) < 0;
      });
    });
  }

  function auditFilter(form) {
    var table = document.querySelector("table.cg-audit");
    if (!table) return;
    form.hidden = false;
    function apply() {
      var stage = form.elements.stage.value, asset = form.elements.asset.value.toLowerCase();
      Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
        var ok = (!stage || row.getAttribute("data-stage") === stage) &&
                 (!asset || row.getAttribute("data-asset").toLowerCase().indexOf(asset) >= 0);
        row.hidden = !ok;
      });
    }
    form.addEventListener("input", apply);
    form.addEventListener("change", apply);
    form.addEventListener("submit", function (e) { e.preventDefault(); });
  }

  /* -- search ---------------------------------------------------------- */
  var cache = {};
  function getJSON(path) {
    if (!cache[path]) {
      cache[path] = fetch(ROOT + path).then(function (r) {
        if (r.status === 404) return null;
        if (!r.ok) throw new Error(path + ": " + r.status);
        return r.json();
      });
    }
    return cache[path];
  }

  function words(query) {
    return (query.toLowerCase().match(/[0-9a-z]+(?:[.@_-][0-9a-z]+)*/g) || []).filter(function (w) { return w.length >= 2; });
  }

  /* Hits for one word: {docId: score}; a name match scores higher. */
  function wordHits(manifest, word) {
    var prefix = word.slice(0, 2);
    if (manifest.shards.indexOf(prefix) < 0) return Promise.resolve({});
    return getJSON("search/" + prefix + ".json").then(function (shard) {
      var hits = {};
      Object.keys(shard || {}).forEach(function (token) {
        if (token.indexOf(word) !== 0) return;
        var exact = token === word ? 1 : 0;
        shard[token][0].forEach(function (id) { hits[id] = Math.max(hits[id] || 0, 4 + exact); });
        shard[token][1].forEach(function (id) { hits[id] = Math.max(hits[id] || 0, 1 + exact); });
      });
      return hits;
    });
  }

  function search(query, limit) {
    var terms = words(query);
    if (!terms.length) return Promise.resolve({total: 0, results: []});
    return getJSON("search/manifest.json").then(function (manifest) {
      return Promise.all(terms.map(function (w) { return wordHits(manifest, w); })).then(function (perWord) {
        var scores = {};
        Object.keys(perWord[0]).forEach(function (id) {
          var total = 0;
          for (var i = 0; i < perWord.length; i++) {
            if (!(id in perWord[i])) return;
            total += perWord[i][id];
          }
          scores[id] = total;
        });
        var ids = Object.keys(scores).map(Number).sort(function (a, b) { return scores[b] - scores[a] || a - b; });
        var shown = ids.slice(0, limit);
        var chunks = {};
        shown.forEach(function (id) { chunks[Math.floor(id / manifest.chunk)] = true; });
        return Promise.all(Object.keys(chunks).map(function (c) {
          return getJSON("search/docs-" + c + ".json").then(function (docs) { return [Number(c), docs]; });
        })).then(function (loaded) {
          var table = {};
          loaded.forEach(function (pair) { table[pair[0]] = pair[1]; });
          return {total: ids.length, results: shown.map(function (id) {
            return table[Math.floor(id / manifest.chunk)][id % manifest.chunk];
          })};
        });
      });
    });
  }

  function searchPage(form) {
    var results = document.querySelector(".cg-search-results");
    var query = new URLSearchParams(window.location.search).get("q") || "";
    form.elements.q.value = query;
    if (!query) return;
    results.textContent = "Searching…";
    search(query, 50).then(function (found) {
      results.textContent = "";
      results.appendChild(el("p", {}, found.total + " result" + (found.total === 1 ? "" : "s") + " for “" + query + "”" + (found.total > 50 ? " (first 50)" : "")));
      var list = el("ol", {});
      found.results.forEach(function (doc) {
        var item = el("li", {});
        item.appendChild(el("a", {href: ROOT + doc[1], "class": "cg-result"}, doc[0]));
        item.appendChild(el("span", {"class": "cg-kind"}, doc[2]));
        if (doc[3]) item.appendChild(el("div", {}, doc[3]));
        list.appendChild(item);
      });
      results.appendChild(list);
    }).catch(function (err) { results.textContent = "Search failed: " + err.message; });
  }

  function headerSearch() {
    var header = document.querySelector(".md-header__inner");
    if (!header || document.querySelector(".cg-header-search")) return;
    var form = el("form", {"class": "cg-header-search", action: ROOT + "search/", method: "get", role: "search"});
    form.appendChild(el("input", {type: "search", name: "q", placeholder: "Search the catalog", "aria-label": "Search the catalog"}));
    var source = header.querySelector(".md-header__source");
    header.insertBefore(form, source || null);
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("table.cg-sortable"), sortable);
    Array.prototype.forEach.call(document.querySelectorAll("table.cg-filterable"), filterable);
    var audit = document.querySelector("form.cg-audit-filter");
    if (audit) auditFilter(audit);
    var form = document.querySelector("form.cg-search-form");
    if (form) searchPage(form);
    headerSearch();
  }
  window.catgenSearch = search;
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();
