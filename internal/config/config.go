// Package config reads the server's settings from the environment and
// validates them before anything starts.
package config

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// Environments the server knows.
const (
	EnvDevelopment = "development"
	EnvProduction  = "production"
)

// Config is the effective configuration of one process.
type Config struct {
	DatabaseURL        string
	Addr               string
	BaseURL            string
	Env                string
	SecretKey          []byte
	SignUp             bool
	SessionIdleTimeout time.Duration
	SessionLifetime    time.Duration
	LogLevel           slog.Level
	// MaxSubaccounts bounds the subaccounts of one project.
	MaxSubaccounts int
	// AuditRetention is how long audit entries are kept; older ones are
	// purged by the cleanup job.
	AuditRetention time.Duration
	// SMTPURL is where mail goes; empty keeps mail in the development mailbox.
	SMTPURL  string
	MailFrom string
	// Issuer is the operator printed on receipts and monthly statements.
	Issuer Issuer
	// FaultPauseAfterCharge holds every payment between the gateway's
	// answer and its recording: fault injection for the crash test,
	// refused in production.
	FaultPauseAfterCharge time.Duration
	// WebhooksAllowPrivate lets webhooks reach private and loopback
	// addresses: development and tests only.
	WebhooksAllowPrivate bool
	// PasswordHashConcurrency bounds the argon2id computations (19 MiB
	// each) running at once; PasswordHashWait is how long a sign-in waits
	// for one before a 503 with Retry-After.
	PasswordHashConcurrency int
	PasswordHashWait        time.Duration
	// SignUpPerIPHour and SignUpPerDomainHour bound sign-ups over a
	// sliding hour per client IP and per email domain; 0 is no limit.
	SignUpPerIPHour     int
	SignUpPerDomainHour int
	// APIRatePerSecond and APIRateBurst are each account's token bucket
	// of API requests, APIConcurrencyPerAccount its requests in progress,
	// in each server process; 0 turns a limit off.
	APIRatePerSecond         int
	APIRateBurst             int
	APIConcurrencyPerAccount int
	// SecretKeyGenerated is true when a development key was created on this start.
	SecretKeyGenerated bool
	// SecretKeyFile is where a development key lives when none is set.
	SecretKeyFile string
}

// Error names the variable whose value is wrong.
type Error struct {
	Var    string
	Reason string
}

func (e *Error) Error() string { return e.Var + ": " + e.Reason }

// Production reports whether the server runs in production mode.
func (c *Config) Production() bool { return c.Env == EnvProduction }

