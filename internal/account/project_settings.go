package account

import (
	"context"
	"strconv"

	"github.com/jackc/pgx/v5"

	"console/internal/audit"
	"console/internal/billing"
	"console/internal/team"
	"console/internal/usage"
)

// ProjectSettings are a project's friendly name, time zone and currency.
type ProjectSettings struct {
	FriendlyName string
	TimeZone     string
	Currency     string
}

// Validate returns every problem with in: a name that is empty or longer
// than MaxFriendlyName, a time zone that is not an IANA zone, a currency
// the console does not hold.
func (in ProjectSettings) Validate() error {
	var ps Problems
	ps.add(FieldFriendlyName, nameProblem(in.FriendlyName, false))
	if !ValidTimeZone(in.TimeZone) {
		ps.add(FieldTimeZone, ReasonInvalid)
	}
	if !ValidCurrency(in.Currency) {
		ps.add(FieldCurrency, ReasonInvalid)
	}
	return ps.err()
}

// UpdateProject saves project projectSID's settings, writing one entry
// per setting that changed. A new time zone rebuilds the project's
// local-day usage roll-ups under its balance lock, so no charge records
// usage meanwhile. The currency changes only while no money has moved;
// after, it is Problems{currency: fixed}. The check runs in the
// transaction that changes the currency, so a payment landing meanwhile
// cannot slip between check and change.
func (s *Service) UpdateProject(ctx context.Context, by audit.Actor, projectSID string, in ProjectSettings) error {
	if err := in.Validate(); err != nil {
		return err
	}
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		p, err := s.store.Get(ctx, tx, projectSID, projectSID)
		if err != nil {
			return err
		}
		on := audit.On{Project: p.SID, Account: p.SID, Target: p.SID}
		change := func(action, from, to string) error {
			return audit.Record(ctx, tx, by, action, on, map[string]string{"from": from, "to": to})
		}
		if in.FriendlyName != p.FriendlyName {
			if _, err := s.store.SetFriendlyName(ctx, tx, p.SID, p.SID, in.FriendlyName); err != nil {
				return err
			}
			if err := change(audit.ProjectRenamed, p.FriendlyName, in.FriendlyName); err != nil {
				return err
			}
		}
		if in.TimeZone != p.TimeZone {
			if err := billing.LockProject(ctx, tx, p.SID); err != nil {
				return err
			}
			if err := s.store.SetTimeZone(ctx, tx, p.SID, in.TimeZone); err != nil {
				return err
			}
			if err := usage.RebuildLocal(ctx, tx, p.SID); err != nil {
				return err
			}
			if err := change(audit.ProjectTimeZoneChanged, p.TimeZone, in.TimeZone); err != nil {
				return err
			}
		}
		if in.Currency != p.Currency {
			moved, err := billing.MoneyMoved(ctx, tx, p.SID)
			if err != nil {
				return err
			}
			if moved {
				return Problems{{Field: FieldCurrency, Reason: ReasonFixed}}
			}
			if err := billing.ChangeCurrency(ctx, tx, p.SID, in.Currency); err != nil {
				return err
			}
			if err := s.store.SetCurrency(ctx, tx, p.SID, in.Currency); err != nil {
				return err
			}
			if err := change(audit.ProjectCurrencyChanged, p.Currency, in.Currency); err != nil {
				return err
			}
		}
		return nil
	})
}

// SetRequireTwoFactor turns project projectSID's requirement that its
// members use two-factor authentication on or off.
func (s *Service) SetRequireTwoFactor(ctx context.Context, by audit.Actor, projectSID string, on bool) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if err := s.store.SetRequireTwoFactor(ctx, tx, projectSID, on); err != nil {
			return err
		}
		return audit.Record(ctx, tx, by, audit.ProjectRequire2FAChanged, audit.On{Project: projectSID, Account: projectSID, Target: projectSID},
			map[string]string{"on": strconv.FormatBool(on)})
	})
}

// SettingsState is what the project's settings page shows besides the
// settings themselves.
type SettingsState struct {
	// CurrencyFixed is set once money has moved: the currency no longer changes.
	CurrencyFixed bool
	// WithoutTwoFactor are the members who have not turned two-factor
	// authentication on.
	WithoutTwoFactor []*team.Member
}

// Settings returns project projectSID's SettingsState.
func (s *Service) Settings(ctx context.Context, projectSID string) (*SettingsState, error) {
	var st SettingsState
	var err error
	if st.CurrencyFixed, err = billing.MoneyMoved(ctx, s.pool, projectSID); err != nil {
		return nil, err
	}
	if st.WithoutTwoFactor, err = team.WithoutTwoFactor(ctx, s.pool, projectSID); err != nil {
		return nil, err
	}
	return &st, nil
}
