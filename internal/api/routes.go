package api

import (
	"net/http"

	"github.com/go-chi/chi/v5"
)

// Routes is the route table of the 2010-04-01 API, mounted at
// /2010-04-01; every route needs credentials.
func (a *API) Routes() http.Handler {
	r := chi.NewRouter()
	r.Use(a.authenticate)
	r.Get("/Accounts/{sid}.json", a.h(a.getAccount))
	r.NotFound(a.h(func(w http.ResponseWriter, r *http.Request) error { return errNotFound(r.URL.Path) }))
	r.MethodNotAllowed(a.h(func(w http.ResponseWriter, r *http.Request) error {
		return &Error{Status: http.StatusMethodNotAllowed, Code: 20004, Message: "Method not allowed"}
	}))
	return r
}
