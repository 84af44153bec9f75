package console

import (
	"bytes"
	"errors"
	"net/http"

	"console/internal/billing"
	"console/internal/i18n"
	"console/web"
)

// statement is the project's statement for ?month= (the current month
// when absent), in the reader's language. A month the project has no
// statement for, or one that is not YYYY-MM, is a 404.
func (c *Console) statement(r *http.Request) (*billing.Statement, error) {
	ctx := r.Context()
	st, err := c.billing.Statement(ctx, web.CurrentProject(ctx).SID, r.URL.Query().Get("month"))
	if errors.Is(err, billing.ErrBadMonth) || errors.Is(err, billing.ErrNotFound) {
		return nil, errNotFound
	}
	if err != nil {
		return nil, err
	}
	st.Locale = i18n.Locale(ctx)
	return st, nil
}

func (c *Console) statementPage(w http.ResponseWriter, r *http.Request) error {
	st, err := c.statement(r)
	if err != nil {
		return err
	}
	return render(w, r, http.StatusOK, web.StatementPage(web.StatementData{Statement: st}))
}

// statementPDF sends the statement as a PDF, rendered whole before
// anything is sent so that a failure still gets a proper error page.
func (c *Console) statementPDF(w http.ResponseWriter, r *http.Request) error {
	st, err := c.statement(r)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := st.WritePDF(&buf, web.StatementNames(r.Context())); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `attachment; filename="statement-`+st.Month.Format("2006-01")+`.pdf"`)
	w.Header().Set("Cache-Control", "private, no-store")
	_, err = buf.WriteTo(w)
	return err
}
