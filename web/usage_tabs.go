package web

import "console/internal/team"

// UsageTab is one tab of Usage and what a role needs to see it.
type UsageTab struct {
	ID, Href, NameKey string
	Perm              team.Permission
}

// UsageTabs in the order shown.
var UsageTabs = []UsageTab{
	{"summary", "/usage", "usage.summary", team.PermUsageView},
	{"subaccounts", "/usage/subaccounts", "usage.subaccounts", team.PermUsageView},
	{"triggers", "/usage/triggers", "usage.triggers", team.PermTriggersManage},
}
