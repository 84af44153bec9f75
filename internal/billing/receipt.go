package billing

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"

	"console/internal/i18n"
)

// Receipt is what a receipt shows.
type Receipt struct {
	Number      string         // the payment ID
	Issued      time.Time      // payment completion time, shown in Location
	Location    *time.Location // the project's time zone; UTC when nil
	Payment     *Payment
	ProjectName string
	Prefs       Preferences
	Issuer      Issuer
	Locale      string // an i18n locale; anything else is English
}

// Issuer is the operator that issues receipts and statements, from the
// server's settings: a Japanese qualified invoice must name it and carry
// its registration number.
type Issuer struct {
	Name    string
	Address string // lines separated by \n
	// Registration is the qualified invoice issuer registration number
	// (T and 13 digits), "" when the operator has none.
	Registration string
}

// DefaultIssuerName signs documents when the operator named none.
const DefaultIssuerName = "Console"

// DisplayName is the issuer's name, DefaultIssuerName when unset.
func (is Issuer) DisplayName() string {
	if n := strings.TrimSpace(is.Name); n != "" {
		return n
	}
	return DefaultIssuerName
}

// FontPath is the TrueType font with Japanese glyphs used for receipts
// (IPA Gothic, Debian package fonts-ipafont-gothic); a var so that tests
// and configuration can change it. Every receipt is set in this one font,
// so a missing file is an error rather than a fallback that prints tofu.
var FontPath = "/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf"

// ErrNoReceipt is returned by WritePDF for a payment that did not succeed:
// only money actually received gets a receipt.
var ErrNoReceipt = errors.New("billing: only a succeeded payment has a receipt")

// receiptKinds are the catalog keys of the payment kinds a receipt names.
var receiptKinds = map[string]string{PaymentManual: "receipt.kind_manual", PaymentAuto: "receipt.kind_auto"}

// Page geometry, in millimetres (A4 is 210 × 297).
const (
	rcMargin = 20.0
	rcWidth  = 210 - 2*rcMargin
	rcFont   = "receipt"
)

