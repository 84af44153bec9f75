package auth

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// argon2id parameters: OWASP's minimum of 19 MiB, two passes, one lane.
const (
	argonMemory  = 19 * 1024
	argonTime    = 2
	argonThreads = 1
	argonKeyLen  = 32
)

// Password length limits, counted in characters.
const (
	MinPasswordLen = 8
	MaxPasswordLen = 128
)

// ErrPasswordLength is returned for a password outside the length limits.
var ErrPasswordLength = errors.New("auth: password length")

// CheckPasswordRules validates a new password; it is checked whole, never trimmed.
func CheckPasswordRules(pw string) error {
	if n := utf8.RuneCountInString(pw); n < MinPasswordLen || n > MaxPasswordLen {
		return ErrPasswordLength
	}
	return nil
}

// hashPassword returns pw hashed with argon2id in the PHC string format.
// It costs argonMemory for its duration: callers outside this file go
// through the Store's HashGate.
func hashPassword(pw string) string {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		panic(err)
	}
	key := argon2.IDKey([]byte(pw), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key))
}

// verifyPassword reports whether pw matches the encoded hash. The
// parameters are read from the hash, so older hashes keep working. Like
// hashPassword it runs under the Store's HashGate.
func verifyPassword(pw, encoded string) bool {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
		return false
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	want, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 {
		return false
	}
	got := argon2.IDKey([]byte(pw), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// dummyHash is verified against when the email is unknown, so that an
// unknown email costs as much time as a wrong password.
var dummyHash = hashPassword("not a password anyone has")

// PasswordHash is a new password, hashed, ready to be stored.
type PasswordHash struct{ encoded string }

// HashNewPassword hashes pw for storing, holding a hashing slot; it fails
// with ErrBusy when none comes free in time. Callers hash before their
// transaction, so no database connection waits on a slot.
func (s *Store) HashNewPassword(ctx context.Context, pw string) (PasswordHash, error) {
	var h PasswordHash
	err := s.Hashing.do(ctx, func() { h.encoded = hashPassword(pw) })
	return h, err
}

// verify checks pw against encoded holding a hashing slot.
func (s *Store) verify(ctx context.Context, pw, encoded string) (bool, error) {
	var ok bool
	err := s.Hashing.do(ctx, func() { ok = verifyPassword(pw, encoded) })
	return ok, err
}
