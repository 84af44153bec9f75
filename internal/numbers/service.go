package numbers

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/shopspring/decimal"

	"console/internal/account"
	"console/internal/audit"
	"console/internal/billing"
	"console/internal/sid"
	"console/internal/usage"
)

// Errors a purchase can end with besides ErrNotAvailable. Nothing is
// charged when Buy returns one of them.
var (
	// ErrNoPrice: the price list has no monthly price for the number's
	// type and country in the account's currency, so it is not sold.
	ErrNoPrice = errors.New("numbers: no price")
	// ErrSuspended: the project is suspended and may not buy.
	ErrSuspended = errors.New("numbers: project suspended")
	// ErrInsufficientFunds: the balance does not cover the first month.
	ErrInsufficientFunds = errors.New("numbers: insufficient funds")
	// ErrNotInInventory: no number of the inventory is written so; a
	// number that is, but is owned, is ErrNotAvailable.
	ErrNotInInventory = fmt.Errorf("%w: not in the inventory", ErrNotAvailable)
)

// Service buys and releases numbers for the API, the console and the
// demo alike, so that a purchase is charged the same way from anywhere.
type Service struct {
	Pool   *pgxpool.Pool
	Ledger *billing.Ledger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// Buy charges the first month of a number to acc's project, adds the
// monthly recurring item (recorded as usage of the number's category on
// each renewal), records the number, the first month's usage and the
// audit entry of by, all in the debit's transaction. It returns Problems
// for a bad request, ErrNotAvailable (owned by someone — the same number
// bought twice included — or, as ErrNotInInventory, which wraps it, no
// number of the inventory), account.ErrNotActive
// (acc is suspended or closed), ErrNoPrice, ErrSuspended,
// ErrInsufficientFunds or a database error; on any of them nothing is
// charged, and a purchase the balance does not cover does not suspend the
// project as metered usage would.
func (s *Service) Buy(ctx context.Context, by audit.Actor, acc *account.Account, req BuyRequest) (*Number, error) {
	if err := req.Validate(); err != nil {
		return nil, err
	}
	if !acc.Active() {
		return nil, account.ErrNotActive
	}
	phone := strings.TrimSpace(req.PhoneNumber)
	country, numberType, ok := Lookup(phone)
	if !ok {
		return nil, ErrNotInInventory
	}
	category := Category(numberType)
	price, _, err := usage.Price(ctx, s.Pool, category, country, acc.Currency)
	if errors.Is(err, usage.ErrNoPrice) {
		return nil, ErrNoPrice
	}
	if err != nil {
		return nil, err
	}
	name := strings.TrimSpace(req.FriendlyName)
	if name == "" {
		name = phone
	}
	now := req.At
	if now.IsZero() {
		now = s.now()
	}
	n := &Number{SID: sid.New("PN"), ProjectSID: acc.ProjectSID, AccountSID: acc.SID, PhoneNumber: phone, FriendlyName: name,
		Country: country, Type: numberType}
	err = s.Ledger.Debit(ctx, billing.Debit{ProjectSID: acc.ProjectSID, AccountSID: acc.SID, Kind: billing.KindFee,
		Source: "number:" + n.SID + ":" + now.UTC().Format("2006-01-02"), Amount: price, Note: phone, Purchase: true, At: req.At,
		Apply: func(ctx context.Context, tx pgx.Tx) error {
			item, err := billing.AddRecurringItem(ctx, tx, acc.ProjectSID, acc.SID, phone, category, price, now)
			if err != nil {
				return err
			}
			n.RecurringItem = item.ID
			if err := InsertAt(ctx, tx, n, req.At); err != nil {
				return err
			}
			if err := usage.Record(ctx, tx, usage.Event{ProjectSID: acc.ProjectSID, AccountSID: acc.SID, Category: category,
				Count: 1, Usage: decimal.NewFromInt(1), Price: price, Source: n.SID, At: req.At}); err != nil {
				return err
			}
			return audit.Record(ctx, tx, by, audit.NumberBought, audit.On{Project: n.ProjectSID, Account: n.AccountSID, Target: n.SID, At: req.At},
				map[string]string{"phone_number": n.PhoneNumber, "friendly_name": n.FriendlyName})
		}})
	switch {
	case errors.Is(err, billing.ErrSuspended):
		return nil, ErrSuspended
	case errors.Is(err, billing.ErrInsufficientFunds):
		return nil, ErrInsufficientFunds
	case err != nil:
		return nil, err
	}
	return n, nil
}

// Release gives up acc's number sid and stops its recurring item, in one
// transaction with the audit entry of by. It returns ErrNotFound for a
// number acc does not own, account.ErrNotActive when acc is suspended or
// closed.
func (s *Service) Release(ctx context.Context, by audit.Actor, acc *account.Account, sid string) (*Number, error) {
	if !acc.Active() {
		return nil, account.ErrNotActive
	}
	var released *Number
	err := pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		n, err := Release(ctx, tx, acc.ProjectSID, acc.SID, sid)
		if err != nil {
			return err
		}
		if err := billing.StopRecurringItem(ctx, tx, acc.ProjectSID, n.RecurringItem); err != nil {
			return err
		}
		released = n
		return audit.Record(ctx, tx, by, audit.NumberReleased, audit.On{Project: n.ProjectSID, Account: n.AccountSID, Target: n.SID},
			map[string]string{"phone_number": n.PhoneNumber})
	})
	if err != nil {
		return nil, err
	}
	return released, nil
}

// Rename gives acc's number sid a new friendly name, audited with the old
// and the new, and returns it. It returns Problems for a bad name and
// ErrNotFound for a number acc does not own.
func (s *Service) Rename(ctx context.Context, by audit.Actor, acc *account.Account, sid string, in RenameInput) (*Number, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	name := strings.TrimSpace(in.FriendlyName)
	var renamed *Number
	err := pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		old, err := scan(tx.QueryRow(ctx, `SELECT `+columns+` FROM incoming_phone_numbers
			WHERE project_sid = $1 AND account_sid = $2 AND sid = $3 AND released_at IS NULL FOR UPDATE`, acc.ProjectSID, acc.SID, sid))
		if err != nil {
			return err
		}
		if renamed, err = Rename(ctx, tx, acc.ProjectSID, acc.SID, sid, name); err != nil {
			return err
		}
		return audit.Record(ctx, tx, by, audit.NumberRenamed, audit.On{Project: acc.ProjectSID, Account: acc.SID, Target: sid},
			map[string]string{"from": old.FriendlyName, "to": name})
	})
	if err != nil {
		return nil, err
	}
	return renamed, nil
}
