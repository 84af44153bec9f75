// Command console runs the web console and REST API, migrates the
// database, bootstraps operators' first users and seeds a demo project.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"console/internal/app"
	"console/internal/auth"
	"console/internal/config"
	"console/internal/database"
	"console/internal/onboard"
	"console/internal/server"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

const usage = `usage: console <command>

commands:
  serve                          run the web console, REST API and workers
  migrate up|status              apply or list database migrations
  admin create-owner --email E --password P --name N --project NAME
                     [--currency JPY|USD] [--time-zone Asia/Tokyo] [--json]
                                 create a user who owns a new project
  admin credit --account SID --amount N --note TEXT
                                 credit a project's balance (support credits, trial top-ups)
  admin check-ledger             exit non-zero naming any project whose balance differs from its ledger
  admin reset-2fa --email E      remove a user's 2FA (authenticator, recovery codes, trusted
                                 browsers) after checking who asks; audited, the user is mailed
  demo [--email E] [--password P] [--json]
                                 seed a demo project (JPY, Asia/Tokyo): an owner to sign in as
                                 (default demo@example.com / console-demo), two subaccounts,
                                 numbers, cards, payments and 90 days of messages and calls
  version                        print the version
`

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	if args[0] == "version" {
		fmt.Fprintln(stdout, "console", version)
		return 0
	}
	if args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprint(stdout, usage)
		return 0
	}
	cfg, err := config.Load(getenv, "var")
	if err != nil {
		fmt.Fprintln(stderr, "console: configuration:", err)
		return 2
	}
	log := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: cfg.LogLevel}))
	if cfg.SecretKeyGenerated {
		log.Warn("CONSOLE_SECRET_KEY is unset: generated a development key", "file", cfg.SecretKeyFile)
	}
	switch args[0] {
	case "serve":
		return serve(ctx, cfg, log, stdout)
	case "migrate":
		return migrate(ctx, cfg, args[1:], stdout, stderr)
	case "demo":
		return seedDemo(ctx, cfg, args[1:], stdout, stderr)
	case "admin":
		if len(args) > 1 {
			switch args[1] {
			case "create-owner":
				return createOwner(ctx, cfg, args[2:], stdout, stderr)
			case "credit":
				return credit(ctx, cfg, args[2:], stdout, stderr)
			case "check-ledger":
				return checkLedger(ctx, cfg, stdout, stderr)
			case "reset-2fa":
				return resetTwoFactor(ctx, cfg, args[2:], stdout, stderr)
			}
		}
	}
	fmt.Fprint(stderr, usage)
	return 2
}

func serve(ctx context.Context, cfg *config.Config, log *slog.Logger, stdout io.Writer) int {
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	log.Info("starting", "version", version, "config", cfg)
	pool, err := database.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		log.Error("database", "err", err)
		return 1
	}
	defer pool.Close()
	if err := database.Migrate(ctx, pool); err != nil {
		log.Error("migrate", "err", err)
		return 1
	}
	svc, err := app.New(cfg, pool, log)
	if err != nil {
		log.Error("services", "err", err)
		return 1
	}
	srv, err := server.New(svc)
	if err != nil {
		log.Error("server", "err", err)
		return 1
	}
	err = srv.Serve(ctx, func(addr string) {
		log.Info("listening", "addr", addr, "url", cfg.BaseURL)
		fmt.Fprintf(stdout, "Console ready at %s\n", cfg.BaseURL)
	})
	if err != nil {
		log.Error("serve", "err", err)
		return 1
	}
	log.Info("stopped")
	return 0
}

func migrate(ctx context.Context, cfg *config.Config, args []string, stdout, stderr io.Writer) int {
	if len(args) != 1 || (args[0] != "up" && args[0] != "status") {
		fmt.Fprint(stderr, usage)
		return 2
	}
	pool, err := database.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		fmt.Fprintln(stderr, "console:", err)
		return 1
	}
	defer pool.Close()
	if args[0] == "up" {
		err = database.Migrate(ctx, pool)
		if err == nil {
			err = database.Status(ctx, pool, stdout)
		}
	} else {
		err = database.Status(ctx, pool, stdout)
	}
	if err != nil {
		fmt.Fprintln(stderr, "console:", err)
		return 1
	}
	return 0
}

func createOwner(ctx context.Context, cfg *config.Config, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("create-owner", flag.ContinueOnError)
	fs.SetOutput(stderr)
	email := fs.String("email", "", "the owner's email")
	password := fs.String("password", "", "the owner's password (8-128 characters)")
	name := fs.String("name", "", "the owner's friendly name")
	project := fs.String("project", "", "the project's friendly name")
	currency := fs.String("currency", "USD", "JPY or USD")
	tz := fs.String("time-zone", "UTC", "the project's IANA time zone")
	asJSON := fs.Bool("json", false, "print the result as one JSON object")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	var problems []string
	if !auth.ValidEmail(*email) {
		problems = append(problems, "--email must be an email address")
	}
	if auth.CheckPasswordRules(*password) != nil {
		problems = append(problems, "--password must have 8 to 128 characters")
	}
	if *name == "" {
		problems = append(problems, "--name is required")
	}
	if *project == "" {
		problems = append(problems, "--project is required")
	}
	if len(problems) > 0 {
		for _, p := range problems {
			fmt.Fprintln(stderr, "console:", p)
		}
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
	res, err := onboard.CreateOwner(ctx, pool, svc.Users, svc.Accounts, onboard.Owner{
		Email: *email, Password: *password, Name: *name, ProjectName: *project,
		Currency: *currency, TimeZone: *tz, Via: "cli",
	})
	switch {
	case errors.Is(err, auth.ErrEmailTaken):
		fmt.Fprintln(stderr, "console: a user with this email already exists")
		return 1
	case errors.Is(err, onboard.ErrCurrency):
		fmt.Fprintln(stderr, "console: --currency must be JPY or USD")
		return 2
	case errors.Is(err, onboard.ErrTimeZone):
		fmt.Fprintln(stderr, "console: --time-zone must be an IANA time zone such as Asia/Tokyo")
		return 2
	case err != nil:
		fmt.Fprintln(stderr, "console:", err)
		return 1
	}
	out := map[string]string{
		"user_id": res.User.ID, "email": res.User.Email, "account_sid": res.Project.SID,
		"auth_token": res.AuthToken, "project": res.Project.FriendlyName, "currency": res.Project.Currency,
		"time_zone": res.Project.TimeZone,
	}
	if *asJSON {
		_ = json.NewEncoder(stdout).Encode(out)
		return 0
	}
	fmt.Fprintf(stdout, "user %s (%s) owns project %s (%s)\nauth token: %s\n", out["user_id"], out["email"], out["account_sid"], out["project"], out["auth_token"])
	return 0
}
