// Package app is the composition root: it builds the domain services and
// the background workers once, from the configuration and an open pool.
// The HTTP server, the CLI (`console admin …`, `console demo`) and the
// bench all start from an App, so every caller gets the same services
// wired the same way.
package app

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

	"console/internal/account"
	"console/internal/auth"
	"console/internal/billing"
	"console/internal/clock"
	"console/internal/config"
	"console/internal/idempotency"
	"console/internal/mail"
	"console/internal/maintenance"
	"console/internal/messaging"
	"console/internal/monitor"
	"console/internal/nav"
	"console/internal/numbers"
	"console/internal/onboard"
	"console/internal/seal"
	"console/internal/team"
	"console/internal/trigger"
	"console/internal/usage"
	"console/internal/voice"
	"console/internal/webhook"
)

// App holds the services of one process.
type App struct {
	Config *config.Config
	Pool   *pgxpool.Pool
	Log    *slog.Logger

	Users    *auth.Store
	Accounts *account.Store
	// AccountService runs the accounts' use cases for the console and the API.
	AccountService *account.Service
	Billing        *billing.Service
	// Numbers buys and releases phone numbers.
	Numbers *numbers.Service
	// Messages sends messages; Calls places calls.
	Messages *messaging.Sender
	Calls    *voice.Service
	// Triggers are the usage triggers: evaluated after every charge that
	// records usage, delivered by the workers.
	Triggers *trigger.Service
	Prices   *usage.PriceList
	// Usage reads what was used, for the usage pages and Usage Records.
	Usage *usage.Service
	// Shortcuts pins services to users' dashboards.
	Shortcuts *nav.Shortcuts
	// Events reads the audit trail for Monitor › Events.
	Events *monitor.Events

	// Auth signs users in and out and keeps their own settings.
	Auth *auth.Service
	// Team invites and manages a project's members.
	Team *team.Service
	// Onboard signs up new customers and invitees.
	Onboard *onboard.Service
	// Frames reads what every console page shows around its content.
	Frames *nav.Frames
	// Mailbox reads the outbox for the development mailbox.
	Mailbox *mail.Mailbox

	// Outbox enqueues the services' jobs and mails in their own
	// transactions, mail bodies sealed.
	Outbox *mail.Outbox
	// Idempotency keeps the API's answers to Idempotency-Key requests.
	Idempotency *idempotency.Store
	// Clock is the time every service goes by: the system's, unless a
	// test moves it.
	Clock *clock.Clock
	// River runs the workers once started.
	River *river.Client[pgx.Tx]
}

