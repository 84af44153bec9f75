package account

import (
	"context"

	"github.com/jackc/pgx/v5"

	"console/internal/audit"
)

// KeyInput is an API key's friendly name and type.
type KeyInput struct {
	FriendlyName string
	Type         string
	// NameRequired refuses an empty name. Twilio's API makes unnamed keys
	// (its SDKs create keys without one); the console's form asks for a
	// name, so that a key can be told from the others in its list.
	NameRequired bool
}

// Validate returns every problem with in: a name longer than
// MaxFriendlyName, or empty when NameRequired; a type other than Standard
// or Main.
func (in KeyInput) Validate() error {
	var ps Problems
	ps.add(FieldFriendlyName, nameProblem(in.FriendlyName, !in.NameRequired))
	if !ValidKeyType(in.Type) {
		ps.add(FieldType, ReasonInvalid)
	}
	return ps.err()
}

// CreateKey makes an API key of account acc, by actor by, and returns it
// with its secret, which is shown once. It returns Problems for a bad
// input and ErrNotActive for a suspended or closed account.
func (s *Service) CreateKey(ctx context.Context, by audit.Actor, acc *Account, in KeyInput) (*Key, string, error) {
	if err := in.Validate(); err != nil {
		return nil, "", err
	}
	if !acc.Active() {
		return nil, "", ErrNotActive
	}
	var k *Key
	var secret string
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var err error
		if k, secret, err = s.store.CreateKey(ctx, tx, acc, in.FriendlyName, in.Type); err != nil {
			return err
		}
		return audit.Record(ctx, tx, by, audit.KeyCreated, audit.On{Project: acc.ProjectSID, Account: acc.SID, Target: k.SID},
			map[string]string{"friendly_name": k.FriendlyName, "type": k.Type})
	})
	if err != nil {
		return nil, "", err
	}
	return k, secret, nil
}

// RenameKey gives acc's key keySID a new friendly name and returns it. A
// name it already has changes nothing. It returns ErrNotFound for a key
// acc does not hold, Problems for a bad name and ErrNotActive for a
// suspended or closed account.
func (s *Service) RenameKey(ctx context.Context, by audit.Actor, acc *Account, keySID, friendlyName string) (*Key, error) {
	if !acc.Active() {
		return nil, ErrNotActive
	}
	var k *Key
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		old, err := s.store.GetKey(ctx, tx, acc.ProjectSID, acc.SID, keySID)
		if err != nil {
			return err
		}
		// A rename keeps the key's type: the input is checked whole. Only
		// the API renames keys, and it may leave a key unnamed.
		if err := (KeyInput{FriendlyName: friendlyName, Type: old.Type}).Validate(); err != nil {
			return err
		}
		if friendlyName == old.FriendlyName {
			k = old
			return nil
		}
		if k, err = s.store.RenameKey(ctx, tx, acc.ProjectSID, acc.SID, keySID, friendlyName); err != nil {
			return err
		}
		return audit.Record(ctx, tx, by, audit.KeyRenamed, audit.On{Project: acc.ProjectSID, Account: acc.SID, Target: k.SID},
			map[string]string{"from": old.FriendlyName, "to": k.FriendlyName})
	})
	if err != nil {
		return nil, err
	}
	return k, nil
}

// RevokeKey deletes acc's key keySID: it stops working with this call's
// commit. It returns ErrNotFound for a key acc does not hold and
// ErrNotActive for a suspended or closed account.
func (s *Service) RevokeKey(ctx context.Context, by audit.Actor, acc *Account, keySID string) error {
	if !acc.Active() {
		return ErrNotActive
	}
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		k, err := s.store.GetKey(ctx, tx, acc.ProjectSID, acc.SID, keySID)
		if err != nil {
			return err
		}
		if err := s.store.DeleteKey(ctx, tx, acc.ProjectSID, acc.SID, keySID); err != nil {
			return err
		}
		// The key is gone: its name and type say which one it was.
		return audit.Record(ctx, tx, by, audit.KeyRevoked, audit.On{Project: acc.ProjectSID, Account: acc.SID, Target: k.SID},
			map[string]string{"friendly_name": k.FriendlyName, "type": k.Type})
	})
}

// Keys lists an account's keys, oldest first, after the key with SID
// after (a page token), at most limit of them, skipping offset.
func (s *Service) Keys(ctx context.Context, projectSID, accountSID, after string, offset, limit int) ([]*Key, error) {
	return s.store.Keys(ctx, s.pool, projectSID, accountSID, after, offset, limit)
}

// Key returns an account's key, or ErrNotFound.
func (s *Service) Key(ctx context.Context, projectSID, accountSID, keySID string) (*Key, error) {
	return s.store.GetKey(ctx, s.pool, projectSID, accountSID, keySID)
}
