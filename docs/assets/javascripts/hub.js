// List filters: progressive enhancement. Without JavaScript every listing stays visible.
// The chosen filters live in the URL (?method=line&flag=free&town=203840), so a filtered list can be
// shared as a link and the back button returns to the previous choice.
(function () {
  "use strict";
  function setup(form) {
    var cards = Array.prototype.slice.call(document.querySelectorAll(".hub-card"));
    var count = form.querySelector(".hub-filters__count");
    var townRegion = {}, regionTowns = {};
    Array.prototype.forEach.call(form.querySelectorAll('select[name="town"] option[data-region]'), function (o) {
      townRegion[o.value] = o.dataset.region;
      (regionTowns[o.dataset.region] = regionTowns[o.dataset.region] || []).push(o.value);
    });
    function checked(name) {
      return Array.prototype.slice.call(form.querySelectorAll('input[name="' + name + '"]:checked'))
        .map(function (input) { return input.value; });
    }
    function selected(name) { var s = form.querySelector('select[name="' + name + '"]'); return s ? s.value : ""; }
    function words(card, key) { return (card.dataset[key] || "").split(" ").filter(Boolean); }
    // Mirrors Entry.accepts() in generator/index.py: residents of `town` may use this listing.
    function acceptsTown(card, town) {
      var area = words(card, "area"), region = townRegion[town], accepts = card.dataset.accepts;
      if (area.indexOf(town) >= 0 || area.indexOf(region) >= 0 || area.indexOf("prefecture") >= 0 || area.indexOf("national") >= 0) { return true; }
      if (accepts === "anywhere" || accepts === "prefecture") { return true; }
      return accepts === "region" && !!card.dataset.town && townRegion[card.dataset.town] === region;
    }
    // Mirrors Index.in_region(): located in the region, or serving it (or one of its towns) specifically.
    function inRegion(card, region) {
      var area = words(card, "area"), codes = regionTowns[region] || [];
      return (!!card.dataset.town && codes.indexOf(card.dataset.town) >= 0) || area.indexOf(region) >= 0 ||
        area.some(function (a) { return codes.indexOf(a) >= 0; });
    }
    function apply() {
      var methods = checked("method"), flags = checked("flag"), audiences = checked("audience");
      var region = selected("region"), town = selected("town");
      var shown = 0;
      cards.forEach(function (card) {
        var has = (card.dataset.methods || "").split(" ");
        var who = (card.dataset.audience || "").split(" ");
        var ok = methods.every(function (m) { return has.indexOf(m) >= 0; }) &&
          flags.every(function (f) { return card.getAttribute("data-" + f) === "1"; }) &&
          (audiences.length === 0 || who.indexOf("anyone") >= 0 ||
            audiences.some(function (a) { return who.indexOf(a) >= 0; })) &&
          (!region || inRegion(card, region)) && (!town || acceptsTown(card, town));
        card.hidden = !ok;
        if (ok) { shown += 1; }
      });
      count.textContent = shown + "件 表示しています (全" + cards.length + "件)";
    }
    function toQuery() {
      var params = new URLSearchParams();
      Array.prototype.forEach.call(form.elements, function (el) {
        if ((el.type === "checkbox" && el.checked) || (el.tagName === "SELECT" && el.value)) { params.append(el.name, el.value); }
      });
      var text = params.toString();
      return text ? "?" + text : "";
    }
    function fromQuery() {
      var params = new URLSearchParams(location.search);
      Array.prototype.forEach.call(form.elements, function (el) {
        if (el.type === "checkbox") { el.checked = params.getAll(el.name).indexOf(el.value) >= 0; }
        if (el.tagName === "SELECT") { el.value = params.get(el.name) || ""; }
      });
    }
    function remember() {
      var query = toQuery();
      if (query !== location.search) { history.pushState(null, "", location.pathname + query + location.hash); }
    }
    form.hidden = false;
    form.addEventListener("change", function () { apply(); remember(); });
    form.addEventListener("reset", function () { setTimeout(function () { apply(); remember(); }, 0); });
    window.addEventListener("popstate", function () { fromQuery(); apply(); });
    fromQuery();
    apply();
  }
  function init() {
    var form = document.querySelector("form[data-hub-filter]");
    if (form && !form.dataset.ready) { form.dataset.ready = "1"; setup(form); }
  }
  if (typeof document$ !== "undefined") { document$.subscribe(init); } else { document.addEventListener("DOMContentLoaded", init); }
})();
