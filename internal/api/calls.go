package api

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"console/internal/account"
	"console/internal/billing"
	"console/internal/sid"
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
	Duration        *string           `json:"duration"`
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

// callResource renders c as Twilio does: its duration once it has ended,
// its price once it has been charged (null for a call that never
// connected), null before.
func callResource(accountSID string, c *voice.Call) callJSON {
	base := "/2010-04-01/Accounts/" + accountSID + "/Calls/" + c.SID
	var duration, price *string
	if c.Ended() {
		d := strconv.Itoa(c.Duration)
		duration = &d
	}
	if c.Charged() {
		p := c.Price.Neg().StringFixed(5)
		price = &p
	}
	return callJSON{
		AccountSID: accountSID, APIVersion: "2010-04-01", DateCreated: rfc2822(c.DateCreated), DateUpdated: rfc2822(c.DateUpdated),
		Direction: c.Direction, Duration: duration, EndTime: optionalTime(c.EndTime), From: c.From, FromFormatted: c.From,
		Price: price, PriceUnit: c.PriceUnit, QueueTime: "0", SID: c.SID, StartTime: optionalTime(c.StartTime), Status: c.Status,
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

// callError answers a refused call with Twilio's code and wording.
func callError(err error, req voice.CallRequest) error {
	switch {
	case errors.Is(err, voice.ErrToRequired):
		return twilioError(400, 21201, "No 'To' number is specified")
	case errors.Is(err, voice.ErrFromRequired):
		return twilioError(400, 21213, "No 'From' number is specified")
	case errors.Is(err, voice.ErrNoInstructions):
		return twilioError(400, 21205, "A 'Url' or 'Twiml' parameter is required")
	case errors.Is(err, voice.ErrInvalidURL):
		return twilioError(400, 21205, "Url is not a valid URL: "+req.URL)
	case errors.Is(err, voice.ErrStatusCallback):
		return twilioError(400, 21609, "Invalid StatusCallback url")
	case errors.Is(err, voice.ErrStatusCallbackEvent):
		return twilioError(400, 21626, "Invalid 'StatusCallbackEvent': each must be initiated, ringing, answered or completed")
	case errors.Is(err, voice.ErrStatusCallbackMethod):
		return errInvalid("StatusCallbackMethod", "must be GET or POST")
	case errors.Is(err, voice.ErrInvalidTo):
		return twilioError(400, 21211, "Invalid 'To' Phone Number: "+req.To)
	case errors.Is(err, voice.ErrInvalidFrom):
		return twilioError(400, 21212, "The 'From' number "+req.From+" is not a valid phone number.")
	case errors.Is(err, voice.ErrFromNotOwned):
		return twilioError(400, 21210, "The source phone number provided, "+req.From+
			", is not yet verified for your account. You may only make calls from phone numbers that you've verified or purchased from Twilio.")
	case errors.Is(err, voice.ErrRegion):
		return twilioError(400, 21215, "Account not authorized to call "+req.To+". Perhaps you need to enable some international permissions.")
	case errors.Is(err, billing.ErrSuspended), errors.Is(err, billing.ErrInsufficientFunds):
		return errAccountNotActive
	case errors.Is(err, account.ErrNotActive):
		return errAccountInactive
	}
	return err
}

func (a *API) createCall(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := principal(ctx)
	acc, err := a.targetAccount(r, "accountSid")
	if err != nil {
		return err
	}
	req := voice.CallRequest{To: strings.TrimSpace(r.PostFormValue("To")), From: strings.TrimSpace(r.PostFormValue("From")),
		URL: strings.TrimSpace(r.PostFormValue("Url")), Twiml: r.PostFormValue("Twiml"),
		StatusCallback: strings.TrimSpace(r.PostFormValue("StatusCallback")), StatusCallbackMethod: r.PostFormValue("StatusCallbackMethod"),
		StatusCallbackEvents: r.PostForm["StatusCallbackEvent"]}
	if p.Cred == account.CredTest {
		return a.testCall(w, p.TestSID, acc, req)
	}
	c, err := a.calls.Place(ctx, acc, req)
	if err != nil {
		return callError(err, req)
	}
	writeJSON(w, http.StatusCreated, callResource(acc.SID, c))
	return nil
}

// testCall answers test credentials: the fields are checked as for a live
// call, then Twilio's magic numbers decide; nothing is placed, stored or
// charged.
func (a *API) testCall(w http.ResponseWriter, testSID string, acc *account.Account, req voice.CallRequest) error {
	if err := req.Validate(); err != nil {
		return callError(err, req)
	}
	if e, ok := testCallFromErrors[req.From]; ok {
		return e
	}
	if e, ok := testCallToErrors[req.To]; ok {
		return e
	}
	if req.From != testFromNumber {
		return testCallFromErrors["+15005550007"]
	}
	now := time.Now()
	c := &voice.Call{SID: sid.New("CA"), To: req.To, From: req.From, Direction: "outbound-api", Status: voice.StatusQueued,
		PriceUnit: acc.Currency, URL: req.URL, Twiml: req.Twiml, DateCreated: now, DateUpdated: now}
	writeJSON(w, http.StatusCreated, callResource(testSID, c))
	return nil
}

func (a *API) getCall(w http.ResponseWriter, r *http.Request) error {
	acc, err := a.targetAccount(r, "accountSid")
	if err != nil {
		return err
	}
	c, err := a.calls.Get(r.Context(), acc, chi.URLParam(r, "sid"))
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
	f := voice.Filter{To: q.Get("To"), From: q.Get("From")}
	if f.StartedSince, f.StartedBefore, err = dayRange(q, "StartTime"); err != nil {
		return err
	}
	if f.EndedSince, f.EndedBefore, err = dayRange(q, "EndTime"); err != nil {
		return err
	}
	calls, err := a.calls.List(r.Context(), acc, f, pg.keyset())
	if err != nil {
		return err
	}
	return writePage(w, r, pg, calls, "calls", func(c *voice.Call) string { return c.SID },
		func(c *voice.Call) (callJSON, error) { return callResource(acc.SID, c), nil })
}

// updateCall ends a call early: Status=canceled while it is queued or
// ringing, Status=completed while it is in progress. Without a Status
// (a redirect, which the simulated network has nothing to do with) the
// call is answered as it is.
func (a *API) updateCall(w http.ResponseWriter, r *http.Request) error {
	acc, err := a.targetAccount(r, "accountSid")
	if err != nil {
		return err
	}
	callSID, status := chi.URLParam(r, "sid"), strings.TrimSpace(r.PostFormValue("Status"))
	var c *voice.Call
	if status == "" {
		c, err = a.calls.Get(r.Context(), acc, callSID)
	} else {
		c, err = a.calls.Update(r.Context(), principal(r.Context()).actor(r), acc, callSID, status)
	}
	switch {
	case errors.Is(err, voice.ErrNotFound):
		return errNotFound(r.URL.Path)
	case errors.Is(err, voice.ErrInvalidStatus):
		return errInvalid("Status", "must be canceled or completed")
	case errors.Is(err, voice.ErrInvalidState):
		return twilioError(400, 21220, "Invalid call state: Status=canceled ends a queued or ringing call, Status=completed one in progress")
	case err != nil:
		return err
	}
	writeJSON(w, http.StatusOK, callResource(acc.SID, c))
	return nil
}
