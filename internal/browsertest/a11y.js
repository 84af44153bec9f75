// The accessibility check of browsertest.A11yProblems: an expression whose
// value is the list of problems found on the page.
(() => {
  const problems = [];
  const text = (el) => (el ? el.textContent.replace(/\s+/g, " ").trim() : "");
  const labelledBy = (el) =>
    (el.getAttribute("aria-labelledby") || "")
      .split(/\s+/)
      .filter(Boolean)
      .map((id) => text(document.getElementById(id)))
      .join(" ")
      .trim();
  const ariaName = (el) =>
    (el.getAttribute("aria-label") || "").trim() || labelledBy(el) || (el.getAttribute("title") || "").trim();
  const describe = (el) => {
    let s = el.tagName.toLowerCase();
    if (el.id) s += "#" + el.id;
    for (const a of ["name", "type", "data-testid", "href"]) {
      if (el.hasAttribute(a)) s += "[" + a + '="' + el.getAttribute(a) + '"]';
    }
    return s;
  };

  // What no one can see or reach is skipped (a username field kept for
  // password managers); what a closed <details> holds is checked.
  const unseen = (el) => el.closest('[hidden], [aria-hidden="true"], [inert]') !== null;
  for (const el of document.querySelectorAll("input, select, textarea")) {
    if (["hidden", "submit", "button", "reset", "image"].includes(el.type) || unseen(el)) continue;
    const labels = Array.from(el.labels || []).filter((l) => text(l) !== "");
    if (labels.length === 0 && !ariaName(el)) problems.push("field without a label: " + describe(el));
  }
  for (const el of document.querySelectorAll("input[type=submit], input[type=button]")) {
    if (!(el.value || "").trim() && !ariaName(el)) problems.push("button without a text alternative: " + describe(el));
  }
  for (const el of document.querySelectorAll("button, a[href], summary, [role=button]")) {
    if (unseen(el)) continue;
    const imgAlt = Array.from(el.querySelectorAll("img")).some((i) => (i.alt || "").trim() !== "");
    if (text(el) === "" && !ariaName(el) && !imgAlt) problems.push("control without a text alternative: " + describe(el));
  }
  for (const el of document.querySelectorAll("img")) {
    if (!el.hasAttribute("alt")) problems.push("image without alt: " + describe(el));
  }
  for (const el of document.querySelectorAll("svg")) {
    if (el.closest('[aria-hidden="true"]') || el.parentElement.closest("svg")) continue;
    const title = Array.from(el.children).find((c) => c.tagName.toLowerCase() === "title");
    if (!ariaName(el) && !text(title)) problems.push("svg without a name (or aria-hidden): " + describe(el));
  }
  for (const el of document.querySelectorAll("[aria-describedby], [aria-labelledby]")) {
    for (const attr of ["aria-describedby", "aria-labelledby"]) {
      for (const id of (el.getAttribute(attr) || "").split(/\s+/).filter(Boolean)) {
        if (!document.getElementById(id)) problems.push(attr + " names no element (" + id + "): " + describe(el));
      }
    }
  }
  const seen = new Map();
  for (const el of document.querySelectorAll("[id]")) seen.set(el.id, (seen.get(el.id) || 0) + 1);
  for (const [id, n] of seen) if (n > 1) problems.push("id used " + n + " times: " + id);
  const h1 = document.querySelectorAll("h1").length;
  if (h1 !== 1) problems.push("h1 count is " + h1 + ", want 1");
  const main = document.querySelectorAll("main, [role=main]").length;
  if (main !== 1) problems.push("main landmark count is " + main + ", want 1");
  if (!document.documentElement.lang) problems.push("html has no lang");
  return problems;
})()
