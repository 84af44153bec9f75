package console

import (
	"net/http"

	"github.com/go-chi/chi/v5"
)

// Routes is the console's route table. Everything requires a signed-in
// user except the routes in the public group.
func (c *Console) Routes() http.Handler {
	r := chi.NewRouter()
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.renderError(w, r, http.StatusForbidden, "error.cross_origin")
	}))
	r.Use(cop.Handler)
	r.Use(c.sessions.LoadAndSave)
	r.Use(c.loadViewer)

	// Public: signed-out pages.
	r.Group(func(r chi.Router) {
		r.Get("/signin", c.h(c.signInPage))
		r.Post("/signin", c.h(c.signIn))
		r.Get("/signin/2fa", c.h(c.secondFactorPage))
		r.Post("/signin/2fa", c.h(c.secondFactor))
		r.Get("/signup", c.h(c.signUpPage))
		r.Post("/signup", c.h(c.signUp))
		r.Post("/signout", c.h(c.signOut))
		r.Post("/language", c.h(c.switchLanguage))
	})

	// Signed in.
	r.Group(func(r chi.Router) {
		r.Use(c.requireUser)
		r.Get("/", c.h(c.dashboard))
		r.Get("/console/auth-token", c.h(c.showAuthToken))
		r.Post("/console/auth-token/regenerate", c.h(c.regenerateAuthToken))
		r.Post("/projects/switch", c.h(c.switchProject))
		r.Get("/services", c.h(c.allServices))
		r.Get("/services/{service}", c.h(c.service))
		r.Post("/pins/{service}", c.h(c.setPin))
		r.Post("/switch-to-master", c.h(c.switchToMaster))

		r.Get("/settings", http.RedirectHandler("/settings/general", http.StatusSeeOther).ServeHTTP)
		r.Get("/settings/general", c.h(c.generalPage))
		r.Post("/settings/general", c.h(c.updateGeneral))
		r.Get("/settings/subaccounts", c.h(c.subaccountsPage))
		r.Post("/settings/subaccounts", c.h(c.createSubaccount))
		r.Get("/settings/subaccounts/{sid}", c.h(c.subaccountPage))
		r.Post("/settings/subaccounts/{sid}/rename", c.h(c.renameSubaccount))
		r.Post("/settings/subaccounts/{sid}/status", c.h(c.setSubaccountStatus))
		r.Post("/settings/subaccounts/{sid}/close", c.h(c.closeSubaccount))
		r.Post("/settings/subaccounts/{sid}/view", c.h(c.viewSubaccount))
		r.Get("/settings/credentials", c.h(c.credentialsPage))
		r.Post("/settings/credentials/secondary", c.h(c.createSecondary))
		r.Post("/settings/credentials/secondary/promote", c.h(c.promoteSecondary))
		r.Post("/settings/credentials/secondary/delete", c.h(c.deleteSecondary))
		r.Get("/settings/keys", c.h(c.keysPage))
		r.Post("/settings/keys", c.h(c.createKey))
		r.Post("/settings/keys/{sid}/delete", c.h(c.revokeKey))

		r.Get("/user/settings", c.h(c.settingsPage))
		r.Post("/user/settings/profile", c.h(c.updateProfile))
		r.Post("/user/settings/email", c.h(c.updateEmail))
		r.Post("/user/settings/password", c.h(c.updatePassword))
		r.Post("/user/settings/language", c.h(c.updateLanguage))
		r.Post("/user/settings/2fa/begin", c.h(c.beginTwoFactor))
		r.Get("/user/settings/2fa", c.h(c.enrolPage))
		r.Get("/user/settings/2fa/qr.png", c.h(c.enrolQR))
		r.Post("/user/settings/2fa/confirm", c.h(c.confirmTwoFactor))
		r.Post("/user/settings/2fa/disable", c.h(c.disableTwoFactor))
	})

	r.NotFound(c.h(func(w http.ResponseWriter, r *http.Request) error { return errNotFound }))
	r.MethodNotAllowed(c.h(func(w http.ResponseWriter, r *http.Request) error {
		return &Error{Status: http.StatusMethodNotAllowed, MsgKey: "error.method"}
	}))
	return r
}
