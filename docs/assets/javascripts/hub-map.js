// Maps that ask first. Progressive enhancement: without JavaScript the list of places is the map.
//
// Nothing is requested on page load. Pressing 「地図を表示」 loads the vendored Leaflet from this site
// (docs/assets/vendor/), this map's marker file (map/data/*.json, written by generator/site/maps.py) and
// only then the tiles from 国土地理院 — the one other host the site ever contacts. If the visitor ticks
// 「次からも地図を自動で表示する」, that choice is kept in localStorage (never a cookie) until they undo it.
(function () {
  "use strict";
  var KEY = "hub-map-consent";
  var leaflet = null;

  function remembered() {
    try { return window.localStorage.getItem(KEY) === "1"; } catch (e) { return false; }
  }
  function remember(on) {
    try {
      if (on) { window.localStorage.setItem(KEY, "1"); } else { window.localStorage.removeItem(KEY); }
    } catch (e) { /* storage disabled: the map still works, it is just not remembered */ }
  }

  function stylesheet(href) {
    if (document.querySelector('link[href="' + href + '"]')) { return; }
    var link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = href;
    document.head.appendChild(link);
  }
  function script(src) {
    return new Promise(function (resolve, reject) {
      var tag = document.createElement("script");
      tag.src = src;
      tag.onload = resolve;
      tag.onerror = function () { reject(new Error(src)); };
      document.head.appendChild(tag);
    });
  }
  function loadLeaflet(root) {
    if (!leaflet) {
      var vendor = root + "assets/vendor/";
      stylesheet(vendor + "leaflet/leaflet.css");
      stylesheet(vendor + "leaflet.markercluster/MarkerCluster.css");
      stylesheet(vendor + "leaflet.markercluster/MarkerCluster.Default.css");
      leaflet = script(vendor + "leaflet/leaflet.js")
        .then(function () { return script(vendor + "leaflet.markercluster/leaflet.markercluster.js"); });
    }
    return leaflet;
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text) { node.textContent = text; }
    return node;
  }
  // One marker row of map/data/*.json as the popup needs it (the layout: generator/site/maps.py map_data).
  function place(row, data) {
    var kind = data.kinds[row[0]], town = row[3] === null ? null : data.towns[row[3]];
    var townName = town ? town[0] : "";
    return {
      kind: kind[0], kindLabel: kind[1], glyph: kind[2], url: data.route.replace("{kind}", kind[0]).replace("{id}", row[1]), name: row[2],
      town: townName,
      methods: row[4].map(function (i) { return data.methods[i]; }),
      note: data.notes[row[5]].split("{town}").join(townName),
      latlng: row.length > 6 ? [row[6], row[7]] : [town[1], town[2]]
    };
  }

  // Built with textContent only: data never becomes markup.
  function popup(p, root) {
    var box = element("div", "hub-popup");
    var title = element("p", "hub-popup__title");
    var link = element("a", "", p.name);
    link.href = root + p.url;
    title.appendChild(link);
    box.appendChild(title);
    box.appendChild(element("p", "", p.kindLabel + (p.town ? " ・ " + p.town : "")));
    box.appendChild(element("p", "", "方法: " + p.methods.join("、")));
    if (p.note) { box.appendChild(element("p", "hub-popup__note", p.note)); }
    return box;
  }
  function pins(kinds) {  // one icon per kind, shared by its markers
    // Leaflet writes a divIcon's `html` string as markup: each pin's glyph is made a text node instead.
    var GlyphIcon = L.DivIcon.extend({
      createIcon: function (oldIcon) {
        var div = L.DivIcon.prototype.createIcon.call(this, oldIcon);
        var glyph = element("span", "", this.options.glyph);
        glyph.setAttribute("aria-hidden", "true");
        div.replaceChildren(glyph);
        return div;
      }
    });
    var icons = {};
    kinds.forEach(function (kind) {
      icons[kind[0]] = new GlyphIcon({
        className: "hub-pin hub-pin--" + kind[0], html: false, glyph: kind[2],
        iconSize: [30, 30], iconAnchor: [15, 15], popupAnchor: [0, -14]
      });
    });
    return icons;
  }

  // Leaflet's attribution control writes HTML strings; this one is built from elements. The credit in the
  // marker file is read in an inert document and only its text and https links are kept.
  function credits(attribution) {
    var control = L.control({ position: "bottomright" });
    control.onAdd = function () {
      var box = element("div", "leaflet-control-attribution leaflet-control");
      var leafletLink = element("a", "", "Leaflet");
      leafletLink.href = "https://leafletjs.com";
      box.appendChild(leafletLink);
      box.appendChild(document.createTextNode(" | "));
      var parsed = new DOMParser().parseFromString(attribution || "", "text/html").body;
      Array.prototype.forEach.call(parsed.childNodes, function (node) {
        var href = node.nodeName === "A" ? node.getAttribute("href") || "" : "";
        if (/^https:\/\//.test(href)) {
          var link = element("a", "", node.textContent);
          link.href = href;
          box.appendChild(link);
        } else {
          box.appendChild(document.createTextNode(node.textContent));
        }
      });
      return box;
    };
    return control;
  }

  function draw(box, data, root) {
    var canvas = box.querySelector(".hub-map__canvas");
    canvas.hidden = false;
    box.querySelector(".hub-map__legend").hidden = false;
    // No zoom on wheel: scrolling the page on a phone must not get caught in the map.
    var map = L.map(canvas, { scrollWheelZoom: false, attributionControl: false });
    var tileOptions = Object.assign({}, data.tiles.options, { attribution: null });
    // Tiles that do not arrive (offline, a blocked host) leave a blank map: say so once, and where the places are.
    var failed = box.querySelector(".hub-map__tiles-failed");
    L.tileLayer(data.tiles.url, tileOptions).on("tileerror", function () {
      if (failed && failed.hidden) {
        failed.textContent = "地図の画像を読み込めませんでした (通信の状態などのため)。場所は下の一覧で見られます。";
        failed.hidden = false;
      }
    }).addTo(map);
    credits(data.tiles.options.attribution).addTo(map);
    if (data.focus) {
      // A string tooltip would be written as HTML: the town's name goes in as text.
      L.circleMarker([data.focus.lat, data.focus.lon], { radius: 7, color: "#1f3f43", weight: 2, fillOpacity: 0.15 })
        .bindTooltip(element("span", "", data.focus.name)).addTo(map);
    }
    var icons = pins(data.kinds);
    var cluster = L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 40, chunkedLoading: true });
    cluster.addLayers(data.markers.map(function (row) {
      var p = place(row, data);
      // The popup is built when opened, not for every marker up front (thousands on /map/).
      return L.marker(p.latlng, { icon: icons[p.kind], title: p.name, alt: p.name, keyboard: true })
        .bindPopup(function () { return popup(p, root); }, { maxWidth: 240, autoPanPaddingTopLeft: [48, 12] });  // clear of the zoom buttons
    }));
    map.addLayer(cluster);
    map.fitBounds(data.view, { padding: [24, 24], maxZoom: 12 });
    box.setAttribute("data-markers", String(data.markers.length));
  }

  function show(box) {
    var root = box.getAttribute("data-hub-root") || "";
    var button = box.querySelector(".hub-map__show");
    button.disabled = true;
    var data = fetch(box.getAttribute("data-hub-map")).then(function (r) {
      if (!r.ok) { throw new Error(r.status); }
      return r.json();
    });
    return Promise.all([data, loadLeaflet(root)]).then(function (results) {
      box.querySelector(".hub-map__consent").hidden = true;
      draw(box, results[0], root);
      box.querySelector(".hub-map__forget").hidden = !remembered();
    }).catch(function () {
      button.disabled = false;
      box.querySelector(".hub-map__note").textContent = "地図を読み込めませんでした。下の一覧をご覧ください。";
    });
  }

  function setup(box) {
    if (box.getAttribute("data-hub-ready")) { return; }
    box.setAttribute("data-hub-ready", "1");
    var button = box.querySelector(".hub-map__show");
    var rememberBox = box.querySelector(".hub-map__remember-box");
    button.hidden = false;
    box.querySelector(".hub-map__remember").hidden = false;
    button.addEventListener("click", function () {
      if (rememberBox.checked) { remember(true); }
      show(box);
    });
    box.querySelector(".hub-map__forget-button").addEventListener("click", function (event) {
      remember(false);
      event.target.parentNode.hidden = true;
    });
    if (remembered()) { show(box); }
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-hub-map]"), setup);
  }
  if (typeof document$ !== "undefined") { document$.subscribe(init); } else { document.addEventListener("DOMContentLoaded", init); }
})();
