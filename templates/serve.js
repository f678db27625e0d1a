/* serve.js - live reload for `stepbook serve` (never part of a built site).
 * The server adds <script src="/__stepbook/serve.js" data-generation="N">
 * to each HTML page it sends.  The page listens to /__stepbook/events
 * (Server-Sent Events): each message says the build generation and, when
 * the last build failed, its report.  A newer generation reloads the page;
 * a failed build shows the report over the page until the next good one. */
(function () {
  "use strict";
  var me = document.currentScript;
  var generation = Number(me && me.getAttribute("data-generation"));
  if (!window.EventSource) return;
  var overlay = null;

  function hide() {
    if (overlay) overlay.remove();
    overlay = null;
  }

  function show(text) {
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.setAttribute("role", "alert");
      overlay.style.cssText = "position:fixed;inset:0;z-index:99999;overflow:auto;" +
        "background:rgba(20,20,20,.92);color:#f5f5f5;padding:2rem;" +
        "font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace";
      var title = document.createElement("h2");
      title.textContent = "The build failed (the page shows the last good build)";
      title.style.cssText = "color:#ff8a80;font-size:1.1rem;margin:0 0 1rem";
      var close = document.createElement("button");
      close.type = "button";
      close.textContent = "Close";
      close.style.cssText = "float:right";
      close.onclick = hide;
      var pre = document.createElement("pre");
      pre.style.whiteSpace = "pre-wrap";
      overlay.append(close, title, pre);
      document.body.appendChild(overlay);
    }
    overlay.querySelector("pre").textContent = text;
  }

  var events = new EventSource("/__stepbook/events");
  events.onmessage = function (e) {
    var m;
    try { m = JSON.parse(e.data); } catch (err) { return; }
    if (m.error) { show(m.error); return; }
    hide();
    if (m.generation !== generation) window.location.reload();
  };
})();
