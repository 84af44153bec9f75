package trigger_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"console/internal/billing"
	"console/internal/mail"
	"console/internal/mailtest"
	"console/internal/sid"
	"console/internal/trigger"
	"console/internal/usage"
	"console/internal/webtest"
)

// A firing mails the Owner, Administrators and Billing Managers (not
// Developers or Support) and the given addresses, each in their language,
// over SMTP through the outbox; the history shows each mail's status.
func TestEmailInRecipientsLanguage(t *testing.T) {
	t.Parallel()
	smtp := mailtest.Start(t)
	app := webtest.Start(t, webtest.Workers(), webtest.Env("SMTP_URL", smtp.URL()))
	ctx := context.Background()
	o := owner(t, app, "JPY")
	p := o.AccountSID
	_, err := app.Pool.Exec(ctx, `UPDATE users SET locale = 'ja' WHERE id = $1`, o.UserID)
	require.NoError(t, err)
	// The firing's time is given in the project's zone.
	_, err = app.Pool.Exec(ctx, `UPDATE accounts SET time_zone = 'America/New_York' WHERE sid = $1`, p)
	require.NoError(t, err)
	newYork, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	member := func(email, locale, role string) {
		u, err := app.Services.Users.Create(ctx, app.Pool, email, "M", "a long enough password", locale)
		require.NoError(t, err)
		_, err = app.Pool.Exec(ctx, `INSERT INTO memberships (project_sid, user_id, role) VALUES ($1, $2, $3)`, p, u.ID, role)
		require.NoError(t, err)
	}
	member("admin@example.com", "en", "admin")
	member("billing@example.com", "", "billing")
	member("dev@example.com", "ja", "developer")
	member("support@example.com", "ja", "support")

	tr := create(t, app.Services.Triggers, p, p, trigger.Spec{FriendlyName: "月間利用額", UsageCategory: usage.TotalPrice, TriggerBy: trigger.ByPrice,
		TriggerValue: decimal.NewFromInt(100000), Recurring: trigger.Monthly, EmailTeam: true,
		EmailTo: []string{"ops@example.com", "dev@example.com", "Admin@example.com"}, EmailLocale: "ja"})
	spend(t, app, p, p, usage.SMSOutbound, "60000", time.Now())
	spend(t, app, p, p, usage.CallsOutbound, "45000.5", time.Now())

	ja := smtp.WaitFor(t, o.Email, 1, 20*time.Second)[0]
	h, err := app.Services.Triggers.History(ctx, p, p, tr.SID, 0, 10)
	require.NoError(t, err)
	require.Len(t, h, 1)
	firedAt := h[0].FiredAt.In(newYork)
	require.Equal(t, "Test Project: 利用トリガー「月間利用額」が発動しました", ja.Subject)
	require.Contains(t, ja.Body, "Test Project の利用トリガー「月間利用額」が "+firedAt.Format("2006年1月2日 15:04 MST")+" に発動しました。")
	require.Contains(t, ja.Body, "利用カテゴリー: 合計金額", "the console's word for it")
	require.Contains(t, ja.Body, "トリガーの種類: 料金")
	require.Contains(t, ja.Body, "トリガー値: ¥100,000.00")
	require.Contains(t, ja.Body, "発動時の値: ¥105,000.50")
	require.Contains(t, ja.Body, "頻度: 毎月")
	require.Contains(t, ja.Body, "/usage/triggers/"+tr.SID)

	en := smtp.WaitFor(t, "admin@example.com", 1, 10*time.Second)
	require.Len(t, en, 1, "listed twice (team and address), mailed once")
	require.Equal(t, `Test Project: usage trigger "月間利用額" fired`, en[0].Subject)
	require.Contains(t, en[0].Body, `The usage trigger "月間利用額" of Test Project fired at `+firedAt.Format("Jan 2, 2006 15:04 MST")+".")
	require.Contains(t, en[0].Body, "Usage category: Total price")
	require.Contains(t, en[0].Body, "Trigger by: Price")
	require.Contains(t, en[0].Body, "Trigger value: ¥100,000.00")
	require.Contains(t, en[0].Body, "Value when it fired: ¥105,000.50")
	require.Contains(t, en[0].Body, "Frequency: Monthly")
	require.Contains(t, smtp.WaitFor(t, "billing@example.com", 1, 10*time.Second)[0].Subject, "usage trigger", "no language chosen: English")
	require.Contains(t, smtp.WaitFor(t, "dev@example.com", 1, 10*time.Second)[0].Subject, "利用トリガー", "a listed member in their language")
	require.Contains(t, smtp.WaitFor(t, "ops@example.com", 1, 10*time.Second)[0].Subject, "利用トリガー", "others in the trigger's language")
	// Every mail job has run: a mail to support@ would have been sent.
	app.WaitJobs(mail.DeliverArgs{}.Kind())
	for _, m := range smtp.Messages() {
		for _, to := range m.To {
			require.NotEqual(t, "support@example.com", to)
		}
	}
	require.Len(t, smtp.Messages(), 5)

	require.Eventually(t, func() bool {
		h, err := app.Services.Triggers.History(ctx, p, p, tr.SID, 0, 10)
		if err != nil || len(h) != 1 || len(h[0].Emails) != 5 {
			return false
		}
		for _, e := range h[0].Emails {
			if e.SentAt == nil {
				return false
			}
		}
		return true
	}, 10*time.Second, 50*time.Millisecond, "the history shows every mail sent")
}

