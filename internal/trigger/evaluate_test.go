package trigger_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"console/internal/billing"
	"console/internal/sid"
	"console/internal/trigger"
	"console/internal/usage"
	"console/internal/webtest"
)

// clock is a settable time for the trigger service.
type clock struct{ t atomic.Pointer[time.Time] }

func (c *clock) Set(t time.Time) { c.t.Store(&t) }
func (c *clock) Now() time.Time  { return *c.t.Load() }

var tokyo, _ = time.LoadLocation("Asia/Tokyo")

// spend charges usage of category at the instant at, through the ledger
// as the metered services do, so that evaluation follows the commit.
func spend(t *testing.T, app *webtest.App, project, accountSID, category string, price string, at time.Time) {
	t.Helper()
	p := decimal.RequireFromString(price)
	src := "test:" + sid.Hex32()
	err := app.Services.Billing.Ledger.Debit(context.Background(), billing.Debit{ProjectSID: project, AccountSID: accountSID, Kind: billing.KindUsage,
		Source: src, Amount: p, Note: category, Apply: func(ctx context.Context, tx pgx.Tx) error {
			return usage.Record(ctx, tx, usage.Event{ProjectSID: project, AccountSID: accountSID, Category: category, Count: 1,
				Usage: decimal.NewFromInt(2), Price: p, Source: src, At: at})
		}})
	require.NoError(t, err)
}

// owner creates a project with money to spend.
func owner(t *testing.T, app *webtest.App, currency string) *webtest.Owner {
	t.Helper()
	o := app.CreateOwner(currency)
	ctx := context.Background()
	require.NoError(t, pgx.BeginFunc(ctx, app.Pool, func(tx pgx.Tx) error {
		return app.Services.Billing.Credit(ctx, tx, o.AccountSID, billing.KindCredit, "test-credit", decimal.NewFromInt(1000000), "test credit")
	}))
	return o
}

func settle(t *testing.T, svc *trigger.Service) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	require.NoError(t, svc.Idle(ctx))
}

type firingRow struct {
	Period       string
	Revision     int
	CurrentValue string
	TriggerValue string
}

func firings(t *testing.T, app *webtest.App, triggerSID string) []firingRow {
	t.Helper()
	rows, err := app.Pool.Query(context.Background(), `SELECT period_start::text, revision, current_value::text, trigger_value::text
		FROM usage_trigger_firings WHERE trigger_sid = $1 ORDER BY id`, triggerSID)
	require.NoError(t, err)
	defer rows.Close()
	var out []firingRow
	for rows.Next() {
		var f firingRow
		require.NoError(t, rows.Scan(&f.Period, &f.Revision, &f.CurrentValue, &f.TriggerValue))
		out = append(out, f)
	}
	require.NoError(t, rows.Err())
	return out
}

func count(t *testing.T, app *webtest.App, sql string, args ...any) int {
	t.Helper()
	var n int
	require.NoError(t, app.Pool.QueryRow(context.Background(), sql, args...).Scan(&n))
	return n
}

func create(t *testing.T, svc *trigger.Service, project, accountSID string, spec trigger.Spec) *trigger.Trigger {
	t.Helper()
	tr, err := svc.Create(context.Background(), byTest, project, accountSID, spec)
	require.NoError(t, err)
	return tr
}

