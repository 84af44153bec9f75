package voice

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/shopspring/decimal"

	"console/internal/account"
	"console/internal/billing"
	"console/internal/messaging"
	"console/internal/numbers"
	"console/internal/sid"
	"console/internal/usage"
)

// Why a call is refused. The API answers each with Twilio's code; nothing
// is stored or charged for any of them.
var (
	ErrToRequired     = errors.New("voice: To is required")
	ErrFromRequired   = errors.New("voice: From is required")
	ErrNoInstructions = errors.New("voice: Url or Twiml is required")
	ErrInvalidURL     = errors.New("voice: Url is not an http(s) URL")
	ErrInvalidTo      = errors.New("voice: To is not an E.164 number")
	ErrInvalidFrom    = errors.New("voice: From is not an E.164 number")
	// ErrFromNotOwned: the calling account does not own the From number
	// (a number of a sibling subaccount or of another project is not its own).
	ErrFromNotOwned = errors.New("voice: From is not a number of the account")
	// ErrRegion: the price list has no price to the destination, so the
	// console does not call there.
	ErrRegion = errors.New("voice: destination not enabled")
	// ErrFuture: a request dated later than now.
	ErrFuture = errors.New("voice: At is in the future")
)

// CallRequest is a call to place.
type CallRequest struct {
	To, From string
	// URL or Twiml says what the call does; one is required.
	URL, Twiml string
	// At dates a call placed in the past (seeded history); zero means now.
	At time.Time
}

// Validate checks the request's fields without touching the database, in
// the order Twilio checks them. Test credentials stop after it: their
// magic numbers decide the rest.
func (r CallRequest) Validate() error {
	switch {
	case r.To == "":
		return ErrToRequired
	case r.From == "":
		return ErrFromRequired
	case r.URL == "" && strings.TrimSpace(r.Twiml) == "":
		return ErrNoInstructions
	case r.URL != "" && !messaging.ValidURL(r.URL):
		return ErrInvalidURL
	}
	return nil
}

// Dialer places calls for the API and the demo alike, so that every call
// is validated, priced, charged and recorded the same way.
type Dialer struct {
	Pool   *pgxpool.Pool
	Ledger *billing.Ledger
	Prices *usage.PriceList
}

// Place validates req, checks that acc owns the From number, simulates
// the call to completion (the callee answers at once and talks for
// SimulatedDuration), prices its started minutes to the destination and
// charges acc's project with the call and its usage event in the debit's
// transaction. It returns one of this package's Err* values,
// account.ErrNotActive (acc is suspended or closed), billing.ErrSuspended
// or billing.ErrInsufficientFunds, or a database error; on any of them
// nothing is stored or charged.
func (d *Dialer) Place(ctx context.Context, acc *account.Account, req CallRequest) (*Call, error) {
	if !acc.Active() {
		return nil, account.ErrNotActive
	}
	req.To, req.From, req.URL = strings.TrimSpace(req.To), strings.TrimSpace(req.From), strings.TrimSpace(req.URL)
	if err := req.Validate(); err != nil {
		return nil, err
	}
	if !messaging.ValidNumber(req.To) {
		return nil, ErrInvalidTo
	}
	if !messaging.ValidNumber(req.From) {
		return nil, ErrInvalidFrom
	}
	start := time.Now()
	if !req.At.IsZero() {
		if req.At.After(start) {
			return nil, ErrFuture
		}
		start = req.At
	}
	price, err := numbers.Outgoing(ctx, d.Pool, d.Prices, acc.ProjectSID, acc.SID, req.From, usage.CallsOutbound, messaging.Country(req.To), acc.Currency)
	switch {
	case errors.Is(err, numbers.ErrNotOwned):
		return nil, ErrFromNotOwned
	case errors.Is(err, usage.ErrNoPrice):
		return nil, ErrRegion
	}
	if err != nil {
		return nil, err
	}
	c := &Call{SID: sid.New("CA"), ProjectSID: acc.ProjectSID, AccountSID: acc.SID, To: req.To, From: req.From, Direction: "outbound-api",
		Status: StatusCompleted, PriceUnit: acc.Currency, URL: req.URL, Twiml: req.Twiml}
	c.Duration = SimulatedDuration(c.SID)
	minutes := Minutes(c.Duration)
	end := start.Add(time.Duration(c.Duration) * time.Second)
	c.StartTime, c.EndTime = &start, &end
	if !req.At.IsZero() {
		c.DateCreated, c.DateUpdated = start, end
	}
	c.Price = price.Mul(decimal.NewFromInt(int64(minutes)))
	err = d.Ledger.Debit(ctx, billing.Debit{ProjectSID: acc.ProjectSID, AccountSID: acc.SID, Kind: billing.KindUsage,
		Source: "call:" + c.SID, Amount: c.Price, Note: usage.CallsOutbound, At: req.At,
		Apply: func(ctx context.Context, tx pgx.Tx) error {
			if err := Insert(ctx, tx, c); err != nil {
				return err
			}
			return usage.Record(ctx, tx, usage.Event{ProjectSID: acc.ProjectSID, AccountSID: acc.SID, Category: usage.CallsOutbound,
				Count: 1, Usage: decimal.NewFromInt(int64(minutes)), Price: c.Price, Source: c.SID, At: req.At})
		}})
	if err != nil {
		return nil, err
	}
	return c, nil
}
