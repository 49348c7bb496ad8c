// Site search and "find by town": progressive enhancement, no third-party requests.
// normalise()/tokens() mirror generator/site/search.py exactly (tests compare both on the same strings).
// Nothing is fetched until the visitor types; then only the shards of the query's own keys
// (search/t/<bucket>.json, bucket = a hash of the key) and one small file per shown result (search/d/<id>.json).
(function () {
  "use strict";

  // ------------------------------------------------------------ normalisation (= generator/site/search.py)
  var VARIANTS = [
    [/(?:引き?|ひき)(?:籠も?|篭も?|こも)/g, "ひきこも"],
    [/家族の会/g, "家族会"],
    [/子供|子ども/g, "こども"],
    [/[ゖヶケけ](?=[\u4e00-\u9fff])/g, "け"]
  ];
  var CJK = "\u3041-\u3096\u30fc\u3005\u3006\u4e00-\u9fff\uf900-\ufaff\u3400-\u4dbf";
  var RUN = new RegExp("[" + CJK + "]+|[a-z0-9]+(?:[._@'-][a-z0-9]+)*", "g");

  function foldChars(text) {  // length-preserving part: ASCII case and katakana → hiragana
    return text.replace(/[A-Z]+/g, function (s) { return s.toLowerCase(); })
      .replace(/[\u30a1-\u30f6]/g, function (c) { return String.fromCharCode(c.charCodeAt(0) - 0x60); });
  }
  function normalise(text) {
    text = foldChars(String(text).normalize("NFKC"));
    VARIANTS.forEach(function (v) { text = text.replace(v[0], v[1]); });
    return text;
  }
  function isCjk(run) { return !/^[a-z0-9]/.test(run); }
  function splitWord(run) { return run.split(/[._@'-]/).filter(Boolean); }
  function tokens(text) {
    var out = [];
    (normalise(text).match(RUN) || []).forEach(function (run) {
      if (isCjk(run)) {
        for (var i = 0; i < run.length; i++) { out.push(run.substr(i, 3)); }  // the last two: two and one characters
      } else { out.push.apply(out, splitWord(run)); }
    });
    return out;
  }
  // [token, isPrefix]: one or two CJK characters and the last Latin word match every token they start; longer
  // CJK runs are their overlapping triples (the characters in order), or with `apart` their pairs anywhere.
  function queryTerms(query, apart) {
    var runs = normalise(query).match(RUN) || [], terms = [], seen = {};
    runs.forEach(function (run, i) {
      var last = i === runs.length - 1, add = function (t, p) {
        if (!seen[t + p]) { seen[t + p] = 1; terms.push([t, p]); }
      };
      if (isCjk(run)) {
        var size = apart ? 2 : 3;
        if (run.length < size) { add(run, true); } else {
          for (var j = 0; j + size <= run.length; j++) { add(run.substr(j, size), !!apart); }
        }
      } else {
        var words = splitWord(run);
        words.forEach(function (w, k) { add(w, last && k === words.length - 1); });
      }
    });
    return terms;
  }
  function exactKey(text) { return "=" + (normalise(text).match(RUN) || []).join(""); }
  function bucket(key, buckets) {  // FNV-1a (32 bit) over the key's code points
    var h = 0x811c9dc5;
    for (var i = 0; i < key.length; i++) {
      var c = key.codePointAt(i);
      if (c > 0xffff) { i++; }
      h = Math.imul(h ^ c, 0x01000193) >>> 0;
    }
    return h % buckets;
  }
  function termKey(term) { return term[1] ? term[0] + "*" : term[0]; }  // a prefix looks up `token*`

  // ------------------------------------------------------------ index access and ranking
  var script = document.currentScript;
  var ROOT = script ? script.src.replace(/assets\/javascripts\/search\.js(\?.*)?$/, "") : "/";
  var cache = {};
  function fetchJson(path) {
    if (!cache[path]) {
      cache[path] = fetch(ROOT + "search/" + path, { credentials: "omit" }).then(function (r) {
        if (!r.ok) { throw new Error(path + ": " + r.status); }
        return r.json();
      });
    }
    return cache[path];
  }
  // Postings (= generator/site/search.py encode_postings): per page, its id's distance from the previous one,
  // then its weight.
  function postings(numbers) {  // [gap, weight, …] → {doc: weight}
    var map = {}, doc = 0;
    for (var i = 0; i < numbers.length; i += 2) { doc += numbers[i]; map[doc] = numbers[i + 1]; }
    return map;
  }
  // = generator/site/search.py rank(): the characters in order first; when no page holds them, their pairs (partial).
  function rank(query) {
    var terms = queryTerms(query), wider = queryTerms(query, true), exact = exactKey(query);
    if (!terms.length) { return Promise.resolve({ results: [], partial: false }); }
    var same = JSON.stringify(wider) === JSON.stringify(terms);
    return fetchJson("meta.json").then(function (meta) {
      // an index of another version (a copy cached from before an update) cannot be read: say "try again later"
      if (meta.version !== 4) { throw new Error("search index version " + meta.version); }
      return lookUp(meta, terms, exact).then(function (found) {
        if (!found.partial && (found.results.length || same)) { return found; }
        return (same ? Promise.resolve(found) : lookUp(meta, wider, exact)).then(function (wide) {
          return { results: wide.results, partial: wide.results.length > 0 };
        });
      }).then(function (found) {
        return { results: gatheredLast(found.results, meta.gather || []), partial: found.partial };
      });
    });
  }
  // Pages that gather listings (town, region, list pages) beyond the first two follow all the others.
  function gatheredLast(results, gather) {
    var kept = [], later = [], seen = 0;
    results.forEach(function (d) {
      var gathers = gather.some(function (r) { return r[0] <= d && d <= r[1]; });
      if (gathers && ++seen > 2) { later.push(d); } else { kept.push(d); }
    });
    return kept.concat(later);
  }
  function lookUp(meta, terms, exact) {
    var keys = terms.map(termKey).concat(exact.length > 1 ? [exact] : []);
    return Promise.resolve().then(function () {
      var wanted = {};
      keys.forEach(function (k) { wanted[bucket(k, meta.buckets)] = 1; });
      var names = Object.keys(wanted);
      return Promise.all(names.map(function (b) {
        return fetchJson("t/" + b + ".json").catch(function () { return {}; });
      })).then(function (loaded) {
        var shards = {}, found = {};
        names.forEach(function (b, i) { shards[b] = loaded[i]; });
        keys.forEach(function (k) { found[k] = postings(shards[bucket(k, meta.buckets)][k] || []); });
        return score(meta, found, keys.slice(0, terms.length), exact);
      });
    });
  }
  // = generator/site/search.py rank(): BM25-like sum over the terms; pages holding every term first.
  function score(meta, found, keys, exact) {
    var total = {}, hits = {};
    keys.forEach(function (key) {
      var weights = found[key], docs = Object.keys(weights), df = docs.length;
      var idf = Math.log(1 + (meta.pages - df + 0.5) / (df + 0.5));
      docs.forEach(function (d) {
        total[d] = (total[d] || 0) + idf * weights[d] / 10;
        hits[d] = (hits[d] || 0) + 1;
      });
    });
    var all = Object.keys(total), every = all.filter(function (d) { return hits[d] === keys.length; });
    if (exact.length > 1) {
      var bonus = found[exact];
      Object.keys(bonus).forEach(function (d) { if (d in total) { total[d] += bonus[d]; } });
    }
    var chosen = every.length ? every : all;
    chosen.sort(function (a, b) { return total[b] - total[a] || a - b; });
    return { results: chosen.map(Number), partial: !every.length && all.length > 0 };
  }

  // ------------------------------------------------------------ snippets (text is built with DOM nodes, never innerHTML)
  function highlightRanges(text, terms) {
    var folded = foldChars(text), marks = new Array(text.length + 1).join("0").split("");
    terms.forEach(function (term) {
      var t = term[0], from = 0, at;
      while (t && (at = folded.indexOf(t, from)) >= 0) {
        for (var i = at; i < at + t.length; i++) { marks[i] = "1"; }
        from = at + 1;
      }
    });
    return marks;
  }
  function snippet(text, terms) {
    var marks = highlightRanges(text, terms), first = marks.indexOf("1");
    var start = Math.max(0, (first < 0 ? 0 : first) - 40), end = Math.min(text.length, start + 130);
    var p = document.createElement("p"), run = "", inMark = false;
    p.className = "hub-result__snippet";
    function flush() {
      if (!run) { return; }
      if (inMark) { var m = document.createElement("mark"); m.textContent = run; p.appendChild(m); } else { p.appendChild(document.createTextNode(run)); }
      run = "";
    }
    if (start > 0) { p.appendChild(document.createTextNode("…")); }
    for (var i = start; i < end; i++) {
      var on = marks[i] === "1";
      if (on !== inMark) { flush(); inMark = on; }
      run += text.charAt(i);
    }
    flush();
    if (end < text.length) { p.appendChild(document.createTextNode("…")); }
    return p;
  }

  // ------------------------------------------------------------ the query lives after "#" (issue 17)
  // A browser never sends the part after "#": /search/#q=… keeps the words on the visitor's device. Old links
  // and browsers' own site search (OpenSearch, installed before) still open /search/?q=…; the page reads both.
  function queryInUrl() {
    var inHash = new URLSearchParams(location.hash.replace(/^#/, "")).get("q");
    return inHash !== null ? inHash : new URLSearchParams(location.search).get("q") || "";
  }
  function hashUrl(path, q) { return path + (q ? "#q=" + encodeURIComponent(q) : ""); }
  // Every search box that posts to /search/ (the header's on each page) goes there with "#q=" instead.
  function keepQueryLocal(form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var q = form.querySelector("input[name=q]").value.trim();
      location.assign(hashUrl(new URL(form.action, location.href).pathname, q));
    });
  }

  // ------------------------------------------------------------ the /search/ page
  var PAGE = 10;
  // 土日・夜・LINE・匿名 … in a query: the lists filtered for it, above the results (links only, built as DOM nodes).
  function showOffers(box, offers, q) {
    box.textContent = "";
    var query = normalise(q);
    offers.forEach(function (offer) {
      if (!offer.words.some(function (w) { return query.indexOf(normalise(w)) >= 0; })) { return; }
      var p = document.createElement("p");
      p.className = "hub-offer";
      p.appendChild(document.createTextNode(offer.label + "を一覧で見る: "));
      offer.links.forEach(function (link) {
        var a = document.createElement("a");
        a.href = ROOT + link.url;
        a.textContent = link.label + (link.count === null ? "" : " (" + link.count + "件)");
        p.appendChild(a);
      });
      box.appendChild(p);
    });
  }
  function setupSearchPage(form) {
    var offersData = document.getElementById("hub-search-offers"), offersBox = document.getElementById("search-offers");
    var offers = offersData ? JSON.parse(offersData.textContent) : [];
    var input = form.querySelector("input[name=q]"), out = document.getElementById("search-results");
    var status = document.querySelector(".hub-search__status"), seq = 0, timer = null;
    function show(query, push) {
      var mine = ++seq, q = query.trim();
      var url = hashUrl(location.pathname, q);
      if (push) { history.pushState({ q: q }, "", url); } else { history.replaceState({ q: q }, "", url); }
      document.title = (q ? q + " の検索結果 - " : "") + document.title.replace(/^.* の検索結果 - /, "");
      if (offersBox) { showOffers(offersBox, offers, q); }
      if (!q) { out.textContent = ""; status.textContent = ""; return; }
      rank(q).then(function (found) {
        if (mine !== seq) { return; }
        out.textContent = "";
        out.setAttribute("aria-busy", "true");
        var list = document.createElement("ol");
        list.className = "hub-results";
        out.appendChild(list);
        var terms = queryTerms(q), shown = 0;
        function more() {
          var batch = found.results.slice(shown, shown + PAGE);
          shown += batch.length;
          return Promise.all(batch.map(function (d) { return fetchJson("d/" + d + ".json"); })).then(function (docs) {
            if (mine !== seq) { return; }
            docs.forEach(function (doc) { list.appendChild(resultItem(doc, terms)); });
            var old = out.querySelector(".hub-results__more");
            if (old) { old.remove(); }
            if (shown < found.results.length) {
              var button = document.createElement("button");
              button.type = "button";
              button.className = "hub-results__more";
              button.textContent = "さらに表示 (残り" + (found.results.length - shown) + "件)";
              button.addEventListener("click", function () {
                var next = shown;
                more().then(function () { var a = list.children[next] && list.children[next].querySelector("a"); if (a) { a.focus(); } });
              });
              out.appendChild(button);
            }
            out.removeAttribute("aria-busy");
          });
        }
        status.textContent = found.results.length ?
          (found.partial ? "「" + q + "」をそのまま含むページはありませんでした。ことばの一部を含むページ " : "「" + q + "」の検索結果 ") +
            found.results.length + "件" :
          "「" + q + "」を含むページは見つかりませんでした。ことばを短くするか、ひらがなでもためしてください。";
        return more();
      }).catch(function () {
        if (mine === seq) { status.textContent = "検索の準備ができませんでした。しばらくしてからもう一度おためしください。"; }
      });
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { show(input.value, false); }, 150);
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      clearTimeout(timer);
      show(input.value, true);
    });
    function fromUrl() {
      input.value = queryInUrl();
      show(input.value, false);
    }
    window.addEventListener("popstate", fromUrl);
    window.addEventListener("hashchange", fromUrl);  // the header's box, used on this page
    input.value = queryInUrl();
    // Shown as /search/#q=…: a ?q=… address (an old link) is not kept in the history to be sent again.
    if (input.value) { show(input.value, false); } else { history.replaceState(null, "", location.pathname); input.focus(); }
  }
  function resultItem(doc, terms) {
    var li = document.createElement("li"), a = document.createElement("a"), meta = document.createElement("p");
    li.className = "hub-result";
    a.href = ROOT + doc.url;
    a.textContent = doc.title;
    a.className = "hub-result__title";
    meta.className = "hub-result__meta";
    meta.textContent = doc.kind + (doc.town && doc.town !== doc.title ? " ・ " + doc.town : "");
    li.appendChild(a);
    li.appendChild(meta);
    li.appendChild(snippet(doc.text, terms));
    return li;
  }

  // ------------------------------------------------------------ "find by town" combobox (WAI-ARIA 1.2 pattern)
  function setupTownFinder(box) {
    var inline = box.querySelector("script[type='application/json']");
    if (!inline) {  // the 404 page (a theme template): the same list, from search/towns.json
      fetchJson("towns.json").then(function (towns) { startTownFinder(box, towns); }).catch(function () {});
      return;
    }
    startTownFinder(box, JSON.parse(inline.textContent));
  }
  function startTownFinder(box, towns) {
    var input = box.querySelector("input"), list = box.querySelector("[role=listbox]"), active = -1, shown = [];
    towns.forEach(function (t) { t.keys = [normalise(t.name), normalise(t.kana), t.romaji.toLowerCase()]; });
    function matches(q) {
      q = normalise(q).replace(/\s+/g, "");
      if (!q) { return []; }
      var starts = towns.filter(function (t) { return t.keys.some(function (k) { return k.indexOf(q) === 0; }); });
      var inside = towns.filter(function (t) {
        return starts.indexOf(t) < 0 && t.keys.some(function (k) { return k.indexOf(q) > 0; });
      });
      return starts.concat(inside).slice(0, 12);
    }
    function render() {
      shown = matches(input.value);
      list.textContent = "";
      shown.forEach(function (t, i) {
        var li = document.createElement("li");
        li.id = list.id + "-" + t.code;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", i === active ? "true" : "false");
        li.textContent = t.name + " (" + t.kana + ")";
        li.addEventListener("mousedown", function (e) { e.preventDefault(); go(t); });
        list.appendChild(li);
      });
      var open = shown.length > 0;
      list.hidden = !open;
      input.setAttribute("aria-expanded", open ? "true" : "false");
      if (active >= 0 && shown[active]) { input.setAttribute("aria-activedescendant", list.id + "-" + shown[active].code); } else { input.removeAttribute("aria-activedescendant"); }
      box.querySelector("[role=status]").textContent = input.value.trim() ? (open ? shown.length + "件の候補があります。上下の矢印キーで選べます。" : "候補がありません。") : "";
    }
    // the town's address, by the one URL rule (generator/registry/urls.py ROUTES["town"], in the box's data-route)
    function go(t) { location.href = ROOT + box.dataset.route.replace("{code}", t.code); }
    input.addEventListener("input", function () { active = -1; render(); });
    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        if (!shown.length) { render(); }
        if (!shown.length) { return; }
        e.preventDefault();
        active = e.key === "ArrowDown" ? (active + 1) % shown.length : (active <= 0 ? shown.length - 1 : active - 1);
        render();
      } else if (e.key === "Enter") {
        var pick = shown[active >= 0 ? active : 0];
        if (pick) { e.preventDefault(); go(pick); }
      } else if (e.key === "Escape") {
        active = -1; list.hidden = true; input.setAttribute("aria-expanded", "false");
      }
    });
    input.addEventListener("blur", function () { list.hidden = true; input.setAttribute("aria-expanded", "false"); });
    box.hidden = false;
  }

  window.HubSearch = { normalise: normalise, tokens: tokens, queryTerms: queryTerms, exactKey: exactKey, bucket: bucket, postings: postings, rank: rank };

  function init() {
    var form = document.querySelector("form[data-hub-search]");
    if (form && !form.dataset.ready) { form.dataset.ready = "1"; setupSearchPage(form); }
    Array.prototype.forEach.call(document.querySelectorAll(".hub-searchbar__form"), function (bar) {
      if (!bar.dataset.ready) { bar.dataset.ready = "1"; keepQueryLocal(bar); }
    });
    Array.prototype.forEach.call(document.querySelectorAll("[data-hub-townfinder]"), function (box) {
      if (!box.dataset.ready) { box.dataset.ready = "1"; setupTownFinder(box); }
    });
  }
  if (typeof document$ !== "undefined") { document$.subscribe(init); } else if (document.readyState !== "loading") { init(); } else { document.addEventListener("DOMContentLoaded", init); }
})();
