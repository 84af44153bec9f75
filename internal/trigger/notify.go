package trigger

import (
	"context"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/shopspring/decimal"

	"console/internal/billing"
	"console/internal/i18n"
	"console/internal/mail"
	"console/internal/team"
	"console/internal/usage"
)

// Catalog keys of the mail's words, listed so that the catalog test sees them.
var (
	byKeys = map[string]string{ByUsage: "mail.trigger_by_usage", ByCount: "mail.trigger_by_count", ByPrice: "mail.trigger_by_price"}

	recurringKeys = map[string]string{Daily: "mail.trigger_recurring_daily", Monthly: "mail.trigger_recurring_monthly",
		Yearly: "mail.trigger_recurring_yearly", AllTime: "mail.trigger_recurring_alltime"}

	categoryKeys = map[string]string{
		usage.SMSOutbound: "mail.trigger_category_sms_outbound", usage.CallsOutbound: "mail.trigger_category_calls_outbound",
		"phonenumbers-local": "mail.trigger_category_phonenumbers_local", "phonenumbers-tollfree": "mail.trigger_category_phonenumbers_tollfree",
		"phonenumbers-mobile": "mail.trigger_category_phonenumbers_mobile", "sms": "mail.trigger_category_sms", "calls": "mail.trigger_category_calls",
		"phonenumbers": "mail.trigger_category_phonenumbers", usage.TotalPrice: "mail.trigger_category_totalprice",
	}
)

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
		if !i18n.Supported(locale) {
			locale = i18n.English
		}
		out = append(out, recipient{addr, locale})
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
	money := f.TriggerBy == ByPrice || f.UsageCategory == usage.TotalPrice && f.TriggerBy == ByUsage
	show := func(v decimal.Decimal) string {
		if money {
			return billing.Money{Amount: v, Currency: currency}.Format()
		}
		return v.String()
	}
	firedAt := f.FiredAt.In(projectLoc(tz)).Format("2006-01-02 15:04 MST")
	link := s.BaseURL + "/usage/triggers/" + t.SID
	for _, r := range recipients(members, t) {
		body := i18n.Translate(r.locale, "mail.trigger_fired_body", name, accountName, firedAt,
			i18n.Translate(r.locale, categoryKeys[f.UsageCategory]), i18n.Translate(r.locale, byKeys[f.TriggerBy]),
			show(f.TriggerValue), show(f.CurrentValue), i18n.Translate(r.locale, recurringKeys[f.Recurring]), link)
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
