package web

// ForgotForm asks for the address to mail a password reset link to.
type ForgotForm struct {
	Email  string
	Errors FieldErrors
}

// ResetForm chooses a new password through a reset link. State, when set,
// is the catalog key saying why the link no longer works, and the page
// offers a new link instead of the form.
type ResetForm struct {
	State  string
	Errors FieldErrors
}

// EmailLinkData is the page of a link mailed about an email change: Mode
// "confirm" (the new address's link) or "cancel" (the old address's).
// State, when set, is the catalog key saying why the link no longer
// works; Errors holds a refusal of the confirmation.
type EmailLinkData struct {
	Mode     string
	OldEmail string
	NewEmail string
	State    string
	Errors   FieldErrors
}
