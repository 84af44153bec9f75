package auth_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"console/internal/audit"
	"console/internal/auth"
	"console/internal/webtest"
)

// entry is one audit entry as a test reads it.
type entry struct {
	Actor, ActorUserID, Target, IP string
	Details                        map[string]string
}

// entries lists the entries of action, oldest first.
func entries(t *testing.T, app *webtest.App, action string) []entry {
	t.Helper()
	rows, err := app.Pool.Query(context.Background(),
		`SELECT actor, coalesce(actor_user_id, ''), target, ip, details FROM audit_log WHERE action = $1 ORDER BY id`, action)
	require.NoError(t, err)
	defer rows.Close()
	var out []entry
	for rows.Next() {
		var e entry
		require.NoError(t, rows.Scan(&e.Actor, &e.ActorUserID, &e.Target, &e.IP, &e.Details))
		if len(e.Details) == 0 {
			e.Details = nil
		}
		out = append(out, e)
	}
	require.NoError(t, rows.Err())
	return out
}

const ip = "192.0.2.7"

func visitor() audit.Actor { return audit.Actor{Kind: audit.ActorAnonymous, IP: ip} }

func signedIn(userID string) audit.Actor {
	return audit.Actor{Kind: audit.ActorUser, UserID: userID, IP: ip}
}

// A wrong password and an unknown email are the same refusal, each
// recorded; a sign-in completed is recorded as the user's.
func TestServiceSignIn(t *testing.T) {
	app := webtest.Start(t)
	svc := app.Services.Auth
	ctx := context.Background()
	o := app.CreateOwner("USD")

	for _, tc := range []struct {
		name, email, password string
		ok                    bool
		target                string
	}{
		{"wrong password", o.Email, "not the password", false, o.Email},
		{"unknown email", "Nobody@Example.com", o.Password, false, "nobody@example.com"},
		{"right", o.Email, o.Password, true, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := len(entries(t, app, audit.UserSignInFailed))
			u, err := svc.SignIn(ctx, visitor(), tc.email, tc.password)
			if tc.ok {
				require.NoError(t, err)
				require.Equal(t, o.UserID, u.ID)
				require.Len(t, entries(t, app, audit.UserSignInFailed), before)
				return
			}
			require.ErrorIs(t, err, auth.ErrNotFound)
			got := entries(t, app, audit.UserSignInFailed)
			require.Len(t, got, before+1)
			require.Equal(t, entry{Actor: audit.ActorAnonymous, Target: tc.target, IP: ip, Details: map[string]string{"step": "password"}},
				got[len(got)-1], "the entry names the email typed, lower-cased")
		})
	}

	u, err := svc.User(ctx, o.UserID)
	require.NoError(t, err)
	require.NoError(t, svc.CompleteSignIn(ctx, visitor(), u, "password"))
	require.Equal(t, []entry{{Actor: audit.ActorUser, ActorUserID: o.UserID, Target: o.UserID, IP: ip, Details: map[string]string{"method": "password"}}},
		entries(t, app, audit.UserSignedIn))
	u, err = svc.User(ctx, o.UserID)
	require.NoError(t, err)
	require.NotNil(t, u.LastSignIn)

	require.NoError(t, svc.SignOut(ctx, signedIn(o.UserID)))
	require.Len(t, entries(t, app, audit.UserSignedOut), 1)

	registered, err := svc.Registered(ctx, "  "+o.Email)
	require.NoError(t, err)
	require.True(t, registered)
	registered, err = svc.Registered(ctx, "nobody@example.com")
	require.NoError(t, err)
	require.False(t, registered)
}

