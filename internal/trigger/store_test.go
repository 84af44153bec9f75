package trigger_test

import (
	"context"
	"errors"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"console/internal/audit"
	"console/internal/trigger"
	"console/internal/webtest"
)

var byTest = audit.Actor{Kind: audit.ActorSystem}

func TestStoreCreateGetListUpdateDelete(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	svc := app.Services.Triggers
	ctx := context.Background()
	o := app.CreateOwner("JPY")
	other := app.CreateOwner("JPY")

	_, err := svc.Create(ctx, byTest, o.AccountSID, o.AccountSID, trigger.Spec{UsageCategory: "totalprice", TriggerValue: decimal.NewFromInt(100)})
	var ps trigger.Problems
	require.ErrorAs(t, err, &ps)
	require.Equal(t, trigger.Problems{{Field: trigger.FieldAction, Reason: trigger.ReasonRequired}}, ps, "a trigger needs a webhook or an email")

	tr, err := svc.Create(ctx, byTest, o.AccountSID, o.AccountSID, trigger.Spec{FriendlyName: "Monthly spend", UsageCategory: "totalprice",
		TriggerBy: trigger.ByPrice, TriggerValue: decimal.NewFromInt(100000), Recurring: trigger.Monthly, EmailTeam: true})
	require.NoError(t, err)
	require.Len(t, tr.SID, 34)
	require.Equal(t, "POST", tr.CallbackMethod)
	require.Equal(t, 1, tr.Revision)

	got, err := trigger.Get(ctx, app.Pool, o.AccountSID, o.AccountSID, tr.SID)
	require.NoError(t, err)
	require.Equal(t, "Monthly spend", got.FriendlyName)
	require.True(t, got.TriggerValue.Equal(decimal.NewFromInt(100000)))
	_, err = trigger.Get(ctx, app.Pool, other.AccountSID, other.AccountSID, tr.SID)
	require.True(t, errors.Is(err, trigger.ErrNotFound))

	list, err := trigger.List(ctx, app.Pool, o.AccountSID, o.AccountSID, trigger.Filter{}, "", 0, 10)
	require.NoError(t, err)
	require.Len(t, list, 1)

	up, err := svc.Update(ctx, byTest, o.AccountSID, o.AccountSID, tr.SID, func(s *trigger.Spec) error {
		s.TriggerValue = decimal.NewFromInt(200000)
		return nil
	})
	require.NoError(t, err)
	require.Equal(t, 2, up.Revision)

	require.NoError(t, svc.Delete(ctx, byTest, o.AccountSID, o.AccountSID, tr.SID))
	require.True(t, errors.Is(svc.Delete(ctx, byTest, o.AccountSID, o.AccountSID, tr.SID), trigger.ErrNotFound))
}
