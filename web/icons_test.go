package web

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/stretchr/testify/require"

	"console/internal/nav"
)

// Every icon the pages draw is in the sprite, which keeps Lucide's licence
// beside it, and no Unicode symbol stands in for an icon any more.
func TestIconsAreInTheSprite(t *testing.T) {
	t.Parallel()
	sprite, err := Static.ReadFile("static/icons/icons.svg")
	require.NoError(t, err)
	licence, err := Static.ReadFile("static/icons/LICENSE")
	require.NoError(t, err)
	require.Contains(t, string(licence), "ISC License")
	have := map[string]bool{}
	for _, m := range regexp.MustCompile(`<symbol id="([a-z0-9-]+)"`).FindAllStringSubmatch(string(sprite), -1) {
		have[m[1]] = true
	}

	used := map[string]string{}
	for _, s := range nav.Services {
		used[s.Icon] = "nav.Services " + s.ID
	}
	files, err := filepath.Glob("*.templ")
	require.NoError(t, err)
	uses := regexp.MustCompile(`(?:@Icon\(|@iconText\()"([a-z0-9-]+)"|@textIcon\([^@\n]*?, "([a-z0-9-]+)"\)`)
	glyph := regexp.MustCompile(`[⌂☰☎✉▤◉⚙✓✔⚠←→]`)
	for _, f := range files {
		src, err := os.ReadFile(f)
		require.NoError(t, err)
		for _, m := range uses.FindAllStringSubmatch(string(src), -1) {
			used[m[1]+m[2]] = f
		}
		require.Empty(t, glyph.FindAllString(string(src), -1), "%s draws a symbol as an icon", f)
	}
	for _, f := range []string{"../internal/i18n/catalog/en.json", "../internal/i18n/catalog/ja.json"} {
		src, err := os.ReadFile(f)
		require.NoError(t, err)
		require.Empty(t, regexp.MustCompile(`[←→✓⚠]`).FindAllString(string(src), -1), "%s: an arrow or mark belongs in the template as an icon", f)
	}
	require.Greater(t, len(used), 10)
	for name, where := range used {
		require.True(t, have[name], "%s uses icon %q, missing from static/icons/icons.svg", where, name)
	}
}
