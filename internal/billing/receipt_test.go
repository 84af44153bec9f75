package billing_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"console/internal/billing"
)

var tokyo = time.FixedZone("JST", 9*60*60)

// receiptPayment is a settled card payment.
func receiptPayment(amount int64, currency, kind, status string, completed time.Time) *billing.Payment {
	return &billing.Payment{
		ID:          "PY0123456789abcdef0123456789abcdef",
		ProjectSID:  "AC0123456789abcdef0123456789abcdef",
		MethodID:    "PM0123456789abcdef0123456789abcdef",
		CardLabel:   "Visa •••• 4242",
		Amount:      decimal.NewFromInt(amount),
		Currency:    currency,
		Kind:        kind,
		Status:      status,
		CreatedAt:   completed.Add(-time.Second),
		CompletedAt: &completed,
	}
}

// writeReceipt writes r to a temporary file and returns the file's path.
func writeReceipt(t *testing.T, r *billing.Receipt) string {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, r.WritePDF(&buf))
	require.True(t, bytes.HasPrefix(buf.Bytes(), []byte("%PDF")), "not a PDF: %q", buf.Bytes()[:min(buf.Len(), 16)])
	path := filepath.Join(t.TempDir(), "receipt.pdf")
	require.NoError(t, os.WriteFile(path, buf.Bytes(), 0o600))
	return path
}

// pdfText extracts the text of a PDF with poppler's pdftotext.
func pdfText(t *testing.T, path string) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	require.NoError(t, err, "pdftotext is missing: install the Debian package poppler-utils (.ci/run does)")
	out, err := exec.Command(bin, "-layout", path, "-").CombinedOutput()
	require.NoError(t, err, "pdftotext: %s", out)
	return string(out)
}

func requireFont(t *testing.T) {
	t.Helper()
	_, err := os.Stat(billing.FontPath)
	require.NoError(t, err, "receipt font missing: install the Debian package fonts-ipafont-gothic (.ci/run does)")
}

func TestReceiptJapanese(t *testing.T) {
	t.Parallel()
	requireFont(t)
	// 2026-03-31 16:30 UTC is already April 1 in Tokyo.
	completed := time.Date(2026, 3, 31, 16, 30, 0, 0, time.UTC)
	p := receiptPayment(5000, "JPY", billing.PaymentAuto, billing.PaymentSucceeded, completed)
	r := &billing.Receipt{
		Number:      p.ID,
		Issued:      completed,
		Location:    tokyo,
		Payment:     p,
		ProjectName: "My Project",
		Prefs: billing.Preferences{
			CompanyName:        "株式会社テスト",
			Address:            "東京都千代田区1-2-3\n丸の内ビル 4F",
			RegistrationNumber: "T1234567890123",
		},
		Issuer: billing.Issuer{Name: "株式会社コンソール", Address: "東京都港区芝公園4-2-8\n通信ビル 10F", Registration: "T7000012050002"},
		Locale: "ja",
	}
	text := pdfText(t, writeReceipt(t, r))
	for _, want := range []string{
		"領収書", "株式会社テスト 御中", "東京都千代田区1-2-3", "丸の内ビル 4F", "¥5,000",
		"但し、ご利用料金として", "2026年4月1日", p.ID, "Visa •••• 4242", "自動チャージ",
		"登録番号: T1234567890123",
		// The issuer, as a qualified invoice names it.
		"発行者", "株式会社コンソール", "東京都港区芝公園4-2-8", "通信ビル 10F", "登録番号: T7000012050002",
	} {
		require.Contains(t, text, want)
	}
	require.NotContains(t, text, "Console", "the issuer's name replaces the default")
	require.NotContains(t, text, "2026年3月31日", "the date is shown in the project's time zone")
}

func TestReceiptEnglish(t *testing.T) {
	t.Parallel()
	requireFont(t)
	completed := time.Date(2026, 1, 2, 15, 4, 5, 0, time.UTC)
	p := receiptPayment(25, "USD", billing.PaymentManual, billing.PaymentSucceeded, completed)
	r := &billing.Receipt{
		Number:      p.ID,
		Issued:      completed,
		Location:    time.UTC,
		Payment:     p,
		ProjectName: "Acme Project",
		Locale:      "en",
	}
	text := pdfText(t, writeReceipt(t, r))
	for _, want := range []string{
		"Receipt", "Billed to: Acme Project", "$25.00", "For: prepaid usage credit",
		"January 2, 2026", p.ID, "Visa •••• 4242", "Add Funds",
		"Issued by", "Console", // no issuer configured: the development default
	} {
		require.Contains(t, text, want)
	}
	require.NotContains(t, text, "Registration number", "no registration number was set")
	require.NotContains(t, text, "領収書")
}

// Long Japanese text wraps without losing a character (fpdf's own
// MultiCell drops the one it breaks at).
func TestReceiptWrapsLongJapaneseText(t *testing.T) {
	t.Parallel()
	requireFont(t)
	completed := time.Date(2026, 1, 2, 15, 4, 5, 0, time.UTC)
	p := receiptPayment(1234567, "JPY", billing.PaymentManual, billing.PaymentSucceeded, completed)
	company := "株式会社とても長い名前のテストホールディングスグループジャパン国際事業部"
	address := "東京都千代田区丸の内一丁目二番三号とても長い住所の建物名称ビルディング二十四階受付気付経理部"
	r := &billing.Receipt{Payment: p, Location: tokyo, Locale: "ja",
		Prefs: billing.Preferences{CompanyName: company, Address: address}}
	text := strings.Join(strings.Fields(pdfText(t, writeReceipt(t, r))), "")
	require.Contains(t, text, company+"御中")
	require.Contains(t, text, address)
	require.Contains(t, text, "¥1,234,567")
	require.Contains(t, text, p.ID, "the number defaults to the payment ID")
	require.Contains(t, text, "2026年1月3日", "the issue date defaults to the completion time")
}

func TestReceiptRefusesUnsucceededPayment(t *testing.T) {
	t.Parallel()
	completed := time.Date(2026, 1, 2, 15, 4, 5, 0, time.UTC)
	for _, status := range []string{billing.PaymentFailed, billing.PaymentPending} {
		p := receiptPayment(5000, "JPY", billing.PaymentManual, status, completed)
		r := &billing.Receipt{Number: p.ID, Issued: completed, Location: tokyo, Payment: p, Locale: "ja"}
		var buf bytes.Buffer
		err := r.WritePDF(&buf)
		require.ErrorIs(t, err, billing.ErrNoReceipt, status)
		require.Zero(t, buf.Len(), "nothing is written for a %s payment", status)
	}
}

func TestReceiptMissingFont(t *testing.T) {
	t.Parallel()
	saved := billing.FontPath
	t.Cleanup(func() { billing.FontPath = saved })
	billing.FontPath = filepath.Join(t.TempDir(), "missing.ttf")

	completed := time.Date(2026, 1, 2, 15, 4, 5, 0, time.UTC)
	p := receiptPayment(5000, "JPY", billing.PaymentManual, billing.PaymentSucceeded, completed)
	r := &billing.Receipt{Number: p.ID, Issued: completed, Location: tokyo, Payment: p, Locale: "ja"}
	var buf bytes.Buffer
	err := r.WritePDF(&buf)
	require.Error(t, err)
	require.True(t, strings.Contains(err.Error(), billing.FontPath), "the error names the font: %v", err)
	require.Zero(t, buf.Len())
}
