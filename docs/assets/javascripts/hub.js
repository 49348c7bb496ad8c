// List filters: progressive enhancement. Without JavaScript every listing stays visible.
(function () {
  "use strict";
  function setup(form) {
    var cards = Array.prototype.slice.call(document.querySelectorAll(".hub-card"));
    var count = form.querySelector(".hub-filters__count");
    function checked(name) {
      return Array.prototype.slice.call(form.querySelectorAll('input[name="' + name + '"]:checked'))
        .map(function (input) { return input.value; });
    }
    function apply() {
      var methods = checked("method"), flags = checked("flag"), audiences = checked("audience");
      var shown = 0;
      cards.forEach(function (card) {
        var has = (card.dataset.methods || "").split(" ");
        var who = (card.dataset.audience || "").split(" ");
        var ok = methods.every(function (m) { return has.indexOf(m) >= 0; }) &&
          flags.every(function (f) { return card.getAttribute("data-" + f) === "1"; }) &&
          (audiences.length === 0 || who.indexOf("anyone") >= 0 ||
            audiences.some(function (a) { return who.indexOf(a) >= 0; }));
        card.hidden = !ok;
        if (ok) { shown += 1; }
      });
      count.textContent = shown + "件 表示しています (全" + cards.length + "件)";
    }
    form.hidden = false;
    form.addEventListener("change", apply);
    apply();
  }
  function init() {
    var form = document.querySelector("form[data-hub-filter]");
    if (form) { setup(form); }
  }
  if (typeof document$ !== "undefined") { document$.subscribe(init); } else { document.addEventListener("DOMContentLoaded", init); }
})();
