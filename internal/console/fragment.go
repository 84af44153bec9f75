package console

import (
	"net/http"

	"github.com/a-h/templ"
)

// wantsFragment reports whether r is htmx asking for the part of a page
// its form or link replaces. A request restoring the browser's history
// asks for the whole page, as one without htmx does.
func wantsFragment(r *http.Request) bool {
	return r.Header.Get("HX-Request") == "true" && r.Header.Get("HX-History-Restore-Request") != "true"
}

// renderPart renders fragment for htmx, the full page otherwise: the same
// URL answers both, so a pushed URL reloads, bookmarks and shares as the
// page. Caches are told the answer depends on the header.
func renderPart(w http.ResponseWriter, r *http.Request, status int, page, fragment templ.Component) error {
	w.Header().Add("Vary", "HX-Request")
	if wantsFragment(r) {
		return render(w, r, status, fragment)
	}
	return render(w, r, status, page)
}