// A wrong factor at a re-check is recorded with the factor and the page.
func TestServiceRecheck(t *testing.T) {
	app := webtest.Start(t)
	svc := app.Services.Auth
	ctx := context.Background()
	o := app.CreateOwner("USD")
	u, err := svc.User(ctx, o.UserID)
	require.NoError(t, err)

	require.NoError(t, svc.Recheck(ctx, signedIn(u.ID), u, auth.AskPassword, auth.Proof{Password: o.Password}, "/user/settings/email"))
	require.Empty(t, entries(t, app, audit.UserReauthFailed))
	err = svc.Recheck(ctx, signedIn(u.ID), u, auth.AskPassword, auth.Proof{Password: "wrong"}, "/user/settings/email")
	require.ErrorIs(t, err, auth.ErrWrongPassword)
	err = svc.Recheck(ctx, signedIn(u.ID), u, auth.AskCode, auth.Proof{Code: "000000"}, "/user/settings/2fa/disable")
	require.ErrorIs(t, err, auth.ErrBadCode)
	require.Equal(t, []entry{
		{Actor: audit.ActorUser, ActorUserID: u.ID, Target: u.ID, IP: ip, Details: map[string]string{"factor": "password", "path": "/user/settings/email"}},
		{Actor: audit.ActorUser, ActorUserID: u.ID, Target: u.ID, IP: ip, Details: map[string]string{"factor": "code", "path": "/user/settings/2fa/disable"}},
	}, entries(t, app, audit.UserReauthFailed))
}

// A user's own settings: a bad input changes nothing and writes nothing;
// a good one changes the user and writes one entry.
func TestServiceUserSettings(t *testing.T) {
	app := webtest.Start(t)
	svc := app.Services.Auth
	ctx := context.Background()
	o := app.CreateOwner("USD")
	other := app.CreateOwner("USD")
	user := func() *auth.User {
		u, err := svc.User(ctx, o.UserID)
		require.NoError(t, err)
		return u
	}
	by := signedIn(o.UserID)

	for _, tc := range []struct {
		name    string
		change  func(u *auth.User) error
		problem *auth.Problem
		err     error
		action  string
		details map[string]string
		check   func(t *testing.T, u *auth.User)
	}{
		{name: "empty name", change: func(u *auth.User) error { return svc.Rename(ctx, by, u, auth.ProfileInput{}) },
			problem: &auth.Problem{Field: auth.FieldFriendlyName, Reason: auth.ReasonRequired}, action: audit.UserFriendlyNameChanged},
		{name: "rename", change: func(u *auth.User) error { return svc.Rename(ctx, by, u, auth.ProfileInput{FriendlyName: "Ada"}) },
			action: audit.UserFriendlyNameChanged, check: func(t *testing.T, u *auth.User) { require.Equal(t, "Ada", u.FriendlyName) }},
		{name: "two addresses", change: func(u *auth.User) error {
			_, err := svc.RequestEmailChange(ctx, by, u, auth.EmailInput{Email: "a@example.com,b@example.com"}, "en")
			return err
		}, problem: &auth.Problem{Field: auth.FieldEmail, Reason: auth.ReasonOneAddress}, action: audit.UserEmailChangeRequested},
		{name: "the same email", change: func(u *auth.User) error {
			_, err := svc.RequestEmailChange(ctx, by, u, auth.EmailInput{Email: strings.ToUpper(u.Email)}, "en")
			return err
		}, err: auth.ErrSameEmail, action: audit.UserEmailChangeRequested},
		{name: "new email, pending until confirmed", change: func(u *auth.User) error {
			_, err := svc.RequestEmailChange(ctx, by, u, auth.EmailInput{Email: "ada@example.com"}, "en")
			return err
		}, action: audit.UserEmailChangeRequested, details: map[string]string{"from": o.Email, "to": "ada@example.com"},
			check: func(t *testing.T, u *auth.User) {
				require.Equal(t, o.Email, u.Email, "the old address stays until the new one confirms")
				p, err := svc.PendingEmailChange(ctx, u.ID)
				require.NoError(t, err)
				require.Equal(t, "ada@example.com", p.NewEmail)
			}},
		{name: "another user's email is not refused before confirmation", change: func(u *auth.User) error {
			_, err := svc.RequestEmailChange(ctx, by, u, auth.EmailInput{Email: other.Email}, "en")
			return err
		}, action: audit.UserEmailChangeRequested, details: map[string]string{"from": o.Email, "to": other.Email},
			check: func(t *testing.T, u *auth.User) { require.Equal(t, o.Email, u.Email) }},
		{name: "short password", change: func(u *auth.User) error {
			_, err := svc.ChangePassword(ctx, by, u, auth.PasswordInput{New: "short"})
			return err
		}, problem: &auth.Problem{Field: auth.FieldNewPassword, Reason: auth.ReasonRules}, action: audit.UserPasswordChanged},
		{name: "new password", change: func(u *auth.User) error {
			epoch, err := svc.ChangePassword(ctx, by, u, auth.PasswordInput{New: "a much longer password"})
			require.Equal(t, u.SessionEpoch+1, epoch)
			return err
		}, action: audit.UserPasswordChanged, check: func(t *testing.T, u *auth.User) {
			_, err := svc.SignIn(ctx, visitor(), u.Email, "a much longer password")
			require.NoError(t, err)
		}},
		{name: "unknown language", change: func(u *auth.User) error { return svc.SetLocale(ctx, by, u.ID, "xx") },
			problem: &auth.Problem{Field: auth.FieldLocale, Reason: auth.ReasonInvalid}, action: audit.UserLanguageChanged},
		{name: "language", change: func(u *auth.User) error { return svc.SetLocale(ctx, by, u.ID, "ja") },
			action: audit.UserLanguageChanged, details: map[string]string{"locale": "ja"},
			check: func(t *testing.T, u *auth.User) { require.Equal(t, "ja", u.Locale) }},
		{name: "the browser's language", change: func(u *auth.User) error { return svc.SetLocale(ctx, by, u.ID, "") },
			action: audit.UserLanguageChanged, details: map[string]string{"locale": ""},
			check: func(t *testing.T, u *auth.User) { require.Empty(t, u.Locale) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := entries(t, app, tc.action)
			u := user()
			err := tc.change(u)
			switch {
			case tc.problem != nil:
				var ps auth.Problems
				require.ErrorAs(t, err, &ps)
				require.Equal(t, auth.Problems{*tc.problem}, ps)
			case tc.err != nil:
				require.ErrorIs(t, err, tc.err)
			default:
				require.NoError(t, err)
			}
			after := entries(t, app, tc.action)
			if tc.problem != nil || tc.err != nil {
				require.Equal(t, before, after, "a refused change writes nothing")
				require.Equal(t, u, user(), "a refused change changes nothing")
				return
			}
			require.Len(t, after, len(before)+1)
			require.Equal(t, entry{Actor: audit.ActorUser, ActorUserID: o.UserID, Target: o.UserID, IP: ip, Details: tc.details}, after[len(after)-1])
			tc.check(t, user())
		})
	}
}

