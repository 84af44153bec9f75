package billing

import (
	"context"
	"errors"
	"time"
)

// ErrBadMonth is a payment history month that is not "2006-01", or one
// before the project's first or after the current month.
var ErrBadMonth = errors.New("billing: no such month")

// History is one month of a project's payments.
type History struct {
	// Month is the month's first instant in the project's time zone.
	Month time.Time
	// Prev and Next are the neighbouring months ("2006-01") that hold
	// payments, "" at either end.
	Prev, Next string
	// Payments are the month's, newest first.
	Payments []*Payment
}

// PaymentHistory lists one month ("2006-01"; "" for the current one) of
// the project's payments, months following its time zone loc. A month
// before the project was opened or after the current one holds no payment
// and is ErrBadMonth, so that paging stops at both ends.
func (s *Service) PaymentHistory(ctx context.Context, projectSID string, loc *time.Location, opened time.Time, month string) (*History, error) {
	now := s.Now()
	current := MonthStart(now, loc)
	first := MonthStart(opened, loc)
	h := &History{Month: current}
	if month != "" {
		t, err := time.ParseInLocation("2006-01", month, loc)
		if err != nil || len(month) != len("2006-01") || t.Before(first) || t.After(current) {
			return nil, ErrBadMonth
		}
		h.Month = t
	}
	next := h.Month.AddDate(0, 1, 0)
	var err error
	if h.Payments, err = Payments(ctx, s.Pool, projectSID, h.Month, next); err != nil {
		return nil, err
	}
	if h.Month.After(first) {
		h.Prev = h.Month.AddDate(0, -1, 0).Format("2006-01")
	}
	if next.Before(now) {
		h.Next = next.Format("2006-01")
	}
	return h, nil
}

// Payment returns one of the project's payments, ErrNotFound when it is
// not the project's.
func (s *Service) Payment(ctx context.Context, projectSID, id string) (*Payment, error) {
	return GetPayment(ctx, s.Pool, projectSID, id)
}

// Receipt is the receipt of one of the project's succeeded payments, with
// the project's preferences; ErrNotFound for any other payment. The caller
// sets what depends on who reads it: the project's name, time zone and
// the reader's language.
func (s *Service) Receipt(ctx context.Context, projectSID, id string) (*Receipt, error) {
	pay, err := GetPayment(ctx, s.Pool, projectSID, id)
	if err != nil {
		return nil, err
	}
	if pay.Status != PaymentSucceeded || pay.CompletedAt == nil {
		return nil, ErrNotFound
	}
	prefs, err := GetPreferences(ctx, s.Pool, projectSID)
	if err != nil {
		return nil, err
	}
	return &Receipt{Number: pay.ID, Issued: *pay.CompletedAt, Payment: pay, Prefs: prefs, Issuer: s.Issuer}, nil
}
