package webhook

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"syscall"
)

// Why an attempt failed, as stored with it: decided once, from the error's
// type, when the attempt is made, so that its history need not read the
// error's text.
const (
	FailureNone      = ""          // delivered: a 2xx answer
	FailureStatus    = "status"    // answered, with a status other than 2xx
	FailureForbidden = "forbidden" // the destination's address is not allowed
	FailureTimeout   = "timeout"   // no answer in time
	FailureRefused   = "refused"   // the connection was refused
	FailureDNS       = "dns"       // the host name does not resolve
	FailureTLS       = "tls"       // the TLS handshake or certificate failed
	FailureOther     = "failed"    // anything else: a bad URL, a reset, …
)

// FailureKind classifies what Send returned: status is its status (0 when
// no answer came), err its error.
func FailureKind(status int, err error) string {
	var (
		netErr    net.Error
		dnsErr    *net.DNSError
		recordErr tls.RecordHeaderError
		certErr   *tls.CertificateVerificationError
		authErr   x509.UnknownAuthorityError
		hostErr   x509.HostnameError
		invalid   x509.CertificateInvalidError
		alert     tls.AlertError
	)
	switch {
	case err == nil:
		return FailureNone
	case status != 0:
		return FailureStatus
	case errors.Is(err, ErrForbiddenAddress):
		return FailureForbidden
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr) && netErr.Timeout():
		return FailureTimeout
	case errors.Is(err, syscall.ECONNREFUSED):
		return FailureRefused
	case errors.As(err, &dnsErr):
		return FailureDNS
	case errors.As(err, &certErr), errors.As(err, &authErr), errors.As(err, &hostErr), errors.As(err, &invalid),
		errors.As(err, &recordErr), errors.As(err, &alert):
		return FailureTLS
	}
	return FailureOther
}
