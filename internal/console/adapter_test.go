package console

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/require"
)

func adapt(fn handlerFunc) *httptest.ResponseRecorder {
	c := &Console{log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	w := httptest.NewRecorder()
	c.h(fn).ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/usage", nil))
	return w
}

// A database outage is a 503 page with Retry-After; a panic is the
// console's 500 page, its text kept from the user.
func TestAdapterAnswersOutagesAndPanicsWithPages(t *testing.T) {
	t.Parallel()
	w := adapt(func(w http.ResponseWriter, r *http.Request) error {
		return fmt.Errorf("viewer: %w", &pgconn.PgError{Severity: "FATAL", Code: "57P01", Message: "terminating connection"})
	})
	require.Equal(t, http.StatusServiceUnavailable, w.Code)
	require.Equal(t, "5", w.Header().Get("Retry-After"))
	require.Contains(t, w.Body.String(), "temporarily unavailable")
	require.NotContains(t, w.Body.String(), "terminating")

	w = adapt(func(w http.ResponseWriter, r *http.Request) error { return errors.New("a bug") })
	require.Equal(t, http.StatusInternalServerError, w.Code)
	require.Empty(t, w.Header().Get("Retry-After"))

	w = adapt(func(w http.ResponseWriter, r *http.Request) error {
		var m map[string]int
		m["boom"] = 1 // assignment to a nil map
		return nil
	})
	require.Equal(t, http.StatusInternalServerError, w.Code)
	require.Equal(t, "text/html; charset=utf-8", w.Header().Get("Content-Type"))
	require.NotContains(t, w.Body.String(), "nil map")

	require.PanicsWithValue(t, http.ErrAbortHandler, func() {
		adapt(func(w http.ResponseWriter, r *http.Request) error { panic(http.ErrAbortHandler) })
	})
}