// Load reads the environment through getenv. varDir is where a development
// secret key is kept when CONSOLE_SECRET_KEY is unset.
func Load(getenv func(string) string, varDir string) (*Config, error) {
	c := &Config{
		DatabaseURL:   orDefault(getenv("DATABASE_URL"), "postgres://postgres@127.0.0.1:5432/console?sslmode=disable"),
		Addr:          orDefault(getenv("CONSOLE_ADDR"), "127.0.0.1:8080"),
		Env:           orDefault(getenv("CONSOLE_ENV"), EnvDevelopment),
		SecretKeyFile: filepath.Join(varDir, "secret.key"),
	}
	if c.Env != EnvDevelopment && c.Env != EnvProduction {
		return nil, &Error{"CONSOLE_ENV", fmt.Sprintf("must be %q or %q", EnvDevelopment, EnvProduction)}
	}
	if u, err := url.Parse(c.DatabaseURL); err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") || strings.Trim(u.Path, "/") == "" {
		return nil, &Error{"DATABASE_URL", "must be a postgres:// URL naming a database"}
	}
	if _, port, err := net.SplitHostPort(c.Addr); err != nil || port == "" {
		return nil, &Error{"CONSOLE_ADDR", "must be host:port, e.g. 127.0.0.1:8080"}
	}
	c.BaseURL = strings.TrimRight(getenv("CONSOLE_BASE_URL"), "/")
	if c.BaseURL == "" {
		host, port, _ := net.SplitHostPort(c.Addr)
		if host == "" || host == "0.0.0.0" || host == "::" {
			host = "localhost"
		}
		c.BaseURL = "http://" + net.JoinHostPort(host, port)
	} else if u, err := url.Parse(c.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, &Error{"CONSOLE_BASE_URL", "must be an absolute http(s) URL"}
	}
	var err error
	if c.SignUp, err = parseBool(getenv("CONSOLE_SIGNUP"), true); err != nil {
		return nil, &Error{"CONSOLE_SIGNUP", "must be true or false"}
	}
	if c.SessionIdleTimeout, err = parseDuration(getenv("CONSOLE_SESSION_IDLE_TIMEOUT"), time.Hour); err != nil {
		return nil, &Error{"CONSOLE_SESSION_IDLE_TIMEOUT", "must be a positive duration such as 1h or 30m"}
	}
	if c.SessionLifetime, err = parseDuration(getenv("CONSOLE_SESSION_LIFETIME"), 12*time.Hour); err != nil {
		return nil, &Error{"CONSOLE_SESSION_LIFETIME", "must be a positive duration such as 12h"}
	}
	if c.SessionIdleTimeout > c.SessionLifetime {
		return nil, &Error{"CONSOLE_SESSION_IDLE_TIMEOUT", "must not exceed CONSOLE_SESSION_LIFETIME"}
	}
	c.MaxSubaccounts = 1000
	if v := getenv("CONSOLE_MAX_SUBACCOUNTS"); v != "" {
		if c.MaxSubaccounts, err = strconv.Atoi(v); err != nil || c.MaxSubaccounts < 0 {
			return nil, &Error{"CONSOLE_MAX_SUBACCOUNTS", "must be a non-negative integer"}
		}
	}
	c.PasswordHashConcurrency = runtime.GOMAXPROCS(0)
	if v := getenv("CONSOLE_PASSWORD_HASH_CONCURRENCY"); v != "" {
		if c.PasswordHashConcurrency, err = strconv.Atoi(v); err != nil || c.PasswordHashConcurrency < 1 || c.PasswordHashConcurrency > 1024 {
			return nil, &Error{"CONSOLE_PASSWORD_HASH_CONCURRENCY", "must be an integer from 1 to 1024"}
		}
	}
	if c.PasswordHashWait, err = parseDuration(getenv("CONSOLE_PASSWORD_HASH_WAIT"), 2*time.Second); err != nil || c.PasswordHashWait > time.Minute {
		return nil, &Error{"CONSOLE_PASSWORD_HASH_WAIT", "must be a positive duration up to 1m, such as 2s"}
	}
	if c.SignUpPerIPHour, err = parseLimit(getenv("CONSOLE_SIGNUP_PER_IP_HOUR"), 5); err != nil {
		return nil, &Error{"CONSOLE_SIGNUP_PER_IP_HOUR", "must be a non-negative integer (0: no limit)"}
	}
	if c.SignUpPerDomainHour, err = parseLimit(getenv("CONSOLE_SIGNUP_PER_DOMAIN_HOUR"), 20); err != nil {
		return nil, &Error{"CONSOLE_SIGNUP_PER_DOMAIN_HOUR", "must be a non-negative integer (0: no limit)"}
	}
	if c.APIRatePerSecond, err = parseLimit(getenv("CONSOLE_API_RATE_PER_SECOND"), 2000); err != nil {
		return nil, &Error{"CONSOLE_API_RATE_PER_SECOND", "must be a non-negative integer (0: no limit)"}
	}
	if c.APIRateBurst, err = parseLimit(getenv("CONSOLE_API_RATE_BURST"), 2*c.APIRatePerSecond); err != nil {
		return nil, &Error{"CONSOLE_API_RATE_BURST", "must be a non-negative integer (0: as many as a second's rate)"}
	}
	if c.APIConcurrencyPerAccount, err = parseLimit(getenv("CONSOLE_API_CONCURRENCY_PER_ACCOUNT"), 100); err != nil {
		return nil, &Error{"CONSOLE_API_CONCURRENCY_PER_ACCOUNT", "must be a non-negative integer (0: no limit)"}
	}
	if c.AuditRetention, err = parseRetention(getenv("CONSOLE_AUDIT_RETENTION")); err != nil {
		return nil, &Error{"CONSOLE_AUDIT_RETENTION", err.Error()}
	}
	if v := getenv("CONSOLE_LOG_LEVEL"); v != "" {
		if err := c.LogLevel.UnmarshalText([]byte(v)); err != nil {
			return nil, &Error{"CONSOLE_LOG_LEVEL", "must be debug, info, warn or error"}
		}
	}
	if k := getenv("CONSOLE_SECRET_KEY"); k != "" {
		if c.SecretKey, err = decodeKey(k); err != nil {
			return nil, &Error{"CONSOLE_SECRET_KEY", err.Error()}
		}
	} else if c.Production() {
		return nil, &Error{"CONSOLE_SECRET_KEY", "is required in production (32 random bytes, base64)"}
	} else if c.SecretKey, c.SecretKeyGenerated, err = devKey(c.SecretKeyFile); err != nil {
		return nil, &Error{"CONSOLE_SECRET_KEY", "unset, and the development key could not be kept in " + c.SecretKeyFile}
	}
	c.SMTPURL = getenv("SMTP_URL")
	if c.SMTPURL != "" {
		if u, err := url.Parse(c.SMTPURL); err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Hostname() == "" {
			return nil, &Error{"SMTP_URL", "must be smtp://user:pass@host:587 or smtps://user:pass@host:465"}
		}
	} else if c.Production() {
		return nil, &Error{"SMTP_URL", "is required in production"}
	}
	c.MailFrom = orDefault(getenv("CONSOLE_MAIL_FROM"), "Console <no-reply@localhost>")
	if c.Issuer, err = loadIssuer(getenv); err != nil {
		return nil, err
	}
	if c.WebhooksAllowPrivate, err = parseBool(getenv("CONSOLE_WEBHOOKS_ALLOW_PRIVATE"), !c.Production()); err != nil {
		return nil, &Error{"CONSOLE_WEBHOOKS_ALLOW_PRIVATE", "must be true or false"}
	}
	if c.WebhooksAllowPrivate && c.Production() {
		return nil, &Error{"CONSOLE_WEBHOOKS_ALLOW_PRIVATE", "cannot be true in production"}
	}
	if v := getenv("CONSOLE_FAULT_PAUSE_AFTER_CHARGE"); v != "" {
		if c.Production() {
			return nil, &Error{"CONSOLE_FAULT_PAUSE_AFTER_CHARGE", "is for tests and refused in production"}
		}
		if c.FaultPauseAfterCharge, err = parseDuration(v, 0); err != nil {
			return nil, &Error{"CONSOLE_FAULT_PAUSE_AFTER_CHARGE", "must be a positive duration"}
		}
	}
	return c, nil
}

