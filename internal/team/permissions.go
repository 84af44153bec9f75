package team

import "slices"

// Permission is an area and action of the console.
type Permission string

// Permissions, one per area × action. Every console route names one.
const (
	PermDashboard         Permission = "dashboard:view"
	PermCredentialsView   Permission = "credentials:view"
	PermCredentialsManage Permission = "credentials:manage"
	PermKeysManage        Permission = "keys:manage"
	PermSubaccountsView   Permission = "subaccounts:view"
	PermSubaccountsManage Permission = "subaccounts:manage"
	PermSettingsView      Permission = "settings:view"
	PermSettingsManage    Permission = "settings:manage"
	PermMembersView       Permission = "members:view"
	PermMembersManage     Permission = "members:manage"
	PermBillingView       Permission = "billing:view"
	PermBillingManage     Permission = "billing:manage"
	PermUsageView         Permission = "usage:view"
	PermLogsView          Permission = "logs:view"
	PermMessagesManage    Permission = "messages:manage"
	PermNumbersManage     Permission = "numbers:manage"
	PermTriggersManage    Permission = "triggers:manage"
	PermEventsView        Permission = "events:view"
)

// Matrix is who may do what: the one place roles are given permissions.
// The README shows it as a table (TestReadmeShowsTheMatrix keeps them equal).
var Matrix = []struct {
	Perm  Permission
	Roles []string
}{
	{PermDashboard, []string{RoleOwner, RoleAdmin, RoleDeveloper, RoleBilling, RoleSupport}},
	{PermCredentialsView, []string{RoleOwner, RoleAdmin, RoleDeveloper}},
	{PermCredentialsManage, []string{RoleOwner, RoleAdmin}},
	{PermKeysManage, []string{RoleOwner, RoleAdmin, RoleDeveloper}},
	{PermSubaccountsView, []string{RoleOwner, RoleAdmin, RoleDeveloper}},
	{PermSubaccountsManage, []string{RoleOwner, RoleAdmin}},
	{PermSettingsView, []string{RoleOwner, RoleAdmin, RoleDeveloper}},
	{PermSettingsManage, []string{RoleOwner, RoleAdmin}},
	{PermMembersView, []string{RoleOwner, RoleAdmin}},
	{PermMembersManage, []string{RoleOwner, RoleAdmin}},
	{PermBillingView, []string{RoleOwner, RoleAdmin, RoleBilling}},
	{PermBillingManage, []string{RoleOwner, RoleAdmin, RoleBilling}},
	{PermUsageView, []string{RoleOwner, RoleAdmin, RoleDeveloper, RoleBilling, RoleSupport}},
	{PermLogsView, []string{RoleOwner, RoleAdmin, RoleDeveloper, RoleBilling, RoleSupport}},
	{PermMessagesManage, []string{RoleOwner, RoleAdmin, RoleDeveloper}},
	{PermNumbersManage, []string{RoleOwner, RoleAdmin, RoleDeveloper}},
	{PermTriggersManage, []string{RoleOwner, RoleAdmin, RoleDeveloper, RoleBilling}},
	{PermEventsView, []string{RoleOwner, RoleAdmin}},
}

var allowed = func() map[Permission]map[string]bool {
	m := map[Permission]map[string]bool{}
	for _, row := range Matrix {
		m[row.Perm] = map[string]bool{}
		for _, r := range row.Roles {
			m[row.Perm][r] = true
		}
	}
	return m
}()

// Can reports whether role has permission p. An unknown permission is refused.
func Can(role string, p Permission) bool { return allowed[p][role] }

// Roles in the order the console lists them.
var Roles = []string{RoleOwner, RoleAdmin, RoleDeveloper, RoleBilling, RoleSupport}

// InvitableRoles are the roles a membership can be given by invitation or
// change; ownership moves only by transfer.
var InvitableRoles = []string{RoleAdmin, RoleDeveloper, RoleBilling, RoleSupport}

// ValidInvitableRole reports whether r can be granted.
func ValidInvitableRole(r string) bool {
	return slices.Contains(InvitableRoles, r)
}

// CanGrant reports whether a member with role actor may give, change or
// take away role target: nobody grants above their own role, and only the
// Owner manages Administrators.
func CanGrant(actor, target string) bool {
	if !Can(actor, PermMembersManage) || target == RoleOwner {
		return false
	}
	if target == RoleAdmin {
		return actor == RoleOwner
	}
	return true
}
