package webhook

import (
	"net/netip"
)

// What a special-purpose range means for a webhook's destination.
type rangeRule int

const (
	// refuse: never a customer's server.
	refuse rangeRule = iota
	// embedsIPv4: the range carries an IPv4 address, which decides.
	embedsIPv4
)

// specialRange is one entry of the table below.
type specialRange struct {
	prefix netip.Prefix
	name   string
	ref    string
	rule   rangeRule
	// v4At is where an embedsIPv4 range carries its IPv4 address: the
	// index of its first byte in the 16-byte IPv6 address.
	v4At int
}

func special(prefix, name, ref string) specialRange {
	return specialRange{prefix: netip.MustParsePrefix(prefix), name: name, ref: ref, rule: refuse}
}

func embedding(prefix, name, ref string, v4At int) specialRange {
	return specialRange{prefix: netip.MustParsePrefix(prefix), name: name, ref: ref, rule: embedsIPv4, v4At: v4At}
}

// specialRanges are the addresses a webhook may not reach in production:
// every block that is not globally reachable unicast. It is taken from
//
//   - the IANA IPv4 Special-Purpose Address Registry,
//     https://www.iana.org/assignments/iana-ipv4-special-registry/
//   - the IANA IPv6 Special-Purpose Address Registry,
//     https://www.iana.org/assignments/iana-ipv6-special-registry/
//   - the IANA IPv4 Address Space Registry (multicast and the former
//     class E) and the IANA IPv6 Address Space Registry (everything
//     outside 2000::/3, the only space allocated as global unicast),
//     https://www.iana.org/assignments/ipv4-address-space/
//     https://www.iana.org/assignments/ipv6-address-space/
//
// An address takes the rule of the most specific range that holds it;
// an address in no range is globally routable unicast and may be reached.
// Deliberately stricter than the registries in two places: all of
// 192.0.0.0/24 is refused, its two anycast /32s (PCP, TURN) included, and
// all of 2001::/23, its globally reachable sub-blocks (TEREDO, AMT,
// AS112-v6, ORCHIDv2, DRIP) included: none is a customer's web server.
// The registries' globally reachable AS112 and AMT blocks
// (192.31.196.0/24, 192.52.193.0/24, 192.175.48.0/24, 2620:4f:8000::/48)
// are ordinary unicast here.
var specialRanges = []specialRange{
	// IPv4 Special-Purpose Address Registry.
	special("0.0.0.0/8", `"This network"`, "RFC 791, RFC 1122"),
	special("10.0.0.0/8", "Private-Use", "RFC 1918"),
	special("100.64.0.0/10", "Shared Address Space", "RFC 6598"),
	special("127.0.0.0/8", "Loopback", "RFC 1122"),
	special("169.254.0.0/16", "Link Local", "RFC 3927"),
	special("172.16.0.0/12", "Private-Use", "RFC 1918"),
	special("192.0.0.0/24", "IETF Protocol Assignments", "RFC 6890"),
	special("192.0.2.0/24", "Documentation (TEST-NET-1)", "RFC 5737"),
	special("192.88.99.0/24", "Deprecated 6to4 Relay Anycast", "RFC 7526"),
	special("192.168.0.0/16", "Private-Use", "RFC 1918"),
	special("198.18.0.0/15", "Benchmarking", "RFC 2544"),
	special("198.51.100.0/24", "Documentation (TEST-NET-2)", "RFC 5737"),
	special("203.0.113.0/24", "Documentation (TEST-NET-3)", "RFC 5737"),
	special("240.0.0.0/4", "Reserved", "RFC 1112"),
	special("255.255.255.255/32", "Limited Broadcast", "RFC 8190, RFC 919"),
	// IPv4 Address Space Registry: multicast is not unicast.
	special("224.0.0.0/4", "Multicast", "RFC 5771"),

	// IPv6 Special-Purpose Address Registry.
	special("::/128", "Unspecified Address", "RFC 4291"),
	special("::1/128", "Loopback Address", "RFC 4291"),
	embedding("::ffff:0:0/96", "IPv4-mapped Address", "RFC 4291", 12),
	embedding("64:ff9b::/96", "IPv4-IPv6 Translation (NAT64 well-known prefix)", "RFC 6052", 12),
	// Local-use NAT64 prefixes embed an IPv4 address where each operator
	// chooses (RFC 6052's /32 to /96): it cannot be read, so refused.
	special("64:ff9b:1::/48", "IPv4-IPv6 Translation (local use)", "RFC 8215"),
	special("100::/64", "Discard-Only Address Block", "RFC 6666"),
	special("100:0:0:1::/64", "Dummy IPv6 Prefix", "RFC 9780"),
	special("2001::/23", "IETF Protocol Assignments", "RFC 2928"),
	special("2001:db8::/32", "Documentation", "RFC 3849"),
	embedding("2002::/16", "6to4", "RFC 3056", 2),
	special("3fff::/20", "Documentation", "RFC 9637"),
	special("5f00::/16", "Segment Routing (SRv6) SIDs", "RFC 9602"),
	special("fc00::/7", "Unique-Local", "RFC 4193, RFC 8190"),
	special("fe80::/10", "Link-Local Unicast", "RFC 4291"),
	// IPv6 Address Space Registry: all but 2000::/3 is reserved,
	// link-local, site-local, unique-local or multicast.
	special("::/8", "Reserved by IETF (IPv4-compatible, loopback, unspecified)", "RFC 4291"),
	special("100::/8", "Reserved by IETF", "RFC 4291"),
	special("200::/7", "Reserved by IETF", "RFC 4048"),
	special("400::/6", "Reserved by IETF", "RFC 4291"),
	special("800::/5", "Reserved by IETF", "RFC 4291"),
	special("1000::/4", "Reserved by IETF", "RFC 4291"),
	special("4000::/3", "Reserved by IETF", "RFC 4291"),
	special("6000::/3", "Reserved by IETF", "RFC 4291"),
	special("8000::/3", "Reserved by IETF", "RFC 4291"),
	special("a000::/3", "Reserved by IETF", "RFC 4291"),
	special("c000::/3", "Reserved by IETF", "RFC 4291"),
	special("e000::/4", "Reserved by IETF", "RFC 4291"),
	special("f000::/5", "Reserved by IETF", "RFC 4291"),
	special("f800::/6", "Reserved by IETF", "RFC 4291"),
	special("fe00::/9", "Reserved by IETF", "RFC 4291"),
	special("fec0::/10", "Site-Local (deprecated)", "RFC 3879"),
	special("ff00::/8", "Multicast", "RFC 4291"),
}

// rangeOf returns the most specific special-purpose range that holds ip,
// or nil when none does.
func rangeOf(ip netip.Addr) *specialRange {
	var best *specialRange
	for i := range specialRanges {
		r := &specialRanges[i]
		if r.prefix.Contains(ip) && (best == nil || r.prefix.Bits() > best.prefix.Bits()) {
			best = r
		}
	}
	return best
}

// publicAddr reports whether ip is globally routable unicast, which a
// webhook may reach. An address with a zone is scoped to a link.
func publicAddr(ip netip.Addr) bool {
	if !ip.IsValid() || ip.Zone() != "" {
		return false
	}
	r := rangeOf(ip)
	switch {
	case r == nil:
		return true
	case r.rule == embedsIPv4:
		b := ip.As16()
		return publicAddr(netip.AddrFrom4([4]byte(b[r.v4At : r.v4At+4])))
	}
	return false
}
