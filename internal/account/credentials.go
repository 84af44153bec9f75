package account

import (
	"context"
	"crypto/subtle"
	"errors"

	"github.com/jackc/pgx/v5"

	"console/internal/database"
	"console/internal/sid"
)

// Errors of the secondary token's life cycle.
var (
	ErrSecondaryExists  = errors.New("account: a secondary auth token already exists")
	ErrNoSecondary      = errors.New("account: no secondary auth token")
	ErrNotActive        = errors.New("account: not active")
	ErrTestCredentials  = errors.New("account: test credentials")
	ErrWrongCredentials = errors.New("account: wrong credentials")
)

// Credential tells which secret authenticated a request.
type Credential int

// Credentials an account SID may be presented with.
const (
	CredPrimary Credential = iota + 1
	CredSecondary
	CredTest
)

// Authenticate checks a SID and auth token pair, as HTTP basic auth
// presents it. The SID may be the account's own (with the primary or the
// secondary token) or its test SID (with the test token). The account is
// looked up by SID alone because the credentials establish the tenant.
// A closed account never authenticates.
//
// A project whose owner has yet to prove their address (HoldUntilVerified)
// answers as if the credentials were wrong: Twilio's 401.
func (s *Store) Authenticate(ctx context.Context, db database.DBTX, accountSID, token string) (*Account, Credential, error) {
	if !sid.Valid(accountSID, sid.Account) {
		return nil, 0, ErrWrongCredentials
	}
	var primary, secondary, test []byte
	var testSID *string
	a, err := scanWith(db.QueryRow(ctx, `SELECT `+columns+`, auth_token_enc, auth_token_secondary_enc, test_sid, test_token_enc
		FROM accounts WHERE (sid = $1 OR test_sid = $1) AND NOT pending_verification`, accountSID), &primary, &secondary, &testSID, &test)
	if errors.Is(err, ErrNotFound) {
		return nil, 0, ErrWrongCredentials
	}
	if err != nil {
		return nil, 0, err
	}
	var cred Credential
	switch {
	case a.SID == accountSID && s.matches(primary, a.SID, token):
		cred = CredPrimary
	case a.SID == accountSID && secondary != nil && s.matches(secondary, a.SID, token):
		cred = CredSecondary
	case testSID != nil && *testSID == accountSID && s.matches(test, *testSID, token):
		cred = CredTest
	default:
		return nil, 0, ErrWrongCredentials
	}
	if a.Status == StatusClosed {
		return nil, 0, ErrWrongCredentials
	}
	return a, cred, nil
}

func (s *Store) matches(sealed []byte, aad, token string) bool {
	want, err := s.box.Open(sealed, []byte(aad))
	return err == nil && subtle.ConstantTimeCompare(want, []byte(token)) == 1
}

// SecondaryAuthToken returns the secondary token in clear, or ErrNoSecondary.
func (s *Store) SecondaryAuthToken(ctx context.Context, db database.DBTX, projectSID, accountSID string) (string, error) {
	var enc []byte
	err := db.QueryRow(ctx, `SELECT auth_token_secondary_enc FROM accounts WHERE project_sid = $1 AND sid = $2`, projectSID, accountSID).Scan(&enc)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", ErrNotFound
	}
	if err != nil {
		return "", err
	}
	if enc == nil {
		return "", ErrNoSecondary
	}
	tok, err := s.box.Open(enc, []byte(accountSID))
	return string(tok), err
}

// CreateSecondaryAuthToken makes a secondary token; both tokens work until
// one is promoted or deleted.
func (s *Store) CreateSecondaryAuthToken(ctx context.Context, db database.DBTX, projectSID, accountSID string) (string, *Account, error) {
	token := sid.Hex32()
	a, err := scan(db.QueryRow(ctx, `
		UPDATE accounts SET auth_token_secondary_enc = $3, secondary_created_at = now(), updated_at = now()
		WHERE project_sid = $1 AND sid = $2 AND auth_token_secondary_enc IS NULL RETURNING `+columns,
		projectSID, accountSID, s.box.Seal([]byte(token), []byte(accountSID))))
	if errors.Is(err, ErrNotFound) {
		if _, gerr := s.Get(ctx, db, projectSID, accountSID); gerr != nil {
			return "", nil, gerr
		}
		return "", nil, ErrSecondaryExists
	}
	return token, a, err
}

// PromoteSecondaryAuthToken makes the secondary token the primary one; the
// old primary stops working with this transaction's commit.
func (s *Store) PromoteSecondaryAuthToken(ctx context.Context, db database.DBTX, projectSID, accountSID string) (string, *Account, error) {
	a, err := scan(db.QueryRow(ctx, `
		UPDATE accounts SET auth_token_enc = auth_token_secondary_enc, auth_token_secondary_enc = NULL,
			secondary_created_at = NULL, updated_at = now()
		WHERE project_sid = $1 AND sid = $2 AND auth_token_secondary_enc IS NOT NULL RETURNING `+columns,
		projectSID, accountSID))
	if errors.Is(err, ErrNotFound) {
		if _, gerr := s.Get(ctx, db, projectSID, accountSID); gerr != nil {
			return "", nil, gerr
		}
		return "", nil, ErrNoSecondary
	}
	if err != nil {
		return "", nil, err
	}
	token, err := s.AuthToken(ctx, db, projectSID, accountSID)
	return token, a, err
}

// DeleteSecondaryAuthToken removes the secondary token.
func (s *Store) DeleteSecondaryAuthToken(ctx context.Context, db database.DBTX, projectSID, accountSID string) error {
	tag, err := db.Exec(ctx, `
		UPDATE accounts SET auth_token_secondary_enc = NULL, secondary_created_at = NULL, updated_at = now()
		WHERE project_sid = $1 AND sid = $2 AND auth_token_secondary_enc IS NOT NULL`, projectSID, accountSID)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		if _, gerr := s.Get(ctx, db, projectSID, accountSID); gerr != nil {
			return gerr
		}
		return ErrNoSecondary
	}
	return nil
}

// TestCredentials returns the account's test SID and test auth token,
// making them first for an account that predates them.
func (s *Store) TestCredentials(ctx context.Context, db database.DBTX, projectSID, accountSID string) (string, string, error) {
	testSID, tok := sid.New(sid.Account), sid.Hex32()
	var gotSID string
	var enc []byte
	err := db.QueryRow(ctx, `
		UPDATE accounts SET test_sid = coalesce(test_sid, $3), test_token_enc = coalesce(test_token_enc, $4)
		WHERE project_sid = $1 AND sid = $2 RETURNING test_sid, test_token_enc`,
		projectSID, accountSID, testSID, s.box.Seal([]byte(tok), []byte(testSID))).Scan(&gotSID, &enc)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", "", ErrNotFound
	}
	if err != nil {
		return "", "", err
	}
	plain, err := s.box.Open(enc, []byte(gotSID))
	return gotSID, string(plain), err
}
