/* stepbook default theme script: theme toggle, chapter menu, copy buttons,
 * search over search-index.js, diagram zoom and pan, data-flow panels.  The pages read fine
 * without it: code is highlighted and diagrams drawn at build time. */
(function () {
  "use strict";
  var doc = document.documentElement;

  /* ---- light / dark -------------------------------------------------- */
  function effectiveTheme() {
    var t = doc.dataset.theme;
    if (t) return t;
    return window.matchMedia && matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
  }
  var toggle = document.querySelector(".theme-toggle");
  function labelToggle() {
    if (!toggle) return;
    var next = effectiveTheme() === "dark" ? "light" : "dark";
    toggle.setAttribute("aria-label", "Switch to the " + next + " theme");
    toggle.setAttribute("aria-pressed", effectiveTheme() === "dark" ? "true" : "false");
  }
  if (toggle) {
    toggle.addEventListener("click", function () {
      var next = effectiveTheme() === "dark" ? "light" : "dark";
      doc.dataset.theme = next;
      try { localStorage.setItem("stepbook-theme", next); } catch (e) { /* private mode */ }
      labelToggle();
    });
    labelToggle();
  }

  /* ---- chapter menu on small screens ----------------------------------- */
  var navToggle = document.querySelector(".nav-toggle");
  var sidebar = document.getElementById("sidebar");
  if (navToggle && sidebar) {
    navToggle.addEventListener("click", function () {
      var open = sidebar.classList.toggle("open");
      navToggle.setAttribute("aria-expanded", open ? "true" : "false");
      if (open) { var cur = sidebar.querySelector("a"); if (cur) cur.focus(); }
    });
    document.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && sidebar.classList.contains("open")) {
        sidebar.classList.remove("open");
        navToggle.setAttribute("aria-expanded", "false");
        navToggle.focus();
      }
    });
  }
  var current = document.querySelector(".chapters .current");
  if (current && current.scrollIntoView && sidebar && sidebar.scrollHeight > sidebar.clientHeight) {
    sidebar.scrollTop = current.offsetTop - sidebar.clientHeight / 3;
  }

  /* ---- copy buttons ----------------------------------------------------- */
  Array.prototype.forEach.call(document.querySelectorAll(".code .copy"), function (btn) {
    btn.hidden = false;
    btn.setAttribute("aria-label", "Copy the code");
    btn.addEventListener("click", function () {
      var code = btn.parentNode.querySelector("pre code");
      var text = code ? code.textContent : "";
      function done(ok) {
        btn.textContent = ok ? "Copied" : "Press Ctrl+C";
        btn.classList.toggle("done", ok);
        setTimeout(function () { btn.textContent = "Copy"; btn.classList.remove("done"); }, 1600);
      }
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(function () { done(true); }, function () { done(false); });
      } else {
        var range = document.createRange();
        range.selectNodeContents(code);
        var sel = window.getSelection();
        sel.removeAllRanges();
        sel.addRange(range);
        var ok = false;
        try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
        done(ok);
      }
    });
  });

  /* ---- search ------------------------------------------------------------ */
  var scripts = document.getElementsByTagName("script");
  var root = "";
  for (var i = 0; i < scripts.length; i++) {
    var src = scripts[i].getAttribute("src") || "";
    if (/(^|\/)site\.js$/.test(src)) root = src.replace(/site\.js$/, "");
  }
  var input = document.getElementById("search-input");
  var box = document.getElementById("search-results");
  var index = window.STEPBOOK_SEARCH || [];
  var PAGE = 10; /* hits shown at first, and added by "more results" */
  var shown = PAGE;
  var selected = -1;

  /* Words match by their stem, so that "retries", "retrying" and "retry"
   * find each other; a term matches the words it starts (typing). */
  function stem(w) {
    if (w.length < 4) return w;
    return w.replace(/(ies|ied|ying)$/, "y").replace(/(ches|shes|xes|sses)$/, function (m) { return m.slice(0, -2); })
            .replace(/(ing|ed)$/, "").replace(/([^s])s$/, "$1");
  }
  function words(text) {
    return " " + text.toLowerCase().split(/[^a-z0-9\u00c0-\uffff]+/).filter(Boolean).map(stem).join(" ") + " ";
  }
  var prepared = null;
  function prepare() {
    if (prepared) return prepared;
    prepared = index.map(function (e) {
      return { p: words(e.p), s: words(e.s), t: words(e.t), c: words(e.c || "") };
    });
    return prepared;
  }
  function count(hay, needle) {
    var n = 0, at = hay.indexOf(needle);
    while (at >= 0 && n < 5) { n++; at = hay.indexOf(needle, at + 1); }
    return n;
  }
  /* Heading (or page title) matches first, then prose, then code. */
  function score(e, k, terms) {
    var top = index[k].s === index[k].p, total = 0;
    for (var j = 0; j < terms.length; j++) {
      var t = " " + terms[j], s = 0;
      if (e.s.indexOf(t) >= 0) s += top ? 120 : 100;
      else if (e.p.indexOf(t) >= 0) s += 5;
      var n = count(e.t, t);
      if (n) s += 10 + n;
      else if (e.c.indexOf(t) >= 0) s += 4;
      if (!s) return 0;
      total += s;
    }
    return total;
  }
  /* The stems as a pattern over the text: group 2 is the matched word
   * (a stem ending in y also matches "ie": retry, retries). */
  var W = "a-z0-9\u00c0-\uffff";
  function pattern(terms, flags) {
    var alts = terms.map(function (t) {
      return t.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/y$/, "(?:y|i)");
    });
    return new RegExp("(^|[^" + W + "])((?:" + alts.join("|") + ")[" + W + "]*)", flags);
  }
  /* Where the first term shows in prose: a window of it; in code: the line. */
  function snippet(e, re) {
    var m = re.exec(e.t);
    if (m) {
      var at = m.index + m[1].length;
      var from = at < 60 ? 0 : e.t.lastIndexOf(" ", at - 60) + 1;
      return { text: (from ? "…" : "") + e.t.slice(from, from + 160) + (from + 160 < e.t.length ? "…" : ""), code: false };
    }
    var c = e.c || "", cm = re.exec(c);
    if (!cm) return { text: e.t.slice(0, 140) + (e.t.length > 140 ? "…" : ""), code: false };
    at = cm.index + cm[1].length;
    var start = c.lastIndexOf("\n", at) + 1, end = c.indexOf("\n", at);
    var line = c.slice(start, end < 0 ? c.length : end);
    return { text: line.length > 120 ? line.slice(0, 120) + "…" : line, code: true };
  }
  function highlight(el, text, re) {
    var g = new RegExp(re.source, "gi"), pos = 0, m;
    while ((m = g.exec(text))) {
      var at = m.index + m[1].length;
      el.appendChild(document.createTextNode(text.slice(pos, at)));
      var mark = document.createElement("mark");
      mark.textContent = m[2];
      el.appendChild(mark);
      pos = at + m[2].length;
    }
    el.appendChild(document.createTextNode(text.slice(pos)));
  }
  /* One hit per section, best first; hits that show the same words in
   * the same section of different pages (a line kept from one saved step
   * to the next) merge into the first, which lists the others. */
  function search(q) {
    var terms = q.toLowerCase().split(/[^a-z0-9\u00c0-\uffff]+/).filter(Boolean).map(stem);
    if (!terms.length) return [];
    var re = pattern(terms, "i"), hits = [], seen = {}, byText = {};
    prepare().forEach(function (e, k) {
      var sc = score(e, k, terms);
      if (sc) hits.push({ k: k, score: sc });
    });
    hits.sort(function (a, b) { return b.score - a.score || a.k - b.k; });
    var out = [];
    hits.forEach(function (h) {
      var e = index[h.k];
      if (seen[e.u]) return;
      seen[e.u] = true;
      var snip = snippet(e, re), key = e.s + "\n" + snip.text;
      if (snip.code && byText[key]) { byText[key].also.push(e); return; }
      var hit = { e: e, snip: snip, also: [] };
      if (snip.code) byText[key] = hit;
      out.push(hit);
    });
    out.re = re;
    return out;
  }
  function select(n) {
    var links = box.querySelectorAll("a");
    if (!links.length) return;
    selected = (n + links.length) % links.length;
    Array.prototype.forEach.call(links, function (a, j) {
      a.setAttribute("aria-selected", j === selected ? "true" : "false");
    });
    links[selected].scrollIntoView({ block: "nearest" });
  }
  function show(keepShown) {
    var q = input.value.trim();
    box.textContent = "";
    selected = -1;
    if (!keepShown) shown = PAGE;
    if (!q) { box.hidden = true; return; }
    var hits = search(q);
    if (!hits.length) {
      var none = document.createElement("div");
      none.className = "r-none";
      none.textContent = "No results for “" + q + "”";
      box.appendChild(none);
    }
    hits.slice(0, shown).forEach(function (h) {
      var e = h.e, a = document.createElement("a");
      a.href = root + e.u;
      var page = document.createElement("span");
      page.className = "r-page";
      highlight(page, e.p, hits.re);
      a.appendChild(page);
      if (e.s && e.s !== e.p) {
        var sec = document.createElement("span");
        sec.className = "r-section";
        sec.appendChild(document.createTextNode(" › "));
        highlight(sec, e.s, hits.re);
        a.appendChild(sec);
      }
      var snip = document.createElement(h.snip.code ? "code" : "span");
      snip.className = "r-snippet";
      highlight(snip, h.snip.text, hits.re);
      a.appendChild(snip);
      if (h.also.length) {
        var also = document.createElement("span");
        also.className = "r-also";
        also.textContent = "also in " + h.also.map(function (o) { return o.p; }).join(", ");
        a.appendChild(also);
      }
      box.appendChild(a);
    });
    if (hits.length > shown) {
      var more = document.createElement("button");
      more.type = "button";
      more.className = "r-more";
      more.textContent = "More results (" + (hits.length - shown) + ")";
      more.addEventListener("click", function (ev) {
        ev.stopPropagation();
        shown += PAGE;
        show(true);
        input.focus();
      });
      box.appendChild(more);
    }
    box.hidden = false;
  }
  if (input && box) {
    input.disabled = false;
    input.addEventListener("input", function () { show(false); });
    input.addEventListener("focus", function () { if (input.value.trim()) show(true); });
    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown") { e.preventDefault(); select(selected + 1); }
      else if (e.key === "ArrowUp") { e.preventDefault(); select(selected - 1); }
      else if (e.key === "Enter") {
        var links = box.querySelectorAll("a");
        var a = links[selected >= 0 ? selected : 0];
        if (a) { e.preventDefault(); window.location.href = a.href; }
      } else if (e.key === "Escape") { box.hidden = true; input.blur(); }
    });
    document.addEventListener("click", function (e) {
      if (!box.contains(e.target) && e.target !== input) box.hidden = true;
    });
    document.addEventListener("keydown", function (e) {
      var tag = (document.activeElement && document.activeElement.tagName) || "";
      if (e.key === "/" && tag !== "INPUT" && tag !== "TEXTAREA") { e.preventDefault(); input.focus(); }
    });
  }

  /* ---- diagrams: zoom and pan ----------------------------------------------- */
  Array.prototype.forEach.call(document.querySelectorAll(".diagram-view"), function (view) {
    var svg = view.querySelector("svg");
    if (!svg) return;
    var box0 = svg.viewBox && svg.viewBox.baseVal;
    var baseW = (box0 && box0.width) || svg.getBoundingClientRect().width || 300;
    var zoom = 0;
    function apply() {
      if (!zoom) { view.classList.remove("zoomed"); svg.style.width = ""; return; }
      view.classList.add("zoomed");
      svg.style.width = Math.round(baseW * zoom) + "px";
    }
    function fit() { return Math.min(1, (view.clientWidth - 24) / baseW) || 1; }
    function by(f) { zoom = Math.max(0.2, Math.min(6, (zoom || fit()) * f)); apply(); }
    var cap = view.parentNode.querySelector("figcaption");
    if (cap) {
      [["−", "Zoom out", function () { by(1 / 1.25); }],
       ["+", "Zoom in", function () { by(1.25); }],
       ["Fit", "Fit the diagram to the page", function () { zoom = 0; apply(); }]].forEach(function (b) {
        var btn = document.createElement("button");
        btn.type = "button"; btn.className = "zoom"; btn.textContent = b[0];
        btn.setAttribute("aria-label", b[1]);
        btn.addEventListener("click", b[2]);
        cap.appendChild(btn);
      });
    }
    view.addEventListener("wheel", function (e) {
      if (!e.ctrlKey && !e.metaKey) return;
      e.preventDefault();
      by(e.deltaY < 0 ? 1.1 : 1 / 1.1);
    }, { passive: false });
    view.addEventListener("keydown", function (e) {
      if (e.key === "+" || e.key === "=") { e.preventDefault(); by(1.25); }
      else if (e.key === "-") { e.preventDefault(); by(1 / 1.25); }
      else if (e.key === "0") { e.preventDefault(); zoom = 0; apply(); }
    });
    var drag = null;
    view.addEventListener("pointerdown", function (e) {
      if (e.button !== 0) return;
      drag = { x: e.clientX, y: e.clientY, l: view.scrollLeft, t: view.scrollTop };
      view.classList.add("panning");
    });
    window.addEventListener("pointermove", function (e) {
      if (!drag) return;
      view.scrollLeft = drag.l - (e.clientX - drag.x);
      view.scrollTop = drag.t - (e.clientY - drag.y);
    });
    window.addEventListener("pointerup", function () { drag = null; view.classList.remove("panning"); });
  });

  /* ---- data-flow panels: open all / close all; open to print ---------------- */
  Array.prototype.forEach.call(document.querySelectorAll(".dataflow-panels"), function (sec) {
    var btn = sec.querySelector(".df-toggle");
    var states = sec.querySelectorAll("details.df-state");
    if (!btn || !states.length) return;
    function allOpen() {
      return Array.prototype.every.call(states, function (d) { return d.open; });
    }
    function label() {
      btn.textContent = allOpen() ? "Close all" : "Open all";
      btn.setAttribute("aria-expanded", allOpen() ? "true" : "false");
    }
    btn.hidden = false;
    btn.addEventListener("click", function () {
      var open = !allOpen();
      Array.prototype.forEach.call(states, function (d) { d.open = open; });
      label();
    });
    Array.prototype.forEach.call(states, function (d) { d.addEventListener("toggle", label); });
    label();
  });
  var closedForPrint = [];
  window.addEventListener("beforeprint", function () {
    closedForPrint = Array.prototype.filter.call(document.querySelectorAll("details.df-state"),
      function (d) { return !d.open; });
    closedForPrint.forEach(function (d) { d.open = true; });
  });
  window.addEventListener("afterprint", function () {
    closedForPrint.forEach(function (d) { d.open = false; });
    closedForPrint = [];
  });

  /* ---- "on this page": mark the section in view ------------------------------ */
  var tocLinks = document.querySelectorAll(".toc a");
  if (tocLinks.length && "IntersectionObserver" in window) {
    var byId = {};
    Array.prototype.forEach.call(tocLinks, function (a) { byId[a.getAttribute("href").slice(1)] = a; });
    var obs = new IntersectionObserver(function (entries) {
      entries.forEach(function (en) {
        if (!en.isIntersecting) return;
        Array.prototype.forEach.call(tocLinks, function (a) { a.classList.remove("active"); });
        var a = byId[en.target.id];
        if (a) a.classList.add("active");
      });
    }, { rootMargin: "0px 0px -70% 0px" });
    Object.keys(byId).forEach(function (id) {
      var h = document.getElementById(id);
      if (h) obs.observe(h);
    });
  }
})();
