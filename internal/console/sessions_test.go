package console_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"

	"console/internal/webtest"
)

// Sessions are stored under the SHA-256 of their token, never the token,
// and name their signed-in user, so one user's sessions can be found and
// ended without their tokens, on every server at once.
func TestSessionsAreStoredByTokenHash(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	ctx := context.Background()
	o := app.CreateOwner("USD")
	rowOf := func(token string) (n int, user *string) {
		t.Helper()
		require.NoError(t, app.Pool.QueryRow(ctx, `SELECT count(*), min(user_id) FROM sessions WHERE token_hash = sha256(convert_to($1, 'UTF8'))`, token).Scan(&n, &user))
		return n, user
	}

	c := app.Client()
	require.Equal(t, http.StatusSeeOther, c.Post("/language", url.Values{"locale": {"ja"}}).Status)
	anon := c.Cookie("console_session").Value
	n, user := rowOf(anon)
	require.Equal(t, 1, n, "the anonymous session, by its token's hash")
	require.Nil(t, user, "nobody signed in to it")

	c.SignIn(o.Email, o.Password)
	signedIn := c.Cookie("console_session").Value
	n, _ = rowOf(anon)
	require.Zero(t, n, "the token before sign-in is gone")
	n, user = rowOf(signedIn)
	require.Equal(t, 1, n)
	require.Equal(t, o.UserID, *user)

	other := app.Client()
	other.SignIn(o.Email, o.Password)
	require.Equal(t, 2, count(t, app, `SELECT count(*) FROM sessions WHERE user_id = $1`, o.UserID))

	// Ending one session by its row takes effect on the next request, on another server too.
	peer := app.Peer()
	_, err := app.Pool.Exec(ctx, `DELETE FROM sessions WHERE token_hash = sha256(convert_to($1, 'UTF8'))`, other.Cookie("console_session").Value)
	require.NoError(t, err)
	res := other.On(peer).Get("/")
	require.Equal(t, http.StatusSeeOther, res.Status)
	require.Equal(t, "/signin", res.Location())
	require.Equal(t, http.StatusOK, c.On(peer).Get("/").Status)

	require.Equal(t, http.StatusSeeOther, c.Post("/signout", nil).Status)
	n, _ = rowOf(signedIn)
	require.Zero(t, n, "signing out deletes the row")
}
