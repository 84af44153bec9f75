package audit_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"console/internal/audit"
	"console/internal/i18n"
)

// Every action constant is offered by Monitor › Events and labelled in
// both languages.
func TestEveryActionIsListedAndLabelled(t *testing.T) {
	t.Parallel()
	file, err := parser.ParseFile(token.NewFileSet(), "actions.go", nil, 0)
	require.NoError(t, err)
	var consts []string
	for _, decl := range file.Decls {
		if gd, ok := decl.(*ast.GenDecl); ok && gd.Tok == token.CONST {
			ast.Inspect(gd, func(n ast.Node) bool {
				if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
					v, err := strconv.Unquote(lit.Value)
					require.NoError(t, err)
					consts = append(consts, v)
				}
				return true
			})
		}
	}
	require.Greater(t, len(consts), 50)
	listed := map[string]bool{}
	for _, a := range audit.Actions {
		require.False(t, listed[a], "%s is listed twice", a)
		listed[a] = true
		require.True(t, audit.Known(a))
		for _, loc := range i18n.Locales {
			require.True(t, i18n.Has(loc, audit.LabelKey(a)), "%s has no label in %s", a, loc)
		}
	}
	sort.Strings(consts)
	require.Len(t, listed, len(consts))
	for _, c := range consts {
		require.True(t, listed[c], "constant %q is not in audit.Actions", c)
	}
	require.False(t, audit.Known("key.made_up"))
}

// An action spelled as a literal anywhere in the code (the call sites not
// yet moved to the constants) must be one of the constants: a typo would
// file entries under an action the Monitor cannot filter or name.
func TestActionLiteralsAreKnown(t *testing.T) {
	t.Parallel()
	groups := map[string]bool{}
	for _, a := range audit.Actions {
		g, _, _ := strings.Cut(a, ".")
		groups[g] = true
	}
	var alts []string
	for g := range groups {
		alts = append(alts, regexp.QuoteMeta(g))
	}
	sort.Strings(alts)
	lit := regexp.MustCompile(`"((?:` + strings.Join(alts, "|") + `)\.[a-z0-9_]+)"`)
	found := 0
	for _, dir := range []string{"../../internal", "../../cmd"} {
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") ||
				strings.HasSuffix(path, "_templ.go") || strings.HasPrefix(filepath.ToSlash(path), "../../internal/i18n/") {
				return err
			}
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			for _, m := range lit.FindAllStringSubmatch(string(b), -1) {
				found++
				a := m[1]
				if strings.HasSuffix(a, "_") { // a prefix completed at run time: "funds.auto_recharge_" + status
					prefixed := false
					for _, k := range audit.Actions {
						prefixed = prefixed || strings.HasPrefix(k, a)
					}
					require.True(t, prefixed, "%s: no action starts with %q", path, a)
					continue
				}
				require.True(t, audit.Known(a), "%s writes action %q, which is not in audit.Actions", path, a)
			}
			return nil
		})
		require.NoError(t, err)
	}
	t.Logf("%d action literals checked", found)
}
