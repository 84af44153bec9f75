package api

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"console/internal/account"
	"console/internal/audit"
	"console/internal/billing"
	"console/internal/messaging"
	"console/internal/sid"
)

// messageJSON is Twilio's Message resource.
type messageJSON struct {
	AccountSID          string            `json:"account_sid"`
	APIVersion          string            `json:"api_version"`
	Body                string            `json:"body"`
	DateCreated         string            `json:"date_created"`
	DateSent            *string           `json:"date_sent"`
	DateUpdated         string            `json:"date_updated"`
	Direction           string            `json:"direction"`
	ErrorCode           *int              `json:"error_code"`
	ErrorMessage        *string           `json:"error_message"`
	From                string            `json:"from"`
	MessagingServiceSID *string           `json:"messaging_service_sid"`
	NumMedia            string            `json:"num_media"`
	NumSegments         string            `json:"num_segments"`
	Price               *string           `json:"price"`
	PriceUnit           string            `json:"price_unit"`
	SID                 string            `json:"sid"`
	Status              string            `json:"status"`
	SubresourceURIs     map[string]string `json:"subresource_uris"`
	To                  string            `json:"to"`
	URI                 string            `json:"uri"`
}

func messageResource(accountSID string, m *messaging.Message) messageJSON {
	base := "/2010-04-01/Accounts/" + accountSID + "/Messages/" + m.SID
	price := m.Price.Neg().StringFixed(5)
	out := messageJSON{
		AccountSID: accountSID, APIVersion: "2010-04-01", Body: m.Body, DateCreated: rfc2822(m.DateCreated), DateUpdated: rfc2822(m.DateUpdated),
		Direction: m.Direction, From: m.From, NumMedia: "0", NumSegments: strconv.Itoa(m.NumSegments), Price: &price, PriceUnit: m.PriceUnit,
		SID: m.SID, Status: m.Status, To: m.To, URI: base + ".json",
		SubresourceURIs: map[string]string{"media": base + "/Media.json", "feedback": base + "/Feedback.json"},
	}
	if m.DateSent != nil {
		s := rfc2822(*m.DateSent)
		out.DateSent = &s
	}
	return out
}

func twilioError(status, code int, msg string) *Error {
	return &Error{Status: status, Code: code, Message: msg}
}

// Twilio's answers to its magic test numbers: with test credentials
// nothing is sent, stored or charged, and these numbers give these errors.
var (
	testFromErrors = map[string]*Error{
		"+15005550001": twilioError(400, 21212, "The 'From' number +15005550001 is not a valid phone number, shortcode, or alphanumeric sender ID."),
		"+15005550007": twilioError(400, 21606, "The 'From' phone number provided (+15005550007) is not a valid message-capable Twilio phone number for this destination/account."),
		"+15005550008": twilioError(400, 21611, "This 'From' number has exceeded the maximum number of queued messages."),
	}
	testToErrors = map[string]*Error{
		"+15005550001": twilioError(400, 21211, "Invalid 'To' Phone Number: +15005550001"),
		"+15005550002": twilioError(400, 21612, "The 'To' phone number: +15005550002, is not currently reachable using the 'From' phone number via SMS."),
		"+15005550003": twilioError(400, 21408, "Permission to send an SMS has not been enabled for the region indicated by the 'To' number: +15005550003."),
		"+15005550004": twilioError(400, 21610, "Attempt to send to unsubscribed recipient"),
		"+15005550009": twilioError(400, 21614, "'To' number is not a valid mobile number"),
	}
)

// testFromNumber is the magic From number that succeeds with test credentials.
const testFromNumber = "+15005550006"

var errAccountNotActive = twilioError(http.StatusForbidden, 10001, "Account is not active: add funds to the project's balance")

// sendError answers a refused message with Twilio's code and wording.
func sendError(err error, req messaging.SendRequest) error {
	switch {
	case errors.Is(err, messaging.ErrToRequired):
		return twilioError(400, 21604, "A 'To' phone number is required.")
	case errors.Is(err, messaging.ErrFromRequired):
		return twilioError(400, 21603, "A 'From' phone number is required.")
	case errors.Is(err, messaging.ErrBodyRequired):
		return twilioError(400, 21602, "Message body is required.")
	case errors.Is(err, messaging.ErrBodyTooLong):
		return twilioError(400, 21617, "The concatenated message body exceeds the 1600 character limit.")
	case errors.Is(err, messaging.ErrStatusCallback):
		return twilioError(400, 21609, "Invalid StatusCallback url")
	case errors.Is(err, messaging.ErrInvalidTo):
		return twilioError(400, 21211, "Invalid 'To' Phone Number: "+req.To)
	case errors.Is(err, messaging.ErrInvalidFrom):
		return twilioError(400, 21212, "The 'From' number "+req.From+" is not a valid phone number, shortcode, or alphanumeric sender ID.")
	case errors.Is(err, messaging.ErrFromNotOwned):
		return twilioError(400, 21606, "The From phone number "+req.From+" is not a valid, SMS-capable inbound phone number or short code for your account.")
	case errors.Is(err, messaging.ErrRegion):
		return twilioError(400, 21408, "Permission to send an SMS has not been enabled for the region indicated by the 'To' number: "+req.To+".")
	case errors.Is(err, billing.ErrSuspended), errors.Is(err, billing.ErrInsufficientFunds):
		return errAccountNotActive
	case errors.Is(err, account.ErrNotActive):
		return errAccountInactive
	}
	return err
}

