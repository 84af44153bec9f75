package keyset

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestCursorRoundTripsAndRefusesWhatStringDidNotMake(t *testing.T) {
	t.Parallel()
	c := Cursor{At: time.Date(2026, 11, 27, 1, 2, 3, 456789000, time.UTC), SID: "SM" + strings.Repeat("ab", 16)}
	got, err := Parse(c.String())
	require.NoError(t, err)
	require.Equal(t, c, got)
	for _, bad := range []string{"", "-", "1", "x-SM" + strings.Repeat("a", 32), "-1-SM" + strings.Repeat("a", 32), "1-SMshort",
		"253402300800000000-SM" + strings.Repeat("a", 32)} {
		_, err := Parse(bad)
		require.ErrorIs(t, err, ErrBadCursor, bad)
	}
}

// Cut keeps a page of size rows and points at the pages beside it, from
// a read in either direction.
func TestCutPointsAtThePagesBeside(t *testing.T) {
	t.Parallel()
	at := func(i int) Cursor { return Cursor{At: time.Unix(int64(i), 0), SID: "SM" + strings.Repeat("a", 32)} }
	mid := at(50)
	for _, tc := range []struct {
		name         string
		rows         []int
		p            Page
		want         []int
		older, newer *int
	}{
		{"first, more", []int{9, 8, 7}, Page{}, []int{9, 8}, ptr(8), nil},
		{"first, all", []int{9, 8}, Page{}, []int{9, 8}, nil, nil},
		{"older, more", []int{9, 8, 7}, Page{Older: &mid}, []int{9, 8}, ptr(8), ptr(9)},
		{"older, last", []int{9}, Page{Older: &mid}, []int{9}, nil, ptr(9)},
		{"newer, more", []int{9, 8, 7}, Page{Newer: &mid}, []int{8, 7}, ptr(7), ptr(8)},
		{"newer, first", []int{8, 7}, Page{Newer: &mid}, []int{8, 7}, ptr(7), nil},
		{"empty", nil, Page{Older: &mid}, nil, nil, nil},
	} {
		page, older, newer := Cut(tc.rows, tc.p, 2, at)
		require.Equal(t, tc.want, page, tc.name)
		for _, side := range []struct {
			got  *Cursor
			want *int
		}{{older, tc.older}, {newer, tc.newer}} {
			if side.want == nil {
				require.Nil(t, side.got, tc.name)
			} else {
				require.Equal(t, at(*side.want), *side.got, tc.name)
			}
		}
	}
}

func ptr(i int) *int { return &i }
