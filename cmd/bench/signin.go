package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// The user the dashboard is measured as.
const (
	benchEmail    = "bench@example.com"
	benchPassword = "bench-password-1"
)

// sessionCookie is the console's session cookie outside production.
const sessionCookie = "console_session"

// session is a signed-in user, as a browser would hold it.
type session struct {
	baseURL    string
	accountSID string
	cookie     string // the Cookie header's value
}

// owner is what `console admin create-owner --json` prints.
type owner struct {
	UserID     string `json:"user_id"`
	AccountSID string `json:"account_sid"`
	AuthToken  string `json:"auth_token"`
}

// signIn creates the owner with the server's own CLI, signs in through the
// sign-in form as a browser would, and checks that the cookie opens the
// dashboard of the owner's project.
func signIn(ctx context.Context, s *consoleServer) (*session, error) {
	o, err := createOwner(ctx, s)
	if err != nil {
		return nil, err
	}
	return signInAs(ctx, s, benchEmail, o)
}

// signInAs signs in as the owner o created with email, and checks that
// the cookie opens the dashboard of o's project.
func signInAs(ctx context.Context, s *consoleServer, email string, o *owner) (*session, error) {
	tr := &http.Transport{Proxy: nil}
	defer tr.CloseIdleConnections()
	client := &http.Client{
		Transport:     tr,
		Timeout:       30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}

	form := url.Values{"email": {email}, "password": {benchPassword}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.baseURL+"/signin", strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("sign-in: %w", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		return nil, fmt.Errorf("sign-in: got %s to %q, want 303 See Other to \"/\"", resp.Status, resp.Header.Get("Location"))
	}
	sess := &session{baseURL: s.baseURL, accountSID: o.AccountSID}
	for _, c := range resp.Cookies() {
		if c.Name == sessionCookie && c.Value != "" {
			sess.cookie = (&http.Cookie{Name: c.Name, Value: c.Value}).String()
		}
	}
	if sess.cookie == "" {
		return nil, fmt.Errorf("sign-in: no %s cookie in the answer", sessionCookie)
	}

	// A dashboard that answered with the sign-in page would measure the
	// wrong thing very fast; the account SID is on the real one only.
	req, err = http.NewRequestWithContext(ctx, http.MethodGet, s.baseURL+"/", nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Cookie", sess.cookie)
	resp, err = client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("dashboard: %w", err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, fmt.Errorf("dashboard: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("dashboard: got %s (Location %q), want 200 OK", resp.Status, resp.Header.Get("Location"))
	}
	if !bytes.Contains(body, []byte(o.AccountSID)) {
		return nil, fmt.Errorf("dashboard: 200 OK but the page does not show account %s", o.AccountSID)
	}
	return sess, nil
}

func createOwner(ctx context.Context, s *consoleServer) (*owner, error) {
	return createOwnerAs(ctx, s, benchEmail, "Bench", "Bench", "JPY", "Asia/Tokyo")
}

// createOwnerAs creates a user who owns a new project, with the password
// the bench signs in with.
func createOwnerAs(ctx context.Context, s *consoleServer, email, name, project, currency, timeZone string) (*owner, error) {
	cmd := s.command(ctx, "admin", "create-owner",
		"--email", email, "--password", benchPassword, "--name", name, "--project", project,
		"--currency", currency, "--time-zone", timeZone, "--json")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("console admin create-owner: %w\n%s", err, stderr.Bytes())
	}
	var o owner
	if err := json.Unmarshal(stdout.Bytes(), &o); err != nil {
		return nil, fmt.Errorf("console admin create-owner: reading its output %q: %w", stdout.Bytes(), err)
	}
	if o.AccountSID == "" {
		return nil, fmt.Errorf("console admin create-owner: no account_sid in %q", stdout.Bytes())
	}
	return &o, nil
}
