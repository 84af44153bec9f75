package usage

import (
	"context"
	"maps"
	"slices"
	"strings"
	"sync"
)

// Touched names an account and a concrete category whose usage a
// transaction recorded: what usage triggers must look at once it commits.
type Touched struct {
	AccountSID, Category string
}

type trackerKey struct{}

type tracker struct {
	mu  sync.Mutex
	set map[Touched]struct{}
}

// Track returns a context under which Record notes what it touches, and a
// function listing those notes. A charge transaction runs under it so that
// whoever commits it learns, without a query, which triggers to evaluate.
func Track(ctx context.Context) (context.Context, func() []Touched) {
	tr := &tracker{set: map[Touched]struct{}{}}
	return context.WithValue(ctx, trackerKey{}, tr), func() []Touched {
		tr.mu.Lock()
		defer tr.mu.Unlock()
		return slices.Collect(maps.Keys(tr.set))
	}
}

func note(ctx context.Context, accountSID, category string) {
	if tr, ok := ctx.Value(trackerKey{}).(*tracker); ok {
		tr.mu.Lock()
		tr.set[Touched{accountSID, category}] = struct{}{}
		tr.mu.Unlock()
	}
}

// RollupPrefix is the prefix of the concrete categories that the roll-up
// category sums, "" when category is not a roll-up.
func RollupPrefix(category string) string { return rollups[category] }

// Covering lists the categories whose figures include usage of the
// concrete category: itself, the roll-up it belongs to, and totalprice.
func Covering(concrete string) []string {
	out := []string{concrete}
	for group, prefix := range rollups {
		if strings.HasPrefix(concrete, prefix) {
			out = append(out, group)
		}
	}
	return append(out, TotalPrice)
}
