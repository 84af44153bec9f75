package console_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"console/internal/auth"
	"console/internal/webtest"
)

// parallel sends n requests at once, each from its own browser, and
// returns the answers by status.
func parallel(t *testing.T, app *webtest.App, n int, send func(c *webtest.Client, i int) *webtest.Response) map[int]int {
	t.Helper()
	var wg sync.WaitGroup
	var mu sync.Mutex
	start := make(chan struct{})
	byStatus := map[int]int{}
	for i := 0; i < n; i++ {
		c := app.Client()
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			res := send(c, i)
			mu.Lock()
			byStatus[res.Status]++
			mu.Unlock()
		}()
	}
	close(start)
	wg.Wait()
	return byStatus
}

// 60 parallel wrong passwords for one account were all checked against a
// limit of 20: counting after checking let every parallel guess through.
// Now each attempt is counted before it is checked, under a lock on the
// key, so exactly the attempts left under the limit are checked.
func TestParallelWrongPasswordsAreCheckedUpToTheAccountLimit(t *testing.T) {
	t.Parallel()
	// The wait is long so that no attempt is turned away for capacity
	// while the race detector slows hashing down.
	app := webtest.Start(t, webtest.Env("CONSOLE_PASSWORD_HASH_WAIT", "1m"))
	o := app.CreateOwner("USD")
	const left = 5
	// Failures from another address: the account's budget, not the IP's.
	_, err := app.Pool.Exec(context.Background(), `INSERT INTO sign_in_failures (email_key, ip) SELECT lower($1), '198.51.100.7' FROM generate_series(1, $2)`,
		o.Email, auth.MaxFailuresPerAccount-left)
	require.NoError(t, err)
	gate := app.Services.Users.Hashing
	before := gate.Acquired()

	got := parallel(t, app, 30, func(c *webtest.Client, i int) *webtest.Response {
		return c.Post("/signin", url.Values{"email": {o.Email}, "password": {"wrong password " + strings.Repeat("x", i)}})
	})
	require.Equal(t, map[int]int{http.StatusUnprocessableEntity: left, http.StatusTooManyRequests: 30 - left}, got)
	require.Equal(t, left, gate.Acquired()-before, "exactly the attempts under the limit hashed a password")
	require.Equal(t, auth.MaxFailuresPerAccount, webtest.Count(t, app, `SELECT count(*) FROM sign_in_failures WHERE email_key = lower($1)`, o.Email))
	require.Equal(t, left, webtest.CountAudit(t, app, "user.sign_in_failed"))

	res := app.Client().Post("/signin", url.Values{"email": {o.Email}, "password": {o.Password}})
	require.Equal(t, http.StatusTooManyRequests, res.Status, "the right password is refused too, unchecked")
	require.Equal(t, left, gate.Acquired()-before)
}

// 120 parallel sign-ins with unknown emails from one IP were all checked
// against a per-IP limit of 100.
func TestParallelUnknownEmailsAreCheckedUpToTheIPLimit(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t, webtest.Env("CONSOLE_PASSWORD_HASH_WAIT", "1m"))
	const left = 5
	_, err := app.Pool.Exec(context.Background(), `INSERT INTO sign_in_failures (email_key, ip) SELECT 'spray' || g || '@example.com', '127.0.0.1' FROM generate_series(1, $1) g`,
		auth.MaxFailuresPerIP-left)
	require.NoError(t, err)
	gate := app.Services.Users.Hashing
	before := gate.Acquired()

	got := parallel(t, app, 30, func(c *webtest.Client, i int) *webtest.Response {
		return c.Post("/signin", url.Values{"email": {"nobody" + strings.Repeat("x", i) + "@example.com"}, "password": {"some password"}})
	})
	require.Equal(t, map[int]int{http.StatusUnprocessableEntity: left, http.StatusTooManyRequests: 30 - left}, got)
	require.Equal(t, left, gate.Acquired()-before, "at most the per-IP limit hashed")
	require.Equal(t, auth.MaxFailuresPerIP, webtest.Count(t, app, `SELECT count(*) FROM sign_in_failures WHERE ip = '127.0.0.1'`))
}

