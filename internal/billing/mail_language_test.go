package billing_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"console/internal/audit"
	"console/internal/billing"
	"console/internal/webtest"
)

// The zone the mail tests' projects are in: neither the server's (UTC)
// nor the default for yen (Asia/Tokyo), so a time given in either fails.
const mailZone = "America/New_York"

// inZone moves project into mailZone and returns the zone.
func inZone(t *testing.T, app *webtest.App, project string) *time.Location {
	t.Helper()
	_, err := app.Pool.Exec(context.Background(), `UPDATE accounts SET time_zone = $2 WHERE sid = $1`, project, mailZone)
	require.NoError(t, err)
	loc, err := time.LoadLocation(mailZone)
	require.NoError(t, err)
	return loc
}

// join makes a user with the given language ("" for none chosen) a
// member of project with role.
func join(t *testing.T, app *webtest.App, project, email, locale, role string) {
	t.Helper()
	ctx := context.Background()
	u, err := app.Services.Users.Create(ctx, app.Pool, email, "M", "a long enough password", locale)
	require.NoError(t, err)
	_, err = app.Pool.Exec(ctx, `INSERT INTO memberships (project_sid, user_id, role) VALUES ($1, $2, $3)`, project, u.ID, role)
	require.NoError(t, err)
}

// setLocale sets a user's language ("" for none chosen).
func setLocale(t *testing.T, app *webtest.App, userID, locale string) {
	t.Helper()
	_, err := app.Pool.Exec(context.Background(), `UPDATE users SET locale = $2 WHERE id = $1`, userID, locale)
	require.NoError(t, err)
}

// A receipt is written in its reader's language: the member's whose
// address it goes to, else the Owner's, else the currency's; the payment's
// time is given in the project's zone.
func TestReceiptMailInReadersLanguage(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	ctx := context.Background()
	for _, c := range []struct {
		name, currency, ownerLocale, to, want string
		member                                bool
	}{
		{"a member who reads English, in a yen project", "JPY", "ja", "billing@example.com", "en", true},
		{"a member who reads Japanese, in a dollar project", "USD", "en", "billing@example.com", "ja", true},
		{"outside the team: the Owner's language", "USD", "ja", "keiri@example.jp", "ja", false},
		{"outside the team: the Owner's language over the currency's", "JPY", "en", "accounts@example.com", "en", false},
		{"nobody chose: the currency's", "USD", "", "accounts@example.com", "en", false},
		{"nobody chose: the currency's (yen)", "JPY", "", "keiri@example.jp", "ja", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			o := app.CreateOwner(c.currency)
			setLocale(t, app, o.UserID, c.ownerLocale)
			loc := inZone(t, app, o.AccountSID)
			to := c.to
			if c.member {
				to = o.AccountSID[2:10] + "-" + c.to // users' addresses are unique across projects
				join(t, app, o.AccountSID, to, c.want, "billing")
			}
			require.NoError(t, billing.SetPreferences(ctx, app.Pool, o.AccountSID, billing.Preferences{ReceiptEmail: to}))
			amount := "3000"
			if c.currency == "USD" {
				amount = "30"
			}
			p, err := app.Services.Billing.AddFunds(ctx, addCard(t, app, o.AccountSID, "4242424242424242"), dec(amount), c.currency, "k-"+o.AccountSID)
			require.NoError(t, err)
			require.Equal(t, billing.PaymentSucceeded, p.Status)
			require.NotNil(t, p.CompletedAt)
			m := app.Mail(`kind = 'receipt' AND project_sid = $1`, o.AccountSID)
			require.Equal(t, to, m.To)
			require.Equal(t, c.want, m.Locale)
			require.Contains(t, m.Body, "/billing/receipts/"+p.ID)
			paid := p.CompletedAt.In(loc)
			if c.want == "ja" {
				require.Contains(t, m.Subject, "の領収書")
				require.Contains(t, m.Body, paid.Format("2006年1月2日 15:04 MST")+" に Visa •••• 4242 で ")
				require.Contains(t, m.Body, "をお支払いいただき、ありがとうございました。")
			} else {
				require.Contains(t, m.Subject, "Test Project: receipt for ")
				require.Contains(t, m.Body, "Thank you for your payment of ")
				require.Contains(t, m.Body, " with Visa •••• 4242 on "+paid.Format("Jan 2, 2006 15:04 MST")+".")
			}
		})
	}
}

