package console

import (
	"bytes"
	"cmp"
	"encoding/csv"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"console/internal/account"
	"console/internal/billing"
	"console/internal/sid"
	"console/internal/usage"
	"console/web"
)

// pickerMonths is how many months the month picker of the usage pages offers.
const pickerMonths = 12

var errBadMonth = &Error{Status: http.StatusUnprocessableEntity, MsgKey: "usage.bad_month"}

// thisMonth is the first day of the current month of loc, in the
// midnight-UTC form of the local roll-ups.
func thisMonth(loc *time.Location) time.Time {
	d := usage.LocalDate(time.Now(), loc)
	return time.Date(d.Year(), d.Month(), 1, 0, 0, 0, 0, time.UTC)
}

// usageMonth reads ?month= (YYYY-MM), the current month of the project's
// time zone when absent, and the months the picker offers: the last
// twelve, none before the project was created or, when earlier, before
// firstUsage (a local date; zero for none). A month that is malformed,
// before both or after the current one is refused.
func usageMonth(r *http.Request, project *account.Account, firstUsage time.Time) (time.Time, []time.Time, error) {
	loc := project.Location()
	current := thisMonth(loc)
	c := usage.LocalDate(project.CreatedAt, loc)
	if !firstUsage.IsZero() && firstUsage.Before(c) {
		c = firstUsage
	}
	created := time.Date(c.Year(), c.Month(), 1, 0, 0, 0, 0, time.UTC)
	month := current
	if s := r.URL.Query().Get("month"); s != "" {
		m, err := time.Parse("2006-01", s)
		if err != nil || len(s) != len("2006-01") || m.Before(created) || m.After(current) {
			return time.Time{}, nil, errBadMonth
		}
		month = m
	}
	var months []time.Time
	for m := current; !m.Before(created) && len(months) < pickerMonths; m = m.AddDate(0, -1, 0) {
		months = append(months, m)
	}
	if !slices.ContainsFunc(months, month.Equal) {
		months = append(months, month) // older than the picker's range: still shown as chosen
	}
	return month, months, nil
}

// usagePicker is usageMonth for the viewer's project, from the first usage
// of what the viewer sees: the project, or the subaccount being viewed.
func (c *Console) usagePicker(r *http.Request) (time.Time, []time.Time, error) {
	v := web.ViewerOf(r.Context())
	var accounts []string
	if v.Account.SID != v.Project.SID {
		accounts = []string{v.Account.SID}
	}
	first, err := c.usage.FirstDay(r.Context(), v.Project.SID, accounts)
	if err != nil {
		return time.Time{}, nil, err
	}
	return usageMonth(r, v.Project, first)
}

// usageAccount is the account a usage page shows: ?account= when it is
// the account being viewed or, viewing the main account, one of its
// subaccounts; any other SID, another project's included, is a 404.
// Viewing the main account, choices lists it and its subaccounts.
func (c *Console) usageAccount(r *http.Request, withChoices bool) (a *account.Account, choices []*account.Account, err error) {
	ctx := r.Context()
	v := web.ViewerOf(ctx)
	want := r.URL.Query().Get("account")
	if want != "" && !sid.Valid(want, sid.Account) {
		return nil, nil, errNotFound // names no account: no query
	}
	if want == "" || want == v.Account.SID {
		a = v.Account
	} else if v.Account.SID != v.Project.SID {
		return nil, nil, errNotFound // a subaccount sees itself only
	}
	if v.Account.SID == v.Project.SID && withChoices {
		subs, err := c.accountService.Subaccounts(ctx, v.Project.SID)
		if err != nil {
			return nil, nil, err
		}
		choices = append([]*account.Account{v.Project}, subs...)
		if a == nil {
			i := slices.IndexFunc(subs, func(s *account.Account) bool { return s.SID == want })
			if i < 0 {
				return nil, nil, errNotFound
			}
			a = subs[i]
		}
	}
	if a == nil {
		a, err = c.accountService.Subaccount(ctx, v.Project.SID, want)
		if errors.Is(err, account.ErrNotFound) {
			return nil, nil, errNotFound
		}
		if err != nil {
			return nil, nil, err
		}
	}
	return a, choices, nil
}

