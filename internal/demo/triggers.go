package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"console/internal/account"
	"console/internal/audit"
	"console/internal/i18n"
	"console/internal/trigger"
)

// demoTrigger is a usage trigger the demo's owner set up with the project.
type demoTrigger struct {
	account  int // index in the demo's accounts
	name     string
	category string
	by       string
}

var demoTriggers = []demoTrigger{
	{account: 0, name: "SMS 月額アラート", category: "sms", by: trigger.ByPrice},
	{account: 2, name: "通話時間アラート", category: "calls", by: trigger.ByUsage},
}

// triggerShare of last month's value is where each monthly trigger is
// set: the months before, smaller as the history grows, reach it too.
var triggerShare = decimal.RequireFromString("0.6")

// addTriggers creates the demo's monthly usage triggers, dated at, and
// replays the history's days through them, so that each fires on the day
// its month's usage reached its value and its firings span the history.
// They are made once the history is charged: evaluation after each charge
// runs as of now, and would fire this month's at today's date.
func addTriggers(ctx context.Context, d Deps, accounts []*account.Account, at, now time.Time) error {
	if d.Triggers == nil {
		return nil
	}
	if err := d.Triggers.Idle(ctx); err != nil {
		return err
	}
	loc := tokyo()
	local := now.In(loc)
	lastMonth := time.Date(local.Year(), local.Month()-1, 15, 12, 0, 0, 0, loc)
	by := audit.System(ctx)
	var made []*trigger.Trigger
	for _, t := range demoTriggers {
		acc := accounts[t.account]
		v, err := trigger.Value(ctx, d.Pool, acc.ProjectSID, acc.SID, t.category, t.by, trigger.Monthly, lastMonth, loc)
		if err != nil {
			return err
		}
		value := roundDown(v.Mul(triggerShare))
		if !value.IsPositive() {
			continue // a history too short for a month
		}
		tr, err := d.Triggers.CreateAt(ctx, by, acc.ProjectSID, acc.SID, trigger.Spec{FriendlyName: t.name, UsageCategory: t.category,
			TriggerBy: t.by, TriggerValue: value, Recurring: trigger.Monthly, EmailTeam: true, EmailLocale: i18n.Japanese}, at)
		if err != nil {
			return fmt.Errorf("trigger %s: %w", t.name, err)
		}
		made = append(made, tr)
	}
	// Each day is evaluated at its end (today: now), as a nightly check
	// would; the roll-ups are by day.
	for day := time.Date(at.In(loc).Year(), at.In(loc).Month(), at.In(loc).Day()+1, 0, 0, 0, 0, loc); day.Before(now); day = day.AddDate(0, 0, 1) {
		when := day.AddDate(0, 0, 1).Add(-time.Second)
		if when.After(now) {
			when = now
		}
		for _, tr := range made {
			if _, err := d.Triggers.EvaluateAt(ctx, tr.ProjectSID, tr.AccountSID, []string{tr.UsageCategory}, when); err != nil {
				return err
			}
		}
	}
	return nil
}

// roundDown keeps v's two leading digits: a value a person would choose.
func roundDown(v decimal.Decimal) decimal.Decimal {
	if !v.IsPositive() {
		return decimal.Zero
	}
	exp := int32(len(v.Truncate(0).String())) - 2
	if exp < 0 {
		exp = 0
	}
	unit := decimal.New(1, exp)
	return v.Div(unit).Floor().Mul(unit)
}
