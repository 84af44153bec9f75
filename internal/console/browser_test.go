package console_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"
	"github.com/stretchr/testify/require"

	"console/internal/browsertest"
	"console/internal/clock"
	"console/internal/sid"
	"console/internal/webtest"
)

// locale is what a user of one language types and expects to read. The
// labels are copied from internal/i18n/catalog/{en,ja}.json on purpose: a
// wrong translation must fail here, not be echoed.
type locale struct {
	name, lang string // the subtest, the browser's language
	currency   string
	userName   string
	project    string

	signUpTitle     string // signup.title
	verifyTitle     string // verify.title
	verifySent      string // verify.sent
	confirmTitle    string // verify.confirm_title
	verified        string // verify.done_credit
	trialBalance    string // the trial credit, as the dashboard shows it
	browserZone     string // the browser's time zone
	projectZone     string // the zone the sign-up form holds when sent
	dashboardTitle  string // dashboard.title
	userSettings    string // shell.user_settings (menu link and page title)
	signOut         string // shell.sign_out
	twoFactorOff    string // settings.two_factor_off
	twoFactorEnable string // settings.two_factor_enable
	enrolTitle      string // enrol.title
	recoveryTitle   string // recovery.title
	twoFactorOn     string // settings.two_factor_on
	signInTitle     string // signin.title
	twoFactorTitle  string // twofactor.title
	show            string // action.show
	regenerated     string // dashboard.regenerated
}

var locales = []locale{
	{
		name: "English", lang: "en-US,en;q=0.9", currency: "USD", userName: "Ann Example", project: "Ann's Project",
		signUpTitle:     "Sign up",
		verifyTitle:     "Check your mail",
		verifySent:      "We sent a link to %s.",
		confirmTitle:    "Confirm your email address",
		verified:        "Your email address is confirmed. The trial credit was added to your balance.",
		trialBalance:    "$15.50",
		browserZone:     "America/New_York",
		projectZone:     "America/New_York",
		dashboardTitle:  "Dashboard",
		userSettings:    "User Settings",
		signOut:         "Sign out",
		twoFactorOff:    "Off: only your password protects your account.",
		twoFactorEnable: "Turn on two-factor authentication",
		enrolTitle:      "Set up two-factor authentication",
		recoveryTitle:   "Recovery codes",
		twoFactorOn:     "On: signing in asks for a code from your authenticator app.",
		signInTitle:     "Sign in",
		twoFactorTitle:  "Two-factor authentication",
		show:            "Show",
		regenerated:     "A new Auth Token was generated. The previous token no longer works.",
	},
	{
		name: "Japanese", lang: "ja", currency: "JPY", userName: "山田 花子", project: "テスト プロジェクト",
		signUpTitle:     "新規登録",
		verifyTitle:     "メールを確認してください",
		verifySent:      "%s にリンクを送信しました。",
		confirmTitle:    "メールアドレスの確認",
		verified:        "メールアドレスを確認しました。残高にトライアルクレジットを追加しました。",
		trialBalance:    "¥2,000.00",
		browserZone:     "Europe/Berlin",
		projectZone:     "Asia/Tokyo", // choosing JPY proposes it
		dashboardTitle:  "ダッシュボード",
		userSettings:    "ユーザー設定",
		signOut:         "サインアウト",
		twoFactorOff:    "無効: アカウントはパスワードだけで保護されています。",
		twoFactorEnable: "二要素認証を有効にする",
		enrolTitle:      "二要素認証の設定",
		recoveryTitle:   "リカバリーコード",
		twoFactorOn:     "有効: サインイン時に認証アプリのコードを求めます。",
		signInTitle:     "サインイン",
		twoFactorTitle:  "二要素認証",
		show:            "表示",
		regenerated:     "新しい Auth Token を生成しました。以前の Token は使えません。",
	},
}

var (
	accountSIDPattern = regexp.MustCompile(`^AC[0-9a-f]{32}$`)
	authTokenPattern  = regexp.MustCompile(`^[0-9a-f]{32}$`)
)

