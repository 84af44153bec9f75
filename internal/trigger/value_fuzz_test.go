package trigger_test

import (
	"strings"
	"testing"

	"console/internal/trigger"
)

func TestParseValueBoundsDigits(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in     string
		ok     bool
		offset bool
	}{
		{"100", true, false},
		{"+30", true, true},
		{"0.0079", true, false},
		{"999999999999999", true, false}, // 15 digits
		{"1000000000000000", false, false},
		{"0.0000000001", true, false}, // 10 places
		{"0.00000000001", false, false},
		{"1" + strings.Repeat("0", 200000), false, false},
		{"+" + strings.Repeat("9", 140000), false, false},
		{strings.Repeat("0", 1000) + "1", true, false}, // leading zeros are no magnitude
		{"1e5", false, false},
		{"++1", false, false},
		{"", false, false},
		{"\x00", false, false},
		{"1\xff", false, false},
	} {
		v, offset, err := trigger.ParseValue(tc.in)
		if (err == nil) != tc.ok || offset != tc.offset && tc.ok {
			t.Errorf("ParseValue(%.40q) = %.40s, %v, %v", tc.in, v.String(), offset, err)
		}
	}
}

// FuzzParseValue: any input is read without panicking, and an accepted
// value has few enough digits for PostgreSQL's numeric and survives being
// written out and read again.
func FuzzParseValue(f *testing.F) {
	for _, s := range []string{"100", "+30", "0.0079", "-5", "1e5", "+", ".", "-.5", "1.", " 7 ", "+-1", "0x10", "1_000",
		"999999999999999.9999999999", "1" + strings.Repeat("0", 20), "0." + strings.Repeat("0", 20) + "1", "\x00", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, offset, err := trigger.ParseValue(s)
		if err != nil {
			return
		}
		if len(v.Coefficient().String()) > 40 || v.Exponent() < -10 {
			t.Fatalf("ParseValue(%q) accepted %s", s, v)
		}
		back := v.String()
		if offset {
			back = "+" + back
		}
		again, offset2, err := trigger.ParseValue(back)
		if err != nil || !again.Equal(v) || offset2 != offset {
			t.Fatalf("ParseValue(%q) = %s, but %q reads as %s, %v", s, v, back, again, err)
		}
	})
}
