package webhook

import (
	"context"
	"errors"
	"net/netip"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"
)

// lastAddr is the highest address of p.
func lastAddr(p netip.Prefix) netip.Addr {
	b := p.Masked().Addr().AsSlice()
	for i := p.Bits(); i < len(b)*8; i++ {
		b[i/8] |= 0x80 >> (i % 8)
	}
	a, _ := netip.AddrFromSlice(b)
	return a
}

// Each range of the table, entry by entry: its first and last addresses
// are its own (or a range's nested in it), and the addresses just outside
// it are not; refused ranges refuse them.
func TestSpecialRangesEntryByEntry(t *testing.T) {
	for i := range specialRanges {
		r := &specialRanges[i]
		first, last := r.prefix.Masked().Addr(), lastAddr(r.prefix)
		for _, in := range []netip.Addr{first, last} {
			// The range's own, or a more specific range's within it (as
			// 255.255.255.255/32 within 240.0.0.0/4).
			got := rangeOf(in)
			require.NotNil(t, got, "%s is in %s (%s)", in, r.prefix, r.name)
			require.True(t, got == r || got.prefix.Bits() > r.prefix.Bits() && r.prefix.Contains(got.prefix.Addr()),
				"%s is in %s (%s), not %s", in, r.prefix, r.name, got.prefix)
			if got.rule == refuse {
				require.False(t, publicAddr(in), "%s (%s) is refused", in, got.name)
			}
		}
		for _, out := range []netip.Addr{first.Prev(), last.Next()} {
			if out.IsValid() {
				require.NotSame(t, r, rangeOf(out), "%s is outside %s (%s)", out, r.prefix, r.name)
			}
		}
	}
}

// What a webhook may reach: the TEST-NET-1 host, each range's
// neighbours, and the embedded IPv4 addresses of NAT64, mapped and 6to4
// addresses.
func TestPublicAddr(t *testing.T) {
	for addr, public := range map[string]bool{
		"192.0.2.2": false, // the finding: TEST-NET-1, delivered three times
		"8.8.8.8":   true,
		"1.1.1.1":   true,
		// IPv4, inside and just outside each range.
		"0.0.0.0": false, "0.255.255.255": false, "1.0.0.0": true,
		"9.255.255.255": true, "10.0.0.0": false, "10.255.255.255": false, "11.0.0.0": true,
		"100.63.255.255": true, "100.64.0.0": false, "100.127.255.255": false, "100.128.0.0": true,
		"126.255.255.255": true, "127.0.0.1": false, "128.0.0.0": true,
		"169.253.255.255": true, "169.254.169.254": false, "169.255.0.0": true,
		"172.15.255.255": true, "172.16.0.0": false, "172.31.255.255": false, "172.32.0.0": true,
		"191.255.255.255": true, "192.0.0.0": false, "192.0.0.9": false, "192.0.0.255": false, "192.0.1.0": true,
		"192.0.1.255": true, "192.0.2.0": false, "192.0.2.255": false, "192.0.3.0": true,
		"192.31.196.1": true, "192.52.193.1": true, "192.175.48.1": true,
		"192.88.98.255": true, "192.88.99.1": false, "192.88.100.0": true,
		"192.167.255.255": true, "192.168.1.1": false, "192.169.0.0": true,
		"198.17.255.255": true, "198.18.0.0": false, "198.19.255.255": false, "198.20.0.0": true,
		"198.51.99.255": true, "198.51.100.7": false, "198.51.101.0": true,
		"203.0.112.255": true, "203.0.113.9": false, "203.0.114.0": true,
		"223.255.255.255": true, "224.0.0.1": false, "239.255.255.255": false, "240.0.0.1": false, "255.255.255.255": false,
		// IPv6.
		"::": false, "::1": false, "::2": false, "::8.8.8.8": false, // IPv4-compatible, deprecated
		"::ffff:8.8.8.8": true, "::ffff:192.0.2.2": false, "::ffff:127.0.0.1": false, "::ffff:10.0.0.1": false,
		"64:ff9b::8.8.8.8": true, "64:ff9b::192.0.2.2": false, "64:ff9b::a9fe:a9fe": false, "64:ff9b::10.1.2.3": false,
		"64:ff9b:1::8.8.8.8": false, "64:ff9b:1:ffff::1": false,
		"100::1": false, "100:0:0:1::1": false, "1ff:ffff::1": false,
		"1fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff": false, "2000::1": true,
		"2001::1": false, "2001:0:4136:e378:8000:63bf:3fff:fdd2": false, "2001:1ff:ffff::1": false, "2001:200::1": true,
		"2001:db7:ffff:ffff:ffff:ffff:ffff:ffff": true, "2001:db8::1": false, "2001:db8:ffff::1": false, "2001:db9::": true,
		"2001:4860:4860::8888": true, "2606:4700:4700::1111": true, "2620:4f:8000::1": true,
		"2002:808:808::1": true, "2002:c000:202::1": false, "2002:7f00:1::1": false, "2002:a00:1::": false, "2002:e000:1::": false,
		"2001:ffff::": true, "2003::": true,
		"3ffe:ffff:ffff:ffff:ffff:ffff:ffff:ffff": true, "3fff::1": false, "3fff:fff:ffff::1": false, "3fff:1000::": true,
		"4000::1": false, "5f00::1": false, "e000::": false,
		"fc00::1": false, "fd12:3456::1": false, "fe80::1": false, "febf:ffff::1": false, "fec0::1": false, "feff::1": false,
		"ff02::1": false, "ff0e::1": false,
		"fe80::1%eth0": false, "2001:4860:4860::8888%eth0": false, // zoned: scoped to a link
	} {
		ip, err := netip.ParseAddr(addr)
		require.NoError(t, err, addr)
		require.Equal(t, public, publicAddr(ip), "%s", addr)
	}
	require.False(t, publicAddr(netip.Addr{}))
}

// The strict client refuses the TEST-NET-1 host and the other
// special-purpose addresses at dial time, before any connection: in
// production a status callback to http://192.0.2.2/ was delivered.
func TestClientRefusesSpecialPurposeAddresses(t *testing.T) {
	strict := NewClient(false)
	for _, target := range []string{"http://192.0.2.2/status", "http://198.18.0.1/", "http://198.51.100.1/", "http://203.0.113.1/",
		"http://100.64.0.1/", "http://240.0.0.1/", "http://255.255.255.255/", "http://0.0.0.0/", "http://192.88.99.1/",
		"http://[64:ff9b::c000:202]/", "http://[2001:db8::1]/", "http://[2002:c000:202::1]/", "http://[::ffff:192.0.2.2]/",
		"http://[fc00::1]/", "http://[fec0::1]/", "http://[100::1]/", "http://[ff02::1]/"} {
		_, err := Post(context.Background(), strict, target, "token", url.Values{"a": {"b"}})
		require.Error(t, err, target)
		require.True(t, errors.Is(err, ErrForbiddenAddress), "%s: %v", target, err)
	}
}
