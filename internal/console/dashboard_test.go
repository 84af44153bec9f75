package console_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"testing"

	"github.com/stretchr/testify/require"

	"console/internal/nav"
	"console/internal/webtest"
)

var tokenCell = regexp.MustCompile(`data-testid="auth-token">([0-9a-f]{32})<`)

func TestSignUpCreatesOwnerProjectAndTrialCredit(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	c := app.Client()
	c.Header.Set("Accept-Language", "ja,en;q=0.5")
	require.Contains(t, c.Get("/signup").Body, "新規登録")

	bad := c.Post("/signup", url.Values{"name": {""}, "email": {"not-an-email"}, "password": {"short"}, "project_name": {"My Project"}, "currency": {"EUR"}})
	require.Equal(t, http.StatusUnprocessableEntity, bad.Status)
	for _, msg := range []string{"入力してください。", "正しいメールアドレスを入力してください。", "8〜128 文字。", "JPY または USD を選んでください。"} {
		require.Contains(t, bad.Body, msg)
	}
	require.Contains(t, bad.Body, `value="My Project"`, "values are kept")
	var users int
	require.NoError(t, app.Pool.QueryRow(context.Background(), `SELECT count(*) FROM users`).Scan(&users))
	require.Zero(t, users)

	c.SignUp(url.Values{"name": {"山田 太郎"}, "email": {"taro@example.jp"}, "password": {"パスワードは長い"}, "project_name": {"本番"}, "currency": {"JPY"},
		"time_zone": {"Asia/Tokyo"}})
	page := c.Get("/")
	require.Equal(t, http.StatusOK, page.Status)
	require.Contains(t, page.Body, "メールアドレスを確認しました。残高にトライアルクレジットを追加しました。")
	require.Contains(t, page.Body, `data-testid="balance">¥2,000.00<`)
	require.Contains(t, page.Body, `data-testid="month-spend">¥0.00<`)
	require.Contains(t, page.Body, `data-testid="project-name">本番<`)

	var sid, role, currency, tz, status, typ, balance string
	require.NoError(t, app.Pool.QueryRow(context.Background(), `
		SELECT a.sid, m.role, a.currency, a.time_zone, a.status, a.type, b.amount::text
		FROM users u JOIN memberships m ON m.user_id = u.id JOIN accounts a ON a.sid = m.project_sid JOIN balances b ON b.project_sid = a.sid
		WHERE u.email = 'taro@example.jp'`).Scan(&sid, &role, &currency, &tz, &status, &typ, &balance))
	require.Regexp(t, `^AC[0-9a-f]{32}$`, sid)
	require.Equal(t, "owner", role)
	require.Equal(t, "JPY", currency)
	require.Equal(t, "Asia/Tokyo", tz)
	require.Equal(t, "active", status)
	require.Equal(t, "Full", typ)
	require.Equal(t, "2000", balance)
	var ledgerSum string
	require.NoError(t, app.Pool.QueryRow(context.Background(), `SELECT sum(amount)::text FROM ledger_entries WHERE project_sid = $1`, sid).Scan(&ledgerSum))
	require.Equal(t, balance, ledgerSum)
	require.Equal(t, 1, webtest.CountAudit(t, app, "user.signed_up"))
}

func TestSignUpCanBeTurnedOff(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t, webtest.Env("CONSOLE_SIGNUP", "false"))
	require.Equal(t, http.StatusNotFound, app.Client().Get("/signup").Status)
	res := app.Client().Post("/signup", url.Values{"name": {"X"}, "email": {"x@example.com"}, "password": {"password123"}, "project_name": {"P"}, "currency": {"USD"}})
	require.Equal(t, http.StatusNotFound, res.Status)
	require.NotContains(t, app.Client().Get("/signin").Body, `href="/signup"`)
}

