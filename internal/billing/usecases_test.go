package billing_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"console/internal/account"
	"console/internal/audit"
	"console/internal/billing"
	"console/internal/webtest"
)

// entry is an audit entry as the use cases write it.
type entry struct {
	Account, Actor, UserID, Target, IP, UserAgent, RequestID string
	Details                                                  map[string]string
}

// entries are the project's entries of action, oldest first.
func entries(t *testing.T, app *webtest.App, project, action string) []entry {
	t.Helper()
	rows, err := app.Pool.Query(context.Background(), `SELECT coalesce(account_sid, ''), actor, coalesce(actor_user_id, ''), target, ip, user_agent,
		request_id, details FROM audit_log WHERE project_sid = $1 AND action = $2 ORDER BY id`, project, action)
	require.NoError(t, err)
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (entry, error) {
		var e entry
		var details []byte
		err := row.Scan(&e.Account, &e.Actor, &e.UserID, &e.Target, &e.IP, &e.UserAgent, &e.RequestID, &details)
		if err == nil {
			err = json.Unmarshal(details, &e.Details)
		}
		return e, err
	})
	require.NoError(t, err)
	return out
}

// userActor is a signed-in user acting from a browser.
func userActor(o *webtest.Owner) audit.Actor {
	return audit.Actor{Kind: audit.ActorUser, UserID: o.UserID, IP: "203.0.113.7", UserAgent: "Mozilla/5.0 (test)", RequestID: "req-billing"}
}

// requireActor checks that e was made by by.
func requireActor(t *testing.T, by audit.Actor, e entry) {
	t.Helper()
	require.Equal(t, by.Kind, e.Actor)
	require.Equal(t, by.UserID, e.UserID)
	require.Equal(t, by.IP, e.IP)
	require.Equal(t, by.UserAgent, e.UserAgent)
	require.Equal(t, by.RequestID, e.RequestID)
}

const formKey = "0123456789abcdef0123456789abcdef"

// Add Funds as one method: bad input and a card of another project charge
// nothing and leave no entry; a good request charges once per key and is
// audited with its actor.
func TestTopUpValidatesChargesOnceAndAudits(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	ctx := context.Background()
	svc := app.Services.Billing
	o, other := app.CreateOwner("JPY"), app.CreateOwner("JPY")
	by := userActor(o)
	card := addCard(t, app, o.AccountSID, "4242424242424242")
	foreign := addCard(t, app, other.AccountSID, "4242424242424242")
	payments := func() int {
		return webtest.Count(t, app, `SELECT count(*) FROM payments WHERE project_sid = $1`, o.AccountSID)
	}

	_, err := svc.TopUp(ctx, by, o.AccountSID, billing.AddFundsInput{Amount: "10,00", MethodID: card.ID, Key: "short"})
	var fes billing.FieldErrors
	require.ErrorAs(t, err, &fes)
	require.Equal(t, billing.FieldErrors{{Field: billing.FieldAmount, Reason: billing.ReasonGrouping}, {Field: billing.FieldKey, Reason: billing.ReasonInvalid}}, fes)
	_, err = svc.TopUp(ctx, by, o.AccountSID, billing.AddFundsInput{Amount: "5000", MethodID: foreign.ID, Key: formKey})
	require.ErrorAs(t, err, &fes)
	require.Equal(t, billing.FieldErrors{{Field: billing.FieldMethod, Reason: billing.ReasonRequired}}, fes, "another project's card is no card")
	require.Zero(t, payments())
	require.Empty(t, entries(t, app, o.AccountSID, audit.FundsAdded))

	in := billing.AddFundsInput{Amount: "¥5,000", MethodID: card.ID, Key: formKey}
	p, err := svc.TopUp(ctx, by, o.AccountSID, in)
	require.NoError(t, err)
	require.Equal(t, billing.PaymentSucceeded, p.Status)
	require.Equal(t, "5000", webtest.Balance(t, app, o.AccountSID).String())
	again, err := svc.TopUp(ctx, by, o.AccountSID, in)
	require.NoError(t, err)
	require.Equal(t, p.ID, again.ID, "a double submit is the same payment")
	require.Equal(t, 1, payments())
	require.Equal(t, "5000", webtest.Balance(t, app, o.AccountSID).String())

	es := entries(t, app, o.AccountSID, audit.FundsAdded)
	require.Len(t, es, 2, "each submit is audited, the payment made once")
	requireActor(t, by, es[0])
	require.Equal(t, o.AccountSID, es[0].Account)
	require.Equal(t, p.ID, es[0].Target)
	require.Equal(t, map[string]string{"amount": "5000", "status": billing.PaymentSucceeded, "card": "Visa •••• 4242"}, es[0].Details)

	declined := addCard(t, app, o.AccountSID, "4000000000009995")
	p, err = svc.TopUp(ctx, by, o.AccountSID, billing.AddFundsInput{Amount: "2000", MethodID: declined.ID, Key: "fedcba9876543210fedcba9876543210"})
	require.NoError(t, err)
	require.Equal(t, billing.PaymentFailed, p.Status)
	require.Equal(t, billing.DeclineInsufficient, p.FailureReason)
	es = entries(t, app, o.AccountSID, audit.FundsAdded)
	require.Len(t, es, 3)
	require.Equal(t, billing.PaymentFailed, es[2].Details["status"])
	require.Equal(t, "5000", webtest.Balance(t, app, o.AccountSID).String(), "a decline credits nothing")
	requireLedgerMatches(t, app)
}

