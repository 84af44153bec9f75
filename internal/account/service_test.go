package account_test

import (
	"context"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"console/internal/account"
	"console/internal/audit"
	"console/internal/billing"
	"console/internal/webtest"
)

// entries lists the details of project's entries of action, oldest first.
func entries(t *testing.T, app *webtest.App, project, action string) []map[string]string {
	t.Helper()
	rows, err := app.Pool.Query(context.Background(), `SELECT details FROM audit_log WHERE project_sid = $1 AND action = $2 ORDER BY id`, project, action)
	require.NoError(t, err)
	defer rows.Close()
	var out []map[string]string
	for rows.Next() {
		var d map[string]string
		require.NoError(t, rows.Scan(&d))
		out = append(out, d)
	}
	require.NoError(t, rows.Err())
	return out
}

func byOwner(o *webtest.Owner) audit.Actor {
	return audit.Actor{Kind: audit.ActorUser, UserID: o.UserID, IP: "192.0.2.1"}
}

// UpdateAccount keeps a subaccount's rules whoever calls it: a master
// account's status is not changed, a closed account is neither reopened
// nor renamed, and what does not change writes no entry.
func TestUpdateAccount(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	svc := app.Services.AccountService
	ctx := context.Background()
	o := app.CreateOwner("USD")
	by := byOwner(o)
	project, err := svc.Get(ctx, o.AccountSID, o.AccountSID)
	require.NoError(t, err)
	sub, token, err := svc.CreateSubaccount(ctx, by, project, account.SubaccountInput{FriendlyName: "Shop"})
	require.NoError(t, err)
	require.Len(t, token, 32)
	require.Equal(t, project.SID, sub.ParentSID)
	require.Equal(t, []map[string]string{{"friendly_name": "Shop"}}, entries(t, app, o.AccountSID, audit.AccountSubaccountCreated))

	_, _, err = svc.CreateSubaccount(ctx, by, sub, account.SubaccountInput{FriendlyName: "Nested"})
	require.ErrorIs(t, err, account.ErrNotMaster)
	_, err = svc.UpdateAccount(ctx, by, project, account.AccountUpdate{Status: account.StatusSuspended})
	require.ErrorIs(t, err, account.ErrMasterStatus)

	name := "Shop (on hold)"
	got, err := svc.UpdateAccount(ctx, by, sub, account.AccountUpdate{FriendlyName: &name, Status: account.StatusSuspended})
	require.NoError(t, err)
	require.Equal(t, name, got.FriendlyName)
	require.Equal(t, account.StatusSuspended, got.Status)
	// The same again changes nothing and says nothing.
	_, err = svc.UpdateAccount(ctx, by, got, account.AccountUpdate{FriendlyName: &name, Status: account.StatusSuspended})
	require.NoError(t, err)
	require.Equal(t, []map[string]string{{"from": "Shop", "to": name}}, entries(t, app, o.AccountSID, audit.AccountRenamed))
	require.Equal(t, []map[string]string{{"from": "active", "to": "suspended"}}, entries(t, app, o.AccountSID, audit.AccountStatusChanged))

	got, err = svc.UpdateAccount(ctx, by, got, account.AccountUpdate{Status: account.StatusClosed})
	require.NoError(t, err)
	require.Equal(t, account.StatusClosed, got.Status)
	other := "Another"
	_, err = svc.UpdateAccount(ctx, by, got, account.AccountUpdate{FriendlyName: &other})
	require.ErrorIs(t, err, account.ErrNotActive)
	// The snapshot the caller holds may be stale: the row decides.
	_, err = svc.UpdateAccount(ctx, by, sub, account.AccountUpdate{Status: account.StatusActive})
	require.ErrorIs(t, err, account.ErrClosed)
	_, err = svc.UpdateAccount(ctx, by, got, account.AccountUpdate{Status: account.StatusClosed})
	require.NoError(t, err, "closing a closed account is no change")
	require.Len(t, entries(t, app, o.AccountSID, audit.AccountStatusChanged), 2)

	// Bad input changes nothing.
	empty := ""
	_, err = svc.UpdateAccount(ctx, by, project, account.AccountUpdate{FriendlyName: &empty})
	require.Equal(t, account.Problems{{Field: account.FieldFriendlyName, Reason: account.ReasonRequired}}, problems(t, err))

	// Renaming the master account renames the project, as General settings do.
	renamed := "Renamed project"
	_, err = svc.UpdateAccount(ctx, by, project, account.AccountUpdate{FriendlyName: &renamed})
	require.NoError(t, err)
	require.Equal(t, []map[string]string{{"from": "Test Project", "to": renamed}}, entries(t, app, o.AccountSID, audit.ProjectRenamed))

	// Another project's subaccount is not found from this one.
	o2 := app.CreateOwner("USD")
	_, err = svc.Subaccount(ctx, o2.AccountSID, sub.SID)
	require.ErrorIs(t, err, account.ErrNotFound)
	_, err = svc.Subaccount(ctx, o.AccountSID, o.AccountSID)
	require.ErrorIs(t, err, account.ErrNotFound, "the project is not its own subaccount")
}