// TestBrowserSignUpTwoFactorAuthToken walks, in real Chromium and in each
// language: sign up (the time zone preset from the browser) → check your
// mail → the verification mail, read in the development mailbox → its
// link → dashboard with the trial credit → User Settings → turn on 2FA → recovery
// codes → sign out → sign in with a TOTP code → show the auth token (htmx)
// → the API accepts it → regenerate it (re-authenticated by a fresh code)
// → the API refuses the old token and accepts the new one. No page may
// break the strict CSP.
func TestBrowserSignUpTwoFactorAuthToken(t *testing.T) {
	for _, l := range locales {
		t.Run(l.name, func(t *testing.T) {
			t.Parallel()
			app := webtest.Start(t)
			f := &flow{t: t, app: app, b: browsertest.New(t, app.URL, browsertest.Lang(l.lang), browsertest.TimeZone(l.browserZone)), l: l,
				email: "user-" + sid.Hex32()[:12] + "@example.com", password: "correct horse battery staple"}

			f.signUp()
			f.enableTwoFactor()
			f.signOut()
			f.signIn()
			oldToken := f.showAuthToken()
			f.requireAPI(oldToken, http.StatusOK)
			f.regenerateAuthToken()
			newToken := f.showAuthToken()
			require.NotEqual(t, oldToken, newToken, "regenerating must change the token")
			f.requireAPI(oldToken, http.StatusUnauthorized)
			f.requireAPI(newToken, http.StatusOK)

			f.b.RequireNoConsoleErrors()
		})
	}
}

// flow is one user's walk through the console.
type flow struct {
	t          *testing.T
	app        *webtest.App
	b          *browsertest.Browser
	l          locale
	email      string
	password   string
	accountSID string
	otp        *authenticator
}

// requirePage checks the path, the document's language and the page's heading.
func (f *flow) requirePage(path, heading string) {
	f.t.Helper()
	require.Equal(f.t, path, f.b.URLPath())
	require.Equal(f.t, f.l.lang[:2], f.b.Attr("html", "lang"), "the page's language")
	require.Equal(f.t, heading, f.b.Text("main h1"))
}

// openUserMenu opens the friendly-name menu at the top right.
func (f *flow) openUserMenu() {
	f.t.Helper()
	f.b.Click("details.user-menu > summary")
	f.b.WaitVisible(browsertest.TestID("sign-out"))
	require.Equal(f.t, f.l.userName, f.b.Text(browsertest.TestID("user-menu")))
	require.Equal(f.t, f.l.userSettings, f.b.Text(`details.user-menu a[href="/user/settings"]`))
	require.Equal(f.t, f.l.signOut, f.b.Text(browsertest.TestID("sign-out")))
}

func (f *flow) signUp() {
	t, b := f.t, f.b
	t.Helper()
	require.Equal(t, http.StatusOK, b.Go("/signup"))
	f.requirePage("/signup", f.l.signUpTitle)
	b.Fill(`input[name="name"]`, f.l.userName)
	b.Fill(`input[name="email"]`, f.email)
	b.Fill(`input[name="password"]`, f.password)
	b.Fill(`input[name="project_name"]`, f.l.project)
	require.Equal(t, f.l.currency, b.Value(`select[name="currency"]`), "the currency offered first follows the language")
	require.Equal(t, f.l.browserZone, b.Value(`select[name="time_zone"]`), "the time zone is preset from the browser")
	// Choosing a currency as a visitor does (a change event): JPY proposes Asia/Tokyo.
	zone := browsertest.Eval[string](b, `(() => {
		const c = document.querySelector('select[name="currency"]');
		c.value = `+"`"+f.l.currency+"`"+`;
		c.dispatchEvent(new Event("change", {bubbles: true}));
		return document.querySelector('select[name="time_zone"]').value;
	})()`)
	require.Equal(t, f.l.projectZone, zone)
	require.Equal(t, http.StatusOK, b.Submit(browsertest.TestID("signup-submit")))

	// Signed in, unverified: only "check your mail".
	f.requirePage("/verify", f.l.verifyTitle)
	require.Equal(t, fmt.Sprintf(f.l.verifySent, f.email), b.Text(browsertest.TestID("verify-sent")))
	require.Equal(t, http.StatusOK, b.Go("/billing"))
	f.requirePage("/verify", f.l.verifyTitle)

	// The mail, read in the development mailbox, and its link: opening
	// it only offers the button, which confirms.
	_, status := b.FollowMailedLink(f.email, verificationLinkPattern)
	require.Equal(t, http.StatusOK, status)
	f.requirePage("/verify/confirm", f.l.confirmTitle)
	require.Equal(t, http.StatusOK, b.Submit(browsertest.TestID("verify-confirm")))

	f.requirePage("/", f.l.dashboardTitle)
	require.Equal(t, f.l.verified, b.Text(".flash"))
	require.Equal(t, f.l.trialBalance, b.Text(browsertest.TestID("balance")))
	require.Equal(t, f.l.project, b.Text(browsertest.TestID("project-name")))
	f.accountSID = b.Text(browsertest.TestID("account-sid"))
	require.Regexp(t, accountSIDPattern, f.accountSID)
	var tz string
	require.NoError(t, f.app.Pool.QueryRow(context.Background(), `SELECT time_zone FROM accounts WHERE sid = $1`, f.accountSID).Scan(&tz))
	require.Equal(t, f.l.projectZone, tz)
}