// Cards are added, reordered and removed by one method each, audited with
// the actor; a bad card reaches no gateway and another project's card is
// not found.
func TestCardUseCases(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	ctx := context.Background()
	svc := app.Services.Billing
	o, other := app.CreateOwner("USD"), app.CreateOwner("USD")
	by := userActor(o)
	exp := time.Now().Year() + 2

	_, err := svc.AddCard(ctx, by, o.AccountSID, billing.Card{Holder: " ", Number: "4242424242424241", ExpMonth: 12, ExpYear: exp, CVC: "12"})
	var fes billing.FieldErrors
	require.ErrorAs(t, err, &fes)
	require.Equal(t, billing.FieldErrors{{Field: billing.FieldHolder, Reason: billing.ReasonRequired}, {Field: billing.FieldNumber, Reason: billing.ReasonInvalid},
		{Field: billing.FieldCVC, Reason: billing.ReasonInvalid}}, fes)
	cards, err := svc.Cards(ctx, o.AccountSID)
	require.NoError(t, err)
	require.Empty(t, cards)

	var ids []string
	for _, number := range []string{"4242 4242 4242 4242", "5555555555554444", "378282246310005"} {
		m, err := svc.AddCard(ctx, by, o.AccountSID, billing.Card{Holder: "  Taro Yamada ", Number: number, ExpMonth: 12, ExpYear: exp, CVC: "123"})
		require.NoError(t, err)
		require.Equal(t, "Taro Yamada", m.Holder, "the holder is saved trimmed")
		ids = append(ids, m.ID)
	}
	order := func() []string {
		cards, err := svc.Cards(ctx, o.AccountSID)
		require.NoError(t, err)
		var out []string
		for i, c := range cards {
			require.Equal(t, i, c.Position)
			out = append(out, c.ID)
		}
		return out
	}
	require.Equal(t, ids, order())
	require.NoError(t, svc.MoveCardDown(ctx, by, o.AccountSID, ids[0]))
	require.Equal(t, []string{ids[1], ids[0], ids[2]}, order())
	require.NoError(t, svc.MoveCardDown(ctx, by, o.AccountSID, ids[2]), "the last stays last")
	require.Equal(t, []string{ids[1], ids[0], ids[2]}, order())
	require.NoError(t, svc.MakeCardPrimary(ctx, by, o.AccountSID, ids[2]))
	require.Equal(t, []string{ids[2], ids[1], ids[0]}, order())
	require.NoError(t, svc.RemoveCard(ctx, by, o.AccountSID, ids[1]))
	require.Equal(t, []string{ids[2], ids[0]}, order())

	theirs := addCard(t, app, other.AccountSID, "4242424242424242")
	for _, change := range []func(context.Context, audit.Actor, string, string) error{svc.MakeCardPrimary, svc.MoveCardDown, svc.RemoveCard} {
		require.ErrorIs(t, change(ctx, by, o.AccountSID, theirs.ID), billing.ErrNotFound)
		require.ErrorIs(t, change(ctx, by, o.AccountSID, "PMnope"), billing.ErrNotFound)
	}
	_, err = billing.GetMethod(ctx, app.Pool, other.AccountSID, theirs.ID)
	require.NoError(t, err, "another project's card is untouched")

	for action, targets := range map[string][]string{
		audit.CardAdded: ids, audit.CardMoved: {ids[0], ids[2]}, audit.CardMadePrimary: {ids[2]}, audit.CardRemoved: {ids[1]},
	} {
		es := entries(t, app, o.AccountSID, action)
		require.Len(t, es, len(targets), action)
		for i, e := range es {
			requireActor(t, by, e)
			require.Equal(t, o.AccountSID, e.Account, action)
			require.Equal(t, targets[i], e.Target, action)
		}
	}
	require.Equal(t, map[string]string{"card": "Mastercard •••• 4444"}, entries(t, app, o.AccountSID, audit.CardAdded)[1].Details)
}

