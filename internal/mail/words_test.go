package mail_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"console/internal/mail"
)

func TestLanguage(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ reader, fallback, want string }{
		{"ja", "en", "ja"},
		{"en", "ja", "en"},
		{"", "ja", "ja"},
		{"", "", "en"},
		{"fr", "xx", "en"},
	} {
		require.Equal(t, c.want, mail.Language(c.reader, c.fallback), "%q, %q", c.reader, c.fallback)
	}
}

func TestTime(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 30, 15, 30, 0, 0, time.UTC)
	for _, c := range []struct{ locale, zone, want string }{
		{"en", "Asia/Tokyo", "Dec 1, 2026 00:30 JST"},
		{"ja", "Asia/Tokyo", "2026年12月1日 00:30 JST"},
		{"en", "America/New_York", "Nov 30, 2026 10:30 EST"},
		{"ja", "America/New_York", "2026年11月30日 10:30 EST"},
		{"en", "Not/AZone", "Nov 30, 2026 15:30 UTC"},
	} {
		require.Equal(t, c.want, mail.Time(c.locale, c.zone, at), c.locale+" "+c.zone)
	}
}
