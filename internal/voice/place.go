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
	"console/internal/mail"
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
	ErrStatusCallback = errors.New("voice: StatusCallback is not an http(s) URL")
	// ErrStatusCallbackEvent: an event other than initiated, ringing,
	// answered and completed.
	ErrStatusCallbackEvent = errors.New("voice: StatusCallbackEvent is not a call event")
	// ErrStatusCallbackMethod: a method other than GET and POST.
	ErrStatusCallbackMethod = errors.New("voice: StatusCallbackMethod is not GET or POST")
	ErrInvalidTo            = errors.New("voice: To is not an E.164 number")
	ErrInvalidFrom          = errors.New("voice: From is not an E.164 number")
	// ErrFromNotOwned: the calling account does not own the From number
	// (a number of a sibling subaccount or of another project is not its own).
	ErrFromNotOwned = errors.New("voice: From is not a number of the account")
	// ErrRegion: the price list has no price to the destination, so the
	// console does not call there.
	ErrRegion = errors.New("voice: destination not enabled")
	// ErrFuture: a request dated later than now.
	ErrFuture = errors.New("voice: At is in the future")
)

// Call events a StatusCallback can subscribe to, as Twilio's.
const (
	EventInitiated = "initiated"
	EventRinging   = "ringing"
	EventAnswered  = "answered"
	EventCompleted = "completed"
)

// CallRequest is a call to place.
type CallRequest struct {
	To, From string
	// URL or Twiml says what the call does; one is required.
	URL, Twiml string
	// StatusCallback, when set, is told StatusCallbackEvents (completed
	// alone when none is given) with StatusCallbackMethod (POST when
	// empty). Each event may hold several, space-separated, as Twilio's.
	StatusCallback       string
	StatusCallbackMethod string
	StatusCallbackEvents []string
	// At dates a call placed in the past (seeded history); zero means now.
	// A dated call is recorded completed and charged at once, and no
	// StatusCallback is told of it.
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
	case r.StatusCallback != "" && !messaging.ValidURL(r.StatusCallback):
		return ErrStatusCallback
	}
	switch strings.ToUpper(r.StatusCallbackMethod) {
	case "", "GET", "POST":
	default:
		return ErrStatusCallbackMethod
	}
	if _, ok := events(r.StatusCallbackEvents); !ok {
		return ErrStatusCallbackEvent
	}
	return nil
}

// events splits Twilio's StatusCallbackEvent values (repeated, or
// space-separated in one) into distinct events; ok is false for an
// unknown one. None given means completed alone.
func events(values []string) ([]string, bool) {
	var out []string
	seen := map[string]bool{}
	for _, v := range values {
		for _, e := range strings.Fields(v) {
			e = strings.ToLower(e)
			switch e {
			case EventInitiated, EventRinging, EventAnswered, EventCompleted:
			default:
				return nil, false
			}
			if !seen[e] {
				seen[e] = true
				out = append(out, e)
			}
		}
	}
	if len(out) == 0 {
		out = []string{EventCompleted}
	}
	return out, true
}

// Network times the simulated network. Zero fields take the defaults.
type Network struct {
	// Dial is how long a call waits in the queue before it rings.
	Dial time.Duration
	// Ring is how long it rings before the callee answers, or not.
	Ring time.Duration
	// Talk is how long the callee talks; nil is SimulatedDuration.
	Talk func(callSID string) time.Duration
	// Outcome is what the callee does; nil is SimulatedOutcome.
	Outcome func(callSID string) string
}

// Default timings of the simulated network.
const (
	DefaultDial = time.Second
	DefaultRing = 4 * time.Second
)

// Service places calls for the API and the demo alike, so that every call
// is validated, priced, charged and recorded the same way, and moves them
// through their lives (Advance, Update).
type Service struct {
	Pool   *pgxpool.Pool
	Ledger *billing.Ledger
	Prices *usage.PriceList
	// Jobs enqueues the status callbacks in the transactions that change
	// a call's status; set once the River client exists.
	Jobs mail.JobInserter
	// Network times the simulated network; tests shorten it.
	Network Network
	// Now is the clock; nil is time.Now. Tests move it.
	Now func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Service) dial() time.Duration {
	if s.Network.Dial > 0 {
		return s.Network.Dial
	}
	return DefaultDial
}

func (s *Service) ring() time.Duration {
	if s.Network.Ring > 0 {
		return s.Network.Ring
	}
	return DefaultRing
}

func (s *Service) talk(callSID string) int {
	if s.Network.Talk != nil {
		return max(1, int(s.Network.Talk(callSID).Round(time.Second)/time.Second))
	}
	return SimulatedDuration(callSID)
}