// The settings of Billing › Overview and Preferences: refused input saves
// nothing; a saved change is audited with the actor and what was saved.
func TestBillingSettingsUseCases(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	ctx := context.Background()
	svc := app.Services.Billing
	o := app.CreateOwner("USD")
	by := userActor(o)

	err := svc.SaveAutoRecharge(ctx, by, o.AccountSID, billing.AutoRechargeInput{Enabled: true, Threshold: "20", Target: "25"})
	var fes billing.FieldErrors
	require.ErrorAs(t, err, &fes)
	require.Equal(t, billing.FieldErrors{{Field: billing.FieldTarget, Reason: billing.ReasonRechargeRange}}, fes)
	require.NoError(t, svc.SaveAutoRecharge(ctx, by, o.AccountSID, billing.AutoRechargeInput{Enabled: true, Threshold: "20", Target: "100", Cap: "$1,000"}))
	ov, err := svc.Overview(ctx, o.AccountSID)
	require.NoError(t, err)
	ar := ov.AutoRecharge
	require.True(t, ar.Enabled)
	require.True(t, ar.Threshold.Equal(dec("20")) && ar.Target.Equal(dec("100")) && ar.MonthlyCap.Equal(dec("1000")), "%+v", ar)
	es := entries(t, app, o.AccountSID, audit.FundsAutoRechargeChanged)
	require.Len(t, es, 1)
	requireActor(t, by, es[0])
	require.Equal(t, map[string]string{"enabled": "true", "threshold": "20", "target": "100", "cap": "1000"}, es[0].Details)

	require.ErrorAs(t, svc.AddAlert(ctx, by, o.AccountSID, billing.AlertInput{Threshold: "5,0"}), &fes)
	require.Equal(t, billing.FieldErrors{{Field: billing.FieldThreshold, Reason: billing.ReasonGrouping}}, fes)
	require.NoError(t, svc.AddAlert(ctx, by, o.AccountSID, billing.AlertInput{Threshold: "50"}))
	require.NoError(t, svc.AddAlert(ctx, by, o.AccountSID, billing.AlertInput{Threshold: "$7.50"}))
	require.NoError(t, svc.RemoveAlert(ctx, by, o.AccountSID, billing.AlertInput{Threshold: "50.00"}))
	require.ErrorAs(t, svc.RemoveAlert(ctx, by, o.AccountSID, billing.AlertInput{Threshold: "x"}), &fes)
	ov, err = svc.Overview(ctx, o.AccountSID)
	require.NoError(t, err)
	require.Len(t, ov.Alerts, 1)
	require.True(t, ov.Alerts[0].Equal(dec("7.5")))
	require.Equal(t, "$10.00", ov.MinFunds.FormatCharge())
	require.Equal(t, "$10,000.00", ov.MaxFunds.FormatCharge())
	added, removed := entries(t, app, o.AccountSID, audit.FundsAlertAdded), entries(t, app, o.AccountSID, audit.FundsAlertRemoved)
	require.Len(t, added, 2)
	require.Len(t, removed, 1)
	requireActor(t, by, removed[0])
	require.Equal(t, map[string]string{"threshold": "7.5"}, added[1].Details)
	require.Equal(t, map[string]string{"threshold": "50"}, removed[0].Details)

	err = svc.SavePreferences(ctx, by, o.AccountSID, billing.Preferences{CompanyName: "ACME", RegistrationNumber: "T12", ReceiptEmail: "x"})
	require.ErrorAs(t, err, &fes)
	require.Equal(t, billing.FieldErrors{{Field: billing.FieldRegistrationNumber, Reason: billing.ReasonInvalid},
		{Field: billing.FieldReceiptEmail, Reason: billing.ReasonInvalid}}, fes)
	prefs, err := svc.Preferences(ctx, o.AccountSID)
	require.NoError(t, err)
	require.Equal(t, billing.Preferences{}, prefs, "nothing saved")
	require.NoError(t, svc.SavePreferences(ctx, by, o.AccountSID, billing.Preferences{CompanyName: " 株式会社テスト ", Address: " 東京都 ",
		RegistrationNumber: " t1234567890123", ReceiptEmail: " keiri@example.jp "}))
	prefs, err = svc.Preferences(ctx, o.AccountSID)
	require.NoError(t, err)
	require.Equal(t, billing.Preferences{CompanyName: "株式会社テスト", Address: "東京都", RegistrationNumber: "T1234567890123", ReceiptEmail: "keiri@example.jp"}, prefs)
	es = entries(t, app, o.AccountSID, audit.FundsPreferencesChanged)
	require.Len(t, es, 1)
	requireActor(t, by, es[0])
}

