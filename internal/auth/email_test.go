package auth

import (
	"net/mail"
	"strings"
	"testing"
	"unicode"

	"github.com/stretchr/testify/require"
)

// An invitation to "victim@example.com,attacker@evil.example" was
// accepted: an address is now exactly one plain address or refused.
func TestParseEmail(t *testing.T) {
	for in, want := range map[string]string{
		"a@b.co":                         "a@b.co",
		"  taro.yamada+x@example.co.jp ": "taro.yamada+x@example.co.jp",
		"Ops@Example.com":                "Ops@Example.com",
		"o'brien@example.ie":             "o'brien@example.ie",
		"é@example.com":                  "é@example.com",
		"user@sub-domain.example.com":    "user@sub-domain.example.com",
	} {
		got, err := ParseEmail(in)
		require.NoError(t, err, "%q", in)
		require.Equal(t, want, got, "%q", in)
	}
	for _, in := range []string{
		"victim@example.com,attacker@evil.example",
		"victim@example.com, attacker@evil.example",
		"victim@example.com;attacker@evil.example",
		"victim@example.com attacker@evil.example",
		"Bob <bob@example.com>",
		"<bob@example.com>",
		`"Bob" <bob@example.com>`,
		"bob@example.com (Bob)",
		"(Bob) bob@example.com",
		`"bob"@example.com`,
		`"b ob"@example.com`,
		"bob@example.com\x00",
		"bob\x00@example.com",
		"bob@example.com\r\nBcc: attacker@evil.example",
		"bob@exa\tmple.com",
		"bob\u200b@example.com", // zero-width space
		"bob@example.com\u202e", // right-to-left override
		"bob@[192.0.2.1]",
		"bob@localhost",
		"bob@.example.com",
		"bob@example.com.",
		"bob..x@example.com",
		"@example.com",
		"bob@",
		"bob",
		"",
		"   ",
		"a@b@example.com",
		"\xff@example.com",
		strings.Repeat("a", 250) + "@example.com",
		"undisclosed-recipients:;",
		"group: a@example.com;",
	} {
		_, err := ParseEmail(in)
		require.ErrorIs(t, err, ErrInvalidEmail, "%q", in)
		require.False(t, ValidEmail(in), "%q", in)
	}
	require.False(t, ValidEmail(" a@b.co"), "ValidEmail wants the address as stored, trimmed")
}

// Whatever ParseEmail accepts is one address, exactly as net/mail reads
// it, with no control or invisible characters, and reads the same again.
func FuzzParseEmail(f *testing.F) {
	for _, s := range []string{"a@b.co", "victim@example.com,attacker@evil.example", "Bob <b@x.io>", `"a"@b.co`, "a@b.co\x00", " a@b.co ",
		"a@[1.2.3.4]", "é@example.jp", "a@b.co (c)"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got, err := ParseEmail(in)
		if err != nil {
			require.Empty(t, got)
			return
		}
		list, err := mail.ParseAddressList(got)
		require.NoError(t, err, "%q", in)
		require.Len(t, list, 1, "%q", in)
		require.Equal(t, got, list[0].Address)
		require.Empty(t, list[0].Name)
		require.Equal(t, 1, strings.Count(got, "@"), "%q", in)
		for _, r := range got {
			require.False(t, unicode.IsControl(r) || unicode.IsSpace(r) || unicode.Is(unicode.Cf, r), "%q", in)
		}
		again, err := ParseEmail(got)
		require.NoError(t, err)
		require.Equal(t, got, again)
		require.True(t, ValidEmail(got))
	})
}
