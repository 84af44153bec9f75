package server_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"console/internal/testdb"
	"console/internal/webtest"
)

// refuseConnections makes the app's database refuse new connections and
// ends the ones open, as a database that went down would; restore undoes
// it (also when the test ends).
func refuseConnections(t *testing.T, app *webtest.App) (restore func()) {
	t.Helper()
	ctx := context.Background()
	name := app.Pool.Config().ConnConfig.Database
	admin, err := pgx.Connect(ctx, testdb.ServerURL())
	require.NoError(t, err)
	db := pgx.Identifier{name}.Sanitize()
	_, err = admin.Exec(ctx, `ALTER DATABASE `+db+` ALLOW_CONNECTIONS false`)
	require.NoError(t, err)
	restore = func() {
		_, err := admin.Exec(context.Background(), `ALTER DATABASE `+db+` ALLOW_CONNECTIONS true`)
		require.NoError(t, err)
	}
	t.Cleanup(func() {
		_, _ = admin.Exec(context.Background(), `ALTER DATABASE `+db+` ALLOW_CONNECTIONS true`)
		admin.Close(context.Background())
	})
	_, err = admin.Exec(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, name)
	require.NoError(t, err)
	return restore
}

// While the database is down the API answers 503 with Retry-After and
// Twilio's code 20503, and the console a 503 page with Retry-After, so
// that clients back off; once it is back, both serve again.
func TestDatabaseOutageIsA503(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	o := app.CreateOwner("USD")
	browser := app.Client()
	browser.SignIn(o.Email, o.Password)
	messages := "/2010-04-01/Accounts/" + o.AccountSID + "/Messages.json"
	require.Equal(t, http.StatusOK, app.API("GET", messages, o.AccountSID, o.AuthToken, nil).Status)
	require.Equal(t, http.StatusOK, browser.Get("/usage").Status)

	restore := refuseConnections(t, app)
	// The first requests meet the killed connections, the next ones a
	// database refusing new ones: each is a 503.
	for range 3 {
		for _, res := range []*webtest.Response{
			app.API("GET", messages, o.AccountSID, o.AuthToken, nil),
			app.API("POST", messages, o.AccountSID, o.AuthToken, url.Values{"To": {"+14155550100"}, "From": {"+15017122661"}, "Body": {"hi"}}),
			app.API("GET", "/2010-04-01/Accounts.json", o.AccountSID, o.AuthToken, nil),
		} {
			require.Equal(t, http.StatusServiceUnavailable, res.Status, res.Body)
			require.Equal(t, "5", res.Header.Get("Retry-After"))
			body := res.JSON(t)
			require.Equal(t, 20503.0, body["code"])
			require.Equal(t, 503.0, body["status"])
			require.Equal(t, "https://www.twilio.com/docs/errors/20503", body["more_info"])
		}
		for _, path := range []string{"/", "/usage", "/billing/history"} {
			res := browser.Get(path)
			require.Equal(t, http.StatusServiceUnavailable, res.Status, "%s: %.300s", path, res.Body)
			require.Equal(t, "5", res.Header.Get("Retry-After"), path)
			require.Contains(t, res.Header.Get("Content-Type"), "text/html")
			require.Contains(t, res.Body, "temporarily unavailable", path)
		}
	}

	restore()
	require.Equal(t, http.StatusOK, app.API("GET", messages, o.AccountSID, o.AuthToken, nil).Status)
	require.Equal(t, http.StatusOK, browser.Get("/usage").Status, "the session survived the outage")
}
