package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"

	"console/internal/app"
	"console/internal/audit"
	"console/internal/auth"
	"console/internal/config"
	"console/internal/database"
)

// resetTwoFactor removes a user's 2FA for the operator who has checked
// who is asking (docs/security.md): the audit entry is the system's, the
// user is mailed.
func resetTwoFactor(ctx context.Context, cfg *config.Config, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("reset-2fa", flag.ContinueOnError)
	fs.SetOutput(stderr)
	email := fs.String("email", "", "the user's email")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if !auth.ValidEmail(*email) {
		fmt.Fprintln(stderr, "console: --email must be an email address")
		return 2
	}
	pool, err := database.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		fmt.Fprintln(stderr, "console:", err)
		return 1
	}
	defer pool.Close()
	svc, err := app.New(cfg, pool, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		fmt.Fprintln(stderr, "console:", err)
		return 1
	}
	u, err := svc.Auth.ResetTwoFactor(ctx, audit.System(ctx), *email)
	if errors.Is(err, auth.ErrNotFound) {
		fmt.Fprintln(stderr, "console: no user with this email")
		return 1
	}
	if err != nil {
		fmt.Fprintln(stderr, "console:", err)
		return 1
	}
	fmt.Fprintf(stdout, "removed two-factor authentication of user %s (%s); they were mailed\n", u.ID, u.Email)
	return 0
}
