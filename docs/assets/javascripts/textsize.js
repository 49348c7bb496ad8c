// 文字の大きさ (standard / large): remembered in localStorage only, never a cookie.
(function () {
  "use strict";
  var KEY = "hub-textsize";
  function saved() {
    try { return window.localStorage.getItem(KEY); } catch (e) { return null; }
  }
  function apply(size) {
    document.documentElement.classList.toggle("hub-large", size === "large");
    document.querySelectorAll("[data-hub-textsize]").forEach(function (button) {
      button.setAttribute("aria-pressed", String(button.getAttribute("data-hub-textsize") === (size || "standard")));
    });
  }
  function init() {
    var group = document.querySelector(".hub-textsize");
    apply(saved());
    if (!group || group.dataset.ready) { return; }
    group.dataset.ready = "1";
    group.hidden = false;
    group.addEventListener("click", function (event) {
      var button = event.target.closest("[data-hub-textsize]");
      if (!button) { return; }
      var size = button.getAttribute("data-hub-textsize");
      try { window.localStorage.setItem(KEY, size); } catch (e) { /* private mode: this page only */ }
      apply(size);
    });
  }
  apply(saved());  // as early as possible, before the page is drawn at the old size
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