// Periods follow the project's time zone (Asia/Tokyo here): a monthly
// trigger fires once in May, again once in June, and June starts at
// 15:00 UTC on May 31.
func TestMonthlyTriggerFiresOncePerPeriodAndAgainAfterRollover(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	svc := app.Services.Triggers
	c := &clock{}
	c.Set(time.Date(2026, 5, 10, 12, 0, 0, 0, tokyo))
	svc.Now = c.Now
	o := owner(t, app, "JPY")
	p := o.AccountSID
	tr := create(t, svc, p, p, trigger.Spec{FriendlyName: "Monthly spend", UsageCategory: usage.TotalPrice, TriggerBy: trigger.ByPrice,
		TriggerValue: decimal.NewFromInt(100), Recurring: trigger.Monthly, CallbackURL: "https://hooks.example.com/t"})

	spend(t, app, p, p, usage.SMSOutbound, "60", c.Now())
	settle(t, svc)
	require.Empty(t, firings(t, app, tr.SID), "60 < 100")
	spend(t, app, p, p, usage.CallsOutbound, "50", c.Now())
	settle(t, svc)
	require.Equal(t, []firingRow{{"2026-05-01", 1, "110", "100"}}, firings(t, app, tr.SID))
	spend(t, app, p, p, usage.SMSOutbound, "30", c.Now())
	settle(t, svc)
	require.Len(t, firings(t, app, tr.SID), 1, "once per period")

	// 2026-06-01 00:30 in Tokyo is still May 31 in UTC.
	june := time.Date(2026, 6, 1, 0, 30, 0, 0, tokyo)
	require.Equal(t, 31, june.UTC().Day())
	c.Set(june)
	spend(t, app, p, p, usage.SMSOutbound, "99", june)
	settle(t, svc)
	require.Len(t, firings(t, app, tr.SID), 1, "June holds 99 so far")
	spend(t, app, p, p, usage.SMSOutbound, "1", june)
	settle(t, svc)
	require.Equal(t, []firingRow{{"2026-05-01", 1, "110", "100"}, {"2026-06-01", 1, "100", "100"}}, firings(t, app, tr.SID))

	got, err := trigger.Get(context.Background(), app.Pool, p, p, tr.SID)
	require.NoError(t, err)
	require.NotNil(t, got.DateFired)
	require.True(t, got.DateFired.Equal(june), "date_fired is the last firing")
	require.Equal(t, 2, count(t, app, `SELECT count(*) FROM river_job WHERE kind = 'usage_trigger_webhook'`), "a delivery per firing")
	require.Equal(t, 2, count(t, app, `SELECT count(*) FROM audit_log WHERE action = 'usage_trigger.fired' AND target = $1`, tr.SID))
}

func TestDailyYearlyAndAllTimePeriods(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	svc := app.Services.Triggers
	c := &clock{}
	day1 := time.Date(2026, 12, 31, 23, 0, 0, 0, tokyo)
	c.Set(day1)
	svc.Now = c.Now
	o := owner(t, app, "JPY")
	p := o.AccountSID
	spec := trigger.Spec{UsageCategory: "sms", TriggerBy: trigger.ByCount, TriggerValue: decimal.NewFromInt(2), CallbackURL: "https://hooks.example.com/t"}
	daily, yearly, once := spec, spec, spec
	daily.Recurring, yearly.Recurring, once.Recurring = trigger.Daily, trigger.Yearly, trigger.AllTime
	td, ty, ta := create(t, svc, p, p, daily), create(t, svc, p, p, yearly), create(t, svc, p, p, once)

	for range 3 {
		spend(t, app, p, p, usage.SMSOutbound, "1", day1)
		settle(t, svc)
	}
	require.Equal(t, []firingRow{{"2026-12-31", 1, "2", "2"}}, firings(t, app, td.SID))
	require.Equal(t, []firingRow{{"2026-01-01", 1, "2", "2"}}, firings(t, app, ty.SID))
	require.Equal(t, []firingRow{{"0001-01-01", 1, "2", "2"}}, firings(t, app, ta.SID))

	// An hour later it is 2027 in Tokyo: a new day and a new year, but
	// alltime never fires again.
	day2 := day1.Add(time.Hour)
	c.Set(day2)
	spend(t, app, p, p, usage.SMSOutbound, "1", day2)
	settle(t, svc)
	require.Len(t, firings(t, app, td.SID), 1, "one message on the new day")
	spend(t, app, p, p, usage.SMSOutbound, "1", day2)
	settle(t, svc)
	require.Equal(t, "2027-01-01", firings(t, app, td.SID)[1].Period)
	require.Equal(t, "2027-01-01", firings(t, app, ty.SID)[1].Period)
	require.Len(t, firings(t, app, ta.SID), 1)

	c.Set(day2.AddDate(3, 0, 0))
	for range 3 {
		spend(t, app, p, p, usage.SMSOutbound, "1", c.Now())
	}
	settle(t, svc)
	require.Len(t, firings(t, app, ta.SID), 1, "alltime fires once ever")
	require.Len(t, firings(t, app, td.SID), 3)
}

