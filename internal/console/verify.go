package console

import (
	"errors"
	"net/http"
	"strings"

	"console/internal/audit"
	"console/internal/auth"
	"console/internal/onboard"
	"console/web"
)

// keySentTo is the address the last verification link was sent to, as
// typed: "check your mail" names it, for a new user and equally for a
// sign-up with a registered address, which has no user to read it from.
const keySentTo = "verify_sent_to"

// checkMailVisitor is who may see "check your mail": a signed-in user
// still to verify (u), or a browser whose sign-up answered the same
// without making anyone (u nil, sentTo set). ok is false for anyone else:
// a verified user goes on to the console, a stranger to sign in.
func (c *Console) checkMailVisitor(r *http.Request) (u *auth.User, sentTo string, ok bool) {
	ctx := r.Context()
	sentTo = c.sessions.GetString(ctx, keySentTo)
	if v := web.ViewerOf(ctx); v != nil {
		if v.User.Verified() {
			return nil, "", false
		}
		if sentTo == "" {
			sentTo = v.User.Email
		}
		return v.User, sentTo, true
	}
	return nil, sentTo, sentTo != ""
}

// signedInOrAnswered reports whether the browser is signed in, or was
// answered a sign-up with a registered address: such a browser is sent
// where a new user's would go (the console, so "check your mail"), so
// that no later step tells the two apart.
func (c *Console) signedInOrAnswered(r *http.Request) bool {
	return web.CurrentUser(r.Context()) != nil || c.sessions.GetString(r.Context(), keySentTo) != ""
}

// leaveCheckMail sends a visitor with no business on "check your mail" on.
func leaveCheckMail(w http.ResponseWriter, r *http.Request) error {
	if web.ViewerOf(r.Context()) != nil {
		return redirect(w, r, "/")
	}
	return redirect(w, r, "/signin")
}

func (c *Console) checkMailPage(w http.ResponseWriter, r *http.Request) error {
	_, sentTo, ok := c.checkMailVisitor(r)
	if !ok {
		return leaveCheckMail(w, r)
	}
	noStore(w)
	return render(w, r, http.StatusOK, web.CheckMail(web.CheckMailData{Email: sentTo}))
}

// resendVerification mails a new link. A browser whose sign-up made
// nobody is answered the same, with nothing sent.
func (c *Console) resendVerification(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u, sentTo, ok := c.checkMailVisitor(r)
	if !ok {
		return leaveCheckMail(w, r)
	}
	if u != nil {
		err := c.onboard.ResendVerification(ctx, audit.ActorFrom(ctx))
		switch {
		case errors.Is(err, auth.ErrThrottled):
			d := web.CheckMailData{Email: sentTo}
			d.Errors.Add("form", "verify.throttled")
			return render(w, r, http.StatusTooManyRequests, web.CheckMail(d))
		case err != nil:
			return err
		}
		sentTo = u.Email
		c.sessions.Put(ctx, keySentTo, sentTo)
	}
	c.flash(ctx, "ok", "verify.resent", sentTo)
	return redirect(w, r, "/verify")
}

// changeVerificationEmail corrects the address before it is proved and
// mails a link to the new one (onboard.Service.ChangeUnverifiedEmail: an
// address taken answers the same).
func (c *Console) changeVerificationEmail(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u, sentTo, ok := c.checkMailVisitor(r)
	if !ok {
		return leaveCheckMail(w, r)
	}
	d := web.CheckMailData{Email: sentTo, NewEmail: strings.TrimSpace(r.PostFormValue("email"))}
	var err error
	if u != nil {
		err = c.onboard.ChangeUnverifiedEmail(ctx, audit.ActorFrom(ctx), d.NewEmail)
	} else {
		var ps auth.Problems
		ps.Add(auth.FieldEmail, auth.EmailProblem(d.NewEmail))
		err = ps.Err()
	}
	switch {
	case userProblems(err, &d.Errors, userProblemKeys):
		return render(w, r, http.StatusUnprocessableEntity, web.CheckMail(d))
	case errors.Is(err, auth.ErrThrottled):
		d.Errors.Add("email", "verify.throttled")
		return render(w, r, http.StatusTooManyRequests, web.CheckMail(d))
	case err != nil:
		return err
	}
	c.sessions.Put(ctx, keySentTo, d.NewEmail)
	c.flash(ctx, "ok", "verify.resent", d.NewEmail)
	return redirect(w, r, "/verify")
}

var verifyLinkStates = map[error]struct {
	key    string
	status int
}{
	auth.ErrVerificationInvalid: {"verify.link_invalid", http.StatusNotFound},
	auth.ErrVerificationUsed:    {"verify.link_used", http.StatusGone},
	auth.ErrVerificationExpired: {"verify.link_expired", http.StatusGone},
}

// verificationLinkState renders why a verification link did nothing; ok
// is false for any other err.
func verificationLinkState(w http.ResponseWriter, r *http.Request, err error) (ok bool, _ error) {
	for target, st := range verifyLinkStates {
		if errors.Is(err, target) {
			d := web.VerifyLinkData{State: st.key}
			if v := web.ViewerOf(r.Context()); v != nil {
				d.CanResend, d.SignedIn = !v.User.Verified(), true
			}
			noStore(w)
			return true, render(w, r, st.status, web.VerifyLink(d))
		}
	}
	return false, nil
}

// verificationLinkPage is where a mailed link leads: a button that
// confirms, or why the link no longer works. Opening the link changes
// nothing, since mail scanners open links; the button's POST verifies.
func (c *Console) verificationLinkPage(w http.ResponseWriter, r *http.Request) error {
	token := r.URL.Query().Get("token")
	err := c.onboard.CheckVerificationLink(r.Context(), token)
	if ok, rerr := verificationLinkState(w, r, err); ok {
		return rerr
	}
	if err != nil {
		return err
	}
	noStore(w)
	return render(w, r, http.StatusOK, web.VerifyLink(web.VerifyLinkData{Token: token}))
}

// confirmVerification is the button of a mailed link. It may be pressed
// on another device than the one that signed up: the token alone proves
// the address.
func (c *Console) confirmVerification(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	res, err := c.onboard.Verify(ctx, audit.ActorFrom(ctx), r.PostFormValue("token"))
	if ok, rerr := verificationLinkState(w, r, err); ok {
		return rerr
	}
	if err != nil {
		return err
	}
	c.sessions.Remove(ctx, keySentTo)
	if v := web.ViewerOf(ctx); v == nil || v.User.ID != res.User.ID {
		c.flash(ctx, "ok", "verify.done_sign_in")
		return redirect(w, r, "/signin")
	}
	c.flash(ctx, "ok", verifiedMessage(res))
	return redirect(w, r, "/")
}

func verifiedMessage(res *onboard.Verified) string {
	if res.Credit.IsPositive() {
		return "verify.done_credit"
	}
	return "verify.done"
}