// New builds the services and the workers on an open, migrated pool.
// Nothing runs until StartWorkers.
func New(cfg *config.Config, pool *pgxpool.Pool, log *slog.Logger) (*App, error) {
	box, err := seal.New(cfg.SecretKey)
	if err != nil {
		return nil, err
	}
	a := &App{Config: cfg, Pool: pool, Log: log, Users: auth.NewStore(box), Accounts: account.NewStore(box), Clock: &clock.Clock{},
		Idempotency: &idempotency.Store{Pool: pool, Box: box}}
	a.Users.Now = a.Clock.Now
	a.AccountService = account.NewService(pool, a.Accounts, cfg.MaxSubaccounts)
	a.Users.Hashing = auth.NewHashGate(cfg.PasswordHashConcurrency, cfg.PasswordHashWait)
	a.Users.SignUps = auth.SignUpLimits{PerIP: cfg.SignUpPerIPHour, PerDomain: cfg.SignUpPerDomainHour}

	var sender mail.Sender
	if cfg.SMTPURL != "" {
		smtp, err := mail.NewSMTP(cfg.SMTPURL, cfg.MailFrom)
		if err != nil {
			return nil, fmt.Errorf("SMTP_URL: %w", err)
		}
		sender = smtp
	}
	// Jobs are set once the River client exists; the workers need the services first.
	a.Billing = billing.NewService(pool, &billing.TestGateway{Pool: pool}, nil, cfg.BaseURL)
	a.Billing.PauseAfterCharge = cfg.FaultPauseAfterCharge
	a.Billing.Issuer = billing.Issuer(cfg.Issuer)
	a.Billing.Now = a.Clock.Now
	a.Numbers = &numbers.Service{Pool: pool, Ledger: a.Billing.Ledger, Now: a.Clock.Now}
	a.Triggers = trigger.NewService(pool, nil, cfg.BaseURL, log)
	a.Triggers.Now = a.Clock.Now
	a.Billing.Ledger.UsageRecorded = a.Triggers.UsageRecorded
	authToken := func(ctx context.Context, projectSID, accountSID string) (string, error) {
		return a.Accounts.AuthToken(ctx, pool, projectSID, accountSID)
	}
	hooks := webhook.NewClient(cfg.WebhooksAllowPrivate)
	workers := river.NewWorkers()
	// The outbox, which seals mail bodies, wraps the River client made below.
	cleanup := &maintenance.CleanupWorker{Pool: pool, AuditRetention: cfg.AuditRetention, Now: a.Clock.Now}
	deliver := &mail.DeliverWorker{Pool: pool, Sender: sender}
	river.AddWorker(workers, cleanup)
	river.AddWorker(workers, deliver)
	// The reset-link worker needs the auth service, made below.
	resetMail := &auth.ResetMailWorker{}
	river.AddWorker(workers, resetMail)
	river.AddWorker(workers, &billing.RechargeWorker{Service: a.Billing})
	river.AddWorker(workers, &billing.SettleWorker{Service: a.Billing})
	river.AddWorker(workers, &billing.RecurringWorker{Service: a.Billing})
	river.AddWorker(workers, &messaging.CarrierWorker{Pool: pool, Now: a.Clock.Now})
	river.AddWorker(workers, &messaging.CallbackWorker{Pool: pool, Client: hooks, AuthToken: authToken})
	// The network worker needs the call service, completed once the River client exists.
	a.Calls = &voice.Service{Pool: pool, Now: a.Clock.Now}
	river.AddWorker(workers, &voice.NetworkWorker{Service: a.Calls})
	river.AddWorker(workers, &voice.CallbackWorker{Pool: pool, Client: hooks, AuthToken: authToken})
	river.AddWorker(workers, &trigger.WebhookWorker{Pool: pool, Client: hooks, AuthToken: authToken})
	river.AddWorker(workers, &trigger.SweepWorker{Service: a.Triggers})
	a.River, err = river.NewClient(riverpgxv5.New(pool), &river.Config{
		Queues: map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 10}, trigger.Queue: {MaxWorkers: trigger.QueueWorkers, FetchPollInterval: trigger.QueuePoll},
			mail.Queue: {MaxWorkers: mail.QueueWorkers}},
		// Jobs enqueued in a transaction are picked up within this delay
		// even when River's LISTEN notification is missed.
		FetchPollInterval: 500 * time.Millisecond,
		Workers:           workers,
		PeriodicJobs: []*river.PeriodicJob{
			river.NewPeriodicJob(river.PeriodicInterval(10*time.Minute),
				func() (river.JobArgs, *river.InsertOpts) { return maintenance.CleanupArgs{}, nil },
				&river.PeriodicJobOpts{RunOnStart: true}),
			river.NewPeriodicJob(river.PeriodicInterval(time.Hour),
				func() (river.JobArgs, *river.InsertOpts) { return billing.RecurringArgs{}, nil },
				&river.PeriodicJobOpts{RunOnStart: true}),
			river.NewPeriodicJob(river.PeriodicInterval(messaging.CarrierInterval),
				func() (river.JobArgs, *river.InsertOpts) { return messaging.CarrierArgs{}, nil },
				&river.PeriodicJobOpts{RunOnStart: true}),
			river.NewPeriodicJob(river.PeriodicInterval(voice.NetworkInterval),
				func() (river.JobArgs, *river.InsertOpts) { return voice.NetworkArgs{}, nil },
				&river.PeriodicJobOpts{RunOnStart: true}),
			river.NewPeriodicJob(river.PeriodicInterval(trigger.SweepInterval),
				func() (river.JobArgs, *river.InsertOpts) { return trigger.SweepArgs{}, nil },
				&river.PeriodicJobOpts{RunOnStart: true}),
		},
		Logger: log.With("component", "river"),
	})
	if err != nil {
		return nil, err
	}
	a.Outbox = mail.NewOutbox(a.River, box)
	cleanup.Outbox, deliver.Outbox = a.Outbox, a.Outbox
	a.Billing.Jobs = a.Outbox
	a.Triggers.Jobs = a.Outbox
	a.Prices = &usage.PriceList{DB: pool, Now: a.Clock.Now}
	a.Usage = usage.NewService(pool)
	a.Shortcuts = nav.NewShortcuts(pool)
	a.Events = monitor.NewEvents(pool, a.Users)
	a.Messages = &messaging.Sender{Pool: pool, Ledger: a.Billing.Ledger, Prices: a.Prices}
	a.Calls.Ledger, a.Calls.Prices, a.Calls.Jobs = a.Billing.Ledger, a.Prices, a.Outbox
	a.Auth = auth.NewService(pool, a.Users)
	a.Auth.Jobs, a.Auth.BaseURL = a.Outbox, cfg.BaseURL
	resetMail.Service = a.Auth
	a.Team = team.NewService(pool, a.Users, a.Outbox, cfg.BaseURL)
	a.Onboard = onboard.NewService(pool, a.Users, a.Accounts, a.Team)
	a.Onboard.Jobs, a.Onboard.BaseURL = a.Outbox, cfg.BaseURL
	a.Team.Verified = a.Onboard.Verified
	a.Frames = nav.NewFrames(pool, a.Users, a.Accounts)
	a.Mailbox = mail.NewMailbox(pool, a.Outbox)
	return a, nil
}

// SetBaseURL changes the public URL the services put in links (mails,
// webhook parameters): tests learn their server's address only after the
// services exist.
func (a *App) SetBaseURL(u string) {
	a.Config.BaseURL = u
	a.Billing.BaseURL, a.Triggers.BaseURL = u, u
	a.Team.BaseURL, a.Onboard.BaseURL, a.Auth.BaseURL = u, u, u
}

// StartWorkers starts the River workers.
func (a *App) StartWorkers(ctx context.Context) error { return a.River.Start(ctx) }

// StopWorkers lets running jobs finish, then stops.
func (a *App) StopWorkers(ctx context.Context) error { return a.River.Stop(ctx) }