// usageSummary is Usage › Summary: one account's month by service and
// category, with its cost per day, read from the local-day roll-ups.
func (c *Console) usageSummary(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	v := web.ViewerOf(ctx)
	month, months, err := c.usagePicker(r)
	if err != nil {
		return err
	}
	a, choices, err := c.usageAccount(r, true)
	if err != nil {
		return err
	}
	first, last := usage.MonthDays(month)
	rows, err := c.usage.LocalDays(ctx, v.Project.SID, []string{a.SID}, first, last)
	if err != nil {
		return err
	}
	s := usage.Summarize(rows)
	d := web.UsageSummaryData{
		Picker:   web.MonthPicker{Action: "/usage", Month: month, Months: months, Accounts: choices, Account: a.SID},
		Account:  a,
		Main:     a.SID == v.Project.SID,
		Currency: v.Project.Currency,
		TimeZone: v.Project.TimeZone,
		Summary:  s,
		Chart:    web.NewDailyChart(s.Days, first, last, v.Project.Currency),
	}
	return render(w, r, http.StatusOK, web.UsageSummary(d))
}

// csvHeader is the header of the usage export; the columns are the Usage
// Records API's fields.
var csvHeader = []string{"date", "category", "description", "count", "count_unit", "usage", "usage_unit", "price", "price_unit"}

// usageCSV exports the summary's month: one row per local day and
// category with usage, figures exact as stored; prices at the price
// list's precision at least, so that the column lines up.
func (c *Console) usageCSV(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	v := web.ViewerOf(ctx)
	month, _, err := c.usagePicker(r)
	if err != nil {
		return err
	}
	a, _, err := c.usageAccount(r, false)
	if err != nil {
		return err
	}
	first, last := usage.MonthDays(month)
	rows, err := c.usage.LocalDays(ctx, v.Project.SID, []string{a.SID}, first, last)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	_ = cw.Write(csvHeader)
	priceUnit := strings.ToLower(v.Project.Currency)
	for _, row := range rows {
		info := usage.Categories[row.Category]
		_ = cw.Write([]string{row.Day.Format(time.DateOnly), row.Category, info.Description, strconv.FormatInt(row.Count, 10),
			info.CountUnit, row.Usage.String(), info.UsageUnit, billing.Money{Amount: row.Price, Currency: v.Project.Currency}.Plain(), priceUnit})
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="usage-`+a.SID+"-"+month.Format("2006-01")+`.csv"`)
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	_, err = w.Write(buf.Bytes())
	return err
}

// usageSubaccounts is Usage › Subaccounts: what each subaccount of the
// project spent in the month, beside the main account and the project.
func (c *Console) usageSubaccounts(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	v := web.ViewerOf(ctx)
	if v.Account.SID != v.Project.SID {
		return render(w, r, http.StatusOK, web.UsageSubaccounts(web.UsageSubaccountsData{InSubaccount: true}))
	}
	month, months, err := c.usagePicker(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	d := web.UsageSubaccountsData{Main: v.Project, Sort: q.Get("sort"), Dir: q.Get("dir")}
	if d.Sort != web.SortName {
		d.Sort = web.SortTotal
	}
	if d.Dir != web.DirAsc && d.Dir != web.DirDesc {
		d.Dir = web.DirDesc
		if d.Sort == web.SortName {
			d.Dir = web.DirAsc
		}
	}
	d.Picker = web.MonthPicker{Action: "/usage/subaccounts", Month: month, Months: months,
		Keep: [][2]string{{"sort", d.Sort}, {"dir", d.Dir}}}
	subs, err := c.accountService.Subaccounts(ctx, v.Project.SID)
	if err != nil {
		return err
	}
	first, last := usage.MonthDays(month)
	spend, err := c.usage.SpendByAccount(ctx, v.Project.SID, first, last)
	if err != nil {
		return err
	}
	cur := v.Project.Currency
	project := decimal.Zero
	for _, amount := range spend {
		project = project.Add(amount)
	}
	d.MainTotal = billing.Money{Amount: spend[v.Project.SID], Currency: cur}
	d.ProjectTotal = billing.Money{Amount: project, Currency: cur}
	for _, s := range subs {
		d.Rows = append(d.Rows, web.SubaccountSpend{Account: s, Total: billing.Money{Amount: spend[s.SID], Currency: cur}})
	}
	byName := func(x, y web.SubaccountSpend) int {
		return cmp.Or(strings.Compare(strings.ToLower(x.Account.FriendlyName), strings.ToLower(y.Account.FriendlyName)),
			strings.Compare(x.Account.SID, y.Account.SID))
	}
	slices.SortFunc(d.Rows, func(x, y web.SubaccountSpend) int {
		n := byName(x, y)
		if d.Sort == web.SortTotal {
			n = x.Total.Amount.Cmp(y.Total.Amount)
		}
		if d.Dir == web.DirDesc {
			n = -n
		}
		return cmp.Or(n, byName(x, y)) // equal totals by name
	})
	return render(w, r, http.StatusOK, web.UsageSubaccounts(d))
}
