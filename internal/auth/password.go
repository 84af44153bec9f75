package auth

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// HashCost is what hashing a new password costs: argon2id's memory (in
// KiB), passes and lanes. A hash keeps its cost, so hashes made at any
// cost verify whatever the Store's is now.
type HashCost struct {
	Memory  uint32
	Time    uint32
	Threads uint8
}

// DefaultHashCost is OWASP's minimum for argon2id: 19 MiB, two passes, one
// lane. Production runs it; tests, which hash thousands of passwords that
// protect nothing, set a cheap one.
var DefaultHashCost = HashCost{Memory: 19 * 1024, Time: 2, Threads: 1}

const argonKeyLen = 32

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

// hashPassword returns pw hashed with argon2id at cost c in the PHC string
// format. It takes c.Memory for its duration: callers outside this file
// go through the Store's HashGate.
func hashPassword(pw string, c HashCost) string {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		panic(err)
	}
	key := argon2.IDKey([]byte(pw), salt, c.Time, c.Memory, c.Threads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, c.Memory, c.Time, c.Threads,
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

// dummyHashes holds, by cost, the hash verified against when the email
// is unknown, so that an unknown email costs as much time as a wrong
// password.
var dummyHashes sync.Map // HashCost -> string

func dummyHash(c HashCost) string {
	if h, ok := dummyHashes.Load(c); ok {
		return h.(string)
	}
	h, _ := dummyHashes.LoadOrStore(c, hashPassword("not a password anyone has", c))
	return h.(string)
}

// hashCost is the cost of the Store's new hashes.
func (s *Store) hashCost() HashCost {
	if s.HashCost == (HashCost{}) {
		return DefaultHashCost
	}
	return s.HashCost
}

// PasswordHash is a new password, hashed, ready to be stored.
type PasswordHash struct{ encoded string }

// HashNewPassword hashes pw for storing, holding a hashing slot; it fails
// with ErrBusy when none comes free in time. Callers hash before their
// transaction, so no database connection waits on a slot.
func (s *Store) HashNewPassword(ctx context.Context, pw string) (PasswordHash, error) {
	var h PasswordHash
	err := s.Hashing.do(ctx, func() { h.encoded = hashPassword(pw, s.hashCost()) })
	return h, err
}

// verify checks pw against encoded holding a hashing slot.
func (s *Store) verify(ctx context.Context, pw, encoded string) (bool, error) {
	var ok bool
	err := s.Hashing.do(ctx, func() { ok = verifyPassword(pw, encoded) })
	return ok, err
}
