package api

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"console/internal/usage"
)

type usageRecordJSON struct {
	AccountSID      string            `json:"account_sid"`
	APIVersion      string            `json:"api_version"`
	AsOf            string            `json:"as_of"`
	Category        string            `json:"category"`
	Count           string            `json:"count"`
	CountUnit       string            `json:"count_unit"`
	Description     string            `json:"description"`
	EndDate         string            `json:"end_date"`
	Price           string            `json:"price"`
	PriceUnit       string            `json:"price_unit"`
	StartDate       string            `json:"start_date"`
	SubresourceURIs map[string]string `json:"subresource_uris"`
	URI             string            `json:"uri"`
	Usage           string            `json:"usage"`
	UsageUnit       string            `json:"usage_unit"`
}

// recordSubresources are Twilio's Usage Records subresources.
var recordSubresources = map[string]string{
	"all_time": "AllTime", "daily": "Daily", "last_month": "LastMonth", "monthly": "Monthly", "this_month": "ThisMonth",
	"today": "Today", "yearly": "Yearly", "yesterday": "Yesterday",
}

var offsetDate = regexp.MustCompile(`^([+-]?\d+)days$`)

// parseUsageDate reads a date (2026-11-27) or an offset from today (-30days).
func parseUsageDate(s string, today time.Time) (time.Time, bool) {
	if m := offsetDate.FindStringSubmatch(s); m != nil {
		n, err := strconv.Atoi(m[1])
		return today.AddDate(0, 0, n), err == nil
	}
	t, err := time.Parse("2006-01-02", s)
	return t, err == nil
}

func (a *API) usageRecords(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	acc, err := a.targetAccount(r, "accountSid")
	if err != nil {
		return err
	}
	sub := strings.TrimSuffix(chi.URLParam(r, "sub"), ".json")
	now := time.Now().UTC()
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	created := acc.CreatedAt.UTC()
	q := usage.Query{ProjectSID: acc.ProjectSID, Start: time.Date(created.Year(), created.Month(), created.Day(), 0, 0, 0, 0, time.UTC), End: today}
	fixed := false
	switch sub {
	case "":
	case "Daily":
		q.Granularity, q.Start = usage.Day, today.AddDate(0, 0, -30)
	case "Monthly":
		q.Granularity = usage.Month
	case "Yearly":
		q.Granularity = usage.Year
	case "AllTime":
	case "Today":
		q.Start, fixed = today, true
	case "Yesterday":
		q.Start, q.End, fixed = today.AddDate(0, 0, -1), today.AddDate(0, 0, -1), true
	case "ThisMonth":
		q.Start, fixed = time.Date(today.Year(), today.Month(), 1, 0, 0, 0, 0, time.UTC), true
	case "LastMonth":
		first := time.Date(today.Year(), today.Month(), 1, 0, 0, 0, 0, time.UTC)
		q.Start, q.End, fixed = first.AddDate(0, -1, 0), first.AddDate(0, 0, -1), true
	default:
		return errNotFound(r.URL.Path)
	}
	query := r.URL.Query()
	if !fixed {
		if v := query.Get("StartDate"); v != "" {
			t, ok := parseUsageDate(v, today)
			if !ok {
				return errInvalid("StartDate", "must be a date like 2026-11-01 or an offset like -30days")
			}
			q.Start = t
		}
		if v := query.Get("EndDate"); v != "" {
			t, ok := parseUsageDate(v, today)
			if !ok {
				return errInvalid("EndDate", "must be a date like 2026-11-30 or an offset like +0days")
			}
			q.End = t
		}
	}
	if q.End.Before(q.Start) {
		return errInvalid("EndDate", "must not be before StartDate")
	}
	if q.Category = query.Get("Category"); q.Category != "" {
		if _, ok := usage.Categories[q.Category]; !ok {
			return errInvalid("Category", "is not a usage category")
		}
	}
	q.AccountSIDs = []string{acc.SID}
	if acc.IsProject() && query.Get("IncludeSubaccounts") != "false" {
		subs, err := a.accounts.Subaccounts(ctx, a.pool, acc.SID)
		if err != nil {
			return err
		}
		for _, s := range subs {
			q.AccountSIDs = append(q.AccountSIDs, s.SID)
		}
	}
	records, err := usage.Records(ctx, a.pool, q)
	if err != nil {
		return err
	}
	pg, err := parsePage(r)
	if err != nil {
		return err
	}
	start := min(pg.Number*pg.Size, len(records))
	end := min(start+pg.Size, len(records))
	page := records[start:end]
	list := make([]usageRecordJSON, 0, len(page))
	base := "/2010-04-01/Accounts/" + acc.SID + "/Usage/Records"
	subs := map[string]string{}
	for k, v := range recordSubresources {
		subs[k] = base + "/" + v + ".json"
	}
	for _, rec := range page {
		info := usage.Categories[rec.Category]
		use, unit := rec.Usage.String(), info.UsageUnit
		count := strconv.FormatInt(rec.Count, 10)
		if rec.Category == usage.TotalPrice {
			unit, count = strings.ToLower(acc.Currency), "0"
		}
		v := url.Values{"Category": {rec.Category}, "StartDate": {rec.Start.Format("2006-01-02")}, "EndDate": {rec.End.Format("2006-01-02")}}
		list = append(list, usageRecordJSON{
			AccountSID: acc.SID, APIVersion: "2010-04-01", AsOf: now.Format(time.RFC3339), Category: rec.Category, Count: count,
			CountUnit: info.CountUnit, Description: info.Description, EndDate: rec.End.Format("2006-01-02"), Price: rec.Price.String(),
			PriceUnit: strings.ToLower(acc.Currency), StartDate: rec.Start.Format("2006-01-02"), SubresourceURIs: subs,
			URI: base + ".json?" + v.Encode(), Usage: use, UsageUnit: unit,
		})
	}
	// Records are computed, not stored rows: pages are positions in the
	// computed list, which rows added later extend only at their dates.
	env := envelope(r, page1(pg), len(list), "", end < len(records))
	if end < len(records) {
		env["next_page_uri"] = withPage(r, pg.Number+1, pg.Size)
	}
	env["usage_records"] = list
	writeJSON(w, http.StatusOK, env)
	return nil
}

// page1 drops a page token: computed records page by position only.
func page1(p page) page { p.After = ""; return p }

func withPage(r *http.Request, number, size int) string {
	q := r.URL.Query()
	q.Del("PageToken")
	q.Set("Page", strconv.Itoa(number))
	q.Set("PageSize", strconv.Itoa(size))
	return r.URL.Path + "?" + q.Encode()
}
