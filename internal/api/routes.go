package api

import (
	"net/http"

	"github.com/go-chi/chi/v5"
)

// Routes is the route table of the 2010-04-01 API, mounted at
// /2010-04-01. Every route needs credentials; managing accounts and keys
// also needs live credentials or a Main key. Each account's requests are
// bounded in rate and in number at once (fair), before any work is done. Input that cannot be text is
// refused once the caller is known, before any handler reads it.
func (a *API) Routes() http.Handler {
	r := chi.NewRouter()
	r.Use(a.authenticate, a.fair, a.decodeInput)
	r.Group(func(r chi.Router) {
		r.Use(a.manage)
		r.Get("/Accounts.json", a.h(a.listAccounts))
		r.With(a.idempotent).Post("/Accounts.json", a.h(a.createAccount))
		r.Get("/Accounts/{sid}.json", a.h(a.getAccount))
		r.Post("/Accounts/{sid}.json", a.h(a.updateAccount))
		r.Get("/Accounts/{accountSid}/Keys.json", a.h(a.listKeys))
		r.With(a.idempotent).Post("/Accounts/{accountSid}/Keys.json", a.h(a.createKey))
		r.Get("/Accounts/{accountSid}/Keys/{sid}.json", a.h(a.getKey))
		r.Post("/Accounts/{accountSid}/Keys/{sid}.json", a.h(a.updateKey))
		r.Delete("/Accounts/{accountSid}/Keys/{sid}.json", a.h(a.deleteKey))
	})
	r.Group(func(r chi.Router) {
		r.Use(a.live)
		r.Get("/Accounts/{accountSid}/Balance.json", a.h(a.getBalance))
		r.Get("/Accounts/{accountSid}/Messages.json", a.h(a.listMessages))
		r.Get("/Accounts/{accountSid}/Messages/{sid}.json", a.h(a.getMessage))
		r.Post("/Accounts/{accountSid}/Messages/{sid}.json", a.h(a.updateMessage))
		r.Delete("/Accounts/{accountSid}/Messages/{sid}.json", a.h(a.deleteMessage))
		r.Get("/Accounts/{accountSid}/Calls.json", a.h(a.listCalls))
		r.Get("/Accounts/{accountSid}/Calls/{sid}.json", a.h(a.getCall))
		r.Post("/Accounts/{accountSid}/Calls/{sid}.json", a.h(a.updateCall))
		r.Get("/Accounts/{accountSid}/AvailablePhoneNumbers/{country}/{type}", a.h(a.listAvailable))
		r.Get("/Accounts/{accountSid}/Usage/Records.json", a.h(a.usageRecords))
		r.Get("/Accounts/{accountSid}/Usage/Records/{sub}", a.h(a.usageRecords))
		r.Get("/Accounts/{accountSid}/Usage/Triggers.json", a.h(a.listTriggers))
		r.With(a.idempotent).Post("/Accounts/{accountSid}/Usage/Triggers.json", a.h(a.createTrigger))
		r.Get("/Accounts/{accountSid}/Usage/Triggers/{sid}.json", a.h(a.getTrigger))
		r.Post("/Accounts/{accountSid}/Usage/Triggers/{sid}.json", a.h(a.updateTrigger))
		r.Delete("/Accounts/{accountSid}/Usage/Triggers/{sid}.json", a.h(a.deleteTrigger))
		r.Get("/Accounts/{accountSid}/IncomingPhoneNumbers.json", a.h(a.listNumbers))
		r.Get("/Accounts/{accountSid}/IncomingPhoneNumbers/{sid}.json", a.h(a.getNumber))
		r.Post("/Accounts/{accountSid}/IncomingPhoneNumbers/{sid}.json", a.h(a.updateNumber))
		r.Delete("/Accounts/{accountSid}/IncomingPhoneNumbers/{sid}.json", a.h(a.releaseNumber))
	})
	// Metered services: test credentials reach these, and are never charged.
	// What creates or costs something is safe to retry with an Idempotency-Key.
	r.With(a.idempotent).Post("/Accounts/{accountSid}/Messages.json", a.h(a.createMessage))
	r.With(a.idempotent).Post("/Accounts/{accountSid}/Calls.json", a.h(a.createCall))
	r.With(a.idempotent).Post("/Accounts/{accountSid}/IncomingPhoneNumbers.json", a.h(a.buyNumber))
	a.fallbacks(r)
	return r
}

// V1Routes is the route table of the /v1 accounts API (auth token
// rotation), mounted at /v1.
func (a *API) V1Routes() http.Handler {
	r := chi.NewRouter()
	r.Use(a.authenticate, a.fair, a.decodeInput, a.manage)
	r.Post("/AuthTokens/Secondary", a.h(a.createSecondary))
	r.Delete("/AuthTokens/Secondary", a.h(a.deleteSecondary))
	r.Post("/AuthTokens/Promote", a.h(a.promoteSecondary))
	a.fallbacks(r)
	return r
}

func (a *API) fallbacks(r chi.Router) {
	r.NotFound(a.h(func(w http.ResponseWriter, r *http.Request) error { return errNotFound(r.URL.Path) }))
	r.MethodNotAllowed(a.h(func(w http.ResponseWriter, r *http.Request) error {
		return &Error{Status: http.StatusMethodNotAllowed, Code: 20004, Message: "Method not allowed"}
	}))
}
