package console_test

import (
	"bytes"
	"context"
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"console/internal/mailtest"
	"console/internal/webtest"
)

// dumpDatabase reads every text, character, bytea and json column of every
// table in the public schema (River's included), as bytes per column.
func dumpDatabase(t *testing.T, app *webtest.App) map[string][]byte {
	t.Helper()
	ctx := context.Background()
	rows, err := app.Pool.Query(ctx, `
		SELECT c.table_name, c.column_name, c.udt_name
		FROM information_schema.columns c JOIN information_schema.tables t USING (table_schema, table_name)
		WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
		  AND c.udt_name IN ('text', 'varchar', 'bpchar', 'bytea', 'json', 'jsonb', '_text', '_varchar', '_bytea', '_jsonb')
		ORDER BY 1, 2`)
	require.NoError(t, err)
	type column struct{ table, name, typ string }
	var cols []column
	for rows.Next() {
		var c column
		require.NoError(t, rows.Scan(&c.table, &c.name, &c.typ))
		cols = append(cols, c)
	}
	require.NoError(t, rows.Err())
	require.Greater(t, len(cols), 50, "the dump covers the schema")
	dump := map[string][]byte{}
	for _, c := range cols {
		expr := fmt.Sprintf(`convert_to(%s::text, 'UTF8')`, pgx.Identifier{c.name}.Sanitize())
		if c.typ == "bytea" {
			expr = pgx.Identifier{c.name}.Sanitize()
		}
		vals, err := app.Pool.Query(ctx, fmt.Sprintf(`SELECT %s FROM %s WHERE %s IS NOT NULL`, expr, pgx.Identifier{c.table}.Sanitize(), pgx.Identifier{c.name}.Sanitize()))
		require.NoError(t, err)
		var all []byte
		for vals.Next() {
			var b []byte
			require.NoError(t, vals.Scan(&b))
			all = append(append(all, b...), 0)
		}
		require.NoError(t, vals.Err())
		dump[c.table+"."+c.name] = all
	}
	return dump
}

// forms is how a secret could sit in a column: as typed, in another case,
// and as the bytes its text encodes (hex, base32, base64) raw or in hex.
func forms(secret string) [][]byte {
	out := [][]byte{[]byte(secret), []byte(strings.ToLower(secret)), []byte(strings.ToUpper(secret))}
	decoded := func(b []byte, err error) {
		if err == nil && len(b) >= 8 {
			out = append(out, b, []byte(hex.EncodeToString(b)), []byte(base64.StdEncoding.EncodeToString(b)))
		}
	}
	decoded(hex.DecodeString(secret))
	decoded(base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(strings.ToUpper(secret)))
	decoded(base64.RawURLEncoding.DecodeString(secret))
	decoded(base64.StdEncoding.DecodeString(secret))
	return out
}

