package messaging

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestCount(t *testing.T) {
	for _, tc := range []struct {
		name     string
		body     string
		encoding string
		units    int
		count    int
	}{
		{"empty", "", GSM7, 0, 1},
		{"ascii", "Hello from the console", GSM7, 22, 1},
		{"160 septets fit one", strings.Repeat("a", 160), GSM7, 160, 1},
		{"161 septets make two", strings.Repeat("a", 161), GSM7, 161, 2},
		{"306 septets make two", strings.Repeat("a", 306), GSM7, 306, 2},
		{"307 septets make three", strings.Repeat("a", 307), GSM7, 307, 3},
		{"extension characters cost two", "€" + strings.Repeat("a", 158), GSM7, 160, 1},
		{"extension pushes over", "€" + strings.Repeat("a", 159), GSM7, 161, 2},
		{"an escape is not split across parts", strings.Repeat("a", 152) + "€" + strings.Repeat("a", 10), GSM7, 164, 2},
		{"GSM accents stay GSM-7", "Ça va? Déjà vu à Zürich", GSM7, 23, 1},
		{"japanese", "こんにちは、コンソールです。", UCS2, 14, 1},
		{"70 UCS-2 fit one", strings.Repeat("あ", 70), UCS2, 70, 1},
		{"71 UCS-2 make two", strings.Repeat("あ", 71), UCS2, 71, 2},
		{"134 UCS-2 make two", strings.Repeat("あ", 134), UCS2, 134, 2},
		{"135 UCS-2 make three", strings.Repeat("あ", 135), UCS2, 135, 3},
		{"one non-GSM character makes it all UCS-2", strings.Repeat("a", 100) + "ç", UCS2, 101, 2},
		{"emoji are two units", "👍", UCS2, 2, 1},
		{"35 emoji fit one", strings.Repeat("👍", 35), UCS2, 70, 1},
		{"a surrogate pair is not split", strings.Repeat("a", 66) + "ß" + "😀" + strings.Repeat("b", 10), UCS2, 79, 2},
	} {
		got := Count(tc.body)
		require.Equal(t, tc.encoding, got.Encoding, tc.name)
		require.Equal(t, tc.units, got.Units, tc.name)
		require.Equal(t, tc.count, got.Count, tc.name)
	}
}

func TestSurrogateAtPartBoundary(t *testing.T) {
	// 66 units, then an emoji that would straddle the 67-unit boundary.
	body := strings.Repeat("あ", 66) + "😀" + strings.Repeat("あ", 10)
	got := Count(body)
	require.Equal(t, UCS2, got.Encoding)
	require.Equal(t, 78, got.Units)
	require.Equal(t, 2, got.Count)
	body = strings.Repeat("あ", 66) + "😀" + strings.Repeat("あ", 66)
	require.Equal(t, 3, Count(body).Count, "the emoji starts the second part, pushing one character into a third")
}
