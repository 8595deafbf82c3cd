/* catgen /status/ page: show the catalog at any past date. The data is the
   page's own <script type="application/json" id="cg-status-timeline"> (so a
   file:// copy works too): pieces valid from one moment until another, already
   in the order the page shows them; the state at a date is the pieces with
   from <= date < until (stamps "YYYY-MM-DDTHH:MM:SSZ" compare as text). Everything is text: textContent and
   setAttribute only, never markup built from data. No other host is contacted. */
(function () {
  "use strict";
  var script = document.currentScript;
  var ROOT = script ? script.src.replace(/assets\/catgen\/catgen-status\.js(\?.*)?$/, "") : "/";
  var HEADERS = ["Workspace", "Endpoint", "Deployment", "Model", "Traffic", "Since", "Commit", "Promotion",
                 "Approved by"];

  function el(tag, attrs, content) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (content !== undefined && content !== null) node.textContent = String(content);
    return node;
  }

  function ref(data, value) {
    if (!value) return document.createTextNode("—");
    var address = Object.prototype.hasOwnProperty.call(data.urls, value) ? data.urls[value] : null;
    return address === null ? document.createTextNode(value) : el("a", {href: ROOT + address}, value);
  }

  function cell(row, content) {
    var td = el("td", {});
    if (typeof content === "string") td.textContent = content; else td.appendChild(content);
    row.appendChild(td);
  }

  function endpointRow(data, endpoint, entry) {
    var row = el("tr", {});
    cell(row, ref(data, endpoint.workspace));
    cell(row, endpoint.endpoint || "—");
    cell(row, ref(data, entry.deployment));
    cell(row, ref(data, entry.model));
    cell(row, entry.traffic === null || entry.traffic === undefined ? "" : String(entry.traffic));
    cell(row, entry.since || "—");
    cell(row, entry.commit ? el("code", {title: entry.commit}, entry.commit.slice(0, 12)) : "—");
    var promotion = el("span", {});
    promotion.appendChild(ref(data, entry.promotion));
    if (entry.revoked_by) promotion.appendChild(document.createTextNode(" (revoked)"));
    cell(row, promotion);
    cell(row, entry.approved_by.length ? entry.approved_by.join(", ") : "—");
    return row;
  }

  function stageNode(data, stage) {
    var node = el("section", {"class": "cg-status-stage", "data-stage": stage.name});
    node.appendChild(el("h2", {}, stage.name));
    node.appendChild(el("h3", {}, "Asset versions"));
    var list = el("ul", {"class": "cg-status-assets"});
    stage.assets.forEach(function (asset) {
      var item = el("li", {});
      item.appendChild(ref(data, asset));
      list.appendChild(item);
    });
    if (!stage.assets.length) list.appendChild(el("li", {}, "—"));
    node.appendChild(list);
    node.appendChild(el("h3", {}, "Endpoints"));
    var rows = [];
    stage.endpoints.forEach(function (endpoint) {
      endpoint.deployments.forEach(function (entry) { rows.push(endpointRow(data, endpoint, entry)); });
    });
    if (!rows.length) { node.appendChild(el("p", {}, "Nothing deployed.")); return node; }
    var table = el("table", {"class": "cg-table cg-status-endpoints"});
    var head = el("tr", {});
    HEADERS.forEach(function (h) { head.appendChild(el("th", {}, h)); });
    table.appendChild(el("thead", {})).appendChild(head);
    var body = table.appendChild(el("tbody", {}));
    rows.forEach(function (r) { body.appendChild(r); });
    node.appendChild(table);
    return node;
  }

  function holds(piece, at) {
    return (piece.from === null || piece.from <= at) && (piece.until === null || at < piece.until);
  }

  /* The status document at ``at``: catgen status --at's JSON (SPEC §8). */
  function stateAt(data, at) {
    var stages = {}, result = {at: at, stages: []};
    data.stages.forEach(function (name) {
      stages[name] = {name: name, assets: [], endpoints: []};
      result.stages.push(stages[name]);
    });
    data.assets.forEach(function (piece) { if (holds(piece, at)) stages[piece.stage].assets.push(piece.ref); });
    data.deployments.forEach(function (piece) {
      if (!holds(piece, at)) return;
      var endpoints = stages[piece.stage].endpoints, last = endpoints[endpoints.length - 1];
      if (!last || last.workspace !== piece.workspace || last.endpoint !== piece.endpoint) {
        last = {workspace: piece.workspace, endpoint: piece.endpoint, deployments: []};
        endpoints.push(last);
      }
      last.deployments.push(piece.entry);
    });
    return result;
  }

  function render(data, view, showing, document_, label) {
    view.textContent = "";
    if (!document_.stages.length) {
      view.appendChild(el("p", {}, "The policy defines no stages."));
    } else {
      document_.stages.forEach(function (stage) { view.appendChild(stageNode(data, stage)); });
    }
    showing.textContent = "Showing: " + label;
  }

  function init() {
    var holder = document.getElementById("cg-status-timeline");
    var form = document.querySelector("form.cg-status-when");
    var view = document.querySelector(".cg-status-view");
    var showing = document.querySelector(".cg-status-showing");
    if (!holder || !form || !view || !showing) return;
    var data;
    try { data = JSON.parse(holder.textContent); } catch (err) { return; }
    form.hidden = false;
    function apply() {
      var day = form.elements.date.value;
      if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return;
      var time = /^\d{2}:\d{2}(:\d{2})?$/.test(form.elements.time.value) ? form.elements.time.value : "23:59";
      var at = day + "T" + (time.length === 5 ? time + ":59" : time) + "Z";
      render(data, view, showing, stateAt(data, at), at);
    }
    form.addEventListener("change", apply);
    form.addEventListener("input", apply);
    form.addEventListener("submit", function (e) { e.preventDefault(); apply(); });
    form.elements.now.addEventListener("click", function () {
      form.elements.date.value = "";
      render(data, view, showing, data.now, "now (the catalog as built)");
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();