// Keys are changed only in an active account and only by their own
// account; each change is one entry naming the key.
func TestKeyUseCases(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	svc := app.Services.AccountService
	ctx := context.Background()
	o := app.CreateOwner("USD")
	by := byOwner(o)
	project, err := svc.Get(ctx, o.AccountSID, o.AccountSID)
	require.NoError(t, err)
	sub, _, err := svc.CreateSubaccount(ctx, by, project, account.SubaccountInput{FriendlyName: "Shop"})
	require.NoError(t, err)

	_, _, err = svc.CreateKey(ctx, by, project, account.KeyInput{FriendlyName: tooLong, Type: "admin"})
	require.Len(t, problems(t, err), 2)
	k, secret, err := svc.CreateKey(ctx, by, project, account.KeyInput{FriendlyName: "ci", Type: account.KeyMain})
	require.NoError(t, err)
	require.Len(t, secret, 32)

	_, err = svc.RenameKey(ctx, by, sub, k.SID, "deploy")
	require.ErrorIs(t, err, account.ErrNotFound, "a subaccount does not reach its parent's keys")
	_, err = svc.RenameKey(ctx, by, project, k.SID, tooLong)
	require.Equal(t, account.Problems{nameLong}, problems(t, err))
	got, err := svc.RenameKey(ctx, by, project, k.SID, "deploy")
	require.NoError(t, err)
	require.Equal(t, "deploy", got.FriendlyName)
	require.Equal(t, account.KeyMain, got.Type)
	_, err = svc.RenameKey(ctx, by, project, k.SID, "deploy")
	require.NoError(t, err)
	require.Equal(t, []map[string]string{{"from": "ci", "to": "deploy"}}, entries(t, app, o.AccountSID, audit.KeyRenamed))

	require.ErrorIs(t, svc.RevokeKey(ctx, by, sub, k.SID), account.ErrNotFound)
	require.NoError(t, svc.RevokeKey(ctx, by, project, k.SID))
	require.ErrorIs(t, svc.RevokeKey(ctx, by, project, k.SID), account.ErrNotFound)
	require.Equal(t, []map[string]string{{"friendly_name": "deploy", "type": "main"}}, entries(t, app, o.AccountSID, audit.KeyRevoked))
	_, err = svc.Key(ctx, o.AccountSID, o.AccountSID, k.SID)
	require.ErrorIs(t, err, account.ErrNotFound)

	// A suspended account's keys and tokens do not change.
	subKey, _, err := svc.CreateKey(ctx, by, sub, account.KeyInput{Type: account.KeyStandard})
	require.NoError(t, err)
	require.Empty(t, subKey.FriendlyName)
	suspended, err := svc.UpdateAccount(ctx, by, sub, account.AccountUpdate{Status: account.StatusSuspended})
	require.NoError(t, err)
	_, _, err = svc.CreateKey(ctx, by, suspended, account.KeyInput{Type: account.KeyStandard})
	require.ErrorIs(t, err, account.ErrNotActive)
	_, err = svc.RenameKey(ctx, by, suspended, subKey.SID, "x")
	require.ErrorIs(t, err, account.ErrNotActive)
	require.ErrorIs(t, svc.RevokeKey(ctx, by, suspended, subKey.SID), account.ErrNotActive)
	_, err = svc.RegenerateAuthToken(ctx, by, suspended)
	require.ErrorIs(t, err, account.ErrNotActive)
	_, _, err = svc.CreateSecondaryToken(ctx, by, suspended)
	require.ErrorIs(t, err, account.ErrNotActive)
	keys, err := svc.Keys(ctx, o.AccountSID, sub.SID, "", 0, 10)
	require.NoError(t, err)
	require.Len(t, keys, 1)
}

