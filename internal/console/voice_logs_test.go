package console_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"console/internal/voice"
	"console/internal/webtest"
)

// Voice › Logs shows a call's live status: queued with no duration or
// price yet, then in progress, then completed with both.
func TestCallLogsShowLiveStatus(t *testing.T) {
	app := webtest.Start(t)
	o := app.CreateOwner("USD")
	giveCredit(t, app, o.AccountSID, "10")
	now := time.Now()
	calls := app.Services.Calls
	calls.Now = func() time.Time { return now }
	calls.Network = voice.Network{Talk: func(string) time.Duration { return 30 * time.Second }, Outcome: func(string) string { return voice.OutcomeAnswered }}
	ctx := context.Background()
	acc, err := app.Services.Accounts.Get(ctx, app.Pool, o.AccountSID, o.AccountSID)
	require.NoError(t, err)
	c, err := calls.Place(ctx, acc, voice.CallRequest{To: "+14155550100", From: app.OwnNumber(o.AccountSID, o.AccountSID), URL: "https://example.com/twiml"})
	require.NoError(t, err)
	b := app.Client()
	b.SignIn(o.Email, o.Password)
	row := func() string {
		page := b.Get("/voice/logs").Body
		_, after, ok := strings.Cut(page, `<tr data-sid="`+c.SID+`">`)
		require.True(t, ok, "the call is listed")
		cells, _, _ := strings.Cut(after, "</tr>")
		return cells
	}
	require.Contains(t, row(), "status-queued")
	require.NotContains(t, row(), "$")
	for _, step := range []time.Duration{voice.DefaultDial, voice.DefaultRing} {
		now = now.Add(step)
		_, err = calls.Advance(ctx)
		require.NoError(t, err)
	}
	require.Contains(t, row(), "in progress")
	now = now.Add(30 * time.Second)
	_, err = calls.Advance(ctx)
	require.NoError(t, err)
	require.Contains(t, row(), "status-completed")
	require.Contains(t, row(), "30 s")
	require.Contains(t, row(), "$0.01<", "an amount has two decimals")
}