// Concurrent sign-ins never hash more passwords at once than the gate's
// slots, whatever the burst.
func TestPasswordHashingConcurrencyIsCapped(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t, webtest.Env("CONSOLE_PASSWORD_HASH_CONCURRENCY", "2"), webtest.Env("CONSOLE_PASSWORD_HASH_WAIT", "1m"))
	o := app.CreateOwner("USD")
	gate := app.Services.Users.Hashing
	require.Equal(t, 2, gate.Slots())
	before := gate.Acquired()
	got := parallel(t, app, 24, func(c *webtest.Client, i int) *webtest.Response {
		if i%2 == 0 {
			return c.Post("/signin", url.Values{"email": {o.Email}, "password": {o.Password}})
		}
		return c.Post("/signin", url.Values{"email": {"nobody" + strings.Repeat("x", i) + "@example.com"}, "password": {"some password"}})
	})
	require.Equal(t, map[int]int{http.StatusSeeOther: 12, http.StatusUnprocessableEntity: 12}, got, "the right password signs in however many sign in at once")
	require.Equal(t, 24, gate.Acquired()-before)
	require.LessOrEqual(t, gate.Peak(), 2, "never more than the slots at once")
	require.GreaterOrEqual(t, gate.Peak(), 1)
	require.Zero(t, gate.Refused())
}

// When every hashing slot stays taken for the whole wait, each form that
// hashes or checks a password answers 503 with Retry-After, counts
// nothing against the user, and works again once a slot is free.
func TestNoHashingCapacityAnswers503WithRetryAfter(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t, webtest.Env("CONSOLE_PASSWORD_HASH_CONCURRENCY", "1"), webtest.Env("CONSOLE_PASSWORD_HASH_WAIT", "50ms"))
	o := app.CreateOwner("USD")
	owner := app.Client()
	owner.SignIn(o.Email, o.Password)
	require.Equal(t, http.StatusSeeOther, owner.Post("/settings/users/invite", url.Values{"email": {"new@example.com"}, "role": {"developer"}}).Status)
	link := invitationLink.FindStringSubmatch(app.Mail(`to_addr = 'new@example.com'`).Body)[1]
	invitee := app.Client()
	invitee.Get(link)

	gate := app.Services.Users.Hashing
	release, err := gate.Acquire(context.Background())
	require.NoError(t, err)
	busy := func(res *webtest.Response, form string) {
		t.Helper()
		require.Equal(t, http.StatusServiceUnavailable, res.Status, form)
		require.Equal(t, "1", res.Header.Get("Retry-After"), form)
		require.Contains(t, res.Body, "The server is busy checking passwords.", form)
	}
	busy(app.Client().Post("/signin", url.Values{"email": {o.Email}, "password": {o.Password}}), "sign-in")
	busy(app.Client().Post("/signup", url.Values{"name": {"N"}, "email": {"n@example.net"}, "password": {"a long password"},
		"project_name": {"P"}, "currency": {"USD"}}), "sign-up")
	busy(invitee.Post("/invitation/signup", url.Values{"name": {"New"}, "password": {"a long password"}}), "invitation sign-up")
	busy(owner.Post("/user/settings/email", url.Values{"email": {"x@example.com"}, "current_password": {o.Password}}), "email change")
	busy(owner.Post("/user/settings/password", url.Values{"current_password": {o.Password}, "new_password": {"another long password"}}), "password change")
	busy(owner.Post("/console/auth-token/regenerate", url.Values{"password": {o.Password}}), "auth token")
	require.GreaterOrEqual(t, gate.Refused(), 6)
	require.Zero(t, webtest.Count(t, app, `SELECT count(*) FROM sign_in_failures`), "an attempt never checked is not counted")
	require.Zero(t, webtest.Count(t, app, `SELECT count(*) FROM sign_ups`))
	require.Zero(t, webtest.Count(t, app, `SELECT count(*) FROM users WHERE email IN ('n@example.net', 'new@example.com')`))

	release()
	app.Client().SignIn(o.Email, o.Password)
	require.Equal(t, http.StatusSeeOther, invitee.Post("/invitation/signup", url.Values{"name": {"New"}, "password": {"a long password"}}).Status)
}