func (s *Service) outcome(callSID string) string {
	if s.Network.Outcome != nil {
		return s.Network.Outcome(callSID)
	}
	return SimulatedOutcome(callSID)
}

// Place validates req, checks that acc owns the From number and prices a
// started minute to the destination. A call placed now is queued, to be
// moved on by the network (Advance) and charged when it completes; it is
// refused when the project is suspended or its balance does not cover a
// minute. A dated call (req.At) is recorded completed and charged at once.
// It returns one of this package's Err* values, account.ErrNotActive (acc
// is suspended or closed), billing.ErrSuspended or
// billing.ErrInsufficientFunds, or a database error; on any of them
// nothing is stored or charged.
func (s *Service) Place(ctx context.Context, acc *account.Account, req CallRequest) (*Call, error) {
	if !acc.Active() {
		return nil, account.ErrNotActive
	}
	req.To, req.From, req.URL = strings.TrimSpace(req.To), strings.TrimSpace(req.From), strings.TrimSpace(req.URL)
	req.StatusCallback = strings.TrimSpace(req.StatusCallback)
	if err := req.Validate(); err != nil {
		return nil, err
	}
	if !messaging.ValidNumber(req.To) {
		return nil, ErrInvalidTo
	}
	if !messaging.ValidNumber(req.From) {
		return nil, ErrInvalidFrom
	}
	if !req.At.IsZero() && req.At.After(time.Now()) {
		return nil, ErrFuture
	}
	rate, err := numbers.Outgoing(ctx, s.Pool, s.Prices, acc.ProjectSID, acc.SID, req.From, usage.CallsOutbound, messaging.Country(req.To), acc.Currency)
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
		PriceUnit: acc.Currency, URL: req.URL, Twiml: req.Twiml, Rate: rate}
	if !req.At.IsZero() {
		return c, s.placeDated(ctx, acc, c, req.At)
	}
	return c, s.placeNow(ctx, acc, c, req)
}

// placeNow queues c, to be dialled after the network's dial time.
func (s *Service) placeNow(ctx context.Context, acc *account.Account, c *Call, req CallRequest) error {
	suspended, err := billing.Suspended(ctx, s.Pool, acc.ProjectSID)
	if err != nil {
		return err
	}
	if suspended {
		return billing.ErrSuspended
	}
	bal, err := billing.Balance(ctx, s.Pool, acc.ProjectSID)
	if err != nil {
		return err
	}
	if bal.Amount.LessThan(c.Rate) {
		return billing.ErrInsufficientFunds
	}
	now := s.now()
	next := now.Add(s.dial())
	evs, _ := events(req.StatusCallbackEvents)
	c.Status, c.Outcome, c.TalkSeconds, c.NextAt = StatusQueued, s.outcome(c.SID), s.talk(c.SID), &next
	c.DateCreated, c.DateUpdated = now, now
	if req.StatusCallback != "" {
		c.StatusCallback, c.StatusCallbackMethod, c.StatusCallbackEvents = req.StatusCallback, strings.ToUpper(req.StatusCallbackMethod), evs
	}
	return pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error { return Insert(ctx, tx, c) })
}

// placeDated records c completed at once, as seeded history, charged on its date.
func (s *Service) placeDated(ctx context.Context, acc *account.Account, c *Call, at time.Time) error {
	c.Status, c.Duration = StatusCompleted, SimulatedDuration(c.SID)
	c.TalkSeconds = c.Duration
	minutes := Minutes(c.Duration)
	end := at.Add(time.Duration(c.Duration) * time.Second)
	c.StartTime, c.EndTime = &at, &end
	c.DateCreated, c.DateUpdated = at, end
	c.Price = c.Rate.Mul(decimal.NewFromInt(int64(minutes)))
	return s.Ledger.Debit(ctx, billing.Debit{ProjectSID: acc.ProjectSID, AccountSID: acc.SID, Kind: billing.KindUsage,
		Source: "call:" + c.SID, Amount: c.Price, Note: usage.CallsOutbound, At: at,
		Apply: func(ctx context.Context, tx pgx.Tx) error {
			if err := Insert(ctx, tx, c); err != nil {
				return err
			}
			return usage.Record(ctx, tx, usage.Event{ProjectSID: acc.ProjectSID, AccountSID: acc.SID, Category: usage.CallsOutbound,
				Count: 1, Usage: decimal.NewFromInt(int64(minutes)), Price: c.Price, Source: c.SID, At: at})
		}})
}
