// 「このページをすぐに閉じる」 (the GOV.UK "Exit this page" pattern): the page goes blank at once and is replaced by a
// neutral one, so Back does not return to it; pressing Shift 3 times (within 5 seconds) does the same. Without
// JavaScript the button is an ordinary link to the same neutral page.
var HubExit = (function () {
  "use strict";
  var presses = [], wired = false;
  function leave(url) {
    document.documentElement.style.visibility = "hidden";  // nothing of this page stays on the screen while the next loads
    document.title = "";
    location.replace(url);
  }
  function setup() {
    var link = document.querySelector("[data-hub-exit]");
    if (!link) { return; }
    link.addEventListener("click", function (event) { event.preventDefault(); leave(link.href); });
    if (wired) { return; }
    wired = true;
    document.addEventListener("keydown", function (event) {
      var current = document.querySelector("[data-hub-exit]");
      if (event.key !== "Shift") { presses = []; return; }  // Shift with letters (typing capitals) is not a signal
      if (event.repeat || !current) { return; }
      var now = Date.now();
      presses = presses.filter(function (t) { return now - t < 5000; });
      presses.push(now);
      if (presses.length >= 3) { leave(current.href); }
    });
  }
  return { setup: setup };
})();

// 「いま受付中」「次は 月曜 8:30 から」 (issue #15). generator/site/opening.py gives each card its slots and what it does on
// public holidays and 年末年始, and the calendar of those days with the words for "check with them" (HubCalendar,
// hub-calendar.js); this only lays the slots on the visitor's calendar in Japan's time (UTC+9 all year, no summer
// time) and finds the one open now or the next.
var HubOpening = (function () {
  "use strict";
  var DAY = 1440, WEEK = ["日", "月", "火", "水", "木", "金", "土"], AHEAD = 62;
  function dayOf(iso) { var p = iso.split("-"); return Date.UTC(+p[0], +p[1] - 1, +p[2]) / 864e5; }
  function date(day) { return new Date(day * 864e5); }
  function applies(slot, day) {  // slot = [weekdays, nth weeks, days of the month, opens, closes]
    var d = date(day), dom = d.getUTCDate();
    if (slot[2].indexOf(dom) >= 0) { return true; }
    if (slot[0].indexOf(d.getUTCDay()) < 0) { return false; }
    if (!slot[1].length) { return true; }
    var last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
    return slot[1].indexOf(Math.ceil(dom / 7)) >= 0 || (slot[1].indexOf(-1) >= 0 && dom + 7 > last);
  }
  // Open stretches [start, end, why unknown (祝日・年末年始) or ""] in minutes of Japan's clock, from yesterday to AHEAD days on.
  // What a listing does on each special day: {day number: "off"} or {day number: why} (祝日・年末年始, not said).
  function specialDays(cal, on) {
    var days = {};
    Object.keys(cal.days).forEach(function (why) {
      cal.days[why].forEach(function (n) {
        if (on[why] === 1) { days[n] = "off"; } else if (on[why] === -1 && days[n] !== "off") { days[n] = why; }
      });
    });
    return days;
  }
  function stretches(data, cal, today) {
    var base = dayOf(cal.b), out = [], special = specialDays(cal, data.on);
    for (var day = today - 1; day <= today + AHEAD; day++) {
      var n = day - base, why = special[n] || "";
      if (n < 0 || n > cal.to || why === "off") { continue; }
      data.s.forEach(function (slot) {  // slot[5]: a daily line keeps its hours on days the data is silent about
        if (applies(slot, day)) { out.push([day * DAY + slot[3], day * DAY + slot[4], slot[5] ? "" : why]); }
      });
    }
    out.sort(function (a, b) { return a[0] - b[0]; });
    var merged = [];
    out.forEach(function (s) {  // 月〜金 0:00〜24:00 is one stretch from Monday to Saturday morning
      var last = merged[merged.length - 1];
      if (last && !last[2] && !s[2] && s[0] <= last[1]) { last[1] = Math.max(last[1], s[1]); } else { merged.push(s.slice()); }
    });
    return merged;
  }
  function endClock(minute) { return minute % DAY === 0 ? "24:00" : clock(minute); }
  function clock(minute) { var m = ((minute % DAY) + DAY) % DAY; return Math.floor(m / 60) + ":" + ("0" + (m % 60)).slice(-2); }
  function whenDay(day, today) {
    if (day === today) { return "きょう"; }
    if (day === today + 1) { return "あす"; }
    var d = date(day);
    if (day - today < 7) { return WEEK[d.getUTCDay()] + "曜"; }
    return (d.getUTCMonth() + 1) + "月" + d.getUTCDate() + "日 (" + WEEK[d.getUTCDay()] + ")";
  }
  // → {open: bool, text}. `now` in ms since 1970 (Date.now()).
  function status(data, now, cal) {
    cal = cal || (typeof HubCalendar !== "undefined" ? HubCalendar : null);
    var minute = Math.floor(now / 6e4) + 9 * 60, today = Math.floor(minute / DAY);
    if (!cal) { return { open: false, text: "" }; }  // no calendar, nothing claimed: the card's times stay
    if (today - dayOf(cal.b) > cal.to) { return { open: false, text: cal.ask }; }
    var all = stretches(data, cal, today), i, s, skipped = "";
    for (i = 0; i < all.length; i++) {
      s = all[i];
      if (s[0] <= minute && minute < s[1]) {
        if (s[2]) { return { open: false, text: "きょうは" + s[2] + "です。受付しているかは連絡先でご確認ください" }; }
        var until = s[1] - minute >= DAY ? "" : " (" + (Math.floor((s[1] - 1) / DAY) === today ? "" : whenDay(Math.floor((s[1] - 1) / DAY), today) + " ") + endClock(s[1]) + " まで)";
        return { open: true, text: "いま受付中" + until };
      }
    }
    if (data.part) { return { open: false, text: "" }; }  // some times are not known: only 受付中 could be said
    for (i = 0; i < all.length; i++) {
      s = all[i];
      if (s[0] <= minute) { continue; }
      if (s[2]) { skipped = skipped || s[2]; continue; }
      return { open: false, text: "次は " + whenDay(Math.floor(s[0] / DAY), today) + " " + clock(s[0]) + " から" +
        (skipped ? " (その前の" + skipped + "は、連絡先でご確認ください)" : "") };
    }
    return { open: false, text: cal.ask };
  }
  function show(root) {
    Array.prototype.forEach.call(root.querySelectorAll(".hub-now[data-hours]"), function (p) {
      var result = status(JSON.parse(p.dataset.hours), Date.now()), card = p.closest(".hub-card");
      p.textContent = result.text;
      p.classList.toggle("hub-now--open", result.open);
      if (card) { card.dataset.now = result.open ? "1" : "0"; }
    });
  }
  var timer = null;
  function keepShowing(root) {  // a page left open past 17:15 must not keep saying 受付中: the words follow the clock
    show(root);
    if (!timer) { timer = setInterval(function () { show(document); }, 60000); }
  }
  return { status: status, show: keepShowing };
})();

