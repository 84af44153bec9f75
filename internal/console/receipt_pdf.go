package console

import (
	"bytes"
	"net/http"
)

// receiptPDF sends a succeeded payment's receipt as a PDF in the viewer's
// language, dated in the project's time zone. It is rendered whole before
// anything is sent, so a failure still gets a proper error page.
func (c *Console) receiptPDF(w http.ResponseWriter, r *http.Request) error {
	rc, err := c.receipt(r)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := rc.WritePDF(&buf); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `attachment; filename="receipt-`+rc.Number+`.pdf"`)
	w.Header().Set("Cache-Control", "private, no-store")
	_, err = buf.WriteTo(w)
	return err
}
