/* catgen audit page (/audit/): filters by stage, asset, person and date range over the
   rows' data attributes (data-stage, data-asset, data-who, data-date). Keeps "N of M
   events" and each stage option's count in step with the other filters. Without this
   script every row shows and the form stays hidden. Contacts no host. */
(function () {
  "use strict";

  function values(form) {
    return {
      stage: form.elements.stage.value,
      asset: form.elements.asset.value.trim().toLowerCase(),
      person: form.elements.person.value.trim().toLowerCase(),
      from: form.elements.from.value,
      to: form.elements.to.value
    };
  }

  /* Does the row match every filter (the stage one only when withStage)? */
  function matches(row, want, withStage) {
    var day = row.getAttribute("data-date") || "";
    if (withStage && want.stage && row.getAttribute("data-stage") !== want.stage) return false;
    if (want.asset && (row.getAttribute("data-asset") || "").toLowerCase().indexOf(want.asset) < 0) return false;
    if (want.person && (row.getAttribute("data-who") || "").toLowerCase().indexOf(want.person) < 0) return false;
    if (want.from && (!day || day < want.from)) return false;
    if (want.to && (!day || day > want.to)) return false;
    return true;
  }

  function auditFilter(form, table, count) {
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    var options = Array.prototype.slice.call(form.elements.stage.options);
    options.forEach(function (option) {  /* "prod (12)": keep the label, recount the number */
      option.setAttribute("data-label", option.textContent.replace(/ \(\d+\)$/, ""));
    });
    function apply() {
      var want = values(form), shown = 0, perStage = {}, others = 0;
      rows.forEach(function (row) {
        if (matches(row, want, false)) {
          others += 1;
          var stage = row.getAttribute("data-stage");
          perStage[stage] = (perStage[stage] || 0) + 1;
        }
        row.hidden = !matches(row, want, true);
        if (!row.hidden) shown += 1;
      });
      options.forEach(function (option) {
        var n = option.value ? (perStage[option.value] || 0) : others;
        option.textContent = option.getAttribute("data-label") + " (" + n + ")";
      });
      count.querySelector(".cg-audit-shown").textContent = String(shown);
    }
    form.hidden = false;
    form.addEventListener("input", apply);
    form.addEventListener("change", apply);
    form.addEventListener("reset", function () { window.setTimeout(apply, 0); });
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    apply();
  }

  function init() {
    var form = document.querySelector("form.cg-audit-filter");
    var table = document.querySelector("table.cg-audit");
    var count = document.querySelector(".cg-audit-count");
    if (form && table && count) auditFilter(form, table, count);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();