// A month of payment history pages back to the project's first month and
// forward to the current one, in the project's time zone.
func TestPaymentHistoryMonths(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	ctx := context.Background()
	o := app.CreateOwner("JPY")
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	require.NoError(t, err)
	svc := billing.NewService(app.Pool, app.Services.Billing.Gateway, app.Services.Outbox, "")
	// 2026-03-31 16:00 UTC is April 1st in Tokyo.
	now := time.Date(2026, 3, 31, 16, 0, 0, 0, time.UTC)
	svc.Now = func() time.Time { return now }
	opened := time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC)

	h, err := svc.PaymentHistory(ctx, o.AccountSID, tokyo, opened, "")
	require.NoError(t, err)
	require.Equal(t, time.Date(2026, 4, 1, 0, 0, 0, 0, tokyo), h.Month)
	require.Equal(t, "2026-03", h.Prev)
	require.Empty(t, h.Next)
	h, err = svc.PaymentHistory(ctx, o.AccountSID, tokyo, opened, "2026-01")
	require.NoError(t, err)
	require.Empty(t, h.Prev, "the first month")
	require.Equal(t, "2026-02", h.Next)
	for _, bad := range []string{"2025-12", "2026-05", "2026-1", "2026-01-01", "x"} {
		_, err := svc.PaymentHistory(ctx, o.AccountSID, tokyo, opened, bad)
		require.ErrorIs(t, err, billing.ErrBadMonth, bad)
	}

	// The month holds the project's payments of that month, no other project's.
	other := app.CreateOwner("JPY")
	for _, project := range []string{o.AccountSID, other.AccountSID} {
		m := addCard(t, app, project, "4242424242424242")
		_, err := app.Services.Billing.AddFunds(ctx, m, dec("3000"), "JPY", "history")
		require.NoError(t, err)
	}
	h, err = app.Services.Billing.PaymentHistory(ctx, o.AccountSID, tokyo, opened, "")
	require.NoError(t, err)
	require.Len(t, h.Payments, 1)
	require.Equal(t, o.AccountSID, h.Payments[0].ProjectSID)
}

