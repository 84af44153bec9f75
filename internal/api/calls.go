package api

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/jackc/pgx/v5"
	"github.com/shopspring/decimal"

	"console/internal/account"
	"console/internal/billing"
	"console/internal/messaging"
	"console/internal/sid"
	"console/internal/usage"
	"console/internal/voice"
)

// callJSON is Twilio's Call resource.
type callJSON struct {
	AccountSID      string            `json:"account_sid"`
	Annotation      *string           `json:"annotation"`
	AnsweredBy      *string           `json:"answered_by"`
	APIVersion      string            `json:"api_version"`
	CallerName      *string           `json:"caller_name"`
	DateCreated     string            `json:"date_created"`
	DateUpdated     string            `json:"date_updated"`
	Direction       string            `json:"direction"`
	Duration        string            `json:"duration"`
	EndTime         *string           `json:"end_time"`
	ForwardedFrom   *string           `json:"forwarded_from"`
	From            string            `json:"from"`
	FromFormatted   string            `json:"from_formatted"`
	GroupSID        *string           `json:"group_sid"`
	ParentCallSID   *string           `json:"parent_call_sid"`
	PhoneNumberSID  *string           `json:"phone_number_sid"`
	Price           *string           `json:"price"`
	PriceUnit       string            `json:"price_unit"`
	QueueTime       string            `json:"queue_time"`
	SID             string            `json:"sid"`
	StartTime       *string           `json:"start_time"`
	Status          string            `json:"status"`
	SubresourceURIs map[string]string `json:"subresource_uris"`
	To              string            `json:"to"`
	ToFormatted     string            `json:"to_formatted"`
	TrunkSID        *string           `json:"trunk_sid"`
	URI             string            `json:"uri"`
}

func optionalTime(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := rfc2822(*t)
	return &s
}

func callResource(accountSID string, c *voice.Call) callJSON {
	base := "/2010-04-01/Accounts/" + accountSID + "/Calls/" + c.SID
	price := c.Price.Neg().StringFixed(5)
	return callJSON{
		AccountSID: accountSID, APIVersion: "2010-04-01", DateCreated: rfc2822(c.DateCreated), DateUpdated: rfc2822(c.DateUpdated),
		Direction: c.Direction, Duration: strconv.Itoa(c.Duration), EndTime: optionalTime(c.EndTime), From: c.From, FromFormatted: c.From,
		Price: &price, PriceUnit: c.PriceUnit, QueueTime: "0", SID: c.SID, StartTime: optionalTime(c.StartTime), Status: c.Status,
		To: c.To, ToFormatted: c.To, URI: base + ".json",
		SubresourceURIs: map[string]string{"notifications": base + "/Notifications.json", "recordings": base + "/Recordings.json"},
	}
}

// Twilio's answers to its magic numbers for calls made with test credentials.
var (
	testCallFromErrors = map[string]*Error{
		"+15005550001": twilioError(400, 21212, "The 'From' number +15005550001 is not a valid phone number."),
		"+15005550007": twilioError(400, 21210, "The source phone number provided, +15005550007, is not yet verified for your account."),
	}
	testCallToErrors = map[string]*Error{
		"+15005550001": twilioError(400, 21211, "Invalid 'To' Phone Number: +15005550001"),
		"+15005550002": twilioError(400, 21214, "'To' phone number cannot be reached"),
		"+15005550003": twilioError(400, 21215, "Account not authorized to call +15005550003. Perhaps you need to enable some international permissions."),
	}
)

func validCallbackURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

