// Small page behaviours, in a file so the Content-Security-Policy can refuse every inline script.
(function () {
  "use strict";

  // Bars whose width is data: the template says data-width="42", the style is set here, as
  // style= attributes are refused by the CSP (setting element.style from a script is allowed).
  function sizeBars(root) {
    root.querySelectorAll("[data-width]").forEach(function (element) {
      var width = parseFloat(element.getAttribute("data-width"));
      if (!isNaN(width)) element.style.width = Math.max(0, Math.min(100, width)) + "%";
    });
  }

  // The error summary takes the focus, so a screen reader announces it and a keyboard user
  // starts from it; its links move the focus to the field, not just scroll to it.
  function focusErrorSummary() {
    var summary = document.querySelector("[data-error-summary]");
    if (!summary) return;
    summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      if (!link) return;
      var field = document.getElementById(link.getAttribute("href").slice(1));
      if (!field) return;
      event.preventDefault();
      field.scrollIntoView({block: "center"});
      field.focus();
    });
  }

  // Every table scrolls inside its own box on a narrow screen rather than widening the page.
  // A box that does scroll is made reachable by keyboard (Tab, then the arrow keys) and named.
  function tablesScrollInPlace() {
    document.querySelectorAll("main table").forEach(function (table) {
      var box = table.parentElement;
      if (!box.classList.contains("table-responsive")) {
        box = document.createElement("div");
        box.className = "table-responsive";
        table.parentNode.insertBefore(box, table);
        box.appendChild(table);
      }
      if (box.scrollWidth > box.clientWidth + 1) {
        var caption = table.querySelector("caption");
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", caption ? caption.textContent.trim() : "Table, scrolls sideways");
      }
    });
  }

  // <button data-print> prints the page; <form data-confirm="Question?"> asks before sending.
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) window.print();
  });
  document.addEventListener("submit", function (event) {
    var question = event.target.getAttribute && event.target.getAttribute("data-confirm");
    if (question && !window.confirm(question)) event.preventDefault();
  });

  document.addEventListener("DOMContentLoaded", function () {
    sizeBars(document);
    tablesScrollInPlace();
    focusErrorSummary();
  });
  window.addEventListener("resize", tablesScrollInPlace);
  document.addEventListener("htmx:afterSettle", function () { sizeBars(document); });
})();
