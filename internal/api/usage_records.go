package api

import (
	"errors"
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

var offsetDate = regexp.MustCompile(`^([+-]?\d{1,6})days$`)

// parseUsageDate reads a date (2026-11-27) or an offset from today
// (-30days), which must fall between usage.FirstDate and usage.LastDate.
func parseUsageDate(s string, today time.Time) (time.Time, bool) {
	var t time.Time
	if m := offsetDate.FindStringSubmatch(s); m != nil {
		n, err := strconv.Atoi(m[1])
		if err != nil {
			return time.Time{}, false
		}
		t = today.AddDate(0, 0, n)
	} else {
		var err error
		if t, err = time.Parse(time.DateOnly, s); err != nil {
			return time.Time{}, false
		}
	}
	return t, usage.InRange(t)
}

// errNoSubresource is a Usage Records subresource Twilio does not have.
var errNoSubresource = errors.New("api: no such usage records subresource")

// recordsQuery reads a Usage Records request of an account created on
// created: the subresource sets the granularity and, for the named
// periods, the dates; StartDate, EndDate and Category narrow the others.
// It reads nothing from the database; its errors are the client's.
func recordsQuery(sub string, query url.Values, today, created time.Time) (usage.Query, error) {
	q := usage.Query{Start: time.Date(created.Year(), created.Month(), created.Day(), 0, 0, 0, 0, time.UTC), End: today}
	fixed := false
	switch sub {
	case "", "AllTime":
	case "Daily":
		q.Granularity, q.Start = usage.Day, today.AddDate(0, 0, -30)
	case "Monthly":
		q.Granularity = usage.Month
	case "Yearly":
		q.Granularity = usage.Year
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
		return q, errNoSubresource
	}
	dates := "must be a date from " + usage.FirstDate.Format(time.DateOnly) + " to " + usage.LastDate.Format(time.DateOnly)
	if !fixed {
		if v := query.Get("StartDate"); v != "" {
			t, ok := parseUsageDate(v, today)
			if !ok {
				return q, errInvalid("StartDate", dates+" like 2026-11-01, or an offset from today like -30days")
			}
			q.Start = t
		}
		if v := query.Get("EndDate"); v != "" {
			t, ok := parseUsageDate(v, today)
			if !ok {
				return q, errInvalid("EndDate", dates+" like 2026-11-30, or an offset from today like +0days")
			}
			q.End = t
		}
	}
	// Defaults (the account's creation, today) are within the range by
	// construction; clamped anyway so that a clock far off cannot make
	// a request fail.
	q.Start, q.End = clampDate(q.Start), clampDate(q.End)
	if q.End.Before(q.Start) {
		return q, errInvalid("EndDate", "must not be before StartDate")
	}
	if q.Category = query.Get("Category"); q.Category != "" {
		if _, ok := usage.Categories[q.Category]; !ok {
			return q, errInvalid("Category", "is not a usage category")
		}
	}
	return q, nil
}

func clampDate(t time.Time) time.Time {
	if t.Before(usage.FirstDate) {
		return usage.FirstDate
	}
	if t.After(usage.LastDate) {
		return usage.LastDate
	}
	return t
}

func (a *API) usageRecords(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	acc, err := a.targetAccount(r, "accountSid")
	if err != nil {
		return err
	}
	now := time.Now().UTC()
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	q, err := recordsQuery(strings.TrimSuffix(chi.URLParam(r, "sub"), ".json"), r.URL.Query(), today, acc.CreatedAt.UTC())
	if errors.Is(err, errNoSubresource) {
		return errNotFound(r.URL.Path)
	}
	if err != nil {
		return err
	}
	// Records are computed, not stored rows: a page is a position in the
	// computed list, reached at the cost of the page alone.
	pg, err := parsePosition(r)
	if err != nil {
		return err
	}
	q.ProjectSID = acc.ProjectSID
	q.AccountSIDs = []string{acc.SID}
	if acc.IsProject() && r.URL.Query().Get("IncludeSubaccounts") != "false" {
		subs, err := a.AccountService.Subaccounts(ctx, acc.SID)
		if err != nil {
			return err
		}
		for _, s := range subs {
			q.AccountSIDs = append(q.AccountSIDs, s.SID)
		}
	}
	offset := pg.Number * pg.Size
	page, total, err := a.Usage.Records(ctx, q, offset, pg.Size)
	if err != nil {
		return err
	}
	more := offset+len(page) < total
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
	env := envelope(r, page1(pg), len(list), "", more)
	if more {
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