func TestOffsetValues(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	svc := app.Services.Triggers
	o := owner(t, app, "JPY")
	p := o.AccountSID
	now := time.Now()
	spend(t, app, p, p, usage.CallsOutbound, "30", now)
	settle(t, svc)

	tr := create(t, svc, p, p, trigger.Spec{UsageCategory: "calls", TriggerBy: trigger.ByPrice, TriggerValue: decimal.NewFromInt(20), Offset: true,
		Recurring: trigger.Daily, CallbackURL: "https://hooks.example.com/t"})
	require.Equal(t, "50", tr.TriggerValue.String(), "+20 over the 30 used today")
	require.NoError(t, svc.FillCurrentValues(context.Background(), p, tr))
	require.Equal(t, "30", tr.CurrentValue.String())
	settle(t, svc)

	spend(t, app, p, p, usage.CallsOutbound, "15", now)
	spend(t, app, p, p, usage.SMSOutbound, "100", now) // another category
	settle(t, svc)
	require.Empty(t, firings(t, app, tr.SID))
	spend(t, app, p, p, usage.CallsOutbound, "10", now)
	settle(t, svc)
	require.Equal(t, []firingRow{{usage.LocalDate(now, tokyo).Format(time.DateOnly), 1, "55", "50"}}, firings(t, app, tr.SID))

	// +0 when nothing was used is no value at all.
	_, err := svc.Create(context.Background(), byTest, p, p, trigger.Spec{UsageCategory: "phonenumbers", TriggerValue: decimal.Zero, Offset: true,
		Recurring: trigger.Monthly, EmailTeam: true})
	var ps trigger.Problems
	require.ErrorAs(t, err, &ps)
	require.True(t, ps.Has(trigger.FieldTriggerValue, trigger.ReasonNotPositive), ps)
}

// A trigger counts its own account's usage: a subaccount's usage does not
// fire the project's trigger, and roll-ups and totalprice see the
// concrete categories.
func TestCategoriesAndAccounts(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	svc := app.Services.Triggers
	ctx := context.Background()
	o := owner(t, app, "JPY")
	p := o.AccountSID
	master, err := app.Services.Accounts.Get(ctx, app.Pool, p, p)
	require.NoError(t, err)
	tx, err := app.Pool.Begin(ctx)
	require.NoError(t, err)
	sub, _, err := app.Services.Accounts.CreateSubaccount(ctx, tx, master, "Shop", 10)
	require.NoError(t, err)
	require.NoError(t, tx.Commit(ctx))

	mk := func(account, category, by string) *trigger.Trigger {
		return create(t, svc, p, account, trigger.Spec{UsageCategory: category, TriggerBy: by, TriggerValue: decimal.NewFromInt(4),
			Recurring: trigger.Monthly, CallbackURL: "https://hooks.example.com/t"})
	}
	masterTotal := mk(p, usage.TotalPrice, trigger.ByPrice)
	subTotal := mk(sub.SID, usage.TotalPrice, trigger.ByUsage)
	subSMS := mk(sub.SID, "sms", trigger.ByUsage)     // 2 segments per message
	subCalls := mk(sub.SID, "calls", trigger.ByCount) // none made
	subConcrete := mk(sub.SID, usage.SMSOutbound, trigger.ByCount)

	spend(t, app, p, sub.SID, usage.SMSOutbound, "3", time.Now())
	spend(t, app, p, sub.SID, usage.SMSOutbound, "3", time.Now())
	settle(t, svc)
	require.Empty(t, firings(t, app, masterTotal.SID), "the subaccount's 6 are not the project's")
	require.Len(t, firings(t, app, subTotal.SID), 1, "price 6 >= 4")
	require.Len(t, firings(t, app, subSMS.SID), 1, "4 segments >= 4")
	require.Empty(t, firings(t, app, subCalls.SID))
	require.Empty(t, firings(t, app, subConcrete.SID), "2 messages < 4")
}

