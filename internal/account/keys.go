package account

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"console/internal/database"
	"console/internal/sid"
)

// Key types. A Main key may manage accounts and keys; a Standard key may
// use every other endpoint.
const (
	KeyStandard = "standard"
	KeyMain     = "main"
)

// KeyPrefix starts every API key SID.
const KeyPrefix = "SK"

// Key is an API key; its secret is never stored.
type Key struct {
	SID          string
	ProjectSID   string
	AccountSID   string
	FriendlyName string
	Type         string
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// ValidKeyType reports whether t is a key type.
func ValidKeyType(t string) bool { return t == KeyStandard || t == KeyMain }

// Key secrets are 32 random alphanumerics (190 bits): a salted SHA-256 is
// enough to keep them unusable at rest, and cheap on every API request.
func hashKeySecret(keySID, secret string) []byte {
	h := sha256.Sum256([]byte(keySID + ":" + secret))
	return h[:]
}

const secretAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

func newSecret() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	for i := range b {
		// 256 % 62 leaves a tiny bias; at 32 characters it costs well under a bit of entropy.
		b[i] = secretAlphabet[int(b[i])%len(secretAlphabet)]
	}
	return string(b)
}

const keyColumns = `sid, project_sid, account_sid, friendly_name, type, created_at, updated_at`

func scanKey(row pgx.Row) (*Key, error) {
	var k Key
	err := row.Scan(&k.SID, &k.ProjectSID, &k.AccountSID, &k.FriendlyName, &k.Type, &k.CreatedAt, &k.UpdatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrNotFound
	}
	return &k, err
}

// CreateKey makes an API key for an account and returns it with its secret,
// which is shown once.
func (s *Store) CreateKey(ctx context.Context, db database.DBTX, a *Account, friendlyName, keyType string) (*Key, string, error) {
	keySID := sid.New(KeyPrefix)
	secret := newSecret()
	k, err := scanKey(db.QueryRow(ctx, `
		INSERT INTO api_keys (sid, project_sid, account_sid, friendly_name, type, secret_hash)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING `+keyColumns,
		keySID, a.ProjectSID, a.SID, friendlyName, keyType, hashKeySecret(keySID, secret)))
	return k, secret, err
}

// GetKey returns an account's key.
func (s *Store) GetKey(ctx context.Context, db database.DBTX, projectSID, accountSID, keySID string) (*Key, error) {
	return scanKey(db.QueryRow(ctx, `SELECT `+keyColumns+` FROM api_keys WHERE project_sid = $1 AND account_sid = $2 AND sid = $3`,
		projectSID, accountSID, keySID))
}

// Keys lists an account's keys, oldest first, after the key with SID
// after, skipping offset, at most limit.
func (s *Store) Keys(ctx context.Context, db database.DBTX, projectSID, accountSID, after string, offset, limit int) ([]*Key, error) {
	rows, err := db.Query(ctx, `
		SELECT `+keyColumns+` FROM api_keys
		WHERE project_sid = $1 AND account_sid = $2
		  AND ($3 = '' OR (created_at, sid) > (SELECT created_at, sid FROM api_keys WHERE project_sid = $1 AND sid = $3))
		ORDER BY created_at, sid OFFSET $4 LIMIT $5`, projectSID, accountSID, after, offset, limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (*Key, error) { return scanKey(row) })
}

// RenameKey changes a key's friendly name.
func (s *Store) RenameKey(ctx context.Context, db database.DBTX, projectSID, accountSID, keySID, name string) (*Key, error) {
	return scanKey(db.QueryRow(ctx, `UPDATE api_keys SET friendly_name = $4, updated_at = now()
		WHERE project_sid = $1 AND account_sid = $2 AND sid = $3 RETURNING `+keyColumns, projectSID, accountSID, keySID, name))
}

// DeleteKey revokes a key at once.
func (s *Store) DeleteKey(ctx context.Context, db database.DBTX, projectSID, accountSID, keySID string) error {
	tag, err := db.Exec(ctx, `DELETE FROM api_keys WHERE project_sid = $1 AND account_sid = $2 AND sid = $3`, projectSID, accountSID, keySID)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return ErrNotFound
	}
	return nil
}

// AuthenticateKey checks an API key SID and secret and returns the key
// with the account it belongs to. A key of a closed account never works.
func (s *Store) AuthenticateKey(ctx context.Context, db database.DBTX, keySID, secret string) (*Key, *Account, error) {
	if !sid.Valid(keySID, KeyPrefix) {
		return nil, nil, ErrWrongCredentials
	}
	var k Key
	var hash []byte
	a, err := scanWith(db.QueryRow(ctx, `
		SELECT a.sid, a.project_sid, coalesce(a.parent_sid, ''), a.friendly_name, a.status, a.type, a.time_zone, a.currency,
		       a.created_at, a.updated_at, a.secondary_created_at, a.require_2fa,
		       k.sid, k.project_sid, k.account_sid, k.friendly_name, k.type, k.created_at, k.updated_at, k.secret_hash
		FROM api_keys k JOIN accounts a ON a.sid = k.account_sid AND a.project_sid = k.project_sid
		WHERE k.sid = $1 AND NOT a.pending_verification`, keySID),
		&k.SID, &k.ProjectSID, &k.AccountSID, &k.FriendlyName, &k.Type, &k.CreatedAt, &k.UpdatedAt, &hash)
	if errors.Is(err, ErrNotFound) {
		return nil, nil, ErrWrongCredentials
	}
	if err != nil {
		return nil, nil, err
	}
	if subtle.ConstantTimeCompare(hash, hashKeySecret(keySID, secret)) != 1 || a.Status == StatusClosed {
		return nil, nil, ErrWrongCredentials
	}
	return &k, a, nil
}
