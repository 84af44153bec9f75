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

  // textOf is what copying or downloading el gives: its text, or, for a
  // list marked data-lines, its items one a line.
  function textOf(el) {
    if (!el.hasAttribute("data-lines")) return el.textContent.trim();
    var lines = [];
    for (var i = 0; i < el.children.length; i++) lines.push(el.children[i].textContent.trim());
    return lines.join("\n");
  }

  // download saves the text of the element btn names as a text file,
  // made here in the page: the codes it holds are never served again.
  function download(btn) {
    var target = document.getElementById(btn.getAttribute("data-download"));
    if (!target) return;
    var text = textOf(target) + "\n";
    var header = target.getAttribute("data-header");
    if (header) text = header + "\n\n" + text;
    var url = URL.createObjectURL(new Blob([text], { type: "text/plain;charset=utf-8" }));
    var a = document.createElement("a");
    a.href = url;
    a.download = btn.getAttribute("data-filename") || "download.txt";
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 0);
  }

  function copy(btn) {
    var target = document.getElementById(btn.getAttribute("data-copy"));
    if (!target) return;
    var text = textOf(target);
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
    var dl = t.closest("button[data-download]");
    if (dl) {
      e.preventDefault();
      download(dl);
    }
    // A quick amount fills its field in place; without the script its
    // link reloads the page with the field filled.
    var fill = t.closest("a[data-fill]");
    var field = fill && document.getElementById(fill.getAttribute("data-fill"));
    if (field) {
      e.preventDefault();
      field.value = fill.getAttribute("data-value");
      field.focus();
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

  // The sign-up form's time zone: a fresh form takes the browser's zone
  // (added to the list if the list lacks it); choosing JPY proposes
  // Asia/Tokyo until the visitor picks a zone themselves.
  function selectZone(sel, tz) {
    if (!tz) return;
    var has = false;
    for (var i = 0; i < sel.options.length; i++) {
      if (sel.options[i].value === tz) has = true;
    }
    if (!has) sel.add(new Option(tz, tz));
    sel.value = tz;
  }
  var zone = document.querySelector("select[name=time_zone][data-browser-time-zone]");
  if (zone) {
    var browserZone = "";
    try {
      browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
    } catch (e) {
      browserZone = "";
    }
    selectZone(zone, browserZone);
  }
  document.addEventListener("change", function (e) {
    var t = e.target;
    if (!(t instanceof HTMLSelectElement) || !t.form) return;
    var tz = t.form.querySelector("select[name=time_zone]");
    if (!tz) return;
    if (t === tz) {
      tz.dataset.chosen = "1";
    } else if (t.name === "currency" && t.value === "JPY" && !tz.dataset.chosen) {
      selectZone(tz, "Asia/Tokyo");
    }
  });

  document.addEventListener("keydown", function (e) {
    if (e.key !== "Escape") return;
    var open = document.querySelector("details.menu[open], details.confirm[open]");
    if (!open) return;
    closeMenus(null);
    var s = open.querySelector("summary");
    if (s) s.focus();
  });
})();
