package console

import (
	"mime"
	"net/http"

	"github.com/go-chi/chi/v5"

	"console/internal/database"
	"console/internal/sid"
)

// maxMultipartMemory bounds what a multipart form may hold in memory; the
// console's forms are a few short fields.
const maxMultipartMemory = 1 << 20

// maxFieldNameShown bounds a field's name as the error page repeats it.
const maxFieldNameShown = 64

// decodeInput parses the query and the form body once, for every page,
// and refuses before any handler or query runs what PostgreSQL cannot
// store or compare (a NUL character, invalid UTF-8): a form field with it
// is a 422 naming the field; a query with it, a 400. No browser sends
// either from the console's own pages, so a page naming the field is
// enough; what a person types is checked by each form as before.
func (c *Console) decodeInput(next http.Handler) http.Handler {
	return c.h(func(w http.ResponseWriter, r *http.Request) error {
		if err := checkInput(r); err != nil {
			return err
		}
		next.ServeHTTP(w, r)
		return nil
	})
}

var (
	errBadRequest = &Error{Status: http.StatusBadRequest, MsgKey: "error.bad_request"}
	errBadQuery   = &Error{Status: http.StatusBadRequest, MsgKey: "error.bad_query"}
)

func checkInput(r *http.Request) *Error {
	if err := parseForm(r); err != nil {
		return errBadRequest
	}
	for k, vs := range r.PostForm {
		bad := !database.IsText(k)
		for _, v := range vs {
			bad = bad || !database.IsText(v)
		}
		if bad {
			name := "?"
			if database.IsText(k) {
				name = k
				if r := []rune(name); len(r) > maxFieldNameShown {
					name = string(r[:maxFieldNameShown]) + "…"
				}
			}
			return &Error{Status: http.StatusUnprocessableEntity, MsgKey: "error.bad_field", Args: []any{name}}
		}
	}
	for k, vs := range r.URL.Query() {
		if !database.IsText(k) {
			return errBadQuery
		}
		for _, v := range vs {
			if !database.IsText(v) {
				return errBadQuery
			}
		}
	}
	return nil
}

// parseForm fills r.Form and r.PostForm from the query and a form body,
// url-encoded or multipart, as http.Request.FormValue would on first use.
func parseForm(r *http.Request) error {
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct == "multipart/form-data" {
		return r.ParseMultipartForm(maxMultipartMemory)
	}
	return r.ParseForm()
}

// sidParams are the route parameters that hold a SID or a user's ID (US…).
var sidParams = map[string]bool{"sid": true, "user": true}

// checkPath refuses a routed URL whose parameters cannot name anything: a
// SID parameter without a SID's syntax, or any parameter that is not text.
// Such a URL names no page: a 404, before any query.
func checkPath(r *http.Request) *Error {
	rc := chi.RouteContext(r.Context())
	if rc == nil {
		return nil
	}
	for i, k := range rc.URLParams.Keys {
		if k == "*" {
			continue // a mount's rest of the path, routed further
		}
		v := rc.URLParams.Values[i]
		if !database.IsText(v) || sidParams[k] && !sid.Syntax(v) {
			return errNotFound
		}
	}
	return nil
}

// pageAfter reads ?after=, the SID of the last row of the previous page of
// a list (a keyset position: any page costs one page); anything but a SID
// is a 400.
func pageAfter(r *http.Request) (string, error) {
	after := r.URL.Query().Get("after")
	if after != "" && !sid.Syntax(after) {
		return "", errBadRequest
	}
	return after, nil
}