// LogValue prints the configuration with secrets masked.
func (c *Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("DATABASE_URL", maskURL(c.DatabaseURL)),
		slog.String("CONSOLE_ADDR", c.Addr),
		slog.String("CONSOLE_BASE_URL", c.BaseURL),
		slog.String("CONSOLE_ENV", c.Env),
		slog.String("CONSOLE_SECRET_KEY", "********"),
		slog.Bool("CONSOLE_SIGNUP", c.SignUp),
		slog.Duration("CONSOLE_SESSION_IDLE_TIMEOUT", c.SessionIdleTimeout),
		slog.Duration("CONSOLE_SESSION_LIFETIME", c.SessionLifetime),
		slog.String("CONSOLE_LOG_LEVEL", c.LogLevel.String()),
		slog.Int("CONSOLE_MAX_SUBACCOUNTS", c.MaxSubaccounts),
		slog.String("CONSOLE_AUDIT_RETENTION", formatRetention(c.AuditRetention)),
		slog.String("SMTP_URL", maskURL(c.SMTPURL)),
		slog.String("CONSOLE_MAIL_FROM", c.MailFrom),
		slog.String("CONSOLE_ISSUER_NAME", c.Issuer.Name),
		slog.String("CONSOLE_ISSUER_REGISTRATION", c.Issuer.Registration),
		slog.Bool("CONSOLE_WEBHOOKS_ALLOW_PRIVATE", c.WebhooksAllowPrivate),
		slog.Int("CONSOLE_PASSWORD_HASH_CONCURRENCY", c.PasswordHashConcurrency),
		slog.Duration("CONSOLE_PASSWORD_HASH_WAIT", c.PasswordHashWait),
		slog.Int("CONSOLE_SIGNUP_PER_IP_HOUR", c.SignUpPerIPHour),
		slog.Int("CONSOLE_SIGNUP_PER_DOMAIN_HOUR", c.SignUpPerDomainHour),
		slog.Int("CONSOLE_API_RATE_PER_SECOND", c.APIRatePerSecond),
		slog.Int("CONSOLE_API_RATE_BURST", c.APIRateBurst),
		slog.Int("CONSOLE_API_CONCURRENCY_PER_ACCOUNT", c.APIConcurrencyPerAccount),
	)
}