// A receipt is a succeeded payment's, of the project asking.
func TestReceiptOfSucceededPaymentsOnly(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	ctx := context.Background()
	svc := app.Services.Billing
	o, other := app.CreateOwner("JPY"), app.CreateOwner("JPY")
	require.NoError(t, svc.SavePreferences(ctx, userActor(o), o.AccountSID, billing.Preferences{CompanyName: "株式会社テスト"}))
	ok, err := svc.AddFunds(ctx, addCard(t, app, o.AccountSID, "4242424242424242"), dec("3000"), "JPY", "ok")
	require.NoError(t, err)
	failed, err := svc.AddFunds(ctx, addCard(t, app, o.AccountSID, "4000000000000002"), dec("3000"), "JPY", "declined")
	require.NoError(t, err)
	require.Equal(t, billing.PaymentFailed, failed.Status)

	rc, err := svc.Receipt(ctx, o.AccountSID, ok.ID)
	require.NoError(t, err)
	require.Equal(t, ok.ID, rc.Number)
	require.Equal(t, ok.ID, rc.Payment.ID)
	require.WithinDuration(t, *rc.Payment.CompletedAt, rc.Issued, 0)
	require.Equal(t, "株式会社テスト", rc.Prefs.CompanyName)
	_, err = svc.Receipt(ctx, o.AccountSID, failed.ID)
	require.ErrorIs(t, err, billing.ErrNotFound, "a declined payment has no receipt")
	_, err = svc.Receipt(ctx, other.AccountSID, ok.ID)
	require.ErrorIs(t, err, billing.ErrNotFound, "another project's payment")
	_, err = svc.Payment(ctx, other.AccountSID, ok.ID)
	require.ErrorIs(t, err, billing.ErrNotFound)
}

// An operator's credit is one method: its input checked, the account's
// project credited, the suspension lifted and the credit audited as the
// system's, on the account named.
func TestCreditByOperator(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	ctx := context.Background()
	svc := app.Services.Billing
	o := app.CreateOwner("JPY")
	project, err := app.Services.Accounts.Get(ctx, app.Pool, o.AccountSID, o.AccountSID)
	require.NoError(t, err)
	var sub *account.Account
	require.NoError(t, pgx.BeginFunc(ctx, app.Pool, func(tx pgx.Tx) error {
		sub, _, err = app.Services.Accounts.CreateSubaccount(ctx, tx, project, "Sub", 10)
		return err
	}))
	require.NoError(t, app.Services.Billing.Ledger.Debit(ctx, billing.Debit{ProjectSID: o.AccountSID, AccountSID: o.AccountSID, Kind: billing.KindUsage,
		Source: "all", Amount: webtest.Balance(t, app, o.AccountSID)}))
	ov, err := svc.Overview(ctx, o.AccountSID)
	require.NoError(t, err)
	require.True(t, ov.Suspended)

	before := app.Fingerprint()
	var fes billing.FieldErrors
	_, err = svc.CreditByOperator(ctx, audit.System(ctx), billing.CreditInput{AccountSID: o.AccountSID, Amount: "15,00", Note: "x"})
	require.ErrorAs(t, err, &fes)
	require.Equal(t, billing.FieldErrors{{Field: billing.FieldAmount, Reason: billing.ReasonGrouping}}, fes)
	_, err = svc.CreditByOperator(ctx, audit.System(ctx), billing.CreditInput{AccountSID: "AC" + "0123456789abcdef0123456789abcdef", Amount: "1", Note: "x"})
	require.ErrorIs(t, err, billing.ErrNotFound)
	require.Equal(t, before, app.Fingerprint(), "nothing changed")

	done, err := svc.CreditByOperator(ctx, audit.System(ctx), billing.CreditInput{AccountSID: sub.SID, Amount: "1,500", Note: "support credit"})
	require.NoError(t, err)
	require.Equal(t, o.AccountSID, done.ProjectSID, "a subaccount's project is credited")
	require.Equal(t, "¥1,500.00", done.Amount.Format())
	require.Equal(t, "¥1,500.00", done.Balance.Format())
	ov, err = svc.Overview(ctx, o.AccountSID)
	require.NoError(t, err)
	require.False(t, ov.Suspended, "the credit lifts the suspension")

	es := entries(t, app, o.AccountSID, audit.FundsCredited)
	require.Len(t, es, 1)
	require.Equal(t, audit.ActorSystem, es[0].Actor)
	require.Equal(t, sub.SID, es[0].Account)
	require.Regexp(t, `^admin:[0-9a-f]{32}$`, es[0].Target)
	require.Equal(t, map[string]string{"amount": "1500", "note": "support credit"}, es[0].Details)
	lifted := entries(t, app, o.AccountSID, audit.ProjectSuspensionLifted)
	require.Len(t, lifted, 1)
	require.Equal(t, audit.ActorSystem, lifted[0].Actor)
	require.Equal(t, es[0].Target, lifted[0].Details["by"])
	requireLedgerMatches(t, app)
}