func TestRevealAndRegenerateAuthToken(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	o := app.CreateOwner("USD")
	c := app.Client()
	c.SignIn(o.Email, o.Password)

	dash := c.Get("/")
	require.Contains(t, dash.Body, o.AccountSID)
	require.NotContains(t, dash.Body, o.AuthToken, "masked until asked")

	fragment := c.Do(mustReq(t, app.URL+"/console/auth-token", "HX-Request", "true"))
	require.Equal(t, http.StatusOK, fragment.Status)
	require.Equal(t, "no-store", fragment.Header.Get("Cache-Control"))
	require.NotContains(t, fragment.Body, "<html")
	require.Contains(t, fragment.Body, o.AuthToken)
	full := c.Get("/console/auth-token")
	require.Contains(t, full.Body, "<html")
	require.Contains(t, full.Body, o.AuthToken)

	path := "/2010-04-01/Accounts/" + o.AccountSID + ".json"
	require.Equal(t, http.StatusOK, app.APIGet(path, o.AccountSID, o.AuthToken).Status)

	wrong := c.Post("/console/auth-token/regenerate", url.Values{"password": {"not it at all"}})
	require.Equal(t, http.StatusUnprocessableEntity, wrong.Status)
	require.Contains(t, wrong.Body, "The password is not correct.")
	require.Equal(t, http.StatusOK, app.APIGet(path, o.AccountSID, o.AuthToken).Status, "nothing changed")

	res := c.Post("/console/auth-token/regenerate", url.Values{"password": {o.Password}})
	require.Equal(t, http.StatusSeeOther, res.Status)
	require.Contains(t, c.Get("/").Body, "A new Auth Token was generated.")
	m := tokenCell.FindStringSubmatch(c.Get("/console/auth-token").Body)
	require.NotNil(t, m)
	newToken := m[1]
	require.NotEqual(t, o.AuthToken, newToken)

	old := app.APIGet(path, o.AccountSID, o.AuthToken)
	require.Equal(t, http.StatusUnauthorized, old.Status)
	var body map[string]any
	require.NoError(t, json.Unmarshal([]byte(old.Body), &body))
	require.Equal(t, map[string]any{"code": 20003.0, "message": "Authenticate", "more_info": "https://www.twilio.com/docs/errors/20003", "status": 401.0}, body)
	require.Equal(t, http.StatusOK, app.APIGet(path, o.AccountSID, newToken).Status)
	require.Equal(t, 1, webtest.CountAudit(t, app, "account.auth_token_regenerated"))
}

func mustReq(t *testing.T, u string, headers ...string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	require.NoError(t, err)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return req
}

func TestPinsAreShortcutsOnTheDashboard(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	o := app.CreateOwner("USD")
	c := app.Client()
	c.SignIn(o.Email, o.Password)
	dash := c.Get("/").Body
	for _, s := range []string{"voice", "sms", "numbers"} {
		require.Contains(t, dash, `data-testid="shortcut-`+s+`"`, "pinned by default")
	}
	require.NotContains(t, dash, `data-testid="shortcut-usage"`)

	require.Equal(t, http.StatusSeeOther, c.Post("/pins/usage", url.Values{"pinned": {"true"}}).Status)
	require.Equal(t, http.StatusSeeOther, c.Post("/pins/voice", url.Values{"pinned": {"false"}}).Status)
	dash = c.Get("/").Body
	require.Contains(t, dash, `data-testid="shortcut-usage"`)
	require.NotContains(t, dash, `data-testid="shortcut-voice"`)
	require.Equal(t, http.StatusNotFound, c.Post("/pins/nonsense", url.Values{"pinned": {"true"}}).Status)

	// Pins are per user.
	other := app.CreateOwner("USD")
	oc := app.Client()
	oc.SignIn(other.Email, other.Password)
	require.Contains(t, oc.Get("/").Body, `data-testid="shortcut-voice"`)
	require.Equal(t, 2, webtest.CountAudit(t, app, "user.service_pinned")+webtest.CountAudit(t, app, "user.service_unpinned"))
}

func TestUnbuiltServicesSayso(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	o := app.CreateOwner("USD")
	c := app.Client()
	c.SignIn(o.Email, o.Password)
	// Built services lead to their pages; the others say they are not
	// there yet.
	for _, s := range nav.Services {
		res := c.Get("/services/" + s.ID)
		if s.Path != "" {
			require.Equal(t, http.StatusSeeOther, res.Status, s.ID)
			require.Equal(t, s.Path, res.Location(), s.ID)
			continue
		}
		require.Equal(t, http.StatusOK, res.Status, s.ID)
		require.Contains(t, res.Body, "This service is not available in the console yet.", s.ID)
	}
	require.Equal(t, http.StatusNotFound, c.Get("/services/nope").Status)
}

