// Flyers: the 「印刷する」 button opens the browser's print dialog. Without JavaScript it stays hidden,
// and the browser's own print command prints the same single sheet.
(function () {
  "use strict";
  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-hub-print]"), function (button) {
      button.hidden = false;
      button.onclick = function () { window.print(); };
    });
  }
  if (typeof document$ !== "undefined") { document$.subscribe(init); } else { document.addEventListener("DOMContentLoaded", init); }
})();
