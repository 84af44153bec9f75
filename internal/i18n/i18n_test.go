package i18n

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestCatalogsHaveTheSameKeys(t *testing.T) {
	en, ja := Keys(English), Keys(Japanese)
	require.NotEmpty(t, en)
	require.Equal(t, en, ja, "en.json and ja.json must have the same keys")
	for _, k := range en {
		require.NotEmpty(t, strings.TrimSpace(Translate(English, k)), k)
		require.NotEmpty(t, strings.TrimSpace(Translate(Japanese, k)), k)
	}
}

// Every catalog-looking string literal in the code must be a key of both
// catalogs, so a typo or a forgotten translation fails here, not on a page.
func TestEveryKeyUsedExists(t *testing.T) {
	prefixes := map[string]bool{}
	for _, k := range Keys(English) {
		prefixes[k[:strings.Index(k, ".")]] = true
	}
	var alts []string
	for p := range prefixes {
		alts = append(alts, regexp.QuoteMeta(p))
	}
	sort.Strings(alts)
	lit := regexp.MustCompile(`"((?:` + strings.Join(alts, "|") + `)\.[a-z_]+)"`)
	root := filepath.Join("..", "..")
	used := map[string]string{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "node_modules" || d.Name() == "var") {
			return filepath.SkipDir
		}
		if d.IsDir() || strings.HasSuffix(path, "_templ.go") || strings.HasSuffix(path, "_test.go") ||
			!(strings.HasSuffix(path, ".go") || strings.HasSuffix(path, ".templ")) {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range lit.FindAllStringSubmatch(string(b), -1) {
			used[m[1]] = path
		}
		return nil
	})
	require.NoError(t, err)
	require.Greater(t, len(used), 50, "the scan should find the keys the pages use")
	for key, path := range used {
		require.True(t, Has(English, key), "%s uses %q, missing from en.json", path, key)
		require.True(t, Has(Japanese, key), "%s uses %q, missing from ja.json", path, key)
	}
}

func TestNegotiate(t *testing.T) {
	for header, want := range map[string]string{
		"":                           English,
		"ja":                         Japanese,
		"ja-JP,ja;q=0.9,en-US;q=0.8": Japanese,
		"en-US,en;q=0.9,ja;q=0.8":    English,
		"fr-FR,ja;q=0.5,en;q=0.4":    Japanese,
		"de":                         English,
		"en;q=0.1, ja;q=0.2":         Japanese,
	} {
		require.Equal(t, want, Negotiate(header), header)
	}
}

func TestTranslate(t *testing.T) {
	ctx := WithLocale(context.Background(), Japanese)
	require.Equal(t, "ダッシュボード", T(ctx, "dashboard.title"))
	require.Equal(t, "Dashboard", T(context.Background(), "dashboard.title"))
	require.Equal(t, "Recovery codes left: 3", Translate(English, "settings.recovery_left", 3))
	require.Equal(t, "no.such.key", T(ctx, "no.such.key"))
}