// WritePDF writes the receipt as an A4 PDF. Nothing is written to w
// unless the whole document was made: an error (a payment that did not
// succeed, a missing font) leaves w untouched for the caller to answer
// with an error page instead.
func (r *Receipt) WritePDF(w io.Writer) error {
	p := r.Payment
	if p == nil {
		return errors.New("billing: receipt without a payment")
	}
	if p.Status != PaymentSucceeded {
		return fmt.Errorf("%w (payment %s is %s)", ErrNoReceipt, p.ID, p.Status)
	}
	issued := r.Issued
	if issued.IsZero() && p.CompletedAt != nil {
		issued = *p.CompletedAt
	}
	if issued.IsZero() {
		return fmt.Errorf("billing: receipt for payment %s has no issue date", p.ID)
	}
	loc := r.Location
	if loc == nil {
		loc = time.UTC
	}
	issued = issued.In(loc)
	number := r.Number
	if number == "" {
		number = p.ID
	}
	locale := r.Locale
	if !i18n.Supported(locale) {
		locale = i18n.English
	}
	txt := func(key string, args ...any) string { return i18n.Translate(locale, key, args...) }
	font, err := os.ReadFile(FontPath)
	if err != nil {
		return fmt.Errorf("billing: receipt font %s (Debian package fonts-ipafont-gothic) unreadable: %w", FontPath, err)
	}

	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetMargins(rcMargin, rcMargin, rcMargin)
	pdf.SetAutoPageBreak(true, rcMargin)
	pdf.SetCreationDate(issued.UTC()) // fpdf writes no zone
	pdf.SetModificationDate(issued.UTC())
	pdf.SetTitle(txt("receipt.title")+" "+number, true)
	pdf.SetAuthor(r.Issuer.DisplayName(), true)
	pdf.SetCreator(r.Issuer.DisplayName(), true)
	pdf.AddUTF8FontFromBytes(rcFont, "", font)
	if err := pdf.Error(); err != nil {
		return fmt.Errorf("billing: receipt font %s: %w", FontPath, err)
	}
	pdf.SetCellMargin(0)
	pdf.AddPage()

	ink := func(gray int) { pdf.SetTextColor(gray, gray, gray) }
	// The font has no bold face: fake one by stroking the glyph outlines
	// too (text rendering mode 2), with a width that grows with the size.
	bold := func(size float64, text func()) {
		pdf.SetDrawColor(0, 0, 0)
		pdf.RawWriteStr(fmt.Sprintf("2 Tr %.2f w", size*0.03))
		text()
		pdf.RawWriteStr("0 Tr")
		pdf.SetLineWidth(pdf.GetLineWidth()) // back to what fpdf thinks it is
	}
	rule := func(y, width float64, gray int) {
		pdf.SetDrawColor(gray, gray, gray)
		pdf.SetLineWidth(width)
		pdf.Line(rcMargin, y, rcMargin+rcWidth, y)
	}

	// Title, centred, over a double rule.
	ink(0)
	pdf.SetFont(rcFont, "", 26)
	pdf.SetY(rcMargin)
	bold(26, func() { pdf.CellFormat(rcWidth, 14, txt("receipt.title"), "", 1, "C", false, 0, "") })
	y := pdf.GetY() + 3
	rule(y, 0.6, 40)
	rule(y+1.2, 0.2, 40)

	// Receipt number and date, top right.
	top := y + 8
	ink(60)
	pdf.SetFont(rcFont, "", 9)
	pdf.SetXY(rcMargin, top)
	pdf.CellFormat(rcWidth, 5, txt("receipt.number")+": "+number, "", 2, "R", false, 0, "")
	pdf.CellFormat(rcWidth, 5, txt("receipt.issued")+": "+i18n.Date(locale, "format.date_long", issued), "", 2, "R", false, 0, "")
	metaBottom := pdf.GetY()

	// Addressee, underlined, and the address under it.
	const leftW = 100.0
	name := strings.TrimSpace(r.Prefs.CompanyName)
	if name == "" {
		name = strings.TrimSpace(r.ProjectName)
	}
	pdf.SetXY(rcMargin, top+10)
	if name != "" {
		ink(0)
		pdf.SetFont(rcFont, "", 16)
		bold(16, func() {
			for _, line := range wrapReceiptText(pdf, txt("receipt.addressee", name), leftW) {
				pdf.CellFormat(leftW, 8, line, "", 2, "L", false, 0, "")
			}
		})
		rule(pdf.GetY()+0.5, 0.4, 0)
		pdf.Ln(2.5)
	}
	ink(60)
	pdf.SetFont(rcFont, "", 10)
	for _, line := range wrapReceiptText(pdf, r.Prefs.Address, leftW) {
		pdf.CellFormat(leftW, 5, line, "", 2, "L", false, 0, "")
	}
	// The customer's own invoice registration number, from their preferences.
	if reg := strings.TrimSpace(r.Prefs.RegistrationNumber); reg != "" {
		pdf.CellFormat(leftW, 5.5, txt("receipt.registration", reg), "", 2, "L", false, 0, "")
	}

	// The amount, large, in a shaded box.
	y = max(pdf.GetY(), metaBottom) + 10
	const boxH = 24.0
	pdf.SetFillColor(244, 245, 247)
	pdf.SetDrawColor(90, 90, 90)
	pdf.SetLineWidth(0.4)
	pdf.Rect(rcMargin, y, rcWidth, boxH, "FD")
	ink(60)
	pdf.SetFont(rcFont, "", 12)
	pdf.SetXY(rcMargin+8, y)
	pdf.CellFormat(30, boxH, txt("receipt.amount"), "", 0, "L", false, 0, "")
	ink(0)
	pdf.SetFont(rcFont, "", 28)
	pdf.SetXY(rcMargin+40, y) // centred in the room right of the label
	bold(28, func() { pdf.CellFormat(rcWidth-80, boxH, p.Money().FormatCharge(), "", 0, "C", false, 0, "") })
	pdf.SetXY(rcMargin, y+boxH+4)
	ink(20)
	pdf.SetFont(rcFont, "", 11)
	pdf.CellFormat(rcWidth, 6.5, txt("receipt.for"), "", 2, "L", false, 0, "")
	pdf.CellFormat(rcWidth, 6.5, txt("receipt.received"), "", 2, "L", false, 0, "")

	// Payment details, a two-column table.
	pdf.Ln(8)
	ink(20)
	pdf.SetFont(rcFont, "", 11)
	pdf.CellFormat(rcWidth, 7, txt("receipt.details"), "", 2, "L", false, 0, "")
	rule(pdf.GetY(), 0.4, 40)
	kind := p.Kind
	if key, ok := receiptKinds[p.Kind]; ok {
		kind = txt(key)
	}
	rows := [][2]string{
		{txt("receipt.method"), p.CardLabel},
		{txt("receipt.kind"), kind},
	}
	if r.ProjectName != "" {
		rows = append(rows, [2]string{txt("receipt.project"), r.ProjectName})
	}
	pdf.SetFont(rcFont, "", 10)
	const labelW, rowH = 45.0, 8.0
	for _, row := range rows {
		if row[1] == "" {
			continue
		}
		ink(90)
		pdf.CellFormat(labelW, rowH, row[0], "", 0, "L", false, 0, "")
		ink(0)
		for i, line := range wrapReceiptText(pdf, row[1], rcWidth-labelW) {
			pdf.SetX(rcMargin + labelW)
			pdf.CellFormat(rcWidth-labelW, rowH-float64(min(i, 1))*3, line, "", 1, "L", false, 0, "")
		}
		rule(pdf.GetY(), 0.15, 190)
	}

	// The issuer, bottom right.
	pdf.Ln(16)
	writeIssuer(pdf, r.Issuer, txt, ink, bold)

	// Footer note.
	pdf.Ln(14)
	rule(pdf.GetY(), 0.15, 190)
	pdf.Ln(2)
	ink(130)
	pdf.SetFont(rcFont, "", 8)
	pdf.CellFormat(rcWidth, 5, txt("receipt.footer"), "", 2, "L", false, 0, "")

	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return fmt.Errorf("billing: receipt %s: %w", number, err)
	}
	_, err = buf.WriteTo(w)
	return err
}

