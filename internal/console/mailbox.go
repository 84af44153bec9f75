package console

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"console/internal/i18n"
	"console/internal/mail"
	"console/web"
)

// mailbox shows the outbox in development, so invitations can be followed
// without an SMTP server. It is never routed in production.
func (c *Console) mailbox(w http.ResponseWriter, r *http.Request) error {
	mails, err := c.mails.Recent(r.Context(), 100)
	if err != nil {
		return err
	}
	d := web.MailboxData{Mails: mails}
	if id := chi.URLParam(r, "id"); id != "" {
		n, err := strconv.ParseInt(id, 10, 64)
		if err != nil {
			return errNotFound
		}
		d.Open, err = c.mails.Get(r.Context(), n)
		if errors.Is(err, mail.ErrNotFound) {
			return errNotFound
		}
		if err != nil {
			return err
		}
		if d.Open.Purged {
			d.Open.Body = i18n.T(r.Context(), "mailbox.purged")
		}
	}
	noStore(w)
	return render(w, r, http.StatusOK, web.Mailbox(d))
}
