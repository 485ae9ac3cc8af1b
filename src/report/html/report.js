(function () {
  "use strict";
  var each = function (list, fn) { Array.prototype.forEach.call(list, fn); };

  // Status buttons and a search box per framework: rows that do not match are hidden.
  function filters(section) {
    var toolbar = section.querySelector(".toolbar");
    if (!toolbar) { return; }
    var buttons = toolbar.querySelectorAll("button[data-filter]");
    var search = toolbar.querySelector("input[type=search]");
    var rows = section.querySelectorAll("tbody.ctl");
    var manual = section.querySelector("details.manual");
    var none = section.querySelector(".no-match");
    var state = { status: "all", query: "" };

    function matches(row) {
      if (state.status !== "all" && row.getAttribute("data-status") !== state.status) { return false; }
      return state.query === "" || row.textContent.toLowerCase().indexOf(state.query) !== -1;
    }

    function apply() {
      var shown = 0;
      each(rows, function (row) {
        var ok = matches(row);
        row.hidden = !ok;
        if (ok && !(manual && manual.contains(row))) { shown += 1; }
      });
      each(buttons, function (b) {
        b.setAttribute("aria-pressed", b.getAttribute("data-filter") === state.status ? "true" : "false");
      });
      if (manual) {
        var left = manual.querySelectorAll("tbody.ctl:not([hidden])").length;
        manual.hidden = left === 0;
        if (left > 0 && (state.status === "manual" || state.query !== "")) { manual.open = true; }
      }
      if (none) { none.hidden = shown !== 0; }
    }

    each(buttons, function (b) {
      b.addEventListener("click", function () {
        state.status = b.getAttribute("data-filter") || "all";
        apply();
      });
    });
    if (search) {
      search.addEventListener("input", function () {
        state.query = search.value.trim().toLowerCase();
        apply();
      });
    }
    toolbar.hidden = false;
    apply();
  }

  // Printing shows every drill-down; they close again afterwards.
  var openedForPrint = [];
  window.addEventListener("beforeprint", function () {
    each(document.querySelectorAll("details:not([open])"), function (d) {
      d.open = true;
      openedForPrint.push(d);
    });
  });
  window.addEventListener("afterprint", function () {
    openedForPrint.forEach(function (d) { d.open = false; });
    openedForPrint = [];
  });

  each(document.querySelectorAll("section.framework"), filters);
  document.documentElement.setAttribute("data-ready", "1");
})();