// Each user input has one Validate, which names every field's problem.
func TestUserInputsValidate(t *testing.T) {
	name65 := ""
	for range auth.MaxNameLen + 1 {
		name65 += "é"
	}
	name64 := name65[len("é"):]
	for _, tc := range []struct {
		name string
		in   interface{ Validate() error }
		want auth.Problems
	}{
		{"name ok", auth.ProfileInput{FriendlyName: name64}, nil},
		{"name empty", auth.ProfileInput{}, auth.Problems{{auth.FieldFriendlyName, auth.ReasonRequired}}},
		{"name too long", auth.ProfileInput{FriendlyName: name65}, auth.Problems{{auth.FieldFriendlyName, auth.ReasonTooLong}}},
		{"email ok", auth.EmailInput{Email: "ada@example.com"}, nil},
		{"email empty", auth.EmailInput{}, auth.Problems{{auth.FieldEmail, auth.ReasonInvalid}}},
		{"email with a name", auth.EmailInput{Email: "Ada <ada@example.com>"}, auth.Problems{{auth.FieldEmail, auth.ReasonInvalid}}},
		{"email list", auth.EmailInput{Email: "ada@example.com;bob@example.com"}, auth.Problems{{auth.FieldEmail, auth.ReasonOneAddress}}},
		{"password ok", auth.PasswordInput{New: "12345678"}, nil},
		{"password short", auth.PasswordInput{New: "1234567"}, auth.Problems{{auth.FieldNewPassword, auth.ReasonRules}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.in.Validate()
			if tc.want == nil {
				require.NoError(t, err)
				return
			}
			var ps auth.Problems
			require.ErrorAs(t, err, &ps)
			require.Equal(t, tc.want, ps)
		})
	}
}
