/* serve.js - live reload for `stepbook serve` (never part of a built site).
 * The server adds <script src="/__stepbook/serve.js" data-generation="N">
 * to each HTML page it sends.  The page listens to /__stepbook/events
 * (Server-Sent Events): each message says the build generation, the last
 * build's report when it failed, and the cases `stepbook check` failed.  A
 * newer generation reloads the page; a failed build shows the report over
 * the page until the next good one; failing check cases are shown over
 * the page until closed (and not again in this tab while they stay the
 * same). */
(function () {
  "use strict";
  var me = document.currentScript;
  var generation = Number(me && me.getAttribute("data-generation"));
  if (!window.EventSource) return;
  var overlay = null;
  var DISMISSED = "stepbook-check-dismissed";

  function hide() {
    if (overlay) overlay.remove();
    overlay = null;
  }

  function dismissed() {
    try { return sessionStorage.getItem(DISMISSED); } catch (err) { return null; }
  }

  function dismiss(text) {
    try { sessionStorage.setItem(DISMISSED, text); } catch (err) { /* private mode */ }
  }

  function show(heading, text, onClose) {
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.setAttribute("role", "alert");
      overlay.style.cssText = "position:fixed;inset:0;z-index:99999;overflow:auto;" +
        "background:rgba(20,20,20,.92);color:#f5f5f5;padding:2rem;" +
        "font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace";
      var title = document.createElement("h2");
      title.style.cssText = "color:#ff8a80;font-size:1.1rem;margin:0 0 1rem";
      var close = document.createElement("button");
      close.type = "button";
      close.textContent = "Close";
      close.style.cssText = "float:right";
      close.onclick = function () {
        if (overlay && overlay.onClose) overlay.onClose();
        hide();
      };
      var pre = document.createElement("pre");
      pre.style.whiteSpace = "pre-wrap";
      overlay.append(close, title, pre);
      document.body.appendChild(overlay);
    }
    overlay.querySelector("h2").textContent = heading;
    overlay.querySelector("pre").textContent = text;
    overlay.onClose = onClose;
  }

  var events = new EventSource("/__stepbook/events");
  events.onmessage = function (e) {
    var m;
    try { m = JSON.parse(e.data); } catch (err) { return; }
    if (m.error) {
      show("The build failed (the page shows the last good build)",
        m.error + (m.check ? "\n" + m.check : ""), null);
      return;
    }
    if (m.generation !== generation) { hide(); window.location.reload(); return; }
    if (m.check && m.check !== dismissed()) {
      show("The check failed (stepbook check has the details)", m.check,
        function () { dismiss(m.check); });
    } else {
      hide();
    }
  };
})();
