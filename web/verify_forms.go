package web

// CheckMailData is the "check your mail" page.
type CheckMailData struct {
	// Email is where the last link went, as the visitor typed it.
	Email string
	// NewEmail is the other address typed, kept after an error.
	NewEmail string
	Errors   FieldErrors
}

// VerifyLinkData is the page of a verification link: its confirm button,
// or why it does nothing.
type VerifyLinkData struct {
	// Token is the link's token, for the confirm button's form; set only
	// when the link works.
	Token string
	// State is the catalog key of why: used, expired or not valid.
	State string
	// CanResend is set for a signed-in user still to verify.
	CanResend bool
	// SignedIn is set for a signed-in user who needs no new link.
	SignedIn bool
}