// Triggers that watch the same value (a budget's thresholds) share its
// read, and each is still compared with it: those reached fire, the
// others wait; a trigger on another field or period gets its own value.
func TestThresholdsSharingAValue(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	svc := app.Services.Triggers
	ctx := context.Background()
	o := owner(t, app, "JPY")
	p := o.AccountSID
	mk := func(by, recurring string, value int64) *trigger.Trigger {
		return create(t, svc, p, p, trigger.Spec{UsageCategory: "sms", TriggerBy: by, TriggerValue: decimal.NewFromInt(value),
			Recurring: recurring, CallbackURL: "https://hooks.example.com/t"})
	}
	half, most, all := mk(trigger.ByPrice, trigger.Monthly, 10), mk(trigger.ByPrice, trigger.Monthly, 20), mk(trigger.ByPrice, trigger.Monthly, 30)
	daily := mk(trigger.ByPrice, trigger.Daily, 20)
	byCount := mk(trigger.ByCount, trigger.Monthly, 2)

	spend(t, app, p, p, usage.SMSOutbound, "25", time.Now())
	settle(t, svc)
	require.Len(t, firings(t, app, half.SID), 1)
	require.Len(t, firings(t, app, most.SID), 1)
	require.Empty(t, firings(t, app, all.SID), "25 < 30")
	require.Len(t, firings(t, app, daily.SID), 1)
	require.Empty(t, firings(t, app, byCount.SID), "1 message < 2")

	ts := []*trigger.Trigger{half, most, all, daily, byCount}
	require.NoError(t, svc.FillCurrentValues(ctx, p, ts...))
	for _, tr := range ts[:4] {
		require.Equal(t, "25", tr.CurrentValue.String(), tr.SID)
	}
	require.Equal(t, "1", byCount.CurrentValue.String())

	spend(t, app, p, p, usage.SMSOutbound, "5", time.Now())
	settle(t, svc)
	require.Len(t, firings(t, app, all.SID), 1, "30 reached")
	require.Len(t, firings(t, app, half.SID), 1, "once per period")
	require.Len(t, firings(t, app, byCount.SID), 1, "2 messages")
}

// Many goroutines charging at once through two server processes on one
// database: the trigger fires exactly once, with one delivery job, one
// mail per recipient and one audit entry.
func TestFiresOnceUnderConcurrentUsageOnTwoServers(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	peer := app.Peer()
	o := owner(t, app, "JPY")
	p := o.AccountSID
	tr := create(t, app.Services.Triggers, p, p, trigger.Spec{FriendlyName: "Spend", UsageCategory: usage.TotalPrice, TriggerBy: trigger.ByPrice,
		TriggerValue: decimal.NewFromInt(50), Recurring: trigger.Monthly, CallbackURL: "https://hooks.example.com/t", EmailTeam: true,
		EmailTo: []string{"ops@example.com"}})

	var wg sync.WaitGroup
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			a := app
			if i%2 == 1 {
				a = peer
			}
			for range 10 {
				spend(t, a, p, p, usage.SMSOutbound, "1", time.Now())
			}
		}()
	}
	wg.Wait()
	settle(t, app.Services.Triggers)
	settle(t, peer.Services.Triggers)
	// Both processes evaluate again, as their sweeps would.
	for _, a := range []*webtest.App{app, peer} {
		_, err := a.Services.Triggers.Evaluate(context.Background(), p, p, nil)
		require.NoError(t, err)
	}
	fs := firings(t, app, tr.SID)
	require.Len(t, fs, 1)
	v := decimal.RequireFromString(fs[0].CurrentValue)
	require.True(t, v.GreaterThanOrEqual(decimal.NewFromInt(50)) && v.LessThanOrEqual(decimal.NewFromInt(160)), v.String())
	require.Equal(t, 1, count(t, app, `SELECT count(*) FROM river_job WHERE kind = 'usage_trigger_webhook'`))
	require.Equal(t, 2, count(t, app, `SELECT count(*) FROM mail_outbox WHERE kind = 'usage_trigger'`), "the owner and ops@")
	require.Equal(t, 1, count(t, app, `SELECT count(*) FROM audit_log WHERE action = 'usage_trigger.fired'`))
}

