package account

import (
	"context"

	"github.com/jackc/pgx/v5"

	"console/internal/audit"
)

// tokenChange runs change on acc's credentials in a transaction with the
// entry of action. A suspended or closed account's credentials do not
// change (ErrNotActive).
func (s *Service) tokenChange(ctx context.Context, by audit.Actor, acc *Account, action string, change func(tx pgx.Tx) error) error {
	if !acc.Active() {
		return ErrNotActive
	}
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if err := change(tx); err != nil {
			return err
		}
		return audit.Record(ctx, tx, by, action, audit.On{Project: acc.ProjectSID, Account: acc.SID, Target: acc.SID}, nil)
	})
}

// RegenerateAuthToken replaces acc's primary auth token and returns the
// new one; the old one stops working with this call's commit.
func (s *Service) RegenerateAuthToken(ctx context.Context, by audit.Actor, acc *Account) (string, error) {
	var token string
	err := s.tokenChange(ctx, by, acc, audit.AccountAuthTokenRegenerated, func(tx pgx.Tx) (err error) {
		token, err = s.store.RegenerateAuthToken(ctx, tx, acc.ProjectSID, acc.SID)
		return err
	})
	return token, err
}

// CreateSecondaryToken makes acc's secondary auth token and returns it
// with the account; both tokens work until one is promoted or deleted. It
// returns ErrSecondaryExists when acc has one already.
func (s *Service) CreateSecondaryToken(ctx context.Context, by audit.Actor, acc *Account) (string, *Account, error) {
	var token string
	var out *Account
	err := s.tokenChange(ctx, by, acc, audit.AccountSecondaryTokenCreated, func(tx pgx.Tx) (err error) {
		token, out, err = s.store.CreateSecondaryAuthToken(ctx, tx, acc.ProjectSID, acc.SID)
		return err
	})
	return token, out, err
}

// PromoteSecondaryToken makes acc's secondary auth token its primary one
// and returns it with the account; the old primary stops working with
// this call's commit. It returns ErrNoSecondary when acc has none.
func (s *Service) PromoteSecondaryToken(ctx context.Context, by audit.Actor, acc *Account) (string, *Account, error) {
	var token string
	var out *Account
	err := s.tokenChange(ctx, by, acc, audit.AccountSecondaryTokenPromoted, func(tx pgx.Tx) (err error) {
		token, out, err = s.store.PromoteSecondaryAuthToken(ctx, tx, acc.ProjectSID, acc.SID)
		return err
	})
	return token, out, err
}

// DeleteSecondaryToken removes acc's secondary auth token. It returns
// ErrNoSecondary when acc has none.
func (s *Service) DeleteSecondaryToken(ctx context.Context, by audit.Actor, acc *Account) error {
	return s.tokenChange(ctx, by, acc, audit.AccountSecondaryTokenDeleted, func(tx pgx.Tx) error {
		return s.store.DeleteSecondaryAuthToken(ctx, tx, acc.ProjectSID, acc.SID)
	})
}

// AuthToken returns an account's primary auth token in clear.
func (s *Service) AuthToken(ctx context.Context, projectSID, accountSID string) (string, error) {
	return s.store.AuthToken(ctx, s.pool, projectSID, accountSID)
}

// SecondaryAuthToken returns an account's secondary auth token in clear,
// or ErrNoSecondary.
func (s *Service) SecondaryAuthToken(ctx context.Context, projectSID, accountSID string) (string, error) {
	return s.store.SecondaryAuthToken(ctx, s.pool, projectSID, accountSID)
}

// TestCredentials returns an account's test SID and test auth token,
// making them first for an account that predates them.
func (s *Service) TestCredentials(ctx context.Context, projectSID, accountSID string) (string, string, error) {
	return s.store.TestCredentials(ctx, s.pool, projectSID, accountSID)
}

// Authenticate checks an Account SID (or test SID) and auth token pair
// (see Store.Authenticate).
func (s *Service) Authenticate(ctx context.Context, accountSID, token string) (*Account, Credential, error) {
	return s.store.Authenticate(ctx, s.pool, accountSID, token)
}

// AuthenticateKey checks an API key SID and secret (see
// Store.AuthenticateKey).
func (s *Service) AuthenticateKey(ctx context.Context, keySID, secret string) (*Key, *Account, error) {
	return s.store.AuthenticateKey(ctx, s.pool, keySID, secret)
}
