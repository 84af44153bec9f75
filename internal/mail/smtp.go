package mail

import (
	"context"
	"fmt"
	"net/url"
	"strconv"

	gomail "github.com/wneessen/go-mail"
)

// SMTP sends mail through one SMTP server.
type SMTP struct {
	from string
	opts []gomail.Option
	host string
}

// NewSMTP configures a sender from an smtp:// or smtps:// URL, e.g.
// smtp://user:pass@host:587 (STARTTLS required), smtps://user:pass@host:465
// (implicit TLS). ?starttls=opportunistic or ?starttls=off relax STARTTLS
// for servers without TLS, such as a local relay.
func NewSMTP(rawURL, from string) (*SMTP, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, err
	}
	s := &SMTP{from: from, host: u.Hostname()}
	if s.host == "" {
		return nil, fmt.Errorf("no host")
	}
	port := 587
	switch u.Scheme {
	case "smtp":
		switch u.Query().Get("starttls") {
		case "", "mandatory":
			s.opts = append(s.opts, gomail.WithTLSPortPolicy(gomail.TLSMandatory))
		case "opportunistic":
			s.opts = append(s.opts, gomail.WithTLSPortPolicy(gomail.TLSOpportunistic))
		case "off":
			s.opts = append(s.opts, gomail.WithTLSPortPolicy(gomail.NoTLS))
		default:
			return nil, fmt.Errorf("starttls must be mandatory, opportunistic or off")
		}
	case "smtps":
		port = 465
		s.opts = append(s.opts, gomail.WithSSLPort(false))
	default:
		return nil, fmt.Errorf("scheme must be smtp or smtps")
	}
	if p := u.Port(); p != "" {
		if port, err = strconv.Atoi(p); err != nil {
			return nil, fmt.Errorf("bad port")
		}
	}
	s.opts = append(s.opts, gomail.WithPort(port))
	if u.User != nil {
		pass, _ := u.User.Password()
		s.opts = append(s.opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover), gomail.WithUsername(u.User.Username()), gomail.WithPassword(pass))
	}
	return s, nil
}

// Send delivers one plain-text mail.
func (s *SMTP) Send(ctx context.Context, to, subject, body string) error {
	m := gomail.NewMsg()
	if err := m.From(s.from); err != nil {
		return err
	}
	if err := m.To(to); err != nil {
		return err
	}
	m.Subject(subject)
	m.SetBodyString(gomail.TypeTextPlain, body)
	c, err := gomail.NewClient(s.host, s.opts...)
	if err != nil {
		return err
	}
	return c.DialAndSendWithContext(ctx, m)
}
