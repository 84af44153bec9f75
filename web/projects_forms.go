package web

import (
	"console/internal/account"
	"console/internal/nav"
)

// ProjectForm is "Create new project".
type ProjectForm struct {
	Name, Currency, TimeZone string
	Errors                   FieldErrors
}

// LeaveData is the page that confirms leaving the current project.
type LeaveData struct {
	// Owner is set for the project's Owner, who transfers ownership
	// before leaving.
	Owner  bool
	Errors FieldErrors
}

// DeleteUserForm is User Settings › Delete account.
type DeleteUserForm struct {
	Errors FieldErrors
}

// SubaccountMenuLimit is how many subaccounts the project menu lists; past
// it, a search box finds the others.
const SubaccountMenuLimit = nav.MenuSubaccounts - 1

// SubaccountMatches is what the project menu's subaccount search found.
type SubaccountMatches struct {
	Query       string
	Subaccounts []*account.Account
}
