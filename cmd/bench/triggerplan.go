package main

import (
	"net/http"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"console/internal/trigger"
	"console/internal/usage"
)

// triggerKind is what a trigger watches: a category counted one way.
// totalprice has no count (its count is always 0), so it is watched by
// price and usage (which for totalprice is its price) only.
type triggerKind struct{ category, by string }

var triggerKinds = []triggerKind{
	{usage.SMSOutbound, trigger.ByPrice}, {usage.SMSOutbound, trigger.ByCount}, {usage.SMSOutbound, trigger.ByUsage},
	{"sms", trigger.ByPrice}, {"sms", trigger.ByCount}, {"sms", trigger.ByUsage},
	{usage.TotalPrice, trigger.ByPrice}, {usage.TotalPrice, trigger.ByUsage},
}

// triggerRecurrings weights the periods customers use most, monthly and
// daily, and keeps a few yearly and once-ever triggers.
var triggerRecurrings = []string{trigger.Monthly, trigger.Daily, trigger.Monthly, trigger.Daily, trigger.Yearly, trigger.AllTime}

const (
	// neverEvery: one trigger of this many per subaccount has a value
	// no run reaches, so that the armed triggers outnumber those about to fire.
	neverEvery = 10
	// getEvery: one trigger of this many is called back with GET, the
	// others with POST (Twilio's default).
	getEvery = 5
	// Thresholds are spread over this share of the load's projected
	// usage: the first crossed soon after the start, the last with room
	// left for a run slower than the calibration.
	firstShare, lastShare = 0.03, 0.80
)

// neverValue is the offset of the triggers that must not fire: far more
// than any run sends (a billion yen, messages or segments).
var neverValue = decimal.NewFromInt(1_000_000_000)

// triggerPlan is one trigger the scenario creates: on subaccount sub, a
// kind and period, and a value relative to the account's usage when it
// is created (Twilio's +N), a share of the usage the load is projected to
// add during the run.
type triggerPlan struct {
	sub       int
	kind      triggerKind
	recurring string
	method    string
	never     bool
	share     float64 // of the projected usage; 0 when never
}

// planTriggers spreads n triggers over subs subaccounts. Within each
// subaccount the kinds and periods rotate, and the firing ones take
// evenly spaced shares of the run, shifted per subaccount so that no two
// subaccounts cross at the same moment: the crossings are spread over
// the whole run rather than bunched.
func planTriggers(n, subs int) []triggerPlan {
	perSub := (n + subs - 1) / subs
	firing := perSub - perSub/neverEvery
	out := make([]triggerPlan, 0, n)
	k := make([]int, subs) // firing triggers planned so far, per subaccount
	for i := range n {
		sub, j := i%subs, i/subs
		p := triggerPlan{sub: sub, kind: triggerKinds[j%len(triggerKinds)],
			recurring: triggerRecurrings[(j/len(triggerKinds))%len(triggerRecurrings)], method: http.MethodPost}
		if j%getEvery == getEvery-1 {
			p.method = http.MethodGet
		}
		if j%neverEvery == neverEvery-1 {
			p.never = true
		} else {
			pos := (float64(k[sub]) + float64(sub)/float64(subs)) / float64(firing)
			p.share = firstShare + (lastShare-firstShare)*pos
			k[sub]++
		}
		out = append(out, p)
	}
	return out
}

// usageRates are one account's sends a second, as calibration measured them.
type usageRates struct {
	count, segments, price decimal.Decimal
}

// offset is the +N the trigger is created with: its share of what the
// account is projected to use during span at rates r, in the unit of its
// field; whole messages and segments, prices to the sen/cent. Never zero:
// a trigger at +0 would fire on creation, not during the run.
func (p triggerPlan) offset(r usageRates, span time.Duration) decimal.Decimal {
	if p.never {
		return neverValue
	}
	rate := r.price
	switch {
	case p.kind.by == trigger.ByCount:
		rate = r.count
	case p.kind.by == trigger.ByUsage && p.kind.category != usage.TotalPrice:
		rate = r.segments
	}
	v := rate.Mul(decimal.NewFromFloat(p.share * span.Seconds()))
	if p.kind.by == trigger.ByPrice || p.kind.category == usage.TotalPrice {
		return decimal.Max(v.Round(2), decimal.RequireFromString("0.01"))
	}
	return decimal.Max(v.Ceil(), decimal.NewFromInt(1))
}

// benchTrigger is a trigger as the API created it.
type benchTrigger struct {
	sid, account string
	kind         triggerKind
	recurring    string
	value        decimal.Decimal
	never        bool
}

// usageEvent is a row of usage_events.
type usageEvent struct {
	id       int64
	account  string
	category string
	source   string
	count    int64
	usage    decimal.Decimal
	price    decimal.Decimal
	at       time.Time
}

// firingKey is a firing: a trigger in one of its periods.
type firingKey struct {
	trigger string
	period  string // its first day, 0001-01-01 for alltime
}

func periodKey(start time.Time) string { return start.Format(time.DateOnly) }

func (k firingKey) String() string { return k.trigger + " in the period from " + k.period }

// covers says whether a trigger on category counts usage of the concrete
// category c, as the server's roll-ups sum it.
func covers(category, c string) bool {
	if category == usage.TotalPrice || category == c {
		return true
	}
	prefix := usage.RollupPrefix(category)
	return prefix != "" && strings.HasPrefix(c, prefix)
}

// measure is what an event adds to a trigger's value.
func (k triggerKind) measure(e usageEvent) decimal.Decimal {
	switch {
	case k.by == trigger.ByCount && k.category == usage.TotalPrice:
		return decimal.Zero
	case k.by == trigger.ByCount:
		return decimal.NewFromInt(e.count)
	case k.by == trigger.ByUsage && k.category != usage.TotalPrice:
		return e.usage
	}
	return e.price
}

// expectedFirings replays the usage events in the order they were
// committed (events, by id) and returns, for each trigger and period in
// which its value reached its trigger value, the event that made it: the
// message whose API call crossed the threshold. Periods are the project's
// (loc), as the server computes them.
func expectedFirings(ts []*benchTrigger, events []usageEvent, loc *time.Location) map[firingKey]usageEvent {
	byAccount := map[string][]usageEvent{}
	for _, e := range events {
		byAccount[e.account] = append(byAccount[e.account], e)
	}
	out := map[firingKey]usageEvent{}
	for _, t := range ts {
		sums := map[string]decimal.Decimal{}
		for _, e := range byAccount[t.account] {
			if !covers(t.kind.category, e.category) {
				continue
			}
			s, _ := trigger.Period(t.recurring, e.at, loc)
			start := periodKey(s)
			before := sums[start]
			after := before.Add(t.kind.measure(e))
			sums[start] = after
			if before.LessThan(t.value) && !after.LessThan(t.value) {
				out[firingKey{t.sid, start}] = e
			}
		}
	}
	return out
}
