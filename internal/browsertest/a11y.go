package browsertest

import (
	_ "embed"
	"strings"
)

// a11yCheck is the page-wide check A11yProblems runs in the page.
//
//go:embed a11y.js
var a11yCheck string

// A11yProblems checks the page for the accessibility basics every console
// page must meet, and returns one line per problem (none: an empty slice):
// every input, select and textarea has a label (a <label>, aria-label or
// aria-labelledby); every button, link and summary has a text alternative
// (its text, aria-label, aria-labelledby or title), which an icon-only
// control must give; an <img> has alt; an <svg> that is not hidden from
// screen readers has a name; no two elements share an id; there is one h1
// and one main landmark, and the document says its language.
func (b *Browser) A11yProblems() []string {
	b.t.Helper()
	return Eval[[]string](b, a11yCheck)
}

// RequireAccessible fails the test with every problem A11yProblems finds.
func (b *Browser) RequireAccessible() {
	b.t.Helper()
	if p := b.A11yProblems(); len(p) > 0 {
		b.t.Fatalf("browsertest: %s: accessibility:\n  %s", b.currentURL(), strings.Join(p, "\n  "))
	}
}
