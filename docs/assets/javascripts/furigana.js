// ふりがな (on / off): the readings are in the page already (generator/registry/furigana.py); this only switches the CSS
// class that draws them. Remembered in localStorage on this device only, never a cookie (like textsize.js).
(function () {
  "use strict";
  var KEY = "hub-furigana";
  function saved() {
    try { return window.localStorage.getItem(KEY) === "on"; } catch (e) { return false; }
  }
  function apply(on) {
    document.documentElement.classList.toggle("hub-furigana", on);
    document.querySelectorAll("[data-hub-furigana]").forEach(function (button) {
      button.setAttribute("aria-pressed", String(on));
    });
  }
  function init() {
    var group = document.querySelector(".hub-furigana-switch");
    apply(saved());
    if (!group || group.dataset.ready) { return; }
    group.dataset.ready = "1";
    group.hidden = false;
    group.addEventListener("click", function (event) {
      var button = event.target.closest("[data-hub-furigana]");
      if (!button) { return; }
      var on = button.getAttribute("aria-pressed") !== "true";
      try { window.localStorage.setItem(KEY, on ? "on" : "off"); } catch (e) { /* private mode: this page only */ }
      apply(on);
    });
  }
  apply(saved());  // as early as possible
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
