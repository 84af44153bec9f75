package api

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"
	"github.com/jackc/pgx/v5"
	"github.com/shopspring/decimal"

	"console/internal/account"
	"console/internal/billing"
	"console/internal/messaging"
	"console/internal/sid"
	"console/internal/usage"
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

const maxBodyLength = 1600

var errAccountNotActive = twilioError(http.StatusForbidden, 10001, "Account is not active: add funds to the project's balance")

func (a *API) createMessage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := principal(ctx)
	acc, err := a.targetAccount(r, "accountSid")
	if err != nil {
		return err
	}
	to, from, body := strings.TrimSpace(r.PostFormValue("To")), strings.TrimSpace(r.PostFormValue("From")), r.PostFormValue("Body")
	switch {
	case to == "":
		return twilioError(400, 21604, "A 'To' phone number is required.")
	case from == "":
		return twilioError(400, 21603, "A 'From' phone number is required.")
	case body == "":
		return twilioError(400, 21602, "Message body is required.")
	case utf8.RuneCountInString(body) > maxBodyLength:
		return twilioError(400, 21617, "The concatenated message body exceeds the 1600 character limit.")
	case r.PostFormValue("StatusCallback") != "" && !validCallbackURL(r.PostFormValue("StatusCallback")):
		return twilioError(400, 21609, "Invalid StatusCallback url")
	}
	seg := messaging.Count(body)
	m := &messaging.Message{SID: sid.New("SM"), ProjectSID: acc.ProjectSID, AccountSID: acc.SID, To: to, From: from, Body: body,
		Status: messaging.StatusQueued, Direction: "outbound-api", NumSegments: seg.Count, Encoding: seg.Encoding,
		PriceUnit: acc.Currency, StatusCallback: r.PostFormValue("StatusCallback")}

	if p.Cred == account.CredTest {
		if e, ok := testFromErrors[from]; ok {
			return e
		}
		if e, ok := testToErrors[to]; ok {
			return e
		}
		if from != testFromNumber {
			return testFromErrors["+15005550007"]
		}
		m.DateCreated, m.DateUpdated = time.Now(), time.Now()
		writeJSON(w, http.StatusCreated, messageResource(p.TestSID, m))
		return nil
	}

	if !messaging.ValidNumber(to) {
		return twilioError(400, 21211, "Invalid 'To' Phone Number: "+to)
	}
	if !messaging.ValidNumber(from) {
		return twilioError(400, 21212, "The 'From' number "+from+" is not a valid phone number, shortcode, or alphanumeric sender ID.")
	}
	country := messaging.Country(to)
	price, _, err := usage.Price(ctx, a.pool, usage.SMSOutbound, country, acc.Currency)
	if errors.Is(err, usage.ErrNoPrice) {
		return twilioError(400, 21408, "Permission to send an SMS has not been enabled for the region indicated by the 'To' number: "+to+".")
	}
	if err != nil {
		return err
	}
	m.Price = price.Mul(decimal.NewFromInt(int64(seg.Count)))
	err = a.billing.Ledger.Debit(ctx, billing.Debit{ProjectSID: acc.ProjectSID, AccountSID: acc.SID, Kind: billing.KindUsage,
		Source: "message:" + m.SID, Amount: m.Price, Note: usage.SMSOutbound,
		Apply: func(ctx context.Context, tx pgx.Tx) error {
			if err := messaging.Insert(ctx, tx, m); err != nil {
				return err
			}
			if err := usage.Record(ctx, tx, usage.Event{ProjectSID: acc.ProjectSID, AccountSID: acc.SID, Category: usage.SMSOutbound,
				Count: 1, Usage: decimal.NewFromInt(int64(seg.Count)), Price: m.Price, Source: m.SID}); err != nil {
				return err
			}
			_, err := a.jobs.InsertTx(ctx, tx, messaging.ProgressArgs{ProjectSID: acc.ProjectSID, SID: m.SID}, nil)
			return err
		}})
	if errors.Is(err, billing.ErrSuspended) || errors.Is(err, billing.ErrInsufficientFunds) {
		return errAccountNotActive
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, messageResource(acc.SID, m))
	return nil
}

func (a *API) getMessage(w http.ResponseWriter, r *http.Request) error {
	acc, err := a.targetAccount(r, "accountSid")
	if err != nil {
		return err
	}
	m, err := messaging.Get(r.Context(), a.pool, acc.ProjectSID, acc.SID, chi.URLParam(r, "sid"))
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
	if d := q.Get("DateSent"); d != "" {
		t, err := time.Parse("2006-01-02", d)
		if err != nil {
			return errInvalid("DateSent", "must be a date like 2026-11-27")
		}
		f.SentOn = &t
	}
	msgs, err := messaging.List(r.Context(), a.pool, acc.ProjectSID, acc.SID, f, pg.After, pg.Offset(), pg.Size+1)
	if err != nil {
		return err
	}
	return writePage(w, r, pg, msgs, "messages", func(m *messaging.Message) string { return m.SID },
		func(m *messaging.Message) (messageJSON, error) { return messageResource(acc.SID, m), nil })
}