// The secondary token's life cycle: each step one entry on the account,
// a step out of order an error and no entry.
func TestSecondaryTokenUseCases(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	svc := app.Services.AccountService
	ctx := context.Background()
	o := app.CreateOwner("USD")
	by := byOwner(o)
	acc, err := svc.Get(ctx, o.AccountSID, o.AccountSID)
	require.NoError(t, err)

	_, _, err = svc.PromoteSecondaryToken(ctx, by, acc)
	require.ErrorIs(t, err, account.ErrNoSecondary)
	require.ErrorIs(t, svc.DeleteSecondaryToken(ctx, by, acc), account.ErrNoSecondary)
	secondary, got, err := svc.CreateSecondaryToken(ctx, by, acc)
	require.NoError(t, err)
	require.NotNil(t, got.SecondaryCreatedAt)
	_, _, err = svc.CreateSecondaryToken(ctx, by, acc)
	require.ErrorIs(t, err, account.ErrSecondaryExists)
	shown, err := svc.SecondaryAuthToken(ctx, o.AccountSID, o.AccountSID)
	require.NoError(t, err)
	require.Equal(t, secondary, shown)

	primary, _, err := svc.PromoteSecondaryToken(ctx, by, acc)
	require.NoError(t, err)
	require.Equal(t, secondary, primary)
	_, _, err = svc.Authenticate(ctx, o.AccountSID, o.AuthToken)
	require.ErrorIs(t, err, account.ErrWrongCredentials, "the old primary stopped working")
	_, cred, err := svc.Authenticate(ctx, o.AccountSID, primary)
	require.NoError(t, err)
	require.Equal(t, account.CredPrimary, cred)

	_, _, err = svc.CreateSecondaryToken(ctx, by, acc)
	require.NoError(t, err)
	require.NoError(t, svc.DeleteSecondaryToken(ctx, by, acc))
	regenerated, err := svc.RegenerateAuthToken(ctx, by, acc)
	require.NoError(t, err)
	require.NotEqual(t, primary, regenerated)
	now, err := svc.AuthToken(ctx, o.AccountSID, o.AccountSID)
	require.NoError(t, err)
	require.Equal(t, regenerated, now)

	for action, n := range map[string]int{audit.AccountSecondaryTokenCreated: 2, audit.AccountSecondaryTokenPromoted: 1,
		audit.AccountSecondaryTokenDeleted: 1, audit.AccountAuthTokenRegenerated: 1} {
		require.Len(t, entries(t, app, o.AccountSID, action), n, action)
	}
}

// UpdateProject changes what changed, one entry each, in one transaction:
// a currency fixed by money that moved leaves the name unchanged too.
func TestUpdateProject(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	svc := app.Services.AccountService
	ctx := context.Background()
	o := app.CreateOwner("USD")
	by := byOwner(o)

	err := svc.UpdateProject(ctx, by, o.AccountSID, account.ProjectSettings{TimeZone: "Mars/Olympus", Currency: "EUR"})
	require.Len(t, problems(t, err), 3)
	require.NoError(t, svc.UpdateProject(ctx, by, o.AccountSID, account.ProjectSettings{FriendlyName: "Test Project", TimeZone: "UTC", Currency: "JPY"}))
	p, err := svc.Get(ctx, o.AccountSID, o.AccountSID)
	require.NoError(t, err)
	require.Equal(t, "UTC", p.TimeZone)
	require.Equal(t, "JPY", p.Currency)
	require.Empty(t, entries(t, app, o.AccountSID, audit.ProjectRenamed), "an unchanged name is not audited")
	require.Equal(t, []map[string]string{{"from": "Asia/Tokyo", "to": "UTC"}}, entries(t, app, o.AccountSID, audit.ProjectTimeZoneChanged))
	require.Equal(t, []map[string]string{{"from": "USD", "to": "JPY"}}, entries(t, app, o.AccountSID, audit.ProjectCurrencyChanged))
	st, err := svc.Settings(ctx, o.AccountSID)
	require.NoError(t, err)
	require.False(t, st.CurrencyFixed)
	require.Len(t, st.WithoutTwoFactor, 1, "the owner has no second factor yet")

	tx, err := app.Pool.Begin(ctx)
	require.NoError(t, err)
	require.NoError(t, billing.Post(ctx, tx, o.AccountSID, o.AccountSID, billing.KindPayment, "payment-1", decimal.NewFromInt(1000), "test"))
	require.NoError(t, tx.Commit(ctx))
	err = svc.UpdateProject(ctx, by, o.AccountSID, account.ProjectSettings{FriendlyName: "Renamed", TimeZone: "UTC", Currency: "USD"})
	require.Equal(t, account.Problems{{Field: account.FieldCurrency, Reason: account.ReasonFixed}}, problems(t, err))
	p, err = svc.Get(ctx, o.AccountSID, o.AccountSID)
	require.NoError(t, err)
	require.Equal(t, "Test Project", p.FriendlyName, "nothing of a refused change is kept")
	require.Equal(t, "JPY", p.Currency)
	st, err = svc.Settings(ctx, o.AccountSID)
	require.NoError(t, err)
	require.True(t, st.CurrencyFixed)

	require.NoError(t, svc.SetRequireTwoFactor(ctx, by, o.AccountSID, true))
	p, err = svc.Get(ctx, o.AccountSID, o.AccountSID)
	require.NoError(t, err)
	require.True(t, p.RequireTwoFactor)
	require.Equal(t, []map[string]string{{"on": "true"}}, entries(t, app, o.AccountSID, audit.ProjectRequire2FAChanged))
}
