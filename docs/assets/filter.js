// Filters a table by year, type and name without any third-party script.
// Without JavaScript the form stays hidden and the whole table shows.
(function () {
  "use strict";

  function setUp(form) {
    var table = document.getElementById(form.getAttribute("data-filter-for"));
    if (!table) return;
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    var count = form.querySelector(".pufa-filter__count");

    function apply() {
      var year = form.elements.year.value;
      var type = form.elements.type.value;
      var name = form.elements.name.value.trim();
      var shown = 0;
      rows.forEach(function (row) {
        var match = (!year || row.getAttribute("data-year") === year) &&
          (!type || row.getAttribute("data-type") === type) &&
          (!name || row.getAttribute("data-name").indexOf(name) !== -1);
        row.hidden = !match;
        if (match) shown += 1;
      });
      count.textContent = "显示 " + shown + " 项，共 " + rows.length + " 项";
    }

    form.addEventListener("input", apply);
    form.addEventListener("change", apply);
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    form.hidden = false;
    apply();
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("form[data-filter-for]"), setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
