package webtest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/shopspring/decimal"

	"console/internal/billing"
)

// Count runs a query answering one integer (a count(*)) on a's database.
func Count(t testing.TB, a *App, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := a.Pool.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatalf("count %q: %v", sql, err)
	}
	return n
}

// CountAudit is how many audit entries of action a's database holds.
func CountAudit(t testing.TB, a *App, action string) int {
	t.Helper()
	return Count(t, a, `SELECT count(*) FROM audit_log WHERE action = $1`, action)
}

// Balance is a project's balance.
func Balance(t testing.TB, a *App, project string) decimal.Decimal {
	t.Helper()
	b, err := billing.Balance(context.Background(), a.Pool, project)
	if err != nil {
		t.Fatal(err)
	}
	return b.Amount
}

// PDFText is the text of a PDF, laid out as on the page, extracted with
// poppler's pdftotext.
func PDFText(t testing.TB, pdf []byte) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Fatalf("pdftotext is missing: install the Debian package poppler-utils (.ci/run does): %v", err)
	}
	path := filepath.Join(t.TempDir(), "document.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-layout", path, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v: %s", err, out)
	}
	return string(out)
}
