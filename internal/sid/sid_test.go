package sid

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
)

func TestSyntax(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"AC" + strings.Repeat("0", 32), true},
		{"SK0123456789abcdef0123456789abcdef", true},
		{New("UT"), true},
		{"", false},
		{"AC", false},
		{"ac" + strings.Repeat("0", 32), false},              // lowercase prefix
		{"AC" + strings.Repeat("A", 32), false},              // uppercase hex
		{"AC" + strings.Repeat("0", 31), false},              // short
		{"AC" + strings.Repeat("0", 33), false},              // long
		{"AC" + strings.Repeat("0", 31) + "\x00", false},     // NUL
		{"AC" + strings.Repeat("0", 30) + "\xff\xfe", false}, // invalid UTF-8
		{"A\x00" + strings.Repeat("0", 32), false},           // NUL in the prefix
		{"1C" + strings.Repeat("0", 32), false},              // digit prefix
		{"AC" + strings.Repeat("0", 30) + "é", false},        // 34 bytes, not hex
	} {
		require.Equal(t, tc.want, Syntax(tc.in), "%q", tc.in)
	}
	require.True(t, Valid("AC"+strings.Repeat("f", 32), Account))
	require.False(t, Valid("SK"+strings.Repeat("f", 32), Account))
	require.False(t, Valid("AC\x00", Account))
}

// FuzzSyntax: whatever the input, Syntax answers without panicking, and
// what it accepts is exactly 34 bytes of plain ASCII that Valid accepts
// with its own prefix — safe to send to the database as it is.
func FuzzSyntax(f *testing.F) {
	for _, s := range []string{"", "AC", New("AC"), New("SK"), "AC" + strings.Repeat("0", 31) + "\x00", "AC\xff\xfe", strings.Repeat("z", 34),
		"ac0123456789abcdef0123456789abcdef", "AC0123456789ABCDEF0123456789ABCDEF"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ok := Syntax(s)
		if !ok {
			return
		}
		if len(s) != 34 || !utf8.ValidString(s) || strings.ContainsRune(s, 0) || !Valid(s, s[:2]) {
			t.Fatalf("Syntax accepted %q", s)
		}
		for _, c := range []byte(s) {
			if c > 0x7f {
				t.Fatalf("Syntax accepted non-ASCII %q", s)
			}
		}
	})
}