func TestUserSettingsChanges(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	o := app.CreateOwner("USD")
	other := app.CreateOwner("USD")
	c := app.Client()
	c.SignIn(o.Email, o.Password)

	require.Equal(t, http.StatusUnprocessableEntity, c.Post("/user/settings/profile", url.Values{"friendly_name": {"  "}}).Status)
	require.Equal(t, http.StatusSeeOther, c.Post("/user/settings/profile", url.Values{"friendly_name": {"Hanako"}}).Status)
	require.Contains(t, c.Get("/").Body, `data-testid="user-menu">Hanako<`)

	res := c.Post("/user/settings/email", url.Values{"email": {"new@example.com"}, "current_password": {"wrong-password"}})
	require.Equal(t, http.StatusUnprocessableEntity, res.Status)
	require.Contains(t, res.Body, `value="new@example.com"`)
	// Another user's address is refused only at confirmation (email_change_test.go), never here.
	require.Equal(t, http.StatusSeeOther, c.Post("/user/settings/email", url.Values{"email": {other.Email}, "current_password": {o.Password}}).Status)
	require.Equal(t, http.StatusSeeOther, c.Post("/user/settings/email", url.Values{"email": {"new@example.com"}, "current_password": {o.Password}}).Status)
	app.Client().SignIn(o.Email, o.Password)

	require.Equal(t, http.StatusSeeOther, c.Post("/user/settings/language", url.Values{"locale": {"ja"}}).Status)
	require.Contains(t, c.Get("/").Body, "ダッシュボード")
	require.Equal(t, http.StatusUnprocessableEntity, c.Post("/user/settings/language", url.Values{"locale": {"fr"}}).Status)

	for _, action := range []string{"user.friendly_name_changed", "user.language_changed"} {
		require.Equal(t, 1, webtest.CountAudit(t, app, action), action)
	}
	require.Equal(t, 2, webtest.CountAudit(t, app, "user.email_change_requested"))
}

func TestDisableTwoFactorNeedsPasswordAndCode(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	o := app.CreateOwner("USD")
	c := app.Client()
	c.SignIn(o.Email, o.Password)
	secret, _ := enableTOTP(t, c)
	require.Contains(t, c.Get("/user/settings").Body, "On: signing in asks for a code")

	res := c.Post("/user/settings/2fa/disable", url.Values{"current_password": {"wrong-password"}, "code": {codeAt(t, secret, 0)}})
	require.Equal(t, http.StatusUnprocessableEntity, res.Status)
	res = c.Post("/user/settings/2fa/disable", url.Values{"current_password": {o.Password}, "code": {"000000"}})
	require.Equal(t, http.StatusUnprocessableEntity, res.Status)
	res = c.Post("/user/settings/2fa/disable", url.Values{"current_password": {o.Password}, "code": {codeAt(t, secret, 30e9)}})
	require.Equal(t, http.StatusSeeOther, res.Status)
	require.Contains(t, c.Get("/user/settings").Body, "Off: only your password")
	var enc []byte
	require.NoError(t, app.Pool.QueryRow(context.Background(), `SELECT totp_secret_enc FROM users WHERE id = $1`, o.UserID).Scan(&enc))
	require.Nil(t, enc)
	c2 := app.Client()
	c2.SignIn(o.Email, o.Password)
	require.Equal(t, 1, webtest.CountAudit(t, app, "user.two_factor_enabled"))
	require.Equal(t, 1, webtest.CountAudit(t, app, "user.two_factor_disabled"))
}

func TestSMSLogs(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	o := app.CreateOwner("USD")
	c := app.Client()
	c.SignIn(o.Email, o.Password)
	require.Equal(t, "/sms/logs", c.Get("/services/sms").Location(), "the service opens its logs")
	require.Contains(t, c.Get("/sms/logs").Body, `data-testid="sms-empty"`)
	sid := app.InsertMessage(o.AccountSID, o.AccountSID)
	page := c.Get("/sms/logs").Body
	require.Contains(t, page, `<tr data-sid="`+sid+`">`)
	require.Contains(t, page, "+14155550100")
	require.NotContains(t, c.Get("/sms/logs?to=%2B819000000000").Body, sid, "filtered out")
	detail := c.Get("/sms/logs/" + sid)
	require.Equal(t, http.StatusOK, detail.Status)
	require.Contains(t, detail.Body, `data-testid="sms-body">fixture<`)
	require.Equal(t, http.StatusNotFound, c.Get("/sms/logs/SM00000000000000000000000000000000").Status)
}

func TestCallLogs(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	o := app.CreateOwner("USD")
	c := app.Client()
	c.SignIn(o.Email, o.Password)
	require.Equal(t, "/voice/logs", c.Get("/services/voice").Location())
	require.Contains(t, c.Get("/voice/logs").Body, `data-testid="voice-empty"`)
	sid := app.InsertCall(o.AccountSID, o.AccountSID)
	page := c.Get("/voice/logs").Body
	require.Contains(t, page, `<tr data-sid="`+sid+`">`)
	require.Contains(t, page, "30 s")
	require.NotContains(t, c.Get("/voice/logs?from=%2B819000000000").Body, sid)
}
