package maintenance_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"console/internal/webtest"
)

// Reset requests out of their hour, reset links expired for a day and
// email changes expired for a week are forgotten.
func TestCleanupForgetsOldResets(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	ctx := context.Background()
	o := app.CreateOwner("USD")
	_, err := app.Pool.Exec(ctx, `INSERT INTO password_reset_requests (email_key, ip, at)
		VALUES ('a@example.com', '192.0.2.1', now() - interval '61 minutes'), ('a@example.com', '192.0.2.1', now())`)
	require.NoError(t, err)
	_, err = app.Pool.Exec(ctx, `INSERT INTO password_resets (user_id, token_hash, created_at, expires_at)
		VALUES ($1, '\x01', now() - interval '26 hours', now() - interval '25 hours'), ($1, '\x02', now() - interval '2 hours', now() - interval '1 hour')`, o.UserID)
	require.NoError(t, err)
	_, err = app.Pool.Exec(ctx, `INSERT INTO email_changes (user_id, old_email, new_email, confirm_hash, cancel_hash, created_at, expires_at, cancelled_at)
		VALUES ($1, 'a@example.com', 'b@example.com', '\x01', '\x01', now() - interval '9 days', now() - interval '8 days', now() - interval '9 days'),
		       ($1, 'a@example.com', 'c@example.com', '\x02', '\x02', now() - interval '2 days', now() - interval '1 day', now() - interval '2 days')`, o.UserID)
	require.NoError(t, err)
	cleanup(t, app)
	require.Equal(t, []string{"c@example.com"}, func() []string {
		var out []string
		rows, err := app.Pool.Query(ctx, `SELECT new_email FROM email_changes`)
		require.NoError(t, err)
		for rows.Next() {
			var e string
			require.NoError(t, rows.Scan(&e))
			out = append(out, e)
		}
		return out
	}())
	require.Equal(t, 1, countRows(t, app, `SELECT count(*) FROM password_reset_requests WHERE at > now() - interval '1 hour'`))
	require.Equal(t, 1, countRows(t, app, `SELECT count(*) FROM password_reset_requests`))
	require.Equal(t, 1, countRows(t, app, `SELECT count(*) FROM password_resets WHERE token_hash = '\x02'`), "expired lately: still tells the visitor it expired")
	require.Equal(t, 1, countRows(t, app, `SELECT count(*) FROM password_resets`))
}
