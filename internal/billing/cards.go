package billing

import (
	"context"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"console/internal/audit"
)

// Validate reports every problem of a card before it goes to the gateway:
// a holder's name, a number passing the Luhn check (digits, spaces and
// dashes only), an expiry month not yet over at now, a 3 or 4 digit CVC.
func (c Card) Validate(now time.Time) error {
	var errs FieldErrors
	if strings.TrimSpace(c.Holder) == "" {
		errs.add(FieldHolder, ReasonRequired)
	}
	if !Luhn(digits(c.Number)) || strings.Trim(c.Number, "0123456789 -") != "" {
		errs.add(FieldNumber, ReasonInvalid)
	}
	if c.ExpMonth < 1 || c.ExpMonth > 12 || c.ExpYear < 2000 || c.ExpYear > 2100 {
		errs.add(FieldExpiry, ReasonInvalid)
	} else if end := time.Date(c.ExpYear, time.Month(c.ExpMonth)+1, 1, 0, 0, 0, 0, time.UTC); !now.Before(end) {
		errs.add(FieldExpiry, ReasonExpired)
	}
	if cvc := digits(c.CVC); len(cvc) < 3 || len(cvc) > 4 || cvc != strings.TrimSpace(c.CVC) {
		errs.add(FieldCVC, ReasonInvalid)
	}
	return errs.err()
}

// AddCard saves a card as the project's last backup, by by: the gateway
// tokenizes it and only the token, brand, last 4 and expiry are kept; the
// number and CVC are neither stored nor logged. A bad card is a
// FieldErrors and reaches no gateway.
func (s *Service) AddCard(ctx context.Context, by audit.Actor, projectSID string, c Card) (*Method, error) {
	c.Holder = strings.TrimSpace(c.Holder)
	if err := c.Validate(s.Now()); err != nil {
		return nil, err
	}
	tok, err := s.Gateway.Tokenize(ctx, c)
	if err != nil {
		return nil, err
	}
	var m *Method
	err = pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		if m, err = AddMethod(ctx, tx, projectSID, c, tok); err != nil {
			return err
		}
		return audit.Record(ctx, tx, by, audit.CardAdded, audit.On{Project: projectSID, Account: projectSID, Target: m.ID},
			map[string]string{"card": m.Label()})
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

// Cards lists the project's cards, the primary first.
func (s *Service) Cards(ctx context.Context, projectSID string) ([]*Method, error) {
	return Methods(ctx, s.Pool, projectSID)
}

// MakeCardPrimary makes card id the one charged first, by by; ErrNotFound
// when it is not the project's.
func (s *Service) MakeCardPrimary(ctx context.Context, by audit.Actor, projectSID, id string) error {
	return s.changeCard(ctx, by, projectSID, id, audit.CardMadePrimary, func(tx pgx.Tx, _ *Method) error {
		return moveMethod(ctx, tx, projectSID, id, 0)
	})
}

// MoveCardDown tries card id one place later, by by; the last stays last.
func (s *Service) MoveCardDown(ctx context.Context, by audit.Actor, projectSID, id string) error {
	return s.changeCard(ctx, by, projectSID, id, audit.CardMoved, func(tx pgx.Tx, m *Method) error {
		return moveMethod(ctx, tx, projectSID, id, m.Position+1)
	})
}

// RemoveCard deletes card id, by by; the others close ranks.
func (s *Service) RemoveCard(ctx context.Context, by audit.Actor, projectSID, id string) error {
	return s.changeCard(ctx, by, projectSID, id, audit.CardRemoved, func(tx pgx.Tx, _ *Method) error {
		return removeMethod(ctx, tx, projectSID, id)
	})
}

// changeCard reorders or removes one of the project's cards and audits it.
func (s *Service) changeCard(ctx context.Context, by audit.Actor, projectSID, id, action string, change func(pgx.Tx, *Method) error) error {
	return pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		m, err := GetMethod(ctx, tx, projectSID, id)
		if err != nil {
			return err
		}
		if err := change(tx, m); err != nil {
			return err
		}
		return audit.Record(ctx, tx, by, action, audit.On{Project: projectSID, Account: projectSID, Target: id}, nil)
	})
}