func TestCreditInputValidate(t *testing.T) {
	t.Parallel()
	const ac = "AC0123456789abcdef0123456789abcdef"
	for _, c := range []struct {
		name     string
		in       billing.CreditInput
		currency string
		want     billing.FieldErrors
	}{
		{"valid", billing.CreditInput{AccountSID: ac, Amount: "1,500", Note: "support"}, "JPY", nil},
		{"account not known yet", billing.CreditInput{AccountSID: ac, Amount: "15,00", Note: "support"}, "", nil},
		{"no amount", billing.CreditInput{AccountSID: ac, Amount: " ", Note: "support"}, "", billing.FieldErrors{{Field: billing.FieldAmount, Reason: billing.ReasonRequired}}},
		{"decimal comma", billing.CreditInput{AccountSID: ac, Amount: "15,00", Note: "support"}, "JPY",
			billing.FieldErrors{{Field: billing.FieldAmount, Reason: billing.ReasonGrouping}}},
		{"yen decimals", billing.CreditInput{AccountSID: ac, Amount: "10.5", Note: "support"}, "JPY",
			billing.FieldErrors{{Field: billing.FieldAmount, Reason: billing.ReasonPrecision}}},
		{"negative", billing.CreditInput{AccountSID: ac, Amount: "-5", Note: "support"}, "USD",
			billing.FieldErrors{{Field: billing.FieldAmount, Reason: billing.ReasonInvalid}}},
		{"zero", billing.CreditInput{AccountSID: ac, Amount: "0", Note: "support"}, "USD",
			billing.FieldErrors{{Field: billing.FieldAmount, Reason: billing.ReasonNotPositive}}},
		{"everything", billing.CreditInput{AccountSID: "SK0123456789abcdef0123456789abcdef", Note: " "}, "",
			billing.FieldErrors{{Field: billing.FieldAccount, Reason: billing.ReasonInvalid}, {Field: billing.FieldAmount, Reason: billing.ReasonRequired},
				{Field: billing.FieldNote, Reason: billing.ReasonRequired}}},
	} {
		err := c.in.Validate(c.currency)
		if c.want == nil {
			require.NoError(t, err, c.name)
			continue
		}
		var got billing.FieldErrors
		require.ErrorAs(t, err, &got, c.name)
		require.Equal(t, c.want, got, c.name)
	}
}
