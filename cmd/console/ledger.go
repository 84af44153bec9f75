package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/jackc/pgx/v5"

	"console/internal/app"
	"console/internal/audit"
	"console/internal/billing"
	"console/internal/config"
	"console/internal/database"
	"console/internal/sid"
)

// credit writes an adjustment to a project's ledger and the audit log.
func credit(ctx context.Context, cfg *config.Config, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("credit", flag.ContinueOnError)
	fs.SetOutput(stderr)
	accountSID := fs.String("account", "", "the project's Account SID (or a subaccount's: its project is credited)")
	amountText := fs.String("amount", "", "the amount, in the project's currency, e.g. 1000 or 15.50")
	note := fs.String("note", "", "why, for the ledger and the audit log")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if strings.TrimSpace(*amountText) == "" {
		fmt.Fprintln(stderr, "console: --amount must be a positive number")
		return 2
	}
	if !sid.Valid(*accountSID, sid.Account) || *note == "" {
		fmt.Fprintln(stderr, "console: --account must be an Account SID and --note is required")
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
	var projectSID, currency string
	if err := pool.QueryRow(ctx, `SELECT project_sid, currency FROM accounts WHERE sid = $1`, *accountSID).Scan(&projectSID, &currency); err != nil {
		if errors.Is(err, pgx.ErrNoRows) {
			fmt.Fprintln(stderr, "console: no such account")
			return 1
		}
		fmt.Fprintln(stderr, "console:", err)
		return 1
	}
	// Read as the console's forms read money: "1,500" is 1500, "15,00" is
	// refused, and no more decimals than the project's currency has.
	amount, err := billing.ParseAmount(*amountText, currency)
	if err != nil {
		fmt.Fprintf(stderr, "console: --amount %q is not a positive amount of %s: %v\n", *amountText, currency, err)
		return 2
	}
	source := "admin:" + sid.Hex32()
	err = pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if err := svc.Billing.Credit(ctx, tx, projectSID, billing.KindAdjustment, source, amount, *note); err != nil {
			return err
		}
		return audit.Write(ctx, tx, audit.Entry{ProjectSID: projectSID, AccountSID: *accountSID, Actor: audit.ActorSystem,
			Action: "funds.credited", Target: source, Details: map[string]string{"amount": amount.String(), "note": *note}})
	})
	if err != nil {
		fmt.Fprintln(stderr, "console:", err)
		return 1
	}
	b, err := billing.Balance(ctx, pool, projectSID)
	if err != nil {
		fmt.Fprintln(stderr, "console:", err)
		return 1
	}
	fmt.Fprintf(stdout, "credited %s to %s; balance %s\n", billing.Money{Amount: amount, Currency: b.Currency}.Format(), projectSID, b.Format())
	return 0
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
