package console_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"console/internal/browsertest"
	"console/internal/webtest"
)

// sessionsLocale is what the sessions walk reads, copied from the
// catalogs on purpose (a wrong translation must fail here).
type sessionsLocale struct {
	name, lang, currency string
	sessionsTitle        string // sessions.title
	thisSession          string // sessions.this
	ended                string // sessions.ended
	signInTitle          string // signin.title
	appCode              string // field.app_code
	recoveryHeader       string // recovery.file_header, for the user's email
}

var sessionsLocales = []sessionsLocale{
	{name: "English", lang: "en-US,en;q=0.9", currency: "USD",
		sessionsTitle: "Sessions", thisSession: "This session", ended: "The session was signed out.", signInTitle: "Sign in",
		appCode: "Code from your authenticator app", recoveryHeader: "Console recovery codes for %s. Each code works once."},
	{name: "Japanese", lang: "ja", currency: "JPY",
		sessionsTitle: "セッション", thisSession: "このセッション", ended: "セッションをサインアウトしました。", signInTitle: "サインイン",
		appCode: "認証アプリに表示されたコード", recoveryHeader: "%s の Console リカバリーコード。各コードは 1 回だけ使えます。"},
}

// TestBrowserSignOutAnotherSession walks, in real Chromium and in each
// language: one user signed in from two browsers; the first lists both in
// User Settings › Sessions, this one marked, and signs the other out,
// whose next page is the sign-in page. Then the first turns on 2FA (the
// enrolment asks for the code from the app) and downloads its recovery
// codes as a text file made in the page.
func TestBrowserSignOutAnotherSession(t *testing.T) {
	browsertest.SkipShort(t)
	t.Parallel()
	for _, l := range sessionsLocales {
		// One language after the other: two browsers at a time are enough for this machine.
		t.Run(l.name, func(t *testing.T) {
			app := webtest.Start(t)
			o := app.CreateOwner(l.currency)
			signIn := func(b *browsertest.Browser) {
				t.Helper()
				require.Equal(t, http.StatusOK, b.Go("/signin"))
				b.Fill(`input[name="email"]`, o.Email)
				b.Fill(`input[name="password"]`, o.Password)
				require.Equal(t, http.StatusOK, b.Submit(browsertest.TestID("signin-submit")))
				require.Equal(t, "/", b.URLPath())
			}
			first := browsertest.New(t, app.URL, browsertest.Lang(l.lang))
			second := browsertest.New(t, app.URL, browsertest.Lang(l.lang))
			signIn(first)
			signIn(second)

			require.Equal(t, http.StatusOK, first.Go("/user/settings"))
			require.Equal(t, http.StatusOK, first.Submit(browsertest.TestID("manage-sessions")))
			require.Equal(t, "/user/settings/sessions", first.URLPath())
			require.Equal(t, l.sessionsTitle, first.Text("main h1"))
			rows := browsertest.TestID("sessions") + " tbody tr"
			require.Equal(t, 2, first.Count(rows))
			require.Equal(t, l.thisSession, first.Text(browsertest.TestID("this-session")))
			require.Contains(t, first.Text(rows), "Chrome", "the browser named from its User-Agent")
			require.Equal(t, 1, first.Count(browsertest.TestID("end-session")), "no sign-out button on this session")

			require.Equal(t, http.StatusOK, first.Submit(browsertest.TestID("end-session")))
			require.Equal(t, l.ended, first.Text(".flash"))
			require.Equal(t, 1, first.Count(rows))

			require.Equal(t, http.StatusOK, second.Go("/"))
			require.Equal(t, "/signin", second.URLPath(), "the other browser is signed out at its next request")
			require.Equal(t, l.signInTitle, second.Text("main h1"))

			// 2FA: the enrolment asks for the app's code; the codes download as a file.
			require.Equal(t, http.StatusOK, first.Go("/user/settings"))
			require.Equal(t, http.StatusOK, first.Submit(browsertest.TestID("twofactor-enable")))
			require.Contains(t, first.Text(`label:has(input[name="code"])`), l.appCode)
			otp := &authenticator{t: t, clock: app.Services.Clock, secret: strings.Join(strings.Fields(first.Text(browsertest.TestID("totp-secret"))), "")}
			first.Fill(`input[name="code"]`, otp.code())
			require.Equal(t, http.StatusOK, first.Submit(browsertest.TestID("twofactor-confirm")))
			codes := first.Texts(browsertest.TestID("recovery-codes") + " li")
			require.Len(t, codes, 10)
			// The page makes the file: catch it on its way to the download.
			browsertest.Eval[bool](first, `(() => {
				const make = URL.createObjectURL;
				URL.createObjectURL = (blob) => { blob.text().then((s) => { window.downloaded = s; }); return make.call(URL, blob); };
				HTMLAnchorElement.prototype.click = function () { window.downloadName = this.download; };
				return true;
			})()`)
			first.Click(browsertest.TestID("recovery-download"))
			webtest.Eventually(t, "the downloaded codes", func() bool { return browsertest.Eval[bool](first, `typeof window.downloaded === "string"`) })
			require.Equal(t, "console-recovery-codes.txt", browsertest.Eval[string](first, `window.downloadName`))
			want := strings.Replace(l.recoveryHeader, "%s", o.Email, 1) + "\n\n" + strings.Join(codes, "\n") + "\n"
			require.Equal(t, want, browsertest.Eval[string](first, `window.downloaded`))

			first.RequireNoConsoleErrors()
			second.RequireNoConsoleErrors()
		})
	}
}