// Re-checks inside a session (the password or TOTP code asked again
// before a sensitive action) had no throttle: 30 wrong, then the right
// one worked. They now share the user's sign-in budget: after 20 wrong,
// the right one is refused, on every form that re-asks, and at sign-in.
func TestRechecksAreThrottledOnEveryForm(t *testing.T) {
	t.Parallel()
	type form struct {
		name   string
		twoFA  bool
		path   func(app *webtest.App, o *webtest.Owner) string
		values func(o *webtest.Owner, secret string, right bool) url.Values
		field  string // where the error shows
	}
	pw := func(o *webtest.Owner, right bool) string {
		if right {
			return o.Password
		}
		return "not the password"
	}
	code := func(secret string, right bool) string {
		if right {
			return codeAt(t, secret, 30e9)
		}
		return "000000"
	}
	subPath := func(app *webtest.App, o *webtest.Owner) string {
		return "/settings/subaccounts/" + createSub(t, app, o.AccountSID, "Shop") + "/close"
	}
	for _, f := range []form{
		{name: "auth token, password", path: func(*webtest.App, *webtest.Owner) string { return "/console/auth-token/regenerate" },
			values: func(o *webtest.Owner, _ string, right bool) url.Values { return url.Values{"password": {pw(o, right)}} }, field: "password"},
		{name: "auth token, TOTP code", twoFA: true, path: func(*webtest.App, *webtest.Owner) string { return "/console/auth-token/regenerate" },
			values: func(o *webtest.Owner, s string, right bool) url.Values { return url.Values{"code": {code(s, right)}} }, field: "code"},
		{name: "email change", path: func(*webtest.App, *webtest.Owner) string { return "/user/settings/email" },
			values: func(o *webtest.Owner, _ string, right bool) url.Values {
				return url.Values{"email": {"changed-" + o.Email}, "current_password": {pw(o, right)}}
			}, field: "current_password"},
		{name: "password change", path: func(*webtest.App, *webtest.Owner) string { return "/user/settings/password" },
			values: func(o *webtest.Owner, _ string, right bool) url.Values {
				return url.Values{"current_password": {pw(o, right)}, "new_password": {"a brand new password"}}
			}, field: "current_password"},
		{name: "2FA off", twoFA: true, path: func(*webtest.App, *webtest.Owner) string { return "/user/settings/2fa/disable" },
			values: func(o *webtest.Owner, s string, right bool) url.Values {
				return url.Values{"current_password": {o.Password}, "code": {code(s, right)}}
			}, field: "current_password"},
		{name: "subaccount close, password", path: subPath,
			values: func(o *webtest.Owner, _ string, right bool) url.Values {
				return url.Values{"confirm_name": {"Shop"}, "password": {pw(o, right)}}
			}, field: "password"},
		{name: "subaccount close, TOTP code", twoFA: true, path: subPath,
			values: func(o *webtest.Owner, s string, right bool) url.Values {
				return url.Values{"confirm_name": {"Shop"}, "code": {code(s, right)}}
			}, field: "code"},
	} {
		t.Run(f.name, func(t *testing.T) {
			t.Parallel()
			// An app each: the forms' failures would add up on one IP.
			app := webtest.Start(t, webtest.Env("CONSOLE_PASSWORD_HASH_WAIT", "1m"))
			o := app.CreateOwner("USD")
			c := app.Client()
			c.SignIn(o.Email, o.Password)
			var secret string
			if f.twoFA {
				secret, _ = enableTOTP(t, c)
			}
			path := f.path(app, o)
			fingerprint := app.Fingerprint()
			for i := 0; i < auth.MaxFailuresPerAccount; i++ {
				res := c.Post(path, f.values(o, secret, false))
				require.Equal(t, http.StatusUnprocessableEntity, res.Status, "wrong attempt %d", i+1)
			}
			res := c.Post(path, f.values(o, secret, true))
			require.Equal(t, http.StatusTooManyRequests, res.Status, "the right one after %d wrong", auth.MaxFailuresPerAccount)
			require.Contains(t, res.Body, `id="`+f.field+`-error">Too many failed attempts.`, "the error shows at the field")
			require.Equal(t, fingerprint, app.Fingerprint(), "nothing changed")
			require.Equal(t, http.StatusTooManyRequests, app.Client().Post("/signin", url.Values{"email": {o.Email}, "password": {o.Password}}).Status,
				"one budget with sign-in")
			require.Equal(t, auth.MaxFailuresPerAccount, webtest.Count(t, app, `SELECT count(*) FROM audit_log WHERE action = 'user.reauth_failed' AND actor_user_id = $1`, o.UserID))
		})
	}
}

