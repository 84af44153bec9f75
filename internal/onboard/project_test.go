package onboard_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"console/internal/audit"
	"console/internal/auth"
	"console/internal/onboard"
	"console/internal/webtest"
)

// A project created by a user: validated first, owned by them, with the
// defaults of a sign-up's (a balance opened) and never a trial credit;
// the bound on owned projects holds under concurrent creations.
func TestServiceCreateProject(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	svc := app.Services.Onboard
	ctx := context.Background()
	o := app.CreateOwner("USD")
	by := audit.Actor{Kind: audit.ActorUser, UserID: o.UserID, IP: "192.0.2.7"}

	before := app.Fingerprint()
	_, err := svc.CreateProject(ctx, by, o.UserID, onboard.ProjectInput{Currency: "EUR", TimeZone: "Local"})
	var ps auth.Problems
	require.ErrorAs(t, err, &ps)
	require.Equal(t, auth.Problems{{Field: auth.FieldProjectName, Reason: auth.ReasonRequired}, {Field: auth.FieldCurrency, Reason: auth.ReasonInvalid},
		{Field: onboard.FieldTimeZone, Reason: auth.ReasonInvalid}}, ps)
	require.Equal(t, before, app.Fingerprint())

	p, err := svc.CreateProject(ctx, by, o.UserID, onboard.ProjectInput{Name: "Second", Currency: "JPY", TimeZone: "Asia/Tokyo"})
	require.NoError(t, err)
	require.Equal(t, "owner", mustRole(t, app, p.SID, o.UserID))
	require.True(t, webtest.Balance(t, app, p.SID).IsZero())
	require.Equal(t, 1, webtest.Count(t, app, `SELECT count(*) FROM balances WHERE project_sid = $1 AND currency = 'JPY'`, p.SID))
	require.Equal(t, []entry{{Project: p.SID, Account: p.SID, Actor: audit.ActorUser, ActorUserID: o.UserID, Target: p.SID, IP: "192.0.2.7",
		Details: map[string]string{"friendly_name": "Second", "currency": "JPY", "time_zone": "Asia/Tokyo"}}}, entries(t, app, audit.ProjectCreated, p.SID))

	// Up to one below the bound, then two at once: one passes.
	for i := 2; i < onboard.MaxOwnedProjects-1; i++ {
		_, err := svc.CreateProject(ctx, by, o.UserID, onboard.ProjectInput{Name: fmt.Sprint("P", i), Currency: "USD", TimeZone: "UTC"})
		require.NoError(t, err)
	}
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = svc.CreateProject(ctx, by, o.UserID, onboard.ProjectInput{Name: fmt.Sprint("Race", i), Currency: "USD", TimeZone: "UTC"})
		}()
	}
	wg.Wait()
	require.ElementsMatch(t, []error{nil, onboard.ErrTooManyProjects}, errs)
	require.Equal(t, onboard.MaxOwnedProjects, webtest.Count(t, app, `SELECT count(*) FROM memberships WHERE user_id = $1 AND role = 'owner'`, o.UserID))
	require.Zero(t, webtest.Count(t, app, `SELECT count(*) FROM ledger_entries e JOIN memberships m ON m.project_sid = e.project_sid WHERE m.user_id = $1`, o.UserID),
		"no trial credit on any of them")
}
