// chrono's HTML timeline: plain SVG, no library, no request. Data comes from
// the JSON blocks chrono wrote into the page and is shown with textContent
// only, never parsed as HTML. An entry is "definite" as of D when its latest
// bound is on or before D, "possible" when its earliest bound is (an open
// start counts as before D) and its latest is after D or open, else "not
// yet": exactly `chrono timeline --as-of D`.
(function () {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";
  var DAY_MS = 86400000, ROW = 20, LANE_PAD = 8, LABELS_W = 170, AXIS_H = 34;
  var entries = JSON.parse(document.getElementById("chrono-entries").textContent);
  var meta = JSON.parse(document.getElementById("chrono-meta").textContent);
  var UI = {
    en: { asOf: "As of", knownAt: "Known at", everything: "everything recorded", partner: "Partner", allPartners: "all partners",
      lanes: "Lanes", byPartner: "by partner", byKind: "by kind", zoomIn: "Zoom in", zoomOut: "Zoom out", reset: "Whole chronicle",
      entries: "{n} entries", definite: "definite", possible: "possible", future: "not yet", date: "Date", kind: "Kind",
      status: "Status", certainty: "As of {d}", partners: "Partners", actors: "Home side", amounts: "Amounts", sources: "Sources",
      recorded: "Recorded", revision: "revision {r} of {n}", close: "Close", noPartner: "no partner", uncertain: "uncertain span",
      legend: "Drag to move, wheel or buttons to zoom; click an entry for its sources.", before: "before the first correction",
      asOfLine: "as of {d}", id: "Id" },
    vi: { asOf: "Tính đến", knownAt: "Theo dữ liệu ghi đến", everything: "toàn bộ dữ liệu đã ghi", partner: "Đối tác",
      allPartners: "tất cả đối tác", lanes: "Xếp dòng", byPartner: "theo đối tác", byKind: "theo loại", zoomIn: "Phóng to",
      zoomOut: "Thu nhỏ", reset: "Toàn bộ biên niên", entries: "{n} mục", definite: "đã diễn ra", possible: "có thể đã diễn ra",
      future: "chưa tới", date: "Thời gian", kind: "Loại", status: "Trạng thái", certainty: "Tính đến {d}", partners: "Đối tác",
      actors: "Phía ta", amounts: "Số lượng", sources: "Nguồn", recorded: "Ghi lúc", revision: "lần ghi {r}/{n}", close: "Đóng",
      noPartner: "không có đối tác", uncertain: "khoảng chưa chắc chắn",
      legend: "Kéo để di chuyển, cuộn hoặc dùng nút để phóng to; bấm vào một mục để xem nguồn.",
      before: "trước lần đính chính đầu tiên", asOfLine: "tính đến {d}", id: "Mã" }
  };
  var $ = function (id) { return document.getElementById(id); };
  var state = { lang: meta.lang, asOf: dayOf(meta.asOf || meta.today), knownAt: meta.knownAtDefault || "",
    partner: meta.root || "", lanes: meta.group, selected: null, view: null };
  var extent = dataExtent();
  state.view = initialView();
  var measure = document.createElement("canvas").getContext("2d");

  function t(key, values) {
    var text = (UI[state.lang] || UI.en)[key];
    Object.keys(values || {}).forEach(function (k) { text = text.replace("{" + k + "}", values[k]); });
    return text;
  }
  function pick(pair) { return pair ? (state.lang === "vi" && pair.vi ? pair.vi : pair.en) : ""; }
  function dayOf(iso) { var p = iso.split("-").map(Number); return Math.floor(Date.UTC(p[0], p[1] - 1, p[2]) / DAY_MS); }
  function isoOf(day) { return new Date(day * DAY_MS).toISOString().slice(0, 10); }
  function keyOf(day) { var d = new Date(day * DAY_MS); return d.getUTCFullYear() * 10000 + (d.getUTCMonth() + 1) * 100 + d.getUTCDate(); }
  function el(name, attrs, text) {
    var node = document.createElementNS(SVG, name);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function html(name, text, cls) {
    var node = document.createElement(name);
    if (text !== undefined) node.textContent = text;
    if (cls) node.className = cls;
    return node;
  }

  // -- what is shown ---------------------------------------------------
  function revision(entry) {
    var found = null;
    entry.revs.forEach(function (rev) { if (!state.knownAt || rev.t <= state.knownAt) found = rev; });
    return found;
  }
  function certainty(rev, day) {
    var d = keyOf(day), w = rev.when;
    if (w.hi !== null && w.hi <= d) return "definite";
    if (w.lo === null || w.lo <= d) return "possible";
    return "future";
  }
  function below(pid) {
    var found = {}, stack = [pid];
    found[pid] = true;
    while (stack.length) {
      var current = stack.pop();
      Object.keys(meta.partners).forEach(function (id) {
        if (meta.partners[id].parent === current && !found[id]) { found[id] = true; stack.push(id); }
      });
    }
    return found;
  }
  function chainOf(pid) {
    var path = [], current = pid;
    while (current && path.indexOf(current) < 0) { path.unshift(current); current = meta.partners[current] ? meta.partners[current].parent : null; }
    return path;
  }
  function partnerName(pid) { return meta.partners[pid] ? pick(meta.partners[pid].name) : pid; }
  function laneOf(rev, entry) {
    if (state.lanes === "kind") return pick(meta.kinds[entry.kind]) || entry.kind;
    for (var i = 0; i < rev.partners.length; i++) {
      var path = chainOf(rev.partners[i]);
      if (!state.partner) return partnerName(path[0]);
      var at = path.indexOf(state.partner);
      if (at >= 0) return partnerName(path[Math.min(at + 1, path.length - 1)]);
    }
    return t("noPartner");
  }
  function shown() {
    var within = state.partner ? below(state.partner) : null, rows = [];
    entries.forEach(function (entry) {
      var rev = revision(entry);
      if (!rev || rev.retracted) return;
      if (within && !rev.partners.concat(rev.actors).some(function (p) { return within[p]; })) return;
      rows.push({ entry: entry, rev: rev, certainty: certainty(rev, state.asOf) });
    });
    return rows;
  }

  // -- the time axis -----------------------------------------------------
  function dataExtent() {
    var lo = Infinity, hi = -Infinity;
    entries.forEach(function (entry) {
      entry.revs.forEach(function (rev) {
        [rev.when.x0, rev.when.x1 === null ? null : rev.when.x1 - 1].forEach(function (x) {
          if (x !== null) { lo = Math.min(lo, x); hi = Math.max(hi, x); }
        });
      });
    });
    if (lo === Infinity) { lo = state.asOf - 365; hi = state.asOf + 365; }
    return { lo: Math.min(lo, state.asOf), hi: Math.max(hi, state.asOf) };
  }
  function initialView() {
    // Every entry in view: its start, or for one known only by its end, that end
    // (which then only widens the view to the left: the entry is drawn from the left edge).
    var lo = Infinity, hi = -Infinity;
    entries.forEach(function (entry) {
      var w = entry.revs[entry.revs.length - 1].when;
      if (w.x0 !== null) { lo = Math.min(lo, w.x0); hi = Math.max(hi, w.x0); } else if (w.x1 !== null) { lo = Math.min(lo, w.x1 - 1); }
    });
    if (lo === Infinity) { lo = extent.lo; hi = extent.hi; }
    lo = Math.min(lo, state.asOf); hi = Math.max(hi, lo, state.asOf);
    var pad = Math.max(60, (hi - lo) * 0.04);
    return { start: lo - pad, end: hi + pad };
  }
  function ticks(width) {
    var span = state.view.end - state.view.start, perPx = span / Math.max(width, 1), out = [];
    var years = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000].find(function (y) { return y * 365.25 / perPx >= 70; }) || 1000;
    var months = [1, 3, 6].find(function (m) { return m * 30.4 / perPx >= 70; });
    var first = new Date(state.view.start * DAY_MS), year = first.getUTCFullYear();
    if (months && years === 1) {
      for (var m = 0; ; m += months) {
        var day = Math.floor(Date.UTC(year, m, 1) / DAY_MS);
        if (day > state.view.end) break;
        if (day >= state.view.start) out.push({ day: day, text: isoOf(day).slice(0, 7) });
      }
      return out;
    }
    for (var y = Math.floor(year / years) * years; ; y += years) {
      var at = Math.floor(Date.UTC(y, 0, 1) / DAY_MS);
      if (y > 275000 || at > state.view.end) break;
      if (at >= state.view.start) out.push({ day: at, text: String(y) });
    }
    return out;
  }

  // -- drawing -----------------------------------------------------------
  function textWidth(text) { measure.font = "12px system-ui, sans-serif"; return measure.measureText(text).width; }
  function layout(rows, width) {
    var px = function (day) { return (day - state.view.start) / (state.view.end - state.view.start) * width; };
    var lanes = {};
    rows.forEach(function (row) {
      var w = row.rev.when, a = w.x0 === null ? -Infinity : px(w.x0), b = w.x1 === null ? Infinity : px(w.x1);
      var title = pick(row.rev.title), left = Math.min(Math.max(a, 0), width - 4);
      row.a = a; row.b = b; row.left = left; row.title = title;
      row.right = Math.max(Math.min(b, width), left + 14 + textWidth(title));
      var key = laneOf(row.rev, row.entry);
      (lanes[key] = lanes[key] || []).push(row);
    });
    return Object.keys(lanes).sort(function (x, y) { return x.localeCompare(y, state.lang); }).map(function (key) {
      var ends = [];
      lanes[key].slice().sort(function (x, y) { return x.left - y.left; }).forEach(function (row) {
        var r = ends.findIndex(function (end) { return end + 6 <= row.left; });
        if (r < 0) { r = ends.length; ends.push(0); }
        ends[r] = row.right; row.row = r;
      });
      return { name: key, rows: lanes[key], height: Math.max(ends.length, 1) * ROW + LANE_PAD };
    });
  }
  function mark(row, width) {
    var w = row.rev.when, g = el("g", { "class": "entry " + row.certainty + (row.rev.status === "planned" ? " planned" : "") +
      (state.selected === row.entry.id ? " selected" : ""), "data-id": row.entry.id, "data-certainty": row.certainty,
      tabindex: "0", role: "button" });
    var a = Math.max(row.a, -10), b = Math.min(row.b, width + 10);
    if (w.x0 !== null && w.x1 !== null && w.x1 - w.x0 <= 1) {
      g.appendChild(el("circle", { "class": "mark point", cx: (a + b) / 2, cy: ROW / 2, r: 5 }));
    } else {
      var fade = row.a === -Infinity ? (row.b === Infinity ? "url(#fade-both)" : "url(#fade-left)") : (row.b === Infinity ? "url(#fade-right)" : null);
      var rect = el("rect", { "class": "mark span " + (w.interval ? "interval" : "uncertain"), x: a, y: 4, width: Math.max(b - a, 4), height: ROW - 8, rx: 3 });
      if (fade) rect.setAttribute("mask", fade);
      g.appendChild(rect);
    }
    g.appendChild(el("text", { x: row.left + 10, y: ROW - 6 }, row.title));
    g.appendChild(el("title", {}, pick(row.rev.when.text) + " · " + row.title));
    return g;
  }
  function defs(svg) {
    var d = el("defs");
    // An unknown start fades out to the left, an open end to the right: white is drawn, clear is not.
    [["fade-left", [["0", "0"], ["0.6", "1"], ["1", "1"]]], ["fade-right", [["0", "1"], ["0.4", "1"], ["1", "0"]]],
      ["fade-both", [["0", "0"], ["0.25", "1"], ["0.75", "1"], ["1", "0"]]]].forEach(function (spec) {
      var grad = el("linearGradient", { id: "g-" + spec[0], x1: "0", x2: "1", y1: "0", y2: "0" });
      spec[1].forEach(function (stop) { grad.appendChild(el("stop", { offset: stop[0], "stop-color": "white", "stop-opacity": stop[1] })); });
      d.appendChild(grad);
      var mask = el("mask", { id: spec[0], maskContentUnits: "objectBoundingBox" });
      mask.appendChild(el("rect", { width: "1", height: "1", fill: "url(#g-" + spec[0] + ")" }));
      d.appendChild(mask);
    });
    var clip = el("clipPath", { id: "plot" });
    clip.appendChild(el("rect", { x: 0, y: 0, width: svg.plotWidth, height: 100000 }));
    d.appendChild(clip);
    return d;
  }
  function draw() {
    var chart = $("chart"), total = Math.max(chart.clientWidth, 480), width = total - LABELS_W;
    var rows = shown(), lanes = layout(rows, width), height = AXIS_H + lanes.reduce(function (s, l) { return s + l.height; }, 0) + 10;
    var svg = el("svg", { id: "timeline", width: total, height: height, role: "img" });
    svg.plotWidth = width;
    svg.appendChild(defs(svg));
    var plot = el("g", { transform: "translate(" + LABELS_W + ",0)" }), clipped = el("g", { "clip-path": "url(#plot)" });
    plot.appendChild(clipped);
    var axis = el("g", { "class": "axis" }), px = function (day) { return (day - state.view.start) / (state.view.end - state.view.start) * width; };
    ticks(width).forEach(function (tick) {
      axis.appendChild(el("line", { x1: px(tick.day), x2: px(tick.day), y1: AXIS_H - 6, y2: height }));
      axis.appendChild(el("text", { x: px(tick.day) + 3, y: AXIS_H - 9 }, tick.text));
    });
    clipped.appendChild(axis);
    var y = AXIS_H, labels = el("g");
    lanes.forEach(function (lane, i) {
      if (i % 2 === 0) clipped.appendChild(el("rect", { "class": "lane-band", x: 0, y: y, width: width, height: lane.height }));
      labels.appendChild(el("text", { "class": "lane-label", x: 8, y: y + 15 }, lane.name));
      lane.rows.forEach(function (row) {
        var g = mark(row, width);
        g.setAttribute("transform", "translate(0," + (y + LANE_PAD / 2 + row.row * ROW) + ")");
        clipped.appendChild(g);
      });
      y += lane.height;
    });
    var at = px(state.asOf + 1);
    clipped.appendChild(el("line", { "class": "as-of-line", x1: at, x2: at, y1: AXIS_H - 4, y2: height }));
    var near = at > width - 130;
    clipped.appendChild(el("text", { "class": "as-of-label", x: near ? at - 4 : at + 4, y: 11, "text-anchor": near ? "end" : "start" },
      t("asOfLine", { d: isoOf(state.asOf) })));
    svg.appendChild(plot);
    svg.appendChild(labels);
    chart.replaceChildren(svg);
    counts(rows);
  }
  function counts(rows) {
    var n = { definite: 0, possible: 0, future: 0 }, box = $("counts");
    rows.forEach(function (row) { n[row.certainty] += 1; });
    box.replaceChildren(html("span", t("entries", { n: rows.length }) + " · "));
    ["definite", "possible", "future"].forEach(function (c, i) {
      box.appendChild(html("b", String(n[c]), c));
      box.appendChild(html("span", " " + t(c) + (i < 2 ? " · " : "")));
    });
  }

  // -- details -----------------------------------------------------------
  function details() {
    var panel = $("details"), entry = entries.find(function (e) { return e.id === state.selected; }), rev = entry && revision(entry);
    if (!rev) { panel.hidden = true; return; }
    panel.hidden = false;
    var close = html("button", t("close"));
    close.addEventListener("click", function () { state.selected = null; refresh(); });
    var dl = html("dl"), add = function (term, text) { if (text) { dl.appendChild(html("dt", term)); dl.appendChild(html("dd", text)); } };
    add(t("date"), pick(rev.when.text) + " [" + rev.when.edtf + "]");
    add(t("kind"), pick(meta.kinds[entry.kind]) || entry.kind);
    add(t("status"), pick(meta.statuses[rev.status]) || rev.status);
    add(t("certainty", { d: isoOf(state.asOf) }), t(certainty(rev, state.asOf)));
    add(t("partners"), rev.partners.map(partnerName).join(", "));
    add(t("actors"), rev.actors.map(partnerName).join(", "));
    add(t("amounts"), rev.quantities.map(function (q) { return q.metric + ": " + pick(q.text); }).join("; "));
    add(t("recorded"), rev.t.replace("T", " ") + " UTC · " + t("revision", { r: entry.revs.indexOf(rev) + 1, n: entry.revs.length }));
    add(t("id"), entry.id);
    panel.replaceChildren(close, html("h2", pick(rev.title)), dl);
    if (rev.note) panel.appendChild(html("p", rev.note, "note"));
    panel.appendChild(html("h3", t("sources")));
    rev.sources.forEach(function (s) {
      panel.appendChild(html("blockquote", s.quote));
      panel.appendChild(html("p", "— " + [s.document, s.publisher, s.title, s.published].filter(Boolean).join(", "), "cite"));
    });
  }

  // -- controls ----------------------------------------------------------
  function fillPartners() {
    var select = $("partner"), used = {};
    entries.forEach(function (e) { e.revs.forEach(function (r) { r.partners.concat(r.actors).forEach(function (p) { chainOf(p).forEach(function (c) { used[c] = true; }); }); }); });
    var children = {};
    Object.keys(used).forEach(function (id) { var parent = meta.partners[id] && meta.partners[id].parent; (children[used[parent] ? parent : ""] = children[used[parent] ? parent : ""] || []).push(id); });
    var options = [new Option(t("allPartners"), "")];
    (function walk(parent, depth) {
      (children[parent] || []).sort(function (x, y) { return partnerName(x).localeCompare(partnerName(y), state.lang); }).forEach(function (id) {
        options.push(new Option("\u00a0\u00a0".repeat(depth) + partnerName(id), id));
        walk(id, depth + 1);
      });
    })("", 0);
    select.replaceChildren.apply(select, options);
    select.value = state.partner;
  }
  function fillKnownAt() {
    var box = $("known-at-box"), select = $("known-at");
    box.hidden = !meta.knownAt.length;
    var options = [new Option(t("everything"), "")].concat(meta.knownAt.map(function (k) {
      return new Option(k.before ? t("before") + " (" + k.value.replace("T", " ") + ")" : k.value.replace("T", " ") + " UTC", k.value);
    }));
    select.replaceChildren.apply(select, options);
    select.value = state.knownAt;
  }
  function words() {
    document.documentElement.lang = state.lang;
    document.querySelectorAll("[data-ui]").forEach(function (node) { node.textContent = t(node.getAttribute("data-ui")); });
    document.querySelectorAll("[data-lang]").forEach(function (b) { b.setAttribute("aria-pressed", String(b.getAttribute("data-lang") === state.lang)); });
    $("title").textContent = pick(meta.title);
    $("subtitle").textContent = pick(meta.subtitle);
    $("lanes").replaceChildren(new Option(t("byPartner"), "partner"), new Option(t("byKind"), "kind"));
    $("lanes").value = state.lanes;
    fillPartners();
    fillKnownAt();
  }
  function setAsOf(day) {
    state.asOf = Math.min(Math.max(day, extent.lo), extent.hi);
    $("as-of").value = String(state.asOf);
    $("as-of-date").value = isoOf(state.asOf);
    refresh();
  }
  function zoom(factor, centre) {
    var v = state.view, span = v.end - v.start, at = centre === undefined ? v.start + span / 2 : centre;
    var next = Math.min(Math.max(span * factor, 20), (extent.hi - extent.lo + 3650) * 3);
    state.view = { start: at - (at - v.start) * next / span, end: at + (v.end - at) * next / span };
    draw();
  }
  function wire() {
    var slider = $("as-of");
    slider.min = String(extent.lo); slider.max = String(extent.hi); slider.step = "1";
    $("as-of-date").min = isoOf(extent.lo); $("as-of-date").max = isoOf(extent.hi);
    slider.addEventListener("input", function () { setAsOf(Number(slider.value)); });
    $("as-of-date").addEventListener("change", function () { if ($("as-of-date").value) setAsOf(dayOf($("as-of-date").value)); });
    $("known-at").addEventListener("change", function () { state.knownAt = $("known-at").value; refresh(); });
    $("partner").addEventListener("change", function () { state.partner = $("partner").value; draw(); });
    $("lanes").addEventListener("change", function () { state.lanes = $("lanes").value; draw(); });
    document.querySelectorAll("[data-lang]").forEach(function (b) {
      b.addEventListener("click", function () { state.lang = b.getAttribute("data-lang"); words(); refresh(); });
    });
    $("zoom-in").addEventListener("click", function () { zoom(1 / 1.6); });
    $("zoom-out").addEventListener("click", function () { zoom(1.6); });
    $("zoom-reset").addEventListener("click", function () { state.view = initialView(); draw(); });
    var chart = $("chart"), drag = null;
    chart.addEventListener("wheel", function (ev) {
      ev.preventDefault();
      var box = chart.getBoundingClientRect(), width = box.width - LABELS_W, x = ev.clientX - box.left - LABELS_W;
      zoom(Math.exp(ev.deltaY * 0.0015), state.view.start + (state.view.end - state.view.start) * Math.max(0, Math.min(1, x / width)));
    }, { passive: false });
    chart.addEventListener("pointerdown", function (ev) { drag = { x: ev.clientX, view: state.view, moved: false }; });
    window.addEventListener("pointermove", function (ev) {
      if (!drag) return;
      var dx = ev.clientX - drag.x;
      if (Math.abs(dx) < 3 && !drag.moved) return;
      drag.moved = true; chart.classList.add("dragging");
      var perPx = (drag.view.end - drag.view.start) / (chart.clientWidth - LABELS_W);
      state.view = { start: drag.view.start - dx * perPx, end: drag.view.end - dx * perPx };
      draw();
    });
    window.addEventListener("pointerup", function () { setTimeout(function () { drag = null; chart.classList.remove("dragging"); }, 0); });
    chart.addEventListener("click", function (ev) { if (drag && drag.moved) return; open(ev.target); });
    chart.addEventListener("keydown", function (ev) { if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); open(ev.target); } });
    window.addEventListener("resize", draw);
  }
  // The details panel first: it takes its width before the chart measures its own.
  function refresh() { details(); draw(); }
  function open(target) {
    var g = target.closest ? target.closest("g.entry") : null;
    if (!g) return;
    state.selected = g.getAttribute("data-id");
    refresh();
    var again = document.querySelector('g.entry[data-id="' + CSS.escape(state.selected) + '"]');
    if (again) again.focus({ preventScroll: true });
  }

  wire();
  words();
  setAsOf(state.asOf);
})();