// 10 sign-ups from one IP in 0.7 s each got a project and a trial credit.
// Sign-ups are now counted per IP and per email domain before anything
// is made, under a lock on each key, so parallel ones cannot all pass.
func TestSignUpsAreThrottledPerIPAndDomain(t *testing.T) {
	t.Parallel()
	signUp := func(c *webtest.Client, email string) *webtest.Response {
		return c.Post("/signup", url.Values{"name": {"N"}, "email": {email}, "password": {"a long password"}, "project_name": {"P"}, "currency": {"USD"}})
	}
	t.Run("per IP", func(t *testing.T) {
		app := webtest.Start(t, webtest.Env("CONSOLE_PASSWORD_HASH_WAIT", "1m"))
		got := parallel(t, app, 10, func(c *webtest.Client, i int) *webtest.Response {
			return signUp(c, "user@domain"+strings.Repeat("x", i)+".example")
		})
		require.Equal(t, map[int]int{http.StatusSeeOther: 5, http.StatusTooManyRequests: 5}, got, "CONSOLE_SIGNUP_PER_IP_HOUR defaults to 5")
		require.Equal(t, 5, webtest.Count(t, app, `SELECT count(*) FROM users`))
		require.Equal(t, 5, webtest.Count(t, app, `SELECT count(*) FROM accounts`), "five projects, not ten")
		res := signUp(app.Client(), "late@another.example")
		require.Equal(t, http.StatusTooManyRequests, res.Status)
		require.Contains(t, res.Body, "Too many sign-ups from your network or email domain.")
		require.Contains(t, res.Body, `value="late@another.example"`, "the form keeps what was typed")
		// An hour later they no longer count.
		_, err := app.Pool.Exec(context.Background(), `UPDATE sign_ups SET at = at - interval '61 minutes'`)
		require.NoError(t, err)
		require.Equal(t, http.StatusSeeOther, signUp(app.Client(), "late@another.example").Status)
	})
	t.Run("per domain", func(t *testing.T) {
		app := webtest.Start(t, webtest.Env("CONSOLE_PASSWORD_HASH_WAIT", "1m"),
			webtest.Env("CONSOLE_SIGNUP_PER_IP_HOUR", "0"), webtest.Env("CONSOLE_SIGNUP_PER_DOMAIN_HOUR", "3"))
		got := parallel(t, app, 8, func(c *webtest.Client, i int) *webtest.Response {
			return signUp(c, "user"+strings.Repeat("x", i)+"@Catch-All.example")
		})
		require.Equal(t, map[int]int{http.StatusSeeOther: 3, http.StatusTooManyRequests: 5}, got)
		require.Equal(t, http.StatusTooManyRequests, signUp(app.Client(), "more@CATCH-ALL.example").Status, "the domain compared without case")
		require.Equal(t, http.StatusSeeOther, signUp(app.Client(), "someone@other.example").Status, "another domain signs up")
	})
	t.Run("a sign-up with a registered email counts as any other", func(t *testing.T) {
		// It answers as a sign-up made does: were it not counted, the
		// limit would tell which addresses are registered.
		app := webtest.Start(t, webtest.Env("CONSOLE_SIGNUP_PER_IP_HOUR", "1"))
		o := app.CreateOwner("USD")
		require.Equal(t, http.StatusSeeOther, signUp(app.Client(), o.Email).Status)
		require.Equal(t, http.StatusTooManyRequests, signUp(app.Client(), "fresh@example.com").Status)
	})
}
