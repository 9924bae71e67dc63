// nianbao review: a click on a figure shows its source; the index sorts and filters.
// Plain DOM, no framework, nothing fetched: the site opens from file://.
"use strict";

(function () {
  function sourceOf(key) {
    return document.querySelector('[data-source-of="' + CSS.escape(key) + '"]');
  }

  // A table the report read a cell from goes into the page once, as a <template>; a figure's
  // view gets a copy, its cell marked, the first time the figure is shown.
  function fillTableViews(source) {
    source.querySelectorAll(".table-view:not(.filled)").forEach(function (view) {
      var template = document.getElementById("table-" + view.dataset.table);
      if (!template) return;
      view.appendChild(template.content.cloneNode(true));
      var cell = view.querySelector('[data-cell="' + view.dataset.row + "." + view.dataset.col + '"]');
      if (cell) cell.classList.add("mark");
      view.classList.add("filled");
    });
  }

  function show(key) {
    var source = sourceOf(key);
    if (!source) return;
    document.querySelectorAll("[data-source-of]:not([hidden])").forEach(function (other) {
      other.hidden = true;
    });
    document.querySelectorAll(".fig.selected").forEach(function (cell) {
      cell.classList.remove("selected");
    });
    fillTableViews(source);
    source.hidden = false;
    var hint = document.querySelector(".viewer .hint");
    if (hint) hint.hidden = true;
    var cell = document.querySelector('[data-key="' + CSS.escape(key) + '"]');
    if (cell) cell.classList.add("selected");
    // The mark into view inside the viewer, so that the page stays where it was clicked.
    var mark = source.querySelector(".box, .mark, mark");
    var viewer = source.closest(".viewer");
    if (mark && viewer) {
      var top = mark.getBoundingClientRect().top - viewer.getBoundingClientRect().top;
      viewer.scrollTop = Math.max(0, viewer.scrollTop + top - viewer.clientHeight / 3);
      var across = mark.closest(".table-view");
      if (across) across.scrollLeft = Math.max(0, mark.offsetLeft - across.clientWidth / 2);
      // A viewer taller than the window's rest (the page not yet scrolled): the least move.
      mark.scrollIntoView({ block: "nearest", inline: "nearest" });
    }
  }

  document.addEventListener("click", function (event) {
    var target = event.target.closest("[data-key], [data-show]");
    if (target) show(target.dataset.key || target.dataset.show);
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && event.target.dataset && event.target.dataset.key) {
      show(event.target.dataset.key);
    }
  });

  // --- the index -----------------------------------------------------------------------------
  var table = document.querySelector("table.reports");
  if (!table) return;
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var numeric = { year: true, figures: true, failed: true, undetermined: true };

  // `2024`, `>0`, `<=10`, `2019-2021`: a number's test; anything else: a text's part.
  function test(field, wanted) {
    wanted = wanted.trim();
    if (!wanted) return function () { return true; };
    if (field === "partial") return function (v) { return v === wanted; };
    if (!numeric[field]) {
      wanted = wanted.toLowerCase();
      return function (v) { return v.toLowerCase().indexOf(wanted) >= 0; };
    }
    var m;
    if ((m = wanted.match(/^(>=|<=|>|<|=)?\s*(-?\d+(?:\.\d+)?)$/))) {
      var n = parseFloat(m[2]), op = m[1] || "=";
      return function (v) {
        if (v === "") return false;
        var x = parseFloat(v);
        return op === ">" ? x > n : op === "<" ? x < n : op === ">=" ? x >= n : op === "<=" ? x <= n : x === n;
      };
    }
    if ((m = wanted.match(/^(\d+)\s*-\s*(\d+)$/))) {
      var low = parseFloat(m[1]), high = parseFloat(m[2]);
      return function (v) { var x = parseFloat(v); return x >= low && x <= high; };
    }
    return function () { return false; };
  }

  function filter() {
    var tests = [];
    document.querySelectorAll("[data-filter]").forEach(function (input) {
      tests.push([input.dataset.filter, test(input.dataset.filter, input.value)]);
    });
    var shown = 0, bodies = {};
    rows.forEach(function (row) {
      var ok = tests.every(function (t) { return t[1](row.dataset[t[0]] || ""); });
      row.hidden = !ok;
      if (ok) { shown += 1; bodies[row.dataset.body] = true; }
    });
    document.querySelectorAll("figure.chart").forEach(function (chart) {
      chart.hidden = !bodies[chart.dataset.body];
    });
    var out = document.querySelector(".filters .shown");
    if (out) out.textContent = shown + " of " + rows.length + " shown";
  }

  document.querySelectorAll("[data-filter]").forEach(function (input) {
    input.addEventListener("input", filter);
    input.addEventListener("change", filter);
  });

  table.tHead.addEventListener("click", function (event) {
    var th = event.target.closest("th[data-sort]");
    if (!th) return;
    var field = th.dataset.sort;
    var up = th.getAttribute("aria-sort") !== "ascending";
    table.tHead.querySelectorAll("th").forEach(function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", up ? "ascending" : "descending");
    rows.sort(function (a, b) {
      var x = a.dataset[field] || "", y = b.dataset[field] || "";
      var c = numeric[field] ? (parseFloat(x) || 0) - (parseFloat(y) || 0) : x.localeCompare(y, "zh");
      return up ? c : -c;
    });
    rows.forEach(function (row) { body.appendChild(row); });
  });
  filter();
})();
