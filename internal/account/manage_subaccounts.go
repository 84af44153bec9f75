package account

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"console/internal/audit"
)

// ErrNotMaster is a subaccount asked to hold subaccounts: only a master
// account (a project) has them.
var ErrNotMaster = errors.New("account: only a master account has subaccounts")

// SubaccountInput is a new subaccount's friendly name.
type SubaccountInput struct {
	FriendlyName string
}

// Validate returns every problem with in: a name that is empty or longer
// than MaxFriendlyName.
func (in SubaccountInput) Validate() error {
	var ps Problems
	ps.add(FieldFriendlyName, nameProblem(in.FriendlyName, false))
	return ps.err()
}

// CreateSubaccount adds a subaccount under the master account parent and
// returns it with its auth token. It returns ErrNotMaster when parent is a
// subaccount, Problems for a bad input and ErrLimit once the project holds
// as many subaccounts as it may.
func (s *Service) CreateSubaccount(ctx context.Context, by audit.Actor, parent *Account, in SubaccountInput) (*Account, string, error) {
	if !parent.IsProject() {
		return nil, "", ErrNotMaster
	}
	if err := in.Validate(); err != nil {
		return nil, "", err
	}
	var sub *Account
	var token string
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var err error
		if sub, token, err = s.store.CreateSubaccount(ctx, tx, parent, in.FriendlyName, s.subaccountLimit); err != nil {
			return err
		}
		return audit.Record(ctx, tx, by, audit.AccountSubaccountCreated, audit.On{Project: parent.SID, Account: sub.SID, Target: sub.SID},
			map[string]string{"friendly_name": sub.FriendlyName})
	})
	if err != nil {
		return nil, "", err
	}
	return sub, token, nil
}

// AccountUpdate changes an account's friendly name, its status, or both; a
// nil FriendlyName or an empty Status leaves that as it is.
type AccountUpdate struct {
	FriendlyName *string
	Status       string
}

// Validate returns every problem with in: a name that is empty or longer
// than MaxFriendlyName, a status that is not one.
func (in AccountUpdate) Validate() error {
	var ps Problems
	if in.FriendlyName != nil {
		ps.add(FieldFriendlyName, nameProblem(*in.FriendlyName, false))
	}
	if in.Status != "" && !ValidStatus(in.Status) {
		ps.add(FieldStatus, ReasonInvalid)
	}
	return ps.err()
}

// UpdateAccount renames acc and changes its status, as in says, and
// returns it as it now is. What in asks that acc already is changes
// nothing and writes no entry. A master account's status is not changed
// here (ErrMasterStatus); a closed account is not reopened (ErrClosed) nor
// renamed (ErrNotActive). Renaming a master account renames the project,
// as the console's General settings do, and makes the same entry.
func (s *Service) UpdateAccount(ctx context.Context, by audit.Actor, acc *Account, in AccountUpdate) (*Account, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	if in.Status != "" && acc.IsProject() {
		return nil, ErrMasterStatus
	}
	var out *Account
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		cur, err := s.store.Get(ctx, tx, acc.ProjectSID, acc.SID)
		if err != nil {
			return err
		}
		if in.Status != "" && cur.Status == StatusClosed && in.Status != StatusClosed {
			return ErrClosed
		}
		rename := in.FriendlyName != nil && *in.FriendlyName != cur.FriendlyName
		if rename && cur.Status == StatusClosed {
			return ErrNotActive
		}
		on := audit.On{Project: cur.ProjectSID, Account: cur.SID, Target: cur.SID}
		out = cur
		if rename {
			if out, err = s.store.SetFriendlyName(ctx, tx, cur.ProjectSID, cur.SID, *in.FriendlyName); err != nil {
				return err
			}
			action := audit.AccountRenamed
			if cur.IsProject() {
				action = audit.ProjectRenamed
			}
			if err := audit.Record(ctx, tx, by, action, on, map[string]string{"from": cur.FriendlyName, "to": out.FriendlyName}); err != nil {
				return err
			}
		}
		if in.Status != "" && in.Status != cur.Status {
			if out, err = s.store.SetStatus(ctx, tx, cur.ProjectSID, cur.SID, in.Status); err != nil {
				return err
			}
			return audit.Record(ctx, tx, by, audit.AccountStatusChanged, on, map[string]string{"from": cur.Status, "to": out.Status})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Validate returns the problem with f: a status that is not one.
func (f Filter) Validate() error {
	var ps Problems
	if f.Status != "" && !ValidStatus(f.Status) {
		ps.add(FieldStatus, ReasonInvalid)
	}
	return ps.err()
}

// List returns the accounts viewer may see (itself and, for a master
// account, its subaccounts) that f keeps, oldest first, after the account
// with SID after (a page token), at most limit of them, skipping offset.
// It returns Problems for a bad filter.
func (s *Service) List(ctx context.Context, viewer *Account, f Filter, after string, offset, limit int) ([]*Account, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	return s.store.List(ctx, s.pool, viewer, f, after, offset, limit)
}

// Get returns the account accountSID of project projectSID, or ErrNotFound.
func (s *Service) Get(ctx context.Context, projectSID, accountSID string) (*Account, error) {
	return s.store.Get(ctx, s.pool, projectSID, accountSID)
}

// Subaccount returns the subaccount accountSID of project projectSID; any
// other SID, the project's own included, is ErrNotFound.
func (s *Service) Subaccount(ctx context.Context, projectSID, accountSID string) (*Account, error) {
	a, err := s.store.Get(ctx, s.pool, projectSID, accountSID)
	if err != nil {
		return nil, err
	}
	if a.ParentSID != projectSID {
		return nil, ErrNotFound
	}
	return a, nil
}

// Subaccounts lists a project's subaccounts, newest first.
func (s *Service) Subaccounts(ctx context.Context, projectSID string) ([]*Account, error) {
	return s.store.Subaccounts(ctx, s.pool, projectSID)
}