// After sign-in, an invitation, an API key, auth token rotation and 2FA
// enrolment, no live secret is anywhere in the database: session cookies,
// the invitation's token and link, the API key secret, the auth tokens,
// the TOTP secret, the recovery codes, the trusted-browser token.
func TestNoSecretIsStoredInClear(t *testing.T) {
	t.Parallel()
	smtp := mailtest.Start(t)
	app := webtest.Start(t, webtest.Workers(), webtest.Env("SMTP_URL", smtp.URL()))
	o := app.CreateOwner("USD")
	secrets := map[string]string{"first auth token": o.AuthToken}

	c := app.Client()
	c.SignIn(o.Email, o.Password)
	secrets["session cookie after sign-in"] = c.Cookie("console_session").Value

	// An invitation, followed by the invitee (whose session then names it).
	require.Equal(t, http.StatusSeeOther, c.Post("/settings/users/invite", url.Values{"email": {"dev@example.com"}, "role": {"developer"}}).Status)
	link, _ := inviteLink(t, smtp, "dev@example.com", 1)
	secrets["invitation link"] = app.URL + link
	secrets["invitation token"] = strings.TrimPrefix(link, "/invitation?token=")
	invitee := app.Client()
	require.Equal(t, "/invitation", invitee.Get(link).Location())
	require.Equal(t, http.StatusOK, invitee.Get("/invitation").Status)
	secrets["invitee's session cookie"] = invitee.Cookie("console_session").Value

	// An API key.
	res := c.Post("/settings/keys", url.Values{"friendly_name": {"deploy"}, "type": {"standard"}})
	require.Equal(t, http.StatusOK, res.Status)
	secrets["API key secret"] = keySecret.FindStringSubmatch(res.Body)[1]

	// Auth token rotation: a secondary, promoted, and another secondary.
	require.Equal(t, http.StatusSeeOther, c.Post("/settings/credentials/secondary", nil).Status)
	secrets["first secondary token"] = reveal(t, c, "secondary")
	require.Equal(t, http.StatusSeeOther, c.Post("/settings/credentials/secondary/promote", nil).Status)
	require.Equal(t, http.StatusSeeOther, c.Post("/settings/credentials/secondary", nil).Status)
	secrets["primary token"] = reveal(t, c, "primary")
	secrets["second secondary token"] = reveal(t, c, "secondary")
	require.Equal(t, secrets["first secondary token"], secrets["primary token"])

	// 2FA enrolment with recovery codes, then a trusted browser.
	totpSecret, codes := enableTOTP(t, c)
	secrets["TOTP secret"] = totpSecret
	for i, code := range codes {
		secrets[fmt.Sprintf("recovery code %d", i+1)] = code
		secrets[fmt.Sprintf("recovery code %d without its dash", i+1)] = strings.ReplaceAll(code, "-", "")
	}
	secrets["session cookie after 2FA"] = c.Cookie("console_session").Value
	trusted := app.Client()
	require.Equal(t, "/signin/2fa", trusted.Post("/signin", url.Values{"email": {o.Email}, "password": {o.Password}}).Location())
	require.Equal(t, http.StatusSeeOther, trusted.Post("/signin/2fa", url.Values{"code": {codeAt(t, totpSecret, 30e9)}, "trust": {"1"}}).Status)
	secrets["trusted-browser token"] = trusted.Cookie("console_trust").Value
	secrets["session cookie after the second factor"] = trusted.Cookie("console_session").Value
	secrets["password"] = o.Password

	// A password reset link, followed (its session names the link), and an
	// email change's two links, all still usable.
	resetLink := requestReset(t, app, app.Client(), o.Email)
	secrets["password reset token"] = strings.TrimPrefix(resetLink, "/password/reset?token=")
	resetter := app.Client()
	require.Equal(t, "/password/reset", resetter.Get(resetLink).Location())
	require.Equal(t, http.StatusOK, resetter.Get("/password/reset").Status)
	requestEmailChange(t, c, o, "changed@example.com")
	_, secrets["email confirmation token"] = emailLink(t, app, "email_confirm", "changed@example.com")
	_, secrets["email change cancel token"] = emailLink(t, app, "email_change_notice", o.Email)

	// Every secret is live: the dump looks for the right things.
	require.Equal(t, http.StatusOK, c.Get("/").Status)
	require.Equal(t, http.StatusOK, trusted.Get("/").Status)
	require.Equal(t, http.StatusOK, app.APIGet("/2010-04-01/Accounts/"+o.AccountSID+".json", o.AccountSID, secrets["primary token"]).Status)
	require.Equal(t, http.StatusOK, app.APIGet("/2010-04-01/Accounts/"+o.AccountSID+".json", o.AccountSID, secrets["second secondary token"]).Status)

	dump := dumpDatabase(t, app)
	require.Contains(t, string(dump["users.email"]), o.Email, "the dump reads the tables")
	for name, secret := range secrets {
		require.NotEmpty(t, secret, name)
		for _, form := range forms(secret) {
			for where, data := range dump {
				require.False(t, bytes.Contains(data, form), "%s (%q as %q) is stored in %s", name, secret, form, where)
			}
		}
	}
}
