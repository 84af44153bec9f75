// app.js: small progressive enhancements for the console. Loaded with
// defer under a strict CSP (no inline code, no eval). Everything is
// delegated from document so it keeps working after htmx swaps content.
(function () {
  "use strict";

  var RESTORE_MS = 1500;

  // copyFallback copies el's text through a selection, for browsers or
  // contexts (plain http) without the async clipboard API.
  function copyFallback(el) {
    var sel = window.getSelection();
    if (!sel) return false;
    var saved = [];
    for (var i = 0; i < sel.rangeCount; i++) saved.push(sel.getRangeAt(i));
    var range = document.createRange();
    range.selectNodeContents(el);
    sel.removeAllRanges();
    sel.addRange(range);
    var ok = false;
    try {
      ok = document.execCommand("copy");
    } catch (e) {
      ok = false;
    }
    sel.removeAllRanges();
    saved.forEach(function (r) { sel.addRange(r); });
    return ok;
  }

  // confirmCopied marks the button for a moment: the stylesheet draws a
  // check mark (an icon, not a glyph) while it has the class.
  function confirmCopied(btn) {
    btn.classList.add("copied");
    clearTimeout(btn._copyTimer);
    btn._copyTimer = setTimeout(function () {
      btn.classList.remove("copied");
    }, RESTORE_MS);
  }

  function copy(btn) {
    var target = document.getElementById(btn.getAttribute("data-copy"));
    if (!target) return;
    var text = target.textContent.trim();
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(
        function () { confirmCopied(btn); },
        function () { if (copyFallback(target)) confirmCopied(btn); }
      );
    } else if (copyFallback(target)) {
      confirmCopied(btn);
    }
  }

  function closeMenus(except) {
    var open = document.querySelectorAll("details.menu[open], details.confirm[open]");
    for (var i = 0; i < open.length; i++) {
      if (open[i] !== except) open[i].removeAttribute("open");
    }
  }

  document.addEventListener("click", function (e) {
    var t = e.target instanceof Element ? e.target : null;
    if (!t) return;
    var btn = t.closest("button.copy[data-copy]");
    if (btn) {
      e.preventDefault();
      copy(btn);
    }
    // A click outside every open menu closes them all.
    closeMenus(t.closest("details.menu, details.confirm"));
  });

  // toggle does not bubble: listen in the capture phase. When a menu
  // opens, close the others.
  document.addEventListener("toggle", function (e) {
    var d = e.target;
    if (d instanceof HTMLDetailsElement && (d.classList.contains("menu") || d.classList.contains("confirm")) && d.open) {
      closeMenus(d);
    }
  }, true);

  document.addEventListener("keydown", function (e) {
    if (e.key !== "Escape") return;
    var open = document.querySelector("details.menu[open], details.confirm[open]");
    if (!open) return;
    closeMenus(null);
    var s = open.querySelector("summary");
    if (s) s.focus();
  });
})();
