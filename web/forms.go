package web

import "console/internal/nav"

// SignInForm is the first step of signing in.
type SignInForm struct {
	Email  string
	Next   string
	Errors FieldErrors
}

// SecondFactorForm asks for a TOTP or recovery code.
type SecondFactorForm struct {
	Errors FieldErrors
}

// SignUpForm creates a user and their first project.
type SignUpForm struct {
	Name, Email, ProjectName, Currency string
	// TimeZone is the project's IANA zone; the page's script presets it
	// from the browser.
	TimeZone string
	// FromBrowser lets the page's script replace TimeZone with the
	// browser's zone: a fresh form, not one sent back with the visitor's
	// own choice.
	FromBrowser bool
	Errors      FieldErrors
}

// RegenerateForm confirms regenerating the auth token.
type RegenerateForm struct {
	Errors FieldErrors
}

// DashboardData is what the dashboard shows.
type DashboardData struct {
	AccountSID string
	// AuthToken is set only when the user asked to see it.
	AuthToken  string
	Balance    string
	MonthSpend string
	Month      string
	// Spent is set when anything was used this month; Chart shows it per day.
	Spent      bool
	Chart      Chart
	Shortcuts  []nav.Service
	TwoFactor  bool
	Regenerate RegenerateForm
	// Recharge is the auto-recharge state beside the balance.
	Recharge RechargeState
	// LowUnder is the threshold the balance is below, when it is low.
	LowUnder string
	Low      bool
}

// RechargeState is auto-recharge as the dashboard's balance card shows it.
type RechargeState int

// Auto-recharge states.
const (
	RechargeOff RechargeState = iota
	RechargeOn
	RechargePaused
)

// ProfileForm renames the user.
type ProfileForm struct {
	FriendlyName string
	Errors       FieldErrors
}

// EmailForm changes the user's email.
type EmailForm struct {
	Email string
	// Pending is the new address waiting for its confirmation, if any.
	Pending string
	Errors  FieldErrors
}

// PasswordForm changes the user's password.
type PasswordForm struct {
	Errors FieldErrors
}

// DisableTwoFactorForm turns 2FA off.
type DisableTwoFactorForm struct {
	Errors FieldErrors
}

// SettingsData is the User Settings page.
type SettingsData struct {
	Profile       ProfileForm
	Email         EmailForm
	Password      PasswordForm
	Disable       DisableTwoFactorForm
	Regenerate    RegenerateCodesForm
	RecoveryLeft  int
	PreferredLang string // "", "en" or "ja"
}

// EnrolData is the 2FA enrolment page.
type EnrolData struct {
	Secret string
	Errors FieldErrors
}
