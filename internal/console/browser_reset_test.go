package console_test

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"console/internal/browsertest"
	"console/internal/mailtest"
	"console/internal/webtest"
)

// resetLocale is what a user of one language reads on the way back in
// and through an email change. The strings are copied from
// internal/i18n/catalog/{en,ja}.json on purpose.
type resetLocale struct {
	name, lang     string
	forgotLink     string // signin.forgot
	forgotTitle    string // reset.forgot_title
	sent           string // reset.sent, with the address
	resetSubject   string // mail.reset_subject
	resetTitle     string // reset.title
	done           string // reset.done
	signInTitle    string // signin.title
	changedSubject string // mail.password_changed_subject
	dashboardTitle string // dashboard.title
	emailSent      string // settings.email_sent, with the new address
	pending        string // settings.email_pending, with the new address
	current        string // settings.email_current, with an address
	confirmSubject string // mail.email_confirm_subject
	noticeSubject  string // mail.email_notice_subject
	confirmTitle   string // email_change.confirm_title
	confirmSummary string // email_change.confirm_summary, with both addresses
	confirmed      string // email_change.confirmed, with the new address
}

var resetLocales = []resetLocale{
	{
		name: "English", lang: "en-US,en;q=0.9",
		forgotLink:     "Forgot your password?",
		forgotTitle:    "Forgot your password?",
		sent:           "If %s belongs to an account, we sent it a link to reset the password. The link works for one hour.",
		resetSubject:   "Reset your password",
		resetTitle:     "Choose a new password",
		done:           "Your password was changed. Every other session was signed out.",
		signInTitle:    "Sign in",
		changedSubject: "Your password was changed",
		dashboardTitle: "Dashboard",
		emailSent:      "We sent a confirmation link to %s. Your address changes once you follow it.",
		pending:        "Waiting for confirmation: %s. Follow the link we mailed to it; until then your current address stays in use.",
		current:        "Current address: %s",
		confirmSubject: "Confirm your new email address",
		noticeSubject:  "A change of your email address was requested",
		confirmTitle:   "Confirm new email address",
		confirmSummary: "Change the email address of your account from %s to %s.",
		confirmed:      "Your email address is now %s.",
	},
	{
		name: "Japanese", lang: "ja",
		forgotLink:     "パスワードをお忘れですか？",
		forgotTitle:    "パスワードをお忘れですか？",
		sent:           "%s がアカウントのアドレスであれば、パスワード再設定のリンクを送りました。リンクの有効期限は1時間です。",
		resetSubject:   "パスワードの再設定",
		resetTitle:     "新しいパスワードの設定",
		done:           "パスワードを変更しました。他のセッションはすべてサインアウトされました。",
		signInTitle:    "サインイン",
		changedSubject: "パスワードが変更されました",
		dashboardTitle: "ダッシュボード",
		emailSent:      "%s に確認リンクを送りました。リンクを開くとアドレスが変更されます。",
		pending:        "確認待ち: %s。このアドレスに送ったリンクを開いてください。それまでは現在のアドレスが使われます。",
		current:        "現在のアドレス: %s",
		confirmSubject: "新しいメールアドレスを確認してください",
		noticeSubject:  "メールアドレスの変更が申請されました",
		confirmTitle:   "新しいメールアドレスの確認",
		confirmSummary: "アカウントのメールアドレスを %s から %s に変更します。",
		confirmed:      "メールアドレスを %s に変更しました。",
	},
}

var (
	mailedResetLink   = regexp.MustCompile(`http://\S+/password/reset\?token=[0-9a-f]+`)
	mailedConfirmLink = regexp.MustCompile(`http://\S+/email/confirm\?token=[0-9a-f]+`)
)

// mailedLink waits for the n-th mail to to, checks its subject and
// returns the link re finds in it.
func mailedLink(t *testing.T, smtp *mailtest.Server, to string, n int, subject string, re *regexp.Regexp) string {
	t.Helper()
	msgs := smtp.WaitFor(t, to, n, 15*time.Second)
	require.Equal(t, subject, msgs[n-1].Subject)
	link := re.FindString(msgs[n-1].Body)
	require.NotEmpty(t, link, msgs[n-1].Body)
	return link
}

