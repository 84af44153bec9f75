package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"text/tabwriter"
	"time"

	"console/internal/app"
	"console/internal/auth"
	"console/internal/config"
	"console/internal/database"
	"console/internal/demo"
)

// Defaults of `console demo`: a development database's demo sign-in.
const (
	demoEmail    = "demo@example.com"
	demoPassword = "console-demo"
)

// seedDemo runs `console demo`: a demo project with 90 days of history.
func seedDemo(ctx context.Context, cfg *config.Config, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	email := fs.String("email", demoEmail, "the demo owner's email, to sign in with")
	password := fs.String("password", demoPassword, "the demo owner's password (8-128 characters)")
	asJSON := fs.Bool("json", false, "print the summary as one JSON object")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if !auth.ValidEmail(*email) {
		fmt.Fprintln(stderr, "console: --email must be an email address")
		return 2
	}
	if auth.CheckPasswordRules(*password) != nil {
		fmt.Fprintln(stderr, "console: --password must have 8 to 128 characters")
		return 2
	}
	pool, err := database.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		fmt.Fprintln(stderr, "console:", err)
		return 1
	}
	defer pool.Close()
	if err := database.Migrate(ctx, pool); err != nil {
		fmt.Fprintln(stderr, "console:", err)
		return 1
	}
	svc, err := app.New(cfg, pool, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		fmt.Fprintln(stderr, "console:", err)
		return 1
	}
	start := time.Now()
	sum, err := demo.Seed(ctx, demo.Deps{Pool: pool, Users: svc.Users, Accounts: svc.Accounts, Billing: svc.Billing, Numbers: svc.Numbers,
		Messages: svc.Messages, Calls: svc.Calls, Triggers: svc.Triggers, SubaccountLimit: cfg.MaxSubaccounts}, demo.Options{Email: *email, Password: *password})
	switch {
	case errors.Is(err, demo.ErrEmailTaken):
		fmt.Fprintf(stderr, "console: a user with email %s exists already (the demo was seeded before?); pass another --email\n", *email)
		return 1
	case err != nil:
		fmt.Fprintln(stderr, "console: demo:", err)
		return 1
	}
	if *asJSON {
		_ = json.NewEncoder(stdout).Encode(struct {
			*demo.Summary
			Currency string `json:"currency"`
			Paid     string `json:"paid"`
			Balance  string `json:"balance"`
		}{sum, sum.Balance.Currency, sum.Paid.Amount.String(), sum.Balance.Amount.String()})
		return 0
	}
	loc, _ := time.LoadLocation(demo.TimeZone)
	fmt.Fprintf(stdout, "Demo project %s (%s, %s) seeded in %s.\n", sum.ProjectSID, demo.Currency, demo.TimeZone, time.Since(start).Round(100*time.Millisecond))
	fmt.Fprintf(stdout, "Sign in at %s/signin\n  email:    %s\n  password: %s\n\n", cfg.BaseURL, sum.Email, sum.Password)
	// The friendly names come last: tabwriter counts a Japanese character
	// as one column, though terminals draw it two wide.
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "account SID\tnumbers\tmessages\tcalls\t\tname")
	for _, a := range sum.Accounts {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t\t%s\n", a.SID, len(a.Numbers), a.Messages, a.Calls, a.FriendlyName)
	}
	_ = tw.Flush()
	fmt.Fprintf(stdout, "\nHistory %s – %s; %d payments (%s); balance %s\n", sum.First.In(loc).Format("2006-01-02"), sum.Last.In(loc).Format("2006-01-02"),
		sum.Payments, sum.Paid.Format(), sum.Balance.Format())
	return 0
}
