package maintenance_test

import (
	"bytes"
	"context"
	"strconv"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"console/internal/mail"
	"console/internal/maintenance"
	"console/internal/webtest"
)

func enqueue(t *testing.T, app *webtest.App, body string) int64 {
	t.Helper()
	ctx := context.Background()
	var id int64
	require.NoError(t, pgx.BeginFunc(ctx, app.Pool, func(tx pgx.Tx) error {
		var err error
		id, err = mail.Enqueue(ctx, tx, app.Services.Outbox, mail.Message{Kind: "invitation", To: "dev@example.com", Locale: "en", Subject: "Join", Body: body})
		return err
	}))
	return id
}

func cleanup(t *testing.T, app *webtest.App) {
	t.Helper()
	w := &maintenance.CleanupWorker{Pool: app.Pool, Outbox: app.Services.Outbox}
	require.NoError(t, w.Work(context.Background(), nil))
}

// A mail's body is sealed in the outbox: the link in it cannot be read
// from the table, only opened with the server's key, and a delivered body
// is purged after the retention period.
func TestOutboxBodiesAreSealedAndPurged(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	ctx := context.Background()
	link := app.URL + "/invitation?token=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	old := enqueue(t, app, "Follow "+link+" to join.")
	recent := enqueue(t, app, "Another "+link)

	var legacy string
	var sealed []byte
	require.NoError(t, app.Pool.QueryRow(ctx, `SELECT legacy_body, body_sealed FROM mail_outbox WHERE id = $1`, old).Scan(&legacy, &sealed))
	require.Empty(t, legacy)
	require.NotEmpty(t, sealed)
	require.False(t, bytes.Contains(sealed, []byte("token=")), "the link is not in the row")
	m, err := app.Services.Outbox.Get(ctx, app.Pool, old)
	require.NoError(t, err)
	require.Equal(t, "Follow "+link+" to join.", m.Body)
	page := app.Client().Get("/dev/mailbox/" + strconv.FormatInt(old, 10))
	require.Contains(t, page.Body, `<pre data-testid="mail-body">Follow `+link+` to join.</pre>`, "the development mailbox opens it")

	// A sealed body moved onto another row does not open there.
	_, err = app.Pool.Exec(ctx, `UPDATE mail_outbox SET body_sealed = (SELECT body_sealed FROM mail_outbox WHERE id = $1) WHERE id = $2`, old, recent)
	require.NoError(t, err)
	_, err = app.Services.Outbox.Get(ctx, app.Pool, recent)
	require.Error(t, err)

	// Delivered eight days ago: purged; delivered yesterday: kept.
	_, err = app.Pool.Exec(ctx, `UPDATE mail_outbox SET sent_at = now() - interval '8 days' WHERE id = $1`, old)
	require.NoError(t, err)
	fresh := enqueue(t, app, "Yesterday's "+link)
	_, err = app.Pool.Exec(ctx, `UPDATE mail_outbox SET sent_at = now() - interval '1 day' WHERE id = $1`, fresh)
	require.NoError(t, err)
	unsent := enqueue(t, app, "Unsent "+link)
	_, err = app.Pool.Exec(ctx, `UPDATE mail_outbox SET created_at = now() - interval '30 days' WHERE id = $1`, unsent)
	require.NoError(t, err)
	cleanup(t, app)
	m, err = app.Services.Outbox.Get(ctx, app.Pool, old)
	require.NoError(t, err)
	require.True(t, m.Purged)
	require.Empty(t, m.Body)
	require.Equal(t, "Join", m.Subject, "the mail is still listed")
	require.Equal(t, 0, countRows(t, app, `SELECT count(*) FROM mail_outbox WHERE id = $1 AND body_sealed IS NOT NULL`, old))
	require.Contains(t, app.Client().Get("/dev/mailbox/"+strconv.FormatInt(old, 10)).Body, "(The body was deleted after the retention period.)")
	for _, id := range []int64{fresh, unsent} {
		m, err = app.Services.Outbox.Get(ctx, app.Pool, id)
		require.NoError(t, err)
		require.False(t, m.Purged, "only bodies delivered more than %s ago go", mail.Retention)
		require.Contains(t, m.Body, link)
	}
}

// Mails written in clear before bodies were sealed are sealed by the
// cleanup job (which runs at every start) and still read the same.
func TestCleanupSealsMailsWrittenInClear(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	ctx := context.Background()
	var id int64
	require.NoError(t, app.Pool.QueryRow(ctx, `INSERT INTO mail_outbox (kind, to_addr, locale, subject, legacy_body)
		VALUES ('invitation', 'dev@example.com', 'en', 'Join', 'Follow https://console.example/invitation?token=feedface') RETURNING id`).Scan(&id))
	m, err := app.Services.Outbox.Get(ctx, app.Pool, id)
	require.NoError(t, err)
	require.Equal(t, "Follow https://console.example/invitation?token=feedface", m.Body, "readable (and deliverable) before the job runs")

	cleanup(t, app)
	require.Zero(t, countRows(t, app, `SELECT count(*) FROM mail_outbox WHERE legacy_body LIKE '%feedface%' OR position('feedface' in body_sealed) > 0`))
	m, err = app.Services.Outbox.Get(ctx, app.Pool, id)
	require.NoError(t, err)
	require.Equal(t, "Follow https://console.example/invitation?token=feedface", m.Body)
}

// Expired sessions, sign-ups out of their window and old verification
// links are forgotten.
func TestCleanupForgetsExpiredRows(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	ctx := context.Background()
	_, err := app.Pool.Exec(ctx, `INSERT INTO sessions (token_hash, data, expiry) VALUES ('\x01', '', now() - interval '1 second'), ('\x02', '', now() + interval '1 hour')`)
	require.NoError(t, err)
	_, err = app.Pool.Exec(ctx, `INSERT INTO sign_ups (ip, email_domain, at) VALUES ('192.0.2.1', 'example.com', now() - interval '61 minutes'), ('192.0.2.1', 'example.com', now())`)
	require.NoError(t, err)
	o := app.CreateOwner("USD")
	_, err = app.Pool.Exec(ctx, `INSERT INTO email_verifications (user_id, email, token_hash, created_at, expires_at) VALUES
		($1, 'a@example.com', '\x01', now() - interval '3 days', now() - interval '2 days'),
		($1, 'a@example.com', '\x02', now() - interval '1 hour', now() + interval '23 hours')`, o.UserID)
	require.NoError(t, err)
	cleanup(t, app)
	require.Equal(t, 1, countRows(t, app, `SELECT count(*) FROM email_verifications`), "a verification link a day past its expiry is forgotten")
	require.Equal(t, 1, countRows(t, app, `SELECT count(*) FROM sessions`))
	require.Equal(t, 1, countRows(t, app, `SELECT count(*) FROM sessions WHERE expiry > now()`))
	require.Equal(t, 1, countRows(t, app, `SELECT count(*) FROM sign_ups`))
	require.Equal(t, 1, countRows(t, app, `SELECT count(*) FROM sign_ups WHERE at > now() - interval '1 hour'`))
}

func countRows(t *testing.T, app *webtest.App, sql string, args ...any) int {
	t.Helper()
	var n int
	require.NoError(t, app.Pool.QueryRow(context.Background(), sql, args...).Scan(&n))
	return n
}