var verificationLinkPattern = regexp.MustCompile(`https?://\S+/verify/confirm\?token=[0-9a-f]+`)

func (f *flow) enableTwoFactor() {
	t, b := f.t, f.b
	t.Helper()
	f.openUserMenu()
	require.Equal(t, http.StatusOK, b.Submit(`details.user-menu a[href="/user/settings"]`))
	f.requirePage("/user/settings", f.l.userSettings)
	require.Equal(t, f.l.twoFactorOff, b.Text(browsertest.TestID("twofactor-status")))
	require.Equal(t, f.l.twoFactorEnable, b.Text(browsertest.TestID("twofactor-enable")))

	require.Equal(t, http.StatusOK, b.Submit(browsertest.TestID("twofactor-enable")))
	f.requirePage("/user/settings/2fa", f.l.enrolTitle)
	require.True(t, browsertest.Eval[bool](b, `(() => { const i = document.querySelector("img.qr"); return i.complete && i.naturalWidth > 0 })()`),
		"the QR code image loads")
	secret := strings.Join(strings.Fields(b.Text(browsertest.TestID("totp-secret"))), "")
	require.NotEmpty(t, secret)
	f.otp = &authenticator{t: t, clock: f.app.Services.Clock, secret: secret}

	code := f.otp.code()
	b.Fill(`input[name="code"]`, code)
	require.Equal(t, http.StatusOK, b.Submit(browsertest.TestID("twofactor-confirm")))
	f.otp.accepted()
	require.Equal(t, f.l.recoveryTitle, b.Text("main h1"))
	codes := b.Texts(browsertest.TestID("recovery-codes") + " li")
	require.Len(t, codes, 10)
	seen := map[string]bool{}
	for _, c := range codes {
		require.NotEmpty(t, c)
		require.False(t, seen[c], "recovery code %q shown twice", c)
		seen[c] = true
	}

	require.Equal(t, http.StatusOK, b.Submit(browsertest.TestID("recovery-done")))
	f.requirePage("/user/settings", f.l.userSettings)
	require.Equal(t, f.l.twoFactorOn, b.Text(browsertest.TestID("twofactor-status")))
}

func (f *flow) signOut() {
	t, b := f.t, f.b
	t.Helper()
	f.openUserMenu()
	require.Equal(t, http.StatusOK, b.Submit(browsertest.TestID("sign-out")))
	f.requirePage("/signin", f.l.signInTitle)
}

func (f *flow) signIn() {
	t, b := f.t, f.b
	t.Helper()
	b.Fill(`input[name="email"]`, f.email)
	b.Fill(`input[name="password"]`, f.password)
	require.Equal(t, http.StatusOK, b.Submit(browsertest.TestID("signin-submit")))
	f.requirePage("/signin/2fa", f.l.twoFactorTitle)

	b.Fill(`input[name="code"]`, f.otp.code())
	require.Equal(t, http.StatusOK, b.Submit(browsertest.TestID("twofactor-submit")))
	f.otp.accepted()
	f.requirePage("/", f.l.dashboardTitle)
	require.Equal(t, f.accountSID, b.Text(browsertest.TestID("account-sid")))
}

