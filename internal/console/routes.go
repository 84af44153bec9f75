package console

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"console/internal/team"
)

// Routes is the console's route table. Everything requires a signed-in
// member except the public group; each signed-in route names the
// permission it needs (team.Matrix says which roles have it), and a
// project that requires 2FA sends members without it to enrolment first.
// The groups that act on the account being viewed (credentials, keys,
// numbers, triggers) change nothing while it is suspended (activeAccount).
func (c *Console) Routes() http.Handler {
	r := chi.NewRouter()
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.renderError(w, r, http.StatusForbidden, "error.cross_origin")
	}))
	r.Use(cop.Handler)
	r.Use(c.sessions.LoadAndSave)
	r.Use(c.loadViewer)
	r.Use(c.decodeInput) // after the viewer: its error page speaks their language
	r.Use(withActor)
	c.preloads = map[string]preload{
		"GET /": c.preloadMonthSpend, // the dashboard
	}

	// Public: signed-out pages and the invitation link.
	r.Group(func(r chi.Router) {
		r.Get("/signin", c.h(c.signInPage))
		r.Post("/signin", c.h(c.signIn))
		r.Get("/signin/2fa", c.h(c.secondFactorPage))
		r.Post("/signin/2fa", c.h(c.secondFactor))
		r.Get("/signup", c.h(c.signUpPage))
		r.Post("/signup", c.h(c.signUp))
		r.Post("/signout", c.h(c.signOut))
		// "Check your mail" and the mailed link: for a sign-up still to
		// verify, and for a browser answered as one (see signUp).
		r.Get("/verify", c.h(c.checkMailPage))
		r.Post("/verify/resend", c.h(c.resendVerification))
		r.Post("/verify/email", c.h(c.changeVerificationEmail))
		r.Get("/verify/confirm", c.h(c.verificationLinkPage))
		r.Post("/verify/confirm", c.h(c.confirmVerification))
		r.Get("/password/forgot", c.h(c.forgotPage))
		r.Post("/password/forgot", c.h(c.forgot))
		r.Get("/password/reset", c.h(c.resetPage))
		r.Post("/password/reset", c.h(c.reset))
		r.Get("/email/confirm", c.h(c.emailLinkPage("confirm")))
		r.Post("/email/confirm", c.h(c.confirmEmail))
		r.Get("/email/cancel", c.h(c.emailLinkPage("cancel")))
		r.Post("/email/cancel", c.h(c.cancelEmail))
		r.Post("/language", c.h(c.switchLanguage))
		r.Get("/invitation", c.h(c.invitationPage))
		r.Post("/invitation/accept", c.h(c.acceptInvitation))
		r.Post("/invitation/signup", c.h(c.invitationSignUp))
		if !c.cfg.Production() {
			r.Get("/dev/mailbox", c.h(c.mailbox))
			r.Get("/dev/mailbox/{id}", c.h(c.mailbox))
		}
	})

	// Signed in, with or without a project: a user who left their last
	// project creates another here, or deletes their user.
	r.Group(func(r chi.Router) {
		r.Use(c.requireSignedIn)
		r.Get("/projects/new", c.h(c.newProjectPage))
		r.Post("/projects", c.h(c.createProject))
		r.Get("/user/settings/delete", c.h(c.deleteUserPage))
		r.Post("/user/settings/delete", c.h(c.deleteUser))
	})

	// Signed in: the user's own things, whatever their role.
	r.Group(func(r chi.Router) {
		r.Use(c.requireUser, c.enforceTwoFactor)
		r.Post("/projects/switch", c.h(c.switchProject))
		r.Get("/projects/leave", c.h(c.leaveProjectPage))
		r.Post("/projects/leave", c.h(c.leaveProject))
		r.With(c.can(team.PermSubaccountsView)).Get("/projects/subaccounts", c.h(c.menuSubaccounts))
		r.Post("/switch-to-master", c.h(c.switchToMaster))
		r.Post("/pins/{service}", c.h(c.setPin))
		r.Get("/services", c.h(c.allServices))
		r.Get("/services/{service}", c.h(c.service))
		r.Get("/settings", c.h(c.settingsHome))

		r.Get("/user/settings", c.h(c.settingsPage))
		r.Post("/user/settings/profile", c.h(c.updateProfile))
		r.Post("/user/settings/email", c.h(c.updateEmail))
		r.Post("/user/settings/email/cancel", c.h(c.cancelPendingEmail))
		r.Post("/user/settings/password", c.h(c.updatePassword))
		r.Post("/user/settings/language", c.h(c.updateLanguage))
		r.Get("/user/settings/2fa/required", c.h(c.twoFactorRequiredPage))
		r.Post("/user/settings/2fa/begin", c.h(c.beginTwoFactor))
		r.Get("/user/settings/2fa", c.h(c.enrolPage))
		r.Get("/user/settings/2fa/qr.png", c.h(c.enrolQR))
		r.Post("/user/settings/2fa/confirm", c.h(c.confirmTwoFactor))
		r.Post("/user/settings/2fa/disable", c.h(c.disableTwoFactor))
		r.Post("/user/settings/2fa/recovery-codes", c.h(c.regenerateRecoveryCodes))
		r.Get("/user/settings/sessions", c.h(c.sessionsPage))
		r.Post("/user/settings/sessions/others/end", c.h(c.endOtherSessions))
		r.Post("/user/settings/sessions/{id}/end", c.h(c.endSession))
		r.Post("/user/settings/browsers/{id}/forget", c.h(c.forgetBrowser))

		r.With(c.can(team.PermDashboard)).Get("/", c.h(c.dashboard))

		r.With(c.can(team.PermCredentialsView)).Group(func(r chi.Router) {
			r.Get("/console/auth-token", c.h(c.showAuthToken))
			r.Get("/settings/credentials", c.h(c.credentialsPage))
		})
		r.With(c.can(team.PermCredentialsManage), c.activeAccount).Group(func(r chi.Router) {
			r.Post("/console/auth-token/regenerate", c.h(c.regenerateAuthToken))
			r.Post("/settings/credentials/secondary", c.h(c.createSecondary))
			r.Post("/settings/credentials/secondary/promote", c.h(c.promoteSecondary))
			r.Post("/settings/credentials/secondary/delete", c.h(c.deleteSecondary))
		})
		r.With(c.can(team.PermKeysManage), c.activeAccount).Group(func(r chi.Router) {
			r.Get("/settings/keys", c.h(c.keysPage))
			r.Post("/settings/keys", c.h(c.createKey))
			r.Post("/settings/keys/{sid}/delete", c.h(c.revokeKey))
		})
		r.With(c.can(team.PermSubaccountsView)).Group(func(r chi.Router) {
			r.Get("/settings/subaccounts", c.h(c.subaccountsPage))
			r.Get("/settings/subaccounts/{sid}", c.h(c.subaccountPage))
			r.Post("/settings/subaccounts/{sid}/view", c.h(c.viewSubaccount))
		})
		r.With(c.can(team.PermSubaccountsManage)).Group(func(r chi.Router) {
			r.Post("/settings/subaccounts", c.h(c.createSubaccount))
			r.Post("/settings/subaccounts/{sid}/rename", c.h(c.renameSubaccount))
			r.Post("/settings/subaccounts/{sid}/status", c.h(c.setSubaccountStatus))
			r.Post("/settings/subaccounts/{sid}/close", c.h(c.closeSubaccount))
		})
		r.With(c.can(team.PermSettingsManage)).Group(func(r chi.Router) {
			r.Get("/settings/general", c.h(c.generalPage))
			r.Post("/settings/general", c.h(c.updateGeneral))
			r.Post("/settings/general/require-2fa", c.h(c.setRequireTwoFactor))
		})
		r.With(c.can(team.PermBillingView)).Group(func(r chi.Router) {
			r.Get("/billing", c.h(c.billingPage))
			r.Get("/billing/payment-methods", c.h(c.methodsPage))
			r.Get("/billing/history", c.h(c.historyPage))
			r.Get("/billing/receipts/{id}", c.h(c.receiptPage))
			r.Get("/billing/receipts/{id}/pdf", c.h(c.receiptPDF))
			r.Get("/billing/statement", c.h(c.statementPage))
			r.Get("/billing/statement/pdf", c.h(c.statementPDF))
			r.Get("/billing/recurring", c.h(c.recurringPage))
			r.Get("/billing/preferences", c.h(c.preferencesPage))
		})
		r.With(c.can(team.PermBillingManage)).Group(func(r chi.Router) {
			r.Post("/billing/add-funds", c.h(c.addFunds))
			r.Post("/billing/auto-recharge", c.h(c.saveAutoRecharge))
			r.Post("/billing/alerts", c.h(c.addAlert))
			r.Post("/billing/alerts/remove", c.h(c.removeAlert))
			r.Post("/billing/payment-methods", c.h(c.addCard))
			r.Post("/billing/payment-methods/{id}/primary", c.h(c.makePrimary))
			r.Post("/billing/payment-methods/{id}/down", c.h(c.moveCardDown))
			r.Post("/billing/payment-methods/{id}/remove", c.h(c.removeCard))
			r.Post("/billing/preferences", c.h(c.savePreferences))
		})
		r.With(c.can(team.PermLogsView)).Group(func(r chi.Router) {
			r.Get("/sms/logs", c.h(c.smsLogs))
			r.Get("/sms/logs/{sid}", c.h(c.smsMessage))
			r.Get("/voice/logs", c.h(c.callLogs))
			r.Get("/voice/logs/{sid}", c.h(c.callDetail))
		})
		r.With(c.can(team.PermMessagesManage), c.activeAccount).Group(func(r chi.Router) {
			r.Post("/sms/logs/{sid}/redact", c.h(c.redactMessage))
			r.Post("/sms/logs/{sid}/delete", c.h(c.deleteMessage))
		})
		r.With(c.can(team.PermUsageView)).Group(func(r chi.Router) {
			r.Get("/usage", c.h(c.usageSummary))
			r.Get("/usage/summary.csv", c.h(c.usageCSV))
			r.Get("/usage/subaccounts", c.h(c.usageSubaccounts))
		})
		r.With(c.can(team.PermNumbersManage), c.activeAccount).Group(func(r chi.Router) {
			r.Get("/phone-numbers", c.h(c.numbersPage))
			r.Get("/phone-numbers/search", c.h(c.searchPage))
			r.Post("/phone-numbers/buy", c.h(c.buyNumber))
			r.Get("/phone-numbers/{sid}", c.h(c.numberPage))
			r.Post("/phone-numbers/{sid}", c.h(c.renameNumber))
			r.Post("/phone-numbers/{sid}/release", c.h(c.releaseNumber))
		})
		r.With(c.can(team.PermTriggersManage), c.activeAccount).Group(func(r chi.Router) {
			r.Get("/usage/triggers", c.h(c.triggersPage))
			r.Get("/usage/triggers/new", c.h(c.newTriggerPage))
			r.Post("/usage/triggers", c.h(c.createTrigger))
			r.Get("/usage/triggers/{sid}", c.h(c.triggerPage))
			r.Post("/usage/triggers/{sid}", c.h(c.updateTrigger))
			r.Post("/usage/triggers/{sid}/delete", c.h(c.deleteTrigger))
		})
		r.With(c.can(team.PermEventsView)).Group(func(r chi.Router) {
			r.Get("/monitor/events", c.h(c.eventsPage))
			r.Get("/monitor/events.csv", c.h(c.eventsCSV))
		})
		r.With(c.can(team.PermMembersView)).Get("/settings/users", c.h(c.membersPage))
		r.With(c.can(team.PermMembersManage)).Group(func(r chi.Router) {
			r.Post("/settings/users/invite", c.h(c.invite))
			r.Post("/settings/users/invitations/{id}/resend", c.h(c.resendInvitation))
			r.Post("/settings/users/invitations/{id}/revoke", c.h(c.revokeInvitation))
			r.Post("/settings/users/{user}/role", c.h(c.changeRole))
			r.Post("/settings/users/{user}/remove", c.h(c.removeMember))
			r.Post("/settings/users/{user}/transfer", c.h(c.transferOwnership))
		})
	})

	r.NotFound(c.h(func(w http.ResponseWriter, r *http.Request) error { return errNotFound }))
	r.MethodNotAllowed(c.h(func(w http.ResponseWriter, r *http.Request) error {
		return &Error{Status: http.StatusMethodNotAllowed, MsgKey: "error.method"}
	}))
	return r
}
