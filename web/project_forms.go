package web

import (
	"time"

	"console/internal/account"
	"console/internal/team"
)

// SettingsTab is one tab of Settings and what a role needs to see it.
type SettingsTab struct {
	ID, Href, NameKey string
	Perm              team.Permission
	// ProjectLevel tabs act on the master account and are hidden while
	// the console views a subaccount.
	ProjectLevel bool
}

// SettingsTabs in the order shown; /settings opens the first one allowed.
var SettingsTabs = []SettingsTab{
	{"general", "/settings/general", "settings.general", team.PermSettingsManage, true},
	{"subaccounts", "/settings/subaccounts", "settings.subaccounts", team.PermSubaccountsView, true},
	{"credentials", "/settings/credentials", "settings.credentials", team.PermCredentialsView, false},
	{"keys", "/settings/keys", "settings.keys", team.PermKeysManage, false},
	{"users", "/settings/users", "settings.users", team.PermMembersView, true},
}

// GeneralForm is Settings › General.
type GeneralForm struct {
	FriendlyName string
	TimeZone     string
	Currency     string
	// CurrencyLocked is true once money has moved.
	CurrencyLocked bool
	Errors         FieldErrors
	Require2FA     Require2FAData
}

// TimeZones offered in the select; any IANA name is accepted.
var TimeZones = []string{
	"Asia/Tokyo", "UTC", "Asia/Seoul", "Asia/Shanghai", "Asia/Singapore", "Asia/Kolkata", "Australia/Sydney",
	"Europe/London", "Europe/Paris", "Europe/Berlin", "America/New_York", "America/Chicago", "America/Denver",
	"America/Los_Angeles", "America/Sao_Paulo", "Pacific/Honolulu",
}

// SubaccountsData is Settings › Subaccounts.
type SubaccountsData struct {
	Subaccounts []*account.Account
	Limit       int
	Create      SubaccountForm
}

// SubaccountForm creates a subaccount.
type SubaccountForm struct {
	FriendlyName string
	Errors       FieldErrors
}

// SubaccountData is one subaccount's page.
type SubaccountData struct {
	Account *account.Account
	Rename  SubaccountForm
	Close   FieldErrors
}

// CredentialsData is Settings › API credentials for the acting account.
type CredentialsData struct {
	AccountSID string
	// Revealed secrets; empty while masked.
	Primary, Secondary, Test string
	SecondaryCreated         *time.Time
	TestSID                  string
}

// KeysData is Settings › API keys.
type KeysData struct {
	Keys   []*account.Key
	Create KeyForm
}

// KeyForm creates an API key.
type KeyForm struct {
	FriendlyName string
	Type         string
	Errors       FieldErrors
}
