package trigger

import (
	"context"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/shopspring/decimal"

	"console/internal/i18n"
	"console/internal/mail"
	"console/internal/team"
	"console/internal/usage"
)

// Catalog keys of a trigger's words, shared by its pages and its mails so
// that both say the same, and spelled out so that the catalog test sees them.
var (
	// ByKeys name what a trigger compares (TriggerBy).
	ByKeys = map[string]string{ByUsage: "triggers.by_usage", ByCount: "triggers.by_count", ByPrice: "triggers.by_price"}

	// RecurringKeys name a trigger's frequency.
	RecurringKeys = map[string]string{Daily: "triggers.recurring_daily", Monthly: "triggers.recurring_monthly",
		Yearly: "triggers.recurring_yearly", AllTime: "triggers.recurring_alltime"}

	// CategoryKeys name the usage categories a trigger can watch.
	CategoryKeys = map[string]string{
		"sms": "triggers.category_sms", usage.SMSOutbound: "triggers.category_sms_outbound",
		"calls": "triggers.category_calls", usage.CallsOutbound: "triggers.category_calls_outbound",
		"phonenumbers": "triggers.category_phonenumbers", "phonenumbers-local": "triggers.category_phonenumbers_local",
		"phonenumbers-mobile": "triggers.category_phonenumbers_mobile", "phonenumbers-tollfree": "triggers.category_phonenumbers_tollfree",
		usage.TotalPrice: "triggers.category_totalprice",
	}
)

// word is value's name in locale through keys, or value itself when it
// has none.
func word(locale string, keys map[string]string, value string) string {
	if k, ok := keys[value]; ok {
		return i18n.Translate(locale, k)
	}
	return value
}

// mailKind is the outbox kind of trigger mails.
const mailKind = "usage_trigger"

type recipient struct{ addr, locale string }

// recipients are whom t mails: the team's Owners, Administrators and
// Billing Managers if asked, then the given addresses, once each; a
// member's address gets the member's language.
func recipients(members []*team.Member, t *Trigger) []recipient {
	byAddr := map[string]*team.Member{}
	for _, m := range members {
		byAddr[strings.ToLower(m.Email)] = m
	}
	seen := map[string]bool{}
	var out []recipient
	add := func(addr, locale string) {
		if seen[strings.ToLower(addr)] {
			return
		}
		seen[strings.ToLower(addr)] = true
		out = append(out, recipient{addr, mail.Language(locale, "")})
	}
	if t.EmailTeam {
		for _, m := range members {
			if m.Role == team.RoleOwner || m.Role == team.RoleAdmin || m.Role == team.RoleBilling {
				add(m.Email, m.Locale)
			}
		}
	}
	for _, a := range t.EmailTo {
		locale := t.EmailLocale
		if m := byAddr[strings.ToLower(a)]; m != nil && i18n.Supported(m.Locale) {
			locale = m.Locale
		}
		add(a, locale)
	}
	return out
}

// mailFiring writes the firing's mails to the outbox in its transaction.
func (s *Service) mailFiring(ctx context.Context, tx pgx.Tx, t *Trigger, f *Firing) error {
	if !t.EmailTeam && len(t.EmailTo) == 0 {
		return nil
	}
	members, err := team.Members(ctx, tx, t.ProjectSID)
	if err != nil {
		return err
	}
	var project, accountName, currency, tz string
	if err := tx.QueryRow(ctx, `SELECT p.friendly_name, a.friendly_name, p.currency, p.time_zone FROM accounts p JOIN accounts a ON a.project_sid = p.sid
		WHERE p.sid = $1 AND a.sid = $2`, t.ProjectSID, t.AccountSID).Scan(&project, &accountName, &currency, &tz); err != nil {
		return err
	}
	name := t.FriendlyName
	if name == "" {
		name = t.SID
	}
	show := func(locale string, v decimal.Decimal) string {
		return Figure(locale, currency, f.UsageCategory, f.TriggerBy, v)
	}
	link := s.BaseURL + "/usage/triggers/" + t.SID
	for _, r := range recipients(members, t) {
		body := i18n.Translate(r.locale, "mail.trigger_fired_body", name, accountName, mail.Time(r.locale, tz, f.FiredAt),
			word(r.locale, CategoryKeys, f.UsageCategory), word(r.locale, ByKeys, f.TriggerBy),
			show(r.locale, f.TriggerValue), show(r.locale, f.CurrentValue), word(r.locale, RecurringKeys, f.Recurring), link)
		id, err := mail.Enqueue(ctx, tx, s.Jobs, mail.Message{ProjectSID: t.ProjectSID, Kind: mailKind, To: r.addr, Locale: r.locale,
			Subject: i18n.Translate(r.locale, "mail.trigger_fired_subject", project, name), Body: body})
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO usage_trigger_emails (project_sid, firing_id, outbox_id, to_addr) VALUES ($1, $2, $3, $4)`,
			t.ProjectSID, f.ID, id, r.addr); err != nil {
			return err
		}
	}
	return nil
}
