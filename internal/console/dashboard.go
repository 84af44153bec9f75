package console

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/jackc/pgx/v5"
	"github.com/shopspring/decimal"

	"console/internal/account"
	"console/internal/audit"
	"console/internal/billing"
	"console/internal/i18n"
	"console/internal/nav"
	"console/internal/team"
	"console/internal/usage"
	"console/web"
)

func (c *Console) dashboardData(r *http.Request) (web.DashboardData, error) {
	ctx := r.Context()
	v := web.ViewerOf(ctx)
	p := v.Account
	d := web.DashboardData{AccountSID: p.SID, TwoFactor: v.User.TOTPEnabled}
	bal := v.Balance // read with the viewer, in the same round trip
	// This month's spend and its chart in one query on the local-day
	// roll-ups: the whole project's (nil: every account) on the main
	// account, the subaccount's own when one is viewed.
	month := thisMonth(v.Project.Location())
	first, last := usage.MonthDays(month)
	var accounts []string
	if p.SID != v.Project.SID {
		accounts = []string{p.SID}
	}
	days, err := c.dailySpend(ctx, v.Project.SID, accounts, first, last)
	if err != nil {
		return d, err
	}
	spend := decimal.Zero
	for _, day := range days {
		spend = spend.Add(day.Price)
	}
	d.Balance = bal.Format()
	if team.Can(v.Role, team.PermBillingView) {
		card, err := c.balanceCard(ctx, v.Project.SID)
		if err != nil {
			return d, err
		}
		switch {
		case card.Recharging():
			d.Recharge = web.RechargeOn
		case card.AutoRecharge.Enabled:
			d.Recharge = web.RechargePaused
		}
		if under, low := card.Low(bal.Amount); low {
			d.Low = true
			if under.Sign() > 0 { // else nothing is left, whatever the thresholds
				d.LowUnder = billing.Money{Amount: under, Currency: bal.Currency}.Format()
			}
		}
	}
	d.MonthSpend = billing.Money{Amount: spend, Currency: bal.Currency}.Format()
	d.Month = monthLabel(ctx, month)
	d.Spent = len(days) > 0
	if d.Spent { // else the page says so instead of drawing an empty chart
		d.Chart = web.NewDailyChart(days, first, last, bal.Currency)
	}
	for _, s := range nav.Services {
		if v.Pins[s.ID] && team.Can(v.Role, s.Perm) {
			d.Shortcuts = append(d.Shortcuts, s)
		}
	}
	return d, nil
}

// monthSpend is the dashboard's spend, read with the viewer (see preload):
// the project's time zone is not known when it is queued, so it reads
// every local date that may be in the current month in some time zone,
// and the page keeps the days of the project's month. The balance card's
// settings come in the same round trip.
type monthSpend struct {
	projectSID string
	accounts   []string // nil: the whole project
	from, to   time.Time
	days       []usage.DaySpend
	card       billing.BalanceCard
}

func (c *Console) preloadMonthSpend(b *pgx.Batch, projectSID, sub string) any {
	m := &monthSpend{projectSID: projectSID}
	if sub != "" {
		m.accounts = []string{sub}
	}
	m.from, m.to = usage.MonthAnywhere(time.Now())
	usage.QueueDailySpend(b, projectSID, m.accounts, m.from, m.to, &m.days)
	billing.QueueBalanceCard(b, projectSID, &m.card)
	return m
}

// balanceCard is the project's balance card, from the preload when it was
// read for the same project.
func (c *Console) balanceCard(ctx context.Context, projectSID string) (billing.BalanceCard, error) {
	if m, ok := preloaded(ctx).(*monthSpend); ok && m.projectSID == projectSID {
		return m.card, nil
	}
	return c.billing.BalanceCard(ctx, projectSID)
}

// dailySpend is usage.DailySpend, answered from the preload when it was
// read for the same project and accounts over a window holding first to
// last; otherwise (no preload, the session named a project or subaccount
// the viewer is not on, a month's edge passed meanwhile) it asks the
// database.
func (c *Console) dailySpend(ctx context.Context, projectSID string, accounts []string, first, last time.Time) ([]usage.DaySpend, error) {
	m, ok := preloaded(ctx).(*monthSpend)
	if !ok || m.projectSID != projectSID || (m.accounts == nil) != (accounts == nil) || !slices.Equal(m.accounts, accounts) ||
		first.Before(m.from) || last.After(m.to) {
		return c.usage.DailySpend(ctx, projectSID, accounts, first, last)
	}
	var days []usage.DaySpend
	for _, d := range m.days {
		if !d.Day.Before(first) && !d.Day.After(last) {
			days = append(days, d)
		}
	}
	return days, nil
}

func monthLabel(ctx context.Context, t time.Time) string {
	return i18n.Date(i18n.Locale(ctx), "format.month", t)
}

func (c *Console) dashboard(w http.ResponseWriter, r *http.Request) error {
	d, err := c.dashboardData(r)
	if err != nil {
		return err
	}
	return render(w, r, http.StatusOK, web.Dashboard(d))
}

// showAuthToken reveals the auth token: as a fragment for htmx, else as
// the dashboard with the token shown. Never cached.
func (c *Console) showAuthToken(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := actingAccount(r)
	token, err := c.accountService.AuthToken(ctx, p.ProjectSID, p.SID)
	if err != nil {
		return err
	}
	noStore(w)
	if r.Header.Get("HX-Request") == "true" {
		return render(w, r, http.StatusOK, web.AuthToken(token))
	}
	d, err := c.dashboardData(r)
	if err != nil {
		return err
	}
	d.AuthToken = token
	return render(w, r, http.StatusOK, web.Dashboard(d))
}

func (c *Console) regenerateAuthToken(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	v := web.ViewerOf(ctx)
	var errs web.FieldErrors
	status, err := c.recheck(w, r, v.User.StrongestFactor(), "password", &errs)
	if err != nil {
		return err
	}
	if status != 0 {
		d, err := c.dashboardData(r)
		if err != nil {
			return err
		}
		d.Regenerate.Errors = errs
		return render(w, r, status, web.Dashboard(d))
	}
	_, err = c.accountService.RegenerateAuthToken(ctx, audit.ActorFrom(ctx), v.Account)
	if errors.Is(err, account.ErrNotActive) {
		return errInactive
	}
	if err != nil {
		return err
	}
	c.flash(ctx, "ok", "dashboard.regenerated")
	return redirect(w, r, "/")
}

func (c *Console) setPin(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	s, ok := nav.ByID(chi.URLParam(r, "service"))
	if !ok {
		return errNotFound
	}
	u := web.CurrentUser(ctx)
	pinned := r.PostFormValue("pinned") == "true"
	if err := c.shortcuts.Pin(ctx, audit.ActorFrom(ctx), u.ID, s.ID, pinned); err != nil {
		return err
	}
	return redirect(w, r, backTo(r))
}

func (c *Console) allServices(w http.ResponseWriter, r *http.Request) error {
	return render(w, r, http.StatusOK, web.AllServices())
}

func (c *Console) service(w http.ResponseWriter, r *http.Request) error {
	s, ok := nav.ByID(chi.URLParam(r, "service"))
	if !ok {
		return errNotFound
	}
	if !web.Can(r.Context(), s.Perm) {
		return errForbidden
	}
	if s.Path != "" {
		return redirect(w, r, s.Path)
	}
	return render(w, r, http.StatusOK, web.NotAvailable(s))
}
