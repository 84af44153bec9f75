package seal

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestSealOpenBindsAdditionalData(t *testing.T) {
	b, err := New(bytes.Repeat([]byte{7}, 32))
	require.NoError(t, err)
	ct := b.Seal([]byte("0123456789abcdef0123456789abcdef"), []byte("AC1"))
	require.NotContains(t, string(ct), "0123456789abcdef")
	pt, err := b.Open(ct, []byte("AC1"))
	require.NoError(t, err)
	require.Equal(t, "0123456789abcdef0123456789abcdef", string(pt))
	_, err = b.Open(ct, []byte("AC2"))
	require.Error(t, err, "a ciphertext moved to another account does not open")
	ct[len(ct)-1] ^= 1
	_, err = b.Open(ct, []byte("AC1"))
	require.Error(t, err)
	require.NotEqual(t, b.Seal([]byte("x"), nil), b.Seal([]byte("x"), nil), "random nonce")
	_, err = New([]byte("short"))
	require.Error(t, err)
	other, _ := New(bytes.Repeat([]byte{8}, 32))
	_, err = other.Open(b.Seal([]byte("x"), nil), nil)
	require.Error(t, err)
}
