package billing

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"
	"github.com/shopspring/decimal"

	"console/internal/i18n"
	"console/internal/usage"
)

// StatementNames name what a statement lists in the reader's language;
// the console's catalogs hold them.
type StatementNames struct {
	Service  func(service string) string
	Category func(category string) string
	Unit     func(unit string, n decimal.Decimal) string // the unit's name for n of it
}

// TaxRateLabel writes a tax rate as a percentage ("10%").
func TaxRateLabel(rate decimal.Decimal) string {
	return rate.Mul(decimal.NewFromInt(100)).String() + "%"
}

// WritePDF writes the statement as an A4 PDF in st.Locale, its wording
// from the catalogs. Nothing is written to w unless the whole document
// was made, so that the caller can still answer with an error page.
func (st *Statement) WritePDF(w io.Writer, names StatementNames) error {
	locale := st.Locale
	if !i18n.Supported(locale) {
		locale = i18n.English
	}
	tr := func(key string, args ...any) string { return i18n.Translate(locale, key, args...) }
	date := func(d time.Time) string { return i18n.Date(locale, "format.date_long", d) }
	money := func(d decimal.Decimal) string { return st.Money(d).Format() }
	font, err := os.ReadFile(FontPath)
	if err != nil {
		return fmt.Errorf("billing: statement font %s (Debian package fonts-ipafont-gothic) unreadable: %w", FontPath, err)
	}
	from, to := st.Month, st.PeriodEnd()

	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetMargins(rcMargin, rcMargin, rcMargin)
	pdf.SetAutoPageBreak(true, rcMargin)
	stamp := time.Date(st.Issued.Year(), st.Issued.Month(), st.Issued.Day(), 0, 0, 0, 0, time.UTC) // fpdf writes no zone
	pdf.SetCreationDate(stamp)
	pdf.SetModificationDate(stamp)
	pdf.SetTitle(tr("statement.title")+" "+st.Month.Format(statementMonthLayout), true)
	pdf.SetAuthor(st.Issuer.DisplayName(), true)
	pdf.SetCreator(st.Issuer.DisplayName(), true)
	pdf.AddUTF8FontFromBytes(rcFont, "", font)
	if err := pdf.Error(); err != nil {
		return fmt.Errorf("billing: statement font %s: %w", FontPath, err)
	}
	pdf.SetCellMargin(0)
	pdf.AddPage()

	ink := func(gray int) { pdf.SetTextColor(gray, gray, gray) }
	// The font has no bold face: stroke the outlines too, as receipts do.
	bold := func(size float64, text func()) {
		pdf.SetDrawColor(0, 0, 0)
		pdf.RawWriteStr(fmt.Sprintf("2 Tr %.2f w", size*0.03))
		text()
		pdf.RawWriteStr("0 Tr")
		pdf.SetLineWidth(pdf.GetLineWidth())
	}
	rule := func(y, width float64, gray int) {
		pdf.SetDrawColor(gray, gray, gray)
		pdf.SetLineWidth(width)
		pdf.Line(rcMargin, y, rcMargin+rcWidth, y)
	}

	// Title over a double rule.
	ink(0)
	pdf.SetFont(rcFont, "", 22)
	pdf.SetY(rcMargin)
	bold(22, func() { pdf.CellFormat(rcWidth, 12, tr("statement.title"), "", 1, "C", false, 0, "") })
	y := pdf.GetY() + 3
	rule(y, 0.6, 40)
	rule(y+1.2, 0.2, 40)

	// Period, issue date and project, top right.
	top := y + 7
	ink(60)
	pdf.SetFont(rcFont, "", 9)
	pdf.SetXY(rcMargin, top)
	for _, line := range []string{
		tr("statement.period") + ": " + tr("statement.period_value", date(from), date(to)),
		tr("statement.issued") + ": " + date(st.Issued),
		tr("statement.project") + ": " + st.ProjectName,
		st.ProjectSID,
	} {
		pdf.CellFormat(rcWidth, 5, line, "", 2, "R", false, 0, "")
	}
	metaBottom := pdf.GetY()

	// The customer, left: the company name from the preferences.
	const leftW = 100.0
	name := strings.TrimSpace(st.Prefs.CompanyName)
	if name == "" {
		name = strings.TrimSpace(st.ProjectName)
	}
	pdf.SetXY(rcMargin, top+8)
	ink(0)
	pdf.SetFont(rcFont, "", 15)
	bold(15, func() {
		for _, line := range wrapReceiptText(pdf, tr("statement.addressee", name), leftW) {
			pdf.CellFormat(leftW, 8, line, "", 2, "L", false, 0, "")
		}
	})
	// Underlined as far as the column goes, clear of the project's SID.
	pdf.SetDrawColor(0, 0, 0)
	pdf.SetLineWidth(0.4)
	pdf.Line(rcMargin, pdf.GetY()+0.5, rcMargin+leftW, pdf.GetY()+0.5)
	pdf.Ln(2.5)
	ink(60)
	pdf.SetFont(rcFont, "", 10)
	for _, line := range wrapReceiptText(pdf, st.Prefs.Address, leftW) {
		pdf.CellFormat(leftW, 5, line, "", 2, "L", false, 0, "")
	}

	// The issuer, right, with its registration number.
	pdf.SetY(max(pdf.GetY(), metaBottom) + 4)
	writeIssuer(pdf, st.Issuer, tr, ink, bold)

	// The total, in a shaded box.
	y = pdf.GetY() + 6
	const boxH = 18.0
	pdf.SetFillColor(244, 245, 247)
	pdf.SetDrawColor(90, 90, 90)
	pdf.SetLineWidth(0.4)
	pdf.Rect(rcMargin, y, rcWidth, boxH, "FD")
	ink(40)
	pdf.SetFont(rcFont, "", 11)
	pdf.SetXY(rcMargin+6, y)
	pdf.CellFormat(80, boxH, tr("statement.total"), "", 0, "L", false, 0, "")
	ink(0)
	pdf.SetFont(rcFont, "", 20)
	pdf.SetXY(rcMargin+86, y)
	bold(20, func() { pdf.CellFormat(rcWidth-92, boxH, money(st.Total), "", 0, "R", false, 0, "") })
	pdf.SetXY(rcMargin, y+boxH+3)
	ink(60)
	pdf.SetFont(rcFont, "", 9)
	for _, line := range wrapReceiptText(pdf, tr("statement.paid_note"), rcWidth) {
		pdf.CellFormat(rcWidth, 5, line, "", 2, "L", false, 0, "")
	}
	if !st.Final {
		for _, line := range wrapReceiptText(pdf, tr("statement.in_progress", date(st.Issued)), rcWidth) {
			pdf.CellFormat(rcWidth, 5, line, "", 2, "L", false, 0, "")
		}
	}

	// The usage by service and category.
	pdf.Ln(5)
	const itemW, countW, usageW = 72.0, 34.0, 34.0
	const amountW = rcWidth - itemW - countW - usageW
	row := func(cells [4]string, size float64, gray int) {
		ink(gray)
		pdf.SetFont(rcFont, "", size)
		pdf.CellFormat(itemW, 7, cells[0], "", 0, "L", false, 0, "")
		pdf.CellFormat(countW, 7, cells[1], "", 0, "R", false, 0, "")
		pdf.CellFormat(usageW, 7, cells[2], "", 0, "R", false, 0, "")
		pdf.CellFormat(amountW, 7, cells[3], "", 1, "R", false, 0, "")
	}
	ink(20)
	pdf.SetFont(rcFont, "", 11)
	pdf.CellFormat(rcWidth, 7, tr("statement.details"), "", 2, "L", false, 0, "")
	row([4]string{tr("statement.col_item"), tr("statement.col_count"), tr("statement.col_usage"), tr("statement.col_amount")}, 8.5, 90)
	rule(pdf.GetY(), 0.4, 40)
	if st.Empty() {
		row([4]string{tr("statement.empty"), "", "", money(decimal.Zero)}, 9.5, 60)
	}
	for _, s := range st.Services {
		row([4]string{names.Service(s.Service), "", "", ""}, 10, 0)
		for _, l := range s.Lines {
			info := usage.Categories[l.Category]
			row([4]string{"  " + names.Category(l.Category),
				Grouped(decimal.NewFromInt(l.Count)) + " " + names.Unit(info.CountUnit, decimal.NewFromInt(l.Count)),
				Grouped(l.Usage) + " " + names.Unit(info.UsageUnit, l.Usage),
				money(l.Price)}, 9.5, 20)
		}
		row([4]string{"  " + tr("statement.subtotal"), "", "", money(s.Price)}, 9.5, 60)
		rule(pdf.GetY(), 0.15, 190)
	}
	rule(pdf.GetY()+0.5, 0.4, 40)
	pdf.Ln(1)
	row([4]string{tr("statement.total"), "", "", money(st.Total)}, 10.5, 0)

	// Subtotal and tax per rate, as a qualified invoice must show them.
	pdf.Ln(6)
	ink(20)
	pdf.SetFont(rcFont, "", 11)
	pdf.CellFormat(rcWidth, 7, tr("statement.tax_summary"), "", 2, "L", false, 0, "")
	taxRow := func(cells [3]string, size float64, gray int) {
		ink(gray)
		pdf.SetFont(rcFont, "", size)
		pdf.CellFormat(itemW, 7, cells[0], "", 0, "L", false, 0, "")
		pdf.CellFormat(countW+usageW, 7, cells[1], "", 0, "R", false, 0, "")
		pdf.CellFormat(amountW, 7, cells[2], "", 1, "R", false, 0, "")
	}
	taxRow([3]string{tr("statement.col_rate"), tr("statement.col_taxable"), tr("statement.col_tax")}, 8.5, 90)
	rule(pdf.GetY(), 0.4, 40)
	taxes := st.Taxes
	if len(taxes) == 0 {
		taxes = []TaxLine{{Rate: StandardTaxRate}}
	}
	for _, tl := range taxes {
		taxRow([3]string{tr("statement.rate_subject", TaxRateLabel(tl.Rate)), money(tl.Subtotal), money(tl.Tax)}, 10, 0)
		rule(pdf.GetY(), 0.15, 190)
	}
	pdf.Ln(2)
	ink(90)
	pdf.SetFont(rcFont, "", 8.5)
	for _, line := range wrapReceiptText(pdf, tr("statement.tax_note"), rcWidth) {
		pdf.CellFormat(rcWidth, 4.5, line, "", 2, "L", false, 0, "")
	}

	// Footer note.
	pdf.Ln(8)
	rule(pdf.GetY(), 0.15, 190)
	pdf.Ln(2)
	ink(130)
	pdf.SetFont(rcFont, "", 8)
	pdf.CellFormat(rcWidth, 5, tr("statement.footer"), "", 2, "L", false, 0, "")

	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return fmt.Errorf("billing: statement %s %s: %w", st.ProjectSID, st.Month.Format(statementMonthLayout), err)
	}
	_, err = buf.WriteTo(w)
	return err
}
