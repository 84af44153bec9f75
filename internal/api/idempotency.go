package api

import (
	"bytes"
	"context"
	"errors"
	"net/http"

	"console/internal/idempotency"
	"console/internal/reqlog"
)

// maxIdempotencyKey is the longest Idempotency-Key accepted.
const maxIdempotencyKey = 255

var (
	errIdempotencyKey      = errInvalid("Idempotency-Key header", "must be 1 to 255 printable ASCII characters")
	errIdempotencyMismatch = &Error{Status: http.StatusUnprocessableEntity, Code: 20422,
		Message: "Idempotency-Key was already used with different parameters or on another resource: use a new key for a new request"}
	errIdempotencyBusy = &Error{Status: http.StatusConflict, Code: 20409,
		Message: "The first request with this Idempotency-Key is still running: retry later"}
)

// validIdempotencyKey reports whether k is 1 to 255 printable ASCII characters.
func validIdempotencyKey(k string) bool {
	if k == "" || len(k) > maxIdempotencyKey {
		return false
	}
	for i := 0; i < len(k); i++ {
		if k[i] < 0x20 || k[i] > 0x7e {
			return false
		}
	}
	return true
}

// idempotent makes a POST that creates or costs something safe to retry
// (our extension): with an Idempotency-Key header, the first request with
// the key does the work and its answer, status and body, is kept for
// idempotency.TTL; a retry with the same key and parameters gets that
// answer again without doing anything, waiting for it while the first
// runs. Keys are scoped to the credentials' account (test credentials
// have their own); one used with other parameters, or on another
// resource, is a 422. Without the header nothing changes.
func (a *API) idempotent(next http.Handler) http.Handler {
	return a.h(func(w http.ResponseWriter, r *http.Request) error {
		keys, ok := r.Header[http.CanonicalHeaderKey("Idempotency-Key")]
		if !ok || a.Idempotency == nil {
			next.ServeHTTP(w, r)
			return nil
		}
		if len(keys) != 1 || !validIdempotencyKey(keys[0]) {
			return errIdempotencyKey
		}
		key, ctx := keys[0], r.Context()
		p := principal(ctx)
		scope := p.Account.SID
		if p.TestSID != "" {
			scope = p.TestSID
		}
		request := []byte(r.Method + " " + r.URL.Path + "\n" + r.Form.Encode())
		answer, err := a.Idempotency.Claim(ctx, scope, key, request)
		switch {
		case errors.Is(err, idempotency.ErrMismatch):
			return errIdempotencyMismatch
		case errors.Is(err, idempotency.ErrInFlight):
			return errIdempotencyBusy
		case err != nil:
			return err
		case answer != nil:
			w.Header().Set("Content-Type", answer.ContentType)
			w.Header().Set("Idempotent-Replayed", "true")
			w.WriteHeader(answer.Status)
			_, _ = w.Write(answer.Body)
			return nil
		}
		rec := &recordingWriter{ResponseWriter: w, status: http.StatusOK}
		// The answer is kept even when the client has gone: its retry wants it.
		defer func() {
			done := context.WithoutCancel(ctx)
			var err error
			// A database outage (503) or a refusal to serve now (429)
			// did nothing: a retry may do the work.
			if rec.wrote && rec.status != http.StatusServiceUnavailable && rec.status != http.StatusTooManyRequests {
				err = a.Idempotency.Finish(done, scope, key, idempotency.Answer{Status: rec.status, ContentType: rec.Header().Get("Content-Type"), Body: rec.body.Bytes()})
			} else {
				err = a.Idempotency.Release(done, scope, key)
			}
			if err != nil {
				reqlog.Logger(ctx, a.log).Error("idempotency: answer not stored", "path", r.URL.Path, "err", err)
			}
		}()
		next.ServeHTTP(rec, r)
		return nil
	})
}

// recordingWriter passes an answer on and keeps a copy of it.
type recordingWriter struct {
	http.ResponseWriter
	status int
	wrote  bool
	body   bytes.Buffer
}

func (rw *recordingWriter) WriteHeader(code int) {
	if !rw.wrote {
		rw.status, rw.wrote = code, true
	}
	rw.ResponseWriter.WriteHeader(code)
}

func (rw *recordingWriter) Write(b []byte) (int, error) {
	rw.wrote = true
	rw.body.Write(b)
	return rw.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (rw *recordingWriter) Unwrap() http.ResponseWriter { return rw.ResponseWriter }