// use records count messages of category for an account, at a price of 1.
func use(t *testing.T, app *webtest.App, project, accountSID, category string, count int64) {
	t.Helper()
	src := "test:" + sid.Hex32()
	err := app.Services.Billing.Ledger.Debit(context.Background(), billing.Debit{ProjectSID: project, AccountSID: accountSID, Kind: billing.KindUsage,
		Source: src, Amount: decimal.NewFromInt(1), Note: category, Apply: func(ctx context.Context, tx pgx.Tx) error {
			return usage.Record(ctx, tx, usage.Event{ProjectSID: project, AccountSID: accountSID, Category: category, Count: int(count),
				Usage: decimal.NewFromInt(count), Price: decimal.NewFromInt(1), Source: src, At: time.Now()})
		}})
	require.NoError(t, err)
}

// A count trigger's mail gives its figures as the console's pages do,
// grouped and with the unit word, in each reader's language; not the
// bare stored number.
func TestEmailCountFiguresWithUnits(t *testing.T) {
	t.Parallel()
	smtp := mailtest.Start(t)
	app := webtest.Start(t, webtest.Workers(), webtest.Env("SMTP_URL", smtp.URL()))
	ctx := context.Background()
	o := owner(t, app, "USD")
	p := o.AccountSID
	_, err := app.Pool.Exec(ctx, `UPDATE users SET locale = 'ja' WHERE id = $1`, o.UserID)
	require.NoError(t, err)

	create(t, app.Services.Triggers, p, p, trigger.Spec{FriendlyName: "SMS", UsageCategory: usage.SMSOutbound, TriggerBy: trigger.ByCount,
		TriggerValue: decimal.NewFromInt(1000), Recurring: trigger.Monthly, EmailTeam: true, EmailTo: []string{"ops@example.com"}, EmailLocale: "en"})
	use(t, app, p, p, usage.SMSOutbound, 1500)

	ja := smtp.WaitFor(t, o.Email, 1, 20*time.Second)[0]
	require.Contains(t, ja.Body, "トリガーの種類: 件数")
	require.Contains(t, ja.Body, "トリガー値: 1,000 通\r\n")
	require.Contains(t, ja.Body, "発動時の値: 1,500 通\r\n")

	en := smtp.WaitFor(t, "ops@example.com", 1, 10*time.Second)[0]
	require.Contains(t, en.Body, "Trigger value: 1,000 messages\r\n")
	require.Contains(t, en.Body, "Value when it fired: 1,500 messages\r\n")
}