// Low-balance alerts and the suspension at zero go to the Owner and the
// Billing Managers, each in their language (English when they chose
// none), with the time in the project's zone; Developers get none.
func TestBalanceMailsInEachMembersLanguage(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	ctx := context.Background()
	o := app.CreateOwner("JPY")
	setLocale(t, app, o.UserID, "ja")
	loc := inZone(t, app, o.AccountSID)
	join(t, app, o.AccountSID, "billing-en@example.com", "en", "billing")
	join(t, app, o.AccountSID, "billing-any@example.com", "", "billing")
	join(t, app, o.AccountSID, "dev@example.com", "ja", "developer")
	at := time.Date(2026, 3, 10, 15, 4, 0, 0, time.UTC) // 11:04 EDT
	app.Services.Clock.Set(at)

	setBalance(t, app, o.AccountSID, "10000")
	require.NoError(t, app.Services.Billing.AddAlert(ctx, audit.System(ctx), o.AccountSID, billing.AlertInput{Threshold: "5000"}))
	debit := func(src, amount string) {
		require.NoError(t, app.Services.Billing.Ledger.Debit(ctx, billing.Debit{ProjectSID: o.AccountSID, AccountSID: o.AccountSID,
			Kind: billing.KindUsage, Source: src, Amount: dec(amount)}))
	}
	debit("a", "6000")
	debit("b", "4000")

	jaTime, enTime := at.In(loc).Format("2006年1月2日 15:04 MST"), at.In(loc).Format("Jan 2, 2006 15:04 MST")
	require.Equal(t, "2026年3月10日 11:04 EDT", jaTime)
	for _, c := range []struct {
		kind, to, subject, body string
	}{
		{"low_balance", o.Email, "Test Project: 残高が少なくなっています", jaTime + " に Test Project の残高が "},
		{"low_balance", "billing-en@example.com", "Test Project: low balance", " at " + enTime + ". It is now "},
		{"low_balance", "billing-any@example.com", "Test Project: low balance", " at " + enTime + ". It is now "},
		{"suspended", o.Email, "Test Project: 残高がなくなり停止されました", "残高がなくなったため、Test Project は " + jaTime + " に停止されました。"},
		{"suspended", "billing-en@example.com", "Test Project: suspended, the balance ran out", "Test Project was suspended at " + enTime + " because its balance ran out"},
	} {
		m := app.Mail(`kind = $1 AND to_addr = $2`, c.kind, c.to)
		require.Equal(t, c.subject, m.Subject, c.kind+" to "+c.to)
		require.Contains(t, m.Body, c.body, c.kind+" to "+c.to)
		require.Contains(t, m.Body, "/billing\n")
	}
	require.Equal(t, 0, webtest.Count(t, app, `SELECT count(*) FROM mail_outbox WHERE to_addr = 'dev@example.com'`))
	require.Equal(t, 3, webtest.Count(t, app, `SELECT count(*) FROM mail_outbox WHERE kind = 'suspended'`), "once, to each who can pay")
}

// A declined auto recharge is mailed in each payer's language with the
// time in the project's zone.
func TestRechargeDeclinedMailInEachMembersLanguage(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t, webtest.Workers())
	ctx := context.Background()
	o := app.CreateOwner("USD")
	setLocale(t, app, o.UserID, "en")
	loc := inZone(t, app, o.AccountSID)
	join(t, app, o.AccountSID, "keiri@example.com", "ja", "billing")
	at := time.Date(2026, 12, 1, 2, 30, 0, 0, time.UTC) // the evening before, in New York
	app.Services.Clock.Set(at)
	setBalance(t, app, o.AccountSID, "20")
	addCard(t, app, o.AccountSID, "4000000000009995")
	require.NoError(t, billing.SetAutoRecharge(ctx, app.Pool, o.AccountSID, billing.AutoRecharge{Enabled: true, Threshold: dec("10"), Target: dec("50")}))
	require.NoError(t, app.Services.Billing.Ledger.Debit(ctx, billing.Debit{ProjectSID: o.AccountSID, AccountSID: o.AccountSID,
		Kind: billing.KindUsage, Source: "all", Amount: dec("15")}))
	webtest.Eventually(t, "the declined recharge's mails", func() bool {
		return webtest.Count(t, app, `SELECT count(*) FROM mail_outbox WHERE kind = 'recharge_declined'`) == 2
	})
	en := app.Mail(`kind = 'recharge_declined' AND to_addr = $1`, o.Email)
	require.Equal(t, "Test Project: auto recharge declined", en.Subject)
	require.True(t, strings.HasPrefix(en.Body, "Auto recharge of Test Project was declined by every card on file at Nov 30, 2026 21:30 EST."), en.Body)
	ja := app.Mail(`kind = 'recharge_declined' AND to_addr = 'keiri@example.com'`)
	require.Equal(t, "Test Project: 自動チャージが拒否されました", ja.Subject)
	require.True(t, strings.HasPrefix(ja.Body, "2026年11月30日 21:30 EST、Test Project の自動チャージは"), ja.Body)
	require.Equal(t, "Nov 30, 2026 21:30 EST", at.In(loc).Format("Jan 2, 2006 15:04 MST"))
}
