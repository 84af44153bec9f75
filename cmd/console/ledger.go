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
	"console/internal/billing"
	"console/internal/config"
	"console/internal/database"
)

// credit has the billing service credit a project's ledger, audited as
// the operator's (the system's) doing.
func credit(ctx context.Context, cfg *config.Config, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("credit", flag.ContinueOnError)
	fs.SetOutput(stderr)
	in := billing.CreditInput{}
	fs.StringVar(&in.AccountSID, "account", "", "the project's Account SID (or a subaccount's: its project is credited)")
	fs.StringVar(&in.Amount, "amount", "", "the amount, in the project's currency, e.g. 1000 or 15.50")
	fs.StringVar(&in.Note, "note", "", "why, for the ledger and the audit log")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	// Refused before the database is opened: the account's currency is
	// needed only to read the amount.
	var fes billing.FieldErrors
	if errors.As(in.Validate(""), &fes) {
		return creditRefused(stderr, in, fes)
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
	done, err := svc.Billing.CreditByOperator(ctx, audit.System(ctx), in)
	if errors.Is(err, billing.ErrNotFound) {
		fmt.Fprintln(stderr, "console: no such account")
		return 1
	}
	if errors.As(err, &fes) {
		return creditRefused(stderr, in, fes)
	}
	if err != nil {
		fmt.Fprintln(stderr, "console:", err)
		return 1
	}
	fmt.Fprintf(stdout, "credited %s to %s; balance %s\n", done.Amount.Format(), done.ProjectSID, done.Balance.Format())
	return 0
}

// amountReasons explain why an amount was refused, by billing reason.
var amountReasons = map[string]string{
	billing.ReasonGrouping:    "use commas only between groups of three digits (1,500) and a period for decimals",
	billing.ReasonPrecision:   "more decimals than the project's currency has",
	billing.ReasonNotPositive: "it must be above zero",
	billing.ReasonOutOfRange:  "it is too large",
	billing.ReasonInvalid:     "digits only, with an optional period for decimals",
}

// creditRefused names each problem of a credit's flags; exit status 2.
func creditRefused(stderr io.Writer, in billing.CreditInput, fes billing.FieldErrors) int {
	for _, fe := range fes {
		switch fe.Field {
		case billing.FieldAccount:
			fmt.Fprintln(stderr, "console: --account must be an Account SID")
		case billing.FieldNote:
			fmt.Fprintln(stderr, "console: --note is required")
		case billing.FieldAmount:
			if fe.Reason == billing.ReasonRequired {
				fmt.Fprintln(stderr, "console: --amount must be a positive number")
			} else {
				fmt.Fprintf(stderr, "console: --amount %q is not a positive amount of the project's currency: %s\n", in.Amount, amountReasons[fe.Reason])
			}
		default:
			fmt.Fprintf(stderr, "console: --%s: %s\n", fe.Field, fe.Reason)
		}
	}
	return 2
}

// checkLedger exits 1 naming every project whose cached balance differs
// from the sum of its ledger entries.
func checkLedger(ctx context.Context, cfg *config.Config, stdout, stderr io.Writer) int {
	pool, err := database.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		fmt.Fprintln(stderr, "console:", err)
		return 1
	}
	defer pool.Close()
	bad, err := billing.CheckLedger(ctx, pool)
	if err != nil {
		fmt.Fprintln(stderr, "console:", err)
		return 1
	}
	for _, m := range bad {
		fmt.Fprintf(stderr, "console: project %s: balance %s, ledger sum %s\n", m.ProjectSID, m.Balance, m.LedgerSum)
	}
	if len(bad) > 0 {
		return 1
	}
	fmt.Fprintln(stdout, "ledger ok: every balance equals the sum of its entries")
	return 0
}