func maskURL(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.User == nil {
		return s
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

func parseBool(v string, def bool) (bool, error) {
	if v == "" {
		return def, nil
	}
	return strconv.ParseBool(v)
}

// parseLimit reads a count limit; 0 turns the limit off.
func parseLimit(v string, def int) (int, error) {
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err == nil && n < 0 {
		err = errors.New("negative")
	}
	return n, err
}

func parseDuration(v string, def time.Duration) (time.Duration, error) {
	if v == "" {
		return def, nil
	}
	d, err := time.ParseDuration(v)
	if err == nil && d <= 0 {
		err = errors.New("not positive")
	}
	return d, err
}

func decodeKey(s string) ([]byte, error) {
	k, err := base64.StdEncoding.DecodeString(strings.TrimSpace(s))
	if err != nil {
		if k, err = base64.RawURLEncoding.DecodeString(strings.TrimSpace(s)); err != nil {
			return nil, errors.New("must be base64")
		}
	}
	if len(k) != 32 {
		return nil, fmt.Errorf("must decode to 32 bytes, not %d", len(k))
	}
	return k, nil
}

// devKey reads the development key, creating it once when missing.
func devKey(path string) ([]byte, bool, error) {
	if b, err := os.ReadFile(path); err == nil {
		k, err := decodeKey(string(b))
		return k, false, err
	}
	k := make([]byte, 32)
	if _, err := rand.Read(k); err != nil {
		return nil, false, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, false, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		if errors.Is(err, os.ErrExist) { // another process won the race
			return devKey(path)
		}
		return nil, false, err
	}
	defer f.Close()
	if _, err := f.WriteString(base64.StdEncoding.EncodeToString(k) + "\n"); err != nil {
		return nil, false, err
	}
	return k, true, nil
}

// DefaultAuditRetention is how long audit entries are kept unless
// CONSOLE_AUDIT_RETENTION says otherwise.
const DefaultAuditRetention = 400 * day

const day = 24 * time.Hour

// maxRetentionDays keeps a retention in a time.Duration with room to spare.
const maxRetentionDays = 36_500

// parseRetention reads CONSOLE_AUDIT_RETENTION: a number of days ("400",
// or "400d"), or a Go duration ("9600h"). Less than a day is refused: a
// unit slip ("400s" for 400 days) would purge the whole log.
func parseRetention(v string) (time.Duration, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return DefaultAuditRetention, nil
	}
	const why = "must be a number of days (400 or 400d) or a Go duration (9600h), at least 1 day and at most 36500 days"
	if n, err := strconv.Atoi(strings.TrimSuffix(v, "d")); err == nil {
		if n < 1 || n > maxRetentionDays {
			return 0, errors.New(why)
		}
		return time.Duration(n) * day, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < day || d > maxRetentionDays*day {
		return 0, errors.New(why)
	}
	return d, nil
}

// formatRetention prints a retention in days when it is whole days.
func formatRetention(d time.Duration) string {
	if d%day == 0 {
		return strconv.FormatInt(int64(d/day), 10) + "d"
	}
	return d.String()
}
