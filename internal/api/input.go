package api

import (
	"mime"
	"net/http"

	"github.com/go-chi/chi/v5"

	"console/internal/database"
	"console/internal/sid"
)

// maxMultipartMemory bounds what a multipart body may hold in memory; the
// API's parameters are a few short strings.
const maxMultipartMemory = 1 << 20

// decodeInput parses the query and the form body once for every endpoint
// and refuses, before any handler or query runs, text that PostgreSQL
// cannot store or compare (a NUL byte, invalid UTF-8): such a value is
// bad input, answered 400 with Twilio's code 20001 and the parameter's
// name, never a database error answered 500. Handlers then read values
// that are safe to pass on.
func (a *API) decodeInput(next http.Handler) http.Handler {
	return a.h(func(w http.ResponseWriter, r *http.Request) error {
		if err := checkInput(r); err != nil {
			return err
		}
		next.ServeHTTP(w, r)
		return nil
	})
}

// checkInput parses r's form and checks every name and value in it.
func checkInput(r *http.Request) *Error {
	if err := parseForm(r); err != nil {
		return errInvalid("request", "the query and the body must be form-encoded (application/x-www-form-urlencoded), at most 10 MB")
	}
	for k, vs := range r.Form {
		if !database.IsText(k) {
			return errInvalid("parameter name", "must be UTF-8 text without NUL characters")
		}
		for _, v := range vs {
			if !database.IsText(v) {
				return errInvalid(k, "must be UTF-8 text without NUL characters")
			}
		}
	}
	return nil
}

// parseForm fills r.Form and r.PostForm from the query and a form body,
// url-encoded or multipart, as http.Request.FormValue would on first use.
func parseForm(r *http.Request) error {
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct == "multipart/form-data" {
		if err := r.ParseMultipartForm(maxMultipartMemory); err != nil {
			return err
		}
		return nil
	}
	return r.ParseForm()
}

// sidParams are the route parameters that hold a SID.
var sidParams = map[string]bool{"sid": true, "accountSid": true}

// checkPath refuses a routed URL whose parameters cannot name anything:
// a SID parameter without a SID's syntax, or any parameter that is not
// text. Such a URL names no resource, so it is a 404, answered before any
// query.
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
			return errNotFound(r.URL.Path)
		}
	}
	return nil
}