// List filters: progressive enhancement. Without JavaScript every listing stays visible.
// The chosen filters live in the URL (?method=line&flag=free&town=203840), so a filtered list can be
// shared as a link and the back button returns to the previous choice.
(function () {
  "use strict";
  function setup(form) {
    var cards = Array.prototype.slice.call(document.querySelectorAll(".hub-card"));
    var count = form.querySelector(".hub-filters__count"), none = form.querySelector(".hub-filters__none");
    var townRegion = {};
    Array.prototype.forEach.call(form.querySelectorAll('select[name="town"] option[data-region]'), function (o) {
      townRegion[o.value] = o.dataset.region;
    });
    function checked(name) {
      return Array.prototype.slice.call(form.querySelectorAll('input[name="' + name + '"]:checked'))
        .map(function (input) { return input.value; });
    }
    function selected(name) { var s = form.querySelector('select[name="' + name + '"]'); return s ? s.value : ""; }
    function words(card, key) { return (card.dataset[key] || "").split(" ").filter(Boolean); }
    // Who may use a listing and where it is, decided in Python (Entry.open_to, Entry.regions): the card names the
    // places ("*": anyone in the prefecture); here a town only looks for itself or its region among them.
    function acceptsTown(card, town) {
      var places = words(card, "openTo");
      return places.indexOf("*") >= 0 || places.indexOf(town) >= 0 || places.indexOf(townRegion[town]) >= 0;
    }
    function inRegion(card, region) { return words(card, "regions").indexOf(region) >= 0; }
    function state() {
      return { methods: checked("method"), flags: checked("flag"), audiences: checked("audience"),
        region: selected("region"), town: selected("town") };
    }
    function fits(card, s) {
      var has = (card.dataset.methods || "").split(" ");
      var who = words(card, "audience");  // a listing for anyone names every audience (Entry.audiences)
      return s.methods.every(function (m) { return has.indexOf(m) >= 0; }) &&
        s.flags.every(function (f) { return card.getAttribute("data-" + f) === "1"; }) &&
        (s.audiences.length === 0 || s.audiences.some(function (a) { return who.indexOf(a) >= 0; })) &&
        (!s.region || inRegion(card, s.region)) && (!s.town || acceptsTown(card, s.town));
    }
    // An option no listing here matches is hidden, unless a link ticked it: then it shows, so it can be taken away.
    function showTicked() {
      Array.prototype.forEach.call(form.querySelectorAll("[data-hub-empty]"), function (el) {
        el.hidden = !(el.tagName === "LABEL" ? el.querySelector("input").checked : el.querySelector("[data-hub-empty] input:checked"));
      });
    }
    function apply() {
      showTicked();
      var s = state(), shown = 0;
      cards.forEach(function (card) {
        var ok = fits(card, s);
        card.hidden = !ok;
        if (ok) { shown += 1; }
      });
      count.textContent = shown + "件 表示しています (全" + cards.length + "件)";
      offerWider(s, shown);
    }
    // 0 results: say so, and offer the nearest wider choice — each condition that, taken away alone, brings
    // back listings, the fewest first (the closest to what was asked).
    function offerWider(s, shown) {
      none.textContent = "";
      none.hidden = shown > 0;
      if (shown > 0) { return; }
      var choices = [];
      Array.prototype.forEach.call(form.elements, function (el) {
        var active = (el.type === "checkbox" && el.checked) || (el.tagName === "SELECT" && el.value);
        if (!active) { return; }
        var wider = state();
        if (el.type === "checkbox") {
          var key = { method: "methods", flag: "flags", audience: "audiences" }[el.name];
          wider[key] = wider[key].filter(function (v) { return v !== el.value; });
        } else { wider[el.name] = ""; }
        var n = cards.filter(function (card) { return fits(card, wider); }).length;
        var label = el.type === "checkbox" ? el.parentNode.textContent.trim() : (el.name === "town" ? "市町村の指定" : "地域の指定");
        if (n > 0) { choices.push({ el: el, n: n, label: label }); }
      });
      choices.sort(function (a, b) { return a.n - b.n; });
      var p = document.createElement("p");
      p.textContent = "この条件に合うところは見つかりませんでした。" +
        (choices.length ? "条件をひとつ外すと見つかります:" : "条件を減らしてみてください。");
      none.appendChild(p);
      choices.slice(0, 3).forEach(function (c) {
        var button = document.createElement("button");
        button.type = "button";
        button.textContent = "「" + c.label + "」を外す (" + c.n + "件)";
        button.addEventListener("click", function () {
          if (c.el.type === "checkbox") { c.el.checked = false; } else { c.el.value = ""; }
          apply();
          remember();
          count.tabIndex = -1;
          count.focus();
        });
        none.appendChild(button);
      });
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
  // 相談メモ: a field grows with what is written, so that all of it is printed.
  function memo() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-hub-memo] textarea"), function (area) {
      if (area.dataset.ready) { return; }
      area.dataset.ready = "1";
      area.addEventListener("input", function () { area.style.height = "auto"; area.style.height = area.scrollHeight + 2 + "px"; });
    });
  }
  function init() {
    HubExit.setup();
    memo();
    HubOpening.show(document);
    var form = document.querySelector("form[data-hub-filter]");
    if (form && !form.dataset.ready) { form.dataset.ready = "1"; setup(form); }
  }
  if (typeof document$ !== "undefined") { document$.subscribe(init); } else { document.addEventListener("DOMContentLoaded", init); }
})();
