package auth

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestPasswordHashUsesArgon2idParameters(t *testing.T) {
	h := hashPassword("correct horse battery", DefaultHashCost)
	parts := strings.Split(h, "$")
	require.Len(t, parts, 6)
	require.Equal(t, "argon2id", parts[1])
	require.Equal(t, "v=19", parts[2])
	require.Equal(t, "m=19456,t=2,p=1", parts[3])
	require.True(t, verifyPassword("correct horse battery", h))
	require.False(t, verifyPassword("correct horse batter", h))
	require.False(t, verifyPassword("correct horse battery ", h), "checked whole, not trimmed")
	require.NotEqual(t, h, hashPassword("correct horse battery", DefaultHashCost), "salted")
	require.False(t, verifyPassword("x", "$argon2id$garbage"))
}

func TestPasswordRules(t *testing.T) {
	for pw, ok := range map[string]bool{
		"1234567":                false,
		"12345678":               true,
		"パスワード八文字だ":              true,
		strings.Repeat("a", 128): true,
		strings.Repeat("a", 129): false,
		strings.Repeat("あ", 128): true,
		"":                       false,
	} {
		require.Equal(t, ok, CheckPasswordRules(pw) == nil, "%q", pw)
	}
}

func TestValidEmail(t *testing.T) {
	for e, ok := range map[string]bool{
		"a@b.co": true, "taro.yamada+x@example.co.jp": true,
		"": false, "a@b": false, "@b.co": false, "a b@c.co": false, "a@.co": false, "a@co.": false, "<a@b.co>": false,
		"a@b.co,c@d.co": false, "Bob <a@b.co>": false, "a@b.co\x00": false,
	} {
		require.Equal(t, ok, ValidEmail(e), e)
	}
}
