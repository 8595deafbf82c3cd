/* catgen catalog pages: sortable and filterable tables (search is catgen-search.js).
   No other host is ever contacted. */
(function () {
  "use strict";

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

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("table.cg-sortable"), sortable);
    Array.prototype.forEach.call(document.querySelectorAll("table.cg-filterable"), filterable);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();
