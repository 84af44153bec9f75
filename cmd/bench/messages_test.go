package main

import (
	"context"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"console/internal/billing"
	"console/internal/messaging"
	"console/internal/webtest"
)

// The bodies' segments are counted by hand; the carriers' count must agree.
func TestMessageBodiesSegments(t *testing.T) {
	for _, b := range messageBodies {
		require.Equal(t, b.segments, messaging.Count(b.text).Count, b.text)
	}
}

func checksByName(checks []check) map[string]bool {
	out := map[string]bool{}
	for _, c := range checks {
		out[c.name] = c.ok
	}
	return out
}

// A few messages through the real server pass every check of the messages
// scenario; a roll-up or a balance that disagrees fails the check that
// reads it, and only that one.
func TestMessagesChecks(t *testing.T) {
	app := webtest.Start(t, webtest.Workers())
	ctx := context.Background()
	o := app.CreateOwner("JPY")
	require.NoError(t, pgx.BeginFunc(ctx, app.Pool, func(tx pgx.Tx) error {
		return billing.Post(ctx, tx, o.AccountSID, o.AccountSID, billing.KindAdjustment, "bench-test", decimal.NewFromInt(100000), "")
	}))
	sent, err := setUpMessages(ctx, app.Pool, app.URL, &owner{AccountSID: o.AccountSID, AuthToken: o.AuthToken})
	require.NoError(t, err)
	require.Len(t, sent.subs, messagesSubaccounts)
	require.Len(t, sent.from, messagesSubaccounts)

	client, closeClient := newClient()
	defer closeClient()
	for w := range 8 {
		call := sent.caller(client, app.URL, w)
		for range 3 {
			require.NoError(t, call(ctx))
		}
	}
	require.EqualValues(t, 24, sent.accepted.Load())
	// Each worker sends bodies of 1 and 2 segments to JP (11.75 JPY a
	// segment, the price list's) and US (1.2 JPY) mobiles in turn.
	want := decimal.Zero
	for w := range 8 {
		for n := 1; n <= 3; n++ {
			price := decimal.RequireFromString("11.75")
			if n%2 == 0 {
				price = decimal.RequireFromString("1.2")
			}
			want = want.Add(price.Mul(decimal.NewFromInt(int64(messageBodies[(w+n)%len(messageBodies)].segments))))
		}
	}
	require.Equal(t, want.String(), sent.charged.String())

	r := &result{}
	checks, err := verifyMessages(ctx, app.Pool, sent, r)
	require.NoError(t, err)
	for _, c := range checks {
		require.True(t, c.ok, "%s %s", c.name, c.detail)
	}
	require.Len(t, checks, len(messageSources)+2)
	require.Len(t, r.notes, 1)
	require.True(t, strings.HasPrefix(r.notes[0], "messages: 24 answered 201 (warm-up included); 24 delivered by the simulated carrier, 0 not yet"), r.notes[0])

	_, err = app.Pool.Exec(ctx, `UPDATE usage_local_daily SET count = count + 1 WHERE project_sid = $1 AND account_sid = $2`, o.AccountSID, sent.subs[1].sid)
	require.NoError(t, err)
	checks, err = verifyMessages(ctx, app.Pool, sent, &result{})
	require.NoError(t, err)
	require.Equal(t, map[string]bool{
		"messages messages:": true, "messages usage_events:": true, "messages usage_daily:": true, "messages usage_local_daily:": false,
		"messages ledger:": true, "messages balance:": true, "messages CheckLedger:": true,
	}, checksByName(checks))

	_, err = app.Pool.Exec(ctx, `UPDATE balances SET amount = amount - 1 WHERE project_sid = $1`, o.AccountSID)
	require.NoError(t, err)
	checks, err = verifyMessages(ctx, app.Pool, sent, &result{})
	require.NoError(t, err)
	got := checksByName(checks)
	require.False(t, got["messages balance:"])
	require.False(t, got["messages CheckLedger:"])
	require.True(t, got["messages ledger:"])
}
