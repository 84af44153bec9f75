package messaging

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/shopspring/decimal"

	"console/internal/account"
	"console/internal/billing"
	"console/internal/sid"
	"console/internal/usage"
)

// Why a message is refused. The API answers each with Twilio's code;
// nothing is stored or charged for any of them.
var (
	ErrToRequired     = errors.New("messaging: To is required")
	ErrFromRequired   = errors.New("messaging: From is required")
	ErrBodyRequired   = errors.New("messaging: Body is required")
	ErrBodyTooLong    = errors.New("messaging: Body exceeds 1600 characters")
	ErrStatusCallback = errors.New("messaging: StatusCallback is not an http(s) URL")
	ErrInvalidTo      = errors.New("messaging: To is not an E.164 number")
	ErrInvalidFrom    = errors.New("messaging: From is not an E.164 number")
	// ErrFromNotOwned: the sending account does not own the From number
	// (a number of a sibling subaccount or of another project is not its
	// own), or the number does not send SMS (numbers.SMSCapable).
	ErrFromNotOwned = errors.New("messaging: From is not an SMS-capable number of the account")
	// ErrRegion: the price list has no price to the destination, so the
	// console does not send there.
	ErrRegion = errors.New("messaging: destination not enabled")
	// ErrFuture: a request dated later than now.
	ErrFuture = errors.New("messaging: At is in the future")
)

// MaxBodyLength is the longest body, in characters, as Twilio's.
const MaxBodyLength = 1600

// SendRequest is a message to send.
type SendRequest struct {
	To, From, Body string
	// StatusCallback, when set, is told each status change of a message
	// sent now.
	StatusCallback string
	// At dates a message sent in the past (seeded history); zero means now.
	// The simulated carrier delivers within deliveryDelay, so a dated
	// message is recorded delivered at once: no job moves it, and no
	// StatusCallback is posted for it.
	At time.Time
}

// Validate checks the request's fields without touching the database, in
// the order Twilio checks them. Test credentials stop after it: their
// magic numbers decide the rest.
func (r SendRequest) Validate() error {
	switch {
	case r.To == "":
		return ErrToRequired
	case r.From == "":
		return ErrFromRequired
	case r.Body == "":
		return ErrBodyRequired
	case utf8.RuneCountInString(r.Body) > MaxBodyLength:
		return ErrBodyTooLong
	case r.StatusCallback != "" && !ValidURL(r.StatusCallback):
		return ErrStatusCallback
	}
	return nil
}

// ValidURL reports whether s is an absolute http or https URL, as
// callbacks and TwiML URLs must be.
func ValidURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// Sender sends messages for the API and the demo alike, so that every
// message is validated, priced, charged and recorded the same way.
type Sender struct {
	Pool   *pgxpool.Pool
	Ledger *billing.Ledger
	Prices *usage.PriceList
}

// Send validates req, prices the message's segments to the destination,
// and charges acc's project with the message and its usage event, in the
// debit's transaction, which also checks that acc owns the From number;
// the simulated carrier then moves a message sent now to sent and
// delivered. It
// returns one of this package's Err* values, account.ErrNotActive (acc is
// suspended or closed), billing.ErrSuspended or
// billing.ErrInsufficientFunds, or a database error; on any of them
// nothing is stored or charged.
func (s *Sender) Send(ctx context.Context, acc *account.Account, req SendRequest) (*Message, error) {
	if !acc.Active() {
		return nil, account.ErrNotActive
	}
	req.To, req.From = strings.TrimSpace(req.To), strings.TrimSpace(req.From)
	if err := req.Validate(); err != nil {
		return nil, err
	}
	if !ValidNumber(req.To) {
		return nil, ErrInvalidTo
	}
	if !ValidNumber(req.From) {
		return nil, ErrInvalidFrom
	}
	dated := !req.At.IsZero()
	if dated && req.At.After(time.Now()) {
		return nil, ErrFuture
	}
	price, _, err := s.Prices.Price(ctx, usage.SMSOutbound, Country(req.To), acc.Currency)
	if errors.Is(err, usage.ErrNoPrice) {
		return nil, ErrRegion
	}
	if err != nil {
		return nil, err
	}
	seg := Count(req.Body)
	m := &Message{SID: sid.New("SM"), ProjectSID: acc.ProjectSID, AccountSID: acc.SID, To: req.To, From: req.From, Body: req.Body,
		Status: StatusQueued, Direction: "outbound-api", NumSegments: seg.Count, Encoding: seg.Encoding,
		Price: price.Mul(decimal.NewFromInt(int64(seg.Count))), PriceUnit: acc.Currency, StatusCallback: req.StatusCallback}
	if dated {
		sent, delivered := req.At, req.At.Add(deliveryDelay)
		m.Status, m.DateCreated, m.DateSent, m.DateUpdated = StatusDelivered, req.At, &sent, delivered
	}
	err = s.Ledger.Debit(ctx, billing.Debit{ProjectSID: acc.ProjectSID, AccountSID: acc.SID, Kind: billing.KindUsage,
		Source: "message:" + m.SID, Amount: m.Price, Note: usage.SMSOutbound, At: req.At,
		Writes: &outgoing{m: m, event: usage.Event{ProjectSID: acc.ProjectSID, AccountSID: acc.SID, Category: usage.SMSOutbound,
			Count: 1, Usage: decimal.NewFromInt(int64(seg.Count)), Price: m.Price, Source: m.SID, At: req.At}}})
	if err != nil {
		return nil, err
	}
	return m, nil
}

// outgoing is what a message's debit writes: the message and its usage
// event. The simulated carrier finds a message sent now by its status.
type outgoing struct {
	m     *Message
	event usage.Event
}

// WriteAll queues a debit batch's messages and their usage: two
// statements for the whole batch. That each account owns its From number
// is checked by the insert, in the charge's transaction: a message whose
// number is not its account's fails the batch, which the ledger then
// makes again with each message on its own, refusing that one alone.
func (o *outgoing) WriteAll(ctx context.Context, _ pgx.Tx, b *pgx.Batch, batch []billing.Writes) error {
	msgs, events := make([]*Message, len(batch)), make([]usage.Event, len(batch))
	for i, w := range batch {
		x := w.(*outgoing)
		msgs[i], events[i] = x.m, x.event
	}
	queueInsert(b, msgs, true)
	usage.QueueRecordAll(ctx, b, events)
	return nil
}