func (a *API) createMessage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := principal(ctx)
	acc, err := a.targetAccount(r, "accountSid")
	if err != nil {
		return err
	}
	req := messaging.SendRequest{To: strings.TrimSpace(r.PostFormValue("To")), From: strings.TrimSpace(r.PostFormValue("From")),
		Body: r.PostFormValue("Body"), StatusCallback: r.PostFormValue("StatusCallback")}
	if p.Cred == account.CredTest {
		return a.testMessage(w, p.TestSID, acc, req)
	}
	m, err := a.messages.Send(ctx, acc, req)
	if err != nil {
		return sendError(err, req)
	}
	writeJSON(w, http.StatusCreated, messageResource(acc.SID, m))
	return nil
}

// testMessage answers test credentials: the fields are checked as for a
// live message, then Twilio's magic numbers decide; nothing is sent,
// stored or charged.
func (a *API) testMessage(w http.ResponseWriter, testSID string, acc *account.Account, req messaging.SendRequest) error {
	if err := req.Validate(); err != nil {
		return sendError(err, req)
	}
	if e, ok := testFromErrors[req.From]; ok {
		return e
	}
	if e, ok := testToErrors[req.To]; ok {
		return e
	}
	if req.From != testFromNumber {
		return testFromErrors["+15005550007"]
	}
	seg := messaging.Count(req.Body)
	now := time.Now()
	m := &messaging.Message{SID: sid.New("SM"), To: req.To, From: req.From, Body: req.Body, Status: messaging.StatusQueued, Direction: "outbound-api",
		NumSegments: seg.Count, Encoding: seg.Encoding, PriceUnit: acc.Currency, DateCreated: now, DateUpdated: now}
	writeJSON(w, http.StatusCreated, messageResource(testSID, m))
	return nil
}

func (a *API) getMessage(w http.ResponseWriter, r *http.Request) error {
	acc, err := a.targetAccount(r, "accountSid")
	if err != nil {
		return err
	}
	m, err := a.messages.Get(r.Context(), acc, chi.URLParam(r, "sid"))
	if errors.Is(err, messaging.ErrNotFound) {
		return errNotFound(r.URL.Path)
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, messageResource(acc.SID, m))
	return nil
}

func (a *API) listMessages(w http.ResponseWriter, r *http.Request) error {
	acc, err := a.targetAccount(r, "accountSid")
	if err != nil {
		return err
	}
	pg, err := parsePage(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := messaging.Filter{To: q.Get("To"), From: q.Get("From")}
	if f.SentSince, f.SentBefore, err = dayRange(q, "DateSent"); err != nil {
		return err
	}
	msgs, err := a.messages.List(r.Context(), acc, f, pg.keyset())
	if err != nil {
		return err
	}
	return writePage(w, r, pg, msgs, "messages", func(m *messaging.Message) string { return m.SID },
		func(m *messaging.Message) (messageJSON, error) { return messageResource(acc.SID, m), nil })
}

// messageChangeError answers a refused redaction or deletion.
func messageChangeError(r *http.Request, err error, what string) error {
	switch {
	case errors.Is(err, messaging.ErrNotFound):
		return errNotFound(r.URL.Path)
	case errors.Is(err, messaging.ErrInFlight):
		return twilioError(http.StatusBadRequest, 20009, "Cannot "+what+" message because delivery has not been completed")
	case errors.Is(err, account.ErrNotActive):
		return errAccountInactive
	}
	return err
}

// updateMessage redacts a message: Twilio's only change to a sent
// message's content is an empty Body. Without a Body it answers the
// message unchanged; a message that was never scheduled cannot be
// canceled (30409).
func (a *API) updateMessage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	acc, err := a.targetAccount(r, "accountSid")
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return errInvalid("body", "must be form-encoded")
	}
	sid := chi.URLParam(r, "sid")
	if st := r.PostForm.Get("Status"); st != "" {
		if _, err := a.messages.Get(ctx, acc, sid); err != nil {
			return messageChangeError(r, err, "cancel")
		}
		return twilioError(http.StatusBadRequest, 30409, "This message cannot be canceled: only a scheduled message can be")
	}
	body, ok := r.PostForm["Body"]
	if !ok {
		m, err := a.messages.Get(ctx, acc, sid)
		if err != nil {
			return messageChangeError(r, err, "update")
		}
		writeJSON(w, http.StatusOK, messageResource(acc.SID, m))
		return nil
	}
	if body[0] != "" {
		return errInvalid("Body", "must be empty: a sent message can only be redacted")
	}
	m, err := a.messages.Redact(ctx, audit.ActorFrom(ctx), acc, sid)
	if err != nil {
		return messageChangeError(r, err, "redact")
	}
	writeJSON(w, http.StatusOK, messageResource(acc.SID, m))
	return nil
}

// deleteMessage removes a message from the logs; its charge and usage stay.
func (a *API) deleteMessage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	acc, err := a.targetAccount(r, "accountSid")
	if err != nil {
		return err
	}
	if err := a.messages.Delete(ctx, audit.ActorFrom(ctx), acc, chi.URLParam(r, "sid")); err != nil {
		return messageChangeError(r, err, "delete")
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
