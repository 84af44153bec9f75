package sessioncodec

import (
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/stretchr/testify/require"
)

func TestRoundTrip(t *testing.T) {
	deadline := time.Date(2026, 11, 27, 12, 0, 0, 123, time.UTC)
	in := map[string]interface{}{"uid": "US123", "epoch": 3, "seen": int64(1764230400), "trust": true, "flash": "保存しました。", "": ""}
	b, err := Codec{}.Encode(deadline, in)
	require.NoError(t, err)
	gotDeadline, got, err := Codec{}.Decode(b)
	require.NoError(t, err)
	require.True(t, deadline.Equal(gotDeadline))
	require.Equal(t, in, got)
	_, err = Codec{}.Encode(deadline, map[string]interface{}{"x": 1.5})
	require.Error(t, err, "unsupported types are refused, not silently dropped")
	gob, err := scs.GobCodec{}.Encode(deadline, map[string]interface{}{"uid": "US1"})
	require.NoError(t, err)
	_, old, err := Codec{}.Decode(gob)
	require.NoError(t, err)
	require.Equal(t, "US1", old["uid"], "sessions from the gob codec still load")
	for i := range b {
		_, _, err := Codec{}.Decode(b[:i])
		require.Error(t, err, "truncated at %d", i)
	}
}