// What a lost evaluation misses (usage recorded without the ledger's
// hook, as when a process stops right after its commit) the sweep fires.
func TestSweepCatchesMissedEvaluations(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	svc := app.Services.Triggers
	ctx := context.Background()
	o := owner(t, app, "USD")
	p := o.AccountSID
	tr := create(t, svc, p, p, trigger.Spec{UsageCategory: usage.SMSOutbound, TriggerBy: trigger.ByCount, TriggerValue: decimal.NewFromInt(1),
		Recurring: trigger.Daily, CallbackURL: "https://hooks.example.com/t"})
	other := create(t, svc, p, p, trigger.Spec{UsageCategory: usage.CallsOutbound, TriggerBy: trigger.ByCount, TriggerValue: decimal.NewFromInt(1),
		Recurring: trigger.Daily, CallbackURL: "https://hooks.example.com/t"})
	settle(t, svc)
	require.NoError(t, pgx.BeginFunc(ctx, app.Pool, func(tx pgx.Tx) error {
		return usage.Record(ctx, tx, usage.Event{ProjectSID: p, AccountSID: p, Category: usage.SMSOutbound, Count: 1, Usage: decimal.NewFromInt(1),
			Price: decimal.RequireFromString("0.0079"), Source: "SMlost"})
	}))
	settle(t, svc)
	require.Empty(t, firings(t, app, tr.SID), "nobody was told")

	n, err := svc.Sweep(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, n, "one account with armed triggers and recent usage")
	require.Len(t, firings(t, app, tr.SID), 1)
	require.Empty(t, firings(t, app, other.SID))

	n, err = svc.Sweep(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, n, "the calls trigger is still armed")
	require.NoError(t, svc.Delete(ctx, byTest, p, p, other.SID))
	n, err = svc.Sweep(ctx)
	require.NoError(t, err)
	require.Zero(t, n, "fired triggers are not swept again this period")
}

// Changing what a trigger watches re-arms it within the period, as a new
// trigger would be; renaming does not.
func TestUpdateRearms(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	svc := app.Services.Triggers
	ctx := context.Background()
	o := owner(t, app, "JPY")
	p := o.AccountSID
	tr := create(t, svc, p, p, trigger.Spec{UsageCategory: usage.TotalPrice, TriggerBy: trigger.ByPrice, TriggerValue: decimal.NewFromInt(10),
		Recurring: trigger.Monthly, EmailTeam: true})
	spend(t, app, p, p, usage.SMSOutbound, "12", time.Now())
	settle(t, svc)
	require.Len(t, firings(t, app, tr.SID), 1)

	_, err := svc.Update(ctx, byTest, p, p, tr.SID, func(s *trigger.Spec) error { s.FriendlyName = "renamed"; return nil })
	require.NoError(t, err)
	settle(t, svc)
	require.Len(t, firings(t, app, tr.SID), 1)

	up, err := svc.Update(ctx, byTest, p, p, tr.SID, func(s *trigger.Spec) error { s.TriggerValue = decimal.NewFromInt(20); return nil })
	require.NoError(t, err)
	require.Equal(t, 2, up.Revision)
	settle(t, svc)
	require.Len(t, firings(t, app, tr.SID), 1, "12 < 20")
	spend(t, app, p, p, usage.SMSOutbound, "8", time.Now())
	settle(t, svc)
	fs := firings(t, app, tr.SID)
	require.Len(t, fs, 2)
	require.Equal(t, 2, fs[1].Revision)
	require.Equal(t, "20", fs[1].CurrentValue)

	// Lowering the value below what is used fires at once.
	_, err = svc.Update(ctx, byTest, p, p, tr.SID, func(s *trigger.Spec) error { s.TriggerValue = decimal.NewFromInt(5); return nil })
	require.NoError(t, err)
	settle(t, svc)
	require.Len(t, firings(t, app, tr.SID), 3)
	require.Equal(t, 3, count(t, app, `SELECT count(*) FROM audit_log WHERE action = 'usage_trigger.updated' AND target = $1`, tr.SID))
}