// showAuthToken reveals the auth token in place (an htmx swap of
// #auth-token-cell, not a page load) and returns it.
func (f *flow) showAuthToken() string {
	t, b := f.t, f.b
	t.Helper()
	require.Equal(t, f.l.show, b.Text(browsertest.TestID("auth-token-show")))
	require.NotRegexp(t, authTokenPattern, b.Text(browsertest.TestID("auth-token")), "masked before Show")
	b.Click(browsertest.TestID("auth-token-show"))
	b.WaitVisible("#auth-token-cell #auth-token")
	require.Equal(t, "/", b.URLPath(), "Show must swap the cell with htmx, not load a page")
	require.Zero(t, b.Count(browsertest.TestID("auth-token-show")))
	token := b.Text(browsertest.TestID("auth-token"))
	require.Regexp(t, authTokenPattern, token)
	return token
}

// regenerateAuthToken regenerates the token from the dashboard's danger
// zone, re-authenticating with a TOTP code that was not used yet.
func (f *flow) regenerateAuthToken() {
	t, b := f.t, f.b
	t.Helper()
	b.Click(browsertest.TestID("regenerate-open"))
	b.WaitVisible(`details.danger-zone input[name="code"]`)
	require.Zero(t, b.Count(`details.danger-zone input[name="password"]`), "with 2FA on, a code is asked, not the password")
	b.Fill(`details.danger-zone input[name="code"]`, f.otp.code())
	require.Equal(t, http.StatusOK, b.Submit(browsertest.TestID("regenerate-submit")))
	f.otp.accepted()
	f.requirePage("/", f.l.dashboardTitle)
	require.Equal(t, f.l.regenerated, b.Text(".flash"))
}

// requireAPI calls the REST API with the account SID and token.
func (f *flow) requireAPI(token string, status int) {
	t := f.t
	t.Helper()
	res := f.app.APIGet("/2010-04-01/Accounts/"+f.accountSID+".json", f.accountSID, token)
	require.Equal(t, status, res.Status, res.Body)
	var body map[string]any
	require.NoError(t, json.Unmarshal([]byte(res.Body), &body), res.Body)
	if status == http.StatusOK {
		require.Equal(t, f.accountSID, body["sid"])
	} else {
		require.EqualValues(t, 20003, body["code"], res.Body)
	}
}

// authenticator plays the user's authenticator app. The server accepts a
// code for the previous, current or next 30-second step, and only for a
// step later than the last one it accepted (replay protection), so each
// sign-in or re-authentication needs a step not used before.
type authenticator struct {
	t       testing.TB
	clock   *clock.Clock // the server's
	secret  string
	last    int64 // the last step the server accepted
	pending int64 // the step of the code handed out
}

// code returns a code for the earliest step the server will accept.
func (a *authenticator) code() string {
	a.t.Helper()
	code, step := nextUnusedCode(a.t, a.clock, a.secret, a.last)
	a.pending = step
	return code
}

// accepted records that the server took the last code.
func (a *authenticator) accepted() { a.last = a.pending }

const (
	totpPeriod = 30 * time.Second
	// codeMargin is how long a code must stay valid for the browser to
	// type and post it.
	codeMargin = 8 * time.Second
)

// nextUnusedCode returns a TOTP code and its step: the earliest step after
// lastUsed that the server accepts now (now-1 … now+1) on its clock, and
// still will for codeMargin. When every acceptable step is used (lastUsed
// is now+1), it moves the server's clock on a period rather than wait.
func nextUnusedCode(t testing.TB, clk *clock.Clock, secret string, lastUsed int64) (string, int64) {
	t.Helper()
	for range 3 {
		now := clk.Now()
		cur := now.Unix() / int64(totpPeriod.Seconds())
		for step := max(cur-1, lastUsed+1); step <= cur+1; step++ {
			// A code for step is accepted until step+1 ends.
			validUntil := time.Unix((step+2)*int64(totpPeriod.Seconds()), 0)
			if validUntil.Sub(now) < codeMargin {
				continue
			}
			code, err := totp.GenerateCode(secret, time.Unix(step*int64(totpPeriod.Seconds()), 0))
			require.NoError(t, err)
			return code, step
		}
		clk.Advance(totpPeriod)
	}
	t.Fatalf("no unused TOTP step after %d", lastUsed)
	return "", 0
}
