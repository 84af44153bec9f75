package i18n

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// The catalogs hold the same keys, but for the plural forms a language
// does not have: Japanese has no ".one".
func TestCatalogsHaveTheSameKeys(t *testing.T) {
	en, ja := Keys(English), Keys(Japanese)
	require.NotEmpty(t, en)
	require.Equal(t, en, slices.Sorted(slices.Values(append(slices.Clone(ja), oneForms(en)...))),
		"en.json and ja.json must have the same keys, but ja.json's .one forms")
	for _, k := range ja {
		require.False(t, strings.HasSuffix(k, PluralOne), "%s: Japanese has no .one form", k)
	}
	for _, k := range en {
		require.NotEmpty(t, strings.TrimSpace(Translate(English, k)), k)
		require.NotEmpty(t, strings.TrimSpace(Translate(Japanese, k)), k)
	}
}

func oneForms(keys []string) []string {
	var ones []string
	for _, k := range keys {
		if strings.HasSuffix(k, PluralOne) {
			ones = append(ones, k)
		}
	}
	return ones
}

// Every plural family has its forms: English .one and .other, Japanese
// .other; no family's base is a key of its own.
func TestPluralFamilies(t *testing.T) {
	for _, one := range oneForms(Keys(English)) {
		base := strings.TrimSuffix(one, PluralOne)
		require.True(t, Has(English, base+PluralOther), base)
		require.True(t, Has(Japanese, base+PluralOther), base)
		require.False(t, Has(English, base), base)
	}
}

func TestPlurals(t *testing.T) {
	t.Parallel()
	ja := WithLocale(context.Background(), Japanese)
	en := context.Background()
	for _, c := range []struct {
		ctx  context.Context
		n    int64
		want string
	}{
		{en, 0, "0 messages"},
		{en, 1, "1 message"},
		{en, 2, "2 messages"},
		{en, 1000, "1000 messages"},
		{ja, 1, "1 通"},
		{ja, 2, "2 通"},
	} {
		require.Equal(t, c.want, N(c.ctx, "triggers.unit_messages", c.n, strconv.FormatInt(c.n, 10)), "%s %d", Locale(c.ctx), c.n)
	}
	for _, c := range []struct{ locale, n, want string }{
		{English, "1", PluralOne},
		{English, "1.5", PluralOther},
		{English, "0", PluralOther},
		{English, "11", PluralOther},
		{English, "21", PluralOther},
		{Japanese, "1", PluralOther},
	} {
		require.Equal(t, c.want, PluralSuffix(c.locale, c.n), "%s %s", c.locale, c.n)
	}
	require.Equal(t, "1.5 minutes", TranslateN(English, "triggers.unit_minutes", "1.5", "1.5"))
	require.Equal(t, "1 minute", TranslateN(English, "triggers.unit_minutes", "1", "1"))
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
		if Has(English, key+PluralOther) { // a plural family, used through N
			require.True(t, Has(Japanese, key+PluralOther), "%s uses %q, missing from ja.json", path, key)
			continue
		}
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
	require.Equal(t, "3 recovery codes left", TranslateN(English, "settings.recovery_left", "3", 3))
	require.Equal(t, "1 recovery code left", N(context.Background(), "settings.recovery_left", 1, 1))
	require.Equal(t, "残りのリカバリーコード: 1 個", N(ctx, "settings.recovery_left", 1, 1))
	require.Equal(t, "no.such.key", T(ctx, "no.such.key"))
}