// writeIssuer prints the issuer's block at the right of the page: its
// label, name, address and registration number, worded by txt.
func writeIssuer(pdf *fpdf.Fpdf, is Issuer, txt func(string, ...any) string, ink func(int), bold func(float64, func())) {
	const issuerX, issuerW = rcMargin + rcWidth - 80, 80.0
	ink(110)
	pdf.SetFont(rcFont, "", 9)
	pdf.SetX(issuerX)
	pdf.CellFormat(issuerW, 5, txt("receipt.issuer"), "", 2, "L", false, 0, "")
	ink(0)
	pdf.SetFont(rcFont, "", 15)
	bold(15, func() {
		for _, line := range wrapReceiptText(pdf, is.DisplayName(), issuerW) {
			pdf.CellFormat(issuerW, 8, line, "", 2, "L", false, 0, "")
		}
	})
	ink(40)
	pdf.SetFont(rcFont, "", 9)
	for _, line := range wrapReceiptText(pdf, is.Address, issuerW) {
		pdf.CellFormat(issuerW, 5, line, "", 2, "L", false, 0, "")
	}
	if reg := strings.TrimSpace(is.Registration); reg != "" {
		pdf.CellFormat(issuerW, 5, txt("receipt.registration", reg), "", 2, "L", false, 0, "")
	}
}

// wrapReceiptText breaks text into lines no wider than width in pdf's
// current font, one paragraph per line of text; blank lines are dropped.
// A line breaks at a space when there is one in its second half, else
// between any two characters, which suits Japanese. (fpdf's own MultiCell
// drops the character it breaks at in Japanese text, so it is not used.)
func wrapReceiptText(pdf *fpdf.Fpdf, text string, width float64) []string {
	var lines []string
	for _, para := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		rest := []rune(strings.TrimSpace(para))
		for len(rest) > 0 {
			n := 1 // the longest prefix that fits, at least one character
			for n < len(rest) && pdf.GetStringWidth(string(rest[:n+1])) <= width {
				n++
			}
			if n < len(rest) {
				for i := n; i > n/2; i-- {
					if rest[i] == ' ' {
						n = i
						break
					}
				}
			}
			lines = append(lines, strings.TrimRight(string(rest[:n]), " "))
			rest = []rune(strings.TrimLeft(string(rest[n:]), " "))
		}
	}
	return lines
}