// TestBrowserForgotPasswordThenEmailChange walks, in each language and in
// two browsers: the owner is signed in in one; in the other, "Forgot your
// password?" → the mail → a new password → signed in there, and the first
// browser's session is over → a mail says the password changed. Then, in
// User Settings, a new address: pending, the old one in force, until the
// link mailed to the new address is followed and confirmed (from the
// first browser, signed out).
func TestBrowserForgotPasswordThenEmailChange(t *testing.T) {
	browsertest.SkipShort(t)
	t.Parallel()
	for _, l := range resetLocales {
		t.Run(l.name, func(t *testing.T) {
			t.Parallel()
			smtp := mailtest.Start(t)
			app := webtest.Start(t, webtest.Workers(), webtest.Env("SMTP_URL", smtp.URL()))
			o := app.CreateOwner("JPY")
			newPassword := "a fresh password 2026"
			newEmail := "renamed-" + o.Email

			// Browser 1: signed in since before.
			old := browsertest.New(t, app.URL, browsertest.Lang(l.lang))
			signInAs(t, old, o.Email, o.Password)

			// Browser 2: forgot the password.
			b := browsertest.New(t, app.URL, browsertest.Lang(l.lang))
			require.Equal(t, http.StatusOK, b.Go("/signin"))
			require.Equal(t, l.forgotLink, b.Text(browsertest.TestID("forgot-link")))
			require.Equal(t, http.StatusOK, b.Submit(browsertest.TestID("forgot-link")))
			require.Equal(t, "/password/forgot", b.URLPath())
			require.Equal(t, l.forgotTitle, b.Text("main h1"))
			b.Fill(`input[name="email"]`, o.Email)
			require.Equal(t, http.StatusOK, b.Submit(browsertest.TestID("forgot-submit")))
			require.Equal(t, "/password/forgot", b.URLPath())
			require.Equal(t, fmt.Sprintf(l.sent, o.Email), b.Text(".flash"))
			screenshot(t, b, "forgot-sent")

			link := mailedLink(t, smtp, o.Email, 1, l.resetSubject, mailedResetLink)
			require.True(t, strings.HasPrefix(link, app.URL+"/password/reset?token="), link)
			require.Equal(t, http.StatusOK, b.Go(link))
			require.Equal(t, app.URL+"/password/reset", b.URL(), "the token leaves the URL")
			require.Equal(t, l.lang[:2], b.Attr("html", "lang"))
			require.Equal(t, l.resetTitle, b.Text("main h1"))
			b.Fill(`input[name="new_password"]`, newPassword)
			require.Equal(t, http.StatusOK, b.Submit(browsertest.TestID("reset-submit")))
			require.Equal(t, "/", b.URLPath())
			require.Equal(t, l.dashboardTitle, b.Text("main h1"))
			require.Equal(t, l.done, b.Text(".flash"))
			screenshot(t, b, "reset-done")

			// Browser 1's session is over.
			require.Equal(t, http.StatusOK, old.Go("/"))
			require.Equal(t, "/signin", old.URLPath())
			require.Equal(t, l.signInTitle, old.Text("main h1"))
			mailedSubject := smtp.WaitFor(t, o.Email, 2, 15*time.Second)[1].Subject
			require.Equal(t, l.changedSubject, mailedSubject)

			// Browser 2: a new address in User Settings, pending.
			require.Equal(t, http.StatusOK, b.Go("/user/settings"))
			b.Fill(`form[action="/user/settings/email"] input[name="email"]`, newEmail)
			b.Fill(`form[action="/user/settings/email"] input[name="current_password"]`, newPassword)
			require.Equal(t, http.StatusOK, b.Submit(browsertest.TestID("email-submit")))
			require.Equal(t, "/user/settings", b.URLPath())
			require.Equal(t, fmt.Sprintf(l.emailSent, newEmail), b.Text(".flash"))
			require.Equal(t, fmt.Sprintf(l.current, o.Email), b.Text(browsertest.TestID("email-current")))
			require.Equal(t, fmt.Sprintf(l.pending, newEmail), b.Text(browsertest.TestID("email-pending")+" p"))
			screenshot(t, b, "email-pending")
			notice := smtp.WaitFor(t, o.Email, 3, 15*time.Second)[2]
			require.Equal(t, l.noticeSubject, notice.Subject)
			require.Contains(t, notice.Body, newEmail)

			// Browser 1, signed out, follows the link mailed to the new address.
			confirm := mailedLink(t, smtp, newEmail, 1, l.confirmSubject, mailedConfirmLink)
			require.Equal(t, http.StatusOK, old.Go(confirm))
			require.Equal(t, app.URL+"/email/confirm", old.URL())
			require.Equal(t, l.confirmTitle, old.Text("main h1"))
			require.Equal(t, fmt.Sprintf(l.confirmSummary, o.Email, newEmail), old.Text(browsertest.TestID("email-change-summary")))
			require.Equal(t, http.StatusOK, old.Submit(browsertest.TestID("email-change-submit")))
			require.Equal(t, "/signin", old.URLPath())
			require.Equal(t, fmt.Sprintf(l.confirmed, newEmail), old.Text(".flash"))
			signInAs(t, old, newEmail, newPassword)

			// Browser 2: the new address is in force.
			require.Equal(t, http.StatusOK, b.Go("/user/settings"))
			require.Equal(t, fmt.Sprintf(l.current, newEmail), b.Text(browsertest.TestID("email-current")))
			require.Zero(t, b.Count(browsertest.TestID("email-pending")))
			var email string
			require.NoError(t, app.Pool.QueryRow(context.Background(), `SELECT email FROM users WHERE id = $1`, o.UserID).Scan(&email))
			require.Equal(t, newEmail, email)

			old.RequireNoConsoleErrors()
			b.RequireNoConsoleErrors()
		})
	}
}
