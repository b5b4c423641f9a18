// 长辈模式 switch and keyboard access to scrolling tables. No third-party script.
(function () {
  "use strict";
  var KEY = "pufa-mode";

  function setUpSwitch() {
    var button = document.querySelector(".pufa-mode");
    if (!button || button.getAttribute("data-ready")) return;
    button.setAttribute("data-ready", "1");
    var root = document.documentElement;
    function show() {
      button.setAttribute("aria-pressed", root.getAttribute("data-pufa-mode") === "elder" ? "true" : "false");
    }
    button.addEventListener("click", function () {
      var on = root.getAttribute("data-pufa-mode") !== "elder";
      if (on) root.setAttribute("data-pufa-mode", "elder"); else root.removeAttribute("data-pufa-mode");
      try { if (on) localStorage.setItem(KEY, "elder"); else localStorage.removeItem(KEY); } catch (e) { /* private mode */ }
      show();
    });
    show();
    button.hidden = false;
  }

  // A table wider than the screen scrolls inside its box (Material's wrapper, or the table
  // itself): let the keyboard reach and scroll it.
  function labelScrollingTables() {
    var boxes = document.querySelectorAll(".md-typeset__scrollwrap:not([tabindex])");
    Array.prototype.forEach.call(boxes, function (box) {
      box.setAttribute("tabindex", "0");
      box.setAttribute("role", "region");
      box.setAttribute("aria-label", "表格（可左右滚动）");
    });
    var tables = document.querySelectorAll(".md-typeset table:not([tabindex])");
    Array.prototype.forEach.call(tables, function (table) {
      if (table.scrollWidth > table.clientWidth + 1) table.setAttribute("tabindex", "0");
    });
  }

  function ready() { setUpSwitch(); labelScrollingTables(); }
  if (window.document$ && window.document$.subscribe) window.document$.subscribe(ready);
  else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();
})();
