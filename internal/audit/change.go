package audit

import (
	"slices"
	"strings"
)

// Change is a value an entry says changed, before and after.
type Change struct {
	Field    string // "" for the entry's one change
	From, To string
}

// Detail is one other detail of an entry.
type Detail struct{ Key, Value string }

// Changes splits an entry's details into what changed and the rest, each
// sorted by name. A change is written as the details "from" and "to" (the
// entry's one change: a rename, a new time zone, a new role) or as
// "<field>.from" and "<field>.to" for each of several fields; a half pair
// is an ordinary detail.
func Changes(details map[string]string) ([]Change, []Detail) {
	var changes []Change
	var rest []Detail
	for k, v := range details {
		field, side, ok := changeKey(k)
		if !ok {
			rest = append(rest, Detail{k, v})
			continue
		}
		other := "to"
		if side == "to" {
			other = "from"
		}
		if _, pair := details[pairKey(field, other)]; !pair {
			rest = append(rest, Detail{k, v})
			continue
		}
		if side == "from" { // each pair once, from its "from"
			changes = append(changes, Change{Field: field, From: v, To: details[pairKey(field, "to")]})
		}
	}
	slices.SortFunc(changes, func(a, b Change) int { return strings.Compare(a.Field, b.Field) })
	slices.SortFunc(rest, func(a, b Detail) int { return strings.Compare(a.Key, b.Key) })
	return changes, rest
}

func changeKey(k string) (field, side string, ok bool) {
	if k == "from" || k == "to" {
		return "", k, true
	}
	if f, ok := strings.CutSuffix(k, ".from"); ok && f != "" {
		return f, "from", true
	}
	if f, ok := strings.CutSuffix(k, ".to"); ok && f != "" {
		return f, "to", true
	}
	return "", "", false
}

func pairKey(field, side string) string {
	if field == "" {
		return side
	}
	return field + "." + side
}