func (a *API) createCall(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := principal(ctx)
	acc, err := a.targetAccount(r, "accountSid")
	if err != nil {
		return err
	}
	to, from := strings.TrimSpace(r.PostFormValue("To")), strings.TrimSpace(r.PostFormValue("From"))
	callURL, twiml := strings.TrimSpace(r.PostFormValue("Url")), r.PostFormValue("Twiml")
	switch {
	case to == "":
		return twilioError(400, 21201, "No 'To' number is specified")
	case from == "":
		return twilioError(400, 21213, "No 'From' number is specified")
	case callURL == "" && strings.TrimSpace(twiml) == "":
		return twilioError(400, 21205, "A 'Url' or 'Twiml' parameter is required")
	case callURL != "" && !validCallbackURL(callURL):
		return twilioError(400, 21205, "Url is not a valid URL: "+callURL)
	}
	now := time.Now()
	c := &voice.Call{SID: sid.New("CA"), ProjectSID: acc.ProjectSID, AccountSID: acc.SID, To: to, From: from, Direction: "outbound-api",
		PriceUnit: acc.Currency, URL: callURL, Twiml: twiml}
	if p.Cred == account.CredTest {
		if e, ok := testCallFromErrors[from]; ok {
			return e
		}
		if e, ok := testCallToErrors[to]; ok {
			return e
		}
		if from != testFromNumber {
			return testCallFromErrors["+15005550007"]
		}
		c.Status, c.DateCreated, c.DateUpdated = "queued", now, now
		writeJSON(w, http.StatusCreated, callResource(p.TestSID, c))
		return nil
	}
	if !messaging.ValidNumber(to) {
		return twilioError(400, 21211, "Invalid 'To' Phone Number: "+to)
	}
	if !messaging.ValidNumber(from) {
		return twilioError(400, 21212, "The 'From' number "+from+" is not a valid phone number.")
	}
	price, _, err := usage.Price(ctx, a.pool, usage.CallsOutbound, messaging.Country(to), acc.Currency)
	if errors.Is(err, usage.ErrNoPrice) {
		return twilioError(400, 21215, "Account not authorized to call "+to+". Perhaps you need to enable some international permissions.")
	}
	if err != nil {
		return err
	}
	// The simulated callee answers at once and hangs up after the duration.
	c.Duration = voice.SimulatedDuration(c.SID)
	minutes := voice.Minutes(c.Duration)
	end := now.Add(time.Duration(c.Duration) * time.Second)
	c.Status, c.StartTime, c.EndTime = "completed", &now, &end
	c.Price = price.Mul(decimal.NewFromInt(int64(minutes)))
	err = a.billing.Ledger.Debit(ctx, billing.Debit{ProjectSID: acc.ProjectSID, AccountSID: acc.SID, Kind: billing.KindUsage,
		Source: "call:" + c.SID, Amount: c.Price, Note: usage.CallsOutbound,
		Apply: func(ctx context.Context, tx pgx.Tx) error {
			if err := voice.Insert(ctx, tx, c); err != nil {
				return err
			}
			return usage.Record(ctx, tx, usage.Event{ProjectSID: acc.ProjectSID, AccountSID: acc.SID, Category: usage.CallsOutbound,
				Count: 1, Usage: decimal.NewFromInt(int64(minutes)), Price: c.Price, Source: c.SID})
		}})
	if errors.Is(err, billing.ErrSuspended) || errors.Is(err, billing.ErrInsufficientFunds) {
		return errAccountNotActive
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, callResource(acc.SID, c))
	return nil
}

func (a *API) getCall(w http.ResponseWriter, r *http.Request) error {
	acc, err := a.targetAccount(r, "accountSid")
	if err != nil {
		return err
	}
	c, err := voice.Get(r.Context(), a.pool, acc.ProjectSID, acc.SID, chi.URLParam(r, "sid"))
	if errors.Is(err, voice.ErrNotFound) {
		return errNotFound(r.URL.Path)
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, callResource(acc.SID, c))
	return nil
}

func (a *API) listCalls(w http.ResponseWriter, r *http.Request) error {
	acc, err := a.targetAccount(r, "accountSid")
	if err != nil {
		return err
	}
	pg, err := parsePage(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	calls, err := voice.List(r.Context(), a.pool, acc.ProjectSID, acc.SID, q.Get("To"), q.Get("From"), pg.After, pg.Offset(), pg.Size+1)
	if err != nil {
		return err
	}
	return writePage(w, r, pg, calls, "calls", func(c *voice.Call) string { return c.SID },
		func(c *voice.Call) (callJSON, error) { return callResource(acc.SID, c), nil })
}
